/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The one place that knows how nginx stores request cookies: an array of
 * header pointers up to 1.23.0, a linked list ("next") since then.
 */

#ifndef _NGX_HTTP_PRIVACY_COMPAT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COMPAT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#if (nginx_version >= 1023000)

#define ngx_http_privacy_cookie_header_first(r)  ((r)->headers_in.cookie)
#define ngx_http_privacy_cookie_header_next(r, h, i)  ((h)->next)

#else

static ngx_inline ngx_table_elt_t *
ngx_http_privacy_cookie_header_first(ngx_http_request_t *r)
{
    ngx_table_elt_t  **h;

    if (r->headers_in.cookies.nelts == 0) {
        return NULL;
    }

    h = r->headers_in.cookies.elts;
    return h[0];
}

/* i is the caller's running index, starting at 0 for the first header */
#define ngx_http_privacy_cookie_header_next(r, h, i)                        \
    (++(i) < (r)->headers_in.cookies.nelts                                  \
     ? ((ngx_table_elt_t **) (r)->headers_in.cookies.elts)[i] : NULL)

#endif


/* forgets the Cookie headers removed from the request (hash 0) */
static ngx_inline void
ngx_http_privacy_cookie_unlink_removed(ngx_http_request_t *r)
{
#if (nginx_version >= 1023000)
    ngx_table_elt_t  **pp;

    for (pp = &r->headers_in.cookie; *pp; /* void */) {
        if ((*pp)->hash == 0) {
            *pp = (*pp)->next;

        } else {
            pp = &(*pp)->next;
        }
    }
#else
    ngx_uint_t         i, n;
    ngx_table_elt_t  **hh;

    hh = r->headers_in.cookies.elts;
    n = 0;

    for (i = 0; i < r->headers_in.cookies.nelts; i++) {
        if (hh[i]->hash) {
            hh[n++] = hh[i];
        }
    }

    r->headers_in.cookies.nelts = n;
#endif
}


#endif /* _NGX_HTTP_PRIVACY_COMPAT_H_INCLUDED_ */
