/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention sweeps: page views older than privacy_retention analytics are
 * deleted in short transactions, in a pool thread.
 */

#ifndef _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_


#include <time.h>
#include <sqlite3.h>


/*
 * The first second whose page views are kept at time now under a
 * retention of period seconds: the start of a day (UTC), and never later
 * than the days a roll-up computes again.
 */
time_t ngx_http_privacy_sweep_cutoff(time_t now, time_t period);

/*
 * Deletes page views before cutoff: at most max_batches transactions of
 * batch rows each, pausing after each as long as it took, so that the
 * workers' writers get the register in between.  *deleted: the rows
 * deleted (also on failure); *more: whether some may be left.  SQLITE_OK,
 * or an error code with err set.  No nginx calls (a thread).
 */
int ngx_http_privacy_sweep_analytics(sqlite3 *db, time_t cutoff, int batch,
    int max_batches, sqlite3_int64 *deleted, int *more, char *err,
    size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_ */
