/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the files of the DPO's reports share (ngx_http_privacy_dpo_sql*.c):
 * statements read into numbers or into a report table.  Plain C over
 * SQLite, for a pool thread.
 */

#ifndef _NGX_HTTP_PRIVACY_DPO_SQL_INT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DPO_SQL_INT_H_INCLUDED_


#include <sqlite3.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_report.h"


/*
 * The statement's parameters ?1 ?2 ?3 are bound to a b c and ?4 to text,
 * as many as it has.  _ints: the first row's first n columns (-1 for
 * NULL, or without a row).  _fill: each row into a row of t, column by
 * column.  SQLITE_OK or an error.
 */
int ngx_http_privacy_dpo_ints(sqlite3 *db, const char *sql, int64_t a,
    int64_t b, int64_t c, const char *text, int64_t *out, int n);
int ngx_http_privacy_dpo_fill(sqlite3 *db, ngx_http_privacy_rtable_t *t,
    const char *sql, int64_t a, int64_t b, int64_t c, const char *text);

/* op->log from the connection's error; never SQLITE_OK */
int ngx_http_privacy_dpo_failed(ngx_http_privacy_dpo_op_t *op, sqlite3 *db,
    int rc);

/* the reports of ngx_http_privacy_dpo_sql_*.c */
int ngx_http_privacy_dpo_overview(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_retention(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_analytics(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_requests_report(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_requests_act(ngx_http_privacy_dpo_op_t *op,
    ngx_http_privacy_rdb_t *rdb);
int ngx_http_privacy_dpo_incidents_report(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_incidents_act(ngx_http_privacy_dpo_op_t *op,
    ngx_http_privacy_rdb_t *rdb);
int ngx_http_privacy_dpo_cookies_report(ngx_http_privacy_dpo_op_t *op,
    sqlite3 *db, ngx_http_privacy_report_t *rp);
int ngx_http_privacy_dpo_audit_report(ngx_http_privacy_dpo_op_t *op,
    ngx_http_privacy_rdb_t *rdb, ngx_http_privacy_report_t *rp);

/* a form's hidden token field */
void ngx_http_privacy_dpo_hidden(ngx_http_privacy_dpo_op_t *op,
    ngx_http_privacy_rbuf_t *b);


#endif /* _NGX_HTTP_PRIVACY_DPO_SQL_INT_H_INCLUDED_ */
