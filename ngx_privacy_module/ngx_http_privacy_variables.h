/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The module's variables (ngx_http_privacy_variables.c).
 */

#ifndef _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* preconfiguration: adds them */
ngx_int_t ngx_http_privacy_add_variables(ngx_conf_t *cf);


#endif /* _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_ */
