/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What ngx_http_privacy_rights_ops.c and ngx_http_privacy_rights_changes.c
 * share: the changes the operations dispatch to, and the helpers on
 * their SQLite connection (ngx_http_privacy_rights_sql.c).
 * Plain C, for a pool thread.
 */

#ifndef _NGX_HTTP_PRIVACY_RIGHTS_INTERNAL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_RIGHTS_INTERNAL_H_INCLUDED_


#include <jansson.h>
#include <sqlite3.h>

#include "ngx_http_privacy_rights_ops.h"


typedef ngx_http_privacy_rights_op_t  rights_op_t;


void ngx_http_privacy_rights_erase_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb);
void ngx_http_privacy_rights_change_op(rights_op_t *op, sqlite3 *db,
    ngx_http_privacy_rdb_t *rdb, const ngx_http_privacy_register_keys_t *rk);
void ngx_http_privacy_rights_analytics_op(rights_op_t *op, sqlite3 *db);

/* ngx_http_privacy_rights_sql.c */

/* HMAC of the lowercase address under the register's lookup key */
int ngx_http_privacy_rights_email_hash(
    const ngx_http_privacy_register_keys_t *rk, const char *email,
    size_t len, u_char *out);
/* a case, closed at once, due a calendar month after now; SQLITE_OK */
int ngx_http_privacy_rights_case(sqlite3 *db, int64_t subject,
    const char *type, const char *outcome, int64_t now);
/* rows of sql (bound to id) as objects with the given names */
json_t *ngx_http_privacy_rights_rows(sqlite3 *db, const char *sql,
    int64_t id, const char **names);
/* op->out: o as JSON (o is released) */
void ngx_http_privacy_rights_answer(rights_op_t *op, json_t *o);
void ngx_http_privacy_rights_fail(rights_op_t *op, sqlite3 *db,
    const char *what);


#endif /* _NGX_HTTP_PRIVACY_RIGHTS_INTERNAL_H_INCLUDED_ */
