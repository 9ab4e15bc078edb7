/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's side of the request: what the request says about whether
 * its answer may get the banner, and, for those that may, an upstream
 * asked for an uncompressed page (docs/banner.md, "Compressing
 * backends").
 */


#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_banner_request.h"


/*
 * Compressed bytes cannot be edited, and an upstream compresses whenever
 * the browser's Accept-Encoding allows it.  For a request whose answer
 * may get the banner, the upstream sees "Accept-Encoding: identity"
 * (RFC 9110, section 12.5.3), while r->headers_in.accept_encoding, which
 * nginx's gzip filter reads (ngx_http_gzip_ok()), keeps the browser's
 * value: that filter sits below ours in the body filter chain and still
 * compresses the page, banner included, towards the browser.
 *
 * Every Accept-Encoding line in the list is rewritten in place (nothing
 * is removed, so no pointer into the list goes stale); the known-header
 * pointer moves to a copy of the first one.  Runs again after a rewrite
 * or an internal redirect, for the new location; a rewritten line stays
 * rewritten.
 */

ngx_int_t
ngx_http_privacy_banner_request(ngx_http_request_t *r)
{
    ngx_uint_t                    i;
    ngx_list_part_t              *part;
    ngx_table_elt_t              *h, *copy;
    ngx_http_privacy_loc_conf_t  *plcf;

    static ngx_str_t  identity = ngx_string("identity");

    if (r->headers_in.accept_encoding == NULL || r != r->main) {
        return NGX_DECLINED;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!ngx_http_privacy_banner_may(r, plcf)) {
        return NGX_DECLINED;
    }

    h = r->headers_in.accept_encoding;

    if (h->value.len == identity.len
        && ngx_strncmp(h->value.data, identity.data, identity.len) == 0)
    {
        return NGX_DECLINED;
    }

    copy = ngx_palloc(r->pool, sizeof(ngx_table_elt_t));
    if (copy == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *copy = *h;

    for (part = &r->headers_in.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].key.len == sizeof("Accept-Encoding") - 1
                && ngx_strncasecmp(h[i].key.data, (u_char *) "Accept-Encoding",
                                   sizeof("Accept-Encoding") - 1) == 0)
            {
                h[i].value = identity;
            }
        }
    }

    r->headers_in.accept_encoding = copy;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: upstream asked for an identity body");

    return NGX_DECLINED;
}


/*
 * Whether the answer to this request may get the banner or the settings
 * link, as far as the request tells: a GET or HEAD, in a location with
 * "privacy on" and "privacy_banner on" outside the portal, of a client
 * that accepts HTML (a page load: images, scripts and the like name
 * their own types or any type), not asking for a fragment.
 */

ngx_uint_t
ngx_http_privacy_banner_may(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_table_elt_t  *accept;

    if (!plcf->enable || !plcf->banner || plcf->portal == 1
        || !(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)))
    {
        return 0;
    }

    accept = ngx_http_privacy_find_header(r, "Accept", sizeof("Accept") - 1);

    if (accept
        && ngx_strlcasestrn(accept->value.data,
                            accept->value.data + accept->value.len,
                            (u_char *) "html", sizeof("html") - 1 - 1)
           == NULL)
    {
        return 0;
    }

    return !ngx_http_privacy_banner_fragment(r);
}


/*
 * A request for part of a page that a script puts into the page already
 * shown: htmx says "HX-Request: true", Hotwire Turbo names the frame in
 * "Turbo-Frame".  A banner in there would be a second one, mid-page.
 */

ngx_uint_t
ngx_http_privacy_banner_fragment(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    if (ngx_http_privacy_find_header(r, "Turbo-Frame",
                                     sizeof("Turbo-Frame") - 1))
    {
        return 1;
    }

    h = ngx_http_privacy_find_header(r, "HX-Request",
                                     sizeof("HX-Request") - 1);

    return h && h->value.len == sizeof("true") - 1
           && ngx_strncasecmp(h->value.data, (u_char *) "true",
                              sizeof("true") - 1) == 0;
}
