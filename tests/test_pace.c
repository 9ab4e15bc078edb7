/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the paced batches of the retention sweeps
 * (ngx_http_privacy_pace.c): one transaction per batch, the writers'
 * turn after each (as long as the batch took, at least the minimum),
 * the end of the work, the call's batch and time budget shared by
 * several statements, a busy register, a failing batch.  The clock and the
 * sleep are the test's own, so no test depends on the time it takes.
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

#include "ngx_http_privacy_pace.h"


#define MAX_SLEEPS  32


/* the test's clock: each batch moves it on by the time it "took" */
static sqlite3_int64  clock_ms;
static int            sleeps[MAX_SLEEPS];
static int            nsleeps;


static sqlite3_int64
fake_now(void)
{
    return clock_ms;
}


static int
fake_sleep(int ms)
{
    assert_true(nsleeps < MAX_SLEEPS);
    sleeps[nsleeps++] = ms;
    clock_ms += ms;

    return ms;
}


typedef struct {
    sqlite3_stmt  *del;
    const int     *took;        /* ms per batch, in turn */
    int            calls;
    int            fail_at;     /* the call that fails, 0: none */
    int            in_txn;      /* calls made inside a transaction */
} batch_t;


/* deletes up to the batch size of the oldest rows of t */
static int
run_batch(sqlite3 *db, void *data, int *n)
{
    int       rc;
    batch_t  *b;

    b = data;
    b->calls++;

    if (!sqlite3_get_autocommit(db)) {
        b->in_txn++;
    }

    if (b->took) {
        clock_ms += b->took[b->calls - 1];
    }

    rc = sqlite3_step(b->del);
    *n = sqlite3_changes(db);
    sqlite3_reset(b->del);

    if (b->calls == b->fail_at) {
        return SQLITE_IOERR;
    }

    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}


static sqlite3 *
open_rows(const char *file, int rows)
{
    int       i;
    char      sql[128];
    sqlite3  *db;

    assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY"
                                      " KEY)", NULL, NULL, NULL), SQLITE_OK);

    for (i = 1; i <= rows; i++) {
        snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%d)", i);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }

    return db;
}


static void
batch_init(sqlite3 *db, batch_t *b, int size)
{
    memset(b, 0, sizeof(batch_t));

    assert_int_equal(sqlite3_prepare_v2(db, "DELETE FROM t WHERE id IN"
                         " (SELECT id FROM t ORDER BY id LIMIT ?1)", -1,
                         &b->del, NULL), SQLITE_OK);
    sqlite3_bind_int(b->del, 1, size);
}


static void
pace_init(ngx_http_privacy_pace_t *pace, int batch, int max_batches)
{
    ngx_http_privacy_pace_init(pace, batch, max_batches, 0);

    pace->now_ms = fake_now;
    pace->sleep_ms = fake_sleep;

    clock_ms = 1000;
    nsleeps = 0;
}


static long long
count_rows(sqlite3 *db)
{
    long long      n;
    sqlite3_stmt  *st;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1,
                                        &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);

    return n;
}


/* rows 1..rows in t, a batch of size rows, a pacer on the test's clock */
static sqlite3 *
start(const char *file, int rows, batch_t *b, int size,
    ngx_http_privacy_pace_t *pace, int max_batches)
{
    sqlite3  *db;

    db = open_rows(file, rows);
    batch_init(db, b, size);
    pace_init(pace, size, max_batches);

    return db;
}


/* one run of the pacer over b's statement; returns the rows taken */
static long long
paced(sqlite3 *db, ngx_http_privacy_pace_t *pace, batch_t *b, int *more,
    int expect)
{
    sqlite3_int64  rows;

    rows = 0;
    assert_int_equal(ngx_http_privacy_pace_run(db, pace, run_batch, b,
                                               &rows, more), expect);

    return rows;
}


static void
test_turns(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;
    static const int         took[] = { 2, 12, 0, 40, 7 };

    (void) state;

    /* 45 rows, 10 a batch: four full batches and a last one of 5 */
    db = start(":memory:", 45, &b, 10, &pace, 100);
    b.took = took;

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     45);
    assert_false(more);
    assert_int_equal(b.calls, 5);
    assert_int_equal(b.in_txn, 5);
    assert_int_equal(pace.batches, 5);
    assert_true(sqlite3_get_autocommit(db));
    assert_int_equal(count_rows(db), 0);

    /* none before the first batch; then as long as the last one took */
    assert_int_equal(nsleeps, 4);
    assert_int_equal(sleeps[0], NGX_HTTP_PRIVACY_PACE_MIN_MS);
    assert_int_equal(sleeps[1], 12);
    assert_int_equal(sleeps[2], NGX_HTTP_PRIVACY_PACE_MIN_MS);
    assert_int_equal(sleeps[3], 40);

    sqlite3_finalize(b.del);
    sqlite3_close(db);
}


static void
test_budget(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;

    (void) state;

    /* 100 rows, 10 a batch, 3 batches a call: the rest waits */
    db = start(":memory:", 100, &b, 10, &pace, 3);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     30);
    assert_true(more);
    assert_int_equal(b.calls, 3);
    assert_int_equal(count_rows(db), 70);

    /* the budget is spent: a second statement of the call runs none */
    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     0);
    assert_true(more);
    assert_int_equal(b.calls, 3);

    /* a full last batch: more, found empty by the next call */
    pace_init(&pace, 10, 7);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     70);
    assert_true(more);

    pace_init(&pace, 10, 7);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     0);
    assert_false(more);
    assert_int_equal(pace.batches, 1);

    sqlite3_finalize(b.del);
    sqlite3_close(db);
}


static void
test_shared(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b, c;
    ngx_http_privacy_pace_t  pace;

    (void) state;

    /* two statements of one call share the batches and the turns */
    db = open_rows(":memory:", 15);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE u (id INTEGER PRIMARY"
                                      " KEY); INSERT INTO u SELECT id FROM t",
                                  NULL, NULL, NULL), SQLITE_OK);
    batch_init(db, &b, 10);
    memset(&c, 0, sizeof(batch_t));
    assert_int_equal(sqlite3_prepare_v2(db, "DELETE FROM u WHERE id IN"
                         " (SELECT id FROM u ORDER BY id LIMIT 10)", -1,
                         &c.del, NULL), SQLITE_OK);
    pace_init(&pace, 10, 3);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     15);
    assert_false(more);
    assert_int_equal(nsleeps, 1);

    /* one batch left of three; the writers' turn before it too */
    assert_int_equal(paced(db, &pace, &c, &more, SQLITE_OK),
                     10);
    assert_true(more);
    assert_int_equal(c.calls, 1);
    assert_int_equal(nsleeps, 2);

    sqlite3_finalize(b.del);
    sqlite3_finalize(c.del);
    sqlite3_close(db);
}


static void
test_time(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;
    static const int         took[] = { 200, 200, 200, 200, 200 };

    (void) state;

    /* slow batches: none begun 500 ms or more after the first */
    db = start(":memory:", 100, &b, 10, &pace, 40);
    b.took = took;
    pace.max_ms = 500;

    /* begun at 0 ms, 400 ms (after a turn of 200), then 800: too late */
    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK), 20);
    assert_true(more);
    assert_int_equal(b.calls, 2);
    assert_int_equal(pace.batches, pace.max_batches);
    assert_true(sqlite3_get_autocommit(db));

    /* the budget is spent: a second statement of the call runs none */
    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK), 0);
    assert_true(more);
    assert_int_equal(b.calls, 2);

    /* quick batches: the batch limit comes first */
    pace_init(&pace, 10, 3);
    pace.max_ms = 500;
    b.took = NULL;
    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK), 30);
    assert_true(more);
    assert_int_equal(count_rows(db), 50);

    sqlite3_finalize(b.del);
    sqlite3_close(db);
}


static void
test_busy(void **state)
{
    int                      more;
    char                     file[] = "/tmp/test_pace.XXXXXX";
    sqlite3                 *db, *writer;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;

    (void) state;

    assert_true(mkstemp(file) >= 0);

    db = open_rows(file, 20);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL,
                                  NULL), SQLITE_OK);
    batch_init(db, &b, 10);

    assert_int_equal(sqlite3_open(file, &writer), SQLITE_OK);
    assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL,
                                  NULL), SQLITE_OK);

    /* the writers hold the lock: no batch, the rest for the next run */
    pace_init(&pace, 10, 5);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     0);
    assert_true(more);
    assert_int_equal(b.calls, 0);
    assert_int_equal(pace.batches, pace.max_batches);
    assert_true(sqlite3_get_autocommit(db));

    assert_int_equal(sqlite3_exec(writer, "COMMIT", NULL, NULL, NULL),
                     SQLITE_OK);

    pace_init(&pace, 10, 5);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     20);
    assert_false(more);

    sqlite3_finalize(b.del);
    sqlite3_close(writer);
    sqlite3_close(db);
    unlink(file);
}


static void
test_failure(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;

    (void) state;

    /* the third batch fails: two committed, the third left open */
    db = start(":memory:", 100, &b, 10, &pace, 10);
    b.fail_at = 3;

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_IOERR),
                     20);
    assert_true(more);
    assert_false(sqlite3_get_autocommit(db));
    assert_int_equal(count_rows(db), 70);

    /* the caller rolls back: whole batches only are gone */
    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(count_rows(db), 80);

    sqlite3_finalize(b.del);
    sqlite3_close(db);
}


static void
test_clock(void **state)
{
    int                      more;
    sqlite3                 *db;
    batch_t                  b;
    ngx_http_privacy_pace_t  pace;

    (void) state;

    /* the system's clock and sleep: the same work, the same result */
    db = open_rows(":memory:", 25);
    batch_init(db, &b, 10);
    ngx_http_privacy_pace_init(&pace, 10, 10, 500);

    assert_non_null(pace.now_ms);
    assert_non_null(pace.sleep_ms);

    assert_int_equal(paced(db, &pace, &b, &more, SQLITE_OK),
                     25);
    assert_false(more);
    assert_int_equal(b.calls, 3);
    assert_true(pace.start > 0);

    sqlite3_finalize(b.del);
    sqlite3_close(db);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_turns),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_busy),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
