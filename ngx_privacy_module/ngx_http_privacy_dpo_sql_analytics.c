/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO's analytics report (docs/dpo-guide.md), from the daily
 * roll-ups only (analytics_daily, _pages, _searches, _referrers:
 * docs/database.md),
 * never from the page views themselves: a range of days reads a few rows
 * per day and page, whatever the traffic was.  Their primary keys begin
 * with the day, so each query reads the range through an index.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"
#include "ngx_http_privacy_report_analytics.h"
#include "ngx_http_privacy_svg.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


#define NGX_HTTP_PRIVACY_DPO_TOP  50


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_days_cols[] = {
    { "day", { "Dag", "Day" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "page_views", { "Sidvisningar", "Page views" },
      NGX_HTTP_PRIVACY_RCOL_INT },
    { "visitors", { "Besökare", "Visitors" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "searches", { "Sökningar", "Searches" }, NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_days = {
    "days",
    { "Per dag", "By day" },
    { "Inga dagar i perioden.", "No days in the period." },
    ngx_http_privacy_dpo_days_cols,
    sizeof(ngx_http_privacy_dpo_days_cols) / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_pages_cols[] = {
    { "path", { "Sida", "Page" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "page_views", { "Sidvisningar", "Page views" },
      NGX_HTTP_PRIVACY_RCOL_INT },
    { "visitors", { "Besökare (summa per dag)", "Visitors (daily, summed)" },
      NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_pages = {
    "top_pages",
    { "Mest besökta sidor", "Top pages" },
    { "Inga sidvisningar i perioden.", "No page views in the period." },
    ngx_http_privacy_dpo_pages_cols,
    sizeof(ngx_http_privacy_dpo_pages_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_terms_cols[] = {
    { "term", { "Sökord", "Term" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "searches", { "Sökningar", "Searches" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "visitors", { "Besökare (summa per dag)", "Visitors (daily, summed)" },
      NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_terms = {
    "top_search_terms",
    { "Vanligaste sökord", "Top search terms" },
    { "Inget sökord har sökts av tillräckligt många besökare.",
      "No term was searched by enough visitors." },
    ngx_http_privacy_dpo_terms_cols,
    sizeof(ngx_http_privacy_dpo_terms_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_refs_cols[] = {
    { "referrer_host", { "Kom från", "Came from" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "page_views", { "Sidvisningar", "Page views" },
      NGX_HTTP_PRIVACY_RCOL_INT },
    { "visitors", { "Besökare (summa per dag)", "Visitors (daily, summed)" },
      NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_refs = {
    "top_referrer_hosts",
    { "Vanligaste hänvisande webbplatser", "Top referrer hosts" },
    { "Ingen annan webbplats har skickat tillräckligt många besökare.",
      "No other site sent enough visitors." },
    ngx_http_privacy_dpo_refs_cols,
    sizeof(ngx_http_privacy_dpo_refs_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static int ngx_http_privacy_dpo_days_of(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rtable_t *t);
static void ngx_http_privacy_dpo_analytics_html(dpo_op_t *op,
    ngx_http_privacy_report_t *rp, ngx_http_privacy_rtable_t *days,
    ngx_http_privacy_rare_t *rare, ngx_http_privacy_rare_t *rare_refs);


int
ngx_http_privacy_dpo_analytics(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    ngx_http_privacy_rare_t     rare, rare_refs;
    ngx_http_privacy_rtable_t  *days, *t;

    days = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_days);

    rc = ngx_http_privacy_dpo_days_of(op, db, days);
    if (rc != SQLITE_OK) {
        return rc;
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_pages);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT path, sum(page_views) AS v, sum(visitors)"
             " FROM analytics_daily_pages"
             " WHERE day BETWEEN date(?1, 'unixepoch')"
             " AND date(?2, 'unixepoch')"
             " GROUP BY path ORDER BY v DESC, path LIMIT ?3",
             op->from_day, op->to_day, NGX_HTTP_PRIVACY_DPO_TOP, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    /*
     * every term of the range, most visitors first; the threshold is
     * applied below (ngx_http_privacy_report_k()), which also counts
     * what it leaves out
     */
    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_terms);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT term, sum(searches) AS s, sum(visitors) AS v"
             " FROM analytics_daily_searches"
             " WHERE day BETWEEN date(?1, 'unixepoch')"
             " AND date(?2, 'unixepoch')"
             " GROUP BY term ORDER BY v DESC, s DESC, term",
             op->from_day, op->to_day, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    ngx_http_privacy_report_k(t, 1, 2, op->min_visitors,
                              NGX_HTTP_PRIVACY_DPO_TOP, &rare);

    /*
     * the sites visitors came from, under the same threshold: a host
     * few people come from (a personal blog, a webmail) may name one
     */
    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_refs);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT referrer_host, sum(page_views) AS p, sum(visitors) AS v"
             " FROM analytics_daily_referrers"
             " WHERE day BETWEEN date(?1, 'unixepoch')"
             " AND date(?2, 'unixepoch')"
             " GROUP BY referrer_host ORDER BY v DESC, p DESC, referrer_host",
             op->from_day, op->to_day, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    ngx_http_privacy_report_k(t, 1, 2, op->min_visitors,
                              NGX_HTTP_PRIVACY_DPO_TOP, &rare_refs);

    ngx_http_privacy_rbuf_printf(&rp->json,
        "\"from\":\"%s\",\"to\":\"%s\",\"min_visitors\":%lld,"
        "\"rare_terms\":{\"terms\":%lld,\"searches\":%lld},"
        "\"rare_referrer_hosts\":{\"hosts\":%lld,\"page_views\":%lld},"
        "\"searches_without_results\":null,",
        op->from, op->to, (long long) op->min_visitors,
        (long long) rare.terms, (long long) rare.searches,
        (long long) rare_refs.terms, (long long) rare_refs.searches);

    ngx_http_privacy_dpo_analytics_html(op, rp, days, &rare, &rare_refs);

    return SQLITE_OK;
}


/* every day of the range, 0 for the days without a roll-up */

static int
ngx_http_privacy_dpo_days_of(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rtable_t *t)
{
    int            rc;
    char           day[11];
    int64_t        d;
    sqlite3_stmt  *st;
    const char    *have;

    rc = sqlite3_prepare_v2(db,
             "SELECT day, sum(page_views), sum(visitors), sum(searches)"
             " FROM analytics_daily"
             " WHERE day BETWEEN date(?1, 'unixepoch')"
             " AND date(?2, 'unixepoch')"
             " GROUP BY day ORDER BY day", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    sqlite3_bind_int64(st, 1, op->from_day);
    sqlite3_bind_int64(st, 2, op->to_day);

    rc = sqlite3_step(st);

    for (d = op->from_day; d <= op->to_day; d += 86400) {
        ngx_http_privacy_day_format(d, day);

        if (ngx_http_privacy_rtable_row(t) != 0) {
            sqlite3_finalize(st);
            return SQLITE_NOMEM;
        }

        ngx_http_privacy_rtable_text(t, 0, (u_char *) day, 10);

        have = rc == SQLITE_ROW ? (const char *) sqlite3_column_text(st, 0)
                                : NULL;

        if (have && strcmp(have, day) == 0) {
            ngx_http_privacy_rtable_int(t, 1, sqlite3_column_int64(st, 1));
            ngx_http_privacy_rtable_int(t, 2, sqlite3_column_int64(st, 2));
            ngx_http_privacy_rtable_int(t, 3, sqlite3_column_int64(st, 3));
            rc = sqlite3_step(st);

        } else {
            ngx_http_privacy_rtable_int(t, 1, 0);
            ngx_http_privacy_rtable_int(t, 2, 0);
            ngx_http_privacy_rtable_int(t, 3, 0);
        }
    }

    sqlite3_finalize(st);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    return SQLITE_OK;
}


static void
ngx_http_privacy_dpo_analytics_html(dpo_op_t *op,
    ngx_http_privacy_report_t *rp, ngx_http_privacy_rtable_t *days,
    ngx_http_privacy_rare_t *rare, ngx_http_privacy_rare_t *rare_refs)
{
    char                      desc[400], most[11];
    size_t                    i, best;
    int64_t                  *views, *visitors, total;
    const char              **labels;
    ngx_http_privacy_rbuf_t  *b;
    ngx_http_privacy_chart_t  chart;

    b = &rp->html;

    /* the range: a GET form, no token needed */
    ngx_http_privacy_rbuf_printf(b,
        "<form method=\"get\" action=\"analytics.html\" class=\"range\">"
        "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
        "<label for=\"from\">%s</label> "
        "<input type=\"date\" id=\"from\" name=\"from\" value=\"%s\"> "
        "<label for=\"to\">%s</label> "
        "<input type=\"date\" id=\"to\" name=\"to\" value=\"%s\"> "
        "<button type=\"submit\">%s</button></form>\n",
        op->lang ? "en" : "sv", op->lang ? "From" : "Från", op->from,
        op->lang ? "to" : "till", op->to, op->lang ? "Show" : "Visa");

    views = malloc(days->nrows * sizeof(int64_t));
    visitors = malloc(days->nrows * sizeof(int64_t));
    labels = malloc(days->nrows * sizeof(char *));

    if (views == NULL || visitors == NULL || labels == NULL) {
        b->failed = 1;
        goto done;
    }

    total = 0;
    best = 0;

    for (i = 0; i < days->nrows; i++) {
        views[i] = ngx_http_privacy_rtable_cell(days, i, 1)->n;
        visitors[i] = ngx_http_privacy_rtable_cell(days, i, 2)->n;
        total += views[i];

        if (views[i] > views[best]) {
            best = i;
        }
    }

    if (days->nrows) {
        ngx_http_privacy_day_format(op->from_day + (int64_t) best * 86400,
                                    most);

    } else {
        most[0] = '\0';
    }

    snprintf(desc, sizeof(desc), op->lang
             ? "%lld page views from %s to %s, most on %s (%lld). "
               "The numbers are in the table By day below."
             : "%lld sidvisningar från %s till %s, flest %s (%lld). "
               "Siffrorna finns i tabellen Per dag nedan.",
             (long long) total, op->from, op->to, most,
             (long long) (days->nrows ? views[best] : 0));

    /*
     * the chart names the first and the last day (the cells are not
     * NUL-terminated; the range's ends are the same days)
     */
    for (i = 0; i < days->nrows; i++) {
        labels[i] = NULL;
    }

    if (days->nrows) {
        labels[0] = op->from;
        labels[days->nrows - 1] = op->to;
    }

    chart.id = "views";
    chart.title = op->lang ? "Page views and visitors per day"
                           : "Sidvisningar och besökare per dag";
    chart.desc = desc;
    chart.labels = labels;
    chart.bars = views;
    chart.line = visitors;
    chart.bars_name = op->lang ? "Page views" : "Sidvisningar";
    chart.line_name = op->lang ? "Visitors" : "Besökare";
    chart.n = days->nrows;

    ngx_http_privacy_svg_chart(b, &chart);

    ngx_http_privacy_rbuf_printf(b, "<p class=\"note\">%s %s %s %s.</p>\n",
                                 op->lang ? "From" : "Från", op->from,
                                 op->lang ? "to" : "till", op->to);

    ngx_http_privacy_rbuf_printf(b, op->lang
        ? "<p>A search term is named once at least %lld visitors searched "
          "it (counted per day and summed). <strong>%lld rare terms</strong>"
          " (%lld searches) are counted, not named. Searches without "
          "results: not reported by the shop.</p>\n"
        : "<p>Ett sökord visas först när minst %lld besökare har sökt på "
          "det (räknat per dag och summerat). <strong>%lld ovanliga "
          "sökord</strong> (%lld sökningar) räknas men visas inte. "
          "Sökningar utan träff: rapporteras inte av butiken.</p>\n",
        (long long) op->min_visitors, (long long) rare->terms,
        (long long) rare->searches);

    ngx_http_privacy_rbuf_printf(b, op->lang
        ? "<p>A referrer host (another site a visitor came from) is named "
          "under the same rule. <strong>%lld rare hosts</strong> (%lld page"
          " views) are counted, not named.</p>\n"
        : "<p>En hänvisande webbplats (en annan webbplats som besökaren kom "
          "från) visas under samma regel. <strong>%lld ovanliga "
          "webbplatser</strong> (%lld sidvisningar) räknas men visas inte."
          "</p>\n",
        (long long) rare_refs->terms, (long long) rare_refs->searches);

done:

    free(views);
    free(visitors);
    free(labels);
}
