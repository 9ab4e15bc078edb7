/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The site as a browser addresses it: whether a POST came from the
 * site's own origin, the form body it sent, and the URL of a portal
 * page.  Below the portal, the rights pages and the DPO's dashboard
 * (docs/architecture.md), so that all of them use one rule.
 */

#ifndef _NGX_HTTP_PRIVACY_ORIGIN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ORIGIN_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/*
 * CSRF protection: 1 if the request's Origin (else Referer) names this
 * site's scheme, host and port (RFC 6454), 0 if another origin or the
 * opaque "null", NGX_DECLINED when the request has neither header.
 */
ngx_int_t ngx_http_privacy_same_origin(ngx_http_request_t *r);

/*
 * A form's body read into memory (NUL-terminated): NGX_OK, or the status
 * to answer with: 413 past max bytes or when nginx kept it in a file
 * (our forms are small: one that reached disk is not ours), 400 without
 * a body, 500 out of memory.
 */
ngx_int_t ngx_http_privacy_form_body(ngx_http_request_t *r, size_t max,
    ngx_str_t *body);

/*
 * The URL of a portal page: the current location's prefix and the page
 * name ("consent", "rights/account"); "/" when out of memory.
 */
void ngx_http_privacy_portal_url(ngx_http_request_t *r, const char *page,
    ngx_str_t *url);


#endif /* _NGX_HTTP_PRIVACY_ORIGIN_H_INCLUDED_ */
