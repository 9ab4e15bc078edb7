/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The response side of enforcement, as a header filter placed after the
 * userid and headers filters (see ngx_module_order in config) so that it
 * sees every Set-Cookie: from upstreams, add_header and userid alike.
 * Denied cookies are not set; denied cookies the browser still holds are
 * expired; and a response that depends on the consent state says so to
 * shared caches.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_expire.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_set_cookie.h"
#include "ngx_http_privacy_cookie_cap.h"


static ngx_int_t ngx_http_privacy_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_header_enforce(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf) ngx_http_privacy_noinline;
static ngx_uint_t ngx_http_privacy_strip_set_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
static ngx_int_t ngx_http_privacy_protect_cache(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_list_part_t *stop,
    ngx_uint_t stop_n);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


ngx_int_t
ngx_http_privacy_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_privacy_header_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_header_filter(ngx_http_request_t *r)
{
    ngx_http_privacy_loc_conf_t  *plcf;

    /* only the main request's headers reach the client */
    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /*
     * A location with "privacy off" is left alone, unless the request
     * already had cookies stripped before an internal redirect brought it
     * here (error_page to a page outside the scope; the state then lives
     * on in a context or, once redirected, a pool cleanup), or the portal
     * has just recorded a decision.
     */

    if (!plcf->enable && !r->internal
        && ngx_http_get_module_ctx(r, ngx_http_privacy_module) == NULL)
    {
        return ngx_http_next_header_filter(r);
    }

    return ngx_http_privacy_header_enforce(r, plcf);
}


static ngx_int_t
ngx_http_privacy_header_enforce(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_uint_t               varies, added, stop_n;
    ngx_list_part_t         *stop;
    ngx_http_privacy_ctx_t  *ctx;

    if (!plcf->enable) {
        ctx = ngx_http_privacy_find_ctx(r);

        if (ctx == NULL || !(ctx->enforced || ctx->decision_made)) {
            return ngx_http_next_header_filter(r);
        }
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /*
     * The location that serves the request decides (docs/security.md):
     * presented cookies are judged again under its rules when the request
     * side judged them elsewhere, or not at all.
     */

    if ((!ctx->request_done || (plcf->enable && ctx->scan_conf != plcf))
        && ngx_http_privacy_scan(r, ctx, 0) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->response = 1;
    varies = ngx_http_privacy_strip_set_cookies(r, plcf, ctx);

    /* where the headers end before the expiries are appended */
    stop = r->headers_out.headers.last;
    stop_n = stop->nelts;

    if (ngx_http_privacy_expire_presented(r, plcf, ctx, &added) != NGX_OK) {
        return NGX_ERROR;
    }

    if ((varies || added || ctx->decision_made)
        && ngx_http_privacy_protect_cache(r, plcf, stop, stop_n) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}


/* returns 1 when the response sets cookies, whose fate depends on consent */

static ngx_uint_t
ngx_http_privacy_strip_set_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    size_t            len;
    u_char           *name;
    unsigned          category;
    ngx_uint_t        i, sets;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    sets = 0;

    for (part = &r->headers_out.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0
                || !ngx_http_privacy_header_named(&h[i].key, "set-cookie",
                                                  sizeof("set-cookie") - 1))
            {
                continue;
            }

            if (ngx_http_privacy_set_cookie_name(h[i].value.data,
                                                 h[i].value.len,
                                                 (const u_char **) &name,
                                                 &len)
                != 0)
            {
                continue;
            }

            sets = 1;

            category = ngx_http_privacy_category_of(r, plcf, name, len);
            ngx_http_privacy_scope_seen(r, plcf, name, len, h[i].value.data,
                                        h[i].value.len);

            if (category == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
                if (plcf->caps) {
                    (void) ngx_http_privacy_cookie_cap(r, plcf, &h[i], name,
                                                       len, category);
                }

                continue;
            }

            /* where it lives, for its expiry later (RFC 6265 5.1.4) */
            ngx_http_privacy_learn_path(r, name, len, h[i].value.data,
                                        h[i].value.len);

            if (!ngx_http_privacy_denied(plcf, ctx, category)) {
                /* a lifetime cap (docs/directives.md, privacy_cookie) */
                if (plcf->caps) {
                    (void) ngx_http_privacy_cookie_cap(r, plcf, &h[i], name,
                                                       len, category);
                }

                continue;
            }

            /*
             * A backend deleting a tracking cookie is welcome; only what a
             * browser takes for a deletion counts (RFC 6265 5.3), not a
             * "Max-Age=-" a browser ignores, storing a session cookie.
             */
            if (ngx_http_privacy_set_cookie_deletes(h[i].value.data,
                                                    h[i].value.len,
                                                    ngx_time()))
            {
                continue;
            }

            /* a header with hash 0 is not sent (HTTP/1, HTTP/2 alike) */
            h[i].hash = 0;

            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy: Set-Cookie \"%*s\" removed", len, name);

            (void) ngx_http_privacy_add_stripped(r, ctx, name, len);
        }
    }

    return sets;
}


/*
 * Vary is looked for only in the headers before the stop: what follows
 * are the expiring Set-Cookies this filter appended.
 */

static ngx_int_t
ngx_http_privacy_protect_cache(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_list_part_t *stop,
    ngx_uint_t stop_n)
{
    ngx_str_t   value;
    ngx_uint_t  has, cookie, gpc;

    /* bits of "has": 1 for "*", 2 for "cookie", 4 for "sec-gpc" */
    static ngx_str_t  vary = ngx_string("vary");
    static ngx_str_t  tokens[] = {
        ngx_string("*"), ngx_string("cookie"), ngx_string("sec-gpc")
    };

    if (plcf->cache == NGX_HTTP_PRIVACY_CACHE_PRIVATE) {
        return ngx_http_privacy_cache_private(r);
    }

    has = ngx_http_privacy_header_tokens_before(r, &vary, tokens, 3, stop,
                                                stop_n);

    if (has & 1) {
        return NGX_OK;
    }

    cookie = !(has & 2);

    /* with privacy_gpc, Sec-GPC changes which cookies are set too */
    gpc = plcf->gpc && !(has & 4);

    if (cookie && gpc) {
        ngx_str_set(&value, "Cookie, Sec-GPC");

    } else if (cookie) {
        ngx_str_set(&value, "Cookie");

    } else if (gpc) {
        ngx_str_set(&value, "Sec-GPC");

    } else {
        return NGX_OK;
    }

    if (ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_set_consent_cookie(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *consent)
{
    u_char                        *p;
    size_t                         n;
    ngx_str_t                      value;
    ngx_uint_t                     secure;
    u_char                         buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_srv_conf_t   *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    n = ngx_http_privacy_consent_encode(consent, pscf->cookie_mac, buf,
                                        sizeof(buf));
    if (n == 0) {
        return NGX_ERROR;
    }

    secure = plcf->cookie_secure == 1
             || plcf->cookie_samesite == NGX_HTTP_PRIVACY_SAMESITE_NONE;
#if (NGX_HTTP_SSL)
    secure = secure || r->connection->ssl;
#endif

    p = ngx_pnalloc(r->pool, plcf->cookie_name.len + 1 + n
                             + plcf->cookie_tail.len
                             + sizeof("; Secure") - 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value.data = p;

    p = ngx_cpymem(p, plcf->cookie_name.data, plcf->cookie_name.len);
    *p++ = '=';
    p = ngx_cpymem(p, buf, n);
    p = ngx_cpymem(p, plcf->cookie_tail.data, plcf->cookie_tail.len);

    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    value.len = p - value.data;

    return ngx_http_privacy_add_header(r, "Set-Cookie", &value) ? NGX_OK
                                                                 : NGX_ERROR;
}


/*
 * The consent cookie's attributes after its value, which only the
 * location's configuration decides: formatted once, at merge, as nginx's
 * userid module does.  "; Secure" is added per request when the
 * connection is TLS.
 */

ngx_int_t
ngx_http_privacy_consent_cookie_tail(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf)
{
    u_char  *p;
    size_t   len;

    static ngx_str_t  samesite[] = {
        ngx_string("; SameSite=Lax"),
        ngx_string("; SameSite=Strict"),
        ngx_string("; SameSite=None")
    };

    len = sizeof("; Path=") - 1 + plcf->cookie_path.len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; Domain=") - 1 + plcf->cookie_domain.len
          + samesite[plcf->cookie_samesite].len
          + sizeof("; HttpOnly") - 1;

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    plcf->cookie_tail.data = p;

    p = ngx_sprintf(p, "; Path=%V; Max-Age=%T", &plcf->cookie_path,
                    plcf->cookie_max_age);

    if (plcf->cookie_domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &plcf->cookie_domain);
    }

    p = ngx_cpymem(p, samesite[plcf->cookie_samesite].data,
                   samesite[plcf->cookie_samesite].len);
    p = ngx_cpymem(p, "; HttpOnly", sizeof("; HttpOnly") - 1);

    plcf->cookie_tail.len = p - plcf->cookie_tail.data;

    return NGX_OK;
}
