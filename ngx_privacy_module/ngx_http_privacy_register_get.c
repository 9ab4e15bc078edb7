/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Reading a subject from the register (the API's GET, the rights
 * portal's export: the fields decrypted, kinds and orders), and erasing
 * one (GDPR art. 17): rows deleted in one transaction, the audit log
 * told.  See docs/database.md.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_field_crypto.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_schema.h"
#include "ngx_http_privacy_register_db_int.h"


static json_t *ngx_http_privacy_rdb_time_json(sqlite3_stmt *st, int i);


int
ngx_http_privacy_rdb_get(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, json_t **out)
{
    int            rc, i;
    char           aad[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 16];
    u_char         digits[64], text[NGX_HTTP_PRIVACY_PNR_LEN + 1];
    size_t         n;
    json_t        *o, *a, *order, *items;
    int64_t        id;
    sqlite3_stmt  *st;

    static const char  *strings[] = { "subject_id", "external_id", "name",
                                      "address", "phone", "email" };

    st = rdb->st[RDB_GET];
    sqlite3_bind_text(st, 1, external_id, len, SQLITE_STATIC);

    rc = sqlite3_step(st);

    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? NGX_HTTP_PRIVACY_RDB_NOT_FOUND
                                 : NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    o = json_object();
    id = sqlite3_column_int64(st, 0);

    for (i = 0; i < 6; i++) {
        json_object_set_new(o, strings[i],
            sqlite3_column_type(st, i + 1) == SQLITE_NULL
            ? json_null()
            : json_stringn((const char *) sqlite3_column_text(st, i + 1),
                           sqlite3_column_bytes(st, i + 1)));
    }

    json_object_set_new(o, "personnummer", json_null());

    if (sqlite3_column_type(st, 7) == SQLITE_BLOB
        && (size_t) sqlite3_column_bytes(st, 7)
           <= sizeof(digits) + NGX_HTTP_PRIVACY_FIELD_OVERHEAD)
    {
        snprintf(aad, sizeof(aad), "%s personnummer",
                 (const char *) sqlite3_column_text(st, 1));

        if (ngx_http_privacy_field_decrypt(rdb->field, (u_char *) aad,
                                           strlen(aad),
                                           sqlite3_column_blob(st, 7),
                                           sqlite3_column_bytes(st, 7),
                                           digits, &n)
                == 0
            && n == NGX_HTTP_PRIVACY_PNR_LEN)
        {
            memcpy(text, digits, 8);
            text[8] = '-';
            memcpy(text + 9, digits + 8, 4);
            json_object_set_new(o, "personnummer",
                                json_stringn((char *) text, 13));
        }

        memset(digits, 0, sizeof(digits));
    }

    json_object_set_new(o, "created", ngx_http_privacy_rdb_time_json(st, 8));
    json_object_set_new(o, "updated", ngx_http_privacy_rdb_time_json(st, 9));
    json_object_set_new(o, "last_activity",
                        ngx_http_privacy_rdb_time_json(st, 10));
    json_object_set_new(o, "relationship_ended",
                        ngx_http_privacy_rdb_time_json(st, 11));
    json_object_set_new(o, "restricted",
                        json_boolean(sqlite3_column_int(st, 12)));

    a = json_array();
    for (i = 0; i < 3; i++) {
        if (sqlite3_column_int(st, 13) & (1 << i)) {
            json_array_append_new(a, json_string(i == 0 ? "direct_marketing"
                                                 : i == 1 ? "analytics"
                                                          : "profiling"));
        }
    }

    json_object_set_new(o, "objections", a);
    sqlite3_reset(st);

    st = rdb->st[RDB_GET_KINDS];
    sqlite3_bind_int64(st, 1, id);
    a = json_array();

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_array_append_new(a, json_pack("{s:s, s:o, s:o}",
            "kind", (const char *) sqlite3_column_text(st, 0),
            "since", ngx_http_privacy_rdb_time_json(st, 1),
            "ended", ngx_http_privacy_rdb_time_json(st, 2)));
    }

    sqlite3_reset(st);
    json_object_set_new(o, "kinds", a);

    st = rdb->st[RDB_GET_ORDERS];
    sqlite3_bind_int64(st, 1, id);
    a = json_array();

    while (rc != SQLITE_ERROR && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        items = json_loads((const char *) sqlite3_column_text(st, 4), 0,
                           NULL);

        order = json_pack("{s:s, s:o, s:s, s:s, s:o}",
            "order_id", (const char *) sqlite3_column_text(st, 0),
            "date", ngx_http_privacy_rdb_time_json(st, 1),
            "total", (const char *) sqlite3_column_text(st, 2),
            "currency", (const char *) sqlite3_column_text(st, 3),
            "items", items ? items : json_array());

        json_array_append_new(a, order);
    }

    sqlite3_reset(st);
    json_object_set_new(o, "orders", a);

    if (rc != SQLITE_DONE) {
        json_decref(o);
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    *out = o;

    return NGX_HTTP_PRIVACY_RDB_OK;
}


int
ngx_http_privacy_rdb_erase(ngx_http_privacy_rdb_t *rdb,
    const char *subject_id, const char *actor, int64_t now)
{
    int            rc;
    sqlite3_stmt  *st;

    if (ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK) {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    rc = sqlite3_prepare_v2(rdb->db, "DELETE FROM subjects"
                                     " WHERE subject_id = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_text(st, 1, subject_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    if (sqlite3_changes(rdb->db) == 0) {
        ngx_http_privacy_rdb_rollback(rdb);
        return NGX_HTTP_PRIVACY_RDB_NOT_FOUND;
    }

    if (ngx_http_privacy_rdb_audit(rdb, actor, "subject.erase", subject_id,
                                   now)
        != NGX_HTTP_PRIVACY_RDB_OK
        || ngx_http_privacy_rdb_commit(rdb) != SQLITE_OK)
    {
        goto failed;
    }

    /*
     * the deleted pages were overwritten (secure_delete), but the -wal
     * still holds their earlier images until it is checkpointed and
     * truncated; a reader that outlasts the busy timeout makes this
     * fail, and the next erasure or the store's own checkpoint copies
     * the pages over
     */
    (void) ngx_http_privacy_rdb_scrub_wal(rdb->db);

    return NGX_HTTP_PRIVACY_RDB_OK;

failed:

    ngx_http_privacy_rdb_rollback(rdb);
    return NGX_HTTP_PRIVACY_RDB_ERROR;
}


static json_t *
ngx_http_privacy_rdb_time_json(sqlite3_stmt *st, int i)
{
    char  buf[21];

    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        return json_null();
    }

    ngx_http_privacy_rfc3339_format(sqlite3_column_int64(st, i), buf);

    return json_string(buf);
}
