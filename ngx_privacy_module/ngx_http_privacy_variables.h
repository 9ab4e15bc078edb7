/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The module's variables (ngx_http_privacy_variables.c).
 */

#ifndef _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* the longest $privacy_client: an address, or the hash's 32 digits */
#define NGX_HTTP_PRIVACY_CLIENT_LEN                                          \
    (NGX_SOCKADDR_STRLEN > 32 ? NGX_SOCKADDR_STRLEN : 32)


/* preconfiguration: adds them */
ngx_int_t ngx_http_privacy_add_variables(ngx_conf_t *cf);

/* $privacy_client into p (NGX_HTTP_PRIVACY_CLIENT_LEN), 0 on error */
size_t ngx_http_privacy_client_text(ngx_http_request_t *r, u_char *p);


#endif /* _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_ */
