/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The request side of enforcement: before any handler or upstream sees
 * the request, Cookie headers lose the cookies the visitor has not
 * consented to; the rest is forwarded in its original order and spelling.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_header_memo.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_compat.h"
#include "ngx_http_privacy_cookie.h"


typedef struct {
    ngx_http_request_t            *request;
    ngx_http_privacy_ctx_t        *ctx;
    ngx_http_privacy_loc_conf_t   *conf;
    ngx_int_t                      rc;
    ngx_uint_t                     emptied;
    unsigned                       alias;       /* a denied alias's */
    unsigned                       listed:1;    /* in $privacy_stripped */
} ngx_http_privacy_keep_t;


static int ngx_http_privacy_keep(void *data,
    const ngx_http_privacy_cookie_pair_t *pair);
static int ngx_http_privacy_alias_denied(void *data, const u_char *name,
    size_t len);
static void ngx_http_privacy_scan_header(ngx_http_request_t *r,
    ngx_http_privacy_keep_t *keep, ngx_table_elt_t *h, ngx_uint_t rewrite);
static ngx_int_t ngx_http_privacy_header_remove(ngx_list_t *list);
static ngx_int_t ngx_http_privacy_memo_replay(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_table_elt_t *h,
    ngx_http_privacy_header_memo_t *m);
static ngx_int_t ngx_http_privacy_memo_copy(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *m, u_char *value);


ngx_int_t
ngx_http_privacy_request_handler(ngx_http_request_t *r)
{
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!plcf->enable) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * After "rewrite ... last", try_files or error_page the Cookie
     * headers, already filtered, are filtered again under the final
     * location's rules: what an earlier location removed stays removed.
     */

    if (ctx->request_done && ctx->scan_conf == plcf) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_scan(r, ctx, 1) != NGX_OK) {
        /* fail closed: never pass on cookies we could not check */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DECLINED;
}


/*
 * Records the non-necessary cookies the browser presented and, with
 * rewrite set, removes the denied ones from the request.  The response
 * filter calls it without rewrite when the request handler did not run
 * (a "return" at server level ends the request before our phase).
 */

ngx_int_t
ngx_http_privacy_scan(ngx_http_request_t *r, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t rewrite)
{
    ngx_uint_t                i;
    ngx_list_part_t          *part;
    ngx_table_elt_t          *h;
    ngx_http_privacy_keep_t   keep;

    if (ctx->request_done) {
        /* judged again, under another location's rules */
        if (ngx_http_privacy_presented_get(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->judged_before = ctx->presented.nelts;
    }

    ctx->request_done = 1;

    keep.request = r;
    keep.ctx = ctx;
    keep.conf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    ctx->scan_conf = keep.conf;
    keep.rc = NGX_OK;
    keep.emptied = 0;
    keep.listed = 0;

    /*
     * Every Cookie header in the list, not only those nginx's parser put
     * in r->headers_in.cookie(s): one another module added is filtered
     * too.
     */

    for (part = &r->headers_in.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0
                || !ngx_http_privacy_header_named(&h[i].key, "cookie",
                                                  sizeof("cookie") - 1))
            {
                continue;
            }

            ngx_http_privacy_scan_header(r, &keep, &h[i], rewrite);

            if (keep.rc != NGX_OK) {
                return NGX_ERROR;
            }
        }
    }

    /* rare: a header lost all its cookies; find and remove each one */

    if (keep.emptied) {
        ngx_http_privacy_cookie_unlink_removed(r);
    }

    while (keep.emptied) {
        if (ngx_http_privacy_header_remove(&r->headers_in.headers)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        keep.emptied--;
    }

    return NGX_OK;
}


static void
ngx_http_privacy_scan_header(ngx_http_request_t *r,
    ngx_http_privacy_keep_t *keep, ngx_table_elt_t *h, ngx_uint_t rewrite)
{
    u_char                          *out;
    size_t                           len, dropped, stripped;
    ngx_uint_t                       first;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   pair;
    ngx_http_privacy_header_memo_t  *m;

    if (!rewrite) {
        /* the response filter only asks what was presented: no copy */
        ngx_http_privacy_cookie_iter_init(&it, h->value.data, h->value.len);

        while (keep->rc == NGX_OK
               && ngx_http_privacy_cookie_next(&it, &pair))
        {
            (void) ngx_http_privacy_keep(keep, &pair);
        }

        return;
    }

    /* the slot the consent state was read from, if it is still this one */
    m = ngx_http_privacy_memo_held(keep->ctx);

    if (m == NULL
        || m->conf != keep->conf
        || h->value.data != keep->ctx->memo_value.data
        || h->value.len != keep->ctx->memo_value.len)
    {
        m = ngx_http_privacy_memo_lookup(r, keep->conf, h);

        if (keep->ctx->memo) {
            /* the one Cookie header, looked up under this location */
            ngx_http_privacy_memo_hold(keep->ctx, m, h);
        }
    }

    if (m && m->verdict && m->categories == keep->ctx->categories) {
        /* the same header under the same consent: replay the verdict */
        if (ngx_http_privacy_memo_replay(r, keep->ctx, h, m)
            != NGX_OK)
        {
            keep->rc = NGX_ERROR;
            return;
        }

        dropped = m->dropped;

        if (dropped == 0) {
            /* the header stays as it came: no copy of it is needed */
            return;
        }

        len = m->out_len;

        out = ngx_pnalloc(r->pool, len + 1);
        if (out == NULL) {
            keep->rc = NGX_ERROR;
            return;
        }

        ngx_memcpy(out, m->out, len);

    } else {
        out = ngx_pnalloc(r->pool, h->value.len + 1);
        if (out == NULL) {
            keep->rc = NGX_ERROR;
            return;
        }

        first = keep->ctx->presented.nelts;
        stripped = keep->ctx->stripped.len;

        len = ngx_http_privacy_cookie_filter(h->value.data, h->value.len,
                                             out, ngx_http_privacy_keep,
                                             keep, &dropped);

        if (m && keep->rc == NGX_OK) {
            ngx_http_privacy_memo_store(keep->ctx, h, m, first, stripped,
                                        out, len, dropped);
        }
    }

    if (dropped == 0 || keep->rc != NGX_OK) {
        return;
    }

    keep->ctx->enforced = 1;

    if (len) {
        out[len] = '\0';
        h->value.data = out;
        h->value.len = len;
        return;
    }

    /*
     * Nothing left: the header goes, as if the browser never sent it.
     * The hash of 0 marks it for ngx_http_privacy_header_remove().
     */

    h->hash = 0;
    keep->emptied++;
}


static int
ngx_http_privacy_keep(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    ngx_http_privacy_keep_t  *keep = data;

    u_char                        *buf;
    unsigned                       category;
    ngx_http_privacy_presented_t  *p;
    u_char                         small[256];

    category = ngx_http_privacy_category_of(keep->request, keep->conf,
                                            (u_char *) pair->name,
                                            pair->name_len);

    /*
     * A name a backend could read instead ("_ga" without '=', "%5Fga",
     * the "_ga" of "session=1, _ga=2") that a pattern denies decides
     * (docs/security.md): the pair goes.
     */

    buf = small;

    if (pair->len > sizeof(small)) {
        buf = ngx_pnalloc(keep->request->pool, pair->len);
        if (buf == NULL) {
            keep->rc = NGX_ERROR;
            return 0;
        }
    }

    keep->alias = 0;

    if (ngx_http_privacy_cookie_aliases(pair, buf,
                                        ngx_http_privacy_alias_denied, keep))
    {
        category = keep->alias;
    }

    if (category == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
        return 1;
    }

    if (category == 0
        && keep->conf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_KEEP)
    {
        return 1;
    }

    p = ngx_array_push(&keep->ctx->presented);
    if (p == NULL) {
        keep->rc = NGX_ERROR;
        return 0;
    }

    p->name = (u_char *) pair->name;
    p->name_len = (uint32_t) pair->name_len;
    p->category = category;
    p->denied = ngx_http_privacy_denied(keep->conf, keep->ctx, category);

    if (!p->denied) {
        return 1;
    }

    if (!keep->listed
        && ngx_http_privacy_add_stripped(keep->request, keep->ctx,
                                      (u_char *) pair->name, pair->name_len)
        != NGX_OK)
    {
        keep->rc = NGX_ERROR;
    }

    return 0;
}


/*
 * 1 (and its category in keep->alias) for another reading of a cookie's
 * name that a pattern puts in a denied category; unclassified readings
 * do not count, or any ',' in a value would strip its cookie under
 * "privacy_unclassified strip".
 */

static int
ngx_http_privacy_alias_denied(void *data, const u_char *name, size_t len)
{
    ngx_http_privacy_keep_t  *keep = data;

    unsigned  category;

    category = ngx_http_privacy_category_of(keep->request, keep->conf,
                                            (u_char *) name, len);

    if (category == 0 || category == NGX_HTTP_PRIVACY_CAT_NECESSARY
        || !ngx_http_privacy_denied(keep->conf, keep->ctx, category))
    {
        return 0;
    }

    keep->alias = category;

    return 1;
}


/*
 * Removes element i of a list part without moving any element: other
 * pointers into the list (r->headers_in.host, .user_agent, ...) stay
 * valid.  Two rules of nginx's list code must keep holding:
 *
 *   - the usual iteration reads element 0 of every part after the first
 *     without checking its count, so no part but the first may be empty;
 *   - ngx_list_push() appends to the last part until it holds nalloc
 *     elements, so the last part's free slots must really be free.  When
 *     the last part changes shape, nalloc is lowered to its count: the
 *     next push then starts a new part of its own.
 */

static ngx_int_t
ngx_http_privacy_header_remove(ngx_list_t *list)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part, *prev, *rest;
    ngx_table_elt_t  *h;

    prev = NULL;

    for (part = &list->part; part; prev = part, part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0
                && ngx_http_privacy_header_named(&h[i].key, "cookie",
                                                 sizeof("cookie") - 1))
            {
                goto found;
            }
        }
    }

    return NGX_OK;

found:

    if (part->nelts == 1 && prev != NULL) {
        prev->next = part->next;

        if (list->last == part) {
            list->last = prev;
            list->nalloc = prev->nelts;
        }

        return NGX_OK;
    }

    if (i == part->nelts - 1) {
        /* the freed slot is the part's own: pushes may reuse it */
        part->nelts--;
        return NGX_OK;
    }

    if (i == 0) {
        part->elts = (u_char *) part->elts + list->size;
        part->nelts--;

        if (list->last == part) {
            list->nalloc = part->nelts;
        }

        return NGX_OK;
    }

    rest = ngx_palloc(list->pool, sizeof(ngx_list_part_t));
    if (rest == NULL) {
        return NGX_ERROR;
    }

    rest->elts = (u_char *) part->elts + (i + 1) * list->size;
    rest->nelts = part->nelts - i - 1;
    rest->next = part->next;

    part->nelts = i;
    part->next = rest;

    if (list->last == part) {
        list->last = rest;
        list->nalloc = rest->nelts;
    }

    return NGX_OK;
}


/*
 * What ngx_http_privacy_keep() did for each non-necessary cookie, without
 * parsing or judging: the presented list, each cookie's verdict under
 * these categories, and $privacy_stripped.
 */

static ngx_int_t
ngx_http_privacy_memo_replay(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_table_elt_t *h,
    ngx_http_privacy_header_memo_t *m)
{
    u_char                        *s;
    ngx_uint_t                     i, n, listed;
    ngx_http_privacy_presented_t  *p;

    n = m->npresented;

    if (n == 0) {
        return NGX_OK;
    }

    /* $privacy_stripped is still empty: the verdict's list is it */
    listed = m->stripped_known && ctx->stripped.len == 0;

    /*
     * The common case, the first verdict on the one Cookie header whose
     * slot the request holds: the list stays the slot's until something
     * reads it (ngx_http_privacy_presented_get()), and a response whose
     * expiries the slot keeps never does.
     */

    if (listed && ctx->presented.nelts == 0
        && m == ngx_http_privacy_memo_held(ctx)
        && h->value.data == ctx->memo_value.data)
    {
        ctx->presented_lazy = 1;

    } else if (ngx_http_privacy_memo_copy(ctx, m, h->value.data) != NGX_OK) {
        return NGX_ERROR;
    }

    if (listed) {
        if (m->stripped_len == 0) {
            return NGX_OK;
        }

        /* in one allocation, as the verdict listed it */
        s = ngx_pnalloc(r->main->pool, m->stripped_len);
        if (s == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(s, m->out + m->out_len, m->stripped_len);

        ctx->stripped.data = s;
        ctx->stripped.len = m->stripped_len;
        ctx->stripped_size = m->stripped_len;

        return NGX_OK;
    }

    p = (ngx_http_privacy_presented_t *) ctx->presented.elts
        + ctx->presented.nelts - n;

    /* names listed already: one by one, as add_stripped() lists them */
    for (i = 0; i < n; i++) {
        if (p[i].denied
            && ngx_http_privacy_add_stripped(r, ctx, p[i].name,
                                             p[i].name_len)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* the slot's list onto the request's, names in the header at value */

static ngx_int_t
ngx_http_privacy_memo_copy(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *m, u_char *value)
{
    ngx_uint_t                       i, n;
    ngx_http_privacy_presented_t    *p;
    ngx_http_privacy_memo_cookie_t  *mc;

    n = m->npresented;

    p = ngx_array_push_n(&ctx->presented, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    mc = m->presented;

    for (i = 0; i < n; i++) {
        /* names point into this request's own header, as when parsed */
        p[i].name = value + mc[i].off;
        p[i].name_len = mc[i].len;
        p[i].category = mc[i].category;
        p[i].denied = mc[i].denied;
    }

    return NGX_OK;
}


/*
 * Makes the presented list the request's own before anything reads it or
 * the request's categories change.  The slot it was left in may hold
 * another header by now (another request's, while this one waited for a
 * body or an upstream): the header's own bytes are then judged again,
 * under the same rules and categories as when the slot's verdict was
 * replayed, so the list comes out the same; $privacy_stripped has its
 * names already.
 */

ngx_int_t
ngx_http_privacy_presented_get(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx)
{
    ngx_http_privacy_keep_t          keep;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   pair;
    ngx_http_privacy_header_memo_t  *m;

    if (!ctx->presented_lazy) {
        return NGX_OK;
    }

    ctx->presented_lazy = 0;

    m = ngx_http_privacy_memo_held(ctx);

    if (m && m->verdict
        && m->conf == ctx->scan_conf
        && m->categories == ctx->categories)
    {
        return ngx_http_privacy_memo_copy(ctx, m, ctx->memo_value.data);
    }

    keep.request = r;
    keep.ctx = ctx;
    keep.conf = ctx->scan_conf;
    keep.rc = NGX_OK;
    keep.emptied = 0;
    keep.listed = 1;

    ngx_http_privacy_cookie_iter_init(&it, ctx->memo_value.data,
                                      ctx->memo_value.len);

    while (keep.rc == NGX_OK && ngx_http_privacy_cookie_next(&it, &pair)) {
        (void) ngx_http_privacy_keep(&keep, &pair);
    }

    return keep.rc;
}
