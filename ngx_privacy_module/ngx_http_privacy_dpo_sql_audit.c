/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The audit log as the DPO reads it (docs/dpo-guide.md): the newest
 * entries, filtered by actor, action or subject, and the hash chain
 * verified on every view (ngx_http_privacy_audit.c), so that the page
 * says whether a row was edited, inserted or removed.
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


/*
 * the MACs one view computes at most: ~0.3 s on the benchmark's machine
 * (docs/performance.md); a longer chain is checked over several views
 */
#define NGX_HTTP_PRIVACY_DPO_AUDIT_ROWS  300000


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_audit_cols[] = {
    { "id", { "Nr", "No." }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "time", { "Tid", "Time" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "actor", { "Vem", "Actor" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "action", { "Händelse", "Action" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "subject_id", { "Person (id)", "Subject (id)" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_audit = {
    "entries",
    { "Händelser (de senaste 500)", "Entries (the newest 500)" },
    { "Inga händelser.", "No entries." },
    ngx_http_privacy_dpo_audit_cols,
    sizeof(ngx_http_privacy_dpo_audit_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static void ngx_http_privacy_dpo_audit_form(dpo_op_t *op,
    ngx_http_privacy_rbuf_t *b);


int
ngx_http_privacy_dpo_audit_report(dpo_op_t *op, ngx_http_privacy_rdb_t *rdb,
    ngx_http_privacy_report_t *rp)
{
    int                              i, rc;
    sqlite3                         *db;
    sqlite3_stmt                    *st;
    ngx_http_privacy_rtable_t       *t;
    ngx_http_privacy_audit_check_t   chk;

    db = ngx_http_privacy_rdb_handle(rdb);

    /* an empty filter matches everything */
    rc = sqlite3_prepare_v2(db,
             "SELECT id, ts, actor, action, subject_id FROM audit_log"
             " WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)"
             " AND (?3 = '' OR subject_id = ?3)"
             " ORDER BY id DESC LIMIT 500", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    sqlite3_bind_text(st, 1, op->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, op->faction, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, op->subject, -1, SQLITE_STATIC);

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_audit);

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ngx_http_privacy_rtable_row(t) != 0) {
            sqlite3_finalize(st);
            return SQLITE_NOMEM;
        }

        ngx_http_privacy_rtable_int(t, 0, sqlite3_column_int64(st, 0));
        ngx_http_privacy_rtable_int(t, 1, sqlite3_column_int64(st, 1));

        for (i = 2; i < 5; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_TEXT) {
                ngx_http_privacy_rtable_text(t, i, sqlite3_column_text(st, i),
                                             sqlite3_column_bytes(st, i));
            }
        }
    }

    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    /*
     * the chain from the anchor of the last sweep: the entries appended
     * since the last view, then older ones, DPO_AUDIT_ROWS at most, so
     * that the page answers quickly however long the log
     */
    if (ngx_http_privacy_rdb_audit_check(rdb,
                                         NGX_HTTP_PRIVACY_DPO_AUDIT_ROWS,
                                         op->now, &chk)
        != NGX_HTTP_PRIVACY_RDB_OK)
    {
        return ngx_http_privacy_dpo_failed(op, db, SQLITE_ERROR);
    }

    ngx_http_privacy_rbuf_printf(&rp->json,
                                 "\"chain\":{\"entries\":%lld,"
                                 "\"intact\":%s,\"checked_now\":%lld,"
                                 "\"checked_through\":%lld,"
                                 "\"full_check\":",
                                 (long long) chk.entries,
                                 chk.first_broken ? "false" : "true",
                                 (long long) chk.checked,
                                 (long long) chk.through);

    if (chk.full_at) {
        ngx_http_privacy_rbuf_str(&rp->json, "\"");
        ngx_http_privacy_rbuf_time(&rp->json, chk.full_at, 1);
        ngx_http_privacy_rbuf_str(&rp->json, "\"");

    } else {
        ngx_http_privacy_rbuf_str(&rp->json, "null");
    }

    ngx_http_privacy_rbuf_str(&rp->json, ",\"first_broken\":");

    if (chk.first_broken) {
        ngx_http_privacy_rbuf_printf(&rp->json, "%lld},",
                                     (long long) chk.first_broken);

        ngx_http_privacy_rbuf_printf(&rp->html, op->lang
            ? "<p class=\"alert box\" role=\"alert\">The chain is broken "
              "at entry no. %lld: that entry, or one before it, was "
              "edited, inserted or removed after it was written. Keep "
              "the register file as it is and treat this as a possible "
              "incident.</p>\n"
            : "<p class=\"alert box\" role=\"alert\">Kedjan är bruten vid "
              "händelse nr %lld: den, eller en före den, har ändrats, lagts"
              " till eller tagits bort i efterhand. Låt registerfilen vara "
              "som den är och behandla det som en möjlig incident.</p>\n",
            (long long) chk.first_broken);

    } else if (chk.checked >= chk.entries) {
        ngx_http_privacy_rbuf_str(&rp->json, "null},");

        ngx_http_privacy_rbuf_printf(&rp->html, op->lang
            ? "<p class=\"box\" role=\"status\">The chain is intact: all "
              "%lld entries were checked now, none was edited, inserted or "
              "removed.</p>\n"
            : "<p class=\"box\" role=\"status\">Kedjan är hel: alla %lld "
              "händelser kontrollerades nu, ingen har ändrats, lagts till "
              "eller tagits bort.</p>\n", (long long) chk.entries);

    } else if (chk.full_at == 0) {
        ngx_http_privacy_rbuf_str(&rp->json, "null},");

        ngx_http_privacy_rbuf_printf(&rp->html, op->lang
            ? "<p class=\"box\" role=\"status\">The chain is intact as "
              "far as checked: the first check of its %lld entries has "
              "reached entry no. %lld. It goes on each time the page is "
              "opened.</p>\n"
            : "<p class=\"box\" role=\"status\">Kedjan är hel så långt "
              "den har kontrollerats: den första kontrollen av dess %lld "
              "händelser har nått händelse nr %lld. Den fortsätter varje "
              "gång sidan öppnas.</p>\n",
            (long long) chk.entries, (long long) chk.through);

    } else {
        ngx_http_privacy_rbuf_str(&rp->json, "null},");

        ngx_http_privacy_rbuf_printf(&rp->html, op->lang
            ? "<p class=\"box\" role=\"status\">The chain is intact: "
              "%lld of its %lld entries were checked now, the newest "
              "first; every entry was checked again in a full pass that "
              "ended "
            : "<p class=\"box\" role=\"status\">Kedjan är hel: %lld av "
              "dess %lld händelser kontrollerades nu, de nyaste först; "
              "alla händelser kontrollerades igen i ett helt varv som "
              "slutade ",
            (long long) chk.checked, (long long) chk.entries);
        ngx_http_privacy_rbuf_time(&rp->html, chk.full_at, 0);
        ngx_http_privacy_rbuf_str(&rp->html, op->lang
            ? ". Each view checks the next older ones.</p>\n"
            : ". Varje visning kontrollerar nästa äldre.</p>\n");
    }

    ngx_http_privacy_dpo_audit_form(op, &rp->html);

    return SQLITE_OK;
}


/* the filter: a GET form, so a filtered view can be bookmarked */

static void
ngx_http_privacy_dpo_audit_form(dpo_op_t *op, ngx_http_privacy_rbuf_t *b)
{
    size_t       i;
    const char  *a;

    static const char  *actors[] = { "api", "portal", "sweep", "dpo" };

    ngx_http_privacy_rbuf_printf(b, "<form method=\"get\" "
                                 "action=\"audit.html\" class=\"range\">"
                                 "<input type=\"hidden\" name=\"lang\" "
                                 "value=\"%s\"><label for=\"actor\">%s"
                                 "</label> <select id=\"actor\" "
                                 "name=\"actor\"><option value=\"\">%s"
                                 "</option>",
                                 op->lang ? "en" : "sv",
                                 op->lang ? "Actor" : "Vem",
                                 op->lang ? "all" : "alla");

    for (i = 0; i < sizeof(actors) / sizeof(actors[0]); i++) {
        a = actors[i];
        ngx_http_privacy_rbuf_printf(b, "<option%s>%s</option>",
                                     strcmp(op->actor, a) == 0
                                     ? " selected" : "", a);
    }

    ngx_http_privacy_rbuf_printf(b, "</select> <label for=\"action\">%s"
                                 "</label> <input id=\"action\" "
                                 "name=\"action\" value=\"",
                                 op->lang ? "Action" : "Händelse");
    ngx_http_privacy_rbuf_html(b, (u_char *) op->faction,
                               strlen(op->faction));
    ngx_http_privacy_rbuf_printf(b, "\"> <label for=\"subject\">%s</label> "
                                 "<input id=\"subject\" name=\"subject\" "
                                 "value=\"",
                                 op->lang ? "Subject (id)" : "Person (id)");
    ngx_http_privacy_rbuf_html(b, (u_char *) op->subject,
                               strlen(op->subject));
    ngx_http_privacy_rbuf_printf(b, "\"> <button type=\"submit\">%s"
                                 "</button></form>\n",
                                 op->lang ? "Filter" : "Filtrera");
}
