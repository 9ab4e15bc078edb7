/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent banner's filters (ngx_http_privacy_banner.c).
 */

#ifndef _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

/* used: some location shows the banner (its filters are registered) */
ngx_int_t ngx_http_privacy_banner_init(ngx_conf_t *cf, ngx_uint_t used);


#endif /* _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_ */
