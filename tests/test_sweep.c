/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the retention sweeps (ngx_http_privacy_sweep.c) against
 * the module's own schema: where the cutoff falls, which rows go (page
 * views, daily aggregates, consent receipts from the end of the
 * consent), in what order and in how many transactions, what a busy or
 * failing register does, dry runs and the sweep record.  Times are
 * fixed, so no test depends on the clock.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_register_schema.h"
#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_sweep.h"
#include "unit_register.h"


#define DAY    86400
/* 2026-11-25 00:00:00 UTC, and noon that day */
#define TODAY  1795564800
#define NOW    (TODAY + 12 * 3600)


static void
view(sqlite3 *db, long long ts)
{
    sqlite3_stmt  *st;

    assert_int_equal(sqlite3_prepare_v2(db,
        "INSERT INTO analytics_events (id, ts, host, path, status,"
        " referrer_host, search_term, visitor, identified)"
        " VALUES (" NGX_HTTP_PRIVACY_EVENT_NEXT_ID ", ?1,"
        " 'shop.example', '/', 200, NULL, NULL, 'v', 0)", -1,
        &st, NULL), SQLITE_OK);

    sqlite3_bind_int64(st, 1, ts);

    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}


/* one sweep that must succeed; returns the rows deleted */
static long long
sweep(sqlite3 *db, time_t cutoff, int batch, int max_batches, int *more)
{
    char           err[256];
    sqlite3_int64  deleted;

    err[0] = '\0';
    assert_int_equal(ngx_http_privacy_sweep_analytics(db, cutoff, batch,
                         max_batches, &deleted, more, err, sizeof(err)),
                     SQLITE_OK);
    assert_string_equal(err, "");
    assert_true(sqlite3_get_autocommit(db));

    return deleted;
}


/* a retention period of whole seconds, as before calendar months */
static time_t
cutoff_of(time_t now, time_t seconds)
{
    ngx_http_privacy_period_t  p;

    p.months = 0;
    p.seconds = seconds;

    return ngx_http_privacy_sweep_cutoff(now, &p);
}


static void
test_cutoff(void **state)
{
    ngx_http_privacy_period_t  p;

    (void) state;

    /* the start of the day the period reaches back to */
    assert_int_equal(cutoff_of(NOW, 30 * DAY),
                     TODAY - 30 * DAY);
    assert_int_equal(cutoff_of(NOW, 3 * DAY),
                     TODAY - 3 * DAY);
    assert_int_equal(cutoff_of(TODAY, 30 * DAY),
                     TODAY - 30 * DAY);
    assert_int_equal(cutoff_of(TODAY - 1, 30 * DAY),
                     TODAY - 31 * DAY);
    assert_int_equal(cutoff_of(TODAY, 400 * DAY + 1),
                     TODAY - 401 * DAY);

    /* never into the days a roll-up computes again */
    assert_int_equal(cutoff_of(NOW, DAY),
                     TODAY - NGX_HTTP_PRIVACY_ROLLUP_AGAIN * DAY);
    assert_int_equal(cutoff_of(NOW, 3600),
                     TODAY - NGX_HTTP_PRIVACY_ROLLUP_AGAIN * DAY);
    assert_int_equal(cutoff_of(NOW, 2 * DAY),
                     TODAY - 2 * DAY);

    /* calendar months: 2026-11-25 less a month is 2026-10-25 */
    p.months = 1;
    p.seconds = 0;
    assert_int_equal(ngx_http_privacy_sweep_cutoff(NOW, &p),
                     TODAY - 31 * DAY);
    p.months = 24;
    assert_int_equal(ngx_http_privacy_sweep_cutoff(NOW, &p),
                     TODAY - 730 * DAY);
}


static void
test_deletes_before_cutoff(void **state)
{
    int        more;
    char       err[256];
    sqlite3   *db;
    time_t     cutoff;
    long long  days;

    (void) state;

    db = open_register(":memory:");
    cutoff = cutoff_of(NOW, 30 * DAY);

    view(db, 0);
    view(db, cutoff - 40 * DAY);
    view(db, cutoff - 1);
    view(db, cutoff);
    view(db, cutoff + 1);
    view(db, NOW);

    assert_int_equal(ngx_http_privacy_rollup(db, NOW, err, sizeof(err)),
                     SQLITE_OK);
    days = number(db, "SELECT count(*) FROM analytics_daily");
    assert_int_equal(days, 4);

    assert_int_equal(sweep(db, cutoff, 1000, 10, &more), 3);
    assert_false(more);

    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"), 3);
    assert_int_equal(number(db, "SELECT min(ts) FROM analytics_events"),
                     cutoff);

    /* the roll-ups of the deleted days stay, and are not recomputed */
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"),
                     days);
    assert_int_equal(ngx_http_privacy_rollup(db, NOW, err, sizeof(err)),
                     SQLITE_OK);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                                " WHERE day = date(0, 'unixepoch')"), 1);

    /* nothing left to do */
    assert_int_equal(sweep(db, cutoff, 1000, 10, &more), 0);
    assert_false(more);

    sqlite3_close(db);
}


static void
test_batches(void **state)
{
    int       i, more;
    sqlite3  *db;

    (void) state;

    db = open_register(":memory:");

    /* oldest first, whatever order they were written in */
    for (i = 25; i > 0; i--) {
        view(db, TODAY - 100 * DAY + i);
    }

    view(db, TODAY);

    assert_int_equal(sweep(db, TODAY - DAY, 10, 1, &more), 10);
    assert_true(more);
    assert_int_equal(number(db, "SELECT min(ts) FROM analytics_events"),
                     TODAY - 100 * DAY + 11);

    /* a bound of batches per run; the rest in the next run */
    assert_int_equal(sweep(db, TODAY - DAY, 5, 2, &more), 10);
    assert_true(more);
    assert_int_equal(sweep(db, TODAY - DAY, 10, 5, &more), 5);
    assert_false(more);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"), 1);

    /* a last batch that comes out exactly full needs one more look */
    for (i = 0; i < 20; i++) {
        view(db, TODAY - 50 * DAY + i);
    }

    assert_int_equal(sweep(db, TODAY - DAY, 10, 2, &more), 20);
    assert_true(more);
    assert_int_equal(sweep(db, TODAY - DAY, 10, 2, &more), 0);
    assert_false(more);

    sqlite3_close(db);
}


/* another worker's writer holds the register: the sweep waits its turn */

static void
test_busy(void **state)
{
    int             more;
    char            file[] = "/tmp/test_sweep.XXXXXX", err[256];
    sqlite3        *db, *writer;
    sqlite3_int64   deleted;

    (void) state;

    assert_true(mkstemp(file) >= 0);

    db = open_register(file);
    view(db, TODAY - 100 * DAY);

    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL,
                                  NULL), SQLITE_OK);
    assert_int_equal(sqlite3_open(file, &writer), SQLITE_OK);
    assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL,
                                  NULL), SQLITE_OK);

    err[0] = '\0';
    assert_int_equal(ngx_http_privacy_sweep_analytics(db, TODAY, 10, 5,
                         &deleted, &more, err, sizeof(err)), SQLITE_OK);
    assert_int_equal(deleted, 0);
    assert_true(more);
    assert_string_equal(err, "");

    assert_int_equal(sqlite3_exec(writer, "COMMIT", NULL, NULL, NULL),
                     SQLITE_OK);

    assert_int_equal(sweep(db, TODAY, 10, 5, &more), 1);
    assert_false(more);

    sqlite3_close(writer);
    sqlite3_close(db);
    unlink(file);
}


static void
test_failure(void **state)
{
    int             i, more;
    char            err[256];
    sqlite3        *db;
    sqlite3_int64   deleted;

    (void) state;

    db = open_register(":memory:");

    for (i = 0; i < 30; i++) {
        view(db, TODAY - 100 * DAY + i);
    }

    /* the second batch of ten meets a row that refuses to go */
    assert_int_equal(sqlite3_exec(db,
        "CREATE TRIGGER keep BEFORE DELETE ON analytics_events"
        " WHEN old.ts = 1795564800 - 8640000 + 15"
        " BEGIN SELECT RAISE(ABORT, 'kept'); END", NULL, NULL, NULL),
        SQLITE_OK);

    assert_int_not_equal(ngx_http_privacy_sweep_analytics(db, TODAY, 10, 5,
                             &deleted, &more, err, sizeof(err)), SQLITE_OK);
    assert_string_equal(err, "retention sweep failed: kept");

    /* the first batch is gone, the failed one rolled back as a whole */
    assert_int_equal(deleted, 10);
    assert_true(more);
    assert_true(sqlite3_get_autocommit(db));
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"), 20);

    /* a register without the table */
    assert_int_equal(sqlite3_exec(db, "DROP TABLE analytics_events", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_not_equal(ngx_http_privacy_sweep_analytics(db, TODAY, 10, 5,
                             &deleted, &more, err, sizeof(err)), SQLITE_OK);
    assert_int_equal(deleted, 0);
    assert_string_equal(err,
        "retention sweep failed: no such table: analytics_events");

    sqlite3_close(db);
}


static void
receipt(sqlite3 *db, const char *id, long long decided)
{
    sqlite3_stmt  *st;

    assert_int_equal(sqlite3_prepare_v2(db,
        "INSERT INTO consent_receipts (consent_id, decided_at,"
        " policy_version, categories, method, client)"
        " VALUES (?1, ?2, '1', 'necessary', 'banner', 'c')", -1, &st, NULL),
        SQLITE_OK);

    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, decided);

    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}


static int
category(sqlite3 *db, int c, time_t cutoff, time_t max_age, int dry_run,
    ngx_http_privacy_sweep_count_t *count)
{
    int                       more;
    char                      err[256];
    ngx_http_privacy_sweep_t  sw;

    memset(&sw, 0, sizeof(sw));
    sw.category = c;
    sw.cutoff = cutoff;
    sw.max_age = max_age;
    sw.batch = 2;
    sw.max_batches = 100;
    sw.dry_run = dry_run;

    memset(count, 0, sizeof(*count));
    err[0] = '\0';

    assert_int_equal(ngx_http_privacy_sweep_category(db, &sw, count, &more,
                                                     err, sizeof(err)),
                     SQLITE_OK);
    assert_string_equal(err, "");
    assert_false(more);

    return (int) count->deleted;
}


/*
 * Receipts go a period after their consent ended: replaced by the next
 * receipt of the same consent id (a withdrawal is one), or expired with
 * the cookie, whichever came first; not a period after they were made.
 */

static void
test_consent(void **state)
{
    sqlite3                         *db;
    time_t                           cutoff, max_age;
    ngx_http_privacy_sweep_count_t   count;

    (void) state;

    db = open_register(":memory:");
    cutoff = TODAY - 30 * DAY;
    max_age = 180 * DAY;

    /* given 100 days before, replaced the day before the cutoff: goes */
    receipt(db, "a", cutoff - 100 * DAY);
    receipt(db, "a", cutoff - DAY);

    /* given 100 days before, replaced on the cutoff day: kept */
    receipt(db, "b", cutoff - 100 * DAY);
    receipt(db, "b", cutoff);

    /* never replaced: expired a second before the cutoff, or at it */
    receipt(db, "c", cutoff - max_age - 1);
    receipt(db, "d", cutoff - max_age);

    /* the latest receipt of "a" ends with its own expiry, later */
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_CONSENT, cutoff,
                              max_age, 1, &count), 0);
    assert_int_equal(count.examined, 2);
    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"), 6);

    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_CONSENT, cutoff,
                              max_age, 0, &count), 2);
    assert_int_equal(count.examined, 2);
    assert_int_equal(count.held, 0);

    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"
                                " WHERE consent_id = 'a'"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"
                                " WHERE consent_id = 'b'"), 2);
    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"
                                " WHERE consent_id = 'c'"), 0);
    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"
                                " WHERE consent_id = 'd'"), 1);

    /* expired (after 180 days) before it was replaced: from the expiry */
    receipt(db, "f", cutoff - 400 * DAY);
    receipt(db, "f", cutoff);
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_CONSENT, cutoff,
                              max_age, 0, &count), 1);
    assert_int_equal(number(db, "SELECT decided_at FROM consent_receipts"
                                " WHERE consent_id = 'f'"), cutoff);

    /* two receipts in one second: the later by id replaces */
    receipt(db, "e", cutoff - 100 * DAY);
    receipt(db, "e", cutoff - 100 * DAY);
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_CONSENT, cutoff,
                              max_age, 0, &count), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM consent_receipts"
                                " WHERE consent_id = 'e'"), 1);

    sqlite3_close(db);
}


static void
test_aggregates(void **state)
{
    char                             err[256];
    sqlite3                         *db;
    time_t                           cutoff;
    ngx_http_privacy_sweep_count_t   count;

    (void) state;

    db = open_register(":memory:");
    cutoff = TODAY - 10 * DAY;

    view(db, cutoff - DAY + 5);
    view(db, cutoff + 5);
    assert_int_equal(ngx_http_privacy_rollup(db, NOW, err, sizeof(err)),
                     SQLITE_OK);

    /* the page views go first, as the store orders it */
    assert_int_equal(sweep(db, cutoff, 10, 10, &(int) { 0 }), 1);

    /* a day's row in analytics_daily and analytics_daily_pages */
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AGGREGATE, cutoff,
                              0, 1, &count), 0);
    assert_int_equal(count.examined, 2);

    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AGGREGATE, cutoff,
                              0, 0, &count), 2);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"
                                " WHERE day = date(1795564800 - 864000,"
                                " 'unixepoch')"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily_pages"),
                     1);

    sqlite3_close(db);
}


static void
test_dry_run(void **state)
{
    int                              i;
    sqlite3                         *db;
    ngx_http_privacy_sweep_count_t   count;

    (void) state;

    db = open_register(":memory:");

    for (i = 0; i < 7; i++) {
        view(db, TODAY - 100 * DAY + i);
    }

    view(db, TODAY);

    /* a row stands for the identical views of its second: counted so */
    assert_int_equal(sqlite3_exec(db, "UPDATE analytics_events SET views = 4"
                                      " WHERE ts = (SELECT min(ts)"
                                      " FROM analytics_events)",
                                  NULL, NULL, NULL), SQLITE_OK);

    /* the same count a sweep finds, nothing deleted */
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_ANALYTICS, TODAY, 0,
                              1, &count), 0);
    assert_int_equal(count.examined, 10);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"), 8);

    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_ANALYTICS, TODAY, 0,
                              0, &count), 10);
    assert_int_equal(count.examined, 10);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"), 1);

    sqlite3_close(db);
}


static void
test_record(void **state)
{
    int                              due;
    char                             err[256];
    time_t                           next;
    sqlite3                         *db;
    sqlite3_int64                    id;
    ngx_http_privacy_sweep_count_t   count = { 5, 4, 1, 0 };

    (void) state;

    db = open_register(":memory:");

    /* no sweep yet: due */
    assert_int_equal(ngx_http_privacy_sweep_due(db, NOW, 3600, 0, &due,
                                                &next, err, sizeof(err)),
                     SQLITE_OK);
    assert_true(due);

    assert_int_equal(ngx_http_privacy_sweep_begin(db, NOW, 0, 4711, &id, err,
                                                  sizeof(err)), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_sweep_count(db, id, 0, "30d",
                         TODAY - 30 * DAY, &count, err, sizeof(err)),
                     SQLITE_OK);
    assert_int_equal(ngx_http_privacy_sweep_count(db, id, 0, "30d",
                         TODAY - 30 * DAY, &count, err, sizeof(err)),
                     SQLITE_OK);

    /* a sweep that never finished (a crash) leaves one due */
    assert_int_equal(ngx_http_privacy_sweep_due(db, NOW + 60, 3600, 0, &due,
                                                &next, err, sizeof(err)),
                     SQLITE_OK);
    assert_true(due);

    assert_int_equal(ngx_http_privacy_sweep_end(db, id, NOW + 10, err,
                                                sizeof(err)), SQLITE_OK);

    /* the counts of its runs added up */
    assert_int_equal(number(db, "SELECT examined * 1000000 + deleted * 10000"
                                " + held * 100 + asked FROM sweep_categories"
                                " WHERE category = 'analytics'"),
                     10080200);
    assert_int_equal(number(db, "SELECT finished - started FROM sweeps"), 10);
    assert_int_equal(number(db, "SELECT worker FROM sweeps"), 4711);

    /* due again an interval after it started, not before */
    assert_int_equal(ngx_http_privacy_sweep_due(db, NOW + 3599, 3600, 0,
                                                &due, &next, err,
                                                sizeof(err)), SQLITE_OK);
    assert_false(due);
    assert_int_equal(next, NOW + 3600);
    assert_int_equal(ngx_http_privacy_sweep_due(db, NOW + 3600, 3600, 0,
                                                &due, &next, err,
                                                sizeof(err)), SQLITE_OK);
    assert_true(due);

    /* a dry run counts for dry runs only */
    assert_int_equal(ngx_http_privacy_sweep_due(db, NOW + 60, 3600, 1, &due,
                                                &next, err, sizeof(err)),
                     SQLITE_OK);
    assert_true(due);

    sqlite3_close(db);
}


/*
 * Bookkeeping: an order's reference date is 31 December of the calendar
 * year its fiscal year ended in; the orders due are those placed before
 * the limit.
 */
static void
test_fiscal_limit(void **state)
{
    (void) state;

    /* cutoff 2025-01-01: 31 December 2024 is before it, orders of 2024 go */
    assert_int_equal(ngx_http_privacy_sweep_fiscal_limit(1735689600, 12, 31),
                     1735689600);

    /* cutoff 2024-12-31: the orders of 2024 stay a day more */
    assert_int_equal(ngx_http_privacy_sweep_fiscal_limit(1735603200, 12, 31),
                     1704067200);

    /* a year ending 30 June: what was placed by 30 June 2024 */
    assert_int_equal(ngx_http_privacy_sweep_fiscal_limit(1735689600, 6, 30),
                     1719792000);
    assert_int_equal(ngx_http_privacy_sweep_fiscal_limit(1749945600, 6, 30),
                     1719792000);
    assert_int_equal(ngx_http_privacy_sweep_fiscal_limit(1735603200, 6, 30),
                     1688169600);
}


/*
 * The audit log: the oldest entries past their period go, and the chain
 * is still verified (from the anchor) and appended to, even once every
 * entry has gone.
 */

static void
test_audit(void **state)
{
    int                              i;
    char                             err[256];
    u_char                           key[NGX_HTTP_PRIVACY_KEY_LEN];
    sqlite3                         *db;
    ngx_http_privacy_mac_t          *mac;
    ngx_http_privacy_audit_t        *a;
    ngx_http_privacy_audit_result_t  res;
    ngx_http_privacy_sweep_count_t   count;

    (void) state;

    db = open_register(":memory:");
    assert_int_equal(ngx_http_privacy_register_schema_migrate(db, err,
                                                              sizeof(err)),
                     SQLITE_OK);

    memset(key, 7, sizeof(key));
    mac = ngx_http_privacy_mac_create(key, sizeof(key));
    a = ngx_http_privacy_audit_open(db);
    assert_non_null(mac);
    assert_non_null(a);

    /* seven entries a day apart, the last one today */
    for (i = 0; i < 7; i++) {
        assert_int_equal(ngx_http_privacy_audit_append(a, mac,
                             TODAY - (6 - i) * DAY + 100, "api",
                             "subject.read", "0123456789abcdef"),
                         SQLITE_OK);
    }

    /* past a cutoff two days ago: the four oldest */
    category(db, NGX_HTTP_PRIVACY_SWEEP_AUDIT, TODAY - 2 * DAY, 0, 1,
             &count);
    assert_int_equal(count.examined, 4);
    assert_int_equal(number(db, "SELECT count(*) FROM audit_log"), 7);

    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AUDIT,
                              TODAY - 2 * DAY, 0, 0, &count), 4);
    assert_int_equal(number(db, "SELECT min(id) FROM audit_log"), 5);
    assert_int_equal(number(db, "SELECT last_id FROM audit_anchor"), 4);

    assert_int_equal(ngx_http_privacy_audit_verify(db, mac, &res),
                     SQLITE_OK);
    assert_int_equal(res.entries, 3);
    assert_int_equal(res.first_broken, 0);

    /* a second sweep finds nothing more */
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AUDIT,
                              TODAY - 2 * DAY, 0, 0, &count), 0);

    /* an entry older than one kept stops the run: it waits (clock skew) */
    assert_int_equal(ngx_http_privacy_audit_append(a, mac, TODAY - 9 * DAY,
                         "sweep", "subject.erase", NULL), SQLITE_OK);
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AUDIT,
                              TODAY - DAY, 0, 0, &count), 1);
    assert_int_equal(number(db, "SELECT min(id) FROM audit_log"), 6);

    /* everything: the anchor alone carries the chain on */
    assert_int_equal(category(db, NGX_HTTP_PRIVACY_SWEEP_AUDIT,
                              TODAY + 2 * DAY, 0, 0, &count), 3);
    assert_int_equal(number(db, "SELECT count(*) FROM audit_log"), 0);
    assert_int_equal(number(db, "SELECT last_id FROM audit_anchor"), 8);

    assert_int_equal(ngx_http_privacy_audit_append(a, mac, TODAY + DAY,
                         "dpo", "hold.release", NULL), SQLITE_OK);
    assert_int_equal(number(db, "SELECT id FROM audit_log"), 9);

    assert_int_equal(ngx_http_privacy_audit_verify(db, mac, &res),
                     SQLITE_OK);
    assert_int_equal(res.entries, 1);
    assert_int_equal(res.first_broken, 0);

    /* and a row removed after the anchor is still found */
    assert_int_equal(ngx_http_privacy_audit_append(a, mac, TODAY + DAY,
                         "dpo", "hold.release", NULL), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_audit_append(a, mac, TODAY + DAY,
                         "dpo", "hold.release", NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE id = 10",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_audit_verify(db, mac, &res),
                     SQLITE_OK);
    assert_int_equal(res.first_broken, 11);

    ngx_http_privacy_audit_close(a);
    ngx_http_privacy_mac_destroy(mac);
    sqlite3_close(db);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_deletes_before_cutoff),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_busy),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_consent),
        cmocka_unit_test(test_aggregates),
        cmocka_unit_test(test_dry_run),
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_fiscal_limit),
        cmocka_unit_test(test_audit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
