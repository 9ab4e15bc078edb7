/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The SQLite register: schema migrations, and a per-worker write queue
 * drained in batched transactions by an nginx thread pool, so that no
 * request ever waits on disk.  Everything the thread touches is owned by
 * the batch being written; nginx pools, timers and logging are used only
 * on the event loop (in the completion handler).
 */

#ifndef _NGX_HTTP_PRIVACY_STORE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_STORE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_cookie_scope.h"


/* records a batch holds; a full queue drops (and counts) records */
#define NGX_HTTP_PRIVACY_STORE_BATCH      16384
/*
 * page views wait for this many, or the timer; receipts wait for neither.
 * A transaction (locks, the log's frames, a thread's wake-up) costs as
 * much as some hundred rows: 2048 rows per transaction take ~12 % less
 * CPU per row than 256 (tests/bench/store.sh with BATCH set)
 */
#define NGX_HTTP_PRIVACY_STORE_EAGER      2048
/* a visitor in the register: 32 hex digits, pseudonym or consent id */
#define NGX_HTTP_PRIVACY_VISITOR_LEN      32
/* the queue flushes at least this often (milliseconds) */
#define NGX_HTTP_PRIVACY_STORE_INTERVAL   1000


typedef struct ngx_http_privacy_store_s  ngx_http_privacy_store_t;


typedef struct {
    u_char        consent_id[2 * NGX_HTTP_PRIVACY_CONSENT_ID_LEN];
    time_t        decided;
    u_char        version[NGX_HTTP_PRIVACY_VERSION_MAX];
    size_t        version_len;
    unsigned      categories;
    const char   *method;           /* a static string */
    u_char        client[32];       /* hex pseudonym, never an address */
    u_char        site[128];        /* the server's name */
    size_t        site_len;
} ngx_http_privacy_receipt_t;


/* a page view, already scrubbed: nothing here identifies anyone */
typedef struct {
    time_t        time;
    ngx_uint_t    status;
    u_char        host[128];
    size_t        host_len;
    u_char        path[256];
    size_t        path_len;
    u_char        referrer[128];        /* another site's host, or empty */
    size_t        referrer_len;
    u_char        term[100];            /* NGX_HTTP_PRIVACY_SEARCH_MAX */
    size_t        term_len;
    ngx_uint_t    has_term;
    u_char        visitor[NGX_HTTP_PRIVACY_VISITOR_LEN];
                                        /* daily pseudonym or consent id */
    ngx_uint_t    identified;           /* visitor is a consent id */
} ngx_http_privacy_event_t;


/* a cookie name seen in a request or response, for the DPO */
typedef struct {
    time_t        time;
    u_char        name[64];             /* NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX */
    size_t        name_len;
    unsigned      category;             /* 0: unclassified */
} ngx_http_privacy_cookie_seen_t;


/* the Path and Domain a Set-Cookie gave a cookie name, for the DPO */
typedef struct {
    time_t        time;
    u_char        name[64];             /* as in cookie_seen_t */
    size_t        name_len;
    ngx_http_privacy_cookie_scope_t  scope;
} ngx_http_privacy_scope_seen_t;


/* validates path at configuration time: creates nothing */
char *ngx_http_privacy_store_check(ngx_conf_t *cf, ngx_str_t *path);

ngx_http_privacy_store_t *ngx_http_privacy_store_create(ngx_conf_t *cf,
    ngx_str_t *path, ngx_thread_pool_t *tp);

/*
 * the retention of a category ("privacy_retention CATEGORY TEXT"), swept
 * by one worker if it is kept here (analytics, analytics_aggregate,
 * consent): NGX_OK; NGX_DECLINED for other categories; NGX_ERROR if text
 * is not a period
 */
ngx_int_t ngx_http_privacy_store_retention(ngx_http_privacy_store_t *s,
    ngx_str_t *category, ngx_str_t *text);

/*
 * sweeps every interval seconds; consent receipts expire with the
 * consent cookie (max_age); a dry run counts and deletes nothing; the
 * fiscal year ends on fiscal_month-fiscal_day (bookkeeping); records held
 * elsewhere are erased through erase_command (NULL: none)
 */
void ngx_http_privacy_store_sweeps(ngx_http_privacy_store_t *s,
    time_t interval, time_t consent_max_age, ngx_uint_t dry_run,
    ngx_uint_t fiscal_month, ngx_uint_t fiscal_day,
    const char *erase_command);

/*
 * a sweep (or a dry run) by this worker within a second, due or not
 * (POST <dpo>/sweep): NGX_DECLINED if no category is swept here
 */
ngx_int_t ngx_http_privacy_store_sweep_now(ngx_http_privacy_store_t *s,
    ngx_uint_t dry_run);

/* in each worker: open, migrate, start the flush timer */
ngx_int_t ngx_http_privacy_store_init_process(ngx_http_privacy_store_t *s,
    ngx_cycle_t *cycle);

/* on worker exit (graceful or not): write whatever is still queued */
void ngx_http_privacy_store_exit_process(ngx_http_privacy_store_t *s,
    ngx_cycle_t *cycle);

/* where a queued page view is, while its batch is still being filled */
typedef struct {
    void                            *batch;
    ngx_uint_t                       round;
    ngx_uint_t                       index;
} ngx_http_privacy_store_view_t;

/*
 * queues a page view (and says where, if view is not NULL); NGX_DECLINED
 * (counted) when the queue is full
 */
ngx_int_t ngx_http_privacy_store_event(ngx_http_privacy_store_t *s,
    ngx_http_privacy_event_t *ev, ngx_http_privacy_store_view_t *view);

/*
 * counts one more view of the page view queued at view, identical to it;
 * NGX_DECLINED when its batch has gone to the writer meanwhile
 */
ngx_int_t ngx_http_privacy_store_again(ngx_http_privacy_store_t *s,
    ngx_http_privacy_store_view_t *view);

/* queues a cookie sighting; NGX_DECLINED (counted) when full */
ngx_int_t ngx_http_privacy_store_cookie_seen(ngx_http_privacy_store_t *s,
    ngx_http_privacy_cookie_seen_t *cs);

/* queues a cookie's scope; NGX_DECLINED (counted) when full */
ngx_int_t ngx_http_privacy_store_scope_seen(ngx_http_privacy_store_t *s,
    ngx_http_privacy_scope_seen_t *ss);

/* queues a receipt; NGX_DECLINED when the queue is full */
ngx_int_t ngx_http_privacy_store_receipt(ngx_http_privacy_store_t *s,
    ngx_http_privacy_receipt_t *rc);


#endif /* _NGX_HTTP_PRIVACY_STORE_H_INCLUDED_ */
