/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO dashboard's routes and its thread task: which report a page
 * names and in what format, the filters and range a report reads from
 * the query, posting the task to the pool and answering when it is done.
 * Below the GET (ngx_http_privacy_dpo.c) and POST
 * (ngx_http_privacy_dpo_post.c) handlers, which both start tasks.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_dpo_int.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_report_analytics.h"


/* the DPO connection's memory map of the register: up to 2 GB */
#define NGX_HTTP_PRIVACY_DPO_MMAP  "2147418112"


static void ngx_http_privacy_dpo_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_dpo_done(ngx_event_t *ev);


/* the path below the location */

void
ngx_http_privacy_dpo_below(ngx_http_request_t *r, ngx_str_t *page)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    *page = r->uri;

    if (page->len >= clcf->name.len
        && ngx_strncmp(page->data, clcf->name.data, clcf->name.len) == 0)
    {
        page->data += clcf->name.len;
        page->len -= clcf->name.len;
    }

    while (page->len && page->data[0] == '/') {
        page->data++;
        page->len--;
    }
}


/* what a POST to page does: DPO_SHOW is the sweep, or NGX_ERROR */

ngx_int_t
ngx_http_privacy_dpo_action(ngx_str_t *page)
{
    ngx_uint_t  i;

    static struct {
        const char  *name;
        ngx_int_t    action;
    } actions[] = {
        { "sweep", NGX_HTTP_PRIVACY_DPO_SHOW },
        { "requests/extend", NGX_HTTP_PRIVACY_DPO_EXTEND },
        { "requests/close", NGX_HTTP_PRIVACY_DPO_CLOSE },
        { "incidents", NGX_HTTP_PRIVACY_DPO_INCIDENT },
        { "incidents/reported", NGX_HTTP_PRIVACY_DPO_REPORTED },
        { "incidents/close", NGX_HTTP_PRIVACY_DPO_END },
    };

    for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (page->len == ngx_strlen(actions[i].name)
            && ngx_strncmp(page->data, actions[i].name, page->len) == 0)
        {
            return actions[i].action;
        }
    }

    return NGX_ERROR;
}


/* "" and index.html: the overview; NAME.html, .json, .csv: a report */

ngx_int_t
ngx_http_privacy_dpo_route(ngx_str_t *page, ngx_int_t *report,
    ngx_int_t *format)
{
    size_t       n;
    ngx_int_t    i;
    ngx_str_t    ext;
    const char  *name;

    static const char  *exts[] = { "html", "json", "csv" };

    if (page->len == 0) {
        *report = NGX_HTTP_PRIVACY_DPO_OVERVIEW;
        *format = NGX_HTTP_PRIVACY_REPORT_HTML;
        return NGX_OK;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_DPO_NREPORTS; i++) {
        name = ngx_http_privacy_dpo_names[i];
        n = ngx_strlen(name);

        if (page->len > n + 1 && page->data[n] == '.'
            && ngx_strncmp(page->data, name, n) == 0)
        {
            break;
        }
    }

    if (i == NGX_HTTP_PRIVACY_DPO_NREPORTS) {
        return NGX_DECLINED;
    }

    *report = i;

    ext.data = page->data + n + 1;
    ext.len = page->len - n - 1;

    for (i = 0; i < 3; i++) {
        if (ext.len == ngx_strlen(exts[i])
            && ngx_strncmp(ext.data, exts[i], ext.len) == 0)
        {
            *format = i;
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/* a filter of the audit report: at most size - 1 bytes, decoded */

void
ngx_http_privacy_dpo_filter(ngx_http_request_t *r, const char *name,
    char *out, size_t size)
{
    size_t     n;
    ngx_str_t  arg;

    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), &arg) != NGX_OK
        || arg.len >= size)
    {
        return;
    }

    n = ngx_http_privacy_form_decode(arg.data, arg.len, (u_char *) out);
    out[n] = '\0';

    /* a NUL would cut the value short in SQLite's hands */
    if (ngx_strlen(out) != n) {
        out[0] = '\0';
    }
}


/* a task for a report or an action, with what every one needs */

ngx_http_privacy_dpo_task_t *
ngx_http_privacy_dpo_task(ngx_http_request_t *r, ngx_int_t report,
    ngx_int_t format)
{
    ngx_uint_t                     i, n;
    ngx_http_privacy_dpo_op_t     *op;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_retention_t  *rt;
    ngx_http_privacy_dpo_task_t   *t;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_dpo_task_t));
    if (t == NULL) {
        return NULL;
    }

    if (ngx_http_privacy_page_init(&t->page, r) != NGX_OK) {
        return NULL;
    }

    t->request = r;
    t->conn = &ngx_http_privacy_worker->dpo_rdb;
    t->rkeys = pmcf->register_keys;
    t->path = (char *) pmcf->db.data;

    op = &t->op;
    op->report = report;
    op->format = format;
    op->lang = t->page.lang == NGX_HTTP_PRIVACY_LANG_SV ? 0 : 1;
    op->now = ngx_time();
    op->min_visitors = plcf->report_min_visitors;
    op->consent_max_age = plcf->cookie_max_age;
    op->fiscal_month = (int) pmcf->fiscal_month;
    op->fiscal_day = (int) pmcf->fiscal_day;

    /* the periods the site's pages state, as written in the directives */
    rt = pscf->retention.elts;
    n = ngx_min(pscf->retention.nelts, NGX_HTTP_PRIVACY_DPO_RETENTIONS);

    for (i = 0; i < n; i++) {
        (void) ngx_cpystrn((u_char *) op->retention[i].category,
                           rt[i].category.data,
                           ngx_min(rt[i].category.len + 1,
                                   sizeof(op->retention[i].category)));
        (void) ngx_cpystrn((u_char *) op->retention[i].period,
                           rt[i].text.data,
                           ngx_min(rt[i].text.len + 1,
                                   sizeof(op->retention[i].period)));
    }

    op->nretention = (int) n;

    return t;
}


/*
 * The analytics' days: ?from= and ?to= (YYYY-MM-DD, UTC), by default the
 * 30 days to yesterday, the last day a roll-up has counted; at most
 * NGX_HTTP_PRIVACY_REPORT_MAX_DAYS, ending at "to".
 */

ngx_int_t
ngx_http_privacy_dpo_range(ngx_http_request_t *r,
    ngx_http_privacy_dpo_op_t *op)
{
    int64_t    from, to, t;
    ngx_str_t  arg;

    to = (ngx_time() / 86400 - 1) * 86400;

    if (ngx_http_arg(r, (u_char *) "to", 2, &arg) == NGX_OK && arg.len) {
        if (ngx_http_privacy_day_parse(arg.data, arg.len, &to) != 0) {
            return NGX_ERROR;
        }
    }

    from = to - 29 * 86400;

    if (ngx_http_arg(r, (u_char *) "from", 4, &arg) == NGX_OK && arg.len) {
        if (ngx_http_privacy_day_parse(arg.data, arg.len, &from) != 0) {
            return NGX_ERROR;
        }
    }

    if (from > to) {
        t = from;
        from = to;
        to = t;
    }

    if (to - from >= NGX_HTTP_PRIVACY_REPORT_MAX_DAYS * 86400) {
        from = to - (NGX_HTTP_PRIVACY_REPORT_MAX_DAYS - 1) * 86400;
    }

    op->from_day = from;
    op->to_day = to;
    ngx_http_privacy_day_format(from, op->from);
    ngx_http_privacy_day_format(to, op->to);

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_dpo_start(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    ngx_thread_task_t             *task;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->thread_pool == NULL || t->rkeys == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: the DPO's reports need privacy_db and "
                      "privacy_secret_file at the http level");
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_SERVICE_UNAVAILABLE,
            "Rapporterna behöver privacy_db och privacy_secret_file.",
            "The reports need privacy_db and privacy_secret_file.");
    }

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    task->ctx = t;
    task->handler = ngx_http_privacy_dpo_thread;
    task->event.handler = ngx_http_privacy_dpo_done;
    task->event.data = t;

    if (ngx_thread_task_post(pmcf->thread_pool, task) != NGX_OK) {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_SERVICE_UNAVAILABLE,
            "Servern är upptagen. Försök igen om en stund.",
            "The server is busy. Try again in a moment.");
    }

    r->main->blocked++;
    r->aio = 1;

    /* a GET handler returns NGX_DONE with a reference of its own */
    if (r->method != NGX_HTTP_POST) {
        r->main->count++;
    }

    return NGX_DONE;
}


/* in a pool thread: SQLite, libc and the task's memory only */

static void
ngx_http_privacy_dpo_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_dpo_task_t *t = data;

    int                             rc;
    ngx_http_privacy_worker_rdb_t  *wr;

    wr = t->conn;

    pthread_mutex_lock(&wr->lock);

    if (wr->rdb == NULL) {
        wr->rdb = ngx_http_privacy_rdb_open(t->path, t->rkeys, t->op.log,
                                            sizeof(t->op.log));

        /*
         * The reports read hundreds of megabytes of index pages: mapped,
         * they are read from the kernel's page cache in place, not
         * copied by a pread() each (SQLite's own cache is emptied by
         * every commit of the writers).  Half the time of the retention
         * report at 1 million subjects (docs/performance.md).
         */
        if (wr->rdb) {
            (void) sqlite3_exec(ngx_http_privacy_rdb_handle(wr->rdb),
                                "PRAGMA mmap_size=" NGX_HTTP_PRIVACY_DPO_MMAP,
                                NULL, NULL, NULL);
        }
    }

    if (wr->rdb == NULL) {
        rc = SQLITE_CANTOPEN;

    } else {
        rc = ngx_http_privacy_dpo_run(&t->op, wr->rdb);
    }

    if (rc != SQLITE_OK && t->op.log[0] == '\0') {
        (void) snprintf(t->op.log, sizeof(t->op.log), "%s",
                        sqlite3_errstr(rc));
    }

    if (rc != SQLITE_OK) {
        t->op.out.failed = 1;
    }

    pthread_mutex_unlock(&wr->lock);
}


static void
ngx_http_privacy_dpo_done(ngx_event_t *ev)
{
    ngx_int_t                     rc;
    ngx_connection_t             *c;
    ngx_http_request_t           *r;
    ngx_http_privacy_dpo_task_t  *t;

    t = ev->data;
    r = t->request;
    c = r->connection;

    r->main->blocked--;
    r->aio = 0;

    rc = ngx_http_privacy_dpo_answer(r, t);

    ngx_http_privacy_rbuf_free(&t->op.out);

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}
