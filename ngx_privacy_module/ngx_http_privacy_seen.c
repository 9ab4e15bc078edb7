/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie names the site has met (cookies_seen), for the visitors'
 * cookie page (docs/policy-document.md): each worker keeps a snapshot
 * and, when the page is asked for and the snapshot is older than a few
 * seconds, has a pool thread read a new one; the page shows what the
 * worker has, and the event loop never touches the database.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_seen_sql.h"
#include "ngx_http_privacy_seen.h"


typedef struct {
    u_char    *path;            /* the database, NUL-terminated */
    u_char    *names;           /* the thread's result, malloc()ed */
    size_t     n;
    ngx_int_t  rc;
} ngx_http_privacy_seen_task_t;


static void ngx_http_privacy_seen_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_seen_done(ngx_event_t *ev);


ngx_int_t
ngx_http_privacy_seen_get(ngx_http_request_t *r, const u_char **names,
    size_t *n)
{
    ngx_thread_task_t             *task;
    ngx_http_privacy_worker_t     *w;
    ngx_http_privacy_seen_task_t  *t;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    w = ngx_http_privacy_worker;

    if (pmcf->db.len == 0 || pmcf->thread_pool == NULL || w == NULL) {
        return NGX_DECLINED;
    }

    *names = w->seen_names;
    *n = w->seen_n;

    if (w->seen_busy || ngx_time() - w->seen_loaded
                        < NGX_HTTP_PRIVACY_SEEN_EVERY)
    {
        return NGX_OK;
    }

    /* one task per worker, reused: a worker lives as long as its cycle */

    task = w->seen_task;

    if (task == NULL) {
        task = ngx_thread_task_alloc(ngx_cycle->pool,
                                     sizeof(ngx_http_privacy_seen_task_t));
        if (task == NULL) {
            return NGX_OK;
        }

        t = task->ctx;

        t->path = ngx_pnalloc(ngx_cycle->pool, pmcf->db.len + 1);
        if (t->path == NULL) {
            return NGX_OK;
        }

        ngx_memcpy(t->path, pmcf->db.data, pmcf->db.len);
        t->path[pmcf->db.len] = '\0';

        task->handler = ngx_http_privacy_seen_thread;
        task->event.handler = ngx_http_privacy_seen_done;
        task->event.data = t;
        task->event.log = ngx_cycle->log;

        w->seen_task = task;
    }

    if (ngx_thread_task_post(pmcf->thread_pool, task) != NGX_OK) {
        /* a full queue: the page shows the older list, a later one asks */
        w->seen_loaded = ngx_time();
        return NGX_OK;
    }

    w->seen_busy = 1;

    return NGX_OK;
}


/* in the pool thread: SQLite and libc only */

static void
ngx_http_privacy_seen_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_seen_task_t  *t = data;

    t->rc = ngx_http_privacy_seen_read((char *) t->path, &t->names, &t->n);
}


static void
ngx_http_privacy_seen_done(ngx_event_t *ev)
{
    ngx_http_privacy_worker_t     *w;
    ngx_http_privacy_seen_task_t  *t;

    t = ev->data;
    w = ngx_http_privacy_worker;

    if (w == NULL) {
        ngx_free(t->names);
        t->names = NULL;
        return;
    }

    w->seen_busy = 0;
    w->seen_loaded = ngx_time();

    if (t->rc != 0) {
        ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                      "privacy: the cookie page could not read the cookies "
                      "seen from \"%s\"", t->path);
        return;
    }

    ngx_free(w->seen_names);
    w->seen_names = t->names;
    w->seen_n = t->n;
    t->names = NULL;
}
