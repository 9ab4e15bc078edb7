/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Set-Cookie lifetimes capped as the configuration declares them
 * (ngx_http_privacy_cookie_cap.c; docs/directives.md, privacy_cookie
 * max_age= and privacy_cookie_max_age).
 */

#ifndef _NGX_HTTP_PRIVACY_COOKIE_CAP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_CAP_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* the cap of a cookie: its pattern's, else its category's, or NULL */
const ngx_http_privacy_cookie_cap_t *ngx_http_privacy_cookie_cap_of(
    ngx_http_privacy_loc_conf_t *plcf, const u_char *name, size_t len,
    unsigned category);

/*
 * Rewrites the Max-Age and Expires of a passing Set-Cookie h that
 * outlive the cookie's cap; only called when plcf->caps is set.
 */
ngx_int_t ngx_http_privacy_cookie_cap(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h,
    const u_char *name, size_t len, unsigned category);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_CAP_H_INCLUDED_ */
