/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>
#include <pwd.h>
#include <grp.h>

#include "ngx_http_privacy_store_int.h"
#include "ngx_http_privacy_classify.h"


static ngx_thread_task_t *ngx_http_privacy_store_task(
    ngx_http_privacy_store_t *s, ngx_cycle_t *cycle,
    void (*handler)(void *data, ngx_log_t *log), ngx_event_handler_pt done);
static void ngx_http_privacy_store_timer_handler(ngx_event_t *ev);
static void ngx_http_privacy_store_post(ngx_http_privacy_store_t *s);
static void ngx_http_privacy_store_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_store_done(ngx_event_t *ev);
static void ngx_http_privacy_store_written(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b);
static ngx_int_t ngx_http_privacy_store_push(ngx_http_privacy_store_t *s,
    ngx_http_privacy_record_t **rec, size_t strings);


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
    time_t consent_max_age, ngx_uint_t dry_run, ngx_uint_t fiscal_month,
    ngx_uint_t fiscal_day, const char *erase_command)
{
    s->upkeep.erase_command = erase_command;
    s->upkeep.fiscal_month = (unsigned) fiscal_month;
    s->upkeep.fiscal_day = (unsigned) fiscal_day;
    s->upkeep.sweep_interval = interval;
    s->upkeep.consent_max_age = consent_max_age;
    s->upkeep.sweep_dry = dry_run;
}


ngx_int_t
ngx_http_privacy_store_sweep_now(ngx_http_privacy_store_t *s,
    ngx_uint_t dry_run)
{
    return ngx_http_privacy_upkeep_sweep_now(&s->upkeep, dry_run);
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

        s->batches[i].slots = ngx_calloc(NGX_HTTP_PRIVACY_STORE_SLOTS
                                         * sizeof(uint16_t), cycle->log);
        if (s->batches[i].slots == NULL) {
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
        ngx_free(s->batches[i].slots);
        s->batches[i].slots = NULL;
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
ngx_http_privacy_store_scope_seen(ngx_http_privacy_store_t *s,
    ngx_http_privacy_scope_seen_t *ss)
{
    ngx_http_privacy_record_t  *rec;

    if (ngx_http_privacy_store_push(s, &rec, 0) != NGX_OK) {
        return NGX_DECLINED;
    }

    rec->type = NGX_HTTP_PRIVACY_RECORD_SCOPE;
    rec->u.scope = *ss;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_store_event(ngx_http_privacy_store_t *s,
    ngx_http_privacy_event_t *ev, ngx_http_privacy_store_view_t *view)
{
    u_char                           *p, *strings;
    size_t                            term_len, len;
    uint32_t                          hash;
    ngx_uint_t                        i, k;
    ngx_http_privacy_batch_t         *b;
    ngx_http_privacy_record_t        *rec;
    ngx_http_privacy_event_record_t  *er;

    term_len = ev->has_term ? ev->term_len : 0;
    len = ev->host_len + ev->path_len + ev->referrer_len + term_len
          + sizeof(ev->visitor);

    b = s->filling;

    if (b == NULL || b->used + len > NGX_HTTP_PRIVACY_STORE_ARENA) {
        (void) ngx_http_privacy_store_push(s, &rec, len);
        return NGX_DECLINED;
    }

    /*
     * The strings go to the arena's free end first: they are the key by
     * which an identical view of the same second is found, and stay
     * there only if none is (docs/architecture.md, "The write path").
     */
    strings = b->arena + b->used;

    p = ngx_cpymem(strings, ev->host, ev->host_len);
    p = ngx_cpymem(p, ev->path, ev->path_len);
    p = ngx_cpymem(p, ev->referrer, ev->referrer_len);
    p = ngx_cpymem(p, ev->term, term_len);
    (void) ngx_cpymem(p, ev->visitor, sizeof(ev->visitor));

    hash = ngx_http_privacy_memo_hash(strings, len)
           ^ (uint32_t) ((uint64_t) ev->time * 0x9e3779b97f4a7c15ULL >> 32)
           ^ (uint32_t) ev->status;

    for (i = hash & (NGX_HTTP_PRIVACY_STORE_SLOTS - 1);
         b->slots[i];
         i = (i + 1) & (NGX_HTTP_PRIVACY_STORE_SLOTS - 1))
    {
        k = b->slots[i] - 1;
        er = &b->records[k].u.event;

        if (er->time == ev->time
            && er->status == ev->status
            && er->host_len == ev->host_len
            && er->path_len == ev->path_len
            && er->referrer_len == ev->referrer_len
            && er->term_len == term_len
            && er->has_term == (ev->has_term ? 1 : 0)
            && er->identified == (ev->identified ? 1 : 0)
            && ngx_memcmp(er->strings, strings, len) == 0)
        {
            er->views++;
            b->merged++;

            if (view) {
                view->batch = b;
                view->round = b->round;
                view->index = k;
            }

            return NGX_OK;
        }
    }

    if (ngx_http_privacy_store_push(s, &rec, len) != NGX_OK) {
        return NGX_DECLINED;
    }

    b->slots[i] = (uint16_t) b->n;      /* the record's index plus one */

    rec->type = NGX_HTTP_PRIVACY_RECORD_EVENT;

    er = &rec->u.event;
    er->time = ev->time;
    er->strings = strings;
    er->views = 1;
    er->status = (uint16_t) ev->status;
    er->host_len = (uint16_t) ev->host_len;
    er->path_len = (uint16_t) ev->path_len;
    er->referrer_len = (uint16_t) ev->referrer_len;
    er->term_len = (uint16_t) term_len;
    er->has_term = ev->has_term ? 1 : 0;
    er->identified = ev->identified ? 1 : 0;

    b->used += len;

    if (view) {
        view->batch = b;
        view->round = b->round;
        view->index = b->n - 1;
    }

    if (b->n >= NGX_HTTP_PRIVACY_STORE_EAGER) {
        ngx_http_privacy_store_post(s);
    }

    return NGX_OK;
}


/*
 * Only the batch being filled belongs to the event loop: once handed to
 * the writer (or emptied and filled again) its records are not touched.
 */

ngx_int_t
ngx_http_privacy_store_again(ngx_http_privacy_store_t *s,
    ngx_http_privacy_store_view_t *view)
{
    ngx_http_privacy_batch_t  *b;

    b = s->filling;

    if (b == NULL || view->batch != b || view->round != b->round
        || view->index >= b->n)
    {
        return NGX_DECLINED;
    }

    b->records[view->index].u.event.views++;
    b->merged++;

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



static void
ngx_http_privacy_store_written(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b)
{
    /* records, each page view counted: what the exit log accounts for */
    s->written += b->n + b->merged;

    if (b->n) {
        ngx_memzero(b->slots, NGX_HTTP_PRIVACY_STORE_SLOTS * sizeof(uint16_t));
    }

    b->n = 0;
    b->merged = 0;
    b->used = 0;
    b->receipt = 0;
    b->round++;
}
