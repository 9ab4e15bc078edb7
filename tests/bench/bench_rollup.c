/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Benchmark of the daily roll-ups (ngx_http_privacy_rollup.c) over a
 * large register: fills a fresh WAL register, with the module's schema
 * (ngx_http_privacy_schema.c), with page views spread evenly over DAYS
 * days, today the last of them, then times
 *
 *   first   the first roll-up: every finished day
 *   daily   the next day's: the last two days again, the older ones only
 *           looked up
 *
 * and prints the rows each read per second.  A site with a million page
 * views a day and 90 days of raw rows has ~90 million rows; the daily
 * roll-up should cost two days of rows whatever the table's size.
 *
 * With -r RETAIN, then the retention sweep (ngx_http_privacy_sweep.c) of
 * a register that keeps RETAIN days: the rows of the older days deleted
 * in transactions of -b rows (5,000, as the module), pausing after each
 * as long as it took (as the module does); prints the rows deleted per
 * second and how long each transaction held the register.  The module
 * runs at most 10 such transactions a second.
 *
 * With -s SUBJECTS, the subject register (ngx_http_privacy_register_
 * schema.c) is filled too: customers with an order each, active (their
 * relationship not ended), so that a sweep meets a register of that size
 * and deletes none of it.  With -e EXPIRED, the first EXPIRED of them
 * ended their relationship three years ago, and after the page views the
 * register's sweep of customers (24M; ngx_http_privacy_sweep_register.c)
 * is timed: each subject erased with its kind, its order kept, unlinked
 * and minimised, in transactions of -c subjects (500, as the module)
 * with the same pauses.
 *
 *   bench_rollup [-n events] [-d days] [-p paths] [-v visitors]
 *                [-s subjects [-e expired -c batch]] [-r retain -b batch]
 *                [-f file]
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ngx_http_privacy_register_schema.h"
#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_sweep.h"
#include "bench_time.h"


static void
bench_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench_rollup: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}


static void
bench_fill(sqlite3 *db, long n, long days, long paths, long visitors,
    time_t today)
{
    long           i;
    char           path[32], visitor[33], term[16];
    time_t         first;
    sqlite3_stmt  *st;
    unsigned long  x;

    if (sqlite3_prepare_v2(db, "INSERT INTO analytics_events (id, ts, host,"
                           " path, status, referrer_host, search_term,"
                           " visitor, identified)"
                           " VALUES (" NGX_HTTP_PRIVACY_EVENT_NEXT_ID ", ?1,"
                           " 'shop.example', ?2, 200, NULL, ?3,"
                           " ?4, 0)", -1, &st, NULL) != SQLITE_OK
        || sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
        bench_fail(db, "fill");
    }

    first = today - (days - 1) * 86400;
    x = 88172645463325252UL;

    for (i = 0; i < n; i++) {
        /* xorshift: the same register on every run */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;

        snprintf(path, sizeof(path), "/p/%lu", x % paths);
        snprintf(visitor, sizeof(visitor), "%032lx", (x >> 20) % visitors);

        sqlite3_bind_int64(st, 1, first + (sqlite3_int64) i * days * 86400 / n);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);

        if ((x >> 40) % 20 == 0) {   /* one view in 20 is a search */
            snprintf(term, sizeof(term), "term%lu", (x >> 8) % 300);
            sqlite3_bind_text(st, 3, term, -1, SQLITE_TRANSIENT);

        } else {
            sqlite3_bind_null(st, 3);
        }

        sqlite3_bind_text(st, 4, visitor, 32, SQLITE_TRANSIENT);

        if (sqlite3_step(st) != SQLITE_DONE) {
            bench_fail(db, "insert");
        }

        sqlite3_reset(st);
    }

    sqlite3_finalize(st);

    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        bench_fail(db, "commit");
    }
}


/* the page views of the days before now's that a roll-up at now reads */
static long
bench_rows(sqlite3 *db, time_t now, long days)
{
    long           rows;
    time_t         today;
    sqlite3_stmt  *st;

    today = now / 86400 * 86400;

    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM analytics_events"
                           " WHERE ts >= ?1 AND ts < ?2", -1, &st, NULL)
        != SQLITE_OK)
    {
        bench_fail(db, "count");
    }

    sqlite3_bind_int64(st, 1, today - days * 86400);
    sqlite3_bind_int64(st, 2, today);

    rows = (sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0)
                                            : 0;
    sqlite3_finalize(st);

    return rows;
}


static void
bench_rollup(sqlite3 *db, const char *what, time_t now, long days)
{
    char    err[256];
    long    rows;
    double  t;

    rows = bench_rows(db, now, days);

    t = bench_now();

    if (ngx_http_privacy_rollup(db, now, err, sizeof(err)) != SQLITE_OK) {
        fprintf(stderr, "bench_rollup: %s\n", err);
        exit(1);
    }

    t = bench_now() - t;

    printf("  %-6s %9.3f s  %11ld rows read  %8.0f rows/s\n", what, t, rows,
           rows / t);
}


/* customers, a kind and an order each, in one SQL statement apiece */

static void
bench_subjects(sqlite3 *db, long n, time_t today)
{
    char  sql[1024], err[256];

    if (ngx_http_privacy_register_schema_migrate(db, err, sizeof(err))
        != SQLITE_OK)
    {
        fprintf(stderr, "bench_rollup: %s\n", err);
        exit(1);
    }

    snprintf(sql, sizeof(sql),
        "BEGIN;"
        "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i"
        " WHERE n < %ld)"
        " INSERT INTO subjects (id, subject_id, external_id, name, email,"
        " created, updated, last_activity)"
        " SELECT n, printf('%%032x', n), 'c-' || n, 'Customer ' || n,"
        " 'c' || n || '@example.com', %lld, %lld, %lld - n %% 700 * 86400"
        " FROM i;"
        "INSERT INTO subject_kinds (subject, kind, since)"
        " SELECT id, 'customer', created FROM subjects;"
        "INSERT INTO orders (subject, order_id, placed, total, currency,"
        " items) SELECT id, 'o-' || id, last_activity, '10.00', 'SEK', '[]'"
        " FROM subjects;"
        "COMMIT;", n, (long long) today, (long long) today,
        (long long) today);

    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        bench_fail(db, "subjects");
    }
}


/* the first n customers' relationship ended three years ago */

static void
bench_expire(sqlite3 *db, long n, time_t today)
{
    char  sql[512];

    snprintf(sql, sizeof(sql),
        "UPDATE subjects SET relationship_ended = %lld,"
        " last_activity = %lld WHERE id <= %ld",
        (long long) (today - 3 * 365 * 86400),
        (long long) (today - 3 * 365 * 86400), n);

    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        bench_fail(db, "expire");
    }
}


/* the register's sweep of customers, as the module's upkeep runs it */

static void
bench_sweep_customers(sqlite3 *db, time_t now, int batch)
{
    int                             more;
    char                            err[256];
    double                          t;
    ngx_http_privacy_sweep_t        sw;
    ngx_http_privacy_period_t       period;
    ngx_http_privacy_sweep_count_t  count;

    /* as on the module's upkeep connection */
    if (sqlite3_exec(db, "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON",
                     NULL, NULL, NULL)
        != SQLITE_OK)
    {
        bench_fail(db, "pragmas");
    }

    period.months = 24;
    period.seconds = 0;

    memset(&sw, 0, sizeof(sw));
    memset(&count, 0, sizeof(count));
    sw.category = NGX_HTTP_PRIVACY_SWEEP_CUSTOMER;
    sw.cutoff = ngx_http_privacy_sweep_cutoff(now, &period);
    sw.now = now;
    sw.fiscal_month = 12;
    sw.fiscal_day = 31;
    sw.started = now;
    sw.batch = batch;
    sw.max_batches = 1 << 30;

    t = bench_now();

    if (ngx_http_privacy_sweep_category(db, &sw, &count, &more, err,
                                        sizeof(err))
        != SQLITE_OK)
    {
        fprintf(stderr, "bench_rollup: %s\n", err);
        exit(1);
    }

    t = bench_now() - t;

    printf("  customers %6.3f s  %11lld subjects erased %8.0f subjects/s"
           " (with their kind; their order minimised), transactions of"
           " up to %d\n", t, (long long) count.deleted, count.deleted / t,
           batch);
}


static void
bench_sweep(sqlite3 *db, time_t now, long retain, int batch)
{
    int                        more;
    char                       err[256];
    long                       transactions;
    double                     t;
    sqlite3_int64              deleted;
    ngx_http_privacy_period_t  period;

    /* as on the module's upkeep connection */
    if (sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL)
        != SQLITE_OK)
    {
        bench_fail(db, "secure_delete");
    }

    period.months = 0;
    period.seconds = retain * 86400;

    t = bench_now();

    if (ngx_http_privacy_sweep_analytics(db,
            ngx_http_privacy_sweep_cutoff(now, &period), batch,
            1 << 30, &deleted, &more, err, sizeof(err))
        != SQLITE_OK)
    {
        fprintf(stderr, "bench_rollup: %s\n", err);
        exit(1);
    }

    t = bench_now() - t;

    /* the batches, the last one not full, each followed by a pause */
    transactions = (long) (deleted / batch) + 1;

    printf("  sweep  %9.3f s  %11lld rows deleted %8.0f rows/s,"
           " %ld transactions of up to %d rows, each ~%.1f ms\n", t,
           (long long) deleted, deleted / t, transactions, batch,
           t / (2 * transactions - 1) * 1000);
}


int
main(int argc, char **argv)
{
    int       c, batch, subject_batch;
    long      n, days, paths, visitors, per_day, retain, subjects, expired;
    char      path[4096], *file;
    double    t;
    time_t    today;
    sqlite3  *db;
    char      err[256];

    n = 3000000;
    days = 30;
    paths = 500;
    visitors = 20000;
    file = NULL;
    retain = 0;
    subjects = 0;
    expired = 0;
    batch = 5000;
    subject_batch = 500;

    while ((c = getopt(argc, argv, "n:d:p:v:s:e:c:r:b:f:")) != -1) {
        switch (c) {
        case 'n': n = atol(optarg); break;
        case 'd': days = atol(optarg); break;
        case 'p': paths = atol(optarg); break;
        case 'v': visitors = atol(optarg); break;
        case 's': subjects = atol(optarg); break;
        case 'e': expired = atol(optarg); break;
        case 'c': subject_batch = atoi(optarg); break;
        case 'r': retain = atol(optarg); break;
        case 'b': batch = atoi(optarg); break;
        case 'f': file = optarg; break;
        default:
            fprintf(stderr, "usage: bench_rollup [-n events] [-d days]"
                    " [-p paths] [-v visitors]"
                    " [-s subjects [-e expired -c batch]]"
                    " [-r retain -b batch]"
                    " [-f file]\n");
            return 2;
        }
    }

    if (n < 1 || days < 3 || paths < 1 || visitors < 1 || batch < 1
        || subject_batch < 1
        || retain < 0 || retain >= days || subjects < 0 || expired < 0
        || expired > subjects)
    {
        fprintf(stderr, "bench_rollup: -n, -p, -v and -b must be positive,"
                " -d at least 3, -r less than -d, -e at most -s\n");
        return 2;
    }

    if (file == NULL) {
        snprintf(path, sizeof(path), "/tmp/bench_rollup.%d.db",
                 (int) getpid());
        file = path;
    }

    unlink(file);

    if (sqlite3_open(file, &db) != SQLITE_OK
        || sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL)
           != SQLITE_OK
        || ngx_http_privacy_schema_migrate(db, err, sizeof(err)) != SQLITE_OK)
    {
        bench_fail(db, "open");
    }

    today = time(NULL) / 86400 * 86400;
    per_day = n / days;

    t = bench_now();
    bench_fill(db, n, days, paths, visitors, today);
    t = bench_now() - t;

    printf("%ld page views over %ld days (%ld a day), %ld paths, %ld"
           " visitors, SQLite %s; filled in %.1f s\n", n, days, per_day,
           paths, visitors, sqlite3_libversion(), t);

    if (subjects) {
        t = bench_now();
        bench_subjects(db, subjects, today);
        bench_expire(db, expired, today);
        printf("%ld subjects (customers, an order each; %ld past their"
               " period) filled in %.1f s\n", subjects, expired,
               bench_now() - t);
    }

    /* the first roll-up reads every day; each later one two days' rows */
    bench_rollup(db, "first", today + 3600, days);
    bench_rollup(db, "daily", today + 86400 + 3600, 2);

    if (retain) {
        bench_sweep(db, today + 86400 + 3600, retain, batch);
    }

    if (expired) {
        bench_sweep_customers(db, today + 86400 + 3600, subject_batch);
    }

    sqlite3_close(db);

    if (file == path) {
        unlink(file);
        strcat(path, "-wal");
        unlink(path);
        path[strlen(path) - 4] = '\0';
        strcat(path, "-shm");
        unlink(path);
    }

    return 0;
}
