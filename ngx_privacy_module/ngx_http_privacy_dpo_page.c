/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO dashboard's page frame (ngx_http_privacy_dpo.c builds the
 * reports into it): the style, the navigation, the query arguments a
 * report's links keep, messages, and the form token bound to the DPO's
 * browser (docs/dpo-guide.md).
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


#define NGX_HTTP_PRIVACY_DPO_CSRF  "privacy_dpo_csrf"


/* the dashboard's own rules: tables, navigation, cards, print */
const char  ngx_http_privacy_dpo_style[] =
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


/*
 * The form token: a MAC of the browser's binding cookie (scoped to the
 * DPO's location) under the form key, so that another site's form cannot
 * carry one (docs/security.md).  The binding is prefixed, so that a
 * token of the rights portal never passes here.
 */

ngx_int_t
ngx_http_privacy_dpo_token(ngx_http_request_t *r, u_char *out,
    ngx_uint_t set)
{
    u_char                          *p, rnd[18], bind[4 + 24];
    ngx_str_t                        csrf, v;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *conf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    conf = pmcf->rights;

    if (conf == NULL || !conf->keyed) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_rights_cookie(r, NGX_HTTP_PRIVACY_DPO_CSRF, &csrf)
        != NGX_OK
        || csrf.len != 24)
    {
        if (!set) {
            return NGX_DECLINED;
        }

        csrf.data = ngx_pnalloc(r->pool, 24);
        if (csrf.data == NULL
            || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0)
        {
            return NGX_ERROR;
        }

        csrf.len = ngx_http_privacy_base64url_encode(rnd, sizeof(rnd),
                                                     csrf.data);

        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        p = ngx_pnalloc(r->pool, sizeof(NGX_HTTP_PRIVACY_DPO_CSRF "=")
                                 + 24 + sizeof("; Path=") + clcf->name.len
                                 + sizeof("; HttpOnly; SameSite=Strict"
                                          "; Secure"));
        if (p == NULL) {
            return NGX_ERROR;
        }

        v.data = p;
        p = ngx_sprintf(p, NGX_HTTP_PRIVACY_DPO_CSRF "=%V; Path=%V; "
                        "HttpOnly; SameSite=Strict", &csrf, &clcf->name);
#if (NGX_HTTP_SSL)
        if (r->connection->ssl) {
            p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
        }
#endif
        v.len = p - v.data;

        if (ngx_http_privacy_add_header(r, "Set-Cookie", &v) == NULL) {
            return NGX_ERROR;
        }
    }

    p = ngx_cpymem(bind, "dpo:", 4);
    ngx_memcpy(p, csrf.data, 24);

    return ngx_http_privacy_rights_form_token(conf->keys.form, bind,
                                              sizeof(bind), out) == 0
           ? NGX_OK : NGX_ERROR;
}


/* "?" and the request's arguments, escaped for the attribute */

void
ngx_http_privacy_dpo_args(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r)
{
    if (r->args.len) {
        ngx_http_privacy_page_raw(page, "?");
        ngx_http_privacy_page_text(page, r->args.data, r->args.len);
    }
}


void
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
