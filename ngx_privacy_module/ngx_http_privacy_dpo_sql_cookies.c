/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie report (docs/dpo-guide.md): every cookie name the module met
 * in a Cookie or Set-Cookie header (cookies_seen, docs/database.md), the
 * unclassified ones first, each with the pattern that would classify it.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"
#include "ngx_http_privacy_report_cookies.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_cookies_cols[] = {
    { "name", { "Namn", "Name" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "category", { "Kategori", "Category" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "unclassified", { "Saknar kategori", "Unclassified" },
      NGX_HTTP_PRIVACY_RCOL_ALERT },
    { "first_seen", { "Först sedd", "First seen" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "last_seen", { "Senast sedd", "Last seen" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "sightings", { "Rapporter", "Reports" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "suggested_pattern", { "Förslag på mönster", "Suggested pattern" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_cookies = {
    "cookies",
    { "Kakor som setts", "Cookies seen" },
    { "Ingen kaka har setts än.", "No cookie has been seen yet." },
    ngx_http_privacy_dpo_cookies_cols,
    sizeof(ngx_http_privacy_dpo_cookies_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


int
ngx_http_privacy_dpo_cookies_report(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    size_t                      i, n;
    u_char                      pattern[4 * 64 + 3];
    int64_t                     unclassified;
    ngx_http_privacy_rcell_t   *name, *flag;
    ngx_http_privacy_rtable_t  *t;

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_cookies);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT name, category, category IS NULL, first_seen,"
             " last_seen, sightings FROM cookies_seen"
             " ORDER BY category IS NOT NULL, name LIMIT 5000",
             0, 0, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    unclassified = 0;

    for (i = 0; i < t->nrows; i++) {
        name = ngx_http_privacy_rtable_cell(t, i, 0);
        flag = ngx_http_privacy_rtable_cell(t, i, 2);

        if (flag->n == 0 || name->s == NULL || name->len > 64) {
            continue;
        }

        unclassified++;

        n = ngx_http_privacy_cookie_pattern(name->s, name->len, pattern);

        /* the row is not the last: set its cell directly */
        free(t->cells[i * t->def->ncols + 6].s);
        t->cells[i * t->def->ncols + 6].s = malloc(n);

        if (t->cells[i * t->def->ncols + 6].s == NULL) {
            return SQLITE_NOMEM;
        }

        memcpy(t->cells[i * t->def->ncols + 6].s, pattern, n);
        t->cells[i * t->def->ncols + 6].len = n;
        t->cells[i * t->def->ncols + 6].null = 0;
    }

    ngx_http_privacy_rbuf_printf(&rp->json, "\"unclassified\":%lld,",
                                 (long long) unclassified);

    ngx_http_privacy_rbuf_printf(&rp->html, op->lang
        ? "<p class=\"lead\"><strong>%lld</strong> of %lld cookie names "
          "seen have no category.</p>\n<p>A name without a category is "
          "handled as <code>privacy_unclassified</code> says. To classify "
          "it, your operator adds a line such as <code>privacy_cookie "
          "statistics '^_ga$';</code> with the suggested pattern and the "
          "category the policy gives the cookie. Names are recorded as "
          "seen in requests and responses, with first and last sighting; "
          "the paths and domains they were set for are not recorded.</p>\n"
        : "<p class=\"lead\"><strong>%lld</strong> av %lld kaknamn som "
          "setts saknar kategori.</p>\n<p>En kaka utan kategori hanteras "
          "som <code>privacy_unclassified</code> säger. För att "
          "klassificera den lägger driften till en rad som "
          "<code>privacy_cookie statistics '^_ga$';</code> med det "
          "föreslagna mönstret och den kategori policyn ger kakan. Namnen "
          "registreras när de syns i förfrågningar och svar, med första "
          "och senaste gången; sökvägar och domäner de sattes för "
          "registreras inte.</p>\n",
        (long long) unclassified, (long long) t->nrows);

    return SQLITE_OK;
}
