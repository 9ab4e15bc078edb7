/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>
#include <pwd.h>
#include <grp.h>
#include <sys/file.h>

#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_sweep.h"


/*
 * A retention sweep deletes rows in transactions of this many rows
 * (each holds the writers back for some milliseconds, and is followed by
 * a pause as long), and at most this many transactions per category and
 * upkeep run, once a second: up to 200,000 rows a second, the register
 * free for the writers at least half of the time, and a worker's exit
 * delayed by one run at most (~0.5 s)
 */
#define NGX_HTTP_PRIVACY_SWEEP_BATCH  5000
#define NGX_HTTP_PRIVACY_SWEEP_RUN    40

/* the categories swept here */
#define NGX_HTTP_PRIVACY_SWEPT  NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES

/* a worker that finds another sweeping looks again this often at most */
#define NGX_HTTP_PRIVACY_SWEEP_LOOK   60

/* what an upkeep run's sweep did (set by the thread) */
#define NGX_HTTP_PRIVACY_SWEEP_FAILED     0
#define NGX_HTTP_PRIVACY_SWEEP_LOCKED     1   /* another worker sweeps */
#define NGX_HTTP_PRIVACY_SWEEP_NOT_DUE    2
#define NGX_HTTP_PRIVACY_SWEEP_GOING      3   /* to be continued */
#define NGX_HTTP_PRIVACY_SWEEP_DONE       4

/*
 * Opening the register, a worker retries for this long (milliseconds)
 * when SQLite says "database is locked" without having waited: the
 * workers of a first start all switch the new file to WAL at once.
 */
#define NGX_HTTP_PRIVACY_STORE_OPEN_WAIT  10000


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

    /*
     * Upkeep (WAL checkpoints, daily roll-ups, retention sweeps) runs on
     * a connection of its own, in a task of its own: the writer never
     * waits for the database file's fsync or for a roll-up's reads
     */
    sqlite3                         *upkeep_db;
    ngx_thread_task_t               *upkeep_task;
    ngx_uint_t                       ckpt_written;   /* at the last post */
    int                              ckpt_rc;
    char                             ckpt_error[256];
    time_t                           rollup_day;     /* rolled up that day */
    time_t                           rollup_retry;   /* after a failure */
    int                              rollup_rc;
    char                             rollup_error[256];

    /*
     * Retention sweeps (ngx_http_privacy_sweep.c): the periods of the
     * categories swept (an empty text: kept), every sweep_interval, by
     * the one worker that holds the lock (see ngx_http_privacy_store_sweep)
     */
    ngx_str_t                        sweep_text[NGX_HTTP_PRIVACY_SWEPT];
    ngx_http_privacy_period_t        sweep_period[NGX_HTTP_PRIVACY_SWEPT];
    time_t                           sweep_interval;
    time_t                           consent_max_age;
    time_t                           sweep_next;     /* look then */
    ngx_uint_t                       sweep_dry;      /* count, keep all */
    /* set by the thread; the lock and record kept from run to run */
    int                              sweep_lock;     /* a file descriptor */
    sqlite3_int64                    sweep_id;       /* its record */
    time_t                           sweep_start;
    int                              sweep_category; /* being swept */
    time_t                           sweep_cutoff[NGX_HTTP_PRIVACY_SWEPT];
    ngx_http_privacy_sweep_count_t   sweep_count[NGX_HTTP_PRIVACY_SWEPT];
    int                              sweep_state;
    time_t                           sweep_due;      /* NOT_DUE: when */
    char                             sweep_error[256];
    unsigned                         sweep_lock_open:1;
    unsigned                         sweeping:1;     /* locked, recorded */
    unsigned                         upkeep_busy:1;
    unsigned                         upkeep_rollup:1;  /* this task rolls up */
    unsigned                         upkeep_sweep:1;   /* and sweeps */
    unsigned                         ckpt_failing:1;

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
static void ngx_http_privacy_store_upkeep(void *data, ngx_log_t *log);
static void ngx_http_privacy_store_upkeep_done(ngx_event_t *ev);
static void ngx_http_privacy_store_swept(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_unlock(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_sweep(ngx_http_privacy_store_t *s);
static int ngx_http_privacy_store_sweep_start(ngx_http_privacy_store_t *s,
    time_t now);
static int ngx_http_privacy_store_checkpoint(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_post(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_store_done(ngx_event_t *ev);
static int ngx_http_privacy_store_open(ngx_http_privacy_store_t *s,
    char *err, size_t err_len);
static void ngx_http_privacy_store_create_file(ngx_http_privacy_store_t *s);
static int ngx_http_privacy_store_configure(sqlite3 *db, char *err,
    size_t err_len);
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
    ngx_uint_t   i;
    const char  *name;

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        name = ngx_http_privacy_sweep_names[i];

        if (category->len == ngx_strlen(name)
            && ngx_strncmp(category->data, name, category->len) == 0)
        {
            if (ngx_http_privacy_period_parse(text->data, text->len,
                                              &s->sweep_period[i])
                != 0)
            {
                return NGX_ERROR;
            }

            s->sweep_text[i] = *text;
            return NGX_OK;
        }
    }

    /* a category kept in the subject register: not swept here */
    return NGX_DECLINED;
}


void
ngx_http_privacy_store_sweeps(ngx_http_privacy_store_t *s, time_t interval,
    time_t consent_max_age, ngx_uint_t dry_run)
{
    s->sweep_interval = interval;
    s->consent_max_age = consent_max_age;
    s->sweep_dry = dry_run;
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

    s->upkeep_task = ngx_http_privacy_store_task(s, cycle,
                         ngx_http_privacy_store_upkeep,
                         ngx_http_privacy_store_upkeep_done);

    if (s->task == NULL || s->upkeep_task == NULL) {
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

    if (s->upkeep_db) {
        (void) sqlite3_close(s->upkeep_db);
        s->upkeep_db = NULL;
    }

    /* a sweep stopped here is taken up by the next worker that looks */
    ngx_http_privacy_store_unlock(s);

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

    ngx_uint_t  i, rollup, sweep;

    /* if a batch is being written, the next one follows it at once */
    s->due = 1;

    ngx_http_privacy_store_post(s);

    /*
     * Roll-ups once a day (and at start), by one worker: they would all
     * compute the same.  Not before the writer has migrated the register.
     */
    rollup = ngx_worker == 0 && s->opened
             && s->rollup_day != ngx_time() / 86400
             && ngx_time() >= s->rollup_retry;

    /*
     * retention: every worker looks every sweep_interval (and a sweep
     * goes on every second until done); the lock lets one sweep
     */
    sweep = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        if (s->sweep_text[i].len) {
            sweep = s->opened && !ngx_exiting && ngx_time() >= s->sweep_next;
        }
    }

    if (!s->upkeep_busy
        && (rollup || sweep || s->written != s->ckpt_written))
    {
        s->upkeep_rollup = rollup;
        s->upkeep_sweep = sweep;

        if (ngx_thread_task_post(s->thread_pool, s->upkeep_task) == NGX_OK) {
            s->upkeep_busy = 1;
            s->ckpt_written = s->written;
        }
    }

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


static void
ngx_http_privacy_store_upkeep_done(ngx_event_t *ev)
{
    ngx_http_privacy_store_t  *s = ev->data;

    s->upkeep_busy = 0;

    if (s->upkeep_rollup) {
        if (s->rollup_rc == SQLITE_OK) {
            s->rollup_day = ngx_time() / 86400;

        } else {
            /* a roll-up reads days of rows: not again every second */
            ngx_log_error(NGX_LOG_ERR, s->log, 0,
                          "privacy_db \"%V\": %s; retried in a minute",
                          &s->path, s->rollup_error);
            s->rollup_retry = ngx_time() + 60;
        }
    }

    if (s->upkeep_sweep) {
        ngx_http_privacy_store_swept(s);
    }

    if (s->ckpt_rc != SQLITE_OK) {
        if (!s->ckpt_failing) {
            ngx_log_error(NGX_LOG_ERR, s->log, 0,
                          "privacy_db \"%V\": %s", &s->path, s->ckpt_error);
        }

        s->ckpt_failing = 1;
        return;
    }

    if (s->ckpt_failing) {
        ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                      "privacy_db \"%V\": checkpoints work again", &s->path);
        s->ckpt_failing = 0;
    }
}


/* after an upkeep run that swept: its result, and the log once it is done */

static void
ngx_http_privacy_store_swept(ngx_http_privacy_store_t *s)
{
    int                              i;
    time_t                           look;
    ngx_tm_t                         tm;
    ngx_str_t                       *text;
    const char                      *dry;
    ngx_http_privacy_sweep_count_t  *c;

    look = s->sweep_interval < NGX_HTTP_PRIVACY_SWEEP_LOOK
           ? s->sweep_interval : NGX_HTTP_PRIVACY_SWEEP_LOOK;

    switch (s->sweep_state) {

    case NGX_HTTP_PRIVACY_SWEEP_LOCKED:
        s->sweep_next = ngx_time() + look;
        return;

    case NGX_HTTP_PRIVACY_SWEEP_NOT_DUE:
        s->sweep_next = s->sweep_due;
        return;

    case NGX_HTTP_PRIVACY_SWEEP_GOING:
        if (ngx_exiting) {
            /* a reload: the new workers take the sweep up */
            ngx_http_privacy_store_unlock(s);
        }

        return;

    case NGX_HTTP_PRIVACY_SWEEP_FAILED:
        ngx_log_error(NGX_LOG_ERR, s->log, 0,
                      "privacy_db \"%V\": %s; retried in a minute",
                      &s->path, s->sweep_error);
        s->sweep_next = ngx_time() + 60;

        if (ngx_exiting) {
            ngx_http_privacy_store_unlock(s);
        }

        return;
    }

    /* done: a line per category */

    dry = s->sweep_dry ? " (dry run)" : "";

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        text = &s->sweep_text[i];

        if (text->len == 0) {
            continue;
        }

        c = &s->sweep_count[i];
        ngx_gmtime(s->sweep_cutoff[i], &tm);

        switch (i) {

        case NGX_HTTP_PRIVACY_SWEEP_ANALYTICS:
            ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %L page "
                          "views from before %4d-%02d-%02d %s in %T s "
                          "(privacy_retention analytics %V)", &s->path, dry,
                          (int64_t) (s->sweep_dry ? c->examined : c->deleted),
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          s->sweep_dry ? "to be deleted" : "deleted",
                          ngx_time() - s->sweep_start, text);
            break;

        case NGX_HTTP_PRIVACY_SWEEP_AGGREGATE:
            ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %L daily "
                          "aggregates of days before %4d-%02d-%02d %s "
                          "(privacy_retention analytics_aggregate %V)",
                          &s->path, dry,
                          (int64_t) (s->sweep_dry ? c->examined : c->deleted),
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          s->sweep_dry ? "to be deleted" : "deleted", text);
            break;

        default: /* NGX_HTTP_PRIVACY_SWEEP_CONSENT */
            ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %L consent "
                          "receipts whose consent ended before "
                          "%4d-%02d-%02d %s (privacy_retention consent %V)",
                          &s->path, dry,
                          (int64_t) (s->sweep_dry ? c->examined : c->deleted),
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          s->sweep_dry ? "to be deleted" : "deleted", text);
            break;
        }
    }

    s->sweep_next = ngx_time() + s->sweep_interval;
}


/* lets another worker sweep (the lock also dies with the process) */

static void
ngx_http_privacy_store_unlock(ngx_http_privacy_store_t *s)
{
    if (s->sweep_lock_open) {
        (void) close(s->sweep_lock);
        s->sweep_lock_open = 0;
    }

    s->sweeping = 0;
}


/* the functions below run in a pool thread (or at exit): no nginx calls */


/* the upkeep task: the day's roll-up when asked, then a checkpoint */

static void
ngx_http_privacy_store_upkeep(void *data, ngx_log_t *log)
{
    ngx_http_privacy_store_task_ctx_t  *ctx = data;

    int                        rc;
    ngx_http_privacy_store_t  *s;

    s = ctx->store;

    if (s->upkeep_rollup) {
        /* until it has run */
        s->rollup_rc = SQLITE_CANTOPEN;
        snprintf(s->rollup_error, sizeof(s->rollup_error),
                 "roll-up not run: the register cannot be opened");
    }

    if (s->upkeep_sweep) {
        s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
        snprintf(s->sweep_error, sizeof(s->sweep_error),
                 "retention sweep not run: the register cannot be opened");
    }

    if (s->upkeep_db == NULL) {
        rc = sqlite3_open_v2((char *) s->path.data, &s->upkeep_db,
                             SQLITE_OPEN_READWRITE|SQLITE_OPEN_NOMUTEX,
                             NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        /*
         * RESTART holds new writes back while it waits for the writer
         * and for readers (a DPO report, say): never for long, as the
         * writer's queue lasts a fraction of a second at full load; a
         * restart given up is tried again a second later.  A roll-up's
         * short copy, and a sweep's batch, wait as briefly for the
         * writers.
         */
        sqlite3_busy_timeout(s->upkeep_db, 100);

        /*
         * what a sweep deletes is overwritten with zeros, not left in
         * free pages of the file
         */
        rc = sqlite3_exec(s->upkeep_db, "PRAGMA secure_delete=ON", NULL,
                          NULL, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        /*
         * A connection learns that the database is in WAL mode from its
         * first read; until then sqlite3_wal_checkpoint_v2() does nothing
         * and says SQLITE_OK (and the writer's own autocheckpoint, in
         * the writer, would end up doing the work on every commit).
         */
        rc = sqlite3_exec(s->upkeep_db, "PRAGMA schema_version", NULL, NULL,
                          NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    if (s->upkeep_rollup) {
        s->rollup_rc = ngx_http_privacy_rollup(s->upkeep_db, time(NULL),
                                               s->rollup_error,
                                               sizeof(s->rollup_error));
    }

    if (s->upkeep_sweep) {
        ngx_http_privacy_store_sweep(s);
    }

    rc = ngx_http_privacy_store_checkpoint(s);

    if (rc == SQLITE_OK) {
        s->ckpt_rc = SQLITE_OK;
        return;
    }

failed:

    s->ckpt_rc = rc;
    snprintf(s->ckpt_error, sizeof(s->ckpt_error), "checkpoint failed: %s",
             s->upkeep_db ? sqlite3_errmsg(s->upkeep_db) : sqlite3_errstr(rc));

    /* reopen next time: the file may have been replaced */
    (void) sqlite3_close(s->upkeep_db);
    s->upkeep_db = NULL;
}


/*
 * One sweeper.  Every worker looks every privacy_sweep_interval; a sweep
 * is run by the worker that holds an exclusive flock() on "<db>.sweep",
 * from its start to its end (through as many upkeep runs as it takes).
 * The kernel drops the lock with the process: a worker killed mid-sweep
 * (a crash, kill -9) holds nothing, no lease must first run out, and the
 * next worker to look takes the sweep up; an old worker exiting after a
 * reload lets go at its next run.  Whether a sweep is due is read, under
 * the lock, from the sweep records in the register: one that never
 * finished does not count, so a stopped sweep is run again at once.  The
 * register, not the lock, makes the work safe to repeat: each batch is
 * a transaction, and a sweep resumes from whatever rows are left.
 */

static void
ngx_http_privacy_store_sweep(ngx_http_privacy_store_t *s)
{
    int                              c, rc, more;
    char                             err[256];
    time_t                           now;
    ngx_http_privacy_sweep_t         sw;
    ngx_http_privacy_sweep_count_t   count;

    now = time(NULL);

    if (!s->sweeping) {
        rc = ngx_http_privacy_store_sweep_start(s, now);

        if (rc != SQLITE_OK || !s->sweeping) {
            return;
        }
    }

    s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_GOING;

    for (c = s->sweep_category; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++)
    {
        s->sweep_category = c;

        if (s->sweep_text[c].len == 0) {
            continue;
        }

        sw.category = c;
        sw.cutoff = s->sweep_cutoff[c];
        sw.max_age = s->consent_max_age;
        sw.batch = NGX_HTTP_PRIVACY_SWEEP_BATCH;
        sw.max_batches = NGX_HTTP_PRIVACY_SWEEP_RUN;
        sw.dry_run = s->sweep_dry;

        ngx_memzero(&count, sizeof(count));

        rc = ngx_http_privacy_sweep_category(s->upkeep_db, &sw, &count,
                                             &more, s->sweep_error,
                                             sizeof(s->sweep_error));

        s->sweep_count[c].examined += count.examined;
        s->sweep_count[c].deleted += count.deleted;
        s->sweep_count[c].held += count.held;
        s->sweep_count[c].asked += count.asked;

        /* what was deleted is recorded, also when the sweep failed */
        if (ngx_http_privacy_sweep_count(s->upkeep_db, s->sweep_id, c,
                (char *) s->sweep_text[c].data, sw.cutoff, &count, err,
                sizeof(err))
            != SQLITE_OK && rc == SQLITE_OK)
        {
            rc = SQLITE_ERROR;
            ngx_cpystrn((u_char *) s->sweep_error, (u_char *) err,
                        sizeof(s->sweep_error));
        }

        if (rc != SQLITE_OK) {
            s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
            return;
        }

        if (more) {
            return;
        }
    }

    s->sweep_category = NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES;

    if (ngx_http_privacy_sweep_end(s->upkeep_db, s->sweep_id, time(NULL),
                                   s->sweep_error, sizeof(s->sweep_error))
        != SQLITE_OK)
    {
        s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
        return;
    }

    (void) flock(s->sweep_lock, LOCK_UN);
    s->sweeping = 0;
    s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_DONE;
}


/* takes the lock and, if a sweep is due, starts one: SQLITE_OK or not */

static int
ngx_http_privacy_store_sweep_start(ngx_http_privacy_store_t *s, time_t now)
{
    int   c, rc, due;
    char  file[NGX_MAX_PATH];

    if (!s->sweep_lock_open) {
        snprintf(file, sizeof(file), "%s.sweep", (char *) s->path.data);

        /* CLOEXEC: a command run from a pool thread must not inherit it */
        s->sweep_lock = open(file, O_RDWR|O_CREAT|O_CLOEXEC, 0600);

        if (s->sweep_lock == -1) {
            /* the log line names the register; the file is beside it */
            snprintf(s->sweep_error, sizeof(s->sweep_error),
                     "retention sweep: the lock file \".sweep\" cannot be "
                     "opened (errno %d)", errno);
            return SQLITE_CANTOPEN;
        }

        s->sweep_lock_open = 1;
    }

    if (flock(s->sweep_lock, LOCK_EX|LOCK_NB) == -1) {
        if (errno == EWOULDBLOCK) {
            s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_LOCKED;
            return SQLITE_OK;
        }

        snprintf(s->sweep_error, sizeof(s->sweep_error),
                 "retention sweep: flock() failed (errno %d)", errno);
        return SQLITE_IOERR;
    }

    rc = ngx_http_privacy_sweep_due(s->upkeep_db, now, s->sweep_interval,
                                    s->sweep_dry, &due, &s->sweep_due,
                                    s->sweep_error, sizeof(s->sweep_error));
    if (rc != SQLITE_OK) {
        goto failed;
    }

    if (!due) {
        (void) flock(s->sweep_lock, LOCK_UN);
        s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_NOT_DUE;
        return SQLITE_OK;
    }

    /* no page view goes before its day is rolled up, whoever rolls up */
    if (s->sweep_text[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS].len) {
        rc = ngx_http_privacy_rollup(s->upkeep_db, now, s->sweep_error,
                                     sizeof(s->sweep_error));
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    rc = ngx_http_privacy_sweep_begin(s->upkeep_db, now, s->sweep_dry,
                                      (long) getpid(), &s->sweep_id,
                                      s->sweep_error, sizeof(s->sweep_error));
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (c = 0; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++) {
        s->sweep_cutoff[c] = ngx_http_privacy_period_cutoff(now,
                                                      &s->sweep_period[c]);
        ngx_memzero(&s->sweep_count[c], sizeof(s->sweep_count[c]));
    }

    s->sweep_cutoff[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS] =
        ngx_http_privacy_sweep_cutoff(now,
            &s->sweep_period[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS]);

    /*
     * the roll-ups are computed from the page views still there: they
     * are never deleted before them, or the next roll-up would bring
     * them back
     */
    if (s->sweep_text[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS].len
        && s->sweep_cutoff[NGX_HTTP_PRIVACY_SWEEP_AGGREGATE]
           > s->sweep_cutoff[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS])
    {
        s->sweep_cutoff[NGX_HTTP_PRIVACY_SWEEP_AGGREGATE] =
            s->sweep_cutoff[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS];
    }

    s->sweep_start = now;
    s->sweep_category = 0;
    s->sweeping = 1;

    return SQLITE_OK;

failed:

    (void) flock(s->sweep_lock, LOCK_UN);
    s->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;

    return rc;
}


/*
 * Copies the WAL into the database file and starts it over (see below),
 * so that the writer's own automatic checkpoint, with its fsync, is not
 * needed.
 */

static int
ngx_http_privacy_store_checkpoint(ngx_http_privacy_store_t *s)
{
    int  rc;

    /*
     * PASSIVE copies what the log holds without stopping the writer.  A
     * log that never stops growing is never started over, though (and
     * past wal_autocheckpoint the writer would checkpoint after every
     * commit, fsync included): RESTART then copies the little written
     * meanwhile, holding the writer back for that long, and the next
     * commit writes the log from its start again.
     */

    rc = sqlite3_wal_checkpoint_v2(s->upkeep_db, NULL,
                                   SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_wal_checkpoint_v2(s->upkeep_db, NULL,
                                       SQLITE_CHECKPOINT_RESTART, NULL, NULL);
    }

    /* BUSY: another worker's checkpointer (or the writer) is at it */
    return (rc == SQLITE_BUSY) ? SQLITE_OK : rc;
}


static int
ngx_http_privacy_store_open(ngx_http_privacy_store_t *s, char *err,
    size_t err_len)
{
    int          rc, delay, waited;
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

    /*
     * The busy handler does not cover everything here.  Switching a new
     * file to WAL takes an exclusive lock, and SQLite answers BUSY at
     * once, without calling the handler, to a connection that holds a
     * shared lock while another one waits to write: waiting could
     * deadlock (https://sqlite.org/c3ref/busy_handler.html).  At a first
     * start every worker is such a connection.  The failed statement has
     * released its locks when it returns, so the whole step is tried
     * again, a little later each time: the switch is made once, the
     * schema created once (BEGIN IMMEDIATE in the migration), and the
     * other workers then find both done.
     */
    delay = 1;
    waited = 0;

    for ( ;; ) {
        rc = ngx_http_privacy_store_configure(db, err, err_len);

        if ((rc & 0xff) != SQLITE_BUSY
            || waited >= NGX_HTTP_PRIVACY_STORE_OPEN_WAIT)
        {
            break;
        }

        sqlite3_sleep(delay);
        waited += delay;
        delay = ngx_min(delay * 2, 100);
    }

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
 * POSIX locks the close would drop.  Failures are left to sqlite3_open_v2()
 * to report.
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
