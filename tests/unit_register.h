/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Helpers of the unit tests that run SQL against the module's register
 * schema (test_rollup.c, test_sweep.c, test_register_db.c); include after
 * <cmocka.h>. The helpers are inline so that a test using one of them
 * does not warn of the other.
 */

#ifndef _UNIT_REGISTER_H_INCLUDED_
#define _UNIT_REGISTER_H_INCLUDED_


#include <sqlite3.h>

#include "ngx_http_privacy_schema.h"


/* a register with the module's schema: a file, or ":memory:" */
static inline sqlite3 *
open_register(const char *file)
{
    char      err[256];
    sqlite3  *db;

    assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
    assert_int_equal(ngx_http_privacy_schema_migrate(db, err, sizeof(err)),
                     SQLITE_OK);

    return db;
}


/* one integer a query gives, or -1 if it gives no row */
static inline long long
number(sqlite3 *db, const char *sql)
{
    long long      n;
    sqlite3_stmt  *st;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);

    n = (sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : -1;

    sqlite3_finalize(st);

    return n;
}


#endif /* _UNIT_REGISTER_H_INCLUDED_ */
