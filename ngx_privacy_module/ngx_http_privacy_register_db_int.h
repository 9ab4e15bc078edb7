/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the register's files share (ngx_http_privacy_register_db.c and
 * ngx_http_privacy_register_get.c): the connection with its prepared
 * statements, by index.  Plain C over SQLite.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_


#include <sqlite3.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_crypto.h"
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
    ngx_http_privacy_mac_t            *lookup;
    ngx_http_privacy_mac_t            *audit;
    ngx_http_privacy_audit_t          *log;
    u_char                             field[NGX_HTTP_PRIVACY_KEY_LEN];
};


#endif /* _NGX_HTTP_PRIVACY_REGISTER_DB_INT_H_INCLUDED_ */
