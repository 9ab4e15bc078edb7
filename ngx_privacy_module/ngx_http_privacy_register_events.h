/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What happens to a subject after it exists (docs/api.md): activity (a
 * purchase, a support dialogue), an order, the end of the relationship,
 * and records held in other systems.  Each inside the caller's
 * transaction, with its audit entry: RDB_OK, RDB_NOT_FOUND, RDB_CONFLICT
 * (an order id of another subject) or RDB_ERROR.  Plain C and SQLite.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_EVENTS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_EVENTS_H_INCLUDED_


#include "ngx_http_privacy_register_db.h"


int ngx_http_privacy_rdb_activity(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, int64_t at, int64_t now);
int ngx_http_privacy_rdb_end(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, unsigned kinds, int64_t at,
    int64_t now);
int ngx_http_privacy_rdb_order(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, ngx_http_privacy_rj_order_t *o,
    int64_t now);
int ngx_http_privacy_rdb_record(ngx_http_privacy_rdb_t *rdb,
    ngx_http_privacy_rj_record_t *rec, int64_t now);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_EVENTS_H_INCLUDED_ */
