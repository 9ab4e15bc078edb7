/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The per-worker state (ngx_http_privacy_worker.h): allocated when a
 * worker starts, wiped and freed when it exits (its register connections
 * closed).  A reload starts new workers, so no memo outlives the
 * configuration its keys point into.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <sqlite3.h>

#include "ngx_http_privacy_json_arena.h"
#include "ngx_http_privacy_worker.h"


ngx_http_privacy_worker_t  *ngx_http_privacy_worker;


static void ngx_http_privacy_worker_rdb_close(
    ngx_http_privacy_worker_rdb_t *wr);


ngx_int_t
ngx_http_privacy_worker_init(ngx_cycle_t *cycle)
{
    ngx_http_privacy_worker_t  *w;

    /*
     * before the worker's first SQLite call (the master makes none):
     * without the allocation statistics, which nothing here reads, each
     * of SQLite's mallocs takes no global mutex (a thread writing an
     * import spent ~7 % of its time there, docs/performance.md).  Once
     * SQLite is initialised the call fails harmlessly.
     */
    (void) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

    /* jansson's hooks for the import's arenas, before any thread runs */
    ngx_http_privacy_json_arena_hooks();

    w = ngx_calloc(sizeof(ngx_http_privacy_worker_t), cycle->log);
    if (w == NULL) {
        return NGX_ERROR;
    }

    w->pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, cycle->log);
    if (w->pool == NULL) {
        ngx_free(w);
        return NGX_ERROR;
    }

    if (pthread_mutex_init(&w->api_rdb.lock, NULL) != 0
        || pthread_mutex_init(&w->rights_rdb.lock, NULL) != 0
        || pthread_mutex_init(&w->mail_rdb.lock, NULL) != 0
        || pthread_mutex_init(&w->dpo_rdb.lock, NULL) != 0)
    {
        ngx_destroy_pool(w->pool);
        ngx_free(w);
        return NGX_ERROR;
    }

    w->psl_reg = -1;
    ngx_http_privacy_worker = w;

    return NGX_OK;
}


void
ngx_http_privacy_worker_exit(void)
{
    ngx_pool_t                 *pool;
    ngx_http_privacy_worker_t  *w;

    w = ngx_http_privacy_worker;

    if (w == NULL) {
        return;
    }

    ngx_http_privacy_worker = NULL;
    pool = w->pool;

    ngx_http_privacy_mac_destroy(w->day_mac);
    ngx_free(w->seen_names);

    ngx_http_privacy_worker_rdb_close(&w->api_rdb);
    ngx_http_privacy_worker_rdb_close(&w->rights_rdb);
    ngx_http_privacy_worker_rdb_close(&w->mail_rdb);
    ngx_http_privacy_worker_rdb_close(&w->dpo_rdb);

    /* verified cookies and today's pseudonyms do not linger in the heap */
    ngx_explicit_memzero(w, sizeof(ngx_http_privacy_worker_t));

    ngx_destroy_pool(pool);
    ngx_free(w);
}


/* the pool's threads are gone: no task holds the lock any more */

static void
ngx_http_privacy_worker_rdb_close(ngx_http_privacy_worker_rdb_t *wr)
{
    pthread_mutex_lock(&wr->lock);
    ngx_http_privacy_rdb_close(wr->rdb);
    wr->rdb = NULL;
    pthread_mutex_unlock(&wr->lock);

    pthread_mutex_destroy(&wr->lock);
}
