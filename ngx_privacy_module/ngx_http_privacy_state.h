/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The per-request consent state (ngx_http_privacy_state.c): the
 * context of the main request, the categories a cookie falls in and
 * whether they are denied, where a Set-Cookie puts its cookie (for the
 * register), the client's pseudonym for receipts.
 */

#ifndef _NGX_HTTP_PRIVACY_STATE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_STATE_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

ngx_http_privacy_ctx_t *ngx_http_privacy_get_ctx(ngx_http_request_t *r);
ngx_http_privacy_ctx_t *ngx_http_privacy_find_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_add_stripped(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, u_char *name, size_t len);
unsigned ngx_http_privacy_category_of(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, u_char *name, size_t len);
void ngx_http_privacy_scope_seen(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, u_char *name, size_t len,
    u_char *value, size_t value_len);
ngx_uint_t ngx_http_privacy_denied(ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_ctx_t *ctx, unsigned category);
ngx_int_t ngx_http_privacy_client_pseudonym(ngx_http_request_t *r,
    u_char *out);


#endif /* _NGX_HTTP_PRIVACY_STATE_H_INCLUDED_ */
