/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The retention sweep of the register's audit log (docs/database.md,
 * "Retention"): entries go a period after the event (audit_log.ts), and
 * the chain stays verifiable.  Each row's MAC covers the MAC before it
 * (ngx_http_privacy_audit.c), so only the oldest rows may go, as one
 * unbroken run from the start; in the transaction that deletes them,
 * audit_anchor takes the id and MAC of the newest row deleted, from
 * which the check (and the next append, should every row be gone) goes
 * on.  A row written with a later time than the row after it (a clock
 * set back) stops the run: what follows waits for it.
 *
 * Runs in a pool thread on the upkeep connection, a batch per
 * transaction like ngx_http_privacy_sweep.c (no nginx calls here).
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_pace.h"
#include "ngx_http_privacy_sweep.h"


/* the rows the sweep may delete: the oldest, up to the first one kept */
#define NGX_HTTP_PRIVACY_AUDIT_RUN                                            \
    " FROM audit_log WHERE id < coalesce((SELECT min(id) FROM audit_log"      \
    " WHERE ts >= ?1), (SELECT max(id) + 1 FROM audit_log))"


typedef struct {
    sqlite3_stmt  *oldest;
    sqlite3_stmt  *anchor;
    sqlite3_stmt  *del;
    time_t         cutoff;
} ngx_http_privacy_sweep_audit_ctx_t;


static int ngx_http_privacy_sweep_audit_batch(sqlite3 *db, void *data,
    int *n);


int
ngx_http_privacy_sweep_audit(sqlite3 *db, const ngx_http_privacy_sweep_t *sw,
    ngx_http_privacy_sweep_count_t *count, int *more, char *err,
    size_t err_len)
{
    int                                  rc;
    sqlite3_int64                        n;
    sqlite3_stmt                        *st[3];
    ngx_http_privacy_pace_t              pace;
    ngx_http_privacy_sweep_audit_ctx_t   ctx;

    *more = 1;
    st[0] = st[1] = st[2] = NULL;

    if (sw->dry_run) {
        /* one read, no write: the rows a sweep would take */
        rc = sqlite3_prepare_v2(db, "SELECT count(*)"
                                    NGX_HTTP_PRIVACY_AUDIT_RUN, -1, &st[0],
                                NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_int64(st[0], 1, (sqlite3_int64) sw->cutoff);

        rc = sqlite3_step(st[0]);
        if (rc != SQLITE_ROW) {
            goto failed;
        }

        count->examined += sqlite3_column_int64(st[0], 0);
        sqlite3_finalize(st[0]);

        *more = 0;
        return SQLITE_OK;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id, ts, mac FROM audit_log"
                                " ORDER BY id LIMIT ?1", -1, &st[0], NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO audit_anchor"
                                    " (id, last_id, mac) VALUES (1, ?1, ?2)",
                                -1, &st[1], NULL);
    }

    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "DELETE FROM audit_log WHERE id <= ?1",
                                -1, &st[2], NULL);
    }

    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int(st[0], 1, sw->batch);

    ctx.oldest = st[0];
    ctx.anchor = st[1];
    ctx.del = st[2];
    ctx.cutoff = sw->cutoff;

    ngx_http_privacy_pace_init(&pace, sw->batch, sw->max_batches,
                               sw->max_ms);

    n = 0;
    rc = ngx_http_privacy_pace_run(db, &pace,
                                   ngx_http_privacy_sweep_audit_batch, &ctx,
                                   &n, more);

    count->examined += n;
    count->deleted += n;

    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    sqlite3_finalize(st[2]);

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));

    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }

    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    sqlite3_finalize(st[2]);

    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}


/*
 * One batch inside its transaction: the oldest rows up to the first one
 * within its period; the anchor moves to the last of them, which go.
 */

static int
ngx_http_privacy_sweep_audit_batch(sqlite3 *db, void *data, int *n)
{
    int                                  rc, len;
    u_char                               mac[64];
    sqlite3_int64                        last;
    sqlite3_stmt                        *oldest, *anchor, *del;
    ngx_http_privacy_sweep_audit_ctx_t  *ctx;

    (void) db;

    ctx = data;
    oldest = ctx->oldest;
    anchor = ctx->anchor;
    del = ctx->del;

    *n = 0;
    last = 0;
    len = 0;

    while ((rc = sqlite3_step(oldest)) == SQLITE_ROW) {
        if (sqlite3_column_int64(oldest, 1) >= (sqlite3_int64) ctx->cutoff) {
            break;
        }

        len = sqlite3_column_bytes(oldest, 2);

        if (len <= 0 || len > (int) sizeof(mac)) {
            /* not a MAC: the chain is broken here, and stays as it is */
            break;
        }

        last = sqlite3_column_int64(oldest, 0);
        memcpy(mac, sqlite3_column_blob(oldest, 2), len);
        (*n)++;
    }

    sqlite3_reset(oldest);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return rc;
    }

    if (*n == 0) {
        return SQLITE_OK;
    }

    sqlite3_bind_int64(anchor, 1, last);
    sqlite3_bind_blob(anchor, 2, mac, len, SQLITE_STATIC);
    rc = sqlite3_step(anchor);
    sqlite3_reset(anchor);

    if (rc != SQLITE_DONE) {
        return rc;
    }

    sqlite3_bind_int64(del, 1, last);
    rc = sqlite3_step(del);
    sqlite3_reset(del);

    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

