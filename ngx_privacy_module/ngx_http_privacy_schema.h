/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's schema and its migrations.
 */

#ifndef _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_


#include <stddef.h>
#include <sqlite3.h>


/*
 * A page view's row id (docs/database.md): its unix time shifted left
 * by NGX_HTTP_PRIVACY_EVENT_SHIFT bits plus its rank within that second,
 * so that a range of time is a range of row ids.  The schema and the SQL
 * that reads page views by time write the shift as "<< 24".
 */
#define NGX_HTTP_PRIVACY_EVENT_SHIFT  24
#define NGX_HTTP_PRIVACY_EVENT_ID(t)                                          \
    ((sqlite3_int64) (t) << NGX_HTTP_PRIVACY_EVENT_SHIFT)

/*
 * The same in SQL, for the next page view of the second ?1, for those
 * who write page views one at a time (tests, benchmarks); the writer
 * looks the last row of a second up once per batch instead.
 */
#define NGX_HTTP_PRIVACY_EVENT_NEXT_ID                                        \
    "coalesce((SELECT max(id) + 1 FROM analytics_events"                      \
    " WHERE id >= (?1 << 24) AND id < ((?1 + 1) << 24)), ?1 << 24)"


/*
 * Brings the register's schema up to date in one IMMEDIATE transaction
 * (two workers starting together migrate one after the other).  SQLITE_OK,
 * or an error code with err set; refuses a schema newer than this module.
 */
int ngx_http_privacy_schema_migrate(sqlite3 *db, char *err, size_t err_len);

/*
 * A connection's set-up step (journal mode, pragmas, migrations): SQLITE_OK
 * or an error code with err set.
 */
typedef int (*ngx_http_privacy_schema_step_pt)(sqlite3 *db, char *err,
    size_t err_len);

/*
 * Runs step, again a little later each time while it answers SQLITE_BUSY,
 * for up to NGX_HTTP_PRIVACY_SCHEMA_BUSY_WAIT milliseconds: see the
 * function's comment for why the busy handler does not cover it.
 */
#define NGX_HTTP_PRIVACY_SCHEMA_BUSY_WAIT  10000

int ngx_http_privacy_schema_set_up(sqlite3 *db,
    ngx_http_privacy_schema_step_pt step, char *err, size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_ */
