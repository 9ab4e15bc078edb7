/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The dashboard's answers: the page around a report (navigation, the
 * exports, a stylesheet that prints), JSON and CSV as built.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_dpo_int.h"
#include "ngx_http_privacy_rights.h"


/* the dashboard's own rules: tables, navigation, cards, print */
static const char  ngx_http_privacy_dpo_style[] =
    "main{max-width:72rem}"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
    "gap:.3rem .9rem}nav a[aria-current]{font-weight:bold;color:#1a1a1a}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem;min-width:50%}"
    "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}th{background:#f3f3f3}"
    ".n{text-align:right;font-variant-numeric:tabular-nums}"
    ".alert{font-weight:bold;color:#a00000}"
    ".cards{list-style:none;padding:0;display:grid;gap:.8rem;"
    "grid-template-columns:repeat(auto-fill,minmax(14rem,1fr))}"
    ".cards li{border:1px solid #767676;border-radius:.4rem;padding:.8rem}"
    ".cards li.alert{border:3px solid #a00000}"
    ".big{display:block;font-size:2rem;font-weight:bold}"
    ".actions button{flex:0 1 auto}"
    ".formats{margin-top:2rem}"
    "@media print{nav,.actions,.formats{display:none}"
    "main{max-width:none}a{color:#000}}";


static void ngx_http_privacy_dpo_args(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r);
static void ngx_http_privacy_dpo_nav(ngx_http_privacy_page_t *page,
    ngx_int_t current);
static ngx_int_t ngx_http_privacy_dpo_send(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);


ngx_int_t
ngx_http_privacy_dpo_answer(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    ngx_str_t                      name;
    ngx_http_privacy_page_t       *page;
    ngx_http_privacy_main_conf_t  *pmcf;

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

    if (t->op.action >= NGX_HTTP_PRIVACY_DPO_INCIDENT) {
        if (t->op.result != 0) {
            return ngx_http_privacy_dpo_message(r, NGX_HTTP_NOT_FOUND,
                "Det finns ingen sådan öppen incident.",
                "There is no such open incident.");
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy: the DPO %s incident \"%s\"%s",
                      t->op.action == NGX_HTTP_PRIVACY_DPO_INCIDENT
                      ? "registered" : t->op.action
                                       == NGX_HTTP_PRIVACY_DPO_REPORTED
                                       ? "marked reported" : "closed",
                      t->op.id, t->op.unknown
                                ? "; unknown customer numbers given" : "");

        /* the notices wait in the outbox: send them now */
        if (t->op.notices) {
            pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
            ngx_http_privacy_rights_mail((ngx_cycle_t *) ngx_cycle, pmcf);
        }

        return ngx_http_privacy_dpo_redirect(r, "incidents.html");
    }

    if (t->op.action != NGX_HTTP_PRIVACY_DPO_SHOW) {
        if (t->op.result == 2) {
            return ngx_http_privacy_dpo_message(r, NGX_HTTP_CONFLICT,
                "Ärendet kom in för mer än en månad sedan: en förlängning "
                "måste beslutas och meddelas inom den första månaden "
                "(artikel 12.3).",
                "The request came in more than a month ago: an extension "
                "must be decided and told within the first month (Article "
                "12(3)).");
        }

        if (t->op.result != 0) {
            return ngx_http_privacy_dpo_message(r, NGX_HTTP_NOT_FOUND,
                "Det finns inget sådant öppet ärende.",
                "There is no such open request.");
        }

        /* the person is told of the extension: send it now */
        if (t->op.notices) {
            pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
            ngx_http_privacy_rights_mail((ngx_cycle_t *) ngx_cycle, pmcf);
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy: the DPO %s request \"%s\"",
                      t->op.action == NGX_HTTP_PRIVACY_DPO_EXTEND
                      ? "extended" : "closed", t->op.id);

        return ngx_http_privacy_dpo_redirect(r, "requests.html");
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


/* "?" and the request's arguments, escaped for the attribute */

static void
ngx_http_privacy_dpo_args(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r)
{
    if (r->args.len) {
        ngx_http_privacy_page_raw(page, "?");
        ngx_http_privacy_page_text(page, r->args.data, r->args.len);
    }
}


static void
ngx_http_privacy_dpo_nav(ngx_http_privacy_page_t *page, ngx_int_t current)
{
    ngx_int_t    i;
    const char  *lang;

    lang = ngx_http_privacy_t(page, "sv", "en");

    ngx_http_privacy_page_raw(page, "<nav aria-label=\"");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "Rapporter", "Reports"));
    ngx_http_privacy_page_raw(page, "\"><ul>");

    for (i = 0; i < NGX_HTTP_PRIVACY_DPO_NREPORTS; i++) {
        ngx_http_privacy_page_raw(page, "<li><a href=\"");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_dpo_names[i]);
        ngx_http_privacy_page_raw(page, ".html?lang=");
        ngx_http_privacy_page_raw(page, lang);
        ngx_http_privacy_page_raw(page, i == current
                                  ? "\" aria-current=\"page\">" : "\">");
        ngx_http_privacy_page_raw(page,
                                  ngx_http_privacy_dpo_titles[i][page->lang]);
        ngx_http_privacy_page_raw(page, "</a></li>");
    }

    ngx_http_privacy_page_raw(page, "<li><a href=\"?lang=");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "en\" lang=\"en\">English",
                              "sv\" lang=\"sv\">Svenska"));
    ngx_http_privacy_page_raw(page, "</a></li></ul></nav>\n");
}


ngx_int_t
ngx_http_privacy_dpo_message(ngx_http_request_t *r, ngx_uint_t status,
    const char *sv, const char *en)
{
    ngx_http_privacy_page_t  page;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head_css(&page, ngx_http_privacy_t(&page,
                                   "Dataskyddsombudet", "Data protection"),
                                   ngx_http_privacy_dpo_style);
    ngx_http_privacy_dpo_nav(&page, -1);
    ngx_http_privacy_page_raw(&page, "<p role=\"status\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page, sv, en));
    ngx_http_privacy_page_raw(&page, "</p>\n");
    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, status);
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


ngx_int_t
ngx_http_privacy_dpo_redirect(ngx_http_request_t *r, const char *report)
{
    ngx_str_t                  url;
    ngx_table_elt_t           *h;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    url.len = clcf->name.len + 1 + ngx_strlen(report);
    url.data = ngx_pnalloc(r->pool, url.len);
    if (url.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    url.len = ngx_sprintf(url.data, "%V%s%s", &clcf->name,
                          (clcf->name.len
                           && clcf->name.data[clcf->name.len - 1] == '/')
                          ? "" : "/", report)
              - url.data;

    h = ngx_http_privacy_add_header(r, "Location", &url);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.location = h;

    return ngx_http_privacy_dpo_message(r, NGX_HTTP_SEE_OTHER,
        "Klart.", "Done.");
}
