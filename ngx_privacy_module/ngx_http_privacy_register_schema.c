/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The subject register's migrations (docs/database.md).  Plain SQLite,
 * no nginx calls: the API's thread, the unit tests and the benchmarks
 * use it alike.
 *
 * Times are unix seconds (UTC).  Personal data sits in subjects only, so
 * that erasing a subject (GDPR art. 17) is one row plus what cascades;
 * every other table points at subjects.id and either cascades or keeps
 * its row with the link cut (orders kept for bookkeeping, requests,
 * records due in other systems).  The audit log never holds personal
 * data: only the random subject_id, which means nothing once the subject
 * row is gone.
 */


#include <stdio.h>

#include "ngx_http_privacy_schema.h"
#include "ngx_http_privacy_register_schema.h"


/* append, never edit: deployed registers hold earlier steps */
static const char  *ngx_http_privacy_register_migrations[] = {

    "CREATE TABLE subjects ("
    "  id INTEGER PRIMARY KEY,"
    "  subject_id TEXT NOT NULL UNIQUE,"    /* 32 random hex digits */
    "  external_id TEXT NOT NULL UNIQUE,"   /* the backend's key */
    "  name TEXT, address TEXT, phone TEXT, email TEXT,"
    "  email_hash BLOB,"                    /* HMAC of the lowercase address */
    "  pnr BLOB,"                           /* AES-256-GCM, never plain */
    "  pnr_hash BLOB,"                      /* HMAC of the 12 digits */
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  last_activity INTEGER,"              /* purchase or dialogue */
    "  relationship_ended INTEGER,"
    "  restricted INTEGER NOT NULL DEFAULT 0,"  /* art. 18 */
    "  objections INTEGER NOT NULL DEFAULT 0"   /* art. 21: bits, see docs */
    ");"
    "CREATE INDEX subjects_email_hash ON subjects (email_hash);"
    "CREATE INDEX subjects_pnr_hash ON subjects (pnr_hash);"
    "CREATE INDEX subjects_last_activity ON subjects (last_activity);"
    "CREATE INDEX subjects_relationship_ended"
    "  ON subjects (relationship_ended);"

    /* one person may be a customer, a club member and a subscriber */
    "CREATE TABLE subject_kinds ("
    "  subject INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN"
    "    ('customer', 'supplier', 'club', 'newsletter')),"
    "  since INTEGER NOT NULL,"
    "  ended INTEGER,"                      /* e.g. unsubscribed */
    "  PRIMARY KEY (subject, kind)"
    ") WITHOUT ROWID;"
    "CREATE INDEX subject_kinds_kind ON subject_kinds (kind, ended);"

    /*
     * the bookkeeping record: kept past an erasure with subject NULL and
     * minimised set, until the end of its fiscal year plus the period
     */
    "CREATE TABLE orders ("
    "  id INTEGER PRIMARY KEY,"
    "  subject INTEGER REFERENCES subjects (id) ON DELETE SET NULL,"
    "  order_id TEXT NOT NULL UNIQUE,"
    "  placed INTEGER NOT NULL,"
    "  total TEXT NOT NULL,"                /* decimal, as sent */
    "  currency TEXT NOT NULL,"
    "  items TEXT NOT NULL,"                /* JSON array */
    "  minimised INTEGER,"                  /* when stripped */
    "  hold_until INTEGER"                  /* kept for bookkeeping until */
    ");"
    "CREATE INDEX orders_subject ON orders (subject);"
    "CREATE INDEX orders_placed ON orders (placed);"

    /* chat transcripts, CCTV, ...: held elsewhere, erased by their owner */
    "CREATE TABLE records ("
    "  id INTEGER PRIMARY KEY,"
    "  subject INTEGER REFERENCES subjects (id) ON DELETE SET NULL,"
    "  category TEXT NOT NULL,"
    "  reference TEXT NOT NULL,"
    "  reference_date INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  erase_asked INTEGER,"                /* last privacy_erase_command */
    "  erased INTEGER,"                     /* confirmed by its owner */
    "  UNIQUE (category, reference)"
    ");"
    "CREATE INDEX records_due ON records (category, erased, reference_date);"
    "CREATE INDEX records_subject ON records (subject);"

    /* rights requests as cases (art. 12(3): a month, extendable by two) */
    "CREATE TABLE requests ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id TEXT NOT NULL UNIQUE,"    /* random */
    "  subject INTEGER REFERENCES subjects (id) ON DELETE SET NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('access', 'portability',"
    "    'rectification', 'erasure', 'restriction', 'objection')),"
    "  status TEXT NOT NULL CHECK (status IN"
    "    ('verifying', 'open', 'extended', 'closed')),"
    "  received INTEGER NOT NULL,"
    "  due INTEGER NOT NULL,"
    "  extension_reason TEXT,"
    "  closed INTEGER,"
    "  outcome TEXT"
    ");"
    "CREATE INDEX requests_status_due ON requests (status, due);"
    "CREATE INDEX requests_subject ON requests (subject);"
    "CREATE INDEX requests_closed ON requests (closed);"

    /* personal-data breaches (art. 33) and whom they touched (art. 34) */
    "CREATE TABLE incidents ("
    "  id INTEGER PRIMARY KEY,"
    "  incident_id TEXT NOT NULL UNIQUE,"
    "  what TEXT NOT NULL,"
    "  occurred INTEGER,"
    "  discovered INTEGER NOT NULL,"        /* the 72 hours start here */
    "  reported INTEGER,"                   /* to IMY */
    "  categories TEXT NOT NULL,"
    "  consequences TEXT NOT NULL,"
    "  measures TEXT NOT NULL,"
    "  closed INTEGER"
    ");"
    "CREATE INDEX incidents_discovered ON incidents (closed, discovered);"
    "CREATE TABLE incident_subjects ("
    "  incident INTEGER NOT NULL REFERENCES incidents (id)"
    "    ON DELETE CASCADE,"
    "  subject INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,"
    "  notice INTEGER REFERENCES outbox (id) ON DELETE SET NULL,"
    "  PRIMARY KEY (incident, subject)"
    ") WITHOUT ROWID;"
    "CREATE INDEX incident_subjects_subject ON incident_subjects (subject);"

    /* every mail is written here first, then sent and retried */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  subject INTEGER REFERENCES subjects (id) ON DELETE CASCADE,"
    "  purpose TEXT NOT NULL,"              /* code, incident_notice, ... */
    "  recipient TEXT NOT NULL,"
    "  message BLOB NOT NULL,"              /* RFC 5322 */
    "  created INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt INTEGER NOT NULL,"
    "  sent INTEGER,"
    "  last_error TEXT"
    ");"
    "CREATE INDEX outbox_pending ON outbox (sent, next_attempt);"
    "CREATE INDEX outbox_subject ON outbox (subject);"

    /* legal holds: nothing held is deleted before until */
    "CREATE TABLE holds ("
    "  id INTEGER PRIMARY KEY,"
    "  subject INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,"
    "  reason TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  until INTEGER NOT NULL,"
    "  released INTEGER"
    ");"
    "CREATE INDEX holds_subject ON holds (subject, until);"

    /*
     * append-only: each mac is HMAC(key, previous mac, this row), so an
     * edited, inserted or removed row breaks the chain from there on;
     * audit_anchor holds the mac before the oldest row kept, when old
     * rows are swept
     */
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  actor TEXT NOT NULL CHECK (actor IN"
    "    ('api', 'portal', 'sweep', 'dpo')),"
    "  action TEXT NOT NULL,"
    "  subject_id TEXT,"                    /* random, never a name */
    "  mac BLOB NOT NULL"
    ");"
    "CREATE INDEX audit_log_subject ON audit_log (subject_id);"
    "CREATE INDEX audit_log_ts ON audit_log (ts);"
    "CREATE TABLE audit_anchor ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  last_id INTEGER NOT NULL,"           /* the newest row swept */
    "  mac BLOB NOT NULL"                   /* its mac */
    ");"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /* a breach: the persons affected, in words (art. 33(3)(a)) */
    "ALTER TABLE incidents ADD COLUMN subjects TEXT;",

    /*
     * a subject's reference date, in order: the DPO's retention report
     * finds the oldest subject of a kind in a few index steps, not a
     * join over every subject (docs/performance.md)
     */
    "CREATE INDEX subjects_reference"
    "  ON subjects (coalesce(last_activity, created));",

    /*
     * the same two tables with their CHECKs as comparisons: SQLite
     * 3.40 evaluates "x IN (4 values)" through a temporary b-tree built
     * afresh for every row written (a zeroed page, a transaction), a
     * quarter of an imported subject's instructions (docs/performance.md);
     * the rows, their ids and the audit chain's macs are copied as they
     * are
     */
    "CREATE TABLE subject_kinds_new ("
    "  subject INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind = 'customer' OR kind = 'supplier'"
    "    OR kind = 'club' OR kind = 'newsletter'),"
    "  since INTEGER NOT NULL,"
    "  ended INTEGER,"
    "  PRIMARY KEY (subject, kind)"
    ") WITHOUT ROWID;"
    "INSERT INTO subject_kinds_new (subject, kind, since, ended)"
    "  SELECT subject, kind, since, ended FROM subject_kinds;"
    "DROP TABLE subject_kinds;"
    "ALTER TABLE subject_kinds_new RENAME TO subject_kinds;"
    "CREATE INDEX subject_kinds_kind ON subject_kinds (kind, ended);"

    "CREATE TABLE audit_log_new ("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  actor TEXT NOT NULL CHECK (actor = 'api' OR actor = 'portal'"
    "    OR actor = 'sweep' OR actor = 'dpo'),"
    "  action TEXT NOT NULL,"
    "  subject_id TEXT,"
    "  mac BLOB NOT NULL"
    ");"
    "INSERT INTO audit_log_new (id, ts, actor, action, subject_id, mac)"
    "  SELECT id, ts, actor, action, subject_id, mac FROM audit_log;"
    "DROP TABLE audit_log;"
    "ALTER TABLE audit_log_new RENAME TO audit_log;"
    "CREATE INDEX audit_log_subject ON audit_log (subject_id);"
    "CREATE INDEX audit_log_ts ON audit_log (ts);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /*
     * the e-mail address's lookup hash, random by design, indexed by its
     * first 8 bytes: a quarter of the key, so its index has a third of
     * the pages for each commit to write (docs/performance.md); a
     * look-up compares the whole hash as well
     */
    "DROP INDEX subjects_email_hash;"
    "CREATE INDEX subjects_email_key ON subjects (substr(email_hash, 1, 8));",

    /*
     * Indexes a subject is written into only where a look-up needs it
     * (docs/database.md), each one a b-tree insert per subject imported
     * (docs/performance.md): last_activity is read through
     * subjects_reference alone; the end of a relationship and the
     * personnummer are found by a comparison, which a NULL never
     * satisfies, and most subjects hold neither
     */
    "DROP INDEX IF EXISTS subjects_last_activity;"
    "DROP INDEX IF EXISTS subjects_relationship_ended;"
    "CREATE INDEX subjects_relationship_ended ON subjects (relationship_ended)"
    "  WHERE relationship_ended IS NOT NULL;"
    "DROP INDEX IF EXISTS subjects_pnr_hash;"
    "CREATE INDEX subjects_pnr_hash ON subjects (pnr_hash)"
    "  WHERE pnr_hash IS NOT NULL;",
};


int
ngx_http_privacy_register_schema_migrate(sqlite3 *db, char *err,
    size_t err_len)
{
    int            rc, version;
    size_t         i, n;
    sqlite3_stmt  *st;

    rc = ngx_http_privacy_schema_migrate(db, err, err_len);
    if (rc != SQLITE_OK) {
        return rc;
    }

    n = sizeof(ngx_http_privacy_register_migrations) / sizeof(char *);
    st = NULL;

    rc = sqlite3_exec(db, "BEGIN IMMEDIATE;"
                          "CREATE TABLE IF NOT EXISTS register_schema ("
                          "  id INTEGER PRIMARY KEY CHECK (id = 1),"
                          "  version INTEGER NOT NULL);"
                          "INSERT OR IGNORE INTO register_schema"
                          "  VALUES (1, 0);", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = sqlite3_prepare_v2(db, "SELECT version FROM register_schema", -1,
                            &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    version = (sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int(st, 0)
                                                : 0;
    sqlite3_finalize(st);
    st = NULL;

    if (version < 0 || (size_t) version > n) {
        snprintf(err, err_len, "register schema version %d is newer than "
                 "this module (%zu)", version, n);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return SQLITE_ERROR;
    }

    for (i = version; i < n; i++) {
        rc = sqlite3_exec(db, ngx_http_privacy_register_migrations[i], NULL,
                          NULL, NULL);
        if (rc != SQLITE_OK) {
            goto failed;
        }
    }

    rc = sqlite3_prepare_v2(db, "UPDATE register_schema SET version = ?",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int(st, 1, (int) n);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "cannot migrate the register schema: %s",
             sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}
