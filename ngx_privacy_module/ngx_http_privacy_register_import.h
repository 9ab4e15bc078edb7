/*
 * Copyright (C) ngx_privacy_module authors
 *
 * POST import (docs/api.md) as a pool thread runs it: NDJSON, one subject
 * per line with its orders, a result per line, a bad line skipped whole;
 * lines commit in batches, and a large body is decoded by a second thread
 * while this one writes.  Plain C over SQLite, jansson and pthreads, no
 * nginx calls.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_IMPORT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_IMPORT_H_INCLUDED_


#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_ops.h"


/* body: t->body_len bytes, NUL-terminated; the answer in t->out */
void ngx_http_privacy_rim_run(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_IMPORT_H_INCLUDED_ */
