/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention sweeps (docs/database.md, "Retention"): each category's rows
 * past their period, counted from the category's reference date, are
 * deleted a batch per transaction, oldest first.  The workers' writers
 * wait for the register only as long as one batch takes, and a sweep
 * stopped anywhere (a crash, kill -9) has deleted whole batches of the
 * oldest rows: SQLite's journal undoes the batch it was in, and the next
 * sweep goes on from there.
 *
 *  - analytics: raw page views, from the visit (analytics_events.ts,
 *    read as a range of the row ids, which are keyed by time);
 *  - analytics_aggregate: the daily roll-ups and search roll-ups, from
 *    the day they count;
 *  - consent: receipts, from the end of the consent they record: its
 *    replacement by a later receipt of the same consent id (a withdrawal
 *    is such a receipt), or its expiry with the consent cookie, whichever
 *    came first (GDPR art. 7(1): the proof is kept while the consent is
 *    relied on, and for the period after it).
 *
 * Runs in a pool thread on the upkeep connection (no nginx calls here).
 */


#include <stdio.h>

#include "ngx_http_privacy_pace.h"
#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_sweep.h"


#define NGX_HTTP_PRIVACY_SWEEP_TABLES  4


typedef struct {
    /* ?1: the cutoff, ?2: rows per batch, ?3: the consent's max age */
    const char  *remove[NGX_HTTP_PRIVACY_SWEEP_TABLES];
    const char  *count;
} ngx_http_privacy_sweep_sql_t;


/* one DELETE statement, and what the rows it returned stood for */
typedef struct {
    sqlite3_stmt   *stmt;
    sqlite3_int64   returned;
} ngx_http_privacy_sweep_run_t;


/* the end of a receipt's consent: replaced, or expired (?3 seconds) */
#define NGX_HTTP_PRIVACY_CONSENT_END                                          \
    "min(r.decided_at + ?3, coalesce((SELECT min(n.decided_at)"               \
    " FROM consent_receipts n WHERE n.consent_id = r.consent_id"              \
    " AND (n.decided_at > r.decided_at"                                       \
    " OR (n.decided_at = r.decided_at AND n.id > r.id))),"                    \
    " r.decided_at + ?3))"

#define NGX_HTTP_PRIVACY_AGGREGATE_DELETE(table)                              \
    "DELETE FROM " table " WHERE rowid IN (SELECT rowid FROM " table          \
    " WHERE day < date(?1, 'unixepoch') LIMIT ?2)"

#define NGX_HTTP_PRIVACY_AGGREGATE_COUNT(table)                               \
    "(SELECT count(*) FROM " table " WHERE day < date(?1, 'unixepoch'))"


static const ngx_http_privacy_sweep_sql_t  ngx_http_privacy_sweep_sql[] = {

    /* a row is the identical views of one second: counted in views */
    { { "DELETE FROM analytics_events WHERE id IN"
        " (SELECT id FROM analytics_events WHERE id < (?1 << 24)"
        " ORDER BY id LIMIT ?2) RETURNING views", NULL, NULL },
      "SELECT coalesce(sum(views), 0) FROM analytics_events"
      " WHERE id < (?1 << 24)" },

    { { NGX_HTTP_PRIVACY_AGGREGATE_DELETE("analytics_daily"),
        NGX_HTTP_PRIVACY_AGGREGATE_DELETE("analytics_daily_pages"),
        NGX_HTTP_PRIVACY_AGGREGATE_DELETE("analytics_daily_searches"),
        NGX_HTTP_PRIVACY_AGGREGATE_DELETE("analytics_daily_referrers") },
      "SELECT " NGX_HTTP_PRIVACY_AGGREGATE_COUNT("analytics_daily")
      " + " NGX_HTTP_PRIVACY_AGGREGATE_COUNT("analytics_daily_pages")
      " + " NGX_HTTP_PRIVACY_AGGREGATE_COUNT("analytics_daily_searches")
      " + " NGX_HTTP_PRIVACY_AGGREGATE_COUNT("analytics_daily_referrers") },

    /* a receipt ends no earlier than it was made: decided_at < ?1 first */
    { { "DELETE FROM consent_receipts WHERE id IN"
        " (SELECT r.id FROM consent_receipts r WHERE r.decided_at < ?1"
        " AND " NGX_HTTP_PRIVACY_CONSENT_END " < ?1"
        " ORDER BY r.decided_at LIMIT ?2)", NULL, NULL },
      "SELECT count(*) FROM consent_receipts r WHERE r.decided_at < ?1"
      " AND " NGX_HTTP_PRIVACY_CONSENT_END " < ?1" },
};


static int ngx_http_privacy_sweep_batch(sqlite3 *db, void *data, int *n);
static int ngx_http_privacy_sweep_prepare(sqlite3 *db, const char *sql,
    const ngx_http_privacy_sweep_t *sw, sqlite3_stmt **st);
static int ngx_http_privacy_sweep_exec(sqlite3 *db, const char *sql,
    sqlite3_int64 a, sqlite3_int64 b, sqlite3_int64 c, const char *text,
    sqlite3_int64 *result);
static int ngx_http_privacy_sweep_failed(sqlite3 *db, int rc, char *err,
    size_t err_len);


time_t
ngx_http_privacy_sweep_cutoff(time_t now,
    const ngx_http_privacy_period_t *period)
{
    time_t  cutoff, again;

    cutoff = ngx_http_privacy_period_cutoff(now, period);

    /* the days a roll-up computes again must keep their page views */
    again = now - now % NGX_HTTP_PRIVACY_DAY
            - (time_t) NGX_HTTP_PRIVACY_ROLLUP_AGAIN * NGX_HTTP_PRIVACY_DAY;

    return (cutoff < again) ? cutoff : again;
}


void
ngx_http_privacy_sweep_cutoffs(time_t now,
    const ngx_http_privacy_period_t *periods, const int *set,
    time_t *cutoffs)
{
    int  c;

    for (c = 0; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++) {
        cutoffs[c] = set[c] ? ngx_http_privacy_period_cutoff(now, &periods[c])
                            : 0;
    }

    if (!set[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS]) {
        return;
    }

    cutoffs[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS] =
        ngx_http_privacy_sweep_cutoff(now,
                                 &periods[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS]);

    /*
     * the roll-ups are computed from the page views still there: they
     * are never deleted before them, or the next roll-up would bring
     * them back
     */
    if (cutoffs[NGX_HTTP_PRIVACY_SWEEP_AGGREGATE]
        > cutoffs[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS])
    {
        cutoffs[NGX_HTTP_PRIVACY_SWEEP_AGGREGATE] =
            cutoffs[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS];
    }
}


int
ngx_http_privacy_sweep_analytics(sqlite3 *db, time_t cutoff, int batch,
    int max_batches, sqlite3_int64 *deleted, int *more, char *err,
    size_t err_len)
{
    int                             rc;
    ngx_http_privacy_sweep_t        sw;
    ngx_http_privacy_sweep_count_t  count;

    sw.category = NGX_HTTP_PRIVACY_SWEEP_ANALYTICS;
    sw.cutoff = cutoff;
    sw.max_age = 0;
    sw.now = 0;
    sw.fiscal_month = 12;
    sw.fiscal_day = 31;
    sw.bookkeeping = NULL;
    sw.erase_command = NULL;
    sw.started = 0;
    sw.batch = batch;
    sw.max_batches = max_batches;
    sw.max_ms = 0;
    sw.dry_run = 0;

    count.examined = 0;
    count.deleted = 0;
    count.held = 0;
    count.asked = 0;

    rc = ngx_http_privacy_sweep_category(db, &sw, &count, more, err,
                                         err_len);
    *deleted = count.deleted;

    return rc;
}


int
ngx_http_privacy_sweep_category(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len)
{
    int                                  rc, i;
    sqlite3_int64                        n;
    sqlite3_stmt                        *st;
    ngx_http_privacy_pace_t              pace;
    ngx_http_privacy_sweep_run_t         run;
    const ngx_http_privacy_sweep_sql_t  *sql;

    *more = 1;
    st = NULL;

    if (sw->category < 0
        || sw->category >= NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES)
    {
        snprintf(err, err_len, "retention sweep: no category %d",
                 sw->category);
        return SQLITE_MISUSE;
    }

    if (NGX_HTTP_PRIVACY_SWEEP_REGISTER(sw->category)) {
        return ngx_http_privacy_sweep_register(db, sw, count, more, err,
                                               err_len);
    }

    if (NGX_HTTP_PRIVACY_SWEEP_RECORDS(sw->category)) {
        return ngx_http_privacy_sweep_records(db, sw, count, more, err,
                                              err_len);
    }

    if (sw->category == NGX_HTTP_PRIVACY_SWEEP_AUDIT) {
        return ngx_http_privacy_sweep_audit(db, sw, count, more, err,
                                            err_len);
    }

    sql = &ngx_http_privacy_sweep_sql[sw->category];

    if (sw->dry_run) {
        /* one read, no write: the counts a sweep would find */
        rc = ngx_http_privacy_sweep_prepare(db, sql->count, sw, &st);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            goto failed;
        }

        count->examined += sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);

        *more = 0;
        return SQLITE_OK;
    }

    ngx_http_privacy_pace_init(&pace, sw->batch, sw->max_batches,
                               sw->max_ms);

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_TABLES && sql->remove[i]; i++) {

        rc = ngx_http_privacy_sweep_prepare(db, sql->remove[i], sw, &st);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        n = 0;
        run.stmt = st;
        run.returned = 0;

        rc = ngx_http_privacy_pace_run(db, &pace,
                                       ngx_http_privacy_sweep_batch, &run,
                                       &n, more);

        /* a DELETE ... RETURNING counts what its rows stood for */
        if (sqlite3_column_count(st)) {
            n = run.returned;
        }

        /* nothing here is held or kept: examined rows all go */
        count->examined += n;
        count->deleted += n;

        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_finalize(st);
        st = NULL;

        if (*more) {
            /* out of batches, or the writers were busy */
            return SQLITE_OK;
        }
    }

    return SQLITE_OK;

failed:

    (void) ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    sqlite3_finalize(st);

    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}


/* one batch: a statement that deletes up to ?2 rows */

static int
ngx_http_privacy_sweep_batch(sqlite3 *db, void *data, int *n)
{
    int                            rc;
    sqlite3_stmt                  *st;
    ngx_http_privacy_sweep_run_t  *run;

    run = data;
    st = run->stmt;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        run->returned += sqlite3_column_int64(st, 0);
    }

    if (rc != SQLITE_DONE) {
        return rc;
    }

    *n = sqlite3_changes(db);
    sqlite3_reset(st);

    return SQLITE_OK;
}


static int
ngx_http_privacy_sweep_prepare(sqlite3 *db, const char *sql,
    const ngx_http_privacy_sweep_t *sw, sqlite3_stmt **st)
{
    int  rc;

    rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    /* a statement without ?2 or ?3 ignores them (SQLITE_RANGE) */
    (void) sqlite3_bind_int64(*st, 1, (sqlite3_int64) sw->cutoff);
    (void) sqlite3_bind_int(*st, 2, sw->batch);
    (void) sqlite3_bind_int64(*st, 3, (sqlite3_int64) sw->max_age);

    return SQLITE_OK;
}


int
ngx_http_privacy_sweep_due(sqlite3 *db, time_t now, time_t interval,
    int dry_run, int *due, time_t *next, char *err, size_t err_len)
{
    int            rc;
    sqlite3_int64  last;

    last = -1;

    /* a sweep stopped by a crash never finished: one is due at once */
    rc = ngx_http_privacy_sweep_exec(db,
             "SELECT coalesce(max(started), -1) FROM sweeps"
             " WHERE finished IS NOT NULL AND dry_run = ?1",
             dry_run, 0, 0, NULL, &last);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    }

    if (last < 0 || last + interval <= now || last > now) {
        *due = 1;
        *next = now + interval;

    } else {
        *due = 0;
        *next = (time_t) last + interval;
    }

    return SQLITE_OK;
}


int
ngx_http_privacy_sweep_begin(sqlite3 *db, time_t now, int dry_run, long pid,
    sqlite3_int64 *id, char *err, size_t err_len)
{
    int  rc;

    rc = ngx_http_privacy_sweep_exec(db,
             "INSERT INTO sweeps (started, dry_run, worker)"
             " VALUES (?1, ?2, ?3)", now, dry_run, pid, NULL, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    }

    *id = sqlite3_last_insert_rowid(db);

    return SQLITE_OK;
}


int
ngx_http_privacy_sweep_count(sqlite3 *db, sqlite3_int64 id, int category,
    const char *period, time_t cutoff,
    const ngx_http_privacy_sweep_count_t *count, char *err, size_t err_len)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db,
             "INSERT INTO sweep_categories (sweep_id, category, period,"
             " cutoff, examined, deleted, held, asked)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
             " ON CONFLICT (sweep_id, category) DO UPDATE SET"
             " examined = examined + excluded.examined,"
             " deleted = deleted + excluded.deleted,"
             " held = held + excluded.held,"
             " asked = asked + excluded.asked", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    }

    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, ngx_http_privacy_sweep_names[category], -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, (sqlite3_int64) cutoff);
    sqlite3_bind_int64(st, 5, count->examined);
    sqlite3_bind_int64(st, 6, count->deleted);
    sqlite3_bind_int64(st, 7, count->held);
    sqlite3_bind_int64(st, 8, count->asked);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        return ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    }

    return SQLITE_OK;
}


int
ngx_http_privacy_sweep_end(sqlite3 *db, sqlite3_int64 id, time_t now,
    char *err, size_t err_len)
{
    int  rc;

    rc = ngx_http_privacy_sweep_exec(db,
             "UPDATE sweeps SET finished = ?2 WHERE id = ?1",
             id, now, 0, NULL, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_sweep_failed(db, rc, err, err_len);
    }

    return SQLITE_OK;
}


/* one statement of up to three integer parameters, and its one result */

static int
ngx_http_privacy_sweep_exec(sqlite3 *db, const char *sql, sqlite3_int64 a,
    sqlite3_int64 b, sqlite3_int64 c, const char *text,
    sqlite3_int64 *result)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    (void) sqlite3_bind_int64(st, 1, a);
    (void) sqlite3_bind_int64(st, 2, b);
    (void) sqlite3_bind_int64(st, 3, c);

    if (text) {
        (void) sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    }

    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW && result) {
        *result = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }

    sqlite3_finalize(st);

    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}


static int
ngx_http_privacy_sweep_failed(sqlite3 *db, int rc, char *err,
    size_t err_len)
{
    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));

    /* a failed statement or COMMIT leaves the transaction open */
    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }

    return rc;
}

