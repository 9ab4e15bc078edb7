/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's upkeep: WAL checkpoints, the daily roll-ups and the
 * retention sweeps, on a connection and in a thread-pool task of their
 * own, so that the writer (ngx_http_privacy_store.c) never waits for the
 * database file's fsync, a roll-up's reads or a sweep's deletes.
 */

#ifndef _NGX_HTTP_PRIVACY_UPKEEP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_UPKEEP_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>

#include "ngx_http_privacy_sweep.h"


/* the categories swept here */
#define NGX_HTTP_PRIVACY_SWEPT  NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES


typedef struct {
    ngx_str_t                       *path;      /* the store's, null-term. */
    ngx_thread_pool_t               *thread_pool;
    ngx_log_t                       *log;

    /*
     * touched by the thread only while the task is in flight; "hold"
     * holds the register's write lock while "db" checkpoints
     */
    sqlite3                         *db;
    sqlite3                         *hold;
    ngx_thread_task_t               *task;
    ngx_uint_t                       ckpt_written;   /* at the last post */
    int                              ckpt_rc;
    char                             ckpt_error[256];
    time_t                           rollup_day;     /* rolled up that day */
    time_t                           rollup_retry;   /* after a failure */
    int                              rollup_rc;
    ngx_uint_t                       rollup_busy;    /* tries in a row */
    char                             rollup_error[256];

    /*
     * Retention sweeps (ngx_http_privacy_sweep.c): the periods of the
     * categories swept (an empty text: kept), every sweep_interval, by
     * the one worker that holds the lock (see ngx_http_privacy_upkeep.c)
     */
    ngx_str_t                        sweep_text[NGX_HTTP_PRIVACY_SWEPT];
    ngx_http_privacy_period_t        sweep_period[NGX_HTTP_PRIVACY_SWEPT];
    time_t                           sweep_interval;
    time_t                           consent_max_age;
    unsigned                         fiscal_month;   /* bookkeeping */
    unsigned                         fiscal_day;
    const char                      *erase_command;  /* or NULL */
    time_t                           sweep_next;     /* look then */
    ngx_uint_t                       sweep_dry;      /* count, keep all */
    /* the DPO asked for a sweep now (UPKEEP_SWEEP_*), and this run's */
    ngx_uint_t                       sweep_asked;
    int                              sweep_force;
    int                              sweep_run_dry;  /* the sweep's */
    /* set by the thread; the lock and record kept from run to run */
    int                              sweep_lock;     /* a file descriptor */
    sqlite3_int64                    sweep_id;       /* its record */
    time_t                           sweep_start;
    int                              sweep_category; /* being swept */
    time_t                           sweep_cutoff[NGX_HTTP_PRIVACY_SWEPT];
    ngx_http_privacy_sweep_count_t   sweep_count[NGX_HTTP_PRIVACY_SWEPT];
    int                              sweep_state;
    int                              sweep_rc;       /* when FAILED */
    ngx_uint_t                       sweep_busy;     /* tries in a row */
    time_t                           sweep_due;      /* NOT_DUE: when */
    char                             sweep_error[256];
    /* why privacy_erase_command did not confirm, per category swept */
    char                             erase_error[NGX_HTTP_PRIVACY_SWEPT][256];
    unsigned                         sweep_lock_open:1;
    unsigned                         sweeping:1;     /* locked, recorded */
    unsigned                         busy:1;
    unsigned                         rollup:1;       /* this task rolls up */
    unsigned                         sweep:1;        /* and sweeps */
    unsigned                         ckpt_failing:1;
} ngx_http_privacy_upkeep_t;


/* a sweep now, whether due or not (POST <dpo>/sweep) */
#define NGX_HTTP_PRIVACY_UPKEEP_SWEEP      1
#define NGX_HTTP_PRIVACY_UPKEEP_SWEEP_DRY  2


/* see ngx_http_privacy_store_retention() */
ngx_int_t ngx_http_privacy_upkeep_retention(ngx_http_privacy_upkeep_t *u,
    ngx_str_t *category, ngx_str_t *text);

/* in each worker: the task */
ngx_int_t ngx_http_privacy_upkeep_init_process(ngx_http_privacy_upkeep_t *u,
    ngx_str_t *path, ngx_thread_pool_t *tp, ngx_cycle_t *cycle);

/*
 * every flush tick: posts the task if a roll-up or a sweep is due or
 * something was written since the last checkpoint; opened: the writer
 * has migrated the register
 */
void ngx_http_privacy_upkeep_tick(ngx_http_privacy_upkeep_t *u,
    ngx_uint_t opened, ngx_uint_t written);

/*
 * asks this worker's next upkeep run (within a second) for a sweep, or a
 * dry run, whether one is due or not: NGX_DECLINED if nothing is swept
 */
ngx_int_t ngx_http_privacy_upkeep_sweep_now(ngx_http_privacy_upkeep_t *u,
    ngx_uint_t dry_run);

/* on worker exit: the connection closed, a sweep's lock let go */
void ngx_http_privacy_upkeep_exit_process(ngx_http_privacy_upkeep_t *u);


#endif /* _NGX_HTTP_PRIVACY_UPKEEP_H_INCLUDED_ */
