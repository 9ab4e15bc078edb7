/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights portal's cookies and CSRF defences (docs/rights.md): the
 * signed session scoped to <portal>/rights, the cookie form tokens are
 * bound to, the Origin check of every POST, and the consent id of a
 * browser that consented to statistics.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_compat.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_store.h"


/*
 * A browser names the page's origin in Origin (or Referer) on a form
 * POST: refuse other hosts and the opaque "null"; the form token is the
 * second line for clients that send neither.
 */

ngx_int_t
ngx_http_privacy_rights_same_origin(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    rc = ngx_http_privacy_same_origin(r);

    return rc == NGX_DECLINED ? 1 : rc;
}


ngx_int_t
ngx_http_privacy_rights_cookie(ngx_http_request_t *r, const char *name,
    ngx_str_t *value)
{
    u_char           *p, *last, *start;
    size_t            n;
    ngx_uint_t        i;
    ngx_table_elt_t  *h;

    n = ngx_strlen(name);
    i = 0;

    for (h = ngx_http_privacy_cookie_header_first(r);
         h;
         h = ngx_http_privacy_cookie_header_next(r, h, i))
    {
        p = h->value.data;
        last = p + h->value.len;

        while (p < last) {
            while (p < last && (*p == ' ' || *p == ';')) {
                p++;
            }

            start = p;

            while (p < last && *p != ';') {
                p++;
            }

            if ((size_t) (p - start) > n && start[n] == '='
                && ngx_strncmp(start, name, n) == 0)
            {
                value->data = start + n + 1;
                value->len = p - value->data;
                return NGX_OK;
            }
        }
    }

    return NGX_DECLINED;
}


/* scoped to <portal>/rights; HttpOnly, SameSite=Strict, Secure over TLS */

ngx_int_t
ngx_http_privacy_rights_set_cookie(ngx_http_request_t *r, const char *name,
    u_char *value, size_t len, time_t max_age)
{
    u_char     *p;
    size_t      n;
    ngx_str_t   path, v;

    ngx_http_privacy_portal_url(r, "rights", &path);

    n = ngx_strlen(name) + 1 + len + sizeof("; Path=") - 1 + path.len
        + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
        + sizeof("; HttpOnly; SameSite=Strict; Secure") - 1;

    p = ngx_pnalloc(r->pool, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v.data = p;
    p = ngx_sprintf(p, "%s=%*s; Path=%V; Max-Age=%T; HttpOnly; "
                    "SameSite=Strict", name, len, value, &path, max_age);

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }
#endif

    v.len = p - v.data;

    return ngx_http_privacy_add_header(r, "Set-Cookie", &v) ? NGX_OK
                                                            : NGX_ERROR;
}


ngx_int_t
ngx_http_privacy_rights_session(ngx_http_request_t *r, char *subject_id)
{
    ngx_str_t                        v;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *conf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    conf = pmcf->rights;

    if (conf == NULL || !conf->keyed
        || ngx_http_privacy_rights_cookie(r, NGX_HTTP_PRIVACY_RIGHTS_SESSION,
                                          &v)
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    return ngx_http_privacy_rights_session_decode(conf->keys.session, v.data,
                                                  v.len, ngx_time(),
                                                  subject_id) == 0
           ? NGX_OK : NGX_DECLINED;
}


/* the consent id of a browser that consented to statistics */

ngx_int_t
ngx_http_privacy_rights_consent_id(ngx_http_request_t *r, char *out)
{
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_get_ctx(r);

    if (ctx == NULL || !ctx->valid || !ctx->decided
        || !(ctx->consent.categories & NGX_HTTP_PRIVACY_CAT_STATISTICS))
    {
        return NGX_DECLINED;
    }

    ngx_http_privacy_hex(ctx->consent.id, sizeof(ctx->consent.id),
                         (u_char *) out);
    out[2 * sizeof(ctx->consent.id)] = '\0';

    return NGX_OK;
}


/* the form token of this browser, setting its binding cookie if new */

ngx_int_t
ngx_http_privacy_rights_form(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f)
{
    u_char                           rnd[18];
    u_char                          *b64;
    ngx_str_t                        csrf;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *conf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    conf = pmcf->rights;

    if (conf == NULL || !conf->keyed) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_rights_cookie(r, NGX_HTTP_PRIVACY_RIGHTS_CSRF,
                                       &csrf)
        != NGX_OK
        || csrf.len != 24)
    {
        b64 = ngx_pnalloc(r->pool, 24);
        if (b64 == NULL || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0) {
            return NGX_ERROR;
        }

        csrf.data = b64;
        csrf.len = ngx_http_privacy_base64url_encode(rnd, sizeof(rnd), b64);

        if (ngx_http_privacy_rights_set_cookie(r,
                NGX_HTTP_PRIVACY_RIGHTS_CSRF, csrf.data, csrf.len, 86400)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_privacy_rights_form_token(conf->keys.form, csrf.data,
                                           csrf.len, f->token)
        != 0)
    {
        return NGX_ERROR;
    }

    f->has_token = 1;

    return NGX_OK;
}


/*
 * A signed-in subject's objection to analytics (GDPR art. 21) also stops
 * the analytics of this browser: its consent cookie gets the flag the
 * consent page's objection sets, and a receipt records it.
 */

ngx_int_t
ngx_http_privacy_rights_no_analytics(ngx_http_request_t *r)
{
    ngx_http_privacy_ctx_t        *ctx;
    ngx_http_privacy_receipt_t     receipt;
    ngx_http_privacy_consent_t     consent;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL || pscf->version.len > NGX_HTTP_PRIVACY_VERSION_MAX) {
        return NGX_ERROR;
    }

    ngx_memzero(&consent, sizeof(ngx_http_privacy_consent_t));

    if (ctx->valid) {
        ngx_memcpy(consent.id, ctx->consent.id, sizeof(consent.id));
        consent.flags = ctx->consent.flags;

    } else if (ngx_http_privacy_random(consent.id, sizeof(consent.id)) != 0) {
        return NGX_ERROR;
    }

    /* the cookie choice stays as it was; undecided stays undecided */
    consent.categories = ctx->decided ? ctx->consent.categories
                                      : NGX_HTTP_PRIVACY_CAT_NECESSARY;

    if (!ctx->decided) {
        consent.flags |= NGX_HTTP_PRIVACY_FLAG_UNDECIDED;
    }

    consent.flags |= NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
    ngx_memcpy(consent.version, pscf->version.data, pscf->version.len);
    consent.version_len = pscf->version.len;
    consent.decided = ngx_time();

    if (ngx_http_privacy_set_consent_cookie(r, &consent) != NGX_OK) {
        return NGX_ERROR;
    }

    if (pmcf->store) {
        ngx_memzero(&receipt, sizeof(ngx_http_privacy_receipt_t));
        ngx_http_privacy_hex(consent.id, sizeof(consent.id),
                             receipt.consent_id);
        receipt.decided = consent.decided;
        ngx_memcpy(receipt.version, consent.version, consent.version_len);
        receipt.version_len = consent.version_len;
        receipt.categories = consent.categories;
        receipt.method = NGX_HTTP_PRIVACY_METHOD_OBJECTION;
        receipt.site_len = ngx_min(pscf->site.len, sizeof(receipt.site));
        ngx_memcpy(receipt.site, pscf->site.data, receipt.site_len);

        if (ngx_http_privacy_client_pseudonym(r, receipt.client) != NGX_OK) {
            return NGX_ERROR;
        }

        (void) ngx_http_privacy_store_receipt(pmcf->store, &receipt);
    }

    ctx->consent = consent;
    ctx->valid = 1;

    return NGX_OK;
}
