/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention of page views (privacy_retention analytics): raw page views
 * older than the period are deleted; the daily roll-ups, which hold no
 * pseudonyms, stay for reports.  Runs in a pool thread, on the upkeep
 * connection, right after a roll-up (no nginx calls here).
 *
 * Rows are found through the index on analytics_events (ts), oldest
 * first, and deleted a batch per transaction: the workers' writers wait
 * for the register only as long as one batch takes, and a sweep stopped
 * anywhere has deleted the oldest rows.
 */


#include <stdio.h>

#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_sweep.h"


static const char  ngx_http_privacy_sweep_delete[] =
    "DELETE FROM analytics_events WHERE id IN"
    " (SELECT id FROM analytics_events WHERE ts < ?1 ORDER BY ts LIMIT ?2)";


static sqlite3_int64 ngx_http_privacy_sweep_ms(void);


time_t
ngx_http_privacy_sweep_cutoff(time_t now, time_t period)
{
    time_t  cutoff, again;

    cutoff = now - period;
    cutoff -= cutoff % NGX_HTTP_PRIVACY_DAY;

    /* the days a roll-up computes again must keep their page views */
    again = now - now % NGX_HTTP_PRIVACY_DAY
            - (time_t) NGX_HTTP_PRIVACY_ROLLUP_AGAIN * NGX_HTTP_PRIVACY_DAY;

    return (cutoff < again) ? cutoff : again;
}


int
ngx_http_privacy_sweep_analytics(sqlite3 *db, time_t cutoff, int batch,
    int max_batches, sqlite3_int64 *deleted, int *more, char *err,
    size_t err_len)
{
    int             rc, i, n;
    sqlite3_int64   start, took;
    sqlite3_stmt   *st;

    *deleted = 0;
    *more = 1;
    start = 0;

    rc = sqlite3_prepare_v2(db, ngx_http_privacy_sweep_delete, -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int64(st, 1, (sqlite3_int64) cutoff);
    sqlite3_bind_int(st, 2, batch);

    for (i = 0; i < max_batches; i++) {

        if (i > 0) {
            /* the writers' turn: as long as the batch held them back */
            took = ngx_http_privacy_sweep_ms() - start;
            sqlite3_sleep((int) (took < 5 ? 5 : took));
        }

        start = ngx_http_privacy_sweep_ms();

        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

        if (rc == SQLITE_BUSY) {
            /* the writers are busy: the rest waits for the next run */
            break;
        }

        if (rc != SQLITE_OK) {
            goto failed;
        }

        rc = sqlite3_step(st);
        n = sqlite3_changes(db);

        if (rc == SQLITE_DONE) {
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        }

        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_reset(st);

        *deleted += n;

        if (n < batch) {
            *more = 0;
            break;
        }
    }

    sqlite3_finalize(st);

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));

    /* a failed statement or COMMIT leaves the transaction open */
    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }

    sqlite3_finalize(st);

    return rc;
}


static sqlite3_int64
ngx_http_privacy_sweep_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (sqlite3_int64) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
