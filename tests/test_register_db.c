/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the register's operations over a real database file:
 * the personnummer encrypted at rest, the audit chain and its check,
 * erasure that leaves no bytes in the file or its -wal.
 */


#define _GNU_SOURCE  /* memmem */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ngx_http_privacy_register_db.h"
#include "unit_register.h"


typedef struct {
    char                              dir[64];
    char                              path[96];
    ngx_http_privacy_register_keys_t  keys;
    ngx_http_privacy_rdb_t           *rdb;
} fixture_t;


static const ngx_http_privacy_rj_today_t  today = { 2026, 12, 3 };


static int
setup(void **state)
{
    u_char      secret[48];
    char        err[256];
    fixture_t  *f;

    f = calloc(1, sizeof(fixture_t));
    assert_non_null(f);

    snprintf(f->dir, sizeof(f->dir), "/tmp/test_register_db.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/privacy.db", f->dir);

    memset(secret, 7, sizeof(secret));
    assert_int_equal(ngx_http_privacy_register_keys(secret, sizeof(secret),
                                                    &f->keys), 0);

    f->rdb = ngx_http_privacy_rdb_open(f->path, &f->keys, err, sizeof(err));
    if (f->rdb == NULL) {
        fail_msg("open: %s", err);
    }

    *state = f;

    return 0;
}


static int
teardown(void **state)
{
    char        name[128];
    fixture_t  *f = *state;

    ngx_http_privacy_rdb_close(f->rdb);

    snprintf(name, sizeof(name), "%s-wal", f->path);
    unlink(name);
    snprintf(name, sizeof(name), "%s-shm", f->path);
    unlink(name);
    unlink(f->path);
    rmdir(f->dir);
    free(f);

    return 0;
}


static void
upsert(fixture_t *f, const char *json, int want)
{
    ngx_http_privacy_rj_subject_t  s;

    if (ngx_http_privacy_rj_subject((const u_char *) json, strlen(json), 1,
                                    &today, &s) != 0)
    {
        fail_msg("decode: %s", s.error);
    }

    assert_int_equal(ngx_http_privacy_rdb_begin(f->rdb), 0);
    assert_int_equal(ngx_http_privacy_rdb_upsert(f->rdb, &s, NULL,
                                                 1700000000, "api"), want);
    assert_int_equal(ngx_http_privacy_rdb_commit(f->rdb), 0);

    ngx_http_privacy_rj_subject_free(&s);
}


/* whether needle is anywhere in the bytes of the file and its -wal */
static int
on_disk(fixture_t *f, const char *needle)
{
    int      found, i;
    char     name[128], *buf;
    long     len;
    FILE    *fp;

    found = 0;

    for (i = 0; i < 2; i++) {
        snprintf(name, sizeof(name), "%s%s", f->path, i ? "-wal" : "");

        fp = fopen(name, "rb");
        if (fp == NULL) {
            continue;
        }

        fseek(fp, 0, SEEK_END);
        len = ftell(fp);
        fseek(fp, 0, SEEK_SET);

        buf = malloc(len + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, len, fp), (size_t) len);
        fclose(fp);

        found |= (memmem(buf, len, needle, strlen(needle)) != NULL);
        free(buf);
    }

    return found;
}


static void
test_encrypted_at_rest(void **state)
{
    json_t     *o;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"c1\", \"name\": \"Greta Garbo\", "
              "\"personnummer\": \"19811218-9876\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);

    assert_int_equal(on_disk(f, "Greta Garbo"), 1);
    assert_int_equal(on_disk(f, "198112189876"), 0);
    assert_int_equal(on_disk(f, "8112189876"), 0);

    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "c1", 2, &o),
                     NGX_HTTP_PRIVACY_RDB_OK);
    assert_string_equal(json_string_value(json_object_get(o,
                                                          "personnummer")),
                        "19811218-9876");
    json_decref(o);

    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "c2", 2, &o),
                     NGX_HTTP_PRIVACY_RDB_NOT_FOUND);
}


static void
test_ciphertext_bound_to_row(void **state)
{
    json_t     *o;
    sqlite3    *db;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"a\", \"personnummer\": \"811218-9876\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"b\", \"name\": \"B\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);

    /* a's ciphertext copied into b's row does not decrypt there */
    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_int_equal(sqlite3_exec(db, "UPDATE subjects SET pnr = (SELECT pnr"
                                      " FROM subjects WHERE external_id ="
                                      " 'a') WHERE external_id = 'b'",
                                  NULL, NULL, NULL), SQLITE_OK);

    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "b", 1, &o),
                     NGX_HTTP_PRIVACY_RDB_OK);
    assert_true(json_is_null(json_object_get(o, "personnummer")));
    json_decref(o);
}


static void
test_upsert_and_orders(void **state)
{
    json_t     *o;
    sqlite3    *db;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"a\", \"kind\": \"customer\", \"orders\": "
              "[{\"order_id\": \"o1\", \"date\": \"2020-01-01\", "
              "\"total\": 5, \"currency\": \"SEK\"}]}",
           NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"a\", \"kind\": \"club\", \"orders\": "
              "[{\"order_id\": \"o1\", \"date\": \"2020-01-01\", "
              "\"total\": 6, \"currency\": \"SEK\"}]}",
           NGX_HTTP_PRIVACY_RDB_OK);
    upsert(f, "{\"external_id\": \"b\", \"kind\": \"club\", \"orders\": "
              "[{\"order_id\": \"o2\", \"date\": \"2020-01-01\", "
              "\"total\": 7, \"currency\": \"SEK\"}, "
              "{\"order_id\": \"o1\", \"date\": \"2020-01-01\", "
              "\"total\": 7, \"currency\": \"SEK\"}]}",
           NGX_HTTP_PRIVACY_RDB_CONFLICT);

    /* nothing of the new subject "b" is left: its row, kind, first order */
    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "b", 1, &o),
                     NGX_HTTP_PRIVACY_RDB_NOT_FOUND);
    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_int_equal(number(db, "SELECT count(*) FROM subjects"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM subject_kinds"), 2);
    assert_int_equal(number(db, "SELECT count(*) FROM orders"), 1);

    /* an existing subject's conflict is found before anything is written */
    upsert(f, "{\"external_id\": \"c\"}", NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"c\", \"name\": \"C\", \"orders\": "
              "[{\"order_id\": \"o1\", \"date\": \"2020-01-01\", "
              "\"total\": 7, \"currency\": \"SEK\"}]}",
           NGX_HTTP_PRIVACY_RDB_CONFLICT);
    assert_int_equal(number(db, "SELECT count(*) FROM subjects"
                                " WHERE name IS NOT NULL"), 0);

    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "a", 1, &o),
                     NGX_HTTP_PRIVACY_RDB_OK);
    assert_int_equal(json_array_size(json_object_get(o, "kinds")), 2);
    assert_string_equal(json_string_value(json_object_get(
        json_array_get(json_object_get(o, "orders"), 0), "total")), "6");
    json_decref(o);
}


static void
test_audit_chain(void **state)
{
    int64_t     entries, broken;
    sqlite3    *db;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"a\"}", NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"b\"}", NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"a\"}", NGX_HTTP_PRIVACY_RDB_OK);

    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(entries, 3);
    assert_int_equal(broken, 0);

    db = ngx_http_privacy_rdb_handle(f->rdb);

    /* append-only: the trigger refuses an UPDATE */
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET ts = 0",
                                      NULL, NULL, NULL), SQLITE_OK);

    /* a removed row is a gap: the next one is named */
    assert_int_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE id = 2",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(broken, 3);
}


static void
test_audit_edit(void **state)
{
    int64_t     entries, broken;
    sqlite3    *db;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"a\"}", NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"b\"}", NGX_HTTP_PRIVACY_RDB_CREATED);

    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET actor = 'dpo'"
                                      " WHERE id = 2", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(broken, 2);
}


/* appends n entries to the chain through upserts of new subjects */
static void
append(fixture_t *f, int from, int n)
{
    int   i;
    char  json[64];

    for (i = from; i < from + n; i++) {
        snprintf(json, sizeof(json), "{\"external_id\": \"s%d\"}", i);
        upsert(f, json, NGX_HTTP_PRIVACY_RDB_CREATED);
    }
}


static void
check(fixture_t *f, int64_t budget, int64_t now, int64_t checked,
    int64_t through, int64_t broken, int64_t full_at)
{
    ngx_http_privacy_audit_check_t  res;

    assert_int_equal(ngx_http_privacy_rdb_audit_check(f->rdb, budget, now,
                                                      &res),
                     NGX_HTTP_PRIVACY_RDB_OK);
    assert_int_equal(res.checked, checked);
    assert_int_equal(res.through, through);
    assert_int_equal(res.first_broken, broken);
    assert_int_equal(res.full_at, full_at);
}


/* the DPO's check, a few rows at a time (docs/dpo-guide.md, audit) */
static void
test_audit_check(void **state)
{
    sqlite3    *db;
    fixture_t  *f = *state;

    append(f, 1, 10);

    /* the first pass, in order, 4 rows a call */
    check(f, 4, 100, 4, 4, 0, 0);
    check(f, 4, 101, 4, 8, 0, 0);
    check(f, 4, 102, 2, 10, 0, 102);

    /* then rounds through the older rows, 4 a call */
    check(f, 4, 103, 4, 10, 0, 102);
    check(f, 4, 104, 4, 10, 0, 102);
    check(f, 4, 105, 2, 10, 0, 105);

    /* new rows first, the round goes on with what is left */
    append(f, 11, 3);
    check(f, 4, 106, 4, 13, 0, 105);
    check(f, 20, 107, 12, 13, 0, 107);

    /* an edited row is found by the round, and again until mended */
    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET actor = 'dpo'"
                                      " WHERE id = 6", NULL, NULL, NULL),
                     SQLITE_OK);
    check(f, 4, 108, 4, 13, 0, 107);
    check(f, 4, 109, 1, 13, 6, 107);
    check(f, 4, 110, 1, 13, 6, 107);

    /* removed newest rows: the last one checked is missing */
    assert_int_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE id > 11",
                                  NULL, NULL, NULL), SQLITE_OK);
    check(f, 4, 111, 0, 12, 13, 107);
}


static void
test_erase(void **state)
{
    char        sid[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    json_t     *o;
    int64_t     entries, broken;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"gone\", \"name\": \"Selma Lagerlof\", "
              "\"email\": \"selma@example.se\", \"personnummer\": "
              "\"19811218-9876\", \"orders\": [{\"order_id\": \"k1\", "
              "\"date\": \"2024-03-01\", \"total\": 9, "
              "\"currency\": \"SEK\"}]}", NGX_HTTP_PRIVACY_RDB_CREATED);

    assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, "gone", 4, &o), 0);
    snprintf(sid, sizeof(sid), "%s",
             json_string_value(json_object_get(o, "subject_id")));
    json_decref(o);

    assert_int_equal(on_disk(f, "Selma Lagerlof"), 1);

    assert_int_equal(ngx_http_privacy_rdb_erase(f->rdb, sid, "portal",
                                                1700000001),
                     NGX_HTTP_PRIVACY_RDB_OK);

    assert_int_equal(on_disk(f, "Selma Lagerlof"), 0);
    assert_int_equal(on_disk(f, "selma@example.se"), 0);

    /* the bookkeeping order stays, unlinked */
    assert_int_equal(sqlite3_exec(ngx_http_privacy_rdb_handle(f->rdb),
                                  "SELECT 1 FROM orders WHERE order_id = 'k1'"
                                  " AND subject IS NULL", NULL, NULL, NULL),
                     SQLITE_OK);

    assert_int_equal(ngx_http_privacy_rdb_erase(f->rdb, sid, "portal",
                                                1700000002),
                     NGX_HTTP_PRIVACY_RDB_NOT_FOUND);

    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(entries, 2);
    assert_int_equal(broken, 0);
}


/*
 * Subject ids begin with the time of their creation in milliseconds, so
 * that each sorts after the ones before (docs/database.md); the rest is
 * random.
 */
static void
test_subject_id_order(void **state)
{
    int              i;
    char             ext[32], json[96], hex[13];
    char             prev[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    json_t          *o;
    const char      *sid;
    uint64_t         ms;
    fixture_t       *f = *state;
    struct timespec  t0, t1;

    prev[0] = '\0';

    /*
     * The ids' clock, not time(): glibc answers that from the coarse
     * clock, which can still say the last second when an id says the next.
     */
    clock_gettime(CLOCK_REALTIME, &t0);

    for (i = 0; i < 50; i++) {
        snprintf(ext, sizeof(ext), "order-%d", i);
        snprintf(json, sizeof(json), "{\"external_id\": \"%s\"}", ext);
        upsert(f, json, NGX_HTTP_PRIVACY_RDB_CREATED);

        assert_int_equal(ngx_http_privacy_rdb_get(f->rdb, ext, strlen(ext),
                                                  &o), 0);
        sid = json_string_value(json_object_get(o, "subject_id"));
        assert_non_null(sid);
        assert_int_equal(strlen(sid), NGX_HTTP_PRIVACY_SUBJECT_ID_LEN);

        /* the time prefix never goes back; equal within a millisecond */
        assert_true(strncmp(prev, sid, 12) <= 0);
        assert_string_not_equal(prev, sid);
        snprintf(prev, sizeof(prev), "%s", sid);
        json_decref(o);
    }

    clock_gettime(CLOCK_REALTIME, &t1);

    memcpy(hex, prev, 12);
    hex[12] = '\0';
    ms = strtoull(hex, NULL, 16);
    assert_true(ms / 1000 >= (uint64_t) t0.tv_sec);
    assert_true(ms / 1000 <= (uint64_t) t1.tv_sec);
}


/*
 * A register of version 3, whose CHECKs on subject_kinds and audit_log
 * were "IN" lists, whose e-mail index held the whole hash and whose
 * subjects had the full indexes of version 1 (docs/database.md), opened
 * by this module: the tables are rebuilt with
 * their rows, ids and macs, the chain still verifies, an edit is still
 * found, the CHECKs still refuse, and the address's index is its prefix.
 */
static void
test_migrate_checks(void **state)
{
    char        err[256];
    int64_t     entries, broken;
    sqlite3    *db;
    fixture_t  *f = *state;

    upsert(f, "{\"external_id\": \"a\", \"kind\": [\"customer\", "
              "\"newsletter\"], \"email\": \"A@example.se\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"b\", \"kind\": \"club\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);
    upsert(f, "{\"external_id\": \"a\", \"name\": \"A\"}",
           NGX_HTTP_PRIVACY_RDB_OK);

    /* the tables as version 3 left them, with the same rows */
    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_int_equal(sqlite3_exec(db,
        "BEGIN;"
        "CREATE TABLE k4 ("
        "  subject INTEGER NOT NULL REFERENCES subjects (id)"
        "    ON DELETE CASCADE,"
        "  kind TEXT NOT NULL CHECK (kind IN"
        "    ('customer', 'supplier', 'club', 'newsletter')),"
        "  since INTEGER NOT NULL, ended INTEGER,"
        "  PRIMARY KEY (subject, kind)) WITHOUT ROWID;"
        "INSERT INTO k4 SELECT * FROM subject_kinds;"
        "DROP TABLE subject_kinds;"
        "ALTER TABLE k4 RENAME TO subject_kinds;"
        "CREATE INDEX subject_kinds_kind ON subject_kinds (kind, ended);"
        "CREATE TABLE a4 (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
        "  actor TEXT NOT NULL CHECK (actor IN"
        "    ('api', 'portal', 'sweep', 'dpo')),"
        "  action TEXT NOT NULL, subject_id TEXT, mac BLOB NOT NULL);"
        "INSERT INTO a4 SELECT * FROM audit_log;"
        "DROP TABLE audit_log;"
        "ALTER TABLE a4 RENAME TO audit_log;"
        "CREATE INDEX audit_log_subject ON audit_log (subject_id);"
        "CREATE INDEX audit_log_ts ON audit_log (ts);"
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
        "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        "DROP INDEX subjects_email_key;"
        "CREATE INDEX subjects_email_hash ON subjects (email_hash);"
        "DROP INDEX subjects_pnr_hash;"
        "DROP INDEX subjects_relationship_ended;"
        "CREATE INDEX subjects_pnr_hash ON subjects (pnr_hash);"
        "CREATE INDEX subjects_last_activity ON subjects (last_activity);"
        "CREATE INDEX subjects_relationship_ended"
        "  ON subjects (relationship_ended);"
        "UPDATE register_schema SET version = 3;"
        "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name IN ('subject_kinds',"
                                " 'audit_log') AND sql GLOB '* IN *'"), 2);

    ngx_http_privacy_rdb_close(f->rdb);
    f->rdb = ngx_http_privacy_rdb_open(f->path, &f->keys, err, sizeof(err));
    if (f->rdb == NULL) {
        fail_msg("open: %s", err);
    }

    db = ngx_http_privacy_rdb_handle(f->rdb);
    assert_true(number(db, "SELECT version FROM register_schema") > 3);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name IN ('subject_kinds',"
                                " 'audit_log') AND sql GLOB '* IN *'"), 0);
    assert_int_equal(number(db, "SELECT count(*) FROM subject_kinds"), 3);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name = 'subjects_email_hash'"), 0);
    assert_int_equal(number(db, "SELECT count(*) FROM subjects"
                                " INDEXED BY subjects_email_key"
                                " WHERE substr(email_hash, 1, 8) = substr("
                                "(SELECT email_hash FROM subjects"
                                " WHERE external_id = 'a'), 1, 8)"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name IN ('subject_kinds_kind',"
                                " 'audit_log_subject', 'audit_log_ts',"
                                " 'audit_log_no_update')"), 4);

    /* the chain as it was, and one more entry after it */
    upsert(f, "{\"external_id\": \"c\", \"kind\": \"supplier\"}",
           NGX_HTTP_PRIVACY_RDB_CREATED);
    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(entries, 4);
    assert_int_equal(broken, 0);

    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO subject_kinds"
                                          " VALUES (1, 'friend', 0, NULL)",
                                      NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO audit_log (ts, actor,"
                                          " action, mac) VALUES (0, 'nobody',"
                                          " 'x', x'00')",
                                      NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET ts = 0",
                                      NULL, NULL, NULL), SQLITE_OK);

    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET action = 'x'"
                                      " WHERE id = 2", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(ngx_http_privacy_rdb_audit_verify(f->rdb, &entries,
                                                       &broken), 0);
    assert_int_equal(broken, 2);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_encrypted_at_rest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ciphertext_bound_to_row, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upsert_and_orders, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subject_id_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migrate_checks, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
