/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Daily roll-ups of the page views, computed in a pool thread.
 */

#ifndef _NGX_HTTP_PRIVACY_ROLLUP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ROLLUP_H_INCLUDED_


#include <time.h>
#include <sqlite3.h>


/* seconds of a UTC day; days start at its multiples */
#define NGX_HTTP_PRIVACY_DAY  86400


/*
 * A roll-up computes each day before today once, except the last this
 * many, which it computes again every time: page views of a day may still
 * arrive after midnight.  Retention never deletes the page views of those
 * days (ngx_http_privacy_sweep.c).
 */
#define NGX_HTTP_PRIVACY_ROLLUP_AGAIN  2


/* SQLITE_OK, or an error code with err set; no nginx calls (a thread) */
int ngx_http_privacy_rollup(sqlite3 *db, time_t now, char *err,
    size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_ROLLUP_H_INCLUDED_ */
