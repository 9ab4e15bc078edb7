/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Paced batches of the retention sweeps (docs/database.md, "Retention"):
 * one transaction per batch, so the workers' writers wait for the
 * register at most as long as one batch takes, and a sweep stopped
 * anywhere (a crash, kill -9) has committed whole batches only: SQLite's
 * journal undoes the one it was in.  Between two batches the sweep
 * sleeps as long as the last one took (at least
 * NGX_HTTP_PRIVACY_PACE_MIN_MS), so it holds the write lock at most about
 * half of the time however large the backlog; and a call ends after a
 * number of batches or a time, whichever comes first, so that a worker
 * that exits waits for one short call at most.
 *
 * Runs in a pool thread on the upkeep connection (no nginx calls here).
 */


#include <time.h>

#include "ngx_http_privacy_pace.h"


static sqlite3_int64 ngx_http_privacy_pace_ms(void);


void
ngx_http_privacy_pace_init(ngx_http_privacy_pace_t *pace, int batch,
    int max_batches, int max_ms)
{
    pace->batch = batch;
    pace->max_batches = max_batches;
    pace->max_ms = max_ms;
    pace->batches = 0;
    pace->begun = 0;
    pace->start = 0;
    pace->now_ms = ngx_http_privacy_pace_ms;
    pace->sleep_ms = sqlite3_sleep;
}


int
ngx_http_privacy_pace_run(sqlite3 *db, ngx_http_privacy_pace_t *pace,
    ngx_http_privacy_pace_batch_pt run, void *data, sqlite3_int64 *rows,
    int *more)
{
    int            rc, n;
    sqlite3_int64  took;

    *more = 1;

    while (pace->batches < pace->max_batches) {

        if (pace->batches) {
            /* the writers' turn: as long as the batch held them back */
            took = pace->now_ms() - pace->start;
            pace->sleep_ms((int) (took < NGX_HTTP_PRIVACY_PACE_MIN_MS
                                  ? NGX_HTTP_PRIVACY_PACE_MIN_MS : took));
        }

        pace->start = pace->now_ms();

        if (pace->batches == 0) {
            pace->begun = pace->start;

        } else if (pace->max_ms
                   && pace->start - pace->begun >= pace->max_ms)
        {
            /* slow batches: the call ends in time all the same */
            pace->batches = pace->max_batches;
            return SQLITE_OK;
        }

        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

        if (rc == SQLITE_BUSY) {
            /* the writers are busy: the rest waits for the next run */
            pace->batches = pace->max_batches;
            return SQLITE_OK;
        }

        if (rc != SQLITE_OK) {
            return rc;
        }

        n = 0;
        rc = run(db, data, &n);

        if (rc == SQLITE_OK) {
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        }

        if (rc != SQLITE_OK) {
            /* the caller reads sqlite3_errmsg(), then rolls back */
            return rc;
        }

        pace->batches++;
        *rows += n;

        if (n < pace->batch) {
            *more = 0;
            return SQLITE_OK;
        }
    }

    return SQLITE_OK;
}


static sqlite3_int64
ngx_http_privacy_pace_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (sqlite3_int64) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
