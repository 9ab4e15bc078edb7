/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The subject register's operations (docs/database.md), for a pool
 * thread: one connection, prepared statements, personnummer encrypted
 * and found through a keyed hash.  Plain C and SQLite, no nginx calls;
 * one thread at a time per handle.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_DB_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_DB_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_register_json.h"
#include "ngx_http_privacy_register_seal.h"


/* results of the operations besides SQLite's own codes */
#define NGX_HTTP_PRIVACY_RDB_OK         0
#define NGX_HTTP_PRIVACY_RDB_CREATED    1
#define NGX_HTTP_PRIVACY_RDB_NOT_FOUND  2
#define NGX_HTTP_PRIVACY_RDB_CONFLICT   3   /* e.g. another's order id */
#define NGX_HTTP_PRIVACY_RDB_ERROR      -1  /* the database failed */


/* the register's keys, derived from privacy_secret_file under own labels */
typedef struct {
    u_char       field[NGX_HTTP_PRIVACY_KEY_LEN];     /* AES-256-GCM */
    u_char       lookup[NGX_HTTP_PRIVACY_KEY_LEN];    /* keyed hashes */
    u_char       audit[NGX_HTTP_PRIVACY_KEY_LEN];     /* the audit chain */
} ngx_http_privacy_register_keys_t;

typedef struct ngx_http_privacy_rdb_s  ngx_http_privacy_rdb_t;


/* HKDF under the register's labels; 0 on success */
int ngx_http_privacy_register_keys(const u_char *secret, size_t len,
    ngx_http_privacy_register_keys_t *keys);

/* opens, migrates, prepares; NULL with err set */
ngx_http_privacy_rdb_t *ngx_http_privacy_rdb_open(const char *path,
    const ngx_http_privacy_register_keys_t *keys, char *err,
    size_t err_len);
void ngx_http_privacy_rdb_close(ngx_http_privacy_rdb_t *rdb);

/* IMMEDIATE transactions */
int ngx_http_privacy_rdb_begin(ngx_http_privacy_rdb_t *rdb);
int ngx_http_privacy_rdb_commit(ngx_http_privacy_rdb_t *rdb);
void ngx_http_privacy_rdb_rollback(ngx_http_privacy_rdb_t *rdb);

/*
 * A large import (docs/performance.md): on, a page cache that holds the
 * register's indexes; off, the default again (the cache shrinks).
 * Outside a transaction; a failure costs only speed.
 */
void ngx_http_privacy_rdb_bulk(ngx_http_privacy_rdb_t *rdb, int on);

/*
 * Inside a transaction.  Upsert by external_id (with s->orders, if any):
 * RDB_CREATED, RDB_OK, RDB_CONFLICT (an order id of another subject:
 * nothing was written) or RDB_ERROR (roll the transaction back).  sealed:
 * s's hashes, encrypted personnummer and new id, from a sealer of this
 * register (ngx_http_privacy_rdb_sealer()); NULL: computed here.
 */
int ngx_http_privacy_rdb_upsert(ngx_http_privacy_rdb_t *rdb,
    ngx_http_privacy_rj_subject_t *s, const ngx_http_privacy_sealed_t *sealed,
    int64_t now, const char *actor);
/* a sealer with the register's keys, for another thread; NULL */
ngx_http_privacy_sealer_t *ngx_http_privacy_rdb_sealer(
    ngx_http_privacy_rdb_t *rdb);
/* the subject as the API shows it (decrypted); RDB_NOT_FOUND, ... */
int ngx_http_privacy_rdb_get(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, json_t **out);

/*
 * Erasure (GDPR art. 17), in one transaction of its own: the subject row
 * and what cascades are deleted with secure_delete on; orders stay for
 * bookkeeping, unlinked; then a TRUNCATE checkpoint, so that neither the
 * file nor its -wal keeps the bytes.
 */
int ngx_http_privacy_rdb_erase(ngx_http_privacy_rdb_t *rdb,
    const char *subject_id, const char *actor, int64_t now);

/*
 * after an erasure: a TRUNCATE checkpoint, so that the -wal's earlier
 * images of the overwritten pages are copied over and cut off.  Readers
 * are waited for by the busy timeout; another connection's checkpoint
 * (the upkeep's, every second) fails it at once, so it is tried again
 * for up to a second.  Runs in a thread-pool thread.
 */
int ngx_http_privacy_rdb_scrub_wal(sqlite3 *db);

/* audit rows inside the caller's transaction, and the chain's check */
int ngx_http_privacy_rdb_audit(ngx_http_privacy_rdb_t *rdb,
    const char *actor, const char *action, const char *subject_id,
    int64_t now);
int ngx_http_privacy_rdb_audit_verify(ngx_http_privacy_rdb_t *rdb,
    int64_t *entries, int64_t *first_broken);
/*
 * the chain checked at most budget rows at a time, as far as this
 * connection got (ngx_http_privacy_audit_check()): RDB_OK or RDB_ERROR
 */
int ngx_http_privacy_rdb_audit_check(ngx_http_privacy_rdb_t *rdb,
    int64_t budget, int64_t now, ngx_http_privacy_audit_check_t *res);

sqlite3 *ngx_http_privacy_rdb_handle(ngx_http_privacy_rdb_t *rdb);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_DB_H_INCLUDED_ */
