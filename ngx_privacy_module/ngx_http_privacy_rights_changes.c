/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights that change the register (docs/rights.md): erasure with
 * bookkeeping holds (art. 17), rectification (art. 16), restriction
 * (art. 18) and objection (art. 21), and the analytics linked to a
 * consent id.  Plain C over SQLite and jansson, for a pool thread.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_rights_ops.h"
#include "ngx_http_privacy_rights_internal.h"


/*
 * GDPR art. 17 in one transaction: orders become bookkeeping records
 * without a person (Bokföringslagen 7 kap. 2 §: kept to the end of the
 * seventh year after the fiscal year), everything else of the subject
 * goes; then a TRUNCATE checkpoint, so the -wal keeps no old pages.
 */

void
ngx_http_privacy_rights_erase_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb)
{
    int            rc, orders, past, records, kinds, mails;
    char           date[32];
    json_t        *o, *deleted, *kept;
    int64_t        id, until, last;
    sqlite3_stmt  *st, *up;
    time_t         tt;
    struct tm      tm;

    st = NULL;
    up = NULL;
    orders = 0;
    past = 0;
    last = 0;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "erase");
        return;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id, (SELECT count(*) FROM"
                                " subject_kinds WHERE subject = s.id),"
                                " (SELECT count(*) FROM records WHERE"
                                " subject = s.id), (SELECT count(*) FROM"
                                " outbox WHERE subject = s.id), (SELECT"
                                " max(until) FROM holds WHERE subject = s.id"
                                " AND released IS NULL AND until > ?2)"
                                " FROM subjects s WHERE subject_id = ?1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, op->subject_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, op->now);
    rc = sqlite3_step(st);

    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        op->result = rc == SQLITE_DONE ? NGX_HTTP_PRIVACY_RIGHTS_GONE
                                       : NGX_HTTP_PRIVACY_RIGHTS_ERROR;
        return;
    }

    id = sqlite3_column_int64(st, 0);
    kinds = sqlite3_column_int(st, 1);
    records = sqlite3_column_int(st, 2);
    mails = sqlite3_column_int(st, 3);
    until = sqlite3_column_type(st, 4) == SQLITE_NULL
            ? 0 : sqlite3_column_int64(st, 4);
    sqlite3_finalize(st);
    st = NULL;

    o = json_object();
    deleted = json_array();
    kept = json_array();
    json_object_set_new(o, "deleted", deleted);
    json_object_set_new(o, "kept", kept);

    /* art. 17(3)(b): a legal hold keeps everything until it ends */
    if (until) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        tt = (time_t) until;
        gmtime_r(&tt, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        json_array_append_new(kept, json_pack("{s:s, s:s, s:s}",
            "what", "everything", "why", "legal hold", "until", date));
        op->result = NGX_HTTP_PRIVACY_RIGHTS_REFUSED;
        ngx_http_privacy_rights_answer(op, o);
        return;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id, placed FROM orders"
                                " WHERE subject = ?", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "UPDATE orders SET subject = NULL,"
                                    " minimised = ?1, hold_until = ?2"
                                    " WHERE id = ?3", -1, &up, NULL);
    }

    if (rc != SQLITE_OK) {
        json_decref(o);
        goto failed;
    }

    sqlite3_bind_int64(st, 1, id);

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        until = ngx_http_privacy_bookkeeping_until(
                    (time_t) sqlite3_column_int64(st, 1),
                    op->book_set ? &op->book_period : NULL,
                    op->fiscal_month, op->fiscal_day);

        if (until < op->now) {
            past++;     /* unlinked now, deleted by the retention sweep */

        } else {
            orders++;
            last = until > last ? until : last;
        }

        sqlite3_bind_int64(up, 1, op->now);
        sqlite3_bind_int64(up, 2, until);
        sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));

        if (sqlite3_step(up) != SQLITE_DONE) {
            rc = SQLITE_ERROR;
            break;
        }

        sqlite3_reset(up);
    }

    sqlite3_finalize(st);
    sqlite3_finalize(up);
    st = NULL;

    if (rc != SQLITE_DONE) {
        json_decref(o);
        goto failed;
    }

    /* the codes of the address (its lookup hash), then the person */
    rc = sqlite3_prepare_v2(db, "DELETE FROM rights_codes WHERE email_hash"
                                " = (SELECT email_hash FROM subjects"
                                " WHERE id = ?1);"
                                , -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_finalize(st);
    }

    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db, "DELETE FROM subjects WHERE id = ?", -1,
                                &st, NULL);
    }

    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_finalize(st);
    }

    st = NULL;

    if (rc != SQLITE_OK
        || ngx_http_privacy_rights_case(db, 0, "erasure", "erased online",
                                        op->now)
           != SQLITE_OK
        || ngx_http_privacy_rdb_audit(rdb, "portal", "subject.erase",
                                      op->subject_id, op->now)
           != NGX_HTTP_PRIVACY_RDB_OK
        || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
        json_decref(o);
        goto failed;
    }

    /* secure_delete overwrote the pages; the -wal's copies go here */
    (void) ngx_http_privacy_rdb_scrub_wal(db);

    json_array_append_new(deleted, json_pack("{s:s}", "what",
        "name, address, phone, e-mail address, personnummer, dates of "
        "activity, restriction and objection flags"));
    json_array_append_new(deleted, json_pack("{s:s, s:i}", "what",
        "relationships (customer, supplier, club, newsletter)", "count",
        kinds));
    json_array_append_new(deleted, json_pack("{s:s, s:i}", "what",
        "messages sent to you", "count", mails));
    json_array_append_new(deleted, json_pack("{s:s}", "what",
        "one-time codes"));

    if (records) {
        json_array_append_new(deleted, json_pack("{s:s, s:i}", "what",
            "links to records held in other systems (chat, CCTV); their "
            "owner deletes them on their retention schedule", "count",
            records));
    }

    if (past) {
        json_array_append_new(deleted, json_pack("{s:s, s:i}", "what",
            "orders past their bookkeeping period: unlinked from you, "
            "deleted by the retention sweep", "count", past));
    }

    if (orders) {
        tt = (time_t) last;
        gmtime_r(&tt, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        json_array_append_new(kept, json_pack("{s:s, s:i, s:s, s:s}",
            "what", "orders (order id, date, total, currency, items) "
            "without your name or any other detail about you",
            "count", orders,
            "why", "bookkeeping: Bokföringslagen (1999:1078) 7 kap. 2 § "
            "(GDPR art. 17(3)(b))", "until", date));
    }

    json_array_append_new(kept, json_pack("{s:s, s:s}", "what",
        "the audit log's entries, which hold a random id and no personal "
        "data", "why", "accountability (GDPR art. 5(2))"));

    op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;
    ngx_http_privacy_rights_answer(op, o);

    return;

failed:

    ngx_http_privacy_rights_fail(op, db, "erase");
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}


/* rectification (art. 16), restriction (art. 18), objection (art. 21) */

void
ngx_http_privacy_rights_change_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb, const ngx_http_privacy_register_keys_t *rk)
{
    int                             rc, i;
    u_char                          eh[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t                         id;
    const char                     *type, *action;
    sqlite3_stmt                   *st;
    ngx_http_privacy_rights_str_t  *f;

    st = NULL;
    f = op->fields;

    if (f[3].set && f[3].len
        && ngx_http_privacy_rights_email_hash(rk, f[3].data, f[3].len, eh)
           != 0)
    {
        snprintf(op->log, sizeof(op->log), "rectify: crypto failed");
        return;
    }

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "change");
        return;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id FROM subjects WHERE subject_id"
                                " = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, op->subject_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_ROW) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        op->result = rc == SQLITE_DONE ? NGX_HTTP_PRIVACY_RIGHTS_GONE
                                       : NGX_HTTP_PRIVACY_RIGHTS_ERROR;
        return;
    }

    if (op->op == NGX_HTTP_PRIVACY_RIGHTS_RECTIFY) {
        type = "rectification";
        action = "subject.rectify";

        rc = sqlite3_prepare_v2(db, "UPDATE subjects SET"
            " name = CASE WHEN ?1 THEN ?2 ELSE name END,"
            " address = CASE WHEN ?3 THEN ?4 ELSE address END,"
            " phone = CASE WHEN ?5 THEN ?6 ELSE phone END,"
            " email = CASE WHEN ?7 THEN ?8 ELSE email END,"
            " email_hash = CASE WHEN ?7 THEN ?9 ELSE email_hash END,"
            " updated = ?10 WHERE id = ?11", -1, &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        for (i = 0; i < 4; i++) {
            sqlite3_bind_int(st, 2 * i + 1, f[i].set);

            if (f[i].set && f[i].len) {
                sqlite3_bind_text(st, 2 * i + 2, f[i].data, f[i].len,
                                  SQLITE_STATIC);
            }
        }

        if (f[3].set && f[3].len) {
            sqlite3_bind_blob(st, 9, eh, sizeof(eh), SQLITE_STATIC);
        }

    } else {
        type = op->op == NGX_HTTP_PRIVACY_RIGHTS_RESTRICT ? "restriction"
                                                          : "objection";
        action = op->op == NGX_HTTP_PRIVACY_RIGHTS_RESTRICT
                 ? "subject.restrict" : "subject.object";

        rc = sqlite3_prepare_v2(db, op->op == NGX_HTTP_PRIVACY_RIGHTS_RESTRICT
                                ? "UPDATE subjects SET restricted = ?1,"
                                  " updated = ?10 WHERE id = ?11"
                                : "UPDATE subjects SET objections = ?1,"
                                  " updated = ?10 WHERE id = ?11",
                                -1, &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_int(st, 1, op->op == NGX_HTTP_PRIVACY_RIGHTS_RESTRICT
                                ? op->restricted : (int) op->objections);
    }

    sqlite3_bind_int64(st, 10, op->now);
    sqlite3_bind_int64(st, 11, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    /* the log says that a change happened, never what was there before */
    if (rc != SQLITE_DONE
        || ngx_http_privacy_rights_case(db, id, type, "done online",
                                        op->now)
           != SQLITE_OK
        || ngx_http_privacy_rdb_audit(rdb, "portal", action, op->subject_id,
                                      op->now)
           != NGX_HTTP_PRIVACY_RDB_OK
        || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
        goto failed;
    }

    op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;

    return;

failed:

    ngx_http_privacy_rights_fail(op, db, "change");
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}


/* page views counted under a consent id (docs/database.md: identified) */

void
ngx_http_privacy_rights_analytics_op(rights_op_t *op, sqlite3 *db)
{
    int            rc, n;
    json_t        *o, *a;
    sqlite3_stmt  *st;

    if (op->op == NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE) {
        rc = sqlite3_prepare_v2(db, "DELETE FROM analytics_events"
                                    " WHERE visitor = ? AND identified = 1",
                                -1, &st, NULL);
        if (rc != SQLITE_OK) {
            ngx_http_privacy_rights_fail(op, db, "analytics");
            return;
        }

        sqlite3_bind_text(st, 1, op->consent_id, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);

        if (rc != SQLITE_DONE) {
            ngx_http_privacy_rights_fail(op, db, "analytics");
            return;
        }

        n = sqlite3_changes(db);
        (void) ngx_http_privacy_rdb_scrub_wal(db);

        o = json_pack("{s:i}", "deleted", n);
        op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;
        ngx_http_privacy_rights_answer(op, o);
        return;
    }

    rc = sqlite3_prepare_v2(db, "SELECT ts, host, path, status,"
                                " referrer_host, search_term, views FROM"
                                " analytics_events WHERE visitor = ? AND"
                                " identified = 1 ORDER BY id LIMIT 100000",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "analytics");
        return;
    }

    sqlite3_bind_text(st, 1, op->consent_id, -1, SQLITE_STATIC);
    a = json_array();

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_array_append_new(a, json_pack("{s:I, s:s?, s:s?, s:i, s:s?,"
                                           " s:s?, s:I}",
            "ts", (json_int_t) sqlite3_column_int64(st, 0),
            "host", (const char *) sqlite3_column_text(st, 1),
            "path", (const char *) sqlite3_column_text(st, 2),
            "status", sqlite3_column_int(st, 3),
            "referrer_host", (const char *) sqlite3_column_text(st, 4),
            "search_term", (const char *) sqlite3_column_text(st, 5),
            "views", (json_int_t) sqlite3_column_int64(st, 6)));
    }

    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        json_decref(a);
        ngx_http_privacy_rights_fail(op, db, "analytics");
        return;
    }

    o = json_object();
    json_object_set_new(o, "consent_id", json_string(op->consent_id));
    json_object_set_new(o, "page_views", a);
    op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;
    ngx_http_privacy_rights_answer(op, o);
}
