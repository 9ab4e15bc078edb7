/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's side of the request (ngx_http_privacy_banner_request.c).
 */

#ifndef _NGX_HTTP_PRIVACY_BANNER_REQUEST_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_REQUEST_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* REWRITE phase: an identity body from the upstream for pages */
ngx_int_t ngx_http_privacy_banner_request(ngx_http_request_t *r);

/*
 * 1 if the answer may get the banner, as far as the request tells: a
 * page load (GET or HEAD, Accept absent or naming HTML, no fragment)
 * where the banner is on
 */
ngx_uint_t ngx_http_privacy_banner_may(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);

/* 1 if the request asks for a fragment of a page (htmx, Turbo) */
ngx_uint_t ngx_http_privacy_banner_fragment(ngx_http_request_t *r);


#endif /* _NGX_HTTP_PRIVACY_BANNER_REQUEST_H_INCLUDED_ */
