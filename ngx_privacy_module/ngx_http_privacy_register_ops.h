/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's operations (docs/api.md) as a pool thread runs them:
 * decode the body, apply it in one transaction (an import: a commit per
 * batch of lines), and build the JSON answer.  Plain C over
 * SQLite and jansson, no nginx calls, so that the thread touches nothing
 * of nginx's (STYLE.md trap 5).
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_OPS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_OPS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_json.h"


/*
 * An import commits a batch at BATCH lines, or once it holds MIN lines
 * and BATCH_MS have passed: a commit rewrites every index page the batch
 * touched, so larger batches cost less per line; the time bound keeps the
 * write lock short for the other writers, and the minimum keeps a busy
 * machine's batches from shrinking to a few hundred lines.
 */
#define NGX_HTTP_PRIVACY_ROP_BATCH      20000
#define NGX_HTTP_PRIVACY_ROP_BATCH_MIN  2000
#define NGX_HTTP_PRIVACY_ROP_BATCH_MS   500


typedef enum {
    NGX_HTTP_PRIVACY_ROP_UPSERT = 0,        /* POST subjects */
    NGX_HTTP_PRIVACY_ROP_GET,               /* GET subjects/ID */
    NGX_HTTP_PRIVACY_ROP_ACTIVITY,          /* POST subjects/ID/activity */
    NGX_HTTP_PRIVACY_ROP_ORDER,             /* POST subjects/ID/orders */
    NGX_HTTP_PRIVACY_ROP_END,               /* POST subjects/ID/end */
    NGX_HTTP_PRIVACY_ROP_RECORD,            /* POST records */
    NGX_HTTP_PRIVACY_ROP_IMPORT,            /* POST import */
    NGX_HTTP_PRIVACY_ROP_VERIFY,            /* GET audit/verify */
    NGX_HTTP_PRIVACY_ROP_HOLD,              /* POST subjects/ID/hold */
    NGX_HTTP_PRIVACY_ROP_RELEASE            /* POST subjects/ID/hold/release */
} ngx_http_privacy_rop_e;


typedef struct {
    /* in */
    ngx_http_privacy_rop_e               op;
    u_char                               id[NGX_HTTP_PRIVACY_RJ_ID_MAX];
    size_t                               id_len;    /* external_id of the path */
    size_t                               body_len;
    int64_t                              now;
    ngx_http_privacy_rj_today_t          today;

    /* out: an HTTP status and the JSON answer (malloc'd), or out NULL */
    unsigned                             status;
    char                                *out;
    size_t                               out_len;
    char                                 log[128];  /* no personal data */
} ngx_http_privacy_rop_t;


/*
 * body: body_len bytes, NUL-terminated; a hold, or its release, is
 * ngx_http_privacy_rop_hold()'s
 */
void ngx_http_privacy_rop_run(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);

/* a legal hold, or its release (ngx_http_privacy_register_hold.c) */
void ngx_http_privacy_rop_hold(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);

/* an error answer: {"error": message} */
void ngx_http_privacy_rop_fail(ngx_http_privacy_rop_t *t, unsigned status,
    const char *message);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_OPS_H_INCLUDED_ */
