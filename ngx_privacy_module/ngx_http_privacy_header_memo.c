/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The per-worker memo of Cookie headers.  A browser repeats its Cookie
 * header on every request until a cookie changes, so each worker keeps
 * the last 64 distinct headers (direct mapped by a hash of their bytes)
 * with what was learnt about them: the consent cookie they carry, the
 * verdict on each cookie under given consent categories, and (filled in
 * by the response filter) the Set-Cookie values expiring the denied ones
 * for one host.  A repeated header then costs a hash and a compare
 * instead of a search for the consent cookie, a parse, a classification
 * and building the expiries.
 *
 * The slots keep copies of visitors' Cookie headers in the worker's
 * memory only.  memcmp() runs only after a 32-bit hash match, so its
 * timing tells a client nothing about a header it does not know; anyone
 * can evict a slot, which costs a parse, never a wrong answer.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_header_memo.h"
#include "ngx_http_privacy_worker.h"


/* the slot holds this header, looked up under this location */

static ngx_inline ngx_uint_t
ngx_http_privacy_memo_holds(ngx_http_privacy_header_memo_t *m,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h)
{
    return m->len == h->value.len
           && m->conf == plcf
           && ngx_memcmp(m->value, h->value.data, m->len) == 0;
}


/*
 * The slot holding exactly these bytes under this configuration; or, if
 * there is none, the slot they hash to, now holding them with nothing
 * learnt yet (its generation bumped, so that holders of the slot's old
 * contents can tell); NULL for headers too long to be kept.
 */

ngx_http_privacy_header_memo_t *
ngx_http_privacy_memo_lookup(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h)
{
    uint32_t                         hash;
    ngx_connection_t                *c;
    ngx_http_privacy_memo_hint_t    *hint;
    ngx_http_privacy_worker_t       *w;
    ngx_http_privacy_header_memo_t  *m;

    if (h->value.len == 0
        || h->value.len > NGX_HTTP_PRIVACY_HEADER_MEMO_LEN)
    {
        return NULL;
    }

    w = ngx_http_privacy_worker;

    /*
     * A browser repeats its header on a kept-alive connection: try the
     * slot its last request used.  While the slot's generation is the
     * one recorded, it still holds bytes this same connection sent, so
     * the comparison tells the client nothing it did not know.
     */

    c = r->connection;
    hint = &w->memo_hints[c->number % NGX_HTTP_PRIVACY_MEMO_HINTS];
    m = hint->memo;

    if (hint->number == c->number
        && m != NULL
        && m->gen == hint->gen
        && ngx_http_privacy_memo_holds(m, plcf, h))
    {
        return m;
    }

    hash = ngx_http_privacy_memo_hash(h->value.data, h->value.len);
    m = &w->header_memo[hash % NGX_HTTP_PRIVACY_HEADER_MEMO];

    /* the hash first: memcmp() only meets a header of matching hash */
    if (m->hash == hash && ngx_http_privacy_memo_holds(m, plcf, h)) {
        goto found;
    }

    if (m->value == NULL) {
        /* lives as long as the worker: header, verdict, expiries */
        m->value = ngx_pnalloc(w->pool,
                               2 * NGX_HTTP_PRIVACY_HEADER_MEMO_LEN
                               + NGX_HTTP_PRIVACY_HEADER_MEMO_EXPIRY);
        if (m->value == NULL) {
            return NULL;
        }

        m->out = m->value + NGX_HTTP_PRIVACY_HEADER_MEMO_LEN;
        m->expiry_lines = m->out + NGX_HTTP_PRIVACY_HEADER_MEMO_LEN;
    }

    m->gen++;
    m->hash = hash;
    m->conf = plcf;
    m->len = h->value.len;
    ngx_memcpy(m->value, h->value.data, h->value.len);

    m->consent = NGX_HTTP_PRIVACY_MEMO_CONSENT_UNKNOWN;
    m->verdict = 0;
    m->expiry = 0;

found:

    hint->number = c->number;
    hint->memo = m;
    hint->gen = m->gen;

    return m;
}


/*
 * Keeps the verdict just made on h: the filtered header (out, len), the
 * cookies pushed onto ctx->presented from index first on, whether each
 * was denied, and the names it added to $privacy_stripped (which held
 * stripped_before bytes before).
 */

void
ngx_http_privacy_memo_store(ngx_http_privacy_ctx_t *ctx, ngx_table_elt_t *h,
    ngx_http_privacy_header_memo_t *m, ngx_uint_t first,
    size_t stripped_before, u_char *out, size_t len, size_t dropped)
{
    ngx_uint_t                     i, n;
    ngx_http_privacy_presented_t  *p;

    n = ctx->presented.nelts - first;

    if (n > NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES) {
        return;
    }

    p = ctx->presented.elts;

    for (i = 0; i < n; i++) {
        m->presented[i].off = (uint16_t) (p[first + i].name
                                          - h->value.data);
        m->presented[i].len = (uint16_t) p[first + i].name_len;
        m->presented[i].category = p[first + i].category;
        m->presented[i].denied = p[first + i].denied;
    }

    ngx_memcpy(m->out, out, len);

    /*
     * The list is this header's alone only if it was empty before; it
     * fits after out, as every name listed was taken out of the header
     * with at least its '=' (the replay lists them one by one otherwise)
     */
    m->stripped_known = 0;
    m->stripped_len = 0;

    if (stripped_before == 0
        && len + ctx->stripped.len <= NGX_HTTP_PRIVACY_HEADER_MEMO_LEN)
    {
        if (ctx->stripped.len) {
            /* nothing stripped: data may be NULL, which memcpy refuses */
            ngx_memcpy(m->out + len, ctx->stripped.data, ctx->stripped.len);
        }

        m->stripped_len = ctx->stripped.len;
        m->stripped_known = 1;
    }

    m->npresented = n;
    m->out_len = len;
    m->dropped = dropped;
    m->categories = ctx->categories;
    m->verdict = 1;
    m->expiry = 0;
}


/*
 * The slot whose verdict produced this request's list of presented
 * cookies (under plcf), or NULL: what the response filter may take the
 * expiring Set-Cookie values from.
 */

ngx_http_privacy_header_memo_t *
ngx_http_privacy_memo_of(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_http_privacy_header_memo_t  *m;

    m = ngx_http_privacy_memo_held(ctx);

    if (m == NULL
        || !m->verdict
        || m->conf != plcf
        || m->categories != ctx->categories
        || (!ctx->presented_lazy && m->npresented != ctx->presented.nelts))
    {
        return NULL;
    }

    return m;
}
