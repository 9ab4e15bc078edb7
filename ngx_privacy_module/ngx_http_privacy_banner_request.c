/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's side of the request: what the request says about whether
 * its answer may get the banner, and, for those that may, an upstream
 * asked for an uncompressed page (docs/banner.md, "Compressing
 * backends").
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_banner_request.h"


static ngx_uint_t ngx_http_privacy_banner_fragment_header(
    ngx_table_elt_t *h);


/* the lower-case name of our copy, by address: the copy is ours */
static u_char  ngx_http_privacy_banner_ae_lowcase[] = "accept-encoding";


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

    if (r->headers_in.accept_encoding->lowcase_key
        == ngx_http_privacy_banner_ae_lowcase)
    {
        /* our copy: done in an earlier location of this request */
        return NGX_DECLINED;
    }

    copy = ngx_palloc(r->pool, sizeof(ngx_table_elt_t));
    if (copy == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *copy = *r->headers_in.accept_encoding;
    copy->lowcase_key = ngx_http_privacy_banner_ae_lowcase;

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
    ngx_uint_t        i, html;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (!plcf->enable || !plcf->banner || plcf->portal == 1
        || !(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)))
    {
        return 0;
    }

    /* one pass over the request headers: Accept, and the fragment ones */

    html = 1;

    for (part = &r->headers_in.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0) {
                continue;
            }

            if (h[i].key.len == sizeof("Accept") - 1
                && ngx_strncasecmp(h[i].key.data, (u_char *) "Accept",
                                   sizeof("Accept") - 1) == 0)
            {
                html = ngx_strlcasestrn(h[i].value.data,
                                        h[i].value.data + h[i].value.len,
                                        (u_char *) "html",
                                        sizeof("html") - 1 - 1)
                       != NULL;
                continue;
            }

            if (ngx_http_privacy_banner_fragment_header(&h[i])) {
                return 0;
            }
        }
    }

    return html;
}


/*
 * A request for part of a page that a script puts into the page already
 * shown: htmx says "HX-Request: true", Hotwire Turbo names the frame in
 * "Turbo-Frame".  A banner in there would be a second one, mid-page.
 */

ngx_uint_t
ngx_http_privacy_banner_fragment(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &r->headers_in.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash && ngx_http_privacy_banner_fragment_header(&h[i]))
            {
                return 1;
            }
        }
    }

    return 0;
}


static ngx_uint_t
ngx_http_privacy_banner_fragment_header(ngx_table_elt_t *h)
{
    if (h->key.len == sizeof("Turbo-Frame") - 1
        && ngx_strncasecmp(h->key.data, (u_char *) "Turbo-Frame",
                           sizeof("Turbo-Frame") - 1) == 0)
    {
        return 1;
    }

    return h->key.len == sizeof("HX-Request") - 1
           && ngx_strncasecmp(h->key.data, (u_char *) "HX-Request",
                              sizeof("HX-Request") - 1) == 0
           && h->value.len == sizeof("true") - 1
           && ngx_strncasecmp(h->value.data, (u_char *) "true",
                              sizeof("true") - 1) == 0;
}
