/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The per-worker state (ngx_http_privacy_worker.h): allocated when a
 * worker starts, wiped and freed when it exits.  A reload starts new
 * workers, so no memo outlives the configuration its keys point into.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_privacy_worker.h"


ngx_http_privacy_worker_t  *ngx_http_privacy_worker;


ngx_int_t
ngx_http_privacy_worker_init(ngx_cycle_t *cycle)
{
    ngx_http_privacy_worker_t  *w;

    w = ngx_calloc(sizeof(ngx_http_privacy_worker_t), cycle->log);
    if (w == NULL) {
        return NGX_ERROR;
    }

    w->pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, cycle->log);
    if (w->pool == NULL) {
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

    /* verified cookies and today's pseudonyms do not linger in the heap */
    ngx_explicit_memzero(w, sizeof(ngx_http_privacy_worker_t));

    ngx_destroy_pool(pool);
    ngx_free(w);
}
