/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Paced batches (docs/database.md, "Retention"): a long deletion is cut
 * into transactions of a few rows each, and after every one the writers
 * of the workers get a turn as long as the batch held them back.  Plain
 * SQLite, no nginx calls.
 */

#ifndef _NGX_HTTP_PRIVACY_PACE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_PACE_H_INCLUDED_


#include <sqlite3.h>


/* the writers' shortest turn between two batches */
#define NGX_HTTP_PRIVACY_PACE_MIN_MS  5


/*
 * One batch, inside the transaction the pacer opened: *n is set to the
 * rows it took (fewer than the batch size: nothing is left); SQLITE_OK
 * or an error, which ngx_http_privacy_pace_run() returns as it is.
 */
typedef int (*ngx_http_privacy_pace_batch_pt)(sqlite3 *db, void *data,
    int *n);


typedef struct {
    int              batch;         /* rows per batch */
    int              max_batches;   /* batches per sweep call */
    int              max_ms;        /* no batch begun after, 0: no limit */
    int              batches;       /* run so far in this call */
    sqlite3_int64    begun;         /* when the first batch began, ms */
    sqlite3_int64    start;         /* when the last batch began, ms */

    /* a monotonic clock and a sleep in ms; NULL: the system's */
    sqlite3_int64  (*now_ms)(void);
    int            (*sleep_ms)(int ms);
} ngx_http_privacy_pace_t;


/*
 * a pacer for one sweep call: max_batches batches of batch rows at most,
 * and none begun max_ms or more after the first (0: no time limit)
 */
void ngx_http_privacy_pace_init(ngx_http_privacy_pace_t *pace, int batch,
    int max_batches, int max_ms);

/*
 * Runs batches of run(db, data, &n), each in its own BEGIN IMMEDIATE ...
 * COMMIT, until one takes fewer than pace->batch rows (*more = 0), the
 * call's batches or time are used up or the writers hold the lock
 * (*more = 1: the next sweep goes on); *rows adds the rows taken.  A
 * pacer may serve several statements of one call: the batches, the time
 * and the turns are shared.
 * On an error the transaction is left open, so that the caller can read
 * sqlite3_errmsg() before it rolls back.
 */
int ngx_http_privacy_pace_run(sqlite3 *db, ngx_http_privacy_pace_t *pace,
    ngx_http_privacy_pace_batch_pt run, void *data, sqlite3_int64 *rows,
    int *more);


#endif /* _NGX_HTTP_PRIVACY_PACE_H_INCLUDED_ */
