/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Activity, orders, the end and records of a subject; see the header and
 * docs/database.md.
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_db_int.h"
#include "ngx_http_privacy_register_events.h"


int
ngx_http_privacy_rdb_activity(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, int64_t at, int64_t now)
{
    int            rc;
    char           subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    int64_t        id;
    sqlite3_stmt  *st;

    rc = ngx_http_privacy_rdb_find(rdb, external_id, len, &id, subject_id);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    st = rdb->st[RDB_TOUCH];
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, id);

    if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    return ngx_http_privacy_rdb_audit(rdb, "api", "subject.activity",
                                      subject_id, now);
}


int
ngx_http_privacy_rdb_end(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, unsigned kinds, int64_t at,
    int64_t now)
{
    int            rc;
    char           subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    int64_t        id;
    sqlite3_stmt  *st;

    rc = ngx_http_privacy_rdb_find(rdb, external_id, len, &id, subject_id);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    /* the relationship as a whole ends when no kind is named */
    if (kinds == 0) {
        st = rdb->st[RDB_END];
        sqlite3_bind_int64(st, 1, at);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, id);

        if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }
    }

    st = rdb->st[RDB_END_KINDS];
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int(st, 3, (int) kinds);

    if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    return ngx_http_privacy_rdb_audit(rdb, "api", "subject.end", subject_id,
                                      now);
}


int
ngx_http_privacy_rdb_order(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, ngx_http_privacy_rj_order_t *o,
    int64_t now)
{
    int      rc;
    char     subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    int64_t  id;

    rc = ngx_http_privacy_rdb_find(rdb, external_id, len, &id, subject_id);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    rc = ngx_http_privacy_rdb_orders(rdb, id, o, 1);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    return ngx_http_privacy_rdb_audit(rdb, "api", "order.upsert",
                                      subject_id, now);
}


int
ngx_http_privacy_rdb_record(ngx_http_privacy_rdb_t *rdb,
    ngx_http_privacy_rj_record_t *rec, int64_t now)
{
    int            rc;
    char           subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    int64_t        id;
    sqlite3_stmt  *st;

    id = 0;
    subject_id[0] = '\0';

    if (rec->external_id.state == NGX_HTTP_PRIVACY_RJ_VALUE) {
        rc = ngx_http_privacy_rdb_find(rdb, rec->external_id.data,
                                       rec->external_id.len, &id,
                                       subject_id);
        if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
            return rc;
        }
    }

    st = rdb->st[RDB_RECORD];

    if (id) {
        sqlite3_bind_int64(st, 1, id);
    }

    sqlite3_bind_text(st, 2, rec->category.data, rec->category.len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rec->reference.data, rec->reference.len,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, rec->reference_date);
    sqlite3_bind_int64(st, 5, now);

    if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    return ngx_http_privacy_rdb_audit(rdb, "api", "record.upsert",
                                      id ? subject_id : NULL, now);
}
