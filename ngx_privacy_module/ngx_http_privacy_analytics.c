/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Page and search analytics under legitimate interest: one event per
 * main request, written by the store's thread.  Visitors are counted
 * with a keyed hash of address, User-Agent and host under a key that
 * lives only in shared memory and is replaced (the old one overwritten)
 * when the UTC day changes, so yesterday's pseudonyms cannot be
 * recomputed by anyone.  No cookie is set for this.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_analytics.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_search.h"
#include "ngx_http_privacy_path.h"
#include "ngx_http_privacy_bots.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_url.h"
#include "ngx_http_privacy_utf8.h"


typedef struct {
    time_t                     day;
    u_char                     key[NGX_HTTP_PRIVACY_KEY_LEN];
} ngx_http_privacy_daykey_t;


static ngx_int_t ngx_http_privacy_analytics_zone_init(ngx_shm_zone_t *zone,
    void *data);
static void ngx_http_privacy_scrubber_cleanup(void *data);
static void ngx_http_privacy_bots_cleanup(void *data);
static ngx_int_t ngx_http_privacy_analytics_record(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf) ngx_http_privacy_noinline;
static ngx_uint_t ngx_http_privacy_counted_type(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);
static ngx_uint_t ngx_http_privacy_is_bot(ngx_http_request_t *r);
static void ngx_http_privacy_referrer(ngx_http_request_t *r,
    ngx_http_privacy_event_t *ev);
static void ngx_http_privacy_search_term(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_event_t *ev);
static ngx_int_t ngx_http_privacy_pseudonym(ngx_http_request_t *r,
    ngx_http_privacy_event_t *ev);
static size_t ngx_http_privacy_scrubbed_path(
    ngx_http_privacy_main_conf_t *pmcf, ngx_str_t *path,
    ngx_http_privacy_event_t *ev);
static ngx_uint_t ngx_http_privacy_view_again(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_store_t *store);
static void ngx_http_privacy_view_remember(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_store_t *store, ngx_http_privacy_event_t *ev);
static void ngx_http_privacy_consent_visitor(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_event_t *ev);


/*
 * The search-term scrubber: analytics and $privacy_request_line use it,
 * so it exists with or without privacy_db.
 */

char *
ngx_http_privacy_scrubber_init(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf)
{
    char                 err[256];
    ngx_pool_cleanup_t  *cln;

    pmcf->scrubber = ngx_http_privacy_scrubber_create(err, sizeof(err));
    if (pmcf->scrubber == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy analytics: %s", err);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_scrubber_cleanup;
    cln->data = pmcf->scrubber;

    return NGX_CONF_OK;
}


char *
ngx_http_privacy_analytics_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf)
{
    char                 err[256];
    ngx_str_t            name;
    ngx_pool_cleanup_t  *cln;

    ngx_str_set(&name, "privacy_analytics");

    /* survives reloads: a reload does not change today's pseudonyms */
    pmcf->daykey_zone = ngx_shared_memory_add(cf, &name, 8 * ngx_pagesize,
                                              &ngx_http_privacy_module);
    if (pmcf->daykey_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    pmcf->daykey_zone->init = ngx_http_privacy_analytics_zone_init;

    /*
     * The bot patterns: the built-in crawler-user-agents list, or the
     * newer copy privacy_analytics_bots names (docs/operator-guide.md)
     */
    if (pmcf->bots_file.len
        && ngx_conf_full_name(cf->cycle, &pmcf->bots_file, 1) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    pmcf->bots = ngx_http_privacy_bots_create(
                     pmcf->bots_file.len ? (char *) pmcf->bots_file.data
                                         : NULL,
                     err, sizeof(err));
    if (pmcf->bots == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_analytics_bots: %s", err);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_http_privacy_bots_destroy(pmcf->bots);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_bots_cleanup;
    cln->data = pmcf->bots;

    return NGX_CONF_OK;
}


static void
ngx_http_privacy_bots_cleanup(void *data)
{
    ngx_http_privacy_bots_destroy(data);
}


static void
ngx_http_privacy_scrubber_cleanup(void *data)
{
    ngx_http_privacy_scrubber_destroy(data);
}


static ngx_int_t
ngx_http_privacy_analytics_zone_init(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t            *shpool;
    ngx_http_privacy_daykey_t  *dk;

    if (data) {
        zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    dk = ngx_slab_calloc(shpool, sizeof(ngx_http_privacy_daykey_t));
    if (dk == NULL) {
        return NGX_ERROR;
    }

    /* day 0: the first event creates today's key */
    shpool->data = dk;
    zone->data = dk;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_analytics_handler(ngx_http_request_t *r)
{
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!plcf->analytics || r != r->main) {
        return NGX_OK;
    }

    return ngx_http_privacy_analytics_record(r, plcf);
}


/* the page view's event is a large frame: only requests counted pay it */

static ngx_int_t
ngx_http_privacy_analytics_record(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_http_privacy_ctx_t        *ctx;
    ngx_str_t                      path;
    ngx_http_privacy_event_t       ev;
    ngx_http_privacy_main_conf_t  *pmcf;

    /* pages, not the images and scripts they load (privacy_analytics_types) */
    if (!ngx_http_privacy_counted_type(r, plcf)) {
        return NGX_OK;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_OK;
    }

    /* an objection (GDPR art. 21) stops all analytics for this browser */
    if ((ctx->consent.flags & NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS)
        || (plcf->analytics_gpc && ctx->gpc))
    {
        return NGX_OK;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    /* a repeat of the last view: its User-Agent was no bot's */
    if (ngx_http_privacy_view_again(r, plcf, ctx, pmcf->store)) {
        return NGX_OK;
    }

    if (ngx_http_privacy_is_bot(r)) {
        return NGX_OK;
    }

    ev.time = r->start_sec;
    ev.status = r->headers_out.status ? r->headers_out.status
                                      : (ngx_uint_t) r->err_status;

    ev.host_len = ngx_http_privacy_utf8_cut(r->headers_in.server.data,
                                            r->headers_in.server.len,
                                            sizeof(ev.host));
    if (ev.host_len) {
        ngx_memcpy(ev.host, r->headers_in.server.data, ev.host_len);
    }

    /*
     * The path as nginx normalised it, or as privacy_analytics_path makes
     * it (a map collapsing "/orders/123" to "/orders/:id"); either way
     * scrubbed of personal data segment by segment, and never the query
     * string (docs/security.md).
     */
    path = r->uri;

    if (plcf->analytics_path != NULL
        && ngx_http_complex_value(r, plcf->analytics_path, &path) != NGX_OK)
    {
        return NGX_OK;
    }

    ev.path_len = ngx_http_privacy_scrubbed_path(pmcf, &path, &ev);

    ngx_http_privacy_referrer(r, &ev);
    ngx_http_privacy_search_term(r, plcf, &ev);

    if (ctx->decided
        && (ctx->categories & NGX_HTTP_PRIVACY_CAT_STATISTICS))
    {
        /*
         * The visitor agreed to statistics: count them by their consent
         * id, so that the portal can export and erase their events.
         */
        ngx_http_privacy_consent_visitor(ctx, &ev);
        ev.identified = 1;

    } else {
        if (ngx_http_privacy_pseudonym(r, &ev) != NGX_OK) {
            return NGX_OK;
        }

        ev.identified = 0;
    }

    if (ngx_http_privacy_store_event(pmcf->store, &ev,
                                     &ngx_http_privacy_worker->view_memo.view)
        == NGX_OK)
    {
        ngx_http_privacy_view_remember(r, plcf, ctx, pmcf->store, &ev);
    }

    return NGX_OK;
}


/*
 * What makes two requests the same page view: second, status, host,
 * path as requested (no privacy_analytics_path map, which may read
 * anything), no referrer and no query (no search term), the same
 * User-Agent (the last view's was no bot's), and the same visitor: the
 * same consent id, or for a visitor counted by pseudonym the same
 * address (of which, with the User-Agent and the day, the pseudonym is
 * made).
 */

static ngx_uint_t
ngx_http_privacy_view_again(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_store_t *store)
{
    ngx_str_t                     *ua;
    ngx_uint_t                     status;
    ngx_http_privacy_view_memo_t  *m;

    m = &ngx_http_privacy_worker->view_memo;

    status = r->headers_out.status ? r->headers_out.status
                                   : (ngx_uint_t) r->err_status;

    if (m->store != store
        || m->conf != plcf
        || m->time != r->start_sec
        || m->status != status
        || r->headers_in.referer != NULL
        || r->args.len != 0
        || r->headers_in.user_agent == NULL
        || m->uri_len != r->uri.len
        || m->host_len != r->headers_in.server.len
        || ngx_memcmp(m->uri, r->uri.data, m->uri_len) != 0
        || ngx_memcmp(m->host, r->headers_in.server.data, m->host_len) != 0)
    {
        return 0;
    }

    ua = &r->headers_in.user_agent->value;

    if (m->ua_len != ua->len || ngx_memcmp(m->ua, ua->data, m->ua_len) != 0)
    {
        return 0;
    }

    if (ctx->decided && (ctx->categories & NGX_HTTP_PRIVACY_CAT_STATISTICS))
    {
        if (!m->identified
            || ngx_memcmp(m->id, ctx->consent.id, sizeof(m->id)) != 0)
        {
            return 0;
        }

    } else if (m->identified
               || m->addr_len != r->connection->addr_text.len
               || ngx_memcmp(m->addr, r->connection->addr_text.data,
                             m->addr_len) != 0)
    {
        return 0;
    }

    return ngx_http_privacy_store_again(store, &m->view) == NGX_OK;
}


static void
ngx_http_privacy_view_remember(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_store_t *store, ngx_http_privacy_event_t *ev)
{
    ngx_str_t                     *ua;
    ngx_http_privacy_view_memo_t  *m;

    m = &ngx_http_privacy_worker->view_memo;
    ua = &r->headers_in.user_agent->value;

    if (plcf->analytics_path != NULL
        || r->headers_in.referer != NULL
        || r->args.len != 0
        || r->uri.len > sizeof(m->uri)
        || r->headers_in.server.len > sizeof(m->host)
        || r->connection->addr_text.len > sizeof(m->addr)
        || ua->len > sizeof(m->ua))
    {
        m->store = NULL;
        return;
    }

    m->store = store;
    m->conf = plcf;
    m->time = ev->time;
    m->status = ev->status;
    m->identified = ev->identified;
    m->uri_len = r->uri.len;
    ngx_memcpy(m->uri, r->uri.data, r->uri.len);
    m->host_len = r->headers_in.server.len;
    ngx_memcpy(m->host, r->headers_in.server.data, m->host_len);
    m->ua_len = ua->len;
    ngx_memcpy(m->ua, ua->data, m->ua_len);

    if (ev->identified) {
        ngx_memcpy(m->id, ctx->consent.id, sizeof(m->id));
        return;
    }

    m->addr_len = r->connection->addr_text.len;
    ngx_memcpy(m->addr, r->connection->addr_text.data, m->addr_len);
}


/* the path scrubbed, from the worker's memo when it was seen lately */

static size_t
ngx_http_privacy_scrubbed_path(ngx_http_privacy_main_conf_t *pmcf,
    ngx_str_t *path, ngx_http_privacy_event_t *ev)
{
    size_t                         len;
    ngx_http_privacy_path_memo_t  *m;

    if (path->len == 0 || path->len > sizeof(m->in)) {
        return ngx_http_privacy_path_scrub(pmcf->scrubber, path->data,
                                           path->len, ev->path,
                                           sizeof(ev->path));
    }

    m = &ngx_http_privacy_worker->path_memo[
            ngx_http_privacy_memo_hash(path->data, path->len)
            % NGX_HTTP_PRIVACY_PATH_MEMO];

    if (m->in_len == path->len
        && ngx_memcmp(m->in, path->data, path->len) == 0)
    {
        ngx_memcpy(ev->path, m->out, m->out_len);
        return m->out_len;
    }

    len = ngx_http_privacy_path_scrub(pmcf->scrubber, path->data, path->len,
                                      ev->path, sizeof(ev->path));

    if (len <= sizeof(m->out)) {
        ngx_memcpy(m->in, path->data, path->len);
        m->in_len = path->len;
        ngx_memcpy(m->out, ev->path, len);
        m->out_len = len;
    }

    return len;
}


/*
 * A visitor who consented is counted by the hex digits of their consent
 * id; a browser's pages come one after another, so the last id's digits
 * are kept.
 */

static void
ngx_http_privacy_consent_visitor(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_event_t *ev)
{
    ngx_http_privacy_worker_t  *w;

    w = ngx_http_privacy_worker;

    if (!w->consent_hexed
        || ngx_memcmp(w->consent_id, ctx->consent.id, sizeof(w->consent_id))
           != 0)
    {
        ngx_memcpy(w->consent_id, ctx->consent.id, sizeof(w->consent_id));
        ngx_http_privacy_hex(w->consent_id, sizeof(w->consent_id),
                             w->consent_hex);
        w->consent_hexed = 1;
    }

    ngx_memcpy(ev->visitor, w->consent_hex, sizeof(w->consent_hex));
}


/*
 * A site serves few content types, and pages mostly one: the answer for
 * the last type is kept per worker, which saves lowercasing and hashing
 * it on every page view.  The answer depends only on the type's bytes up
 * to its parameters and on the list (its hash, shared by the locations
 * that inherit it).
 */

static ngx_uint_t
ngx_http_privacy_counted_type(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    size_t                         len;
    ngx_uint_t                     counted;
    ngx_http_privacy_type_memo_t  *tm;

    len = r->headers_out.content_type_len;

    if (r->headers_out.content_type.len == 0 || len == 0) {
        return ngx_http_test_content_type(r, &plcf->analytics_types) != NULL;
    }

    tm = &ngx_http_privacy_worker->type_memo;

    if (tm->len == len
        && tm->types == plcf->analytics_types.buckets
        && ngx_memcmp(tm->type, r->headers_out.content_type.data, len) == 0)
    {
        return tm->counted;
    }

    counted = ngx_http_test_content_type(r, &plcf->analytics_types) != NULL;

    if (len <= sizeof(tm->type)) {
        tm->types = plcf->analytics_types.buckets;
        tm->len = len;
        tm->counted = counted;
        ngx_memcpy(tm->type, r->headers_out.content_type.data, len);
    }

    return counted;
}


static ngx_uint_t
ngx_http_privacy_is_bot(ngx_http_request_t *r)
{
    uint32_t                       h;
    ngx_str_t                     *value;
    ngx_uint_t                     verdict;
    ngx_http_privacy_ua_memo_t    *m;
    ngx_http_privacy_main_conf_t  *pmcf;

    if (r->headers_in.user_agent == NULL
        || r->headers_in.user_agent->value.len == 0)
    {
        return 1;
    }

    value = &r->headers_in.user_agent->value;

    /* a visitor sends the same User-Agent with every request: remember */

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    m = NULL;

    if (value->len <= sizeof(m->ua)) {
        h = ngx_http_privacy_memo_hash(value->data, value->len);
        m = &ngx_http_privacy_worker->ua_memo[h % NGX_HTTP_PRIVACY_UA_MEMO];

        if (m->len == value->len
            && ngx_memcmp(m->ua, value->data, value->len) == 0)
        {
            return m->bot;
        }
    }

    /* the crawler-user-agents patterns and ours (ngx_http_privacy_bots.c) */
    verdict = ngx_http_privacy_bots_match(pmcf->bots, value->data,
                                          value->len);

    if (m != NULL) {
        ngx_memcpy(m->ua, value->data, value->len);
        m->len = value->len;
        m->bot = verdict;
    }

    return verdict;
}


/* the referring site's host, and only when it is another site */

static void
ngx_http_privacy_referrer(ngx_http_request_t *r, ngx_http_privacy_event_t *ev)
{
    size_t         len;
    ssize_t        n;
    unsigned       port;
    const u_char  *auth;

    ev->referrer_len = 0;

    if (r->headers_in.referer == NULL) {
        return;
    }

    if (!ngx_http_privacy_url_authority(r->headers_in.referer->value.data,
                                        r->headers_in.referer->value.len,
                                        NULL, &auth, &len))
    {
        return;
    }

    n = ngx_http_privacy_url_host(auth, len, 0, &port);

    if (n <= 0 || (size_t) n > sizeof(ev->referrer)) {
        return;
    }

    if ((size_t) n == r->headers_in.server.len
        && ngx_strncasecmp((u_char *) auth, r->headers_in.server.data, n)
           == 0)
    {
        return;
    }

    ev->referrer_len = n;
    ngx_strlow(ev->referrer, (u_char *) auth, ev->referrer_len);
}


static void
ngx_http_privacy_search_term(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_event_t *ev)
{
    ngx_str_t                     *name, value;
    ngx_uint_t                     i;
    ngx_http_privacy_search_rc_e   rc;
    ngx_http_privacy_main_conf_t  *pmcf;

    ev->has_term = 0;
    ev->term_len = 0;

    if (r->args.len == 0 || plcf->search_args == NULL) {
        return;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    name = plcf->search_args->elts;

    for (i = 0; i < plcf->search_args->nelts; i++) {
        if (ngx_http_arg(r, name[i].data, name[i].len, &value) != NGX_OK) {
            continue;
        }

        rc = ngx_http_privacy_search_normalize(pmcf->scrubber, value.data,
                                               value.len, ev->term,
                                               &ev->term_len);

        if (rc == NGX_HTTP_PRIVACY_SEARCH_OK) {
            ev->has_term = 1;
            return;
        }

        if (rc == NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8) {
            pmcf->invalid_terms++;
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy: search term dropped, invalid UTF-8");
        }

        return;
    }
}


static ngx_int_t
ngx_http_privacy_pseudonym(ngx_http_request_t *r,
    ngx_http_privacy_event_t *ev)
{
    u_char                              buf[NGX_HTTP_PRIVACY_PSEUDONYM_IN];
    u_char                              key[NGX_HTTP_PRIVACY_KEY_LEN];
    u_char                              mac[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char                             *p, *last;
    size_t                              len;
    time_t                              today;
    uint32_t                            hash;
    ngx_str_t                          *ua;
    ngx_slab_pool_t                    *shpool;
    ngx_http_privacy_daykey_t          *dk;
    ngx_http_privacy_worker_t          *w;
    ngx_http_privacy_main_conf_t       *pmcf;
    ngx_http_privacy_pseudonym_memo_t  *m;

    w = ngx_http_privacy_worker;
    today = ngx_time() / 86400;

    if (today != w->day || w->day_mac == NULL) {
        pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

        shpool = (ngx_slab_pool_t *) pmcf->daykey_zone->shm.addr;
        dk = pmcf->daykey_zone->data;

        ngx_shmtx_lock(&shpool->mutex);

        if (dk->day != today) {
            /* overwrites yesterday's key: it is gone for good */
            if (ngx_http_privacy_random(dk->key, sizeof(dk->key)) != 0) {
                ngx_shmtx_unlock(&shpool->mutex);
                return NGX_ERROR;
            }

            dk->day = today;
        }

        ngx_memcpy(key, dk->key, sizeof(key));

        ngx_shmtx_unlock(&shpool->mutex);

        ngx_http_privacy_mac_destroy(w->day_mac);
        w->day_mac = ngx_http_privacy_mac_create(key, sizeof(key));
        ngx_explicit_memzero(key, sizeof(key));

        if (w->day_mac == NULL) {
            return NGX_ERROR;
        }

        /* yesterday's pseudonyms go with yesterday's key */
        ngx_explicit_memzero(w->pseudonyms, sizeof(w->pseudonyms));

        w->day = today;
    }

    p = buf;
    last = buf + sizeof(buf);

    p = ngx_cpymem(p, r->connection->addr_text.data,
                   ngx_min(r->connection->addr_text.len, 64));
    *p++ = '\0';

    ua = &r->headers_in.user_agent->value;
    p = ngx_cpymem(p, ua->data, ngx_min(ua->len, 300));
    *p++ = '\0';

    p = ngx_cpymem(p, ev->host, ngx_min(ev->host_len, (size_t) (last - p)));

    len = p - buf;
    hash = ngx_http_privacy_memo_hash(buf, len);
    m = &w->pseudonyms[hash % NGX_HTTP_PRIVACY_PSEUDONYM_MEMO];

    if (m->len == len && m->hash == hash && ngx_memcmp(m->in, buf, len) == 0)
    {
        ngx_memcpy(ev->visitor, m->visitor, sizeof(ev->visitor));
        return NGX_OK;
    }

    if (ngx_http_privacy_mac_compute(w->day_mac, buf, len, mac) != 0)
    {
        return NGX_ERROR;
    }

    ngx_http_privacy_hex(mac, 16, ev->visitor);

    ngx_memcpy(m->in, buf, len);
    ngx_memcpy(m->visitor, ev->visitor, sizeof(m->visitor));
    m->hash = hash;
    m->len = len;

    return NGX_OK;
}



