/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's schema: migrations applied in order, each once, as
 * PRAGMA user_version counts.  Plain SQLite (the writer thread, tests and
 * benchmarks use it), no nginx calls.
 */


#include <stdio.h>

#include "ngx_http_privacy_schema.h"


/*
 * Schema migrations, applied in order; PRAGMA user_version records how
 * many ran.  Append, never edit: deployed registers hold earlier steps.
 */
static const char  *ngx_http_privacy_migrations[] = {

    "CREATE TABLE consent_receipts ("
    "  id INTEGER PRIMARY KEY,"
    "  consent_id TEXT NOT NULL,"       /* hex of the cookie's random id */
    "  decided_at INTEGER NOT NULL,"    /* unix time */
    "  policy_version TEXT NOT NULL,"
    "  categories TEXT NOT NULL,"       /* e.g. necessary,statistics */
    "  method TEXT NOT NULL,"           /* consent_page, banner, ... */
    "  client TEXT NOT NULL"            /* keyed hash, never an address */
    ");"
    "CREATE INDEX consent_receipts_consent_id"
    "  ON consent_receipts (consent_id);"
    "CREATE INDEX consent_receipts_decided_at"
    "  ON consent_receipts (decided_at);",

    /* analytics: raw page views, and daily roll-ups that outlive them */
    "CREATE TABLE analytics_events ("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"            /* unix time */
    "  host TEXT NOT NULL,"
    "  path TEXT NOT NULL,"             /* no query string */
    "  status INTEGER NOT NULL,"
    "  referrer_host TEXT,"             /* only another site's */
    "  search_term TEXT,"               /* scrubbed of personal data */
    "  visitor TEXT NOT NULL,"          /* daily pseudonym or consent id */
    "  identified INTEGER NOT NULL"     /* 1: visitor is a consent id */
    ");"
    "CREATE TABLE analytics_daily ("
    "  day TEXT NOT NULL, host TEXT NOT NULL,"
    "  page_views INTEGER NOT NULL, visitors INTEGER NOT NULL,"
    "  searches INTEGER NOT NULL,"
    "  PRIMARY KEY (day, host));"
    "CREATE TABLE analytics_daily_pages ("
    "  day TEXT NOT NULL, host TEXT NOT NULL, path TEXT NOT NULL,"
    "  page_views INTEGER NOT NULL, visitors INTEGER NOT NULL,"
    "  PRIMARY KEY (day, host, path));"
    "CREATE TABLE analytics_daily_searches ("
    "  day TEXT NOT NULL, host TEXT NOT NULL, term TEXT NOT NULL,"
    "  searches INTEGER NOT NULL, visitors INTEGER NOT NULL,"
    "  PRIMARY KEY (day, host, term));",

    /* every cookie name seen, classified or not, for the DPO */
    "CREATE TABLE cookies_seen ("
    "  name TEXT PRIMARY KEY,"
    "  category TEXT,"                  /* NULL: unclassified */
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  sightings INTEGER NOT NULL"      /* once per worker and start */
    ");",

    /*
     * page views by time, for roll-ups (and retention) that read a day's
     * rows instead of the whole table.  Built once, at the upgrade: about
     * half a second per million rows, while the writers wait
     */
    "CREATE INDEX analytics_events_ts ON analytics_events (ts);",

    /*
     * retention sweeps (docs/database.md): one row a run, finished NULL
     * while it runs or if it was stopped (a crash, kill -9), and what it
     * did per category
     */
    "CREATE TABLE sweeps ("
    "  id INTEGER PRIMARY KEY,"
    "  started INTEGER NOT NULL,"       /* unix time */
    "  finished INTEGER,"
    "  dry_run INTEGER NOT NULL,"       /* 1: counted, deleted nothing */
    "  worker INTEGER NOT NULL"         /* the sweeping worker's pid */
    ");"
    "CREATE TABLE sweep_categories ("
    "  sweep_id INTEGER NOT NULL REFERENCES sweeps (id),"
    "  category TEXT NOT NULL,"
    "  period TEXT NOT NULL,"           /* privacy_retention, as written */
    "  cutoff INTEGER NOT NULL,"        /* reference dates before it go */
    "  examined INTEGER NOT NULL,"      /* rows found past their period */
    "  deleted INTEGER NOT NULL,"
    "  held INTEGER NOT NULL,"          /* kept under a legal hold */
    "  asked INTEGER NOT NULL,"         /* asked of other systems */
    "  PRIMARY KEY (sweep_id, category));",

    /*
     * several sites on one register (docs/operator-guide.md): the server
     * a decision was made on; '' for receipts written before
     */
    "ALTER TABLE consent_receipts"
    "  ADD COLUMN site TEXT NOT NULL DEFAULT '';",

    /*
     * referrer hosts per day, rolled up like the pages (the days rolled
     * up before this table existed have none)
     */
    "CREATE TABLE analytics_daily_referrers ("
    "  day TEXT NOT NULL, host TEXT NOT NULL, referrer_host TEXT NOT NULL,"
    "  page_views INTEGER NOT NULL, visitors INTEGER NOT NULL,"
    "  PRIMARY KEY (day, host, referrer_host));",

    /*
     * where backends set each cookie (docs/database.md): the Path and
     * Domain of its Set-Cookies, normalised, '' when absent; a few per
     * name (NGX_HTTP_PRIVACY_SCOPE_PER_NAME, kept by the INSERT)
     */
    "CREATE TABLE cookie_scopes ("
    "  name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  domain TEXT NOT NULL,"
    "  first_seen INTEGER NOT NULL,"    /* unix time */
    "  last_seen INTEGER NOT NULL,"     /* once per worker and start */
    "  PRIMARY KEY (name, path, domain)) WITHOUT ROWID;",

    /*
     * page views keyed by time (docs/database.md): the row id is the
     * second of the view (ts) shifted left by NGX_HTTP_PRIVACY_EVENT_SHIFT
     * bits plus its rank within that second, so that rows are appended
     * in time order and a range of time is a range of row ids; the index
     * on ts, a second b-tree insert per view, is gone (docs/performance.md).
     * The rows are copied once, at the upgrade, while the writers wait
     */
    "CREATE TABLE analytics_events_by_time ("
    "  id INTEGER PRIMARY KEY,"         /* ts << 24 | rank in the second */
    "  ts INTEGER NOT NULL,"
    "  host TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  referrer_host TEXT,"
    "  search_term TEXT,"
    "  visitor TEXT NOT NULL,"
    "  identified INTEGER NOT NULL"
    ");"
    "INSERT INTO analytics_events_by_time"
    "  SELECT (ts << 24) + row_number() OVER (PARTITION BY ts ORDER BY id)"
    "  - 1, ts, host, path, status, referrer_host, search_term, visitor,"
    "  identified FROM analytics_events ORDER BY ts, id;"
    "DROP TABLE analytics_events;"
    "ALTER TABLE analytics_events_by_time RENAME TO analytics_events;",

    /*
     * identical page views of one second, counted in the worker before
     * they are written (docs/architecture.md, "The write path"): a row is
     * a (second, host, path, status, referrer, term, visitor), and views
     * says how many requests it stands for
     */
    "ALTER TABLE analytics_events ADD COLUMN views INTEGER NOT NULL"
    "  DEFAULT 1;",
};


int
ngx_http_privacy_schema_migrate(sqlite3 *db, char *err, size_t err_len)
{
    int            rc, version;
    size_t         i, n;
    sqlite3_stmt  *st;

    n = sizeof(ngx_http_privacy_migrations) / sizeof(char *);

    /* IMMEDIATE: two workers starting together migrate one after another */
    rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    version = (sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int(st, 0)
                                                : 0;
    sqlite3_finalize(st);

    if (version < 0 || (size_t) version > n) {
        snprintf(err, err_len, "schema version %d is newer than this "
                 "module (%zu)", version, n);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return SQLITE_ERROR;
    }

    for (i = version; i < n; i++) {
        rc = sqlite3_exec(db, ngx_http_privacy_migrations[i], NULL, NULL,
                          NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    if ((size_t) version < n) {
        /* PRAGMA takes no parameters; n is our own constant */
        char  sql[64];

        snprintf(sql, sizeof(sql), "PRAGMA user_version=%zu", n);

        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "cannot migrate the schema: %s",
             sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}


/*
 * The busy handler does not cover a connection's set-up.  Switching a new
 * file to WAL takes an exclusive lock, and SQLite answers BUSY at once,
 * without calling the handler, to a connection that holds a shared lock
 * while another one waits to write: waiting could deadlock
 * (https://sqlite.org/c3ref/busy_handler.html).  At a first start every
 * worker's connections are such connections.  The failed statement has
 * released its locks when it returns, so the whole step is tried again,
 * a little later each time: the switch is made once, the schema created
 * once (BEGIN IMMEDIATE in the migrations), and the other connections
 * then find both done.
 */

int
ngx_http_privacy_schema_set_up(sqlite3 *db,
    ngx_http_privacy_schema_step_pt step, char *err, size_t err_len)
{
    int  rc, delay, waited;

    delay = 1;
    waited = 0;

    for ( ;; ) {
        rc = step(db, err, err_len);

        if (rc == SQLITE_OK) {
            /* what a busy try said is no failure: callers log err */
            if (err_len) {
                err[0] = '\0';
            }

            return rc;
        }

        if ((rc & 0xff) != SQLITE_BUSY
            || waited >= NGX_HTTP_PRIVACY_SCHEMA_BUSY_WAIT)
        {
            return rc;
        }

        sqlite3_sleep(delay);
        waited += delay;
        delay = (delay < 50) ? delay * 2 : 100;
    }
}
