/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Expiring denied cookies the browser presented
 * (ngx_http_privacy_expire.c), and learning the paths cookies are set
 * with.
 */

#ifndef _NGX_HTTP_PRIVACY_EXPIRE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_EXPIRE_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* loads the newest public suffix list (the parents a cookie is expired on) */
char *ngx_http_privacy_expire_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf);

ngx_int_t ngx_http_privacy_expire_presented(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t *added);
void ngx_http_privacy_learn_path(ngx_http_request_t *r, u_char *name,
    size_t name_len, u_char *value, size_t len);


#endif /* _NGX_HTTP_PRIVACY_EXPIRE_H_INCLUDED_ */
