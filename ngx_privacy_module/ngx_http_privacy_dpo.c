/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <pthread.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_report_analytics.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_dpo_page.h"


/* per worker after fork: one connection, one report at a time */
typedef struct {
    pthread_mutex_t                      lock;
    ngx_http_privacy_rdb_t              *rdb;
} ngx_http_privacy_dpo_conf_t;


typedef struct {
    ngx_http_request_t                  *request;
    ngx_http_privacy_dpo_conf_t         *conf;
    ngx_http_privacy_register_keys_t    *rkeys;
    char                                *path;
    ngx_http_privacy_page_t              page;
    ngx_http_privacy_dpo_op_t            op;
} ngx_http_privacy_dpo_task_t;


static ngx_int_t ngx_http_privacy_dpo_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_dpo_page(ngx_http_request_t *r,
    ngx_str_t *page);
static ngx_int_t ngx_http_privacy_dpo_route(ngx_str_t *page,
    ngx_int_t *report, ngx_int_t *format);
static void ngx_http_privacy_dpo_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_dpo_post(ngx_http_request_t *r,
    u_char *body, size_t len);
static ngx_int_t ngx_http_privacy_dpo_range(ngx_http_request_t *r,
    ngx_http_privacy_dpo_op_t *op);
static ngx_int_t ngx_http_privacy_dpo_start(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);
static void ngx_http_privacy_dpo_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_dpo_done(ngx_event_t *ev);
static ngx_int_t ngx_http_privacy_dpo_answer(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);
static ngx_int_t ngx_http_privacy_dpo_send(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);


char *
ngx_http_privacy_dpo(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_privacy_dpo_conf_t   *dc;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    if (pmcf->dpo == NULL) {
        dc = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_dpo_conf_t));
        if (dc == NULL) {
            return NGX_CONF_ERROR;
        }

        if (pthread_mutex_init(&dc->lock, NULL) != 0) {
            return NGX_CONF_ERROR;
        }

        pmcf->dpo = dc;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_dpo_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_dpo_handler(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_str_t                  page;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    page = r->uri;

    if (page.len >= clcf->name.len
        && ngx_strncmp(page.data, clcf->name.data, clcf->name.len) == 0)
    {
        page.data += clcf->name.len;
        page.len -= clcf->name.len;
    }

    while (page.len && page.data[0] == '/') {
        page.data++;
        page.len--;
    }

    if (r->method == NGX_HTTP_POST) {
        if (!(page.len == sizeof("sweep") - 1
              && ngx_strncmp(page.data, "sweep", page.len) == 0))
        {
            return NGX_HTTP_NOT_FOUND;
        }

        rc = ngx_http_read_client_request_body(r, ngx_http_privacy_dpo_body);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_privacy_dpo_page(r, &page);
}


/* "" and index.html: the overview; NAME.html, .json, .csv: a report */

static ngx_int_t
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


static ngx_int_t
ngx_http_privacy_dpo_page(ngx_http_request_t *r, ngx_str_t *page)
{
    u_char                         token[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    ngx_int_t                      report, format;
    ngx_str_t                      arg;
    ngx_uint_t                     i, n;
    ngx_http_privacy_dpo_op_t     *op;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_retention_t  *rt;
    ngx_http_privacy_dpo_task_t   *t;
    ngx_http_privacy_main_conf_t  *pmcf;

    if (ngx_http_privacy_dpo_route(page, &report, &format) != NGX_OK) {
        return NGX_HTTP_NOT_FOUND;
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_dpo_task_t));
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_page_init(&t->page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->request = r;
    t->conf = pmcf->dpo;
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

    if (format == NGX_HTTP_PRIVACY_REPORT_CSV
        && ngx_http_arg(r, (u_char *) "table", 5, &arg) == NGX_OK)
    {
        if (arg.len >= sizeof(op->csv)) {
            return NGX_HTTP_NOT_FOUND;
        }

        (void) ngx_cpystrn((u_char *) op->csv, arg.data, arg.len + 1);
    }

    if (report == NGX_HTTP_PRIVACY_DPO_ANALYTICS
        && ngx_http_privacy_dpo_range(r, op) != NGX_OK)
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_BAD_REQUEST,
            "Ange datum som ÅÅÅÅ-MM-DD, till exempel 2026-11-30.",
            "Give the days as YYYY-MM-DD, for example 2026-11-30.");
    }

    if (format == NGX_HTTP_PRIVACY_REPORT_HTML) {
        if (ngx_http_privacy_dpo_token(r, token, 1) != NGX_OK) {
            return ngx_http_privacy_dpo_message(r,
                NGX_HTTP_SERVICE_UNAVAILABLE,
                "Rapporterna behöver privacy_secret_file.",
                "The reports need privacy_secret_file.");
        }

        ngx_memcpy(op->token, token, sizeof(token));
    }

    return ngx_http_privacy_dpo_start(r, t);
}


/*
 * The analytics' days: ?from= and ?to= (YYYY-MM-DD, UTC), by default the
 * 30 days to yesterday, the last day a roll-up has counted; at most
 * NGX_HTTP_PRIVACY_REPORT_MAX_DAYS, ending at "to".
 */

static ngx_int_t
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


static void
ngx_http_privacy_dpo_body(ngx_http_request_t *r)
{
    u_char       *body, *p;
    size_t        len;
    ngx_int_t     rc;
    ngx_chain_t  *cl;

    if (r->request_body == NULL || r->request_body->temp_file) {
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
        return;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->in_file) {
            ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
            return;
        }

        len += cl->buf->last - cl->buf->pos;
    }

    /* an incident's form is the largest: some kilobytes */
    if (len > 65536) {
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
        return;
    }

    body = ngx_pnalloc(r->pool, len + 1);
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = body;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    *p = '\0';

    rc = ngx_http_privacy_dpo_post(r, body, len);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


static ngx_int_t
ngx_http_privacy_dpo_post(ngx_http_request_t *r, u_char *body, size_t len)
{
    u_char                        *k, *v;
    u_char                         want[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    size_t                         klen, vlen, n;
    ngx_int_t                      rc;
    ngx_str_t                      token, arg, url;
    ngx_uint_t                     dry;
    ngx_table_elt_t               *h;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_privacy_form_iter_t   it;
    ngx_http_privacy_main_conf_t  *pmcf;

    /* CSRF: the site's own Origin, and a token bound to this browser */

    if (!ngx_http_privacy_rights_same_origin(r)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "privacy: DPO POST from another origin refused");
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret kom från en annan webbplats och togs inte emot.",
            "The form came from another site and was not accepted.");
    }

    ngx_str_null(&token);
    dry = 0;

    if (ngx_http_arg(r, (u_char *) "dry_run", 7, &arg) == NGX_OK
        && arg.len == 1 && arg.data[0] == '1')
    {
        dry = 1;
    }

    ngx_http_privacy_form_iter_init(&it, body, len);

    while (ngx_http_privacy_form_next(&it, (const u_char **) &k, &klen,
                                      (const u_char **) &v, &vlen))
    {
        n = ngx_http_privacy_form_decode(v, vlen, v);

        if (ngx_http_privacy_form_key_is(k, klen, "token")) {
            token.data = v;
            token.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "dry_run")) {
            dry = (n == 1 && v[0] == '1');
        }
    }

    rc = ngx_http_privacy_dpo_token(r, want, 0);

    if (rc != NGX_OK || token.len != sizeof(want)
        || !ngx_http_privacy_ct_equal(want, token.data, sizeof(want)))
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "privacy: DPO POST without a valid form token "
                      "refused");
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret har gått ut. Ladda om sidan och försök igen.",
            "The form has expired. Reload the page and try again.");
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->store == NULL
        || ngx_http_privacy_store_sweep_now(pmcf->store, dry) != NGX_OK)
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_CONFLICT,
            "Ingen kategori gallras här: ange privacy_retention för "
            "analytics, analytics_aggregate eller consent.",
            "No category is swept here: set privacy_retention for "
            "analytics, analytics_aggregate or consent.");
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "privacy: the DPO asked for a retention sweep%s",
                  dry ? " (dry run)" : "");

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    url.len = clcf->name.len + sizeof("/retention.html") - 1;
    url.data = ngx_pnalloc(r->pool, url.len);
    if (url.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    url.len = ngx_sprintf(url.data, "%V%s", &clcf->name,
                          (clcf->name.len
                           && clcf->name.data[clcf->name.len - 1] == '/')
                          ? "retention.html" : "/retention.html")
              - url.data;

    h = ngx_http_privacy_add_header(r, "Location", &url);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.location = h;

    return ngx_http_privacy_dpo_message(r, NGX_HTTP_SEE_OTHER,
        "Gallringen startar inom en sekund.",
        "The sweep starts within a second.");
}


static ngx_int_t
ngx_http_privacy_dpo_start(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    ngx_thread_task_t             *task;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->thread_pool == NULL || t->rkeys == NULL || t->conf == NULL) {
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
    r->main->count++;

    return NGX_DONE;
}


/* in a pool thread: SQLite, libc and the task's memory only */

static void
ngx_http_privacy_dpo_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_dpo_task_t *t = data;

    int                           rc;
    ngx_http_privacy_dpo_conf_t  *dc;

    dc = t->conf;

    pthread_mutex_lock(&dc->lock);

    if (dc->rdb == NULL) {
        dc->rdb = ngx_http_privacy_rdb_open(t->path, t->rkeys, t->op.log,
                                            sizeof(t->op.log));
    }

    if (dc->rdb == NULL) {
        rc = SQLITE_CANTOPEN;

    } else {
        rc = ngx_http_privacy_dpo_run(&t->op,
                                      ngx_http_privacy_rdb_handle(dc->rdb));
    }

    if (rc != SQLITE_OK && t->op.log[0] == '\0') {
        (void) snprintf(t->op.log, sizeof(t->op.log), "%s",
                        sqlite3_errstr(rc));
    }

    if (rc != SQLITE_OK) {
        t->op.out.failed = 1;
    }

    pthread_mutex_unlock(&dc->lock);
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


static ngx_int_t
ngx_http_privacy_dpo_answer(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    ngx_str_t                 name;
    ngx_http_privacy_page_t  *page;

    if (t->op.out.failed) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: DPO report \"%s\": %s",
                      ngx_http_privacy_dpo_names[t->op.report], t->op.log);
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_SERVICE_UNAVAILABLE,
            "Rapporten kunde inte tas fram just nu. Försök igen om en "
            "stund.",
            "The report could not be computed right now. Try again in a "
            "moment.");
    }

    if (t->op.not_found) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (t->op.format != NGX_HTTP_PRIVACY_REPORT_HTML) {
        return ngx_http_privacy_dpo_send(r, t);
    }

    page = &t->page;

    ngx_http_privacy_page_head_css(page,
        ngx_http_privacy_dpo_titles[t->op.report][t->op.lang],
        ngx_http_privacy_dpo_style);
    ngx_http_privacy_dpo_nav(page, t->op.report);
    ngx_http_privacy_page_rawn(page, t->op.out.data, t->op.out.len);

    name.data = (u_char *) ngx_http_privacy_dpo_names[t->op.report];
    name.len = ngx_strlen(name.data);

    /* the exports of the same query (the range, the language) */
    ngx_http_privacy_page_raw(page, "<p class=\"formats\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "Hämta som ", "Download as "));
    ngx_http_privacy_page_raw(page, "<a href=\"");
    ngx_http_privacy_page_rawn(page, name.data, name.len);
    ngx_http_privacy_page_raw(page, ".json");
    ngx_http_privacy_dpo_args(page, r);
    ngx_http_privacy_page_raw(page, "\">JSON</a>, <a href=\"");
    ngx_http_privacy_page_rawn(page, name.data, name.len);
    ngx_http_privacy_page_raw(page, ".csv");
    ngx_http_privacy_dpo_args(page, r);
    ngx_http_privacy_page_raw(page, "\">CSV</a>.</p>\n");

    ngx_http_privacy_page_foot(page);

    return ngx_http_privacy_page_send(page, NGX_HTTP_OK);
}


/* JSON and CSV: the bytes as built, never sniffed, never cached */

static ngx_int_t
ngx_http_privacy_dpo_send(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    u_char       *p;
    ngx_int_t     rc;
    ngx_str_t     v;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    ngx_str_set(&v, "no-store");

    if (ngx_http_privacy_add_header(r, "Cache-Control", &v) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&v, "nosniff");

    if (ngx_http_privacy_add_header(r, "X-Content-Type-Options", &v)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (t->op.format == NGX_HTTP_PRIVACY_REPORT_JSON) {
        ngx_str_set(&r->headers_out.content_type,
                    "application/json; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/json") - 1;

    } else {
        ngx_str_set(&r->headers_out.content_type,
                    "text/csv; charset=utf-8; header=present");
        r->headers_out.content_type_len = sizeof("text/csv") - 1;

        p = ngx_pnalloc(r->pool, sizeof("attachment; filename=\".csv\"")
                                 + 64);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        v.data = p;
        v.len = ngx_sprintf(p, "attachment; filename=\"%s.csv\"",
                            ngx_http_privacy_dpo_names[t->op.report])
                - p;

        if (ngx_http_privacy_add_header(r, "Content-Disposition", &v)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    p = ngx_pnalloc(r->pool, t->op.out.len ? t->op.out.len : 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, t->op.out.data, t->op.out.len);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = t->op.out.len;

    if (r->method == NGX_HTTP_HEAD || t->op.out.len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = p;
    b->last = p + t->op.out.len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
