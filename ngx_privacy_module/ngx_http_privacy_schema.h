/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register's schema and its migrations.
 */

#ifndef _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_


#include <stddef.h>
#include <sqlite3.h>


/*
 * Brings the register's schema up to date in one IMMEDIATE transaction
 * (two workers starting together migrate one after the other).  SQLITE_OK,
 * or an error code with err set; refuses a schema newer than this module.
 */
int ngx_http_privacy_schema_migrate(sqlite3 *db, char *err, size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_SCHEMA_H_INCLUDED_ */
