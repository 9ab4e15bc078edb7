/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The subject register's schema (docs/database.md): subjects, orders,
 * records held elsewhere, rights requests, incidents, the mail outbox,
 * legal holds and the audit log.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_SCHEMA_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_SCHEMA_H_INCLUDED_


#include <stddef.h>
#include <sqlite3.h>


/*
 * Applies the base schema (ngx_http_privacy_schema_migrate) and then the
 * register's own steps, each once, in one IMMEDIATE transaction per
 * part.  The register counts its steps in register_schema.version, not
 * in PRAGMA user_version, so that the base schema can grow on its own.
 * SQLITE_OK, or an error code with err set.
 */
int ngx_http_privacy_register_schema_migrate(sqlite3 *db, char *err,
    size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_SCHEMA_H_INCLUDED_ */
