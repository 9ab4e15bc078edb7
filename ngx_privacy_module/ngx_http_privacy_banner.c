/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent banner, injected into the pages (privacy_banner_types) of
 * visitors who have not decided yet, and a small "Cookie settings" link,
 * injected into the same pages of visitors who have, so that withdrawing
 * is as easy as consenting.  Both go right after the page's <body> start
 * tag; docs/banner.md says where else and where never.
 *
 * A rewrite-phase handler asks the upstream for an uncompressed page
 * (ngx_http_privacy_banner_request.c); a header filter decides and
 * builds the markup (ngx_http_privacy_banner_build.c); a body filter
 * finds the insertion point with the pure tokenizer of
 * ngx_http_privacy_html_scan.c and splices the markup in.  The
 * response length changes, so Content-Length, ranges and validators go.
 *
 * Content-Security-Policy: the inline <style> and <script> are constants
 * (ngx_http_privacy_banner_markup.h) whose hashes "$privacy_banner_csp"
 * gives, and they carry the nonce of the response's own policy when it
 * has one.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_url.h"
#include "ngx_http_privacy_banner_build.h"
#include "ngx_http_privacy_banner_markup.h"
#include "ngx_http_privacy_banner_request.h"
#include "ngx_http_privacy_html_scan.h"

#include <openssl/evp.h>


#define NGX_HTTP_PRIVACY_BANNER_PORTAL      "/privacy/"

/* "'sha256-" 44 "' " twice */
#define NGX_HTTP_PRIVACY_BANNER_CSP_LEN     (2 * (8 + 44 + 1) + 1)


typedef struct {
    ngx_str_t                         markup;
    ngx_http_privacy_html_scan_t      scan;
    unsigned                          active:1;
} ngx_http_privacy_banner_ctx_t;


static ngx_int_t ngx_http_privacy_banner_header_filter(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_banner_decide(ngx_http_request_t *r)
    ngx_http_privacy_noinline;
static ngx_int_t ngx_http_privacy_banner_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_privacy_banner_scan(ngx_http_request_t *r,
    ngx_chain_t *in) ngx_http_privacy_noinline;
static ngx_uint_t ngx_http_privacy_banner_wanted(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_banner_charset_ok(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_banner_told(
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t tell);
static ngx_http_privacy_banner_ctx_t *ngx_http_privacy_banner_get_ctx(
    ngx_http_request_t *r, ngx_uint_t create);
static void ngx_http_privacy_banner_cleanup(void *data);
static ngx_int_t ngx_http_privacy_banner_headers(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_banner_resolve_portals(ngx_conf_t *cf);
static ngx_http_core_loc_conf_t *ngx_http_privacy_banner_find_portal(
    ngx_http_location_tree_node_t *node);
static void ngx_http_privacy_banner_portal(ngx_http_request_t *r,
    ngx_str_t *portal);
static ngx_int_t ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at,
    u_char *p);
static ngx_int_t ngx_http_privacy_banner_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_privacy_banner_hash(const char *s, u_char *out);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/*
 * The hashes of two constants of this binary, not configuration: the
 * same value whichever configuration is loaded.
 */
static u_char  ngx_http_privacy_banner_csp[NGX_HTTP_PRIVACY_BANNER_CSP_LEN];
static size_t  ngx_http_privacy_banner_csp_len;


ngx_int_t
ngx_http_privacy_banner_init(ngx_conf_t *cf, ngx_uint_t used)
{
    u_char               *p;
    ngx_http_variable_t  *var;

    static ngx_str_t  name = ngx_string("privacy_banner_csp");

    p = ngx_http_privacy_banner_csp;

    p = ngx_cpymem(p, "'sha256-", 8);
    if (ngx_http_privacy_banner_hash(ngx_http_privacy_banner_style, p)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_cpymem(p + 44, "' 'sha256-", 10);
    if (ngx_http_privacy_banner_hash(ngx_http_privacy_banner_script, p)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p += 44;
    *p++ = '\'';
    ngx_http_privacy_banner_csp_len = p - ngx_http_privacy_banner_csp;

    /* variables may still be added: they are indexed after this phase */

    var = ngx_http_add_variable(cf, &name, 0);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_privacy_banner_variable;

    /* the location trees are built by now: find each server's portal */

    if (ngx_http_privacy_banner_resolve_portals(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /*
     * the request hook is called by the module's REWRITE handler; the
     * filters only where some location shows the banner: elsewhere they
     * would pass every response on untouched
     */

    if (!used) {
        return NGX_OK;
    }

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_privacy_banner_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_privacy_banner_body_filter;

    return NGX_OK;
}


/* sha256 of a C string, base64 (44 bytes) */

static ngx_int_t
ngx_http_privacy_banner_hash(const char *s, u_char *out)
{
    u_char        md[EVP_MAX_MD_SIZE];
    unsigned int  n;
    ngx_str_t     src, dst;

    if (EVP_Digest(s, ngx_strlen(s), md, &n, EVP_sha256(), NULL) != 1
        || n != 32)
    {
        return NGX_ERROR;
    }

    src.data = md;
    src.len = n;
    dst.data = out;

    ngx_encode_base64(&dst, &src);

    return dst.len == 44 ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_http_privacy_banner_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    v->len = ngx_http_privacy_banner_csp_len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = ngx_http_privacy_banner_csp;

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_banner_header_filter(ngx_http_request_t *r)
{
    ngx_http_privacy_loc_conf_t  *plcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /* no banner here, nor one of an earlier response to undo */
    if (!(plcf->enable && plcf->banner) && !r->filter_need_in_memory) {
        return ngx_http_next_header_filter(r);
    }

    return ngx_http_privacy_banner_decide(r);
}


static ngx_int_t
ngx_http_privacy_banner_decide(ngx_http_request_t *r)
{
    ngx_str_t                       portal;
    ngx_http_privacy_ctx_t         *pctx;
    ngx_http_privacy_banner_ctx_t  *ctx;

    ctx = NULL;

    if (ngx_http_privacy_banner_wanted(r)) {
        pctx = ngx_http_privacy_get_ctx(r);
        if (pctx == NULL) {
            return NGX_ERROR;
        }

        ctx = ngx_http_privacy_banner_get_ctx(r, 1);
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        if (!r->header_only) {
            ngx_http_privacy_banner_portal(r, &portal);

            if (ngx_http_privacy_banner_build(r, pctx, &portal, &ctx->markup)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_privacy_banner_headers(r) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->active = !r->header_only;

        if (ctx->active) {
            r->filter_need_in_memory = 1;
        }

    } else if (r == r->main && r->filter_need_in_memory) {
        /* an earlier response of this request (error_page) had one */
        ctx = ngx_http_privacy_banner_get_ctx(r, 0);
        if (ctx) {
            ctx->active = 0;
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_uint_t
ngx_http_privacy_banner_wanted(ngx_http_request_t *r)
{
    ngx_table_elt_t              *ce;
    ngx_http_privacy_loc_conf_t  *plcf;

    if (r != r->main || r->headers_out.status != NGX_HTTP_OK) {
        return 0;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /*
     * "privacy off" turns every part off; the portal's own pages carry
     * their own policy and links
     */
    if (!plcf->enable || !plcf->banner || plcf->portal == 1) {
        return 0;
    }

    if (ngx_http_test_content_type(r, &plcf->banner_types) == NULL) {
        return 0;
    }

    if (ngx_http_privacy_banner_fragment(r)
        || !ngx_http_privacy_banner_charset_ok(r))
    {
        return 0;
    }

    ce = r->headers_out.content_encoding;

    if (ce && ce->hash && ce->value.len
        && !(ce->value.len == sizeof("identity") - 1
             && ngx_strncasecmp(ce->value.data, (u_char *) "identity",
                                sizeof("identity") - 1) == 0))
    {
        /*
         * encoded bytes cannot be edited: for a page load the request
         * hook asked for an identity body, yet one came
         * (proxy_set_header, a cache, a static .gz file); the operator
         * should know, once
         */
        if (!ngx_http_privacy_banner_told(plcf, 0)
            && ngx_http_privacy_banner_may(r, plcf))
        {
            (void) ngx_http_privacy_banner_told(plcf, 1);
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "privacy banner: not injected into a \"%V\" "
                          "encoded page; this location's pages reach the "
                          "banner compressed (see docs/banner.md)",
                          &ce->value);
        }

        return 0;
    }

    return 1;
}


/*
 * Whether this worker has told about this location's encoded pages;
 * "tell" records that it does now.  The record is the worker's
 * (ngx_http_privacy_worker.h): the configuration is shared, read-only.
 */

static ngx_uint_t
ngx_http_privacy_banner_told(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t tell)
{
    ngx_uint_t                  i;
    ngx_http_privacy_worker_t  *w;

    w = ngx_http_privacy_worker;

    if (w == NULL) {
        return 1;
    }

    for (i = 0; i < w->banner_nwarned; i++) {
        if (w->banner_warned[i] == plcf) {
            return 1;
        }
    }

    if (i == NGX_HTTP_PRIVACY_BANNER_WARNED) {
        return 1;
    }

    if (tell) {
        w->banner_warned[w->banner_nwarned++] = plcf;
    }

    return 0;
}


/*
 * The banner is ASCII: it reads right only in a page whose charset keeps
 * ASCII bytes as they are.  The charset is the Content-Type parameter;
 * nginx's upstream module has it split off already.
 */

static ngx_uint_t
ngx_http_privacy_banner_charset_ok(ngx_http_request_t *r)
{
    u_char  *p, *last, *start;

    if (r->headers_out.charset.len) {
        return ngx_http_privacy_html_charset_ok(r->headers_out.charset.data,
                                                r->headers_out.charset.len);
    }

    p = r->headers_out.content_type.data;
    last = p + r->headers_out.content_type.len;

    p = ngx_strlcasestrn(p, last, (u_char *) "charset=",
                         sizeof("charset=") - 1 - 1);
    if (p == NULL) {
        return 1;
    }

    p += sizeof("charset=") - 1;

    if (p < last && *p == '"') {
        p++;
    }

    start = p;

    while (p < last && *p != ';' && *p != '"' && *p != ' ') {
        p++;
    }

    return ngx_http_privacy_html_charset_ok(start, p - start);
}


/*
 * The module's context slot holds the consent state; the banner's own
 * state hangs off the request pool, found by its cleanup handler.  The
 * body filter looks only when r->filter_need_in_memory is set.
 */

static ngx_http_privacy_banner_ctx_t *
ngx_http_privacy_banner_get_ctx(ngx_http_request_t *r, ngx_uint_t create)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_privacy_banner_ctx_t  *ctx;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_privacy_banner_cleanup) {
            ctx = cln->data;

            if (create) {
                /* a new response of the same request: start afresh */
                ngx_memzero(ctx, sizeof(ngx_http_privacy_banner_ctx_t));
                ngx_http_privacy_html_scan_init(&ctx->scan);
            }

            return ctx;
        }
    }

    if (!create) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool,
                               sizeof(ngx_http_privacy_banner_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_banner_cleanup;
    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_privacy_banner_ctx_t));
    ngx_http_privacy_html_scan_init(&ctx->scan);

    return ctx;
}


static void
ngx_http_privacy_banner_cleanup(void *data)
{
    /* nothing to free: the handler only marks the state */
}


static ngx_int_t
ngx_http_privacy_banner_headers(ngx_http_request_t *r)
{
    ngx_str_t                     value;
    ngx_uint_t                    has;
    ngx_http_privacy_loc_conf_t  *plcf;

    /* bits: 1 for "*", 2 for "cookie", 4 for "accept-language" */
    static ngx_str_t  vary = ngx_string("vary");
    static ngx_str_t  tokens[] = {
        ngx_string("*"), ngx_string("cookie"), ngx_string("accept-language")
    };

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);

    /*
     * The body now depends on the visitor: a validator of the original
     * would let a browser revalidate a copy with the banner after the
     * visitor has decided.
     */
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (plcf->cache == NGX_HTTP_PRIVACY_CACHE_PRIVATE) {
        return ngx_http_privacy_cache_private(r);
    }

    has = ngx_http_privacy_header_tokens(r, &vary, tokens, 3);

    if (has & 1) {
        return NGX_OK;
    }

    ngx_str_set(&value, "Cookie");

    if (!(has & 2) && ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    /* the banner speaks the visitor's language */
    ngx_str_set(&value, "Accept-Language");

    if (!(has & 4) && ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The portal's URL of each server, once the location trees are built:
 * the first prefix location of the server that has "privacy_portal",
 * else "/privacy/".  Kept on the server level's configuration of this
 * module, where a request finds it without a walk.
 */

static ngx_int_t
ngx_http_privacy_banner_resolve_portals(ngx_conf_t *cf)
{
    ngx_str_t                     *portal;
    ngx_uint_t                     s;
    ngx_http_core_srv_conf_t     **cscfp;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_privacy_loc_conf_t   *plcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {

        plcf = cscfp[s]->ctx->loc_conf[ngx_http_privacy_module.ctx_index];
        portal = &plcf->banner_portal;

        clcf = cscfp[s]->ctx->loc_conf[ngx_http_core_module.ctx_index];
        clcf = ngx_http_privacy_banner_find_portal(clcf->static_locations);

        if (clcf == NULL || clcf->name.len == 0) {
            ngx_str_set(portal, NGX_HTTP_PRIVACY_BANNER_PORTAL);
            continue;
        }

        /* "location /privacy" and "location /privacy/": "/privacy/" */

        portal->data = ngx_pnalloc(cf->pool,
                           NGX_HTTP_PRIVACY_URL_JOIN_LEN(clcf->name.len, 0));
        if (portal->data == NULL) {
            return NGX_ERROR;
        }

        portal->len = ngx_http_privacy_url_join(portal->data,
                                                clcf->name.data,
                                                clcf->name.len, NULL, 0);
    }

    return NGX_OK;
}


static ngx_http_core_loc_conf_t *
ngx_http_privacy_banner_find_portal(ngx_http_location_tree_node_t *node)
{
    ngx_http_core_loc_conf_t     *clcf, *found;
    ngx_http_privacy_loc_conf_t  *plcf;

    if (node == NULL) {
        return NULL;
    }

    found = ngx_http_privacy_banner_find_portal(node->left);
    if (found) {
        return found;
    }

    clcf = node->inclusive;

    if (clcf) {
        plcf = clcf->loc_conf[ngx_http_privacy_module.ctx_index];

        if (plcf->portal == 1) {
            return clcf;
        }

        /* locations nested in this one */
        found = ngx_http_privacy_banner_find_portal(clcf->static_locations);
        if (found) {
            return found;
        }
    }

    found = ngx_http_privacy_banner_find_portal(node->tree);
    if (found) {
        return found;
    }

    return ngx_http_privacy_banner_find_portal(node->right);
}


static void
ngx_http_privacy_banner_portal(ngx_http_request_t *r, ngx_str_t *portal)
{
    ngx_http_core_srv_conf_t     *cscf;
    ngx_http_privacy_loc_conf_t  *plcf;

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    plcf = cscf->ctx->loc_conf[ngx_http_privacy_module.ctx_index];

    *portal = plcf->banner_portal;

    if (portal->len == 0) {
        ngx_str_set(portal, NGX_HTTP_PRIVACY_BANNER_PORTAL);
    }
}


static ngx_int_t
ngx_http_privacy_banner_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    if (in == NULL || r != r->main || !r->filter_need_in_memory) {
        return ngx_http_next_body_filter(r, in);
    }

    return ngx_http_privacy_banner_scan(r, in);
}


static ngx_int_t
ngx_http_privacy_banner_scan(ngx_http_request_t *r, ngx_chain_t *in)
{
    int                             rc;
    size_t                          pos;
    ngx_buf_t                      *b;
    ngx_chain_t                    *cl;
    ngx_http_privacy_banner_ctx_t  *ctx;

    ctx = ngx_http_privacy_banner_get_ctx(r, 0);

    if (ctx == NULL || !ctx->active) {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;
        rc = NGX_HTTP_PRIVACY_HTML_MORE;

        if (ngx_buf_in_memory(b) && b->pos && b->pos < b->last) {
            rc = ngx_http_privacy_html_scan(&ctx->scan, b->pos,
                                            b->last - b->pos, &pos);
        }

        if (rc == NGX_HTTP_PRIVACY_HTML_HERE) {
            return ngx_http_privacy_banner_insert(r, ctx, in, cl,
                                                  b->pos + pos);
        }

        if (rc == NGX_HTTP_PRIVACY_HTML_NEVER) {
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy banner: not into this page");
            ctx->active = 0;
            break;
        }

        if (b->last_buf) {
            if (!ngx_http_privacy_html_scan_document(&ctx->scan)) {
                /* a fragment, to be put into a page: left as it is */
                ctx->active = 0;
                break;
            }

            /* no <body> and no </body>: at the end, where browsers put it */
            return ngx_http_privacy_banner_insert(r, ctx, in, cl,
                                   ngx_buf_in_memory(b) ? b->last : NULL);
        }
    }

    return ngx_http_next_body_filter(r, in);
}


/*
 * Passes "in" on with the markup after byte p of buffer "at" (p NULL: a
 * buffer without data).  The bytes of "at" before p are copied together
 * with the markup into one new buffer, and "at" goes on from p, so no
 * buffer of ours points into memory its owner may reuse.
 */

static ngx_int_t
ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at,
    u_char *p)
{
    size_t        prefix;
    ngx_buf_t    *b, *nb;
    ngx_chain_t  *cl, *ln, *out, **ll;

    ctx->active = 0;

    out = NULL;
    ll = &out;

    for (ln = in; ln != at; ln = ln->next) {
        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = ln->buf;
        *ll = cl;
        ll = &cl->next;
    }

    b = at->buf;
    prefix = p ? (size_t) (p - b->pos) : 0;

    nb = ngx_create_temp_buf(r->pool, prefix + ctx->markup.len);
    if (nb == NULL) {
        return NGX_ERROR;
    }

    if (prefix) {
        nb->last = ngx_cpymem(nb->last, b->pos, prefix);
    }

    nb->last = ngx_cpymem(nb->last, ctx->markup.data, ctx->markup.len);
    nb->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = nb;
    *ll = cl;
    ll = &cl->next;

    if (p && p < b->last) {
        /* the rest of the buffer follows */

        if (b->in_file) {
            b->file_pos += prefix;
        }

        b->pos = p;

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        *ll = cl;
        ll = &cl->next;

    } else {
        /* the buffer is used up: the new one ends where it ended */

        nb->last_buf = b->last_buf;
        nb->last_in_chain = b->last_in_chain;
        nb->flush = b->flush;

        if (ngx_buf_in_memory(b)) {
            b->pos = b->last;
        }

        if (b->in_file) {
            b->file_pos = b->file_last;
        }
    }

    *ll = at->next;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: %uz bytes inserted", ctx->markup.len);

    return ngx_http_next_body_filter(r, out);
}
