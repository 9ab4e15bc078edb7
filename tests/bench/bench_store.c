/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Micro-benchmark of the SQLite writer (ngx_http_privacy_store_write()):
 * page views written into a fresh WAL register with the module's schema
 * (ngx_http_privacy_schema.c) and pragmas, in batches as the writer thread
 * gets them, one way per "mode":
 *
 *   exec       BEGIN IMMEDIATE / COMMIT through sqlite3_exec() (parsed on
 *              every batch), one INSERT per event: the writer before
 *   txn        BEGIN / COMMIT prepared once, one INSERT per event
 *   multiN     as txn, runs of N events in one multi-row INSERT, the
 *              remainder one by one (the writer now: multi32)
 *   ...+abort  multi-row INSERT without "OR FAIL": SQLite then keeps a
 *              statement journal for each statement
 *   ...+mem    PRAGMA temp_store=MEMORY
 *   ...+ckpt   PRAGMA wal_autocheckpoint=10000 (default 1000 pages)
 *   ...+ts     with an index on ts (the schema of migrations 4 to 8, before
 *              the row ids were keyed by time)
 *   agg        the design of issue #21, not the module's: each batch is
 *              first folded per key in memory (views per day x host x
 *              path x status; one visitor per day x host), then each
 *              distinct key is upserted once into two day tables
 *   agg+memo   as agg, and the worker remembers the visitors it has
 *              written today, so a returning visitor costs the register
 *              nothing (the module's pseudonym memo would hold this)
 *
 * Each run ends with a checkpoint, so that every mode has copied all it
 * wrote into the database file.  Prints wall-clock and CPU nanoseconds
 * per event.  Under callgrind (tests/bench/store.sh) only bench_run() is
 * measured: instructions per event are its total divided by the events.
 *
 *   bench_store [-n events] [-b batch] [-d dir] [-p paths] [-k] [mode ...]
 *
 * -p: distinct paths the views go to (default 1, as in bench.sh); the
 * 5,000 visitors cycle through them.
 *
 * -k keeps each mode's database, DIR/MODE.db, to compare their rows.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ngx_http_privacy_schema.h"


/* the layout of ngx_http_privacy_event_t, in a record as the queue has */
typedef struct {
    time_t          time;
    unsigned long   status;
    unsigned char   host[128];
    size_t          host_len;
    unsigned char   path[256];
    size_t          path_len;
    unsigned char   referrer[128];
    size_t          referrer_len;
    unsigned char   term[100];
    size_t          term_len;
    unsigned long   has_term;
    unsigned char   visitor[32];
    unsigned long   identified;
} bench_event_t;


typedef struct {
    unsigned long   type;
    bench_event_t   event;
} bench_record_t;


typedef struct {
    const char     *name;
    int             exec_txn;
    int             rows;           /* 1: one INSERT per event */
    int             abort;          /* multi-row without OR FAIL */
    const char     *pragmas;
    const char     *schema;         /* run after the module's migrations */
    int             agg;            /* 1: agg, 2: agg+memo */
} bench_mode_t;


/* the day tables of the aggregated design (agg modes) */
#define BENCH_AGG_SCHEMA                                                      \
    "CREATE TABLE agg_views (day INTEGER, host TEXT, path TEXT,"              \
    " status INTEGER, views INTEGER,"                                         \
    " PRIMARY KEY (day, host, path, status)) WITHOUT ROWID;"                  \
    "CREATE TABLE agg_visitors (day INTEGER, host TEXT, visitor TEXT,"        \
    " PRIMARY KEY (day, host, visitor)) WITHOUT ROWID;"

/* a batch's distinct keys, and the visitors written today (agg+memo) */
#define BENCH_AGG_SLOTS   8192
#define BENCH_MEMO_SLOTS  65536

typedef struct {
    bench_event_t  *ev;             /* the first view of the key */
    unsigned long   views;
} bench_agg_slot_t;

static bench_agg_slot_t  bench_agg_views[BENCH_AGG_SLOTS];
static bench_agg_slot_t  bench_agg_visitors[BENCH_AGG_SLOTS];
static unsigned char     bench_memo[BENCH_MEMO_SLOTS][33];
static long              bench_memo_day = -1;


static bench_mode_t  bench_modes[] = {
    { "exec",         1,  1, 0, "", "", 0 },
    { "txn",          0,  1, 0, "", "", 0 },
    { "multi8",       0,  8, 0, "", "", 0 },
    { "multi16",      0, 16, 0, "", "", 0 },
    { "multi32",      0, 32, 0, "", "", 0 },
    { "multi64",      0, 64, 0, "", "", 0 },
    { "multi32+abort", 0, 32, 1, "", "", 0 },
    { "multi32+mem",  0, 32, 0, "PRAGMA temp_store=MEMORY;", "", 0 },
    { "multi32+ckpt", 0, 32, 0, "PRAGMA wal_autocheckpoint=10000;", "", 0 },
    { "txn+mem",      0,  1, 0, "PRAGMA temp_store=MEMORY;", "", 0 },
    { "txn+ckpt",     0,  1, 0, "PRAGMA wal_autocheckpoint=10000;", "", 0 },
    { "multi32+ckpt+ts", 0, 32, 0, "PRAGMA wal_autocheckpoint=10000;",
      "CREATE INDEX analytics_events_ts ON analytics_events (ts);", 0 },
    { "agg",          0,  1, 0, "PRAGMA wal_autocheckpoint=10000;",
      BENCH_AGG_SCHEMA, 1 },
    { "agg+memo",     0,  1, 0, "PRAGMA wal_autocheckpoint=10000;",
      BENCH_AGG_SCHEMA, 2 },
};


typedef struct {
    sqlite3        *db;
    sqlite3_stmt   *begin;
    sqlite3_stmt   *commit;
    sqlite3_stmt   *insert;
    sqlite3_stmt   *multi;
    sqlite3_stmt   *upsert_views;
    sqlite3_stmt   *upsert_visitor;
    sqlite3_stmt   *last;
} bench_db_t;


static const char  bench_columns[] =
    "INSERT INTO analytics_events (id, ts, host, path, status,"
    " referrer_host, search_term, visitor, identified) VALUES ";


static void
bench_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench_store: %s: %s\n", what,
            db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}


static void
bench_open(bench_db_t *b, const char *path, bench_mode_t *m)
{
    int     i;
    char   *sql, *p, err[256];
    size_t  len;

    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE
                        |SQLITE_OPEN_CREATE|SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK)
    {
        bench_fail(b->db, "open");
    }

    /* as ngx_http_privacy_store_open() and the migration */
    if (sqlite3_exec(b->db, "PRAGMA journal_mode=WAL;"
                            "PRAGMA synchronous=NORMAL;"
                            "PRAGMA foreign_keys=ON;", NULL, NULL, NULL)
        != SQLITE_OK
        || sqlite3_exec(b->db, m->pragmas, NULL, NULL, NULL) != SQLITE_OK
        || ngx_http_privacy_schema_migrate(b->db, err, sizeof(err))
           != SQLITE_OK
        || sqlite3_exec(b->db, m->schema, NULL, NULL, NULL) != SQLITE_OK)
    {
        bench_fail(b->db, "configure");
    }

    if (sqlite3_prepare_v3(b->db, "BEGIN IMMEDIATE", -1,
                           SQLITE_PREPARE_PERSISTENT, &b->begin, NULL)
        != SQLITE_OK
        || sqlite3_prepare_v3(b->db, "COMMIT", -1,
                              SQLITE_PREPARE_PERSISTENT, &b->commit, NULL)
           != SQLITE_OK
        || sqlite3_prepare_v3(b->db,
               "INSERT INTO analytics_events (id, ts, host, path, status,"
               " referrer_host, search_term, visitor, identified)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1,
               SQLITE_PREPARE_PERSISTENT, &b->insert, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(b->db,
               "SELECT id FROM analytics_events WHERE id >= ?1 AND id < ?2"
               " ORDER BY id DESC LIMIT 1", -1,
               SQLITE_PREPARE_PERSISTENT, &b->last, NULL) != SQLITE_OK)
    {
        bench_fail(b->db, "prepare");
    }

    b->multi = NULL;
    b->upsert_views = NULL;
    b->upsert_visitor = NULL;

    if (m->agg
        && (sqlite3_prepare_v3(b->db,
                "INSERT INTO agg_views VALUES (?1, ?2, ?3, ?4, ?5)"
                " ON CONFLICT DO UPDATE SET views = views + excluded.views",
                -1, SQLITE_PREPARE_PERSISTENT, &b->upsert_views, NULL)
            != SQLITE_OK
            || sqlite3_prepare_v3(b->db,
                   "INSERT OR IGNORE INTO agg_visitors VALUES (?1, ?2, ?3)",
                   -1, SQLITE_PREPARE_PERSISTENT, &b->upsert_visitor, NULL)
               != SQLITE_OK))
    {
        bench_fail(b->db, "prepare upserts");
    }

    if (m->rows == 1) {
        return;
    }

    len = sizeof(bench_columns) + 8 + m->rows * sizeof("(?,?,?,?,?,?,?,?,?),");
    sql = malloc(len);
    if (sql == NULL) {
        bench_fail(NULL, "malloc");
    }

    /* "INSERT OR FAIL INTO": no statement journal */
    p = sql + sprintf(sql, "INSERT %s%s", m->abort ? "" : "OR FAIL ",
                      bench_columns + sizeof("INSERT ") - 1);

    for (i = 0; i < m->rows; i++) {
        p += sprintf(p, "%s(?,?,?,?,?,?,?,?,?)", i ? "," : "");
    }

    if (sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &b->multi, NULL) != SQLITE_OK)
    {
        bench_fail(b->db, "prepare multi-row");
    }

    free(sql);
}


static void
bench_close(bench_db_t *b)
{
    sqlite3_finalize(b->begin);
    sqlite3_finalize(b->commit);
    sqlite3_finalize(b->insert);
    sqlite3_finalize(b->multi);
    sqlite3_finalize(b->upsert_views);
    sqlite3_finalize(b->upsert_visitor);
    sqlite3_finalize(b->last);
    sqlite3_close(b->db);
}


/*
 * as ngx_http_privacy_store_event_id(): the row id of a view, or 0 when
 * SQLite's next row id (the table's last plus one) is that id; the last
 * row of the table, or of the view's second, looked up once per second
 * a batch's views fall into
 */

static sqlite3_int64
bench_id(bench_db_t *b, bench_event_t *ev, sqlite3_int64 *sec,
    sqlite3_int64 *id)
{
    int            rc;
    sqlite3_int64  last, from, to;

    if (ev->time == *sec) {
        return *id ? (*id)++ : 0;
    }

    from = NGX_HTTP_PRIVACY_EVENT_ID(ev->time);
    to = NGX_HTTP_PRIVACY_EVENT_ID(ev->time + 1);
    *sec = ev->time;

    sqlite3_bind_int64(b->last, 1, 0);
    sqlite3_bind_int64(b->last, 2, INT64_MAX);

    rc = sqlite3_step(b->last);
    last = (rc == SQLITE_ROW) ? sqlite3_column_int64(b->last, 0) : 0;
    sqlite3_reset(b->last);

    if (last < from) {
        *id = 0;
        return from;
    }

    if (last < to) {
        *id = 0;
        return 0;
    }

    sqlite3_bind_int64(b->last, 1, from);
    sqlite3_bind_int64(b->last, 2, to);

    rc = sqlite3_step(b->last);
    *id = (rc == SQLITE_ROW) ? sqlite3_column_int64(b->last, 0) + 1 : from;
    sqlite3_reset(b->last);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        bench_fail(b->db, "last row");
    }

    return (*id)++;
}


/* as ngx_http_privacy_store_bind_event(), from parameter base + 1 */

static void
bench_bind(sqlite3_stmt *st, int base, bench_event_t *ev, sqlite3_int64 id)
{
    if (id) {
        sqlite3_bind_int64(st, base + 1, id);
    } else {
        sqlite3_bind_null(st, base + 1);
    }

    sqlite3_bind_int64(st, base + 2, ev->time);
    sqlite3_bind_text(st, base + 3, (char *) ev->host, ev->host_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, base + 4, (char *) ev->path, ev->path_len,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, base + 5, (int) ev->status);

    if (ev->referrer_len) {
        sqlite3_bind_text(st, base + 6, (char *) ev->referrer,
                          ev->referrer_len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, base + 6);
    }

    if (ev->has_term) {
        sqlite3_bind_text(st, base + 7, (char *) ev->term, ev->term_len,
                          SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, base + 7);
    }

    sqlite3_bind_text(st, base + 8, (char *) ev->visitor,
                      sizeof(ev->visitor), SQLITE_STATIC);
    sqlite3_bind_int(st, base + 9, ev->identified ? 1 : 0);
}


static void
bench_step(bench_db_t *b, sqlite3_stmt *st, int done)
{
    int  rc;

    rc = sqlite3_step(st);
    sqlite3_reset(st);

    if (rc != done) {
        bench_fail(b->db, "step");
    }
}


/* FNV-1a */

static unsigned long
bench_hash(unsigned long h, const unsigned char *p, size_t len)
{
    while (len--) {
        h = (h ^ *p++) * 0x100000001b3UL;
    }

    return h;
}


/*
 * The aggregated design: what the event loop would do per view (a hash
 * and an increment, or a new key), then what the writer would do per
 * distinct key.  Both are measured here: the sum is the design's cost.
 */

static void
bench_agg_batch(bench_db_t *b, bench_mode_t *m, bench_record_t *rec, size_t n)
{
    long               day;
    size_t             i, j;
    unsigned long      h;
    bench_event_t     *ev, *e;
    bench_agg_slot_t  *slot;

    memset(bench_agg_views, 0, sizeof(bench_agg_views));
    memset(bench_agg_visitors, 0, sizeof(bench_agg_visitors));

    for (i = 0; i < n; i++) {
        ev = &rec[i].event;
        day = ev->time / 86400;

        h = bench_hash(0xcbf29ce484222325UL ^ day, ev->host, ev->host_len);
        h = bench_hash(h, ev->path, ev->path_len) ^ ev->status;

        for (j = h; /* void */; j++) {
            slot = &bench_agg_views[j % BENCH_AGG_SLOTS];
            e = slot->ev;

            if (e == NULL) {
                slot->ev = ev;
                slot->views = 1;
                break;
            }

            if (e->time / 86400 == day && e->status == ev->status
                && e->path_len == ev->path_len && e->host_len == ev->host_len
                && memcmp(e->path, ev->path, ev->path_len) == 0
                && memcmp(e->host, ev->host, ev->host_len) == 0)
            {
                slot->views++;
                break;
            }
        }

        if (m->agg == 2) {
            /* written today already: nothing to do */
            if (day != bench_memo_day) {
                memset(bench_memo, 0, sizeof(bench_memo));
                bench_memo_day = day;
            }

            h = bench_hash(0xcbf29ce484222325UL, ev->visitor, 32);
            j = h % BENCH_MEMO_SLOTS;

            if (bench_memo[j][32]
                && memcmp(bench_memo[j], ev->visitor, 32) == 0)
            {
                continue;
            }

            memcpy(bench_memo[j], ev->visitor, 32);
            bench_memo[j][32] = 1;
        }

        h = bench_hash(0xcbf29ce484222325UL ^ day, ev->visitor, 32);

        for (j = h; /* void */; j++) {
            slot = &bench_agg_visitors[j % BENCH_AGG_SLOTS];
            e = slot->ev;

            if (e == NULL) {
                slot->ev = ev;
                break;
            }

            if (e->time / 86400 == day
                && memcmp(e->visitor, ev->visitor, 32) == 0)
            {
                break;
            }
        }
    }

    bench_step(b, b->begin, SQLITE_DONE);

    for (i = 0; i < BENCH_AGG_SLOTS; i++) {
        slot = &bench_agg_views[i];

        if (slot->ev) {
            ev = slot->ev;
            sqlite3_bind_int64(b->upsert_views, 1, ev->time / 86400);
            sqlite3_bind_text(b->upsert_views, 2, (char *) ev->host,
                              ev->host_len, SQLITE_STATIC);
            sqlite3_bind_text(b->upsert_views, 3, (char *) ev->path,
                              ev->path_len, SQLITE_STATIC);
            sqlite3_bind_int(b->upsert_views, 4, (int) ev->status);
            sqlite3_bind_int64(b->upsert_views, 5, slot->views);
            bench_step(b, b->upsert_views, SQLITE_DONE);
        }

        slot = &bench_agg_visitors[i];

        if (slot->ev) {
            ev = slot->ev;
            sqlite3_bind_int64(b->upsert_visitor, 1, ev->time / 86400);
            sqlite3_bind_text(b->upsert_visitor, 2, (char *) ev->host,
                              ev->host_len, SQLITE_STATIC);
            sqlite3_bind_text(b->upsert_visitor, 3, (char *) ev->visitor,
                              32, SQLITE_STATIC);
            bench_step(b, b->upsert_visitor, SQLITE_DONE);
        }
    }

    bench_step(b, b->commit, SQLITE_DONE);
}


/* one batch, as ngx_http_privacy_store_write() */

static void
bench_batch(bench_db_t *b, bench_mode_t *m, bench_record_t *rec, size_t n)
{
    int            k;
    size_t         i;
    sqlite3_int64  sec, id;

    if (m->agg) {
        bench_agg_batch(b, m, rec, n);
        return;
    }

    if (m->exec_txn) {
        if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)
            != SQLITE_OK)
        {
            bench_fail(b->db, "begin");
        }

    } else {
        bench_step(b, b->begin, SQLITE_DONE);
    }

    sec = -1;
    id = 0;

    for (i = 0; i < n; /* void */) {

        if (b->multi && n - i >= (size_t) m->rows) {
            for (k = 0; k < m->rows; k++) {
                bench_bind(b->multi, 9 * k, &rec[i + k].event,
                           bench_id(b, &rec[i + k].event, &sec, &id));
            }

            bench_step(b, b->multi, SQLITE_DONE);
            i += m->rows;
            continue;
        }

        bench_bind(b->insert, 0, &rec[i].event,
                   bench_id(b, &rec[i].event, &sec, &id));
        bench_step(b, b->insert, SQLITE_DONE);
        i++;
    }

    if (m->exec_txn) {
        if (sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            bench_fail(b->db, "commit");
        }

    } else {
        bench_step(b, b->commit, SQLITE_DONE);
    }
}


/* the measured part (callgrind --toggle-collect=bench_run) */

__attribute__((noinline)) void
bench_run(bench_db_t *b, bench_mode_t *m, bench_record_t *rec, size_t n,
    size_t batch)
{
    size_t  i, k;

    for (i = 0; i < n; i += k) {
        k = (n - i < batch) ? n - i : batch;
        bench_batch(b, m, rec + i, k);
    }

    /* what is still in the WAL is copied to the database too, some time */
    if (sqlite3_wal_checkpoint_v2(b->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, NULL)
        != SQLITE_OK)
    {
        bench_fail(b->db, "checkpoint");
    }
}


static double
bench_clock(clockid_t id)
{
    struct timespec  ts;

    clock_gettime(id, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static void
bench_mode(bench_mode_t *m, const char *dir, bench_record_t *rec, size_t n,
    size_t batch, int keep)
{
    char        path[4096];
    double      wall, cpu;
    bench_db_t  b;
    const char  *suffix[] = { "", "-wal", "-shm" };
    size_t       i;

    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s.db%s", dir, m->name, suffix[i]);
        unlink(path);
    }

    snprintf(path, sizeof(path), "%s/%s.db", dir, m->name);

    bench_open(&b, path, m);

    wall = bench_clock(CLOCK_MONOTONIC);
    cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID);

    bench_run(&b, m, rec, n, batch);

    wall = bench_clock(CLOCK_MONOTONIC) - wall;
    cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu;

    /* nothing lost: every event is in the table */
    {
        sqlite3_stmt  *st;

        if (sqlite3_prepare_v2(b.db, m->agg
                               ? "SELECT (SELECT sum(views) FROM agg_views),"
                                 " 32 * (SELECT sum(views) FROM agg_views)"
                               : "SELECT count(*), sum(length(visitor))"
                                 " FROM analytics_events", -1, &st, NULL)
            != SQLITE_OK
            || sqlite3_step(st) != SQLITE_ROW
            || (size_t) sqlite3_column_int64(st, 0) != n
            || (size_t) sqlite3_column_int64(st, 1) != 32 * n)
        {
            bench_fail(b.db, "events missing");
        }

        sqlite3_finalize(st);
    }

    bench_close(&b);

    printf("  %-14s %8.0f %8.0f\n", m->name, wall / n, cpu / n);
    fflush(stdout);

    for (i = 0; i < 3 && !keep; i++) {
        snprintf(path, sizeof(path), "%s/%s.db%s", dir, m->name, suffix[i]);
        unlink(path);
    }
}


int
main(int argc, char **argv)
{
    int              c, j, keep;
    size_t           i, n, batch, paths;
    const char      *dir;
    unsigned long    h;
    bench_event_t   *ev;
    bench_record_t  *rec;

    n = 200000;
    batch = 2048;
    dir = "/tmp";

    keep = 0;
    paths = 1;

    while ((c = getopt(argc, argv, "n:b:d:p:k")) != -1) {
        switch (c) {
        case 'n':
            n = strtoul(optarg, NULL, 10);
            break;
        case 'b':
            batch = strtoul(optarg, NULL, 10);
            break;
        case 'd':
            dir = optarg;
            break;
        case 'p':
            paths = strtoul(optarg, NULL, 10);
            break;
        case 'k':
            keep = 1;
            break;
        default:
            fprintf(stderr, "usage: bench_store [-n events] [-b batch] "
                    "[-d dir] [-p paths] [-k] [mode ...]\n");
            return 2;
        }
    }

    if (n == 0 || batch == 0 || batch > BENCH_AGG_SLOTS / 2 || paths == 0) {
        fprintf(stderr, "bench_store: -n, -b and -p must be positive, -b at "
                "most %d\n", BENCH_AGG_SLOTS / 2);
        return 2;
    }

    rec = calloc(n, sizeof(bench_record_t));
    if (rec == NULL) {
        bench_fail(NULL, "calloc");
    }

    /* the page views of tests/bench/bench.sh: 45k a second, 5000 visitors */
    for (i = 0; i < n; i++) {
        rec[i].type = 2;
        ev = &rec[i].event;
        ev->time = 1718000000 + i / 45000;
        ev->status = 200;
        ev->host_len = sizeof("shop.example") - 1;
        memcpy(ev->host, "shop.example", ev->host_len);
        ev->path_len = (paths == 1) ? 1
                       : (size_t) sprintf((char *) ev->path, "/p/%zu",
                                          i % paths);
        ev->path[0] = '/';
        ev->identified = 1;

        h = (i % 5000 + 1) * 0x9e3779b97f4a7c15UL;
        for (j = 0; j < 32; j++) {
            ev->visitor[j] = "0123456789abcdef"[(h >> (j * 2 % 64)) & 0xf];
        }
    }

    printf("%zu events (5000 visitors, %zu paths) in batches of %zu,"
           " SQLite %s\n", n, paths, batch, sqlite3_libversion());
    printf("  %-14s %8s %8s\n", "mode", "ns/event", "cpu ns");

    for (j = 0; j < (int) (sizeof(bench_modes) / sizeof(bench_modes[0]));
         j++)
    {
        if (optind < argc) {
            for (c = optind; c < argc; c++) {
                if (strcmp(argv[c], bench_modes[j].name) == 0) {
                    break;
                }
            }

            if (c == argc) {
                continue;
            }
        }

        bench_mode(&bench_modes[j], dir, rec, n, batch, keep);
    }

    free(rec);

    return 0;
}
