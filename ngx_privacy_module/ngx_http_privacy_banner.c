/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent banner, injected into text/html responses of visitors who
 * have not decided yet.
 */


#include "ngx_http_privacy_module.h"


ngx_int_t
ngx_http_privacy_banner_init(ngx_conf_t *cf)
{
    return NGX_OK;
}
