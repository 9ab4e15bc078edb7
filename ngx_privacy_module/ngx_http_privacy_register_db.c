/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The subject register's operations: opening it with its statements,
 * writing subjects, the audit log; activity, orders, the end and records
 * are ngx_http_privacy_register_events.c's, reading and erasing a subject
 * ngx_http_privacy_register_get.c's.  See the
 * header and docs/database.md.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_field_crypto.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_schema.h"
#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_register_db_int.h"


static const char  *ngx_http_privacy_rdb_sql[RDB_NSTMTS] = {

    "SELECT id, subject_id FROM subjects WHERE external_id = ?",

    "INSERT INTO subjects (subject_id, external_id, name, address, phone,"
    " email, email_hash, pnr, pnr_hash, created, updated, last_activity,"
    " relationship_ended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    /* ?N odd: 1 to change the field, ?N+1: its new value (NULL clears) */
    "UPDATE subjects SET"
    " name = CASE WHEN ?1 THEN ?2 ELSE name END,"
    " address = CASE WHEN ?3 THEN ?4 ELSE address END,"
    " phone = CASE WHEN ?5 THEN ?6 ELSE phone END,"
    " email = CASE WHEN ?7 THEN ?8 ELSE email END,"
    " email_hash = CASE WHEN ?7 THEN ?9 ELSE email_hash END,"
    " pnr = CASE WHEN ?10 THEN ?11 ELSE pnr END,"
    " pnr_hash = CASE WHEN ?10 THEN ?12 ELSE pnr_hash END,"
    " last_activity = CASE WHEN ?13 THEN ?14 ELSE last_activity END,"
    " relationship_ended = CASE WHEN ?15 THEN ?16"
    "   ELSE relationship_ended END,"
    " updated = ?17 WHERE id = ?18",

    "INSERT INTO subject_kinds (subject, kind, since) VALUES (?, ?, ?)"
    " ON CONFLICT (subject, kind) DO UPDATE SET ended = NULL",

    /* an order id belongs to one subject: another's is a conflict */
    "INSERT INTO orders (subject, order_id, placed, total, currency, items)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
    " placed = excluded.placed, total = excluded.total,"
    " currency = excluded.currency, items = excluded.items"
    " WHERE orders.subject = excluded.subject",

    "UPDATE subjects SET last_activity = max(coalesce(last_activity, ?1),"
    " ?1), updated = ?2 WHERE id = ?3",

    "UPDATE subjects SET relationship_ended = ?1, updated = ?2"
    " WHERE id = ?3",

    "UPDATE subject_kinds SET ended = ?1 WHERE subject = ?2"
    " AND (?3 = 0 OR (?3 >> CASE kind WHEN 'customer' THEN 0"
    " WHEN 'supplier' THEN 1 WHEN 'club' THEN 2 ELSE 3 END) & 1)",

    "INSERT INTO records (subject, category, reference, reference_date,"
    " created) VALUES (?, ?, ?, ?, ?) ON CONFLICT (category, reference)"
    " DO UPDATE SET subject = excluded.subject,"
    " reference_date = excluded.reference_date",

    "SELECT id, subject_id, external_id, name, address, phone, email, pnr,"
    " created, updated, last_activity, relationship_ended, restricted,"
    " objections FROM subjects WHERE external_id = ?",

    "SELECT kind, since, ended FROM subject_kinds WHERE subject = ?"
    " ORDER BY kind",

    "SELECT order_id, placed, total, currency, items FROM orders"
    " WHERE subject = ? ORDER BY placed, order_id",

    "SELECT coalesce(subject, 0) FROM orders WHERE order_id = ?",
};


static void ngx_http_privacy_rdb_bind_str(sqlite3_stmt *st, int i,
    ngx_http_privacy_rj_str_t *s);
static void ngx_http_privacy_rdb_bind_time(sqlite3_stmt *st, int i,
    ngx_http_privacy_rj_time_t *t);
static int ngx_http_privacy_rdb_kinds(ngx_http_privacy_rdb_t *rdb,
    int64_t id, unsigned kinds, int64_t now);
static int ngx_http_privacy_rdb_owned(ngx_http_privacy_rdb_t *rdb,
    int64_t id, ngx_http_privacy_rj_order_t *o, size_t n);
static int ngx_http_privacy_rdb_unwrite(ngx_http_privacy_rdb_t *rdb,
    int64_t id);


int
ngx_http_privacy_register_keys(const u_char *secret, size_t len,
    ngx_http_privacy_register_keys_t *keys)
{
    /* one key per purpose: a hash key never decrypts, ... */
    if (ngx_http_privacy_derive_key(secret, len,
                                    "ngx_privacy register field encryption",
                                    keys->field) != 0
        || ngx_http_privacy_derive_key(secret, len,
                                       "ngx_privacy register lookup hash",
                                       keys->lookup) != 0
        || ngx_http_privacy_derive_key(secret, len,
                                       "ngx_privacy register audit chain",
                                       keys->audit) != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * wal_autocheckpoint: the worker's upkeep checkpoints, safely (see
 * ngx_http_privacy_upkeep.c), every second; a connection's own, after
 * its commit, is what is left if that fails;
 * secure_delete: erased rows are overwritten, not left in free pages;
 * temp_store: statement journals (old page images, other subjects' data
 * among them) stay in memory, never in a temp file, and cost no write per
 * page
 */

static int
ngx_http_privacy_rdb_configure(sqlite3 *db, char *err, size_t err_len)
{
    int  rc;

    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                          "PRAGMA wal_autocheckpoint=10000;"
                          "PRAGMA synchronous=NORMAL;"
                          "PRAGMA foreign_keys=ON;"
                          "PRAGMA secure_delete=ON;"
                          "PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "cannot set up: %s", sqlite3_errmsg(db));
    }

    return rc;
}


ngx_http_privacy_rdb_t *
ngx_http_privacy_rdb_open(const char *path,
    const ngx_http_privacy_register_keys_t *keys, char *err, size_t err_len)
{
    int                      rc, i;
    ngx_http_privacy_rdb_t  *rdb;

    rdb = calloc(1, sizeof(ngx_http_privacy_rdb_t));
    if (rdb == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }

    memcpy(rdb->field, keys->field, sizeof(rdb->field));
    memcpy(rdb->lookup, keys->lookup, sizeof(rdb->lookup));

    rdb->sealer = ngx_http_privacy_sealer_create(keys->field, keys->lookup);
    rdb->audit = ngx_http_privacy_mac_create(keys->audit,
                                             sizeof(keys->audit));
    if (rdb->sealer == NULL || rdb->audit == NULL) {
        snprintf(err, err_len, "AES-GCM or HMAC setup failed");
        goto failed;
    }

    rc = sqlite3_open_v2(path, &rdb->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                         | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "cannot open: %s",
                 rdb->db ? sqlite3_errmsg(rdb->db) : sqlite3_errstr(rc));
        goto failed;
    }

    sqlite3_busy_timeout(rdb->db, 10000);

    /* beside the store's connection, which may be switching to WAL */
    rc = ngx_http_privacy_schema_set_up(rdb->db,
                                        ngx_http_privacy_rdb_configure,
                                        err, err_len);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = ngx_http_privacy_register_schema_migrate(rdb->db, err, err_len);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (i = 0; i < RDB_NSTMTS; i++) {
        rc = sqlite3_prepare_v3(rdb->db, ngx_http_privacy_rdb_sql[i], -1,
                                SQLITE_PREPARE_PERSISTENT, &rdb->st[i],
                                NULL);
        if (rc != SQLITE_OK) {
            snprintf(err, err_len, "cannot prepare: %s",
                     sqlite3_errmsg(rdb->db));
            goto failed;
        }
    }

    rdb->log = ngx_http_privacy_audit_open(rdb->db);
    if (rdb->log == NULL) {
        snprintf(err, err_len, "cannot prepare: %s", sqlite3_errmsg(rdb->db));
        goto failed;
    }

    return rdb;

failed:

    ngx_http_privacy_rdb_close(rdb);
    return NULL;
}


void
ngx_http_privacy_rdb_close(ngx_http_privacy_rdb_t *rdb)
{
    int  i;

    if (rdb == NULL) {
        return;
    }

    for (i = 0; i < RDB_NSTMTS; i++) {
        sqlite3_finalize(rdb->st[i]);
    }

    ngx_http_privacy_audit_close(rdb->log);

    sqlite3_close(rdb->db);
    ngx_http_privacy_mac_destroy(rdb->audit);
    ngx_http_privacy_sealer_destroy(rdb->sealer);
    memset(rdb->field, 0, sizeof(rdb->field));
    memset(rdb->lookup, 0, sizeof(rdb->lookup));
    free(rdb);
}


ngx_http_privacy_sealer_t *
ngx_http_privacy_rdb_sealer(ngx_http_privacy_rdb_t *rdb)
{
    return ngx_http_privacy_sealer_create(rdb->field, rdb->lookup);
}


sqlite3 *
ngx_http_privacy_rdb_handle(ngx_http_privacy_rdb_t *rdb)
{
    return rdb->db;
}


int
ngx_http_privacy_rdb_begin(ngx_http_privacy_rdb_t *rdb)
{
    return sqlite3_exec(rdb->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}


int
ngx_http_privacy_rdb_commit(ngx_http_privacy_rdb_t *rdb)
{
    return sqlite3_exec(rdb->db, "COMMIT", NULL, NULL, NULL);
}


void
ngx_http_privacy_rdb_rollback(ngx_http_privacy_rdb_t *rdb)
{
    if (!sqlite3_get_autocommit(rdb->db)) {
        sqlite3_exec(rdb->db, "ROLLBACK", NULL, NULL, NULL);
    }
}


/*
 * Each new subject puts keys at random places in three indexes (its
 * random subject_id, the keyed hash of its e-mail address, the audit
 * log's subject_id): past ~20,000 subjects the default 2 MB cache no
 * longer holds them, and every insert read its pages back from the file.
 */

void
ngx_http_privacy_rdb_bulk(ngx_http_privacy_rdb_t *rdb, int on)
{
    (void) sqlite3_exec(rdb->db, on ? "PRAGMA cache_size=-65536"
                                    : "PRAGMA cache_size=-2000",
                        NULL, NULL, NULL);
}


int
ngx_http_privacy_rdb_scrub_wal(sqlite3 *db)
{
    int              rc, i;
    struct timespec  pause = { 0, 10 * 1000 * 1000 };

    for (i = 0; i < 100; i++) {
        rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                       NULL, NULL);
        if (rc != SQLITE_BUSY) {
            return rc;
        }

        (void) nanosleep(&pause, NULL);
    }

    return rc;
}


int
ngx_http_privacy_rdb_upsert(ngx_http_privacy_rdb_t *rdb,
    ngx_http_privacy_rj_subject_t *s, const ngx_http_privacy_sealed_t *sealed,
    int64_t now, const char *actor)
{
    int                         rc, created, pnr, email;
    char                        subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN
                                           + 1];
    u_char                      enc[NGX_HTTP_PRIVACY_SEALED_PNR_LEN];
    int64_t                     id;
    sqlite3_stmt               *st;
    ngx_http_privacy_sealed_t   own;

    rc = ngx_http_privacy_rdb_find(rdb, s->external_id.data,
                                   s->external_id.len, &id, subject_id);
    if (rc == NGX_HTTP_PRIVACY_RDB_ERROR) {
        return rc;
    }

    created = (rc == NGX_HTTP_PRIVACY_RDB_NOT_FOUND);

    /*
     * another subject's order id refuses the whole subject, so that an
     * import line needs no savepoint to be skipped: an existing subject's
     * before anything is written; a new subject's rows are deleted again
     * instead (ngx_http_privacy_rdb_unwrite()), which spares an imported
     * subject a look-up per order (docs/api.md)
     */
    if (!created) {
        rc = ngx_http_privacy_rdb_owned(rdb, id, s->orders, s->norders);
        if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
            return rc;
        }
    }

    /* hashed and encrypted by the caller (an import's decoder), or here */
    if (sealed == NULL) {
        if (ngx_http_privacy_seal(rdb->sealer, s, &own) != 0) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }

        sealed = &own;
    }

    pnr = sealed->pnr;
    email = sealed->email;

    if (created) {
        memcpy(subject_id, sealed->subject_id, sizeof(subject_id));

    } else if (pnr) {
        /* the ciphertext is bound to the row's own id */
        if (ngx_http_privacy_seal_pnr(rdb->sealer, subject_id, &s->pnr, enc)
            != 0)
        {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }
    }

    if (created) {
        st = rdb->st[RDB_INSERT];
        sqlite3_bind_text(st, 1, subject_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->external_id.data, s->external_id.len,
                          SQLITE_STATIC);
        ngx_http_privacy_rdb_bind_str(st, 3, &s->name);
        ngx_http_privacy_rdb_bind_str(st, 4, &s->address);
        ngx_http_privacy_rdb_bind_str(st, 5, &s->phone);
        ngx_http_privacy_rdb_bind_str(st, 6, &s->email);

        if (email) {
            sqlite3_bind_blob(st, 7, sealed->email_hash,
                              sizeof(sealed->email_hash), SQLITE_STATIC);
        }

        if (pnr) {
            sqlite3_bind_blob(st, 8, sealed->enc, sizeof(sealed->enc),
                              SQLITE_STATIC);
            sqlite3_bind_blob(st, 9, sealed->pnr_hash,
                              sizeof(sealed->pnr_hash), SQLITE_STATIC);
        }

        sqlite3_bind_int64(st, 10, now);
        sqlite3_bind_int64(st, 11, now);
        ngx_http_privacy_rdb_bind_time(st, 12, &s->last_activity);
        ngx_http_privacy_rdb_bind_time(st, 13, &s->relationship_ended);

        if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }

        id = sqlite3_last_insert_rowid(rdb->db);

    } else {
        st = rdb->st[RDB_UPDATE];
        sqlite3_bind_int(st, 1, s->name.state != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_str(st, 2, &s->name);
        sqlite3_bind_int(st, 3,
                         s->address.state != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_str(st, 4, &s->address);
        sqlite3_bind_int(st, 5,
                         s->phone.state != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_str(st, 6, &s->phone);
        sqlite3_bind_int(st, 7,
                         s->email.state != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_str(st, 8, &s->email);

        if (email) {
            sqlite3_bind_blob(st, 9, sealed->email_hash,
                              sizeof(sealed->email_hash), SQLITE_STATIC);
        }

        sqlite3_bind_int(st, 10, s->pnr_state != NGX_HTTP_PRIVACY_RJ_ABSENT);

        if (pnr) {
            sqlite3_bind_blob(st, 11, enc, sizeof(enc), SQLITE_STATIC);
            sqlite3_bind_blob(st, 12, sealed->pnr_hash,
                              sizeof(sealed->pnr_hash), SQLITE_STATIC);
        }

        sqlite3_bind_int(st, 13, s->last_activity.state
                                 != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_time(st, 14, &s->last_activity);
        sqlite3_bind_int(st, 15, s->relationship_ended.state
                                 != NGX_HTTP_PRIVACY_RJ_ABSENT);
        ngx_http_privacy_rdb_bind_time(st, 16, &s->relationship_ended);
        sqlite3_bind_int64(st, 17, now);
        sqlite3_bind_int64(st, 18, id);

        if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }
    }

    memset(enc, 0, sizeof(enc));

    rc = ngx_http_privacy_rdb_kinds(rdb, id, s->kinds, now);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    rc = ngx_http_privacy_rdb_orders(rdb, id, s->orders, s->norders);

    if (rc == NGX_HTTP_PRIVACY_RDB_CONFLICT && created) {
        return ngx_http_privacy_rdb_unwrite(rdb, id);
    }

    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    rc = ngx_http_privacy_rdb_audit(rdb, actor, created ? "subject.create"
                                                        : "subject.update",
                                    subject_id, now);
    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        return rc;
    }

    return created ? NGX_HTTP_PRIVACY_RDB_CREATED : NGX_HTTP_PRIVACY_RDB_OK;
}


int
ngx_http_privacy_rdb_audit(ngx_http_privacy_rdb_t *rdb, const char *actor,
    const char *action, const char *subject_id, int64_t now)
{
    return ngx_http_privacy_audit_append(rdb->log, rdb->audit, now, actor,
                                         action, subject_id)
           == SQLITE_OK ? NGX_HTTP_PRIVACY_RDB_OK
                        : NGX_HTTP_PRIVACY_RDB_ERROR;
}


int
ngx_http_privacy_rdb_audit_verify(ngx_http_privacy_rdb_t *rdb,
    int64_t *entries, int64_t *first_broken)
{
    int                              rc;
    ngx_http_privacy_audit_result_t  res;

    rc = ngx_http_privacy_audit_verify(rdb->db, rdb->audit, &res);
    if (rc != SQLITE_OK) {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    *entries = res.entries;
    *first_broken = res.first_broken;

    return NGX_HTTP_PRIVACY_RDB_OK;
}


int
ngx_http_privacy_rdb_audit_check(ngx_http_privacy_rdb_t *rdb, int64_t budget,
    int64_t now, ngx_http_privacy_audit_check_t *res)
{
    if (ngx_http_privacy_audit_check(rdb->db, rdb->audit, &rdb->audit_state,
                                     budget, now, res)
        != SQLITE_OK)
    {
        return NGX_HTTP_PRIVACY_RDB_ERROR;
    }

    return NGX_HTTP_PRIVACY_RDB_OK;
}


int
ngx_http_privacy_rdb_find(ngx_http_privacy_rdb_t *rdb,
    const char *external_id, size_t len, int64_t *id, char *subject_id)
{
    int            rc;
    sqlite3_stmt  *st;

    st = rdb->st[RDB_FIND];
    sqlite3_bind_text(st, 1, external_id, len, SQLITE_STATIC);

    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(subject_id, NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1, "%s",
                 (const char *) sqlite3_column_text(st, 1));
    }

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);

    if (rc == SQLITE_ROW) {
        return NGX_HTTP_PRIVACY_RDB_OK;
    }

    return rc == SQLITE_DONE ? NGX_HTTP_PRIVACY_RDB_NOT_FOUND
                             : NGX_HTTP_PRIVACY_RDB_ERROR;
}


/* steps a write statement once and makes it ready for the next use */

int
ngx_http_privacy_rdb_step(sqlite3_stmt *st)
{
    int  rc;

    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);

    return rc;
}


static void
ngx_http_privacy_rdb_bind_str(sqlite3_stmt *st, int i,
    ngx_http_privacy_rj_str_t *s)
{
    if (s->state == NGX_HTTP_PRIVACY_RJ_VALUE) {
        sqlite3_bind_text(st, i, s->data, s->len, SQLITE_STATIC);

    } else {
        sqlite3_bind_null(st, i);
    }
}


static void
ngx_http_privacy_rdb_bind_time(sqlite3_stmt *st, int i,
    ngx_http_privacy_rj_time_t *t)
{
    if (t->state == NGX_HTTP_PRIVACY_RJ_VALUE) {
        sqlite3_bind_int64(st, i, t->t);

    } else {
        sqlite3_bind_null(st, i);
    }
}


static int
ngx_http_privacy_rdb_kinds(ngx_http_privacy_rdb_t *rdb, int64_t id,
    unsigned kinds, int64_t now)
{
    unsigned       k;
    sqlite3_stmt  *st;

    st = rdb->st[RDB_KIND];

    for (k = 0; k < NGX_HTTP_PRIVACY_KIND_COUNT; k++) {
        if (!(kinds & (1u << k))) {
            continue;
        }

        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, ngx_http_privacy_rj_kind_name(k), -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);

        if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }
    }

    return NGX_HTTP_PRIVACY_RDB_OK;
}


int
ngx_http_privacy_rdb_orders(ngx_http_privacy_rdb_t *rdb, int64_t id,
    ngx_http_privacy_rj_order_t *o, size_t n)
{
    size_t         i;
    sqlite3_stmt  *st;

    st = rdb->st[RDB_ORDER];

    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, o[i].order_id.data, o[i].order_id.len,
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, o[i].placed);
        sqlite3_bind_text(st, 4, o[i].total, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, o[i].currency, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, o[i].items, -1, SQLITE_STATIC);

        if (ngx_http_privacy_rdb_step(st) != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }

        /* the WHERE of the upsert refused: the id is another subject's */
        if (sqlite3_changes(rdb->db) == 0) {
            return NGX_HTTP_PRIVACY_RDB_CONFLICT;
        }
    }

    return NGX_HTTP_PRIVACY_RDB_OK;
}


/* RDB_CONFLICT if an order id exists and is not subject id's */

static int
ngx_http_privacy_rdb_owned(ngx_http_privacy_rdb_t *rdb, int64_t id,
    ngx_http_privacy_rj_order_t *o, size_t n)
{
    int            rc;
    size_t         i;
    int64_t        owner;
    sqlite3_stmt  *st;

    st = rdb->st[RDB_ORDER_OWNER];

    for (i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, o[i].order_id.data, o[i].order_id.len,
                          SQLITE_STATIC);

        rc = sqlite3_step(st);
        owner = (rc == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : -1;

        sqlite3_reset(st);
        sqlite3_clear_bindings(st);

        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }

        if (rc == SQLITE_ROW && owner != id) {
            return NGX_HTTP_PRIVACY_RDB_CONFLICT;
        }
    }

    return NGX_HTTP_PRIVACY_RDB_OK;
}


/*
 * A new subject refused by another subject's order id: its orders written
 * so far and its row go again, its kinds with it (ON DELETE CASCADE), so
 * that nothing of it is left; RDB_CONFLICT, or RDB_ERROR
 */

static int
ngx_http_privacy_rdb_unwrite(ngx_http_privacy_rdb_t *rdb, int64_t id)
{
    int                 rc, i;
    sqlite3_stmt       *st;
    static const char  *sql[] = {
        "DELETE FROM orders WHERE subject = ?",
        "DELETE FROM subjects WHERE id = ?"
    };

    for (i = 0; i < 2; i++) {
        if (sqlite3_prepare_v2(rdb->db, sql[i], -1, &st, NULL) != SQLITE_OK) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }

        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);

        if (rc != SQLITE_DONE) {
            return NGX_HTTP_PRIVACY_RDB_ERROR;
        }
    }

    return NGX_HTTP_PRIVACY_RDB_CONFLICT;
}
