/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the register's schema (ngx_http_privacy_register_schema.c):
 * every look-up of the API, the rights portal, the sweeps and the DPO's
 * reports reads an index, not the whole table (docs/database.md), and a
 * register of an earlier version migrates with its rows.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "ngx_http_privacy_register_schema.h"
#include "unit_register.h"


/* a register as the API opens it: foreign keys on, every migration run */
static sqlite3 *
open_subjects(void)
{
    char      err[256];
    sqlite3  *db;

    db = open_register(":memory:");

    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL,
                                  NULL), SQLITE_OK);

    if (ngx_http_privacy_register_schema_migrate(db, err, sizeof(err))
        != SQLITE_OK)
    {
        fail_msg("migrate: %s", err);
    }

    return db;
}


/*
 * The plan of sql: it names the index, and scans no table (a "SCAN" of
 * an index in order, "SCAN s USING INDEX", is a walk the query means)
 */
static void
uses_index(sqlite3 *db, const char *sql, const char *index)
{
    int            found;
    char          *eqp;
    const char    *d;
    sqlite3_stmt  *st;

    eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    assert_non_null(eqp);

    if (sqlite3_prepare_v2(db, eqp, -1, &st, NULL) != SQLITE_OK) {
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    }

    found = 0;

    while (sqlite3_step(st) == SQLITE_ROW) {
        d = (const char *) sqlite3_column_text(st, 3);

        if (strncmp(d, "SCAN ", 5) == 0 && strstr(d, " INDEX ") == NULL) {
            fail_msg("%s: %s", sql, d);
        }

        if (strstr(d, index) != NULL) {
            found = 1;
        }
    }

    sqlite3_finalize(st);
    sqlite3_free(eqp);

    if (!found) {
        fail_msg("%s: does not use %s", sql, index);
    }
}


static void
check_plans(sqlite3 *db)
{
    /* the API: a subject by the backend's key, an order by its id */
    uses_index(db, "SELECT id, subject_id FROM subjects"
                   " WHERE external_id = ?", "sqlite_autoindex_subjects_2");
    uses_index(db, "SELECT coalesce(subject, 0) FROM orders"
                   " WHERE order_id = ?", "sqlite_autoindex_orders_1");
    uses_index(db, "SELECT order_id, placed, total, currency, items"
                   " FROM orders WHERE subject = ? ORDER BY placed,"
                   " order_id", "orders_subject");

    /* the rights portal: by subject_id, by e-mail, by personnummer */
    uses_index(db, "SELECT id FROM subjects WHERE subject_id = ?",
               "sqlite_autoindex_subjects_1");
    uses_index(db, "SELECT id, email FROM subjects"
                   " WHERE substr(email_hash, 1, 8) = substr(?1, 1, 8)"
                   " AND email_hash = ?1 ORDER BY id LIMIT 1",
               "subjects_email_key");
    uses_index(db, "SELECT id FROM subjects WHERE pnr_hash = ?",
               "subjects_pnr_hash");
    uses_index(db, "SELECT order_id, placed FROM orders WHERE subject = ?",
               "orders_subject");

    /* an erasure: what cascades or is unlinked, by index each */
    uses_index(db, "DELETE FROM subjects WHERE id = ?", "orders_subject");

    /* the sweeps (ngx_http_privacy_sweep_register.c) */
    uses_index(db, "SELECT k.subject FROM subjects s CROSS JOIN"
                   " subject_kinds k ON k.subject = s.id AND k.kind = ?3"
                   " WHERE s.relationship_ended < ?1 AND k.ended IS NULL",
               "subjects_relationship_ended");
    uses_index(db, "SELECT k.subject FROM subject_kinds k JOIN subjects s"
                   " ON s.id = k.subject WHERE k.kind = ?3"
                   " AND k.ended < ?1", "subject_kinds_kind");
    uses_index(db, "SELECT o.order_id FROM orders o WHERE o.placed < ?5"
                   " ORDER BY o.placed LIMIT ?4", "orders_placed");

    /* the DPO's retention report: a kind's oldest subject */
    uses_index(db, "SELECT coalesce(s.last_activity, s.created)"
                   " FROM subjects s WHERE EXISTS (SELECT 1"
                   " FROM subject_kinds k WHERE k.subject = s.id"
                   " AND k.kind = 'customer')"
                   " ORDER BY coalesce(s.last_activity, s.created) LIMIT 1",
               "subjects_reference");
    uses_index(db, "SELECT count(*), min(placed) FROM orders",
               "orders_placed");

    /* the audit log of a subject */
    uses_index(db, "SELECT id FROM audit_log WHERE subject_id = ?",
               "audit_log_subject");
}


static void
test_plans(void **state)
{
    sqlite3  *db;

    (void) state;

    db = open_subjects();
    check_plans(db);
    sqlite3_close(db);
}


/*
 * A register whose subjects had full indexes on last_activity,
 * relationship_ended and pnr_hash (version 5), opened by this module:
 * the first goes, the other two hold the subjects with a value only, and
 * the rows are as they were.
 */
static void
test_migrate_indexes(void **state)
{
    char      err[256];
    sqlite3  *db;

    (void) state;

    db = open_subjects();

    assert_int_equal(sqlite3_exec(db,
        "INSERT INTO subjects (id, subject_id, external_id, pnr_hash,"
        "  created, updated, last_activity, relationship_ended)"
        "  VALUES (1, 's1', 'a', x'01', 10, 10, 20, 30),"
        "  (2, 's2', 'b', NULL, 10, 10, NULL, NULL),"
        "  (3, 's3', 'c', x'03', 10, 10, NULL, 40);"
        "INSERT INTO orders (subject, order_id, placed, total, currency,"
        "  items) VALUES (1, 'o1', 5, '1.00', 'SEK', '[]');"
        "DROP INDEX subjects_relationship_ended;"
        "DROP INDEX subjects_pnr_hash;"
        "CREATE INDEX subjects_pnr_hash ON subjects (pnr_hash);"
        "CREATE INDEX subjects_last_activity ON subjects (last_activity);"
        "CREATE INDEX subjects_relationship_ended"
        "  ON subjects (relationship_ended);"
        "UPDATE register_schema SET version = 5;", NULL, NULL, NULL),
        SQLITE_OK);

    if (ngx_http_privacy_register_schema_migrate(db, err, sizeof(err))
        != SQLITE_OK)
    {
        fail_msg("migrate: %s", err);
    }

    assert_true(number(db, "SELECT version FROM register_schema") > 5);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name = 'subjects_last_activity'"),
                     0);
    assert_int_equal(number(db, "SELECT count(*) FROM sqlite_schema"
                                " WHERE name IN ('subjects_pnr_hash',"
                                " 'subjects_relationship_ended')"
                                " AND sql GLOB '* WHERE * IS NOT NULL'"),
                     2);

    /* the rows, and the partial indexes hold those with a value */
    assert_int_equal(number(db, "SELECT count(*) FROM subjects"), 3);
    assert_int_equal(number(db, "SELECT sum(last_activity) FROM subjects"),
                     20);
    assert_int_equal(number(db, "SELECT count(*) FROM orders"
                                " WHERE subject = 1"), 1);
    assert_int_equal(number(db, "SELECT id FROM subjects"
                                " INDEXED BY subjects_pnr_hash"
                                " WHERE pnr_hash = x'03'"), 3);
    assert_int_equal(number(db, "SELECT group_concat(id) FROM subjects"
                                " INDEXED BY subjects_relationship_ended"
                                " WHERE relationship_ended < 35"), 1);
    assert_int_equal(number(db, "SELECT count(*) FROM subjects"
                                " INDEXED BY subjects_relationship_ended"
                                " WHERE relationship_ended < 100"), 2);
    assert_int_equal(number(db, "SELECT id FROM subjects"
                                " ORDER BY coalesce(last_activity, created)"
                                " LIMIT 1"), 2);

    /* the same look-ups, by index, after the migration */
    check_plans(db);

    sqlite3_close(db);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_migrate_indexes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
