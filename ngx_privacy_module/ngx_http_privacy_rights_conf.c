/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights portal's configuration (keys derived from the secret,
 * privacy_mail_command) and the per-worker timer that has a pool thread
 * send what the outbox holds (docs/rights.md).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_rights.h"


#define NGX_HTTP_PRIVACY_RIGHTS_MAIL_EVERY  5000     /* ms */


static ngx_http_privacy_rights_conf_t *ngx_http_privacy_rights_get(
    ngx_conf_t *cf);
static void ngx_http_privacy_rights_mail_done(ngx_event_t *ev);
static void ngx_http_privacy_rights_mail_timer(ngx_event_t *ev);


/* the conf of the cycle being configured (a reload makes another) */

static ngx_http_privacy_rights_conf_t *
ngx_http_privacy_rights_get(ngx_conf_t *cf)
{
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *rc;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    if (pmcf->rights) {
        return pmcf->rights;
    }

    rc = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_rights_conf_t));
    if (rc == NULL) {
        return NULL;
    }

    ngx_str_set(&rc->mail_from, "privacy@localhost");
    pmcf->rights = rc;

    return rc;
}


ngx_int_t
ngx_http_privacy_rights_conf(ngx_conf_t *cf, u_char *secret, size_t len)
{
    ngx_http_privacy_rights_conf_t  *rc;

    rc = ngx_http_privacy_rights_get(cf);
    if (rc == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_rights_keys(secret, len, &rc->keys) != 0) {
        return NGX_ERROR;
    }

    rc->keyed = 1;

    return NGX_OK;
}


/* privacy_mail_command CMD [from=ADDRESS] */

char *
ngx_http_privacy_mail_command(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_str_t                       *value;
    ngx_http_privacy_rights_conf_t  *rc;

    rc = ngx_http_privacy_rights_get(cf);
    if (rc == NULL) {
        return NGX_CONF_ERROR;
    }

    if (rc->mail_command.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "needs a command";
    }

    /* value strings are NUL-terminated by the configuration parser */
    rc->mail_command = value[1];

    if (cf->args->nelts == 3) {
        if (value[2].len <= 5
            || ngx_strncmp(value[2].data, "from=", 5) != 0
            || !ngx_http_privacy_mail_address_ok((char *) value[2].data + 5,
                                                 value[2].len - 5))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\": from=ADDRESS "
                               "expected", &value[2]);
            return NGX_CONF_ERROR;
        }

        rc->mail_from.data = value[2].data + 5;
        rc->mail_from.len = value[2].len - 5;
    }

    return NGX_CONF_OK;
}


/* each worker sends what the outbox holds, every few seconds */

ngx_int_t
ngx_http_privacy_rights_init_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *rc;

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_privacy_module);

    if (pmcf == NULL || pmcf->rights == NULL || pmcf->thread_pool == NULL) {
        return NGX_OK;
    }

    rc = pmcf->rights;

    if (rc->mail_command.data == NULL || !rc->keyed) {
        return NGX_OK;
    }

    rc->state.timer.handler = ngx_http_privacy_rights_mail_timer;
    rc->state.timer.data = cycle;
    rc->state.timer.log = cycle->log;
    rc->state.timer.cancelable = 1;

    ngx_add_timer(&rc->state.timer, NGX_HTTP_PRIVACY_RIGHTS_MAIL_EVERY);

    return NGX_OK;
}


static void
ngx_http_privacy_rights_mail_timer(ngx_event_t *ev)
{
    ngx_cycle_t                     *cycle;
    ngx_http_privacy_main_conf_t    *pmcf;

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    cycle = ev->data;
    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_privacy_module);

    ngx_http_privacy_rights_mail(cycle, pmcf);

    ngx_add_timer(ev, NGX_HTTP_PRIVACY_RIGHTS_MAIL_EVERY);
}


/* a task that sends the outbox's due messages, unless one already runs */

void
ngx_http_privacy_rights_mail(ngx_cycle_t *cycle,
    ngx_http_privacy_main_conf_t *pmcf)
{
    ngx_thread_task_t               *task;
    ngx_http_privacy_rights_conf_t  *rc;
    ngx_http_privacy_rights_task_t  *t;

    rc = pmcf->rights;

    if (rc == NULL || rc->mail_command.data == NULL) {
        return;
    }

    /* a message queued while one is sent goes right after it */
    if (rc->state.mailing) {
        rc->state.again = 1;
        return;
    }

    /* one task per worker, reused: only one runs at a time */
    task = rc->state.mail_task;

    if (task == NULL) {
        task = ngx_thread_task_alloc(cycle->pool,
                                     sizeof(ngx_http_privacy_rights_task_t));
        if (task == NULL) {
            return;
        }

        rc->state.mail_task = task;
    }

    t = task->ctx;
    ngx_memzero(t, sizeof(ngx_http_privacy_rights_task_t));
    t->conf = rc;
    t->conn = &ngx_http_privacy_worker->mail_rdb;
    t->rkeys = pmcf->register_keys;
    t->path = (char *) pmcf->db.data;
    t->op.op = NGX_HTTP_PRIVACY_RIGHTS_MAIL;
    t->op.now = ngx_time();
    t->op.mail_command = (char *) rc->mail_command.data;

    task->handler = ngx_http_privacy_rights_thread;
    task->event.handler = ngx_http_privacy_rights_mail_done;
    task->event.data = t;
    task->event.log = cycle->log;

    if (ngx_thread_task_post(pmcf->thread_pool, task) == NGX_OK) {
        rc->state.mailing = 1;
    }
}


/*
 * A worker exiting while privacy_mail_command runs (a reload's old one)
 * waits for the pool's threads, so for the command's end or kill, but
 * never runs the task's completion event: its log line is written here.
 */

void
ngx_http_privacy_rights_exit_process(ngx_cycle_t *cycle)
{
    ngx_thread_task_t               *task;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *rc;

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_privacy_module);

    if (pmcf == NULL || pmcf->rights == NULL) {
        return;
    }

    rc = pmcf->rights;

    if (!rc->state.mailing) {
        return;
    }

    task = rc->state.mail_task;
    task->event.log = cycle->log;
    rc->state.again = 0;
    ngx_http_privacy_rights_mail_done(&task->event);
}


/*
 * the mail task is done: no request, a log line on failure, and another
 * round at once if one was asked for meanwhile (it sends what is due)
 */

static void
ngx_http_privacy_rights_mail_done(ngx_event_t *ev)
{
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_task_t  *t;

    t = ev->data;
    t->conf->state.mailing = 0;

    if (t->op.log[0]) {
        ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                      "privacy_mail_command: %s (retried later)",
                      t->op.log);
    }

    if (!t->conf->state.again) {
        return;
    }

    t->conf->state.again = 0;

    pmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_privacy_module);
    if (pmcf != NULL) {
        ngx_http_privacy_rights_mail((ngx_cycle_t *) ngx_cycle, pmcf);
    }
}


/* in a pool thread: SQLite, libc and the task's memory only */

void
ngx_http_privacy_rights_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_rights_task_t *t = data;

    ngx_http_privacy_worker_rdb_t  *wr;

    wr = t->conn;

    pthread_mutex_lock(&wr->lock);

    if (wr->rdb == NULL) {
        wr->rdb = ngx_http_privacy_rdb_open(t->path, t->rkeys, t->op.log,
                                            sizeof(t->op.log));

        if (wr->rdb && ngx_http_privacy_rights_schema(wr->rdb) != SQLITE_OK) {
            snprintf(t->op.log, sizeof(t->op.log), "cannot create "
                     "rights_codes: %s",
                     sqlite3_errmsg(ngx_http_privacy_rdb_handle(wr->rdb)));
            ngx_http_privacy_rdb_close(wr->rdb);
            wr->rdb = NULL;
        }
    }

    if (wr->rdb == NULL) {
        t->op.result = NGX_HTTP_PRIVACY_RIGHTS_ERROR;

    } else {
        ngx_http_privacy_rights_run(&t->op, wr->rdb, t->rkeys,
                                    &t->conf->keys);
    }

    pthread_mutex_unlock(&wr->lock);
}
