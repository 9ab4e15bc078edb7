/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent state of a request: read once from the signed cookie and
 * the Sec-GPC header, kept for the main request and across internal
 * redirects, and consulted by the request handler, the response filter,
 * the portal and the variables.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_header_memo.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_compat.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_store.h"


static void ngx_http_privacy_ctx_cleanup(void *data);
static void ngx_http_privacy_resolve(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx);
static void ngx_http_privacy_consent_find(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_uint_t *tried);
static void ngx_http_privacy_consent_apply(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_consent_t *consent);
static ngx_http_privacy_consent_rc_e ngx_http_privacy_consent_verify(
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_cookie_pair_t *pair, ngx_http_privacy_consent_t *out);
static ngx_uint_t ngx_http_privacy_gpc_header(ngx_http_request_t *r);


/* the state if this request already has one; NULL otherwise */

ngx_http_privacy_ctx_t *
ngx_http_privacy_find_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_privacy_ctx_t  *ctx;

    r = r->main;

    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);
    if (ctx) {
        return ctx;
    }

    /*
     * An internal redirect (error_page, try_files, index) clears module
     * contexts; the state lives on in a pool cleanup, as in the realip
     * module, so that cookies stripped before the redirect are still
     * known to the response filter afterwards.
     */

    if (r->internal) {
        for (cln = r->pool->cleanup; cln; cln = cln->next) {
            if (cln->handler == ngx_http_privacy_ctx_cleanup) {
                ctx = cln->data;
                ngx_http_set_ctx(r, ctx, ngx_http_privacy_module);
                return ctx;
            }
        }
    }

    return NULL;
}


ngx_http_privacy_ctx_t *
ngx_http_privacy_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_find_ctx(r);
    if (ctx) {
        return ctx;
    }

    r = r->main;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_privacy_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_ctx_cleanup;
    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_privacy_ctx_t));

    if (ngx_array_init(&ctx->presented, r->pool, 8,
                       sizeof(ngx_http_privacy_presented_t))
        != NGX_OK)
    {
        return NULL;
    }

    ngx_http_privacy_resolve(r, ctx);

    ngx_http_set_ctx(r, ctx, ngx_http_privacy_module);

    return ctx;
}


/*
 * The handler also marks the context (ngx_http_privacy_find_ctx()); the
 * memo slot whose expiries the response's headers point at may be
 * rebuilt again (none after the worker's exit: the memo is gone).
 */

static void
ngx_http_privacy_ctx_cleanup(void *data)
{
    ngx_http_privacy_ctx_t  *ctx = data;

    if (ctx->expiry_pinned && ngx_http_privacy_worker) {
        ctx->expiry_pinned->expiry_pins--;
    }
}


static void
ngx_http_privacy_resolve(ngx_http_request_t *r, ngx_http_privacy_ctx_t *ctx)
{
    ngx_uint_t                       i, tried;
    ngx_table_elt_t                 *h;
    ngx_http_privacy_loc_conf_t     *plcf;
    ngx_http_privacy_srv_conf_t     *pscf;
    ngx_http_privacy_header_memo_t  *m;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    h = ngx_http_privacy_cookie_header_first(r);
    m = NULL;

    if (h && pscf->cookie_mac) {
        i = 0;

        /* one Cookie header, as browsers send it: the memo may know it */
        if (ngx_http_privacy_cookie_header_next(r, h, i) == NULL) {
            m = ngx_http_privacy_memo_lookup(r, plcf, h);
            ngx_http_privacy_memo_hold(ctx, m, h);
        }
    }

    if (m && m->consent == NGX_HTTP_PRIVACY_MEMO_CONSENT_VALID
        && ngx_time() - m->decoded.decided <= plcf->cookie_max_age)
    {
        ngx_http_privacy_consent_apply(ctx, &m->decoded);

    } else if (m == NULL || m->consent != NGX_HTTP_PRIVACY_MEMO_CONSENT_NONE)
    {
        tried = 0;
        i = 0;

        for ( /* void */ ;
             h && !ctx->valid && pscf->cookie_mac;
             h = ngx_http_privacy_cookie_header_next(r, h, i))
        {
            ngx_http_privacy_consent_find(r, plcf, ctx, h, &tried);
        }

        /*
         * Only a header without any candidate is sure to say the same
         * tomorrow; a refused cookie is looked at again every time.
         */

        if (m) {
            if (ctx->valid) {
                m->consent = NGX_HTTP_PRIVACY_MEMO_CONSENT_VALID;
                m->decoded = ctx->consent;

            } else {
                m->consent = tried ? NGX_HTTP_PRIVACY_MEMO_CONSENT_UNKNOWN
                                   : NGX_HTTP_PRIVACY_MEMO_CONSENT_NONE;
            }
        }
    }

    if (ngx_http_privacy_gpc_header(r)) {
        ctx->gpc = 1;
    }

    ctx->categories = ngx_http_privacy_consent_effective(
                          ctx->valid ? &ctx->consent : NULL,
                          ctx->gpc && plcf->gpc);
}


/*
 * Looks for a valid consent cookie in one Cookie header.  Cookies are
 * ';'-separated segments: rather than parse every cookie, find the name
 * where a segment starts and parse from there, which yields exactly the
 * pair a full parse would.  *tried is set once a candidate is verified.
 */

static void
ngx_http_privacy_consent_find(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_uint_t *tried)
{
    u_char                          *start, *end, *p, *q, *m;
    ngx_http_privacy_consent_t       consent;
    ngx_http_privacy_consent_rc_e    rc;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   pair;

    start = h->value.data;
    end = start + h->value.len;

    for (p = start; /* void */; p = m + 1) {
        m = memmem(p, end - p, plcf->cookie_name.data, plcf->cookie_name.len);
        if (m == NULL) {
            return;
        }

        for (q = m; q > start && (q[-1] == ' ' || q[-1] == '\t'); q--) {
            /* void */
        }

        if (q != start && q[-1] != ';') {
            continue;
        }

        ngx_http_privacy_cookie_iter_init(&it, m, end - m);

        if (!ngx_http_privacy_cookie_next(&it, &pair)
            || pair.name_len != plcf->cookie_name.len)
        {
            continue;
        }

        *tried = 1;

        rc = ngx_http_privacy_consent_verify(
                 ngx_http_get_module_srv_conf(r, ngx_http_privacy_module),
                 plcf, &pair, &consent);

        if (rc == NGX_HTTP_PRIVACY_CONSENT_OK) {
            ngx_http_privacy_consent_apply(ctx, &consent);
            return;
        }

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy: consent cookie refused (%d)", rc);
    }
}


static void
ngx_http_privacy_consent_apply(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_consent_t *consent)
{
    ctx->consent = *consent;
    ctx->valid = 1;

    /* a cookie may carry only an objection, and no choice */
    if (!(consent->flags & NGX_HTTP_PRIVACY_FLAG_UNDECIDED)) {
        ctx->decided = 1;
    }
}


/*
 * A browser sends the same consent cookie with every request: values whose
 * signature and version were verified are remembered per worker, so the
 * HMAC runs once per value, not once per request.  The cache belongs to
 * the configuration (its key and version); the age is checked every time.
 */

static ngx_http_privacy_consent_rc_e
ngx_http_privacy_consent_verify(ngx_http_privacy_srv_conf_t *pscf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_cookie_pair_t *pair,
    ngx_http_privacy_consent_t *out)
{
    uint32_t                         h;
    ngx_http_privacy_consent_rc_e    rc;
    ngx_http_privacy_consent_memo_t *m;

    m = NULL;

    /* an empty slot has length 0: never let an empty value match it */
    if (pair->value_len > 0
        && pair->value_len <= NGX_HTTP_PRIVACY_CONSENT_MAX_LEN)
    {
        h = ngx_http_privacy_memo_hash(pair->value, pair->value_len);
        m = &ngx_http_privacy_worker->consent_memo[
                h % NGX_HTTP_PRIVACY_CONSENT_MEMO];

        /* a value verified for one site says nothing to another */
        if (m->len == pair->value_len && m->site == pscf
            && ngx_http_privacy_ct_equal(m->value, pair->value, m->len))
        {
            *out = m->consent;

            return (ngx_time() - out->decided > plcf->cookie_max_age)
                   ? NGX_HTTP_PRIVACY_CONSENT_EXPIRED
                   : NGX_HTTP_PRIVACY_CONSENT_OK;
        }
    }

    rc = ngx_http_privacy_consent_decode(pair->value, pair->value_len,
                                         pscf->cookie_mac, pscf->version.data,
                                         pscf->version.len, ngx_time(),
                                         plcf->cookie_max_age, out);

    if (rc == NGX_HTTP_PRIVACY_CONSENT_OK && m != NULL) {
        ngx_memcpy(m->value, pair->value, pair->value_len);
        m->len = pair->value_len;
        m->site = pscf;
        m->consent = *out;
    }

    return rc;
}


static ngx_uint_t
ngx_http_privacy_gpc_header(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    h = ngx_http_privacy_find_header(r, "Sec-GPC", sizeof("Sec-GPC") - 1);

    /* the GPC spec: the value "1" signals, anything else does not */
    return h && h->value.len == 1 && h->value.data[0] == '1';
}


unsigned
ngx_http_privacy_category_of(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, u_char *name, size_t len)
{
    int                             first;
    unsigned                        category;
    ngx_http_privacy_main_conf_t   *pmcf;
    ngx_http_privacy_cookie_seen_t  cs;

    /* our own cookie only records the choice: strictly necessary */
    if (len == plcf->cookie_name.len
        && ngx_memcmp(name, plcf->cookie_name.data, len) == 0)
    {
        return NGX_HTTP_PRIVACY_CAT_NECESSARY;
    }

    category = ngx_http_privacy_classify_seen(plcf->classifier, name, len,
                                              &first);

    /* each worker tells the register once about each name it sees */

    if (first) {
        pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

        if (pmcf->store && len <= sizeof(cs.name)) {
            cs.time = ngx_time();
            cs.category = category;
            cs.name_len = len;
            ngx_memcpy(cs.name, name, len);

            (void) ngx_http_privacy_store_cookie_seen(pmcf->store, &cs);
        }
    }

    return category;
}


/*
 * Where a response's Set-Cookie puts its cookie (docs/dpo-guide.md, the
 * cookie report): each worker tells the register once about each (name,
 * Path, Domain), a few per name; a Set-Cookie the worker has met costs
 * two attribute scans and a hash.
 */

void
ngx_http_privacy_scope_seen(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, u_char *name, size_t len,
    u_char *value, size_t value_len)
{
    ngx_http_privacy_main_conf_t   *pmcf;
    ngx_http_privacy_scope_seen_t   ss;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->store == NULL || ngx_http_privacy_worker == NULL
        || len == 0 || len > sizeof(ss.name))
    {
        return;
    }

    /* our own cookie, which category_of() does not record either */
    if (len == plcf->cookie_name.len
        && ngx_memcmp(name, plcf->cookie_name.data, len) == 0)
    {
        return;
    }

    ngx_http_privacy_cookie_scope(value, value_len, &ss.scope);

    if (!ngx_http_privacy_scope_memo_first(
             &ngx_http_privacy_worker->scope_memo, name, len, &ss.scope))
    {
        return;
    }

    ss.time = ngx_time();
    ss.name_len = len;
    ngx_memcpy(ss.name, name, len);

    (void) ngx_http_privacy_store_scope_seen(pmcf->store, &ss);
}


ngx_uint_t
ngx_http_privacy_denied(ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_ctx_t *ctx, unsigned category)
{
    if (category == 0) {
        return plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP;
    }

    return (category & ctx->categories) == 0;
}


ngx_int_t
ngx_http_privacy_add_stripped(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, u_char *name, size_t len)
{
    u_char  *p, *last, *q;
    size_t   need;

    /*
     * A name the request already lost is not listed again when the
     * response sets it (docs/directives.md, $privacy_stripped).  Only
     * then: the few Set-Cookie names are compared, not every cookie.
     */

    if (ctx->response) {
        p = ctx->stripped.data;
        last = p + ctx->stripped.len;

        while (p < last) {
            q = ngx_strlchr(p, last, ',');
            if (q == NULL) {
                q = last;
            }

            if ((size_t) (q - p) == len && ngx_memcmp(p, name, len) == 0) {
                return NGX_OK;
            }

            p = q + 1;
        }
    }

    need = ctx->stripped.len + 1 + len;

    /* doubling: a header of thousands of cookies costs linear time */

    if (need > ctx->stripped_size) {
        ctx->stripped_size = ngx_max(need, 2 * ctx->stripped_size);
        ctx->stripped_size = ngx_max(ctx->stripped_size, 64);

        p = ngx_pnalloc(r->main->pool, ctx->stripped_size);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (ctx->stripped.len) {
            ngx_memcpy(p, ctx->stripped.data, ctx->stripped.len);
        }

        ctx->stripped.data = p;
    }

    p = ctx->stripped.data + ctx->stripped.len;

    if (ctx->stripped.len) {
        *p++ = ',';
    }

    ngx_memcpy(p, name, len);

    ctx->stripped.len = p + len - ctx->stripped.data;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_client_pseudonym(ngx_http_request_t *r, u_char *out)
{
    u_char                         mac[NGX_HTTP_PRIVACY_MAC_LEN];
    ngx_str_t                     *addr;
    ngx_http_privacy_srv_conf_t   *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    addr = &r->connection->addr_text;

    /*
     * A keyed hash: the controller can tell that two receipts came from
     * the same address, nobody without the secret can tell which address.
     */

    if (ngx_http_privacy_mac_compute(pscf->client_mac, addr->data, addr->len,
                                     mac)
        != 0)
    {
        return NGX_ERROR;
    }

    ngx_http_privacy_hex(mac, 16, out);

    return NGX_OK;
}
