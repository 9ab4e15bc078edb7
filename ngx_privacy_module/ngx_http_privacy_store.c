/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>
#include <pwd.h>
#include <grp.h>

#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_upkeep.h"


#define NGX_HTTP_PRIVACY_RECORD_RECEIPT   1
#define NGX_HTTP_PRIVACY_RECORD_EVENT     2
#define NGX_HTTP_PRIVACY_RECORD_COOKIE    3

/*
 * Page views written by one multi-row INSERT: a statement's step, halt
 * and reset cost about as much as writing a row, so runs of events in a
 * batch share them; what is left of a run goes through the one-row
 * INSERT.  STORE_ROWS is the number of rows in EVENT_ROWS.
 */
#define NGX_HTTP_PRIVACY_STORE_ROWS     32
#define NGX_HTTP_PRIVACY_EVENT_PARAMS   8

#define NGX_HTTP_PRIVACY_ROW    "(?,?,?,?,?,?,?,?)"
#define NGX_HTTP_PRIVACY_ROW4                                                 \
    NGX_HTTP_PRIVACY_ROW "," NGX_HTTP_PRIVACY_ROW ","                         \
    NGX_HTTP_PRIVACY_ROW "," NGX_HTTP_PRIVACY_ROW
#define NGX_HTTP_PRIVACY_ROW16                                                \
    NGX_HTTP_PRIVACY_ROW4 "," NGX_HTTP_PRIVACY_ROW4 ","                       \
    NGX_HTTP_PRIVACY_ROW4 "," NGX_HTTP_PRIVACY_ROW4
#define NGX_HTTP_PRIVACY_EVENT_ROWS                                           \
    NGX_HTTP_PRIVACY_ROW16 "," NGX_HTTP_PRIVACY_ROW16


/*
 * A page view as queued: its strings (host, path, referrer, term, then
 * the visitor's hex digits) follow one another in the batch's arena,
 * so that a view fills the few bytes it needs and a record stays small:
 * the worker writes two cache lines per view instead of a dozen.
 */
typedef struct {
    time_t                           time;
    u_char                          *strings;
    uint16_t                         status;
    uint16_t                         host_len;
    uint16_t                         path_len;
    uint16_t                         referrer_len;
    uint16_t                         term_len;
    unsigned                         has_term:1;
    unsigned                         identified:1;
} ngx_http_privacy_event_record_t;


typedef struct {
    ngx_uint_t                       type;
    union {
        ngx_http_privacy_receipt_t   receipt;
        ngx_http_privacy_event_record_t  event;
        ngx_http_privacy_cookie_seen_t  cookie;
    } u;
} ngx_http_privacy_record_t;


/* the arena of a batch: room for views of 128 bytes of strings on average */
#define NGX_HTTP_PRIVACY_STORE_ARENA  (NGX_HTTP_PRIVACY_STORE_BATCH * 128)


typedef struct {
    ngx_http_privacy_record_t       *records;
    ngx_uint_t                       n;
    u_char                          *arena;
    size_t                           used;          /* of the arena */
    unsigned                         receipt:1;     /* holds a receipt */

    /* the result, set by the thread */
    int                              rc;
    char                             error[256];
} ngx_http_privacy_batch_t;


typedef struct {
    ngx_http_privacy_store_t        *store;
} ngx_http_privacy_store_task_ctx_t;


struct ngx_http_privacy_store_s {
    ngx_str_t                        path;      /* null-terminated */
    ngx_thread_pool_t               *thread_pool;

    /* touched by the thread only while a task is in flight */
    sqlite3                         *db;
    sqlite3_stmt                    *begin;
    sqlite3_stmt                    *commit;
    sqlite3_stmt                    *insert_receipt;
    sqlite3_stmt                    *insert_event;
    sqlite3_stmt                    *insert_events;    /* STORE_ROWS rows */
    sqlite3_stmt                    *upsert_cookie;

    /* checkpoints, roll-ups, sweeps: ngx_http_privacy_upkeep.c */
    ngx_http_privacy_upkeep_t        upkeep;

    ngx_http_privacy_batch_t         batches[2];
    ngx_http_privacy_batch_t        *filling;
    ngx_http_privacy_batch_t        *writing;

    ngx_thread_task_t               *task;
    ngx_event_t                      timer;
    ngx_log_t                       *log;

    ngx_uint_t                       dropped;
    ngx_uint_t                       dropped_logged;
    ngx_uint_t                       written;
    unsigned                         busy:1;
    unsigned                         failing:1;
    unsigned                         opened:1;      /* and migrated */
    /* the timer ticked while a batch was being written */
    unsigned                         due:1;
};


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

    { "INSERT INTO analytics_events (ts, host, path, status,"
      " referrer_host, search_term, visitor, identified)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      offsetof(ngx_http_privacy_store_t, insert_event) },

    /*
     * OR FAIL: a failed row fails the batch, whose transaction is rolled
     * back as a whole, so the statement need not undo its own earlier
     * rows (for which SQLite would keep a statement journal)
     */
    { "INSERT OR FAIL INTO analytics_events (ts, host, path, status,"
      " referrer_host, search_term, visitor, identified)"
      " VALUES " NGX_HTTP_PRIVACY_EVENT_ROWS,
      offsetof(ngx_http_privacy_store_t, insert_events) },

    { "INSERT INTO cookies_seen (name, category, first_seen,"
      " last_seen, sightings) VALUES (?1, ?2, ?3, ?3, 1)"
      " ON CONFLICT (name) DO UPDATE SET category = excluded.category,"
      " last_seen = excluded.last_seen, sightings = sightings + 1",
      offsetof(ngx_http_privacy_store_t, upsert_cookie) },
};


#define NGX_HTTP_PRIVACY_STORE_NSTMTS                                         \
    (sizeof(ngx_http_privacy_store_stmts)                                     \
     / sizeof(ngx_http_privacy_store_stmts[0]))

#define ngx_http_privacy_store_stmt(s, i)                                     \
    ((sqlite3_stmt **) ((u_char *) (s)                                        \
                        + ngx_http_privacy_store_stmts[i].offset))


static ngx_thread_task_t *ngx_http_privacy_store_task(
    ngx_http_privacy_store_t *s, ngx_cycle_t *cycle,
    void (*handler)(void *data, ngx_log_t *log), ngx_event_handler_pt done);
static void ngx_http_privacy_store_timer_handler(ngx_event_t *ev);
static void ngx_http_privacy_store_post(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_store_done(ngx_event_t *ev);
static int ngx_http_privacy_store_open(ngx_http_privacy_store_t *s,
    char *err, size_t err_len);
static int ngx_http_privacy_store_write(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b);
static void ngx_http_privacy_store_close(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_written(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b);
static ngx_int_t ngx_http_privacy_store_push(ngx_http_privacy_store_t *s,
    ngx_http_privacy_record_t **rec, size_t strings);
static void ngx_http_privacy_store_bind_event(sqlite3_stmt *st, int base,
    ngx_http_privacy_event_record_t *ev);


char *
ngx_http_privacy_store_check(ngx_conf_t *cf, ngx_str_t *path)
{
    u_char           *p, *dir;
    ngx_uid_t         uid;
    ngx_gid_t         gid;
    ngx_file_info_t   fi;
    ngx_core_conf_t  *ccf;
    struct passwd    *pwd;

    dir = ngx_pnalloc(cf->pool, path->len + 1);
    if (dir == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(dir, path->data, path->len);
    *p = '\0';

    while (p > dir && *p != '/') {
        p--;
    }

    if (p == dir) {
        /* the root directory: "/privacy.db" */
        p++;
    }

    *p = '\0';

    if (ngx_file_info(dir, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_db \"%V\": directory \"%s\" "
                           "is not accessible", path, dir);
        return NGX_CONF_ERROR;
    }

    if (!ngx_is_dir(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_db \"%V\": \"%s\" is not a directory",
                           path, dir);
        return NGX_CONF_ERROR;
    }

    /*
     * Workers open the database under the "user" account: when the master
     * runs as root, check the directory's permissions for that account
     * (the "user" directive if already given, else nginx's default).
     */

    if (geteuid() != 0) {
        if (access((char *) dir, W_OK|X_OK) != 0) {
            goto unwritable;
        }

        return NGX_CONF_OK;
    }

    ccf = (ngx_core_conf_t *) ngx_get_conf(cf->cycle->conf_ctx,
                                           ngx_core_module);

    if (ccf->user != (ngx_uid_t) NGX_CONF_UNSET_UINT) {
        uid = ccf->user;
        gid = ccf->group;

    } else {
        pwd = getpwnam(NGX_USER);
        if (pwd == NULL) {
            return NGX_CONF_OK;
        }

        uid = pwd->pw_uid;
        gid = pwd->pw_gid;
    }

    if (uid == 0) {
        return NGX_CONF_OK;
    }

    if (fi.st_uid == uid) {
        if ((fi.st_mode & (S_IWUSR|S_IXUSR)) == (S_IWUSR|S_IXUSR)) {
            return NGX_CONF_OK;
        }

    } else if (fi.st_gid == gid) {
        if ((fi.st_mode & (S_IWGRP|S_IXGRP)) == (S_IWGRP|S_IXGRP)) {
            return NGX_CONF_OK;
        }

    } else if ((fi.st_mode & (S_IWOTH|S_IXOTH)) == (S_IWOTH|S_IXOTH)) {
        return NGX_CONF_OK;
    }

unwritable:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "privacy_db \"%V\": directory \"%s\" is not "
                       "writable by the worker processes' user", path, dir);
    return NGX_CONF_ERROR;
}


ngx_int_t
ngx_http_privacy_store_retention(ngx_http_privacy_store_t *s,
    ngx_str_t *category, ngx_str_t *text)
{
    return ngx_http_privacy_upkeep_retention(&s->upkeep, category, text);
}


void
ngx_http_privacy_store_sweeps(ngx_http_privacy_store_t *s, time_t interval,
    time_t consent_max_age, ngx_uint_t dry_run)
{
    s->upkeep.sweep_interval = interval;
    s->upkeep.consent_max_age = consent_max_age;
    s->upkeep.sweep_dry = dry_run;
}


ngx_http_privacy_store_t *
ngx_http_privacy_store_create(ngx_conf_t *cf, ngx_str_t *path,
    ngx_thread_pool_t *tp)
{
    ngx_http_privacy_store_t  *s;

    s = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_store_t));
    if (s == NULL) {
        return NULL;
    }

    s->path.len = path->len;
    s->path.data = ngx_pnalloc(cf->pool, path->len + 1);
    if (s->path.data == NULL) {
        return NULL;
    }

    ngx_memcpy(s->path.data, path->data, path->len);
    s->path.data[path->len] = '\0';

    s->thread_pool = tp;

    return s;
}


/* a task of this store: handler runs in a pool thread, done after it */

static ngx_thread_task_t *
ngx_http_privacy_store_task(ngx_http_privacy_store_t *s, ngx_cycle_t *cycle,
    void (*handler)(void *data, ngx_log_t *log), ngx_event_handler_pt done)
{
    ngx_thread_task_t                  *task;
    ngx_http_privacy_store_task_ctx_t  *ctx;

    task = ngx_thread_task_alloc(cycle->pool,
                                 sizeof(ngx_http_privacy_store_task_ctx_t));
    if (task == NULL) {
        return NULL;
    }

    ctx = task->ctx;
    ctx->store = s;

    task->handler = handler;
    task->event.handler = done;
    task->event.data = s;

    return task;
}


ngx_int_t
ngx_http_privacy_store_init_process(ngx_http_privacy_store_t *s,
    ngx_cycle_t *cycle)
{
    ngx_uint_t  i;

    s->log = cycle->log;

    for (i = 0; i < 2; i++) {
        s->batches[i].records = ngx_alloc(NGX_HTTP_PRIVACY_STORE_BATCH
                                          * sizeof(ngx_http_privacy_record_t),
                                          cycle->log);
        if (s->batches[i].records == NULL) {
            return NGX_ERROR;
        }

        s->batches[i].arena = ngx_alloc(NGX_HTTP_PRIVACY_STORE_ARENA,
                                        cycle->log);
        if (s->batches[i].arena == NULL) {
            return NGX_ERROR;
        }
    }

    s->filling = &s->batches[0];
    s->writing = &s->batches[1];

    s->task = ngx_http_privacy_store_task(s, cycle,
                                          ngx_http_privacy_store_thread,
                                          ngx_http_privacy_store_done);

    if (s->task == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_upkeep_init_process(&s->upkeep, &s->path,
                                             s->thread_pool, cycle)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    s->timer.handler = ngx_http_privacy_store_timer_handler;
    s->timer.data = s;
    s->timer.log = cycle->log;
    s->timer.cancelable = 1;

    /* the first tick opens and migrates the database in the thread */
    ngx_add_timer(&s->timer, 1);

    return NGX_OK;
}


void
ngx_http_privacy_store_exit_process(ngx_http_privacy_store_t *s,
    ngx_cycle_t *cycle)
{
    ngx_uint_t                 i, level;
    ngx_http_privacy_batch_t  *b;
    char                       err[256];

    if (s->task == NULL) {
        return;
    }

    /*
     * The thread pool module exits before this one and waits for queued
     * tasks, so no thread runs any more; a task that finished without
     * its completion event having run has already written its batch.
     */

    if (s->busy && s->writing->rc == SQLITE_OK) {
        ngx_http_privacy_store_written(s, s->writing);
    }

    s->busy = 0;

    ngx_http_privacy_upkeep_exit_process(&s->upkeep);

    for (i = 0; i < 2; i++) {
        b = (i == 0) ? s->writing : s->filling;

        if (b->n == 0) {
            continue;
        }

        if (s->db == NULL
            && ngx_http_privacy_store_open(s, err, sizeof(err)) != SQLITE_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                          "privacy_db \"%V\": %ui records lost on exit: %s",
                          &s->path, s->writing->n + s->filling->n, err);
            break;
        }

        if (ngx_http_privacy_store_write(s, b) != SQLITE_OK) {
            ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                          "privacy_db \"%V\": %ui records lost on exit: %s",
                          &s->path, b->n, b->error);
            continue;
        }

        ngx_http_privacy_store_written(s, b);
    }

    ngx_http_privacy_store_close(s);

    level = s->dropped ? NGX_LOG_WARN : NGX_LOG_NOTICE;

    ngx_log_error(level, cycle->log, 0,
                  "privacy_db \"%V\": %ui records written, %ui dropped "
                  "by this worker", &s->path, s->written, s->dropped);

    for (i = 0; i < 2; i++) {
        ngx_free(s->batches[i].records);
        s->batches[i].records = NULL;
        ngx_free(s->batches[i].arena);
        s->batches[i].arena = NULL;
    }
}


ngx_int_t
ngx_http_privacy_store_receipt(ngx_http_privacy_store_t *s,
    ngx_http_privacy_receipt_t *rc)
{
    ngx_http_privacy_record_t  *rec;

    if (ngx_http_privacy_store_push(s, &rec, 0) != NGX_OK) {
        return NGX_DECLINED;
    }

    rec->type = NGX_HTTP_PRIVACY_RECORD_RECEIPT;
    rec->u.receipt = *rc;

    /*
     * receipts are rare and prove consent: write them at once, or as soon
     * as the batch being written is done
     */
    s->filling->receipt = 1;
    ngx_http_privacy_store_post(s);

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_store_cookie_seen(ngx_http_privacy_store_t *s,
    ngx_http_privacy_cookie_seen_t *cs)
{
    ngx_http_privacy_record_t  *rec;

    if (ngx_http_privacy_store_push(s, &rec, 0) != NGX_OK) {
        return NGX_DECLINED;
    }

    rec->type = NGX_HTTP_PRIVACY_RECORD_COOKIE;
    rec->u.cookie = *cs;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_store_event(ngx_http_privacy_store_t *s,
    ngx_http_privacy_event_t *ev)
{
    u_char                           *p;
    size_t                            term_len;
    ngx_http_privacy_record_t        *rec;
    ngx_http_privacy_event_record_t  *er;

    term_len = ev->has_term ? ev->term_len : 0;

    if (ngx_http_privacy_store_push(s, &rec,
                                    ev->host_len + ev->path_len
                                    + ev->referrer_len + term_len
                                    + sizeof(ev->visitor))
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    rec->type = NGX_HTTP_PRIVACY_RECORD_EVENT;

    er = &rec->u.event;
    er->time = ev->time;
    er->status = (uint16_t) ev->status;
    er->host_len = (uint16_t) ev->host_len;
    er->path_len = (uint16_t) ev->path_len;
    er->referrer_len = (uint16_t) ev->referrer_len;
    er->term_len = (uint16_t) term_len;
    er->has_term = ev->has_term ? 1 : 0;
    er->identified = ev->identified ? 1 : 0;

    p = s->filling->arena + s->filling->used;
    er->strings = p;

    p = ngx_cpymem(p, ev->host, ev->host_len);
    p = ngx_cpymem(p, ev->path, ev->path_len);
    p = ngx_cpymem(p, ev->referrer, ev->referrer_len);
    p = ngx_cpymem(p, ev->term, term_len);
    p = ngx_cpymem(p, ev->visitor, sizeof(ev->visitor));

    s->filling->used = p - s->filling->arena;

    if (s->filling->n >= NGX_HTTP_PRIVACY_STORE_EAGER) {
        ngx_http_privacy_store_post(s);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_store_push(ngx_http_privacy_store_t *s,
    ngx_http_privacy_record_t **rec, size_t strings)
{
    if (s->filling == NULL
        || s->filling->n == NGX_HTTP_PRIVACY_STORE_BATCH
        || s->filling->used + strings > NGX_HTTP_PRIVACY_STORE_ARENA)
    {
        /* never wait for the writer: count, and say so once a second */
        if (s->dropped++ == s->dropped_logged) {
            ngx_log_error(NGX_LOG_ERR, s->log, 0,
                          "privacy_db \"%V\": write queue full, records "
                          "dropped (%ui so far)", &s->path, s->dropped);
        }

        return NGX_DECLINED;
    }

    *rec = &s->filling->records[s->filling->n++];

    return NGX_OK;
}


static void
ngx_http_privacy_store_timer_handler(ngx_event_t *ev)
{
    ngx_http_privacy_store_t  *s = ev->data;

    /* if a batch is being written, the next one follows it at once */
    s->due = 1;

    ngx_http_privacy_store_post(s);

    ngx_http_privacy_upkeep_tick(&s->upkeep, s->opened, s->written);

    s->dropped_logged = s->dropped;

    if (!ngx_exiting) {
        ngx_add_timer(&s->timer, NGX_HTTP_PRIVACY_STORE_INTERVAL);
    }
}


static void
ngx_http_privacy_store_post(ngx_http_privacy_store_t *s)
{
    ngx_http_privacy_batch_t  *b;

    if (s->busy) {
        return;
    }

    /* a failed batch is retried before newer records are written */

    if (s->writing->n == 0) {
        s->due = 0;

        if (s->filling->n == 0 && s->db != NULL) {
            return;
        }

        b = s->writing;
        s->writing = s->filling;
        s->filling = b;
    }

    s->writing->rc = SQLITE_OK;
    s->writing->error[0] = '\0';

    if (ngx_thread_task_post(s->thread_pool, s->task) != NGX_OK) {
        /* the pool has logged why; the timer retries */
        return;
    }

    s->busy = 1;
}


static void
ngx_http_privacy_store_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_store_task_ctx_t  *ctx = data;

    ngx_http_privacy_store_t  *s;
    ngx_http_privacy_batch_t  *b;

    s = ctx->store;
    b = s->writing;

    if (s->db == NULL) {
        b->rc = ngx_http_privacy_store_open(s, b->error, sizeof(b->error));
        if (b->rc != SQLITE_OK) {
            return;
        }
    }

    if (b->n) {
        b->rc = ngx_http_privacy_store_write(s, b);
    }
}


static void
ngx_http_privacy_store_done(ngx_event_t *ev)
{
    ngx_http_privacy_store_t  *s = ev->data;

    ngx_http_privacy_batch_t  *b;

    s->busy = 0;
    b = s->writing;

    if (b->rc != SQLITE_OK) {
        if (!s->failing) {
            ngx_log_error(NGX_LOG_ERR, s->log, 0,
                          "privacy_db \"%V\": %s; %ui records kept for retry",
                          &s->path, b->error, b->n);
        }

        s->failing = 1;
        return;
    }

    if (s->failing) {
        ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                      "privacy_db \"%V\": writing again", &s->path);
        s->failing = 0;
    }

    s->opened = 1;

    ngx_http_privacy_store_written(s, b);

    /*
     * Page views wait for STORE_EAGER of them or the timer: writing
     * whatever came in meanwhile would make transactions of a few rows
     * when the writer keeps up.  The exit handler writes what is left.
     */

    if (s->filling->n >= NGX_HTTP_PRIVACY_STORE_EAGER
        || s->filling->receipt
        || s->due)
    {
        ngx_http_privacy_store_post(s);
    }
}


static int
ngx_http_privacy_store_open(ngx_http_privacy_store_t *s, char *err,
    size_t err_len)
{
    int          rc, fd;
    sqlite3     *db;
    ngx_uint_t   i;

    /*
     * NOMUTEX: one thread at a time uses the connection (one task in
     * flight per worker, then the exiting worker itself).
     */
    /*
     * A new register is created 0600 here (an empty file is an empty
     * database); SQLite gives its -wal and -shm the database's mode.
     * Not umask(): it is the process's, and the event loop runs on.
     */
    fd = open((char *) s->path.data, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600);
    if (fd != -1) {
        close(fd);
    }

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
        sqlite3_close(db);
        return rc;
    }

    rc = ngx_http_privacy_schema_migrate(db, err, err_len);
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


static int
ngx_http_privacy_store_write(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b)
{
    int                              rc;
    u_char                           cats[64];
    size_t                           len;
    ngx_uint_t                       i, k, end;
    sqlite3_stmt                    *st;
    ngx_http_privacy_receipt_t      *r;
    ngx_http_privacy_cookie_seen_t  *c;

    rc = sqlite3_step(s->begin);
    sqlite3_reset(s->begin);

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    /* records[i] to records[end - 1] are events */
    end = 0;

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
                ngx_http_privacy_store_bind_event(st, 0,
                                                  &b->records[i].u.event);
                break;
            }

            st = s->insert_events;

            for (k = 0; k < NGX_HTTP_PRIVACY_STORE_ROWS; k++) {
                ngx_http_privacy_store_bind_event(st,
                    k * NGX_HTTP_PRIVACY_EVENT_PARAMS,
                    &b->records[i + k].u.event);
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
 * Binds parameters base + 1 to base + 8.  Every parameter is bound, NULL
 * included: no clear_bindings() needed.
 */

static void
ngx_http_privacy_store_bind_event(sqlite3_stmt *st, int base,
    ngx_http_privacy_event_record_t *ev)
{
    u_char  *p;

    p = ev->strings;

    sqlite3_bind_int64(st, base + 1, ev->time);
    sqlite3_bind_text(st, base + 2, (char *) p, ev->host_len, SQLITE_STATIC);
    p += ev->host_len;
    sqlite3_bind_text(st, base + 3, (char *) p, ev->path_len, SQLITE_STATIC);
    p += ev->path_len;
    sqlite3_bind_int(st, base + 4, ev->status);

    if (ev->referrer_len) {
        sqlite3_bind_text(st, base + 5, (char *) p, ev->referrer_len,
                          SQLITE_STATIC);
        p += ev->referrer_len;

    } else {
        sqlite3_bind_null(st, base + 5);
    }

    if (ev->has_term) {
        sqlite3_bind_text(st, base + 6, (char *) p, ev->term_len,
                          SQLITE_STATIC);
        p += ev->term_len;

    } else {
        sqlite3_bind_null(st, base + 6);
    }

    sqlite3_bind_text(st, base + 7, (char *) p, NGX_HTTP_PRIVACY_VISITOR_LEN,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, base + 8, ev->identified);
}


/* a batch is in the database: count it, and empty it for new records */

static void
ngx_http_privacy_store_written(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b)
{
    s->written += b->n;
    b->n = 0;
    b->used = 0;
    b->receipt = 0;
}


static void
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
