/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie report (docs/dpo-guide.md): every cookie name the module met
 * in a Cookie or Set-Cookie header (cookies_seen, docs/database.md), the
 * unclassified ones first, each with the pattern that would classify it,
 * and the paths and domains backends set it for (cookie_scopes).
 */


/* the column of the suggested pattern */
#define NGX_HTTP_PRIVACY_DPO_PATTERN_COL  8


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
    { "paths", { "Sökvägar", "Paths" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "domains", { "Domäner", "Domains" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
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
    ngx_http_privacy_rcell_t   *name, *flag, *cell;
    ngx_http_privacy_rtable_t  *t;

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_cookies);

    /*
     * A scope's values hold no space (cookie_scope.h writes it %20): the
     * lists are space-separated; an absent Path or Domain is named
     * ("(default)": the page's directory; "(host)": a host-only cookie)
     */
    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT name, category, category IS NULL, first_seen,"
             " last_seen, sightings,"
             " (SELECT group_concat(CASE path WHEN '' THEN"
             "   iif(?1, '(default)', '(standard)') ELSE path END, ' ')"
             "  FROM (SELECT path FROM cookie_scopes s"
             "   WHERE s.name = c.name GROUP BY path ORDER BY path)),"
             " (SELECT group_concat(CASE domain WHEN '' THEN"
             "   iif(?1, '(host)', '(värd)') ELSE domain END, ' ')"
             "  FROM (SELECT domain FROM cookie_scopes s"
             "   WHERE s.name = c.name GROUP BY domain ORDER BY domain))"
             " FROM cookies_seen c"
             " ORDER BY category IS NOT NULL, name LIMIT 5000",
             op->lang, 0, 0, NULL);
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
        cell = ngx_http_privacy_rtable_cell(t, i,
                                            NGX_HTTP_PRIVACY_DPO_PATTERN_COL);
        free(cell->s);
        cell->s = malloc(n);

        if (cell->s == NULL) {
            return SQLITE_NOMEM;
        }

        memcpy(cell->s, pattern, n);
        cell->len = n;
        cell->null = 0;
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
          "seen in requests and responses, with first and last sighting. "
          "<em>Paths</em> and <em>Domains</em> list where the site's own "
          "responses set the cookie (a few per name, long values cut): "
          "<code>(default)</code> means without a path, for the page's "
          "own directory; <code>(host)</code> means without a domain, "
          "for this host name only.</p>\n"
        : "<p class=\"lead\"><strong>%lld</strong> av %lld kaknamn som "
          "setts saknar kategori.</p>\n<p>En kaka utan kategori hanteras "
          "som <code>privacy_unclassified</code> säger. För att "
          "klassificera den lägger driften till en rad som "
          "<code>privacy_cookie statistics '^_ga$';</code> med det "
          "föreslagna mönstret och den kategori policyn ger kakan. Namnen "
          "registreras när de syns i förfrågningar och svar, med första "
          "och senaste gången. <em>Sökvägar</em> och <em>Domäner</em> "
          "visar var webbplatsens egna svar satte kakan (några per namn, "
          "långa värden avkortade): <code>(standard)</code> betyder utan "
          "sökväg, för sidans egen katalog; <code>(värd)</code> betyder "
          "utan domän, bara för detta värdnamn.</p>\n",
        (long long) unclassified, (long long) t->nrows);

    return SQLITE_OK;
}
