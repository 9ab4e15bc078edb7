/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Legal holds through the register API (docs/api.md): the DPO's
 * backend holds a subject (a dispute, an investigation) with a reason
 * and an end date, and releases the hold.  While a hold lasts the
 * retention sweeps delete nothing of the subject (GDPR art. 17(3)(e),
 * docs/database.md) and an erasure is refused.  Each change is in the
 * audit log.  Plain C over SQLite and jansson, for a pool thread.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_register_ops.h"
#include "ngx_http_privacy_rfc3339.h"


#define NGX_HTTP_PRIVACY_HOLD_REASON_MAX  500


static int ngx_http_privacy_rop_hold_decode(ngx_http_privacy_rop_t *t,
    u_char *body, char *reason, int64_t *until);
static int ngx_http_privacy_rop_hold_write(ngx_http_privacy_rop_t *t,
    sqlite3 *db, const char *reason, int64_t until, sqlite3_int64 *n,
    char *subject_id);
static void ngx_http_privacy_rop_hold_answer(ngx_http_privacy_rop_t *t,
    unsigned status, json_t *o);


void
ngx_http_privacy_rop_hold(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body)
{
    int            rc;
    char           reason[NGX_HTTP_PRIVACY_HOLD_REASON_MAX + 1];
    char           subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    char           date[21];
    int64_t        until;
    sqlite3       *db;
    sqlite3_int64  n;

    n = 0;
    until = 0;
    reason[0] = '\0';

    if (t->op == NGX_HTTP_PRIVACY_ROP_HOLD
        && ngx_http_privacy_rop_hold_decode(t, body, reason, &until) != 0)
    {
        return;
    }

    db = ngx_http_privacy_rdb_handle(rdb);

    if (ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK) {
        goto failed;
    }

    rc = ngx_http_privacy_rop_hold_write(t, db, reason, until, &n,
                                         subject_id);

    if (rc == SQLITE_NOTFOUND) {
        ngx_http_privacy_rdb_rollback(rdb);
        ngx_http_privacy_rop_fail(t, 404, "no such subject");
        return;
    }

    if (rc != SQLITE_OK
        || ngx_http_privacy_rdb_audit(rdb, "api",
               t->op == NGX_HTTP_PRIVACY_ROP_HOLD ? "subject.hold"
                                                  : "subject.hold_release",
               subject_id, t->now)
           != NGX_HTTP_PRIVACY_RDB_OK
        || ngx_http_privacy_rdb_commit(rdb) != SQLITE_OK)
    {
        goto failed;
    }

    if (t->op == NGX_HTTP_PRIVACY_ROP_HOLD) {
        ngx_http_privacy_rfc3339_format(until, date);
        ngx_http_privacy_rop_hold_answer(t, 201,
            json_pack("{s:{s:I, s:s, s:s}}", "hold", "id", (json_int_t) n,
                      "reason", reason, "until", date));

    } else {
        ngx_http_privacy_rop_hold_answer(t, 200,
            json_pack("{s:I}", "released", (json_int_t) n));
    }

    return;

failed:

    snprintf(t->log, sizeof(t->log), "register write failed: %s",
             sqlite3_errmsg(ngx_http_privacy_rdb_handle(rdb)));
    ngx_http_privacy_rdb_rollback(rdb);
    ngx_http_privacy_rop_fail(t, 503, "the register is unavailable; nothing "
                                      "was written");
}


/* {"reason": "...", "until": "2027-06-30"}: 0, or -1 answered with 400 */

static int
ngx_http_privacy_rop_hold_decode(ngx_http_privacy_rop_t *t, u_char *body,
    char *reason, int64_t *until)
{
    size_t        len;
    json_t       *root, *v;
    const char   *s;
    json_error_t  e;

    root = json_loadb((const char *) body, t->body_len, 0, &e);

    if (root == NULL || !json_is_object(root)) {
        json_decref(root);
        ngx_http_privacy_rop_fail(t, 400, "a JSON object expected");
        return -1;
    }

    v = json_object_get(root, "reason");
    s = json_string_value(v);
    len = s ? json_string_length(v) : 0;

    if (s == NULL || len == 0 || len > NGX_HTTP_PRIVACY_HOLD_REASON_MAX
        || strlen(s) != len)
    {
        json_decref(root);
        ngx_http_privacy_rop_fail(t, 400, "reason: a string of 1 to 500 "
                                          "bytes expected");
        return -1;
    }

    memcpy(reason, s, len + 1);

    v = json_object_get(root, "until");
    s = json_string_value(v);

    if (s == NULL
        || ngx_http_privacy_rfc3339_parse(s, json_string_length(v), until)
           != 0)
    {
        json_decref(root);
        ngx_http_privacy_rop_fail(t, 400, "until: a date (2027-06-30) or an "
                                          "RFC 3339 date-time expected");
        return -1;
    }

    json_decref(root);

    if (*until <= t->now) {
        ngx_http_privacy_rop_fail(t, 400, "until: must be in the future");
        return -1;
    }

    return 0;
}


/*
 * Inside the transaction: the hold added (*n its id), or the subject's
 * holds released (*n how many); SQLITE_NOTFOUND: no such subject.
 */

static int
ngx_http_privacy_rop_hold_write(ngx_http_privacy_rop_t *t, sqlite3 *db,
    const char *reason, int64_t until, sqlite3_int64 *n, char *subject_id)
{
    int            rc;
    sqlite3_int64  id;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, "SELECT id, subject_id FROM subjects"
                                " WHERE external_id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_text(st, 1, (const char *) t->id, (int) t->id_len,
                      SQLITE_STATIC);

    rc = sqlite3_step(st);

    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc;
    }

    id = sqlite3_column_int64(st, 0);
    snprintf(subject_id, NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1, "%s",
             (const char *) sqlite3_column_text(st, 1));
    sqlite3_finalize(st);

    rc = sqlite3_prepare_v2(db, t->op == NGX_HTTP_PRIVACY_ROP_HOLD
                                ? "INSERT INTO holds (subject, reason,"
                                  " created, until) VALUES (?1, ?2, ?3, ?4)"
                                : "UPDATE holds SET released = ?3"
                                  " WHERE subject = ?1 AND released IS NULL"
                                  " AND until > ?3", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_int64(st, 1, id);
    (void) sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, t->now);
    (void) sqlite3_bind_int64(st, 4, until);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        return rc;
    }

    *n = t->op == NGX_HTTP_PRIVACY_ROP_HOLD ? sqlite3_last_insert_rowid(db)
                                            : sqlite3_changes(db);

    return SQLITE_OK;
}


static void
ngx_http_privacy_rop_hold_answer(ngx_http_privacy_rop_t *t, unsigned status,
    json_t *o)
{
    t->status = status;
    t->out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    t->out_len = t->out ? strlen(t->out) : 0;

    json_decref(o);
}
