/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The writer's SQL, in the pool thread: prepared statements, a batch in
 * one transaction.  Runs of page views share a multi-row INSERT.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <sqlite3.h>

#include "ngx_http_privacy_store_int.h"
#include "ngx_http_privacy_schema.h"


/*
 * Page views written by one multi-row INSERT: a statement's step, halt
 * and reset cost about as much as writing a row, so runs of events in a
 * batch share them; what is left of a run goes through the one-row
 * INSERT.  STORE_ROWS is the number of rows in EVENT_ROWS.
 */
#define NGX_HTTP_PRIVACY_STORE_ROWS     32
#define NGX_HTTP_PRIVACY_EVENT_PARAMS   10

#define NGX_HTTP_PRIVACY_ROW    "(?,?,?,?,?,?,?,?,?,?)"
#define NGX_HTTP_PRIVACY_ROW4                                                 \
    NGX_HTTP_PRIVACY_ROW "," NGX_HTTP_PRIVACY_ROW ","                         \
    NGX_HTTP_PRIVACY_ROW "," NGX_HTTP_PRIVACY_ROW
#define NGX_HTTP_PRIVACY_ROW16                                                \
    NGX_HTTP_PRIVACY_ROW4 "," NGX_HTTP_PRIVACY_ROW4 ","                       \
    NGX_HTTP_PRIVACY_ROW4 "," NGX_HTTP_PRIVACY_ROW4
#define NGX_HTTP_PRIVACY_EVENT_ROWS                                           \
    NGX_HTTP_PRIVACY_ROW16 "," NGX_HTTP_PRIVACY_ROW16


typedef struct {
    const char                      *sql;
    size_t                           offset;    /* of the sqlite3_stmt * */
} ngx_http_privacy_store_stmt_t;


/* prepared once per connection: a batch parses no SQL */
static ngx_http_privacy_store_stmt_t  ngx_http_privacy_store_stmts[] = {

    { "BEGIN IMMEDIATE",
      offsetof(ngx_http_privacy_store_t, begin) },

    { "COMMIT",
      offsetof(ngx_http_privacy_store_t, commit) },

    { "INSERT INTO consent_receipts (consent_id, decided_at,"
      " policy_version, categories, method, client, site)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      offsetof(ngx_http_privacy_store_t, insert_receipt) },

    { "INSERT INTO analytics_events (id, ts, host, path, status,"
      " referrer_host, search_term, visitor, identified, views)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      offsetof(ngx_http_privacy_store_t, insert_event) },

    /*
     * OR FAIL: a failed row fails the batch, whose transaction is rolled
     * back as a whole, so the statement need not undo its own earlier
     * rows (for which SQLite would keep a statement journal)
     */
    { "INSERT OR FAIL INTO analytics_events (id, ts, host, path, status,"
      " referrer_host, search_term, visitor, identified, views)"
      " VALUES " NGX_HTTP_PRIVACY_EVENT_ROWS,
      offsetof(ngx_http_privacy_store_t, insert_events) },

    { "INSERT INTO cookies_seen (name, category, first_seen,"
      " last_seen, sightings) VALUES (?1, ?2, ?3, ?3, 1)"
      " ON CONFLICT (name) DO UPDATE SET category = excluded.category,"
      " last_seen = excluded.last_seen, sightings = sightings + 1",
      offsetof(ngx_http_privacy_store_t, upsert_cookie) },

    /*
     * a few scopes per name (docs/database.md, cookie_scopes): a backend
     * giving a cookie ever new paths fills no table
     */
    { "INSERT INTO cookie_scopes (name, path, domain, first_seen,"
      " last_seen) SELECT ?1, ?2, ?3, ?4, ?4"
      " WHERE (SELECT count(*) FROM cookie_scopes WHERE name = ?1) < ?5"
      " OR EXISTS (SELECT 1 FROM cookie_scopes WHERE name = ?1"
      " AND path = ?2 AND domain = ?3)"
      " ON CONFLICT (name, path, domain) DO UPDATE"
      " SET last_seen = max(last_seen, excluded.last_seen)",
      offsetof(ngx_http_privacy_store_t, upsert_scope) },

    /* the last page view of a second, for the rank of the next one */
    { "SELECT id FROM analytics_events WHERE id >= ?1 AND id < ?2"
      " ORDER BY id DESC LIMIT 1",
      offsetof(ngx_http_privacy_store_t, last_event) },
};


#define NGX_HTTP_PRIVACY_STORE_NSTMTS                                         \
    (sizeof(ngx_http_privacy_store_stmts)                                     \
     / sizeof(ngx_http_privacy_store_stmts[0]))

#define ngx_http_privacy_store_stmt(s, i)                                     \
    ((sqlite3_stmt **) ((u_char *) (s)                                        \
                        + ngx_http_privacy_store_stmts[i].offset))



static void ngx_http_privacy_store_bind_event(sqlite3_stmt *st, int base,
    ngx_http_privacy_event_record_t *ev, sqlite3_int64 id);
static int ngx_http_privacy_store_event_id(ngx_http_privacy_store_t *s,
    ngx_http_privacy_event_record_t *ev, sqlite3_int64 *sec,
    sqlite3_int64 *id, sqlite3_int64 *bind);
static void ngx_http_privacy_store_create_file(ngx_http_privacy_store_t *s);
static int ngx_http_privacy_store_configure(sqlite3 *db, char *err,
    size_t err_len);


int
ngx_http_privacy_store_open(ngx_http_privacy_store_t *s, char *err,
    size_t err_len)
{
    int          rc;
    sqlite3     *db;
    ngx_uint_t   i;

    ngx_http_privacy_store_create_file(s);

    /*
     * NOMUTEX: one thread at a time uses the connection (one task in
     * flight per worker, then the exiting worker itself).
     */

    rc = sqlite3_open_v2((char *) s->path.data, &db,
                         SQLITE_OPEN_READWRITE|SQLITE_OPEN_CREATE
                         |SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "cannot open: %s",
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return rc;
    }

    /* several workers write: wait for each other in the thread, not fail */
    sqlite3_busy_timeout(db, 10000);

    /* a first start: every worker switches the new file to WAL at once */
    rc = ngx_http_privacy_schema_set_up(db, ngx_http_privacy_store_configure,
                                        err, err_len);

    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        return rc;
    }

    s->db = db;

    for (i = 0; i < NGX_HTTP_PRIVACY_STORE_NSTMTS; i++) {
        rc = sqlite3_prepare_v3(db, ngx_http_privacy_store_stmts[i].sql, -1,
                                SQLITE_PREPARE_PERSISTENT,
                                ngx_http_privacy_store_stmt(s, i), NULL);
        if (rc != SQLITE_OK) {
            snprintf(err, err_len, "cannot prepare: %s", sqlite3_errmsg(db));
            ngx_http_privacy_store_close(s);
            return rc;
        }
    }

    return SQLITE_OK;
}


/*
 * Creates a missing database file readable and writable by the workers'
 * user only (SQLite would make it 0644 less the umask): it holds consent
 * receipts and pseudonyms (GDPR art. 32).  SQLite gives the -wal and -shm
 * files the mode of the database file.  O_EXCL: only a file made here is
 * closed here, never one that a connection of this process has open, whose
 * POSIX locks the close would drop.  Not umask(): it is the process's, and
 * the event loop runs on.  Failures are left to sqlite3_open_v2() to report.
 */

static void
ngx_http_privacy_store_create_file(ngx_http_privacy_store_t *s)
{
    int  fd;

    fd = open((char *) s->path.data, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600);

    if (fd != -1) {
        (void) close(fd);
    }
}


/* journal mode and settings, then the schema; SQLITE_BUSY: try again */

static int
ngx_http_privacy_store_configure(sqlite3 *db, char *err, size_t err_len)
{
    int  rc;

    /*
     * The checkpoint task keeps the WAL short; the writer checkpoints
     * by itself only if the WAL grows past 40 MB (the task failing).
     */
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                          "PRAGMA wal_autocheckpoint=10000;"
                          "PRAGMA synchronous=NORMAL;"
                          "PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "cannot configure: %s", sqlite3_errmsg(db));
        return rc;
    }

    return ngx_http_privacy_schema_migrate(db, err, err_len);
}


int
ngx_http_privacy_store_write(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b)
{
    int                              rc;
    u_char                           cats[64];
    size_t                           len;
    ngx_uint_t                       i, k, end;
    sqlite3_int64                    sec, id, bind;
    sqlite3_stmt                    *st;
    ngx_http_privacy_receipt_t      *r;
    ngx_http_privacy_cookie_seen_t  *c;
    ngx_http_privacy_scope_seen_t   *sc;

    rc = sqlite3_step(s->begin);
    sqlite3_reset(s->begin);

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    /* records[i] to records[end - 1] are events */
    end = 0;

    /* the second whose next row id is id: none yet in this transaction */
    sec = -1;
    id = 0;
    bind = 0;

    for (i = 0; i < b->n; i++) {

        switch (b->records[i].type) {

        case NGX_HTTP_PRIVACY_RECORD_RECEIPT:
            r = &b->records[i].u.receipt;
            st = s->insert_receipt;
            len = ngx_http_privacy_categories_format(r->categories, cats);

            sqlite3_bind_text(st, 1, (char *) r->consent_id,
                              sizeof(r->consent_id), SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, r->decided);
            sqlite3_bind_text(st, 3, (char *) r->version, r->version_len,
                              SQLITE_STATIC);
            sqlite3_bind_text(st, 4, (char *) cats, len, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 5, r->method, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, (char *) r->client, sizeof(r->client),
                              SQLITE_STATIC);
            sqlite3_bind_text(st, 7, (char *) r->site, r->site_len,
                              SQLITE_STATIC);
            break;

        case NGX_HTTP_PRIVACY_RECORD_EVENT:

            if (end <= i) {
                for (end = i + 1; end < b->n; end++) {
                    if (b->records[end].type != NGX_HTTP_PRIVACY_RECORD_EVENT)
                    {
                        break;
                    }
                }
            }

            if (end - i < NGX_HTTP_PRIVACY_STORE_ROWS) {
                st = s->insert_event;
                rc = ngx_http_privacy_store_event_id(s,
                         &b->records[i].u.event, &sec, &id, &bind);
                if (rc != SQLITE_OK) {
                    goto failed;
                }

                ngx_http_privacy_store_bind_event(st, 0,
                                                  &b->records[i].u.event,
                                                  bind);
                break;
            }

            st = s->insert_events;

            for (k = 0; k < NGX_HTTP_PRIVACY_STORE_ROWS; k++) {
                rc = ngx_http_privacy_store_event_id(s,
                         &b->records[i + k].u.event, &sec, &id, &bind);
                if (rc != SQLITE_OK) {
                    goto failed;
                }

                ngx_http_privacy_store_bind_event(st,
                    k * NGX_HTTP_PRIVACY_EVENT_PARAMS,
                    &b->records[i + k].u.event, bind);
            }

            i += NGX_HTTP_PRIVACY_STORE_ROWS - 1;
            break;

        case NGX_HTTP_PRIVACY_RECORD_COOKIE:
            st = s->upsert_cookie;
            c = &b->records[i].u.cookie;
            len = ngx_http_privacy_categories_format(c->category, cats);

            sqlite3_bind_text(st, 1, (char *) c->name, c->name_len,
                              SQLITE_STATIC);
            if (c->category) {
                sqlite3_bind_text(st, 2, (char *) cats, len,
                                  SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_null(st, 2);
            }
            sqlite3_bind_int64(st, 3, c->time);
            break;

        case NGX_HTTP_PRIVACY_RECORD_SCOPE:
            st = s->upsert_scope;
            sc = &b->records[i].u.scope;

            sqlite3_bind_text(st, 1, (char *) sc->name, sc->name_len,
                              SQLITE_STATIC);
            sqlite3_bind_text(st, 2, (char *) sc->scope.path,
                              sc->scope.path_len, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, (char *) sc->scope.domain,
                              sc->scope.domain_len, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, sc->time);
            sqlite3_bind_int(st, 5, NGX_HTTP_PRIVACY_SCOPE_PER_NAME);
            break;

        default:
            continue;
        }

        rc = sqlite3_step(st);
        sqlite3_reset(st);

        if (rc != SQLITE_DONE) {
            goto failed;
        }
    }

    rc = sqlite3_step(s->commit);
    sqlite3_reset(s->commit);

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    return SQLITE_OK;

failed:

    b->rc = rc;
    snprintf(b->error, sizeof(b->error), "write failed: %s",
             sqlite3_errmsg(s->db));
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);

    /* reopen on the next attempt: the file may have been replaced */
    ngx_http_privacy_store_close(s);

    return rc;
}


/*
 * The row id of a page view (docs/database.md): its second shifted left,
 * plus its rank within the second.  The transaction holds the register's
 * write lock, so no other writer adds rows meanwhile, and the last row is
 * looked up once per second that the batch's views fall into (a batch's
 * views come in time order).  When the table's last row is of an earlier
 * second, the first view gets the second's first id; when it is of the
 * same second, or after the first view, SQLite's own next id (the last
 * plus one) is the right one: 0 is returned and NULL bound, which
 * appends without the seek an explicit id costs (~1,300 instructions a
 * row, docs/performance.md).  Only views written after views of a later
 * second (another worker's, or a batch retried late) are given their ids
 * one by one: *sec is the second, *id the next id in it, or 0 while
 * SQLite's is right.  A second holds 2^24 ranks, more than SQLite writes
 * in one.
 */

static int
ngx_http_privacy_store_event_id(ngx_http_privacy_store_t *s,
    ngx_http_privacy_event_record_t *ev, sqlite3_int64 *sec,
    sqlite3_int64 *id, sqlite3_int64 *bind)
{
    int             rc;
    sqlite3_int64   t, last, from, to;
    sqlite3_stmt   *st;

    t = (ev->time > 0) ? (sqlite3_int64) ev->time : 0;

    if (t == *sec) {
        *bind = *id ? (*id)++ : 0;
        return SQLITE_OK;
    }

    st = s->last_event;
    from = NGX_HTTP_PRIVACY_EVENT_ID(t);
    to = NGX_HTTP_PRIVACY_EVENT_ID(t + 1);
    *sec = -1;

    /* the table's last row */
    sqlite3_bind_int64(st, 1, 0);
    sqlite3_bind_int64(st, 2, INT64_MAX);

    rc = sqlite3_step(st);
    last = (rc == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return rc;
    }

    *id = 0;

    if (last >= to) {
        /* the last row of the view's second */
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);

        rc = sqlite3_step(st);
        *id = (rc == SQLITE_ROW) ? sqlite3_column_int64(st, 0) + 1 : from;
        sqlite3_reset(st);

        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            return rc;
        }
    }

    *sec = t;
    *bind = *id ? (*id)++ : (last < from) ? from : 0;

    return SQLITE_OK;
}


/*
 * Binds parameters base + 1 to base + 10, the row id NULL when it is 0.
 * Every parameter is bound, NULL included: no clear_bindings() needed.
 */

static void
ngx_http_privacy_store_bind_event(sqlite3_stmt *st, int base,
    ngx_http_privacy_event_record_t *ev, sqlite3_int64 id)
{
    u_char  *p;

    p = ev->strings;

    if (id) {
        sqlite3_bind_int64(st, base + 1, id);

    } else {
        sqlite3_bind_null(st, base + 1);    /* SQLite's next row id */
    }

    sqlite3_bind_int64(st, base + 2, ev->time);
    sqlite3_bind_text(st, base + 3, (char *) p, ev->host_len, SQLITE_STATIC);
    p += ev->host_len;
    sqlite3_bind_text(st, base + 4, (char *) p, ev->path_len, SQLITE_STATIC);
    p += ev->path_len;
    sqlite3_bind_int(st, base + 5, ev->status);

    if (ev->referrer_len) {
        sqlite3_bind_text(st, base + 6, (char *) p, ev->referrer_len,
                          SQLITE_STATIC);
        p += ev->referrer_len;

    } else {
        sqlite3_bind_null(st, base + 6);
    }

    if (ev->has_term) {
        sqlite3_bind_text(st, base + 7, (char *) p, ev->term_len,
                          SQLITE_STATIC);
        p += ev->term_len;

    } else {
        sqlite3_bind_null(st, base + 7);
    }

    sqlite3_bind_text(st, base + 8, (char *) p, NGX_HTTP_PRIVACY_VISITOR_LEN,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, base + 9, ev->identified);
    sqlite3_bind_int64(st, base + 10, ev->views);
}


/* a batch is in the database: count it, and empty it for new records */


void
ngx_http_privacy_store_close(ngx_http_privacy_store_t *s)
{
    ngx_uint_t      i;
    sqlite3_stmt  **st;

    for (i = 0; i < NGX_HTTP_PRIVACY_STORE_NSTMTS; i++) {
        st = ngx_http_privacy_store_stmt(s, i);
        sqlite3_finalize(*st);
        *st = NULL;
    }

    if (s->db) {
        sqlite3_close(s->db);
        s->db = NULL;
    }
}
