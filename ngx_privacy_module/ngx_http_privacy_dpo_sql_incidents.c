/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Personal-data breaches (docs/dpo-guide.md): the register of incidents
 * with the 72 hours to notify IMY (GDPR art. 33(1)) counted from their
 * discovery, registering one, marking it reported or closed, and the
 * notices to the persons affected (art. 34) written to the outbox, whose
 * delivery the report follows.  Each change is audited as "dpo".
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"
#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_mail_notice.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


#define NGX_HTTP_PRIVACY_DPO_72H  (72 * 3600)


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_incidents_cols[] =
{
    { "incident_id", { "Incident", "Incident" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "what", { "Vad", "What" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "occurred", { "Inträffade", "Occurred" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "discovered", { "Upptäcktes", "Discovered" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "report_by", { "Anmäls senast", "Report by" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "reported", { "Anmäld till IMY", "Reported to IMY" },
      NGX_HTTP_PRIVACY_RCOL_TIME },
    { "closed", { "Avslutad", "Closed" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "data_categories", { "Personuppgifter", "Personal data" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "data_subjects", { "Berörda", "Persons affected" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "consequences", { "Följder", "Consequences" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "measures", { "Åtgärder", "Measures" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "notices", { "Underrättelser", "Notices" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "notices_sent", { "Skickade", "Sent" }, NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_incidents = {
    "incidents",
    { "Incidenter", "Incidents" },
    { "Ingen incident är registrerad.", "No incident is registered." },
    ngx_http_privacy_dpo_incidents_cols,
    sizeof(ngx_http_privacy_dpo_incidents_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_notices_cols[] = {
    { "incident_id", { "Incident", "Incident" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "subject_id", { "Person (id)", "Subject (id)" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "state", { "Läge", "State" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "queued", { "Köad", "Queued" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "sent", { "Skickad", "Sent" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "attempts", { "Försök", "Attempts" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "last_error", { "Senaste fel", "Last error" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_notices = {
    "notices",
    { "Underrättelser till berörda (art. 34)",
      "Notices to the persons affected (art. 34)" },
    { "Inga underrättelser.", "No notices." },
    ngx_http_privacy_dpo_notices_cols,
    sizeof(ngx_http_privacy_dpo_notices_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static void ngx_http_privacy_dpo_clocks(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b);
static void ngx_http_privacy_dpo_incident_forms(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b);
static void ngx_http_privacy_dpo_incident_select(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b, const char *id, const char *where);
static int ngx_http_privacy_dpo_notify(dpo_op_t *op,
    ngx_http_privacy_rdb_t *rdb, int64_t incident);


int
ngx_http_privacy_dpo_incidents_report(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    ngx_http_privacy_rtable_t  *t;

    ngx_http_privacy_dpo_clocks(op, db, &rp->html);

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_incidents);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT i.incident_id, i.what, i.occurred, i.discovered,"
             " i.discovered + 259200, i.reported, i.closed, i.categories,"
             " i.subjects, i.consequences, i.measures,"
             " (SELECT count(*) FROM incident_subjects x"
             "  WHERE x.incident = i.id),"
             " (SELECT count(*) FROM incident_subjects x"
             "  JOIN outbox o ON o.id = x.notice"
             "  WHERE x.incident = i.id AND o.sent IS NOT NULL)"
             " FROM incidents i"
             " ORDER BY i.closed IS NOT NULL, i.discovered DESC LIMIT 500",
             0, 0, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_notices);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT i.incident_id, s.subject_id,"
             " CASE WHEN x.notice IS NULL THEN 'no_address'"
             "  WHEN o.sent IS NOT NULL THEN 'sent'"
             "  WHEN o.attempts > 0 THEN 'retrying'"
             "  ELSE 'queued' END,"
             " o.created, o.sent, o.attempts, o.last_error"
             " FROM incident_subjects x"
             " JOIN incidents i ON i.id = x.incident"
             " JOIN subjects s ON s.id = x.subject"
             " LEFT JOIN outbox o ON o.id = x.notice"
             " ORDER BY i.discovered DESC, s.subject_id LIMIT 2000",
             0, 0, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    ngx_http_privacy_dpo_incident_forms(op, db, &rp->html);

    return SQLITE_OK;
}


/* the 72 hours of each open breach not yet reported, first on the page */

static void
ngx_http_privacy_dpo_clocks(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b)
{
    int64_t        left, deadline, n;
    sqlite3_stmt  *st;

    if (sqlite3_prepare_v2(db,
            "SELECT incident_id, discovered, what FROM incidents"
            " WHERE reported IS NULL AND closed IS NULL"
            " ORDER BY discovered", -1, &st, NULL)
        != SQLITE_OK)
    {
        b->failed = 1;
        return;
    }

    n = 0;

    while (sqlite3_step(st) == SQLITE_ROW) {
        deadline = sqlite3_column_int64(st, 1) + NGX_HTTP_PRIVACY_DPO_72H;
        left = deadline - op->now;

        ngx_http_privacy_rbuf_str(b, n++ ? "" : "<div role=\"alert\">");
        ngx_http_privacy_rbuf_str(b, "<p class=\"clock alert box\">"
                                     "<span class=\"big\">");

        if (left >= 0) {
            ngx_http_privacy_rbuf_printf(b, op->lang
                ? "%lld h %02lld min left</span> to report incident "
                : "%lld h %02lld min kvar</span> att anmäla incident ",
                (long long) (left / 3600), (long long) (left % 3600 / 60));

        } else {
            ngx_http_privacy_rbuf_printf(b, op->lang
                ? "%lld h late</span>: report incident "
                : "%lld h sen</span>: anmäl incident ",
                (long long) ((-left + 3599) / 3600));
        }

        ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 0),
                                   sqlite3_column_bytes(st, 0));
        ngx_http_privacy_rbuf_str(b, " (");
        ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 2),
                                   sqlite3_column_bytes(st, 2) > 80
                                   ? 80 : sqlite3_column_bytes(st, 2));
        ngx_http_privacy_rbuf_str(b, op->lang
                                     ? ") to IMY by " : ") till IMY senast ");
        ngx_http_privacy_rbuf_time(b, deadline, 0);
        ngx_http_privacy_rbuf_str(b, op->lang
            ? " (GDPR art. 33(1): 72 hours from discovery).</p>"
            : " (GDPR art. 33.1: 72 timmar från upptäckten).</p>");
    }

    sqlite3_finalize(st);

    if (n) {
        ngx_http_privacy_rbuf_str(b, "</div>\n");
    }
}


static void
ngx_http_privacy_dpo_incident_select(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b, const char *id, const char *sql)
{
    sqlite3_stmt  *st;

    ngx_http_privacy_rbuf_printf(b, "<label for=\"%s\">%s</label> "
                                 "<select id=\"%s\" name=\"incident_id\">",
                                 id, "Incident", id);

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            ngx_http_privacy_rbuf_str(b, "<option value=\"");
            ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 0),
                                       sqlite3_column_bytes(st, 0));
            ngx_http_privacy_rbuf_str(b, "\">");
            ngx_http_privacy_rbuf_time(b, sqlite3_column_int64(st, 1), 0);
            ngx_http_privacy_rbuf_str(b, ": ");
            ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 2),
                                       sqlite3_column_bytes(st, 2) > 60
                                       ? 60 : sqlite3_column_bytes(st, 2));
            ngx_http_privacy_rbuf_str(b, "</option>");
        }

        sqlite3_finalize(st);
    }

    ngx_http_privacy_rbuf_str(b, "</select>");
}


static void
ngx_http_privacy_dpo_incident_forms(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b)
{
    int         i;
    int64_t     open[2];
    const char *en, *sv;

    static const struct {
        const char  *name;
        const char  *label[2];
        int          area;
        int          required;
        int          time;
    } fields[] = {
        { "what", { "Vad hände", "What happened" }, 1, 1, 0 },
        { "occurred", { "När det hände (UTC, om känt)",
                        "When it happened (UTC, if known)" }, 0, 0, 1 },
        { "discovered", { "När det upptäcktes (UTC; tomt: nu)",
                          "When it was discovered (UTC; empty: now)" },
          0, 0, 1 },
        { "data_categories", { "Vilka personuppgifter",
                               "Which personal data" }, 0, 1, 0 },
        { "data_subjects", { "Vilka och hur många berörs",
                             "Who and how many are affected" }, 0, 1, 0 },
        { "consequences", { "Troliga följder", "Likely consequences" },
          1, 1, 0 },
        { "measures", { "Vidtagna och planerade åtgärder",
                        "Measures taken and planned" }, 1, 1, 0 },
        { "notify", { "Underrätta dessa kunder (kundnummer i butiken, ett "
                      "per rad)",
                      "Notify these customers (the shop's customer "
                      "numbers, one a line)" }, 1, 0, 0 },
    };

    ngx_http_privacy_rbuf_printf(b, "<form method=\"post\" "
                                 "action=\"incidents\" class=\"act\">"
                                 "<fieldset><legend>%s</legend>",
                                 op->lang ? "Register a breach"
                                          : "Registrera en incident");
    ngx_http_privacy_dpo_hidden(op, b);

    for (i = 0; i < (int) (sizeof(fields) / sizeof(fields[0])); i++) {
        ngx_http_privacy_rbuf_printf(b, "<p><label for=\"i-%s\">%s</label>"
                                     "<br>", fields[i].name,
                                     fields[i].label[op->lang]);

        if (fields[i].area) {
            ngx_http_privacy_rbuf_printf(b, "<textarea id=\"i-%s\" "
                                         "name=\"%s\" rows=\"3\" "
                                         "cols=\"60\"%s></textarea></p>",
                                         fields[i].name, fields[i].name,
                                         fields[i].required
                                         ? " required" : "");

        } else {
            ngx_http_privacy_rbuf_printf(b, "<input id=\"i-%s\" name=\"%s\""
                                         " size=\"40\"%s%s></p>",
                                         fields[i].name, fields[i].name,
                                         fields[i].required
                                         ? " required" : "",
                                         fields[i].time
                                         ? " placeholder=\"2026-12-01T14:30\""
                                         : "");
        }
    }

    ngx_http_privacy_rbuf_printf(b, "<button type=\"submit\">%s</button>"
                                 "</fieldset></form>\n",
                                 op->lang ? "Register" : "Registrera");

    if (ngx_http_privacy_dpo_ints(db, "SELECT"
            " sum(closed IS NULL AND reported IS NULL), sum(closed IS NULL)"
            " FROM incidents", 0, 0, 0, NULL, open, 2)
        != SQLITE_OK)
    {
        return;
    }

    sv = "Anmäld till IMY";
    en = "Reported to IMY";

    if (open[0] > 0) {
        ngx_http_privacy_rbuf_printf(b, "<form method=\"post\" "
                                     "action=\"incidents/reported\" "
                                     "class=\"act\"><fieldset><legend>%s"
                                     "</legend>", op->lang ? en : sv);
        ngx_http_privacy_dpo_hidden(op, b);
        ngx_http_privacy_dpo_incident_select(op, db, b, "reported-id",
            "SELECT incident_id, discovered, what FROM incidents"
            " WHERE closed IS NULL AND reported IS NULL"
            " ORDER BY discovered");
        ngx_http_privacy_rbuf_printf(b, " <button type=\"submit\">%s"
                                     "</button></fieldset></form>\n",
                                     op->lang ? "Mark as reported now"
                                              : "Markera som anmäld nu");
    }

    if (open[1] > 0) {
        ngx_http_privacy_rbuf_printf(b, "<form method=\"post\" "
                                     "action=\"incidents/close\" "
                                     "class=\"act\"><fieldset><legend>%s"
                                     "</legend>",
                                     op->lang ? "Close an incident"
                                              : "Avsluta en incident");
        ngx_http_privacy_dpo_hidden(op, b);
        ngx_http_privacy_dpo_incident_select(op, db, b, "close-incident",
            "SELECT incident_id, discovered, what FROM incidents"
            " WHERE closed IS NULL ORDER BY discovered");
        ngx_http_privacy_rbuf_printf(b, " <button type=\"submit\">%s"
                                     "</button></fieldset></form>\n",
                                     op->lang ? "Close" : "Avsluta");
    }
}


/*
 * POST incidents (register, notify), incidents/reported,
 * incidents/close.  op->result: 0 done, 1 no such open incident.
 */

int
ngx_http_privacy_dpo_incidents_act(dpo_op_t *op, ngx_http_privacy_rdb_t *rdb)
{
    int                              rc;
    u_char                           rnd[16];
    int64_t                          id;
    sqlite3                         *db;
    sqlite3_stmt                    *st;
    ngx_http_privacy_dpo_incident_t *in;

    db = ngx_http_privacy_rdb_handle(rdb);
    st = NULL;
    in = op->incident;

    rc = ngx_http_privacy_rdb_begin(rdb);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    if (op->action != NGX_HTTP_PRIVACY_DPO_INCIDENT) {
        rc = sqlite3_prepare_v2(db,
                 op->action == NGX_HTTP_PRIVACY_DPO_REPORTED
                 ? "UPDATE incidents SET reported = ?2"
                   " WHERE incident_id = ?1 AND reported IS NULL"
                   " AND closed IS NULL"
                 : "UPDATE incidents SET closed = ?2"
                   " WHERE incident_id = ?1 AND closed IS NULL",
                 -1, &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_text(st, 1, op->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, op->now);

        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;

        if (rc != SQLITE_DONE) {
            goto failed;
        }

        if (sqlite3_changes(db) == 0) {
            ngx_http_privacy_rdb_rollback(rdb);
            op->result = 1;
            return SQLITE_OK;
        }

        if (ngx_http_privacy_rdb_audit(rdb, "dpo",
                op->action == NGX_HTTP_PRIVACY_DPO_REPORTED
                ? "incident.reported" : "incident.close", NULL, op->now)
            != NGX_HTTP_PRIVACY_RDB_OK)
        {
            rc = SQLITE_ERROR;
            goto failed;
        }

        goto commit;
    }

    /* a new breach: a random id, what the DPO wrote */

    if (ngx_http_privacy_random(rnd, sizeof(rnd)) != 0) {
        rc = SQLITE_ERROR;
        goto failed;
    }

    ngx_http_privacy_hex(rnd, sizeof(rnd), (u_char *) op->id);
    op->id[32] = '\0';

    rc = sqlite3_prepare_v2(db,
             "INSERT INTO incidents (incident_id, what, occurred,"
             " discovered, categories, subjects, consequences, measures)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, op->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->what.data, (int) in->what.len,
                      SQLITE_STATIC);

    if (in->occurred >= 0) {
        sqlite3_bind_int64(st, 3, in->occurred);
    }

    sqlite3_bind_int64(st, 4, in->discovered);
    sqlite3_bind_text(st, 5, in->categories.data, (int) in->categories.len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 6, in->subjects.data, (int) in->subjects.len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 7, in->consequences.data,
                      (int) in->consequences.len, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, in->measures.data, (int) in->measures.len,
                      SQLITE_STATIC);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    id = sqlite3_last_insert_rowid(db);

    if (ngx_http_privacy_rdb_audit(rdb, "dpo", "incident.register", NULL,
                                   op->now)
        != NGX_HTTP_PRIVACY_RDB_OK)
    {
        rc = SQLITE_ERROR;
        goto failed;
    }

    rc = ngx_http_privacy_dpo_notify(op, rdb, id);
    if (rc != SQLITE_OK) {
        goto failed;
    }

commit:

    rc = ngx_http_privacy_rdb_commit(rdb);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    op->result = 0;

    return SQLITE_OK;

failed:

    rc = ngx_http_privacy_dpo_failed(op, db, rc);
    ngx_http_privacy_rdb_rollback(rdb);

    return rc;
}


/*
 * For each of the shop's customer numbers given: the person, a notice in
 * the outbox if the register has an address (art. 34), and the link;
 * numbers the register does not know are counted in op->unknown.
 */

static int
ngx_http_privacy_dpo_notify(dpo_op_t *op, ngx_http_privacy_rdb_t *rdb,
    int64_t incident)
{
    int                               rc;
    char                             *msg, email[256], sid[33];
    size_t                            len, n;
    int64_t                           subject, notice;
    sqlite3                          *db;
    sqlite3_stmt                     *find, *link;
    const char                       *p, *end, *line;
    ngx_http_privacy_dpo_incident_t  *in;

    db = ngx_http_privacy_rdb_handle(rdb);
    in = op->incident;
    find = NULL;
    link = NULL;

    rc = sqlite3_prepare_v2(db, "SELECT id, email, subject_id FROM subjects"
                            " WHERE external_id = ?1", -1, &find, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO incident_subjects"
                                " (incident, subject, notice)"
                                " VALUES (?1, ?2, ?3)", -1, &link, NULL);
    }

    p = in->notify.data;
    end = p + in->notify.len;

    while (rc == SQLITE_OK && p < end) {
        line = p;

        while (p < end && *p != '\n' && *p != '\r' && *p != ',') {
            p++;
        }

        n = p - line;
        p++;

        while (n && (*line == ' ' || *line == '\t')) {
            line++;
            n--;
        }

        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) {
            n--;
        }

        if (n == 0) {
            continue;
        }

        sqlite3_reset(find);
        sqlite3_bind_text(find, 1, line, (int) n, SQLITE_STATIC);

        rc = sqlite3_step(find);

        if (rc == SQLITE_DONE) {
            op->unknown++;
            rc = SQLITE_OK;
            continue;
        }

        if (rc != SQLITE_ROW) {
            break;
        }

        subject = sqlite3_column_int64(find, 0);
        notice = -1;
        email[0] = '\0';

        snprintf(sid, sizeof(sid), "%s",
                 (const char *) sqlite3_column_text(find, 2));

        if (sqlite3_column_type(find, 1) == SQLITE_TEXT
            && (size_t) sqlite3_column_bytes(find, 1) < sizeof(email))
        {
            memcpy(email, sqlite3_column_text(find, 1),
                   sqlite3_column_bytes(find, 1) + 1);
        }

        if (email[0] && op->mail_from
            && ngx_http_privacy_mail_address_ok(email, strlen(email)))
        {
            msg = ngx_http_privacy_mail_notice(op->lang, op->mail_from, email,
                                               &in->what, &in->consequences,
                                               &in->measures, op->now, &len);
            if (msg == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }

            rc = ngx_http_privacy_mail_queue(db, subject, "incident_notice",
                                             email, msg, len, op->now,
                                             &notice);
            free(msg);

            if (rc != SQLITE_OK) {
                break;
            }

            op->notices++;
        }

        sqlite3_reset(link);
        sqlite3_bind_int64(link, 1, incident);
        sqlite3_bind_int64(link, 2, subject);

        if (notice >= 0) {
            sqlite3_bind_int64(link, 3, notice);

        } else {
            sqlite3_bind_null(link, 3);
        }

        rc = sqlite3_step(link);
        if (rc != SQLITE_DONE) {
            break;
        }

        rc = ngx_http_privacy_rdb_audit(rdb, "dpo", "incident.notice", sid,
                                        op->now)
             == NGX_HTTP_PRIVACY_RDB_OK ? SQLITE_OK : SQLITE_ERROR;
    }

    sqlite3_finalize(find);
    sqlite3_finalize(link);

    return rc;
}
