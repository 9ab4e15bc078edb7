/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention sweeps of the subject register (docs/database.md,
 * "Retention"), each category from its own reference date:
 *
 *  - customer, supplier, club: the later of the relationship's end (the
 *    kind's, else the subject's) and the last purchase or dialogue; a
 *    relationship that has not ended is never due;
 *  - newsletter: from unsubscribing;
 *  - bookkeeping (orders): the end of the calendar year in which the
 *    order's fiscal year ended (Bokföringslagen 7 kap. 2 §);
 *  - requests: from closing the request.
 *
 * A subject kind past its period is removed; a subject left with no kind
 * is erased (GDPR art. 17(1)(a)), its orders kept, unlinked and marked
 * minimised, until the bookkeeping sweep takes them.  Nothing of a
 * subject under a legal hold (art. 17(3)(e)) is deleted while the hold
 * lasts: such rows are counted as kept under hold.
 *
 * Runs in a pool thread on the upkeep connection, a batch per
 * transaction like ngx_http_privacy_sweep.c (no nginx calls here).
 */


#include <stdio.h>

#include "ngx_http_privacy_pace.h"
#include "ngx_http_privacy_sweep.h"


#define NGX_HTTP_PRIVACY_SWEEP_DAY  86400


/* ?2: now; a hold ends when released or at its until */
#define NGX_HTTP_PRIVACY_HELD(subject)                                        \
    "EXISTS (SELECT 1 FROM holds h WHERE h.subject = " subject                \
    " AND h.released IS NULL AND h.until > ?2)"

/*
 * the subjects under a hold: the counts of held rows look these few up
 * by index rather than probe the holds for every row past its period
 * (docs/performance.md)
 */
#define NGX_HTTP_PRIVACY_HELD_SUBJECTS                                        \
    "(SELECT h.subject FROM holds h"                                          \
    " WHERE h.released IS NULL AND h.until > ?2)"

/* a kind's reference date, NULL while the relationship goes on */
#define NGX_HTTP_PRIVACY_KIND_END                                             \
    "CASE WHEN coalesce(k.ended, s.relationship_ended) IS NULL THEN NULL"     \
    " ELSE max(coalesce(k.ended, s.relationship_ended),"                      \
    " coalesce(s.last_activity, 0)) END"

#define NGX_HTTP_PRIVACY_KIND_PAST                                            \
    " AND CASE WHEN k.kind = 'newsletter' THEN k.ended"                       \
    " ELSE " NGX_HTTP_PRIVACY_KIND_END " END < ?1"

/*
 * The subjects of kind ?3 past their period, as a derived table d: the
 * reference date is past only if k.ended or s.relationship_ended is, so
 * the two disjoint halves (an ended kind; a kind going on in a
 * relationship that ended) each read a range of an index instead of
 * every subject of the kind (docs/performance.md).  CROSS JOIN keeps the
 * planner from reading the second half from subject_kinds_kind.
 */
#define NGX_HTTP_PRIVACY_KIND_DUE                                             \
    " FROM (SELECT k.subject AS subject"                                      \
    " FROM subject_kinds k JOIN subjects s ON s.id = k.subject"               \
    " WHERE k.kind = ?3 AND k.ended < ?1" NGX_HTTP_PRIVACY_KIND_PAST          \
    " UNION ALL SELECT k.subject"                                             \
    " FROM subjects s CROSS JOIN subject_kinds k"                             \
    " ON k.subject = s.id AND k.kind = ?3"                                    \
    " WHERE s.relationship_ended < ?1 AND k.ended IS NULL"                    \
    NGX_HTTP_PRIVACY_KIND_PAST ") d"

#define NGX_HTTP_PRIVACY_ORDER_DUE                                            \
    " FROM orders o WHERE o.placed < ?5"

/*
 * orders a hold keeps past their period are minimised (art. 5(1)(c)):
 * kept for the hold only; once, when the rest have gone
 */
#define NGX_HTTP_PRIVACY_ORDER_MINIMISE                                       \
    "UPDATE orders SET minimised = ?2 WHERE minimised IS NULL"                \
    " AND placed < ?5 AND EXISTS (SELECT 1 FROM holds h"                      \
    " WHERE h.subject = orders.subject AND h.released IS NULL"                \
    " AND h.until > ?2)"

#define NGX_HTTP_PRIVACY_REQUEST_DUE                                          \
    " FROM requests r WHERE r.status = 'closed' AND r.closed < ?1"


/*
 * Per category: the count of rows due (?1 cutoff, ?2 now, ?3 kind, ?5
 * the orders' limit), of those held, and a batch's statements (?4 rows
 * per batch), the first of which deletes what the counts count.
 */
typedef struct {
    const char  *due;
    const char  *held;
    const char  *batch[4];
} ngx_http_privacy_sweep_rsql_t;


static const ngx_http_privacy_sweep_rsql_t  ngx_http_privacy_sweep_kind = {
    "SELECT count(*)" NGX_HTTP_PRIVACY_KIND_DUE,
    "SELECT count(*) FROM subject_kinds k JOIN subjects s"
    " ON s.id = k.subject WHERE k.kind = ?3"
    " AND k.subject IN " NGX_HTTP_PRIVACY_HELD_SUBJECTS
    NGX_HTTP_PRIVACY_KIND_PAST,
    {
      /* the batch: its subjects first, kept for the erasure below */
      "INSERT INTO temp.sweep_batch SELECT d.subject"
      NGX_HTTP_PRIVACY_KIND_DUE
      " WHERE NOT " NGX_HTTP_PRIVACY_HELD("d.subject") " LIMIT ?4",

      "DELETE FROM subject_kinds WHERE kind = ?3"
      " AND subject IN (SELECT id FROM temp.sweep_batch)",

      /*
       * art. 17(3)(b): the bookkeeping record stays, stripped, until
       * the end of its period, as an erasure by the rights portal keeps
       * it (ngx_http_privacy_bookkeeping_until())
       */
      "UPDATE orders SET minimised = ?2, subject = NULL,"
      " hold_until = privacy_bookkeeping_until(placed)"
      " WHERE subject IN (SELECT id FROM temp.sweep_batch)"
      " AND NOT EXISTS (SELECT 1 FROM subject_kinds k"
      " WHERE k.subject = orders.subject)",

      /* a subject with no kind left is erased, with what cascades */
      "DELETE FROM subjects WHERE id IN (SELECT id FROM temp.sweep_batch)"
      " AND NOT EXISTS (SELECT 1 FROM subject_kinds k"
      " WHERE k.subject = subjects.id)"
    }
};

static const ngx_http_privacy_sweep_rsql_t  ngx_http_privacy_sweep_orders = {
    "SELECT count(*)" NGX_HTTP_PRIVACY_ORDER_DUE,
    "SELECT count(*)" NGX_HTTP_PRIVACY_ORDER_DUE
    " AND o.subject IN " NGX_HTTP_PRIVACY_HELD_SUBJECTS,
    {
      "DELETE FROM orders WHERE id IN (SELECT o.id"
      NGX_HTTP_PRIVACY_ORDER_DUE
      " AND NOT " NGX_HTTP_PRIVACY_HELD("o.subject")
      " ORDER BY o.placed LIMIT ?4)",
      NULL, NULL, NULL
    }
};

static const ngx_http_privacy_sweep_rsql_t  ngx_http_privacy_sweep_requests = {
    "SELECT count(*)" NGX_HTTP_PRIVACY_REQUEST_DUE,
    "SELECT count(*)" NGX_HTTP_PRIVACY_REQUEST_DUE
    " AND r.subject IN " NGX_HTTP_PRIVACY_HELD_SUBJECTS,
    {
      "DELETE FROM requests WHERE id IN (SELECT r.id"
      NGX_HTTP_PRIVACY_REQUEST_DUE
      " AND NOT " NGX_HTTP_PRIVACY_HELD("r.subject")
      " ORDER BY r.closed LIMIT ?4)",
      NULL, NULL, NULL
    }
};


/* the subject_kinds.kind of the categories from _CUSTOMER on */
static const char  *ngx_http_privacy_sweep_kinds[] = {
    "customer", "supplier", "club", "newsletter", NULL, NULL
};


static int ngx_http_privacy_sweep_register_batch(sqlite3 *db, void *data,
    int *n);
static int ngx_http_privacy_sweep_register_count(sqlite3 *db,
    const char *sql, const ngx_http_privacy_sweep_t *sw, sqlite3_int64 *n);
static int ngx_http_privacy_sweep_register_prepare(sqlite3 *db,
    const char *sql, const ngx_http_privacy_sweep_t *sw, sqlite3_stmt **st);
static void ngx_http_privacy_sweep_register_until(sqlite3_context *ctx,
    int argc, sqlite3_value **argv);


time_t
ngx_http_privacy_sweep_fiscal_limit(time_t cutoff, unsigned month,
    unsigned day)
{
    time_t     t, jan1;
    struct tm  tm;

    /*
     * An order's reference date is 31 December of the calendar year y
     * its fiscal year ended in; it is past its period when that day is
     * before the cutoff, that is for every y up to the year of the
     * cutoff's day's last second, less one.  The orders due are those
     * placed up to the fiscal year end in that year.
     */
    t = cutoff + NGX_HTTP_PRIVACY_SWEEP_DAY - 1;

    if (gmtime_r(&t, &tm) == NULL) {
        return 0;
    }

    jan1 = ngx_http_privacy_calendar_day(t)
           - (time_t) tm.tm_yday * NGX_HTTP_PRIVACY_SWEEP_DAY;
    jan1 = ngx_http_privacy_calendar_add_months(jan1, -12);

    return ngx_http_privacy_fiscal_year_end(jan1, month, day)
           + NGX_HTTP_PRIVACY_SWEEP_DAY;
}


int
ngx_http_privacy_sweep_register(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len)
{
    int                                   rc, i;
    sqlite3_int64                         due, held, n;
    sqlite3_stmt                         *st[4];
    ngx_http_privacy_pace_t               pace;
    const ngx_http_privacy_sweep_rsql_t  *sql;

    switch (sw->category) {

    case NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING:
        sql = &ngx_http_privacy_sweep_orders;
        break;

    case NGX_HTTP_PRIVACY_SWEEP_REQUESTS:
        sql = &ngx_http_privacy_sweep_requests;
        break;

    default:
        sql = &ngx_http_privacy_sweep_kind;
        break;
    }

    *more = 1;
    st[0] = st[1] = st[2] = st[3] = NULL;

    if (sw->dry_run) {
        /* two reads, no write: the counts a sweep would find */
        rc = ngx_http_privacy_sweep_register_count(db, sql->due, sw, &due);
        if (rc == SQLITE_OK) {
            rc = ngx_http_privacy_sweep_register_count(db, sql->held, sw,
                                                       &held);
        }

        if (rc != SQLITE_OK) {
            goto failed;
        }

        count->examined += due;
        count->held += held;
        *more = 0;

        return SQLITE_OK;
    }

    /* the one rule of the bookkeeping period, for the statements below */
    rc = sqlite3_create_function(db, "privacy_bookkeeping_until", 1,
                                 SQLITE_UTF8|SQLITE_DETERMINISTIC,
                                 (void *) sw,
                                 ngx_http_privacy_sweep_register_until,
                                 NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS sweep_batch"
                          " (id INTEGER PRIMARY KEY)", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (i = 0; i < 4 && sql->batch[i]; i++) {
        rc = ngx_http_privacy_sweep_register_prepare(db, sql->batch[i], sw,
                                                     &st[i]);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    ngx_http_privacy_pace_init(&pace, sw->batch, sw->max_batches,
                               sw->max_ms);

    n = 0;
    rc = ngx_http_privacy_pace_run(db, &pace,
                                   ngx_http_privacy_sweep_register_batch, st,
                                   &n, more);

    count->examined += n;
    count->deleted += n;

    if (rc != SQLITE_OK) {
        goto failed;
    }

    if (*more == 0) {
        /* what is left past its period is what a hold keeps */
        rc = ngx_http_privacy_sweep_register_count(db, sql->held, sw, &held);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        count->examined += held;
        count->held += held;

        if (held && sw->category == NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING) {
            rc = ngx_http_privacy_sweep_register_count(db,
                     NGX_HTTP_PRIVACY_ORDER_MINIMISE, sw, &held);
            if (rc != SQLITE_DONE) {
                goto failed;
            }
        }
    }

    for (i = 0; i < 4; i++) {
        sqlite3_finalize(st[i]);
    }

    /* the function points to *sw: gone with the call */
    (void) sqlite3_create_function(db, "privacy_bookkeeping_until", 1,
                                   SQLITE_UTF8, NULL, NULL, NULL, NULL);

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));

    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }

    for (i = 0; i < 4; i++) {
        sqlite3_finalize(st[i]);
    }

    (void) sqlite3_create_function(db, "privacy_bookkeeping_until", 1,
                                   SQLITE_UTF8, NULL, NULL, NULL, NULL);

    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}


/* one batch's statements inside its transaction; *n: the rows it took */

static int
ngx_http_privacy_sweep_register_batch(sqlite3 *db, void *data, int *n)
{
    int             rc, i;
    sqlite3_stmt  **st;

    st = data;

    *n = 0;

    rc = sqlite3_exec(db, "DELETE FROM temp.sweep_batch", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    for (i = 0; i < 4 && st[i]; i++) {
        rc = sqlite3_step(st[i]);
        sqlite3_reset(st[i]);

        if (rc != SQLITE_DONE) {
            return rc == SQLITE_ROW ? SQLITE_ERROR : rc;
        }

        if (i == 0) {
            *n = sqlite3_changes(db);
        }
    }

    return SQLITE_OK;
}


static int
ngx_http_privacy_sweep_register_count(sqlite3 *db, const char *sql,
    const ngx_http_privacy_sweep_t *sw, sqlite3_int64 *n)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = ngx_http_privacy_sweep_register_prepare(db, sql, sw, &st);
    if (rc != SQLITE_OK) {
        return rc;
    }

    rc = sqlite3_step(st);
    *n = (rc == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);

    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}


static int
ngx_http_privacy_sweep_register_prepare(sqlite3 *db, const char *sql,
    const ngx_http_privacy_sweep_t *sw, sqlite3_stmt **st)
{
    int  rc;

    rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    /* a statement without some of them ignores them (SQLITE_RANGE) */
    (void) sqlite3_bind_int64(*st, 1, (sqlite3_int64) sw->cutoff);
    (void) sqlite3_bind_int64(*st, 2, (sqlite3_int64) sw->now);
    if (sw->category < NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING) {
        (void) sqlite3_bind_text(*st, 3,
                   ngx_http_privacy_sweep_kinds[sw->category
                                          - NGX_HTTP_PRIVACY_SWEEP_CUSTOMER],
                   -1, SQLITE_STATIC);
    }
    (void) sqlite3_bind_int(*st, 4, sw->batch);
    (void) sqlite3_bind_int64(*st, 5, (sqlite3_int64)
                              ngx_http_privacy_sweep_fiscal_limit(sw->cutoff,
                                  sw->fiscal_month, sw->fiscal_day));

    return SQLITE_OK;
}


/* privacy_bookkeeping_until(placed), during one call of the sweep */

static void
ngx_http_privacy_sweep_register_until(sqlite3_context *ctx, int argc,
    sqlite3_value **argv)
{
    const ngx_http_privacy_sweep_t  *sw;

    (void) argc;

    sw = sqlite3_user_data(ctx);

    sqlite3_result_int64(ctx, (sqlite3_int64)
        ngx_http_privacy_bookkeeping_until(
            (time_t) sqlite3_value_int64(argv[0]), sw->bookkeeping,
            sw->fiscal_month, sw->fiscal_day));
}

