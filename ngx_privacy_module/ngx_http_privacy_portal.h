/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The portal (ngx_http_privacy_portal.c): the content handler that
 * dispatches to its pages, and the consent page itself.
 */

#ifndef _NGX_HTTP_PRIVACY_PORTAL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_PORTAL_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

ngx_int_t ngx_http_privacy_portal_handler(ngx_http_request_t *r);
/*
 * The form token a POST to the consent page needs when it carries neither
 * Origin nor Referer: NGX_HTTP_PRIVACY_TOKEN_LEN base64url characters,
 * sent as the form field "token".
 */
#define NGX_HTTP_PRIVACY_TOKEN_LEN  22
ngx_int_t ngx_http_privacy_portal_token(ngx_http_request_t *r, u_char *out);


#endif /* _NGX_HTTP_PRIVACY_PORTAL_H_INCLUDED_ */
