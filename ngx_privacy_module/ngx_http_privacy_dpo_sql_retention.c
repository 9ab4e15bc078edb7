/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The overview and the retention report (docs/dpo-guide.md).  Counts go
 * through indexes (page views by ts, roll-ups by day, requests by status
 * and due date), so that they answer in well under a second over
 * millions of rows (docs/performance.md).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"
#include "ngx_http_privacy_sweep.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


/*
 * A category's rows and its oldest date; what is past its period is what
 * the sweep's dry run counts (ngx_http_privacy_sweep.c), so that the
 * report and the sweeps follow one rule.  A category no sweep takes
 * counts its rows past the cutoff itself: ?1 the cutoff.
 */
typedef struct {
    const char  *category;
    int          always;            /* shown without a period */
    const char  *sql;
} ngx_http_privacy_dpo_held_t;


/*
 * A kind's subjects counted in its index, its oldest found through
 * subjects_reference in date order, the first one of the kind (skipped
 * when there is none: the walk would read every subject)
 */
#define NGX_HTTP_PRIVACY_DPO_KIND(kind)                                       \
    "SELECT n, CASE WHEN n > 0 THEN"                                          \
    " (SELECT coalesce(s.last_activity, s.created) FROM subjects s"           \
    "  WHERE EXISTS (SELECT 1 FROM subject_kinds k"                           \
    "   WHERE k.subject = s.id AND k.kind = '" kind "')"                      \
    "  ORDER BY coalesce(s.last_activity, s.created) LIMIT 1) END, NULL"      \
    " FROM (SELECT count(*) AS n FROM subject_kinds WHERE kind = '" kind "')"

#define NGX_HTTP_PRIVACY_DPO_RECORDS(category)                                \
    "SELECT count(*), min(reference_date),"                                   \
    " sum(erased IS NULL AND reference_date < ?1)"                            \
    " FROM records WHERE category = '" category "'"


static const ngx_http_privacy_dpo_held_t  ngx_http_privacy_dpo_held[] = {

    { "analytics", 1,
      "SELECT (SELECT coalesce(sum(views), 0) FROM analytics_events),"
      " (SELECT ts FROM analytics_events ORDER BY id LIMIT 1), NULL" },

    { "analytics_aggregate", 1,
      "SELECT (SELECT count(*) FROM analytics_daily)"
      " + (SELECT count(*) FROM analytics_daily_pages)"
      " + (SELECT count(*) FROM analytics_daily_searches)"
      " + (SELECT count(*) FROM analytics_daily_referrers),"
      " (SELECT CAST(strftime('%s', min(day)) AS INTEGER)"
      "  FROM analytics_daily), NULL" },

    { "consent", 1,
      "SELECT (SELECT count(*) FROM consent_receipts),"
      " (SELECT min(decided_at) FROM consent_receipts), NULL" },

    { "customer", 0, NGX_HTTP_PRIVACY_DPO_KIND("customer") },
    { "supplier", 0, NGX_HTTP_PRIVACY_DPO_KIND("supplier") },
    { "club", 0, NGX_HTTP_PRIVACY_DPO_KIND("club") },

    { "newsletter", 0,
      "SELECT count(*), min(ended), NULL"
      " FROM subject_kinds WHERE kind = 'newsletter'" },

    { "bookkeeping", 0,
      "SELECT count(*), min(placed), NULL FROM orders" },

    { "requests", 0,
      "SELECT count(*), min(received), NULL FROM requests" },

    { "chat", 0, NGX_HTTP_PRIVACY_DPO_RECORDS("chat") },
    { "cctv", 0, NGX_HTTP_PRIVACY_DPO_RECORDS("cctv") },

    /*
     * the chain's ids are consecutive from the anchor on (a gap breaks
     * it, and the audit report says so): its rows without counting them
     */
    { "audit", 0,
      "SELECT coalesce((SELECT max(id) FROM audit_log)"
      " - coalesce((SELECT last_id FROM audit_anchor), 0), 0),"
      " (SELECT min(ts) FROM audit_log), NULL" },
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_categories_cols[] =
{
    { "category", { "Kategori", "Category" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "retention", { "Lagringstid", "Retention" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "swept", { "Gallras av modulen", "Swept by the module" },
      NGX_HTTP_PRIVACY_RCOL_BOOL },
    { "rows", { "Rader", "Rows" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "oldest", { "Äldsta", "Oldest" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "cutoff", { "Gräns", "Cutoff" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "overdue", { "Över tiden", "Overdue" }, NGX_HTTP_PRIVACY_RCOL_ALERT },
    { "last_sweep", { "Senaste gallring", "Last sweep" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "deleted", { "Raderade då", "Deleted then" },
      NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_categories = {
    "categories",
    { "Per kategori", "By category" },
    { "Inga lagringstider är inställda.", "No retention is configured." },
    ngx_http_privacy_dpo_categories_cols,
    sizeof(ngx_http_privacy_dpo_categories_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_sweeps_cols[] = {
    { "started", { "Start", "Started" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "finished", { "Klar", "Finished" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "dry_run", { "Provkörning", "Dry run" }, NGX_HTTP_PRIVACY_RCOL_BOOL },
    { "category", { "Kategori", "Category" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "retention", { "Lagringstid", "Retention" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "cutoff", { "Gräns", "Cutoff" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "examined", { "Över tiden", "Past their period" },
      NGX_HTTP_PRIVACY_RCOL_INT },
    { "deleted", { "Raderade", "Deleted" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "held", { "Spärrade", "Held" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "asked", { "Begärda hos andra", "Asked of others" },
      NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_sweeps = {
    "sweeps",
    { "Gallringar", "Sweeps" },
    { "Ingen gallring har körts än.", "No sweep has run yet." },
    ngx_http_privacy_dpo_sweeps_cols,
    sizeof(ngx_http_privacy_dpo_sweeps_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_records_cols[] = {
    { "category", { "Kategori", "Category" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "pending", { "Ej raderade", "Not erased" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "asked", { "Radering begärd", "Erasure asked" },
      NGX_HTTP_PRIVACY_RCOL_INT },
    { "oldest", { "Äldsta", "Oldest" }, NGX_HTTP_PRIVACY_RCOL_TIME },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_records = {
    "records",
    { "Uppgifter i andra system", "Records in other systems" },
    { "Inga uppgifter i andra system väntar på radering.",
      "No records in other systems wait for erasure." },
    ngx_http_privacy_dpo_records_cols,
    sizeof(ngx_http_privacy_dpo_records_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_holds_cols[] = {
    { "subject_id", { "Person (id)", "Subject (id)" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "reason", { "Skäl", "Reason" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "created", { "Sedan", "Since" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "until", { "Till", "Until" }, NGX_HTTP_PRIVACY_RCOL_TIME },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_holds = {
    "holds",
    { "Spärrar (legal hold)", "Legal holds" },
    { "Inga aktiva spärrar.", "No active holds." },
    ngx_http_privacy_dpo_holds_cols,
    sizeof(ngx_http_privacy_dpo_holds_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_attention_cols[] =
{
    { "item", { "Vad", "What" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "count", { "Antal", "Count" }, NGX_HTTP_PRIVACY_RCOL_ALERT },
    { "report", { "Rapport", "Report" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_attention = {
    "attention",
    { "Att se till", "Needs attention" },
    { "", "" },
    ngx_http_privacy_dpo_attention_cols,
    sizeof(ngx_http_privacy_dpo_attention_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static int ngx_http_privacy_dpo_categories_table(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rtable_t *t, int64_t *overdue);
static const char *ngx_http_privacy_dpo_period(dpo_op_t *op,
    const char *category);


static const char *
ngx_http_privacy_dpo_period(dpo_op_t *op, const char *category)
{
    int  i;

    for (i = 0; i < op->nretention; i++) {
        if (strcmp(op->retention[i].category, category) == 0) {
            return op->retention[i].period;
        }
    }

    return NULL;
}


static int
ngx_http_privacy_dpo_categories_table(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rtable_t *t, int64_t *overdue)
{
    int                                 rc, c, more, swept;
    int                                 set[NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES];
    char                                err[256];
    size_t                              i;
    time_t                              cutoff;
    time_t                              cutoffs[NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES];
    int64_t                             v[3], last[2], due;
    const char                         *period;
    ngx_http_privacy_sweep_t            sw;
    ngx_http_privacy_period_t           p[NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES];
    ngx_http_privacy_sweep_count_t      count;
    const ngx_http_privacy_dpo_held_t  *h;

    *overdue = 0;

    /* the sweep's own cutoffs (ngx_http_privacy_sweep_cutoffs()) */
    for (c = 0; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++) {
        period = ngx_http_privacy_dpo_period(op,
                                             ngx_http_privacy_sweep_names[c]);
        set[c] = period != NULL
                 && ngx_http_privacy_period_parse((u_char *) period,
                                                  strlen(period), &p[c])
                    == 0;
    }

    ngx_http_privacy_sweep_cutoffs(op->now, p, set, cutoffs);

    for (i = 0;
         i < sizeof(ngx_http_privacy_dpo_held)
             / sizeof(ngx_http_privacy_dpo_held_t);
         i++)
    {
        h = &ngx_http_privacy_dpo_held[i];
        period = ngx_http_privacy_dpo_period(op, h->category);

        for (c = 0; c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; c++) {
            if (strcmp(ngx_http_privacy_sweep_names[c], h->category) == 0) {
                break;
            }
        }

        swept = c < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES;

        /* the page views' categories always, the others when configured */
        if (period == NULL && !h->always) {
            continue;
        }

        cutoff = (swept && set[c]) ? cutoffs[c] : 0;

        rc = ngx_http_privacy_dpo_ints(db, h->sql, cutoff, op->now,
                                       op->consent_max_age, NULL, v, 3);
        if (rc != SQLITE_OK) {
            return ngx_http_privacy_dpo_failed(op, db, rc);
        }

        due = v[2] < 0 ? 0 : v[2];

        if (cutoff) {
            /*
             * what is overdue is what a sweep now would delete: its dry
             * run, with its reference dates, calendar and holds (rows a
             * legal hold keeps are not overdue)
             */
            memset(&sw, 0, sizeof(sw));
            sw.category = c;
            sw.cutoff = cutoff;
            sw.max_age = (time_t) op->consent_max_age;
            sw.now = (time_t) op->now;
            sw.fiscal_month = (unsigned) op->fiscal_month;
            sw.fiscal_day = (unsigned) op->fiscal_day;
            sw.dry_run = 1;

            memset(&count, 0, sizeof(count));

            rc = ngx_http_privacy_sweep_category(db, &sw, &count, &more, err,
                                                 sizeof(err));
            if (rc != SQLITE_OK) {
                return ngx_http_privacy_dpo_failed(op, db, rc);
            }

            due = count.examined - count.held;
        }

        rc = ngx_http_privacy_dpo_ints(db,
                 "SELECT s.started, c.deleted FROM sweep_categories c"
                 " JOIN sweeps s ON s.id = c.sweep_id"
                 " WHERE c.category = ?4 AND s.dry_run = 0"
                 " AND s.finished IS NOT NULL"
                 " ORDER BY s.id DESC LIMIT 1",
                 0, 0, 0, h->category, last, 2);
        if (rc != SQLITE_OK) {
            return ngx_http_privacy_dpo_failed(op, db, rc);
        }

        if (ngx_http_privacy_rtable_row(t) != 0) {
            return SQLITE_NOMEM;
        }

        ngx_http_privacy_rtable_text(t, 0, (u_char *) h->category,
                                     strlen(h->category));
        ngx_http_privacy_rtable_int(t, 2, swept);
        ngx_http_privacy_rtable_int(t, 3, v[0] < 0 ? 0 : v[0]);

        if (v[1] >= 0) {
            ngx_http_privacy_rtable_int(t, 4, v[1]);
        }

        if (period) {
            ngx_http_privacy_rtable_text(t, 1, (u_char *) period,
                                         strlen(period));

            if (cutoff) {
                ngx_http_privacy_rtable_int(t, 5, cutoff);
            }

            ngx_http_privacy_rtable_int(t, 6, due);
            *overdue += due;
        }

        if (last[0] >= 0) {
            ngx_http_privacy_rtable_int(t, 7, last[0]);
            ngx_http_privacy_rtable_int(t, 8, last[1] < 0 ? 0 : last[1]);
        }
    }

    return SQLITE_OK;
}


int
ngx_http_privacy_dpo_retention(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    int64_t                     overdue, running[1];
    ngx_http_privacy_rbuf_t    *b;
    ngx_http_privacy_rtable_t  *t;

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_categories);

    rc = ngx_http_privacy_dpo_categories_table(op, db, t, &overdue);
    if (rc != SQLITE_OK) {
        return rc;
    }

    /* a sweep started in the last hour and not finished: one runs now */
    rc = ngx_http_privacy_dpo_ints(db,
             "SELECT count(*) FROM sweeps"
             " WHERE finished IS NULL AND started > ?2 - 3600",
             0, op->now, 0, NULL, running, 1);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_sweeps);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT s.started, s.finished, s.dry_run, c.category, c.period,"
             " c.cutoff, c.examined, c.deleted, c.held, c.asked"
             " FROM sweeps s JOIN sweep_categories c ON c.sweep_id = s.id"
             " ORDER BY s.id DESC, c.category LIMIT 60", 0, 0, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_records);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT category, count(*), sum(erase_asked IS NOT NULL),"
             " min(reference_date) FROM records WHERE erased IS NULL"
             " GROUP BY category ORDER BY category", 0, 0, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_holds);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT s.subject_id, h.reason, h.created, h.until"
             " FROM holds h JOIN subjects s ON s.id = h.subject"
             " WHERE h.released IS NULL AND h.until > ?2"
             " ORDER BY h.until LIMIT 500", 0, op->now, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    ngx_http_privacy_rbuf_printf(&rp->json, "\"overdue\":%lld,"
                                 "\"sweep_running\":%s,",
                                 (long long) overdue,
                                 running[0] > 0 ? "true" : "false");

    b = &rp->html;

    ngx_http_privacy_rbuf_printf(b, "<p class=\"lead\">%s <strong>%lld"
                                 "</strong>.</p>\n",
                                 op->lang ? "Rows past their retention "
                                            "period now:"
                                          : "Rader som passerat sin "
                                            "lagringstid nu:",
                                 (long long) overdue);

    if (running[0] > 0) {
        ngx_http_privacy_rbuf_str(b, op->lang
            ? "<p class=\"note\">A sweep is running. Reload the page to "
              "see its result.</p>\n"
            : "<p class=\"note\">En gallring pågår. Ladda om sidan för att "
              "se resultatet.</p>\n");
    }

    ngx_http_privacy_rbuf_str(b, "<form method=\"post\" action=\"sweep\" "
                                 "class=\"actions\">");
    ngx_http_privacy_dpo_hidden(op, b);
    ngx_http_privacy_rbuf_str(b, op->lang
        ? "<button type=\"submit\">Run a sweep now</button> "
          "<button type=\"submit\" name=\"dry_run\" value=\"1\">"
          "Preview (dry run)</button>"
        : "<button type=\"submit\">Gallra nu</button> "
          "<button type=\"submit\" name=\"dry_run\" value=\"1\">"
          "Förhandsgranska (provkörning)</button>");
    ngx_http_privacy_rbuf_str(b, "</form>\n");

    return SQLITE_OK;
}


int
ngx_http_privacy_dpo_overview(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    size_t                      i;
    int64_t                     overdue, req[2], inc[2], cookies[1];
    ngx_http_privacy_rbuf_t    *b;
    ngx_http_privacy_rtable_t  *t, scratch;

    struct {
        const char  *item;
        const char  *text[2];
        int          report;
        int64_t      n;
    } items[5];

    memset(&scratch, 0, sizeof(scratch));
    scratch.def = &ngx_http_privacy_dpo_categories;

    rc = ngx_http_privacy_dpo_categories_table(op, db, &scratch, &overdue);

    for (i = 0; i < scratch.nrows * scratch.def->ncols; i++) {
        free(scratch.cells[i].s);
    }

    free(scratch.cells);

    if (rc != SQLITE_OK) {
        return rc;
    }

    rc = ngx_http_privacy_dpo_ints(db,
             "SELECT (SELECT count(*) FROM requests"
             "  WHERE status <> 'closed' AND due < ?2 + 7 * 86400),"
             " (SELECT count(*) FROM requests"
             "  WHERE status <> 'closed' AND due < ?2)",
             0, op->now, 0, NULL, req, 2);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    rc = ngx_http_privacy_dpo_ints(db,
             "SELECT count(*),"
             " min(CASE WHEN reported IS NULL THEN discovered END)"
             " FROM incidents WHERE closed IS NULL",
             0, 0, 0, NULL, inc, 2);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    rc = ngx_http_privacy_dpo_ints(db,
             "SELECT count(*) FROM cookies_seen WHERE category IS NULL",
             0, 0, 0, NULL, cookies, 1);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    items[0].item = "overdue_rows";
    items[0].text[0] = "rader har passerat sin lagringstid";
    items[0].text[1] = "rows are past their retention period";
    items[0].report = NGX_HTTP_PRIVACY_DPO_RETENTION;
    items[0].n = overdue;

    items[1].item = "requests_due_this_week";
    items[1].text[0] = "begäranden ska besvaras inom sju dagar";
    items[1].text[1] = "requests are due within seven days";
    items[1].report = NGX_HTTP_PRIVACY_DPO_REQUESTS;
    items[1].n = req[0];

    items[2].item = "requests_overdue";
    items[2].text[0] = "begäranden är försenade";
    items[2].text[1] = "requests are overdue";
    items[2].report = NGX_HTTP_PRIVACY_DPO_REQUESTS;
    items[2].n = req[1];

    items[3].item = "open_incidents";
    items[3].text[0] = "incidenter är öppna";
    items[3].text[1] = "incidents are open";
    items[3].report = NGX_HTTP_PRIVACY_DPO_INCIDENTS;
    items[3].n = inc[0] < 0 ? 0 : inc[0];

    items[4].item = "unclassified_cookies";
    items[4].text[0] = "kakor saknar kategori";
    items[4].text[1] = "cookies have no category";
    items[4].report = NGX_HTTP_PRIVACY_DPO_COOKIES;
    items[4].n = cookies[0] < 0 ? 0 : cookies[0];

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_attention);
    b = &rp->html;
    rp->cards = 1;

    ngx_http_privacy_rbuf_str(b, "<ul class=\"cards\">\n");

    for (i = 0; i < 5; i++) {
        if (ngx_http_privacy_rtable_row(t) != 0) {
            return SQLITE_NOMEM;
        }

        ngx_http_privacy_rtable_text(t, 0, (u_char *) items[i].item,
                                     strlen(items[i].item));
        ngx_http_privacy_rtable_int(t, 1, items[i].n);
        ngx_http_privacy_rtable_text(t, 2,
            (u_char *) ngx_http_privacy_dpo_names[items[i].report],
            strlen(ngx_http_privacy_dpo_names[items[i].report]));

        ngx_http_privacy_rbuf_printf(b, "<li%s><a href=\"%s.html\">"
                                     "<span class=\"big\">%lld</span> %s"
                                     "</a></li>\n",
                                     items[i].n ? " class=\"alert\"" : "",
                                     ngx_http_privacy_dpo_names[
                                         items[i].report],
                                     (long long) items[i].n,
                                     items[i].text[op->lang]);
    }

    /* the 72 hours of art. 33(1), from the earliest unreported breach */
    if (inc[1] >= 0) {
        ngx_http_privacy_rbuf_printf(b, "<li class=\"alert\"><a href=\""
                                     "incidents.html\"><span class=\"big\">"
                                     "%lld</span> %s</a></li>\n",
                                     (long long) ((inc[1] + 72 * 3600
                                                   - op->now) / 3600),
                                     op->lang
                                     ? "hours left to report the earliest "
                                       "unreported breach to IMY "
                                       "(GDPR art. 33)"
                                     : "timmar kvar att anmäla den äldsta "
                                       "oanmälda incidenten till IMY "
                                       "(GDPR art. 33)");
        ngx_http_privacy_rbuf_printf(&rp->json, "\"incident_hours_left\":"
                                     "%lld,",
                                     (long long) ((inc[1] + 72 * 3600
                                                   - op->now) / 3600));

    } else {
        ngx_http_privacy_rbuf_str(&rp->json, "\"incident_hours_left\":null,");
    }

    ngx_http_privacy_rbuf_str(b, "</ul>\n");

    return SQLITE_OK;
}
