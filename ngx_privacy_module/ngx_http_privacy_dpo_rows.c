/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What every DPO report's queries share (ngx_http_privacy_dpo_sql_int.h):
 * the reports' names, statements read into numbers or into a report
 * table, the connection's error, the forms' hidden token.  Below the
 * reports, so that the dispatch (ngx_http_privacy_dpo_sql.c) and each
 * report call down only.  Plain C over SQLite, for a pool thread.
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


const char  *ngx_http_privacy_dpo_names[] = {
    "index", "retention", "analytics", "requests", "cookies", "incidents",
    "audit", "processing"
};


int
ngx_http_privacy_dpo_failed(dpo_op_t *op, sqlite3 *db, int rc)
{
    snprintf(op->log, sizeof(op->log), "%s", sqlite3_errmsg(db));

    return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}


int
ngx_http_privacy_dpo_ints(sqlite3 *db, const char *sql, int64_t a,
    int64_t b, int64_t c, const char *text, int64_t *out, int n)
{
    int            i, rc, params;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    params = sqlite3_bind_parameter_count(st);

    if (params >= 1) {
        sqlite3_bind_int64(st, 1, a);
    }

    if (params >= 2) {
        sqlite3_bind_int64(st, 2, b);
    }

    if (params >= 3) {
        sqlite3_bind_int64(st, 3, c);
    }

    if (params >= 4) {
        sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    }

    for (i = 0; i < n; i++) {
        out[i] = -1;
    }

    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        for (i = 0; i < n && i < sqlite3_column_count(st); i++) {
            if (sqlite3_column_type(st, i) != SQLITE_NULL) {
                out[i] = sqlite3_column_int64(st, i);
            }
        }

        rc = SQLITE_OK;

    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }

    sqlite3_finalize(st);

    return rc;
}


int
ngx_http_privacy_dpo_fill(sqlite3 *db, ngx_http_privacy_rtable_t *t,
    const char *sql, int64_t a, int64_t b, int64_t c, const char *text)
{
    int            i, rc, params, n;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    params = sqlite3_bind_parameter_count(st);

    if (params >= 1) {
        sqlite3_bind_int64(st, 1, a);
    }

    if (params >= 2) {
        sqlite3_bind_int64(st, 2, b);
    }

    if (params >= 3) {
        sqlite3_bind_int64(st, 3, c);
    }

    if (params >= 4) {
        sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_STATIC);
    }

    n = sqlite3_column_count(st);

    if ((size_t) n > t->def->ncols) {
        n = (int) t->def->ncols;
    }

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ngx_http_privacy_rtable_row(t) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }

        for (i = 0; i < n; i++) {
            switch (sqlite3_column_type(st, i)) {

            case SQLITE_NULL:
                break;

            case SQLITE_INTEGER:
            case SQLITE_FLOAT:
                ngx_http_privacy_rtable_int(t, i,
                                            sqlite3_column_int64(st, i));
                break;

            default:
                ngx_http_privacy_rtable_text(t, i,
                    sqlite3_column_text(st, i),
                    (size_t) sqlite3_column_bytes(st, i));
            }
        }
    }

    sqlite3_finalize(st);

    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}


/* the forms' hidden field: the token bound to the DPO's browser */

void
ngx_http_privacy_dpo_hidden(dpo_op_t *op, ngx_http_privacy_rbuf_t *b)
{
    ngx_http_privacy_rbuf_str(b, "<input type=\"hidden\" name=\"token\" "
                                 "value=\"");
    ngx_http_privacy_rbuf_html(b, (u_char *) op->token, strlen(op->token));
    ngx_http_privacy_rbuf_str(b, "\">");
}
