/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Daily roll-ups of the page views: analytics_daily, analytics_daily_pages,
 * analytics_daily_searches and analytics_daily_referrers, which reports
 * read and which outlive the raw rows.  Runs in a pool thread on a
 * connection of its own (no nginx calls here).
 *
 * The cost of a roll-up is the rows of the days it computes, not the size
 * of the table: days are found and read as ranges of row ids, which are
 * keyed by time (docs/database.md).  A day is aggregated into temporary
 * tables while the register is only read, and the few aggregate rows are
 * then copied in a short write transaction, so that the workers' writers,
 * which would drop page views if they waited long, never wait for the
 * scan.
 */


#include <stdio.h>

#include "ngx_http_privacy_rollup.h"


/*
 * The page views of one day, ?1 being its first second (UTC): a range of
 * row ids (ngx_http_privacy_schema.h: NGX_HTTP_PRIVACY_EVENT_SHIFT)
 */
#define NGX_HTTP_PRIVACY_ROLLUP_DAY                                           \
    " WHERE id >= (?1 << 24) AND id < ((?1 + 86400) << 24)"


/* the aggregates of one day */
static const char  *ngx_http_privacy_rollup_aggregates[] = {

    "INSERT INTO temp.rollup_daily"
    " SELECT date(?1, 'unixepoch'), host, sum(views),"
    "  count(DISTINCT visitor),"
    "  sum(CASE WHEN search_term IS NULL THEN 0 ELSE views END)"
    "  FROM analytics_events"
    NGX_HTTP_PRIVACY_ROLLUP_DAY " GROUP BY host",

    "INSERT INTO temp.rollup_pages"
    " SELECT date(?1, 'unixepoch'), host, path, sum(views),"
    "  count(DISTINCT visitor) FROM analytics_events"
    NGX_HTTP_PRIVACY_ROLLUP_DAY " GROUP BY host, path",

    "INSERT INTO temp.rollup_searches"
    " SELECT date(?1, 'unixepoch'), host, search_term, sum(views),"
    "  count(DISTINCT visitor) FROM analytics_events"
    NGX_HTTP_PRIVACY_ROLLUP_DAY " AND search_term IS NOT NULL"
    " GROUP BY host, search_term",

    "INSERT INTO temp.rollup_referrers"
    " SELECT date(?1, 'unixepoch'), host, referrer_host, sum(views),"
    "  count(DISTINCT visitor) FROM analytics_events"
    NGX_HTTP_PRIVACY_ROLLUP_DAY " AND referrer_host IS NOT NULL"
    " GROUP BY host, referrer_host",
};

#define NGX_HTTP_PRIVACY_ROLLUP_NAGGREGATES                                   \
    (sizeof(ngx_http_privacy_rollup_aggregates) / sizeof(char *))


static const char  ngx_http_privacy_rollup_temp[] =
    "CREATE TEMP TABLE IF NOT EXISTS rollup_daily"
    " (day, host, page_views, visitors, searches);"
    "CREATE TEMP TABLE IF NOT EXISTS rollup_pages"
    " (day, host, path, page_views, visitors);"
    "CREATE TEMP TABLE IF NOT EXISTS rollup_searches"
    " (day, host, term, searches, visitors);"
    "CREATE TEMP TABLE IF NOT EXISTS rollup_referrers"
    " (day, host, referrer_host, page_views, visitors);";

static const char  ngx_http_privacy_rollup_copy[] =
    "BEGIN IMMEDIATE;"
    "INSERT OR REPLACE INTO analytics_daily"
    " SELECT * FROM temp.rollup_daily;"
    "INSERT OR REPLACE INTO analytics_daily_pages"
    " SELECT * FROM temp.rollup_pages;"
    "INSERT OR REPLACE INTO analytics_daily_searches"
    " SELECT * FROM temp.rollup_searches;"
    "INSERT OR REPLACE INTO analytics_daily_referrers"
    " SELECT * FROM temp.rollup_referrers;"
    "COMMIT;";

static const char  ngx_http_privacy_rollup_clear[] =
    "DELETE FROM temp.rollup_daily;"
    "DELETE FROM temp.rollup_pages;"
    "DELETE FROM temp.rollup_searches;"
    "DELETE FROM temp.rollup_referrers;";


static int ngx_http_privacy_rollup_day(sqlite3 *db, sqlite3_int64 day);
static int ngx_http_privacy_rollup_step(sqlite3 *db, const char *sql,
    sqlite3_int64 arg, int *row);


/*
 * Rolls up every day before today that has page views but no roll-up,
 * and the last two days again, for page views written after midnight
 * (a worker's queue, a writer that waited for the register).
 */

int
ngx_http_privacy_rollup(sqlite3 *db, time_t now, char *err, size_t err_len)
{
    int             rc, row;
    sqlite3_int64   today, day, from;
    sqlite3_stmt   *next;

    today = (sqlite3_int64) now - (sqlite3_int64) now % NGX_HTTP_PRIVACY_DAY;
    next = NULL;

    rc = sqlite3_exec(db, ngx_http_privacy_rollup_temp, NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, ngx_http_privacy_rollup_clear, NULL, NULL,
                          NULL);
    }

    if (rc == SQLITE_OK) {
        /* the first page view at or after a day's start: days in order */
        rc = sqlite3_prepare_v2(db, "SELECT ts FROM analytics_events"
                                " WHERE id >= (?1 << 24) AND id < (?2 << 24)"
                                " ORDER BY id LIMIT 1", -1, &next, NULL);
    }

    for (from = 0; rc == SQLITE_OK; from = day + NGX_HTTP_PRIVACY_DAY) {

        sqlite3_bind_int64(next, 1, from);
        sqlite3_bind_int64(next, 2, today);

        rc = sqlite3_step(next);
        day = (rc == SQLITE_ROW) ? sqlite3_column_int64(next, 0) : -1;
        sqlite3_reset(next);

        if (rc != SQLITE_ROW) {
            rc = (rc == SQLITE_DONE) ? SQLITE_OK : rc;
            break;
        }

        day -= day % NGX_HTTP_PRIVACY_DAY;

        if (day < today - NGX_HTTP_PRIVACY_ROLLUP_AGAIN * NGX_HTTP_PRIVACY_DAY)
        {
            /* a finished day is computed once */
            rc = ngx_http_privacy_rollup_step(db,
                     "SELECT 1 FROM analytics_daily"
                     " WHERE day = date(?1, 'unixepoch') LIMIT 1", day, &row);

            if (rc != SQLITE_OK || row) {
                continue;
            }
        }

        rc = ngx_http_privacy_rollup_day(db, day);
    }

    sqlite3_finalize(next);

    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "roll-up failed: %s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(db, ngx_http_privacy_rollup_clear, NULL, NULL, NULL);
    }

    return rc;
}


static int
ngx_http_privacy_rollup_day(sqlite3 *db, sqlite3_int64 day)
{
    int     rc, row;
    size_t  i;

    /* read only: each statement writes the temporary tables alone */
    for (i = 0; i < NGX_HTTP_PRIVACY_ROLLUP_NAGGREGATES; i++) {
        rc = ngx_http_privacy_rollup_step(db,
                 ngx_http_privacy_rollup_aggregates[i], day, &row);
        if (rc != SQLITE_OK) {
            return rc;
        }
    }

    rc = sqlite3_exec(db, ngx_http_privacy_rollup_copy, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    return sqlite3_exec(db, ngx_http_privacy_rollup_clear, NULL, NULL, NULL);
}


/* runs sql with ?1 = arg to its end; *row: whether it gave a row */
static int
ngx_http_privacy_rollup_step(sqlite3 *db, const char *sql, sqlite3_int64 arg,
    int *row)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_int64(st, 1, arg);

    *row = 0;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *row = 1;
    }

    sqlite3_finalize(st);

    return (rc == SQLITE_DONE) ? SQLITE_OK : rc;
}
