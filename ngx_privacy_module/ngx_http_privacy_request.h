/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The request side (ngx_http_privacy_request.c): the REWRITE-phase
 * handler that strips denied cookies from Cookie headers.
 */

#ifndef _NGX_HTTP_PRIVACY_REQUEST_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REQUEST_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

ngx_int_t ngx_http_privacy_request_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_scan(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t rewrite);
ngx_int_t ngx_http_privacy_presented_get(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx);


#endif /* _NGX_HTTP_PRIVACY_REQUEST_H_INCLUDED_ */
