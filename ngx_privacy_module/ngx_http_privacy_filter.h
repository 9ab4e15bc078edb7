/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The response side (ngx_http_privacy_filter.c): the header filter on
 * Set-Cookie, and the consent cookie.
 */

#ifndef _NGX_HTTP_PRIVACY_FILTER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_FILTER_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

ngx_int_t ngx_http_privacy_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_privacy_set_consent_cookie(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *consent);
ngx_int_t ngx_http_privacy_consent_cookie_tail(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf);


#endif /* _NGX_HTTP_PRIVACY_FILTER_H_INCLUDED_ */
