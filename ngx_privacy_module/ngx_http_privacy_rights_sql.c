/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The helpers ngx_http_privacy_rights_ops.c and
 * ngx_http_privacy_rights_changes.c share on their SQLite connection
 * (ngx_http_privacy_rights_internal.h): below both, so that the
 * operations dispatch to the changes and neither calls back.  Plain C,
 * for a pool thread.
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


int
ngx_http_privacy_rights_email_hash(
    const ngx_http_privacy_register_keys_t *rk, const char *email,
    size_t len, u_char *out)
{
    int                      rc;
    u_char                   lower[256];
    size_t                   i;
    ngx_http_privacy_mac_t  *mac;

    if (len > sizeof(lower)) {
        return -1;
    }

    /* as the register hashes it: ASCII letters in lowercase */
    for (i = 0; i < len; i++) {
        lower[i] = (email[i] >= 'A' && email[i] <= 'Z')
                   ? (u_char) (email[i] | 0x20) : (u_char) email[i];
    }

    mac = ngx_http_privacy_mac_create(rk->lookup, sizeof(rk->lookup));
    if (mac == NULL) {
        return -1;
    }

    rc = ngx_http_privacy_mac_compute(mac, lower, len, out);
    ngx_http_privacy_mac_destroy(mac);

    return rc;
}


/* a case, closed at once (GDPR art. 12(3): due a month after receipt) */

int
ngx_http_privacy_rights_case(sqlite3 *db, int64_t subject, const char *type,
    const char *outcome, int64_t now)
{
    int            rc;
    u_char         rnd[16], hex[33];
    sqlite3_stmt  *st;

    if (ngx_http_privacy_random(rnd, sizeof(rnd)) != 0) {
        return SQLITE_ERROR;
    }

    ngx_http_privacy_hex(rnd, sizeof(rnd), hex);

    rc = sqlite3_prepare_v2(db, "INSERT INTO requests (request_id, subject,"
                                " type, status, received, due, closed,"
                                " outcome) VALUES (?, ?, ?, 'closed', ?, ?,"
                                " ?, ?)", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_text(st, 1, (char *) hex, 32, SQLITE_STATIC);

    if (subject) {
        sqlite3_bind_int64(st, 2, subject);
    }

    sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, ngx_http_privacy_calendar_due(now));
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_text(st, 7, outcome, -1, SQLITE_STATIC);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);

    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}


/* rows as objects: text as strings, numbers as numbers, NULL as null */

json_t *
ngx_http_privacy_rights_rows(sqlite3 *db, const char *sql, int64_t id,
    const char **names)
{
    int            i;
    json_t        *a, *row;
    sqlite3_stmt  *st;

    a = json_array();

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        return a;
    }

    sqlite3_bind_int64(st, 1, id);

    while (sqlite3_step(st) == SQLITE_ROW) {
        row = json_object();

        for (i = 0; names[i]; i++) {
            switch (sqlite3_column_type(st, i)) {

            case SQLITE_INTEGER:
                json_object_set_new(row, names[i],
                    json_integer(sqlite3_column_int64(st, i)));
                break;

            case SQLITE_TEXT:
                json_object_set_new(row, names[i],
                    json_stringn((const char *) sqlite3_column_text(st, i),
                                 sqlite3_column_bytes(st, i)));
                break;

            default:
                json_object_set_new(row, names[i], json_null());
            }
        }

        json_array_append_new(a, row);
    }

    sqlite3_finalize(st);

    return a;
}


void
ngx_http_privacy_rights_answer(rights_op_t *op, json_t *o)
{
    op->out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    op->out_len = op->out ? strlen(op->out) : 0;
    json_decref(o);

    if (op->out == NULL) {
        op->result = NGX_HTTP_PRIVACY_RIGHTS_ERROR;
    }
}


void
ngx_http_privacy_rights_fail(rights_op_t *op, sqlite3 *db, const char *what)
{
    op->result = NGX_HTTP_PRIVACY_RIGHTS_ERROR;
    snprintf(op->log, sizeof(op->log), "%s: %s", what, sqlite3_errmsg(db));
}
