/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>
#include <sys/file.h>

#include "ngx_http_privacy_upkeep.h"
#include "ngx_http_privacy_upkeep_log.h"
#include "ngx_http_privacy_rollup.h"
#include "ngx_http_privacy_register_schema.h"


/*
 * A retention sweep deletes rows in transactions of this many rows
 * (each holds the writers back for some milliseconds, and is followed by
 * a pause as long), and at most this many transactions per category and
 * upkeep run, once a second, none begun after RUN_MS: up to 300,000 rows
 * a second (~270,000 with 7 ms transactions, docs/performance.md), the
 * register free for the writers at least half of the time, and a
 * worker's exit delayed by one run at most (under a second).  A subject
 * takes more work than a row (its kinds, its orders minimised, what
 * cascades, docs/database.md): SUBJECTS a transaction, ~35 ms.
 */
#define NGX_HTTP_PRIVACY_SWEEP_BATCH     5000
#define NGX_HTTP_PRIVACY_SWEEP_SUBJECTS  500
#define NGX_HTTP_PRIVACY_SWEEP_RUN       60
#define NGX_HTTP_PRIVACY_SWEEP_RUN_MS    800

/* a worker that finds another sweeping looks again this often at most */
#define NGX_HTTP_PRIVACY_SWEEP_LOOK   60

/*
 * A roll-up or sweep that finds another connection writing (another
 * worker's checkpoint or writer, a DPO's sweep, an sqlite3 shell) past
 * its short busy timeout is tried again this soon, and said in the error
 * log as a warning; only when the register stays busy for this many
 * tries in a row is it an error
 */
#define NGX_HTTP_PRIVACY_UPKEEP_BUSY_RETRY  5
#define NGX_HTTP_PRIVACY_UPKEEP_BUSY_TRIES  12

/* what an upkeep run's sweep did (set by the thread) */
#define NGX_HTTP_PRIVACY_SWEEP_FAILED     0
#define NGX_HTTP_PRIVACY_SWEEP_LOCKED     1   /* another worker sweeps */
#define NGX_HTTP_PRIVACY_SWEEP_NOT_DUE    2
#define NGX_HTTP_PRIVACY_SWEEP_GOING      3   /* to be continued */
#define NGX_HTTP_PRIVACY_SWEEP_DONE       4


static void ngx_http_privacy_upkeep_run(void *data, ngx_log_t *log);
static void ngx_http_privacy_upkeep_close(ngx_http_privacy_upkeep_t *u);
static void ngx_http_privacy_upkeep_done(ngx_event_t *ev);
static void ngx_http_privacy_upkeep_swept(ngx_http_privacy_upkeep_t *u);
static void ngx_http_privacy_upkeep_unlock(ngx_http_privacy_upkeep_t *u);
static void ngx_http_privacy_upkeep_sweep(ngx_http_privacy_upkeep_t *u);
static int ngx_http_privacy_upkeep_sweep_start(ngx_http_privacy_upkeep_t *u,
    time_t now);
static int ngx_http_privacy_upkeep_checkpoint(ngx_http_privacy_upkeep_t *u);
static time_t ngx_http_privacy_upkeep_failed(ngx_http_privacy_upkeep_t *u,
    int rc, ngx_uint_t *busy, const char *what);


ngx_int_t
ngx_http_privacy_upkeep_retention(ngx_http_privacy_upkeep_t *u,
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
                                              &u->sweep_period[i])
                != 0)
            {
                return NGX_ERROR;
            }

            u->sweep_text[i] = *text;
            return NGX_OK;
        }
    }

    /* a category kept in the subject register: not swept here */
    return NGX_DECLINED;
}


ngx_int_t
ngx_http_privacy_upkeep_init_process(ngx_http_privacy_upkeep_t *u,
    ngx_str_t *path, ngx_thread_pool_t *tp, ngx_cycle_t *cycle)
{
    u->path = path;
    u->thread_pool = tp;
    u->log = cycle->log;

    u->task = ngx_thread_task_alloc(cycle->pool, 0);
    if (u->task == NULL) {
        return NGX_ERROR;
    }

    u->task->ctx = u;
    u->task->handler = ngx_http_privacy_upkeep_run;
    u->task->event.handler = ngx_http_privacy_upkeep_done;
    u->task->event.data = u;

    return NGX_OK;
}


void
ngx_http_privacy_upkeep_tick(ngx_http_privacy_upkeep_t *u, ngx_uint_t opened,
    ngx_uint_t written)
{
    ngx_uint_t  i, rollup, sweep;

    if (u->busy || u->task == NULL) {
        return;
    }

    /*
     * Roll-ups once a day (and at start), by one worker: they would all
     * compute the same.  Not before the writer has migrated the register.
     */
    rollup = ngx_worker == 0 && opened
             && u->rollup_day != ngx_time() / 86400
             && ngx_time() >= u->rollup_retry;

    /*
     * retention: every worker looks every sweep_interval (and a sweep
     * goes on every second until done); the lock lets one sweep
     */
    sweep = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        if (u->sweep_text[i].len) {
            sweep = opened && !ngx_exiting
                    && (ngx_time() >= u->sweep_next || u->sweep_asked);
        }
    }

    if (!(rollup || sweep || written != u->ckpt_written)) {
        return;
    }

    u->rollup = rollup;
    u->sweep = sweep;
    /* the thread reads only its own copy of what the DPO asked */
    u->sweep_force = sweep ? (int) u->sweep_asked : 0;

    if (ngx_thread_task_post(u->thread_pool, u->task) == NGX_OK) {
        u->busy = 1;
        u->ckpt_written = written;

        if (sweep) {
            u->sweep_asked = 0;
        }
    }
}


ngx_int_t
ngx_http_privacy_upkeep_sweep_now(ngx_http_privacy_upkeep_t *u,
    ngx_uint_t dry_run)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        if (u->sweep_text[i].len) {
            u->sweep_asked = dry_run ? NGX_HTTP_PRIVACY_UPKEEP_SWEEP_DRY
                                     : NGX_HTTP_PRIVACY_UPKEEP_SWEEP;
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


void
ngx_http_privacy_upkeep_exit_process(ngx_http_privacy_upkeep_t *u)
{
    /*
     * the thread pool module exits before this one and waits for queued
     * tasks: no thread uses the connection any more
     */
    u->busy = 0;

    ngx_http_privacy_upkeep_close(u);

    /* a sweep stopped here is taken up by the next worker that looks */
    ngx_http_privacy_upkeep_unlock(u);
}


/* after a run (on the event loop): its results logged */

static void
ngx_http_privacy_upkeep_done(ngx_event_t *ev)
{
    ngx_http_privacy_upkeep_t  *u = ev->data;

    u->busy = 0;

    if (u->rollup) {
        if (u->rollup_rc == SQLITE_OK) {
            u->rollup_day = ngx_time() / 86400;

            u->rollup_busy = 0;

        } else {
            u->rollup_retry = ngx_http_privacy_upkeep_failed(u,
                                  u->rollup_rc, &u->rollup_busy,
                                  u->rollup_error);
        }
    }

    if (u->sweep) {
        ngx_http_privacy_upkeep_swept(u);
    }

    if (u->ckpt_rc != SQLITE_OK) {
        if (!u->ckpt_failing) {
            ngx_log_error(NGX_LOG_ERR, u->log, 0,
                          "privacy_db \"%V\": %s", u->path, u->ckpt_error);
        }

        u->ckpt_failing = 1;
        return;
    }

    if (u->ckpt_failing) {
        ngx_log_error(NGX_LOG_NOTICE, u->log, 0,
                      "privacy_db \"%V\": checkpoints work again", u->path);
        u->ckpt_failing = 0;
    }
}


/*
 * a roll-up or a sweep that failed: logged, and when to try again (a
 * roll-up reads days of rows, a sweep starts over its bookkeeping: not
 * again every second, unless only a lock was in the way)
 */

static time_t
ngx_http_privacy_upkeep_failed(ngx_http_privacy_upkeep_t *u, int rc,
    ngx_uint_t *busy, const char *what)
{
    if ((rc & 0xff) == SQLITE_BUSY
        && ++*busy < NGX_HTTP_PRIVACY_UPKEEP_BUSY_TRIES)
    {
        ngx_log_error(NGX_LOG_WARN, u->log, 0,
                      "privacy_db \"%V\": %s; retried in %d s", u->path,
                      what, NGX_HTTP_PRIVACY_UPKEEP_BUSY_RETRY);
        return ngx_time() + NGX_HTTP_PRIVACY_UPKEEP_BUSY_RETRY;
    }

    *busy = 0;

    ngx_log_error(NGX_LOG_ERR, u->log, 0,
                  "privacy_db \"%V\": %s; retried in a minute", u->path,
                  what);
    return ngx_time() + 60;
}


/* after an upkeep run that swept: its result, and the log once it is done */

static void
ngx_http_privacy_upkeep_swept(ngx_http_privacy_upkeep_t *u)
{
    time_t  look;

    look = u->sweep_interval < NGX_HTTP_PRIVACY_SWEEP_LOOK
           ? u->sweep_interval : NGX_HTTP_PRIVACY_SWEEP_LOOK;

    switch (u->sweep_state) {

    case NGX_HTTP_PRIVACY_SWEEP_LOCKED:
        u->sweep_next = ngx_time() + look;
        return;

    case NGX_HTTP_PRIVACY_SWEEP_NOT_DUE:
        u->sweep_next = u->sweep_due;
        return;

    case NGX_HTTP_PRIVACY_SWEEP_GOING:
        if (ngx_exiting) {
            /* a reload: the new workers take the sweep up */
            ngx_http_privacy_upkeep_unlock(u);
        }

        return;

    case NGX_HTTP_PRIVACY_SWEEP_FAILED:
        u->sweep_next = ngx_http_privacy_upkeep_failed(u, u->sweep_rc,
                                                       &u->sweep_busy,
                                                       u->sweep_error);

        if (ngx_exiting) {
            ngx_http_privacy_upkeep_unlock(u);
        }

        return;
    }

    /* done: a line per category */

    u->sweep_busy = 0;

    ngx_http_privacy_upkeep_log_sweep(u);

    u->sweep_next = ngx_time() + u->sweep_interval;
}


/* lets another worker sweep (the lock also dies with the process) */

static void
ngx_http_privacy_upkeep_unlock(ngx_http_privacy_upkeep_t *u)
{
    if (u->sweep_lock_open) {
        (void) close(u->sweep_lock);
        u->sweep_lock_open = 0;
    }

    u->sweeping = 0;
}


/* the functions below run in a pool thread (or at exit): no nginx calls */


/* the upkeep task: the day's roll-up when asked, then a checkpoint */

static void
ngx_http_privacy_upkeep_run(void *data, ngx_log_t *log)
{
    ngx_http_privacy_upkeep_t  *u = data;

    int  rc;

    if (u->rollup) {
        /* until it has run */
        u->rollup_rc = SQLITE_CANTOPEN;
        snprintf(u->rollup_error, sizeof(u->rollup_error),
                 "roll-up not run: the register cannot be opened");
    }

    if (u->sweep) {
        u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
        u->sweep_rc = SQLITE_CANTOPEN;
        snprintf(u->sweep_error, sizeof(u->sweep_error),
                 "retention sweep not run: the register cannot be opened");
    }

    if (u->db == NULL) {
        rc = sqlite3_open_v2((char *) u->path->data, &u->db,
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
        sqlite3_busy_timeout(u->db, 100);

        /*
         * what a sweep deletes is overwritten with zeros, not left in
         * free pages of the file; a subject the sweep erases takes
         * what cascades with it (docs/database.md)
         */
        rc = sqlite3_exec(u->db, "PRAGMA secure_delete=ON;"
                                 "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        /*
         * A connection learns that the database is in WAL mode from its
         * first read; until then sqlite3_wal_checkpoint_v2() does nothing
         * and says SQLITE_OK (and the writer's own autocheckpoint, in
         * the writer, would end up doing the work on every commit).
         */
        rc = sqlite3_exec(u->db, "PRAGMA schema_version;"
                                 "PRAGMA wal_autocheckpoint=10000", NULL,
                          NULL, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        rc = sqlite3_open_v2((char *) u->path->data, &u->hold,
                             SQLITE_OPEN_READWRITE|SQLITE_OPEN_NOMUTEX,
                             NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_busy_timeout(u->hold, 100);
    }

    if (u->rollup) {
        u->rollup_rc = ngx_http_privacy_rollup(u->db, time(NULL),
                                               u->rollup_error,
                                               sizeof(u->rollup_error));
    }

    if (u->sweep) {
        ngx_http_privacy_upkeep_sweep(u);
    }

    rc = ngx_http_privacy_upkeep_checkpoint(u);

    if (rc == SQLITE_OK) {
        u->ckpt_rc = SQLITE_OK;
        return;
    }

failed:

    u->ckpt_rc = rc;
    snprintf(u->ckpt_error, sizeof(u->ckpt_error), "checkpoint failed: %s",
             (u->db && sqlite3_errcode(u->db) != SQLITE_OK)
             ? sqlite3_errmsg(u->db) : sqlite3_errstr(rc));

    /* reopen next time: the file may have been replaced */
    ngx_http_privacy_upkeep_close(u);
}


static void
ngx_http_privacy_upkeep_close(ngx_http_privacy_upkeep_t *u)
{
    (void) sqlite3_close(u->db);
    (void) sqlite3_close(u->hold);
    u->db = NULL;
    u->hold = NULL;
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
ngx_http_privacy_upkeep_sweep(ngx_http_privacy_upkeep_t *u)
{
    int                              c, rc, more;
    char                             err[256];
    time_t                           now;
    ngx_http_privacy_sweep_t         sw;
    ngx_http_privacy_sweep_count_t   count;

    now = time(NULL);

    if (!u->sweeping) {
        rc = ngx_http_privacy_upkeep_sweep_start(u, now);

        if (rc != SQLITE_OK || !u->sweeping) {
            return;
        }
    }

    u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_GOING;

    for (c = u->sweep_category; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++)
    {
        u->sweep_category = c;

        if (u->sweep_text[c].len == 0) {
            continue;
        }

        sw.category = c;
        sw.cutoff = u->sweep_cutoff[c];
        sw.max_age = u->consent_max_age;
        sw.now = now;
        sw.fiscal_month = u->fiscal_month;
        sw.fiscal_day = u->fiscal_day;
        sw.bookkeeping =
            u->sweep_text[NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING].len
            ? &u->sweep_period[NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING] : NULL;
        sw.erase_command = u->erase_command;
        sw.started = u->sweep_start;
        sw.batch = c >= NGX_HTTP_PRIVACY_SWEEP_CUSTOMER
                   && c <= NGX_HTTP_PRIVACY_SWEEP_NEWSLETTER
                   ? NGX_HTTP_PRIVACY_SWEEP_SUBJECTS
                   : NGX_HTTP_PRIVACY_SWEEP_BATCH;
        sw.max_batches = NGX_HTTP_PRIVACY_SWEEP_RUN;
        sw.max_ms = NGX_HTTP_PRIVACY_SWEEP_RUN_MS;
        sw.dry_run = u->sweep_run_dry;

        ngx_memzero(&count, sizeof(count));
        u->sweep_error[0] = '\0';

        rc = ngx_http_privacy_sweep_category(u->db, &sw, &count,
                                             &more, u->sweep_error,
                                             sizeof(u->sweep_error));

        if (rc == SQLITE_OK && u->sweep_error[0]) {
            /* the owner did not confirm: said in the log, not a failure */
            ngx_cpystrn((u_char *) u->erase_error[c],
                        (u_char *) u->sweep_error, sizeof(u->erase_error[c]));
        }

        u->sweep_count[c].examined += count.examined;
        u->sweep_count[c].deleted += count.deleted;
        u->sweep_count[c].held += count.held;
        u->sweep_count[c].asked += count.asked;

        /* what was deleted is recorded, also when the sweep failed */
        if (ngx_http_privacy_sweep_count(u->db, u->sweep_id, c,
                (char *) u->sweep_text[c].data, sw.cutoff, &count, err,
                sizeof(err))
            != SQLITE_OK && rc == SQLITE_OK)
        {
            rc = SQLITE_ERROR;
            ngx_cpystrn((u_char *) u->sweep_error, (u_char *) err,
                        sizeof(u->sweep_error));
        }

        if (rc != SQLITE_OK) {
            u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
            u->sweep_rc = rc;
            return;
        }

        if (more) {
            return;
        }
    }

    u->sweep_category = NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES;

    rc = ngx_http_privacy_sweep_end(u->db, u->sweep_id, time(NULL),
                                    u->sweep_error, sizeof(u->sweep_error));
    if (rc != SQLITE_OK) {
        u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
        u->sweep_rc = rc;
        return;
    }

    (void) flock(u->sweep_lock, LOCK_UN);
    u->sweeping = 0;
    u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_DONE;
}


/* takes the lock and, if a sweep is due, starts one: SQLITE_OK or not */

static int
ngx_http_privacy_upkeep_sweep_start(ngx_http_privacy_upkeep_t *u, time_t now)
{
    int   c, rc, due, dry, set[NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES];
    char  file[NGX_MAX_PATH];

    if (!u->sweep_lock_open) {
        snprintf(file, sizeof(file), "%s.sweep", (char *) u->path->data);

        /* CLOEXEC: a command run from a pool thread must not inherit it */
        u->sweep_lock = open(file, O_RDWR|O_CREAT|O_CLOEXEC, 0600);

        if (u->sweep_lock == -1) {
            /* the log line names the register; the file is beside it */
            snprintf(u->sweep_error, sizeof(u->sweep_error),
                     "retention sweep: the lock file \".sweep\" cannot be "
                     "opened (errno %d)", errno);
            return SQLITE_CANTOPEN;
        }

        u->sweep_lock_open = 1;
    }

    if (flock(u->sweep_lock, LOCK_EX|LOCK_NB) == -1) {
        if (errno == EWOULDBLOCK) {
            u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_LOCKED;
            return SQLITE_OK;
        }

        snprintf(u->sweep_error, sizeof(u->sweep_error),
                 "retention sweep: flock() failed (errno %d)", errno);
        return SQLITE_IOERR;
    }

    /* the DPO's "sweep now" (or its dry run) is due at once */
    dry = u->sweep_force ? u->sweep_force == NGX_HTTP_PRIVACY_UPKEEP_SWEEP_DRY
                         : (int) u->sweep_dry;

    rc = ngx_http_privacy_sweep_due(u->db, now, u->sweep_interval, dry, &due,
                                    &u->sweep_due, u->sweep_error,
                                    sizeof(u->sweep_error));
    if (rc != SQLITE_OK) {
        goto failed;
    }

    if (u->sweep_force) {
        due = 1;
    }

    if (!due) {
        (void) flock(u->sweep_lock, LOCK_UN);
        u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_NOT_DUE;
        return SQLITE_OK;
    }

    /* no page view goes before its day is rolled up, whoever rolls up */
    if (u->sweep_text[NGX_HTTP_PRIVACY_SWEEP_ANALYTICS].len) {
        rc = ngx_http_privacy_rollup(u->db, now, u->sweep_error,
                                     sizeof(u->sweep_error));
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    /* the register's tables, when no API or page has opened it yet */
    for (c = NGX_HTTP_PRIVACY_SWEEP_CUSTOMER;
         c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES;
         c++)
    {
        if (u->sweep_text[c].len) {
            rc = ngx_http_privacy_register_schema_migrate(u->db,
                     u->sweep_error, sizeof(u->sweep_error));
            if (rc != SQLITE_OK) {
                goto failed;
            }

            break;
        }
    }

    u->sweep_run_dry = dry;

    rc = ngx_http_privacy_sweep_begin(u->db, now, dry,
                                      (long) getpid(), &u->sweep_id,
                                      u->sweep_error, sizeof(u->sweep_error));
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (c = 0; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++) {
        set[c] = u->sweep_text[c].len != 0;
        ngx_memzero(&u->sweep_count[c], sizeof(u->sweep_count[c]));
        u->erase_error[c][0] = '\0';
    }

    ngx_http_privacy_sweep_cutoffs(now, u->sweep_period, set,
                                   u->sweep_cutoff);

    u->sweep_start = now;
    u->sweep_category = 0;
    u->sweeping = 1;

    return SQLITE_OK;

failed:

    (void) flock(u->sweep_lock, LOCK_UN);
    u->sweep_state = NGX_HTTP_PRIVACY_SWEEP_FAILED;
    u->sweep_rc = rc;

    return rc;
}


/*
 * Copies the WAL into the database file, so that the writers' own
 * automatic checkpoints, with their fsync, are not needed; the next
 * commit then writes the log from its start again.
 *
 * Only while a second connection holds the write lock: SQLite up to
 * 3.51.2 (Debian 12 has 3.40.1) can lose a committed transaction when a
 * checkpoint starts as another connection's commit starts the log over
 * (the "WAL-reset bug", sqlite.org/wal.html), and did here, with a
 * writer committing as this task checkpointed (docs/database.md,
 * "Checkpoints").  Holding the lock, no commit can overlap the
 * checkpoint; a lock not had within the busy timeout (a writer's long
 * batch) waits for the next second.
 */

static int
ngx_http_privacy_upkeep_checkpoint(ngx_http_privacy_upkeep_t *u)
{
    int  rc;

    rc = sqlite3_exec(u->hold, "BEGIN IMMEDIATE", NULL, NULL, NULL);

    if (rc != SQLITE_OK) {
        return (rc == SQLITE_BUSY) ? SQLITE_OK : rc;
    }

    rc = sqlite3_wal_checkpoint_v2(u->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                   NULL, NULL);

    (void) sqlite3_exec(u->hold, "ROLLBACK", NULL, NULL, NULL);

    /* BUSY: another worker's checkpointer is at it */
    return (rc == SQLITE_BUSY) ? SQLITE_OK : rc;
}

