/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the daily roll-ups (ngx_http_privacy_rollup.c) against
 * the module's own schema (ngx_http_privacy_schema.c), in an in-memory
 * SQLite register: which days are computed, and what each aggregate
 * counts.  Times are fixed, so no test depends on the clock.  Also the
 * retry of a connection's set-up while SQLite answers BUSY.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_schema.h"
#include "unit_register.h"


#define DAY    86400
/* 2026-11-25 00:00:00 UTC, and noon that day: "now" in every test */
#define TODAY  1795564800
#define NOW    (TODAY + 12 * 3600)


static void
view(sqlite3 *db, long long ts, const char *host, const char *path,
    const char *term, const char *visitor)
{
    sqlite3_stmt  *st;

    assert_int_equal(sqlite3_prepare_v2(db,
        "INSERT INTO analytics_events (id, ts, host, path, status,"
        " referrer_host, search_term, visitor, identified)"
        " VALUES (" NGX_HTTP_PRIVACY_EVENT_NEXT_ID ", ?1,"
        " ?2, ?3, 200, NULL, ?4, ?5, 0)", -1, &st, NULL),
        SQLITE_OK);

    sqlite3_bind_int64(st, 1, ts);
    sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, term, -1, SQLITE_STATIC);   /* NULL: none */
    sqlite3_bind_text(st, 5, visitor, -1, SQLITE_STATIC);

    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}


static void
rollup(sqlite3 *db, time_t now)
{
    char  err[256];

    err[0] = '\0';
    assert_int_equal(ngx_http_privacy_rollup(db, now, err, sizeof(err)),
                     SQLITE_OK);
    assert_string_equal(err, "");
}


static void
test_day_aggregates(void **state)
{
    sqlite3  *db;

    (void) state;

    db = open_register(":memory:");

    /* 2026-11-22, from its first second to its last */
    view(db, TODAY - 3 * DAY, "shop.example", "/a", NULL, "v1");
    view(db, TODAY - 3 * DAY + 60, "shop.example", "/a", NULL, "v1");
    view(db, TODAY - 3 * DAY + 120, "shop.example", "/a", "tapet", "v2");
    view(db, TODAY - 3 * DAY + 180, "shop.example", "/b", "tapet", "v3");
    view(db, TODAY - 2 * DAY - 1, "shop.example", "/b", "kakel", "v3");
    view(db, TODAY - 3 * DAY + 240, "other.example", "/a", NULL, "v9");
    /* the next day's first second, and the last second of the day before */
    view(db, TODAY - 2 * DAY, "shop.example", "/a", "tapet", "v4");
    view(db, TODAY - 3 * DAY - 1, "shop.example", "/a", "tapet", "v5");

    rollup(db, NOW);

    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-22' AND host = 'shop.example'"),
                     5);
    assert_int_equal(number(db, "SELECT visitors FROM analytics_daily"
                     " WHERE day = '2026-11-22' AND host = 'shop.example'"),
                     3);
    assert_int_equal(number(db, "SELECT searches FROM analytics_daily"
                     " WHERE day = '2026-11-22' AND host = 'shop.example'"),
                     3);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-22' AND host = 'other.example'"),
                     1);

    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily_pages"
                     " WHERE day = '2026-11-22' AND path = '/a'"
                     " AND host = 'shop.example'"), 3);
    assert_int_equal(number(db, "SELECT visitors FROM analytics_daily_pages"
                     " WHERE day = '2026-11-22' AND path = '/a'"
                     " AND host = 'shop.example'"), 2);
    assert_int_equal(number(db, "SELECT visitors FROM analytics_daily_pages"
                     " WHERE day = '2026-11-22' AND path = '/b'"), 1);

    assert_int_equal(number(db, "SELECT searches FROM"
                     " analytics_daily_searches WHERE day = '2026-11-22'"
                     " AND term = 'tapet'"), 2);
    assert_int_equal(number(db, "SELECT visitors FROM"
                     " analytics_daily_searches WHERE day = '2026-11-22'"
                     " AND term = 'tapet'"), 2);
    assert_int_equal(number(db, "SELECT count(*) FROM"
                     " analytics_daily_searches WHERE day = '2026-11-22'"),
                     2);

    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-23'"), 1);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-21'"), 1);
    assert_int_equal(number(db, "SELECT searches FROM"
                     " analytics_daily_searches WHERE day = '2026-11-23'"
                     " AND term = 'tapet'"), 1);

    /* nothing else: the other days had no page views */
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"), 4);

    sqlite3_close(db);
}


static void
test_which_days(void **state)
{
    sqlite3  *db;

    (void) state;

    db = open_register(":memory:");

    /* a month ago, three and two days ago, yesterday, today */
    view(db, TODAY - 30 * DAY + 5, "shop.example", "/", NULL, "v1");
    view(db, TODAY - 3 * DAY + 5, "shop.example", "/", NULL, "v1");
    view(db, TODAY - 2 * DAY + 5, "shop.example", "/", NULL, "v1");
    view(db, TODAY - DAY + 5, "shop.example", "/", NULL, "v1");
    view(db, TODAY + 5, "shop.example", "/", NULL, "v1");

    rollup(db, NOW);

    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"), 4);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"
                     " WHERE day = '2026-10-26'"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"
                     " WHERE day = '2026-11-25'"), 0);   /* not over yet */

    /*
     * Written late: views of the last two days and of three days ago,
     * and an edited roll-up of a month ago.  The next roll-up recomputes
     * the last two days only; a finished older day is computed once.
     */
    view(db, TODAY - DAY + 7, "shop.example", "/", NULL, "v2");
    view(db, TODAY - 2 * DAY + 7, "shop.example", "/", NULL, "v2");
    view(db, TODAY - 3 * DAY + 7, "shop.example", "/", NULL, "v2");
    assert_int_equal(sqlite3_exec(db, "UPDATE analytics_daily"
                     " SET page_views = 99 WHERE day = '2026-10-26'",
                     NULL, NULL, NULL), SQLITE_OK);

    rollup(db, NOW + 60);

    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-24'"), 2);
    assert_int_equal(number(db, "SELECT visitors FROM analytics_daily"
                     " WHERE day = '2026-11-24'"), 2);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-23'"), 2);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-22'"), 1);
    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-10-26'"), 99);

    /* the next day: today is over, and rolled up */
    rollup(db, NOW + DAY);

    assert_int_equal(number(db, "SELECT page_views FROM analytics_daily"
                     " WHERE day = '2026-11-25'"), 1);

    /* the temporary tables are left empty */
    assert_int_equal(number(db, "SELECT count(*) FROM temp.rollup_daily"),
                     0);
    assert_int_equal(number(db, "SELECT count(*) FROM temp.rollup_pages"),
                     0);

    sqlite3_close(db);
}


static void
test_empty_and_failing(void **state)
{
    char      err[256];
    sqlite3  *db;

    (void) state;

    db = open_register(":memory:");

    rollup(db, NOW);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"), 0);

    /* a failure is reported, with the reason */
    assert_int_equal(sqlite3_exec(db, "DROP TABLE analytics_daily_pages",
                                  NULL, NULL, NULL), SQLITE_OK);
    view(db, TODAY - DAY, "shop.example", "/", NULL, "v1");

    err[0] = '\0';
    assert_int_not_equal(ngx_http_privacy_rollup(db, NOW, err, sizeof(err)),
                         SQLITE_OK);
    assert_non_null(strstr(err, "roll-up failed"));
    assert_non_null(strstr(err, "analytics_daily_pages"));

    /* and nothing of the failed day is half written */
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_daily"), 0);

    sqlite3_close(db);
}


static void
test_schema(void **state)
{
    char      err[256];
    sqlite3  *db;

    (void) state;

    db = open_register(":memory:");

    /* migrating again changes nothing; page views have no index */
    assert_int_equal(ngx_http_privacy_schema_migrate(db, err, sizeof(err)),
                     SQLITE_OK);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                     " WHERE type = 'index'"
                     " AND tbl_name = 'analytics_events'"), 0);

    /*
     * a register of migration 8 (page views with an index on ts): its
     * rows are copied keyed by time, in time order, their rank within a
     * second kept; ts reads the same
     */
    assert_int_equal(sqlite3_exec(db,
        "DROP TABLE analytics_events;"
        "CREATE TABLE analytics_events (id INTEGER PRIMARY KEY,"
        " ts INTEGER NOT NULL, host TEXT NOT NULL, path TEXT NOT NULL,"
        " status INTEGER NOT NULL, referrer_host TEXT, search_term TEXT,"
        " visitor TEXT NOT NULL, identified INTEGER NOT NULL);"
        "CREATE INDEX analytics_events_ts ON analytics_events (ts);"
        "INSERT INTO analytics_events (id, ts, host, path, status, visitor,"
        " identified) VALUES (1, 1795564801, 'h', '/b', 200, 'v1', 0),"
        " (2, 1795564800, 'h', '/a', 200, 'v1', 0),"
        " (3, 1795564801, 'h', '/c', 404, 'v2', 1);"
        "PRAGMA user_version = 8;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_schema_migrate(db, err, sizeof(err)),
                     SQLITE_OK);
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"
                     " WHERE (id = (1795564800 << 24) AND path = '/a')"
                     " OR (id = (1795564801 << 24) AND path = '/b')"
                     " OR (id = (1795564801 << 24) + 1 AND path = '/c'"
                     " AND ts = 1795564801 AND status = 404"
                     " AND identified = 1)"), 3);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                     " WHERE type = 'index'"
                     " AND tbl_name = 'analytics_events'"), 0);

    /* a day is read as a range of row ids */
    assert_int_equal(number(db, "SELECT count(*) FROM analytics_events"
                     " WHERE id >= (1795564800 << 24)"
                     " AND id < ((1795564800 + 86400) << 24)"), 3);

    /* a register from a newer module is refused, not touched */
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1000", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_not_equal(ngx_http_privacy_schema_migrate(db, err,
                                                         sizeof(err)),
                         SQLITE_OK);
    assert_non_null(strstr(err, "newer than this module"));

    sqlite3_close(db);
}


/* a set-up step answering BUSY (extended codes too) a set number of times */

static int  busy_left, calls;

static int
step(sqlite3 *db, char *err, size_t err_len)
{
    (void) db;

    calls++;

    if (busy_left > 0) {
        busy_left--;
        snprintf(err, err_len, "database is locked");
        return (busy_left % 2) ? SQLITE_BUSY : SQLITE_BUSY_RECOVERY;
    }

    return (busy_left < 0) ? SQLITE_CORRUPT : SQLITE_OK;
}


static void
test_set_up(void **state)
{
    char  err[64];

    (void) state;

    /*
     * BUSY is tried again, a little later each time, until it passes;
     * then err says nothing (the register's callers log what it says)
     */
    busy_left = 3;
    calls = 0;
    assert_int_equal(ngx_http_privacy_schema_set_up(NULL, step, err,
                                                    sizeof(err)),
                     SQLITE_OK);
    assert_int_equal(calls, 4);
    assert_string_equal(err, "");

    /* any other failure is the answer at once */
    busy_left = -1;
    calls = 0;
    assert_int_equal(ngx_http_privacy_schema_set_up(NULL, step, err,
                                                    sizeof(err)),
                     SQLITE_CORRUPT);
    assert_int_equal(calls, 1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_day_aggregates),
        cmocka_unit_test(test_which_days),
        cmocka_unit_test(test_empty_and_failing),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_set_up),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
