/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's work per imported subject without nginx: decoding an
 * NDJSON line (3 orders), then the upsert as POST import does it, 2,000
 * lines per transaction.  Prints the CPU time
 * of each part per subject.  tests/bench/register.sh builds and runs it.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_ops.h"


static double
cpu_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/* the calling thread alone: POST import's writer, its critical path */

static double
thread_cpu_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/* an NDJSON line: a customer with a personnummer and 3 orders */

static void
bench_line(char *line, size_t size, int i)
{
    snprintf(line, size,
        "{\"external_id\":\"c-%d\",\"kind\":\"customer\","
        "\"name\":\"Kund %d\",\"email\":\"k%d@example.se\","
        "\"phone\":\"+46 70 %07d\",\"address\":\"Storgatan 1\","
        "\"personnummer\":\"19811218-9876\",\"orders\":["
        "{\"order_id\":\"o-%d-1\",\"date\":\"2023-01-01\","
        "\"total\":\"101.50\",\"currency\":\"SEK\",\"items\":"
        "[{\"sku\":\"A1\",\"name\":\"Virke\",\"quantity\":1,"
        "\"price\":\"101.50\"}]},"
        "{\"order_id\":\"o-%d-2\",\"date\":\"2023-01-01\","
        "\"total\":\"1.50\",\"currency\":\"SEK\"},"
        "{\"order_id\":\"o-%d-3\",\"date\":\"2023-01-01\","
        "\"total\":\"1.50\",\"currency\":\"SEK\"}]}",
        i, i, i, i, i, i, i);
}


/*
 * BENCH_IMPORT=1: the lines as one POST import body through the API's
 * operation (register_ops.c, register_import.c), as a pool thread runs
 * it: wall and CPU time of the whole
 */

static int
bench_import(ngx_http_privacy_rdb_t *rdb, int n)
{
    int                      i;
    char                    *body, *p;
    double                   w0, w1, c0, c1, t0, t1;
    struct timespec          ts;
    ngx_http_privacy_rop_t   t;

    body = malloc((size_t) n * 2048 + 1);
    if (body == NULL) {
        return 1;
    }

    p = body;

    for (i = 0; i < n; i++) {
        bench_line(p, 2048, i);
        p += strlen(p);
        *p++ = '\n';
    }

    *p = '\0';

    memset(&t, 0, sizeof(t));
    t.op = NGX_HTTP_PRIVACY_ROP_IMPORT;
    t.body_len = p - body;
    t.now = 1700000000;
    t.today.year = 2026;
    t.today.month = 12;
    t.today.day = 3;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    w0 = ts.tv_sec + ts.tv_nsec / 1e9;
    c0 = cpu_now();
    t0 = thread_cpu_now();

    ngx_http_privacy_rop_run(&t, rdb, (u_char *) body);

    t1 = thread_cpu_now();
    c1 = cpu_now();
    clock_gettime(CLOCK_MONOTONIC, &ts);
    w1 = ts.tv_sec + ts.tv_nsec / 1e9;

    if (t.status != 200 || t.out == NULL) {
        fprintf(stderr, "import: %u %s\n", t.status, t.out ? t.out : "");
        return 1;
    }

    printf("%d subjects through POST import: %.2f s wall = %.0f subjects/s; "
           "%.2f CPU s (all threads) = %.1f us per subject; the writer "
           "thread %.1f us per subject\n", n, w1 - w0,
           n / (w1 - w0), c1 - c0, (c1 - c0) / n * 1e6, (t1 - t0) / n * 1e6);

    free(t.out);
    free(body);

    return 0;
}


int
main(int argc, char **argv)
{
    int                                i, n, rc, batch;
    char                               err[256], line[2048], wal[300];
    u_char                             secret[48];
    double                             a, b, c, decode, db;
    const char                        *path;
    ngx_http_privacy_rdb_t            *rdb;
    ngx_http_privacy_rj_today_t        today = { 2026, 12, 3 };
    ngx_http_privacy_rj_subject_t      s;
    ngx_http_privacy_register_keys_t   keys;

    /* as a worker starts (ngx_http_privacy_worker.c) */
    (void) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

    n = argc > 1 ? atoi(argv[1]) : 20000;
    path = argc > 2 ? argv[2] : "/tmp/bench_register.db";
    batch = getenv("BENCH_BATCH") ? atoi(getenv("BENCH_BATCH")) : 2000;

    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(path);
    unlink(wal);

    memset(secret, 1, sizeof(secret));

    if (ngx_http_privacy_register_keys(secret, sizeof(secret), &keys) != 0) {
        return 1;
    }

    rdb = ngx_http_privacy_rdb_open(path, &keys, err, sizeof(err));
    if (rdb == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    /* BENCH_PRAGMA="PRAGMA cache_size=-65536" tries a setting */
    if (getenv("BENCH_PRAGMA")
        && sqlite3_exec(ngx_http_privacy_rdb_handle(rdb),
                        getenv("BENCH_PRAGMA"), NULL, NULL, NULL)
           != SQLITE_OK)
    {
        fprintf(stderr, "%s\n",
                sqlite3_errmsg(ngx_http_privacy_rdb_handle(rdb)));
        return 1;
    }

    if (getenv("BENCH_IMPORT")) {
        rc = bench_import(rdb, n);
        ngx_http_privacy_rdb_close(rdb);
        unlink(path);
        unlink(wal);
        return rc;
    }

    decode = db = 0;
    ngx_http_privacy_rdb_begin(rdb);

    for (i = 0; i < n; i++) {
        bench_line(line, sizeof(line), i);

        a = cpu_now();

        if (ngx_http_privacy_rj_subject((u_char *) line, strlen(line), 1,
                                        &today, &s)
            != 0)
        {
            fprintf(stderr, "%s\n", s.error);
            return 1;
        }

        b = cpu_now();

        rc = ngx_http_privacy_rdb_upsert(rdb, &s, NULL, 1700000000, "api");
        ngx_http_privacy_rj_subject_free(&s);

        if (rc == NGX_HTTP_PRIVACY_RDB_ERROR) {
            fprintf(stderr, "upsert failed\n");
            return 1;
        }

        if (i % batch == batch - 1) {
            ngx_http_privacy_rdb_commit(rdb);
            ngx_http_privacy_rdb_begin(rdb);
        }

        c = cpu_now();
        decode += b - a;
        db += c - b;
    }

    ngx_http_privacy_rdb_commit(rdb);
    ngx_http_privacy_rdb_close(rdb);

    printf("%d subjects: decoding %.1f us, register %.1f us per subject "
           "(CPU) = %.0f subjects per CPU second\n", n, decode / n * 1e6,
           db / n * 1e6, n / (decode + db));

    unlink(path);
    unlink(wal);

    return 0;
}
