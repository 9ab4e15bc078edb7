/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's audit log (docs/database.md): append-only rows, each
 * with an HMAC-SHA256 over the previous row's MAC and its own fields, so
 * that changing, inserting or removing a row breaks the chain at that
 * row.  Rows hold the random subject id only, never personal data, so an
 * erasure never has to touch the chain.  Plain C and SQLite.
 */

#ifndef _NGX_HTTP_PRIVACY_AUDIT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_AUDIT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "ngx_http_privacy_crypto.h"


/* the log's prepared statements on one connection */
typedef struct ngx_http_privacy_audit_s  ngx_http_privacy_audit_t;

typedef struct {
    int64_t      entries;       /* rows checked */
    int64_t      first_broken;  /* id of the first bad row, 0: none */
} ngx_http_privacy_audit_result_t;


/*
 * The chain checked a bounded number of rows at a time, for a page that
 * must answer quickly however long the log (docs/dpo-guide.md, the audit
 * report).  The state lives in memory, with the connection, never in the
 * register: each call checks the rows appended since the last one,
 * chained to the MAC it remembers, then goes on with a round through the
 * older rows, each against the row before it, so every row is checked
 * again every few calls.  An all-zero state is new; a new state, or one
 * whose rows a sweep removed, starts with the whole chain in order.
 */
typedef struct {
    int64_t      anchor_id;     /* the anchor the chain starts from */
    int64_t      head_id;       /* every row up to it checked in order */
    u_char       head_mac[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t      cursor;        /* the round's next row, 0: none begun */
    int64_t      full_at;       /* when a pass over every row ended */
    unsigned     started:1;
    unsigned     caught_up:1;   /* the head reached the newest row once */
} ngx_http_privacy_audit_state_t;

typedef struct {
    int64_t      entries;       /* rows from the anchor to the newest */
    int64_t      checked;       /* MACs computed by this call */
    int64_t      through;       /* every row up to this id checked */
    int64_t      first_broken;  /* 0: none found */
    int64_t      full_at;       /* 0: no complete pass yet */
} ngx_http_privacy_audit_check_t;


/* the MAC of one row given the one before it (zeros before the first) */
int ngx_http_privacy_audit_mac(ngx_http_privacy_mac_t *mac,
    const u_char prev[NGX_HTTP_PRIVACY_MAC_LEN], int64_t id, int64_t ts,
    const char *actor, const char *action, const char *subject_id,
    u_char out[NGX_HTTP_PRIVACY_MAC_LEN]);

/* NULL on failure; closed before its connection */
ngx_http_privacy_audit_t *ngx_http_privacy_audit_open(sqlite3 *db);
void ngx_http_privacy_audit_close(ngx_http_privacy_audit_t *a);

/*
 * Appends a row inside the caller's write transaction (which makes the
 * newest row it chains to stable).  SQLITE_OK or an SQLite error code.
 */
int ngx_http_privacy_audit_append(ngx_http_privacy_audit_t *a,
    ngx_http_privacy_mac_t *mac, int64_t ts, const char *actor,
    const char *action, const char *subject_id);

/*
 * Walks the chain from the anchor (or the start) in id order; names the
 * first row whose MAC does not match.  SQLITE_OK or an error code.
 */
int ngx_http_privacy_audit_verify(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_audit_result_t *res);

/*
 * At most budget MACs (the newest rows first), as the state says, in
 * one read transaction; now is recorded when a pass ends.  SQLITE_OK or
 * an error code.
 */
int ngx_http_privacy_audit_check(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_audit_state_t *st, int64_t budget, int64_t now,
    ngx_http_privacy_audit_check_t *res);


#endif /* _NGX_HTTP_PRIVACY_AUDIT_H_INCLUDED_ */
