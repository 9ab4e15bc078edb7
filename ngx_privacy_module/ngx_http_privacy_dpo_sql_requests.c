/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Rights requests as the DPO sees and handles them (docs/dpo-guide.md):
 * every case with its due date, the open ones first and the overdue
 * before them; extending a due date by one or two months with a reason,
 * within the first month, the person told through the outbox, and
 * closing a case with its outcome (GDPR art. 12(3)), each in a
 * transaction with its audit row.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"
#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_mail_notice.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


static int ngx_http_privacy_dpo_extension_notice(dpo_op_t *op, sqlite3 *db,
    int64_t subject, const char *email, const char *type, int64_t received,
    int64_t due);


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_requests_cols[] =
{
    { "request_id", { "Ärende", "Request" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "type", { "Typ", "Type" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "status", { "Status", "Status" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "received", { "Mottaget", "Received" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "due", { "Ska besvaras", "Due" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "days_overdue", { "Dagar sen", "Days overdue" },
      NGX_HTTP_PRIVACY_RCOL_ALERT },
    { "extension_reason", { "Skäl till förlängning", "Extension reason" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "closed", { "Avslutat", "Closed" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "outcome", { "Utfall", "Outcome" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "subject_id", { "Person (id)", "Subject (id)" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_requests = {
    "requests",
    { "Ärenden", "Requests" },
    { "Inga begäranden har kommit in.", "No requests have come in." },
    ngx_http_privacy_dpo_requests_cols,
    sizeof(ngx_http_privacy_dpo_requests_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_counts_cols[] = {
    { "type", { "Typ", "Type" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "status", { "Status", "Status" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "requests", { "Antal", "Requests" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "overdue", { "Försenade", "Overdue" }, NGX_HTTP_PRIVACY_RCOL_ALERT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_counts = {
    "by_type",
    { "Per typ och status", "By type and status" },
    { "Inga begäranden.", "No requests." },
    ngx_http_privacy_dpo_counts_cols,
    sizeof(ngx_http_privacy_dpo_counts_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


/* the cases the forms can act on: not closed, the soonest due first */
#define NGX_HTTP_PRIVACY_DPO_OPEN                                             \
    "SELECT request_id, type, due FROM requests"                              \
    " WHERE status <> 'closed' ORDER BY due LIMIT 500"


static void ngx_http_privacy_dpo_requests_forms(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b);
static void ngx_http_privacy_dpo_select(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b, const char *id);


int
ngx_http_privacy_dpo_requests_report(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_report_t *rp)
{
    int                         rc;
    ngx_http_privacy_rtable_t  *t;

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_requests);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT r.request_id, r.type, r.status, r.received, r.due,"
             " CASE WHEN r.status <> 'closed' AND r.due < ?2"
             "  THEN (?2 - r.due) / 86400 + 1 ELSE 0 END,"
             " r.extension_reason, r.closed, r.outcome, s.subject_id"
             " FROM requests r LEFT JOIN subjects s ON s.id = r.subject"
             " ORDER BY r.status = 'closed', r.due, r.id LIMIT 1000",
             0, op->now, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    t = ngx_http_privacy_report_table(rp, &ngx_http_privacy_dpo_counts);

    rc = ngx_http_privacy_dpo_fill(db, t,
             "SELECT type, status, count(*),"
             " sum(status <> 'closed' AND due < ?2)"
             " FROM requests GROUP BY type, status ORDER BY type, status",
             0, op->now, 0, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    ngx_http_privacy_dpo_requests_forms(op, db, &rp->html);

    return SQLITE_OK;
}


static void
ngx_http_privacy_dpo_select(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b, const char *id)
{
    sqlite3_stmt  *st;

    ngx_http_privacy_rbuf_printf(b, "<label for=\"%s\">%s</label> "
                                 "<select id=\"%s\" name=\"request_id\">",
                                 id, op->lang ? "Request" : "Ärende", id);

    if (sqlite3_prepare_v2(db, NGX_HTTP_PRIVACY_DPO_OPEN, -1, &st, NULL)
        == SQLITE_OK)
    {
        while (sqlite3_step(st) == SQLITE_ROW) {
            ngx_http_privacy_rbuf_str(b, "<option value=\"");
            ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 0),
                                       sqlite3_column_bytes(st, 0));
            ngx_http_privacy_rbuf_str(b, "\">");
            ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 0),
                                       sqlite3_column_bytes(st, 0));
            ngx_http_privacy_rbuf_str(b, " (");
            ngx_http_privacy_rbuf_html(b, sqlite3_column_text(st, 1),
                                       sqlite3_column_bytes(st, 1));
            ngx_http_privacy_rbuf_str(b, op->lang ? ", due " : ", senast ");
            ngx_http_privacy_rbuf_time(b, sqlite3_column_int64(st, 2), 0);
            ngx_http_privacy_rbuf_str(b, ")</option>");
        }

        sqlite3_finalize(st);
    }

    ngx_http_privacy_rbuf_str(b, "</select>");
}


static void
ngx_http_privacy_dpo_requests_forms(dpo_op_t *op, sqlite3 *db,
    ngx_http_privacy_rbuf_t *b)
{
    int64_t  open[1];

    if (ngx_http_privacy_dpo_ints(db, "SELECT count(*) FROM requests"
                                  " WHERE status <> 'closed'", 0, 0, 0,
                                  NULL, open, 1)
        != SQLITE_OK || open[0] <= 0)
    {
        return;
    }

    ngx_http_privacy_rbuf_str(b, op->lang
        ? "<p>A request is answered within a month of its receipt; when it"
          " is complex or there are many, the time may be extended by two"
          " further months, with the reason told to the person (GDPR art."
          " 12(3)).</p>\n"
        : "<p>En begäran ska besvaras inom en månad från att den kom in; "
          "är den komplicerad eller många får tiden förlängas med högst två"
          " månader till, och skälet ska meddelas personen (GDPR art. "
          "12.3).</p>\n");

    /* extend */
    ngx_http_privacy_rbuf_printf(b, "<form method=\"post\" "
                                 "action=\"requests/extend\" class=\"act\">"
                                 "<fieldset><legend>%s</legend>",
                                 op->lang ? "Extend a due date"
                                          : "Förläng en tidsfrist");
    ngx_http_privacy_dpo_hidden(op, b);
    ngx_http_privacy_dpo_select(op, db, b, "extend-id");
    ngx_http_privacy_rbuf_printf(b,
        " <label for=\"extend-months\">%s</label> "
        "<select id=\"extend-months\" name=\"months\">"
        "<option value=\"1\">1</option><option value=\"2\">2</option>"
        "</select> <label for=\"extend-reason\">%s</label> "
        "<input id=\"extend-reason\" name=\"reason\" required "
        "maxlength=\"1000\"> <button type=\"submit\">%s</button>"
        "</fieldset></form>\n",
        op->lang ? "Months" : "Månader", op->lang ? "Reason" : "Skäl",
        op->lang ? "Extend" : "Förläng");

    /* close */
    ngx_http_privacy_rbuf_printf(b, "<form method=\"post\" "
                                 "action=\"requests/close\" class=\"act\">"
                                 "<fieldset><legend>%s</legend>",
                                 op->lang ? "Close a request"
                                          : "Avsluta ett ärende");
    ngx_http_privacy_dpo_hidden(op, b);
    ngx_http_privacy_dpo_select(op, db, b, "close-id");
    ngx_http_privacy_rbuf_printf(b,
        " <label for=\"close-outcome\">%s</label> "
        "<input id=\"close-outcome\" name=\"outcome\" required "
        "maxlength=\"1000\"> <button type=\"submit\">%s</button>"
        "</fieldset></form>\n",
        op->lang ? "Outcome" : "Utfall", op->lang ? "Close" : "Avsluta");
}


/* the extension told to the person through the outbox (art. 12(3)) */

static int
ngx_http_privacy_dpo_extension_notice(dpo_op_t *op, sqlite3 *db,
    int64_t subject, const char *email, const char *type, int64_t received,
    int64_t due)
{
    int                            rc;
    char                          *msg;
    size_t                         len;
    ngx_http_privacy_mail_text_t   reason;

    if (op->mail_from == NULL
        || !ngx_http_privacy_mail_address_ok(email, strlen(email)))
    {
        return SQLITE_OK;
    }

    reason.data = op->text;
    reason.len = op->text_len;

    msg = ngx_http_privacy_mail_extension(op->mail_from, email, type,
                                          received, due, &reason, op->now,
                                          &len);
    if (msg == NULL) {
        return SQLITE_NOMEM;
    }

    rc = ngx_http_privacy_mail_queue(db, subject, "request_extension",
                                     email, msg, len, op->now, NULL);
    free(msg);

    if (rc == SQLITE_OK) {
        op->notices++;
    }

    return rc;
}


/*
 * POST requests/extend and requests/close: op->id, op->text (the reason
 * or the outcome), op->months.  op->result: 0 done, 1 no such open case,
 * 2 too late to extend (the first month is over).
 */

int
ngx_http_privacy_dpo_requests_act(dpo_op_t *op, ngx_http_privacy_rdb_t *rdb)
{
    int            rc, extend;
    char           subject[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    char           email[256], type[16];
    int64_t        id, received, sid, due;
    sqlite3       *db;
    sqlite3_stmt  *st;

    db = ngx_http_privacy_rdb_handle(rdb);
    extend = (op->action == NGX_HTTP_PRIVACY_DPO_EXTEND);
    st = NULL;

    rc = ngx_http_privacy_rdb_begin(rdb);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    rc = sqlite3_prepare_v2(db,
             "SELECT r.id, r.received, s.subject_id, s.id, s.email, r.type"
             " FROM requests r LEFT JOIN subjects s ON s.id = r.subject"
             " WHERE r.request_id = ?1 AND r.status <> 'closed'",
             -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, op->id, -1, SQLITE_STATIC);

    rc = sqlite3_step(st);

    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        ngx_http_privacy_rdb_rollback(rdb);

        if (rc != SQLITE_DONE) {
            return ngx_http_privacy_dpo_failed(op, db, rc);
        }

        op->result = 1;
        return SQLITE_OK;
    }

    id = sqlite3_column_int64(st, 0);
    received = sqlite3_column_int64(st, 1);
    subject[0] = '\0';

    if (sqlite3_column_type(st, 2) == SQLITE_TEXT
        && sqlite3_column_bytes(st, 2) == NGX_HTTP_PRIVACY_SUBJECT_ID_LEN)
    {
        memcpy(subject, sqlite3_column_text(st, 2), sizeof(subject) - 1);
        subject[sizeof(subject) - 1] = '\0';
    }

    sid = sqlite3_column_int64(st, 3);
    email[0] = '\0';

    if (sqlite3_column_type(st, 4) == SQLITE_TEXT
        && (size_t) sqlite3_column_bytes(st, 4) < sizeof(email))
    {
        memcpy(email, sqlite3_column_text(st, 4),
               sqlite3_column_bytes(st, 4) + 1);
    }

    snprintf(type, sizeof(type), "%s",
             (const char *) sqlite3_column_text(st, 5));

    sqlite3_finalize(st);
    st = NULL;

    /*
     * art. 12(3): the person is told of an extension, with its reasons,
     * within a month of receipt; after that it is too late to extend
     */
    if (extend && op->now > ngx_http_privacy_calendar_due(received)) {
        ngx_http_privacy_rdb_rollback(rdb);
        op->result = 2;
        return SQLITE_OK;
    }

    due = ngx_http_privacy_calendar_add_months(received, 1 + op->months);

    if (extend) {
        /* at most two further months after the first (art. 12(3)) */
        rc = sqlite3_prepare_v2(db,
                 "UPDATE requests SET status = 'extended', due = ?2,"
                 " extension_reason = ?3 WHERE id = ?1", -1, &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_int64(st, 2, due);

    } else {
        rc = sqlite3_prepare_v2(db,
                 "UPDATE requests SET status = 'closed', closed = ?4,"
                 " outcome = ?3 WHERE id = ?1", -1, &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_int64(st, 4, op->now);
    }

    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 3, op->text, (int) op->text_len, SQLITE_STATIC);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    if (extend && email[0]) {
        rc = ngx_http_privacy_dpo_extension_notice(op, db, sid, email, type,
                                                   received, due);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    if (ngx_http_privacy_rdb_audit(rdb, "dpo", extend ? "request.extend"
                                                      : "request.close",
                                   subject[0] ? subject : NULL, op->now)
        != NGX_HTTP_PRIVACY_RDB_OK)
    {
        rc = SQLITE_ERROR;
        goto failed;
    }

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
