/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_rights_ops.h"
#include "ngx_http_privacy_rights_internal.h"


/*
 * a subject by its address's lookup hash: the register indexes the
 * hash's first 8 bytes (docs/database.md), the row holds all of it
 */
#define NGX_HTTP_PRIVACY_RIGHTS_BY_EMAIL                                      \
    " WHERE substr(email_hash, 1, 8) = substr(?1, 1, 8)"                      \
    " AND email_hash = ?1 ORDER BY id LIMIT 1"


static void ngx_http_privacy_rights_code_op(rights_op_t *op, sqlite3 *db,
    const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys);
static void ngx_http_privacy_rights_verify_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb, const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys);
static void ngx_http_privacy_rights_export_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb);
static int ngx_http_privacy_rights_count(sqlite3 *db, const char *sql,
    const void *key, int key_len, int64_t since);


int
ngx_http_privacy_rights_schema(ngx_http_privacy_rdb_t *rdb)
{
    /*
     * codes are kept as keyed hashes bound to the address's lookup hash;
     * the rows of an hour are what the rate limits count
     */
    return sqlite3_exec(ngx_http_privacy_rdb_handle(rdb),
        "CREATE TABLE IF NOT EXISTS rights_codes ("
        "  id INTEGER PRIMARY KEY,"
        "  email_hash BLOB NOT NULL,"
        "  code_hash BLOB NOT NULL,"
        "  client TEXT NOT NULL,"
        "  created INTEGER NOT NULL,"
        "  expires INTEGER NOT NULL,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  used INTEGER"
        ");"
        "CREATE INDEX IF NOT EXISTS rights_codes_email"
        "  ON rights_codes (email_hash, created);"
        "CREATE INDEX IF NOT EXISTS rights_codes_client"
        "  ON rights_codes (client, created);", NULL, NULL, NULL);
}


void
ngx_http_privacy_rights_run(rights_op_t *op, ngx_http_privacy_rdb_t *rdb,
    const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys)
{
    int       sent, failed;
    sqlite3  *db;

    db = ngx_http_privacy_rdb_handle(rdb);
    op->result = NGX_HTTP_PRIVACY_RIGHTS_ERROR;

    switch (op->op) {

    case NGX_HTTP_PRIVACY_RIGHTS_CODE:
        ngx_http_privacy_rights_code_op(op, db, rk, keys);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_VERIFY:
        ngx_http_privacy_rights_verify_op(op, db, rdb, rk, keys);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_EXPORT:
        ngx_http_privacy_rights_export_op(op, db, rdb);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_ERASE:
        ngx_http_privacy_rights_erase_op(op, db, rdb);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_RECTIFY:
    case NGX_HTTP_PRIVACY_RIGHTS_RESTRICT:
    case NGX_HTTP_PRIVACY_RIGHTS_OBJECT:
        ngx_http_privacy_rights_change_op(op, db, rdb, rk);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS:
    case NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE:
        ngx_http_privacy_rights_analytics_op(op, db);
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_MAIL:
        if (op->mail_command == NULL) {
            op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;
            break;
        }

        if (ngx_http_privacy_mail_flush(db, op->mail_command, op->now, &sent,
                                        &failed, op->log, sizeof(op->log))
            == SQLITE_OK)
        {
            op->result = failed ? NGX_HTTP_PRIVACY_RIGHTS_REFUSED
                                : NGX_HTTP_PRIVACY_RIGHTS_OK;
        }

        break;
    }
}


/*
 * A code is made and stored for every well-formed request within the
 * limits, known address or not, so that the work (and the answer) does
 * not tell whether the address is in the register; mail goes out only to
 * an address on record, from the outbox, later.
 */

static void
ngx_http_privacy_rights_code_op(rights_op_t *op, sqlite3 *db,
    const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys)
{
    int            rc, known;
    char           code[NGX_HTTP_PRIVACY_CODE_DIGITS + 1], *msg, *to;
    u_char         eh[NGX_HTTP_PRIVACY_MAC_LEN], ch[NGX_HTTP_PRIVACY_MAC_LEN];
    size_t         len;
    int64_t        subject, queued;
    sqlite3_stmt  *st;

    msg = NULL;
    to = NULL;
    st = NULL;
    subject = 0;

    if (ngx_http_privacy_rights_email_hash(rk, op->email, op->email_len, eh)
        != 0
        || ngx_http_privacy_rights_code(code) != 0
        || ngx_http_privacy_rights_code_hash(keys->code, eh, sizeof(eh), code,
                                             NGX_HTTP_PRIVACY_CODE_DIGITS, ch)
           != 0)
    {
        snprintf(op->log, sizeof(op->log), "code: crypto failed");
        return;
    }

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "code");
        return;
    }

    /* codes older than a day serve no limit any more */
    rc = sqlite3_prepare_v2(db, "DELETE FROM rights_codes WHERE created < ?",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int64(st, 1, op->now - 86400);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    /* no mail bombing of an address, no guessing from one client */
    if (ngx_http_privacy_rights_count(db, "SELECT count(*) FROM rights_codes"
                                      " WHERE email_hash = ? AND created > ?",
                                      eh, sizeof(eh), op->now - 3600)
        >= NGX_HTTP_PRIVACY_RIGHTS_PER_ADDRESS
        || ngx_http_privacy_rights_count(db, "SELECT count(*) FROM"
                                         " rights_codes WHERE client = ?"
                                         " AND created > ?", op->client, -1,
                                         op->now - 3600)
           >= NGX_HTTP_PRIVACY_RIGHTS_PER_CLIENT)
    {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        op->result = NGX_HTTP_PRIVACY_RIGHTS_LIMITED;
        return;
    }

    rc = sqlite3_prepare_v2(db, "INSERT INTO rights_codes (email_hash,"
                                " code_hash, client, created, expires)"
                                " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_blob(st, 1, eh, sizeof(eh), SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, ch, sizeof(ch), SQLITE_STATIC);
    sqlite3_bind_text(st, 3, op->client, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, op->now);
    sqlite3_bind_int64(st, 5, op->now + NGX_HTTP_PRIVACY_CODE_TTL);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    /* the address on record, not the one typed: the same up to case */
    rc = sqlite3_prepare_v2(db, "SELECT id, email FROM subjects"
                                NGX_HTTP_PRIVACY_RIGHTS_BY_EMAIL,
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_blob(st, 1, eh, sizeof(eh), SQLITE_STATIC);
    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW
        && ngx_http_privacy_mail_address_ok(
               (const char *) sqlite3_column_text(st, 1),
               sqlite3_column_bytes(st, 1)))
    {
        subject = sqlite3_column_int64(st, 0);
        to = strdup((const char *) sqlite3_column_text(st, 1));
    }

    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        goto failed;
    }

    /*
     * the same work for an address not in the register (docs/rights.md,
     * "Same page"): its message is made and written too, then removed in
     * the same transaction, so the answer waits as long and the commit
     * writes the same pages; secure_delete zeroes the removed row
     */
    known = (to != NULL);

    if (!known) {
        to = ngx_http_privacy_mail_address_ok(op->email, op->email_len)
             ? strndup(op->email, op->email_len)
             : strdup("unknown@invalid");
        if (to == NULL) {
            goto failed;
        }
    }

    msg = ngx_http_privacy_mail_code(op->lang, op->mail_from, to, code,
                                     NGX_HTTP_PRIVACY_CODE_TTL / 60,
                                     op->now, &len);
    if (msg == NULL
        || ngx_http_privacy_mail_queue(db, subject, "code", to, msg, len,
                                       op->now, &queued)
           != SQLITE_OK)
    {
        goto failed;
    }

    if (!known) {
        rc = sqlite3_prepare_v2(db, "DELETE FROM outbox WHERE id = ?", -1,
                                &st, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        sqlite3_bind_int64(st, 1, queued);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;

        if (rc != SQLITE_DONE) {
            goto failed;
        }
    }

    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto failed;
    }

    op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;

    goto done;

failed:

    ngx_http_privacy_rights_fail(op, db, "code");
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);

done:

    if (msg) {
        memset(msg, 0, len);
        free(msg);
    }

    free(to);
    memset(code, 0, sizeof(code));
}


static void
ngx_http_privacy_rights_verify_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb, const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys)
{
    int            rc, attempts, ok;
    u_char         eh[NGX_HTTP_PRIVACY_MAC_LEN], ch[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t        id, expires;
    sqlite3_stmt  *st;

    st = NULL;

    if (ngx_http_privacy_rights_email_hash(rk, op->email, op->email_len, eh)
        != 0
        || ngx_http_privacy_rights_code_hash(keys->code, eh, sizeof(eh),
                                             op->code, op->code_len, ch)
           != 0)
    {
        snprintf(op->log, sizeof(op->log), "verify: crypto failed");
        return;
    }

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "verify");
        return;
    }

    /* only the newest code counts: an earlier one is void once replaced */
    rc = sqlite3_prepare_v2(db, "SELECT id, code_hash, expires, attempts,"
                                " used FROM rights_codes WHERE email_hash = ?"
                                " ORDER BY id DESC LIMIT 1", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_blob(st, 1, eh, sizeof(eh), SQLITE_STATIC);
    rc = sqlite3_step(st);

    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        op->result = rc == SQLITE_DONE ? NGX_HTTP_PRIVACY_RIGHTS_REFUSED
                                       : NGX_HTTP_PRIVACY_RIGHTS_ERROR;
        return;
    }

    id = sqlite3_column_int64(st, 0);
    expires = sqlite3_column_int64(st, 2);
    attempts = sqlite3_column_int(st, 3);

    ok = sqlite3_column_bytes(st, 1) == (int) sizeof(ch)
         && ngx_http_privacy_ct_equal(sqlite3_column_blob(st, 1), ch,
                                      sizeof(ch));

    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        /* used: a replay */
        op->result = NGX_HTTP_PRIVACY_RIGHTS_REFUSED;
        ok = -1;

    } else if (attempts >= NGX_HTTP_PRIVACY_CODE_ATTEMPTS) {
        op->result = NGX_HTTP_PRIVACY_RIGHTS_LOCKED;
        ok = -1;

    } else if (expires < op->now) {
        op->result = NGX_HTTP_PRIVACY_RIGHTS_EXPIRED;
        ok = -1;
    }

    sqlite3_finalize(st);
    st = NULL;

    if (ok == -1) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return;
    }

    /* a right code ends the code; a wrong one counts against it */
    rc = sqlite3_prepare_v2(db, ok ? "UPDATE rights_codes SET used = ?1"
                                     " WHERE id = ?2"
                                   : "UPDATE rights_codes SET attempts ="
                                     " attempts + 1 WHERE id = ?2 AND ?1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int64(st, 1, op->now);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    if (!ok) {
        op->result = attempts + 1 >= NGX_HTTP_PRIVACY_CODE_ATTEMPTS
                     ? NGX_HTTP_PRIVACY_RIGHTS_LOCKED
                     : NGX_HTTP_PRIVACY_RIGHTS_REFUSED;
        goto commit;
    }

    rc = sqlite3_prepare_v2(db, "SELECT subject_id FROM subjects"
                                NGX_HTTP_PRIVACY_RIGHTS_BY_EMAIL,
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_blob(st, 1, eh, sizeof(eh), SQLITE_STATIC);
    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(op->subject_id, sqlite3_column_text(st, 0), 32);
        op->subject_id[32] = '\0';
        op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;

    } else {
        op->result = NGX_HTTP_PRIVACY_RIGHTS_REFUSED;
    }

    sqlite3_finalize(st);
    st = NULL;

    if (op->result == NGX_HTTP_PRIVACY_RIGHTS_OK
        && ngx_http_privacy_rdb_audit(rdb, "portal", "subject.verify",
                                      op->subject_id, op->now)
           != NGX_HTTP_PRIVACY_RDB_OK)
    {
        goto failed;
    }

commit:

    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto failed;
    }

    return;

failed:

    ngx_http_privacy_rights_fail(op, db, "verify");
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}


static void
ngx_http_privacy_rights_export_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb)
{
    int            rc;
    char          *ext;
    json_t        *o, *s;
    int64_t        id;
    sqlite3_stmt  *st;

    static const char  *requests[] = { "request_id", "type", "status",
                                       "received", "due", "closed",
                                       "outcome", "extension_reason", NULL };
    static const char  *incidents[] = { "incident_id", "what", "occurred",
                                        "discovered", "categories",
                                        "consequences", "measures", NULL };
    static const char  *records[] = { "category", "reference",
                                      "reference_date", "erased", NULL };
    static const char  *messages[] = { "purpose", "created", "sent", NULL };

    ext = NULL;
    s = NULL;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ngx_http_privacy_rights_fail(op, db, "export");
        return;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id, external_id FROM subjects"
                                " WHERE subject_id = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, op->subject_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    id = 0;

    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        ext = strdup((const char *) sqlite3_column_text(st, 1));
    }

    sqlite3_finalize(st);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        goto failed;
    }

    o = json_object();

    /* erased, or never held: an export with nothing in it */
    if (ext == NULL) {
        json_object_set_new(o, "subject", json_null());
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        op->result = NGX_HTTP_PRIVACY_RIGHTS_GONE;
        ngx_http_privacy_rights_answer(op, o);
        return;
    }

    rc = ngx_http_privacy_rdb_get(rdb, ext, strlen(ext), &s);
    free(ext);

    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        json_decref(o);
        goto failed;
    }

    json_object_set_new(o, "subject", s);
    json_object_set_new(o, "records", ngx_http_privacy_rights_rows(db,
        "SELECT category, reference, reference_date, erased FROM records"
        " WHERE subject = ? ORDER BY reference_date", id, records));
    json_object_set_new(o, "incidents", ngx_http_privacy_rights_rows(db,
        "SELECT i.incident_id, i.what, i.occurred, i.discovered,"
        " i.categories, i.consequences, i.measures FROM incidents i"
        " JOIN incident_subjects s ON s.incident = i.id WHERE s.subject = ?"
        " ORDER BY i.discovered", id, incidents));
    json_object_set_new(o, "messages", ngx_http_privacy_rights_rows(db,
        "SELECT purpose, created, sent FROM outbox WHERE subject = ?"
        " ORDER BY id", id, messages));

    /* GDPR art. 15: the request itself is a case, answered at once */
    if (ngx_http_privacy_rights_case(db, id, "access", "exported online",
                                     op->now)
        != SQLITE_OK
        || ngx_http_privacy_rdb_audit(rdb, "portal", "subject.read",
                                      op->subject_id, op->now)
           != NGX_HTTP_PRIVACY_RDB_OK)
    {
        json_decref(o);
        goto failed;
    }

    json_object_set_new(o, "requests", ngx_http_privacy_rights_rows(db,
        "SELECT request_id, type, status, received, due, closed, outcome,"
        " extension_reason FROM requests WHERE subject = ? ORDER BY id", id,
        requests));

    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        json_decref(o);
        goto failed;
    }

    op->result = NGX_HTTP_PRIVACY_RIGHTS_OK;
    ngx_http_privacy_rights_answer(op, o);

    return;

failed:

    ngx_http_privacy_rights_fail(op, db, "export");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}


static int
ngx_http_privacy_rights_count(sqlite3 *db, const char *sql, const void *key,
    int key_len, int64_t since)
{
    int            n;
    sqlite3_stmt  *st;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        return 1 << 30;
    }

    if (key_len < 0) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);

    } else {
        sqlite3_bind_blob(st, 1, key, key_len, SQLITE_STATIC);
    }

    sqlite3_bind_int64(st, 2, since);

    /* a failing count refuses rather than lets through */
    n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1 << 30;
    sqlite3_finalize(st);

    return n;
}
