/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the register's files share (ngx_http_privacy_register_db.c,
 * _register_get.c and _register_events.c): the connection with its
 * prepared statements, by index, and the helpers they use.  Plain C over
 * SQLite.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_


#include <sqlite3.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_field_crypto.h"
#include "ngx_http_privacy_register_db.h"


enum {
    RDB_FIND = 0,
    RDB_INSERT,
    RDB_UPDATE,
    RDB_KIND,
    RDB_ORDER,
    RDB_TOUCH,
    RDB_END,
    RDB_END_KINDS,
    RDB_RECORD,
    RDB_GET,
    RDB_GET_KINDS,
    RDB_GET_ORDERS,
    RDB_ORDER_OWNER,
    RDB_NSTMTS
};


struct ngx_http_privacy_rdb_s {
    sqlite3                           *db;
    sqlite3_stmt                      *st[RDB_NSTMTS];
    ngx_http_privacy_mac_t            *audit;
    ngx_http_privacy_audit_t          *log;
    /* the keys, for decryption and for other threads' sealers */
    u_char                             field[NGX_HTTP_PRIVACY_KEY_LEN];
    u_char                             lookup[NGX_HTTP_PRIVACY_KEY_LEN];
    ngx_http_privacy_sealer_t         *sealer;

    /* how far the DPO's audit report has checked the chain */
    ngx_http_privacy_audit_state_t     audit_state;
};


/* the subject of an external id: RDB_OK, RDB_NOT_FOUND or RDB_ERROR */
int ngx_http_privacy_rdb_find(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, int64_t *id, char *subject_id);
/* steps a write statement once and makes it ready for the next use */
int ngx_http_privacy_rdb_step(sqlite3_stmt *st);
/* upserts orders of subject id: RDB_OK, RDB_CONFLICT or RDB_ERROR */
int ngx_http_privacy_rdb_orders(ngx_http_privacy_rdb_t *rdb, int64_t id,
    ngx_http_privacy_rj_order_t *o, size_t n);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_ */
