/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie names the site has met (cookies_seen, docs/database.md),
 * read for the visitors' cookie page (ngx_http_privacy_seen_sql.c).
 * Pure C over SQLite, run in a pool thread: libc and SQLite only.
 */

#ifndef _NGX_HTTP_PRIVACY_SEEN_SQL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SEEN_SQL_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* the most names read, and the longest kept (longer ones are left out) */
#define NGX_HTTP_PRIVACY_SEEN_MAX       200
#define NGX_HTTP_PRIVACY_SEEN_NAME_MAX  64


/*
 * Opens the database at path (NUL-terminated) read-only and reads up to
 * NGX_HTTP_PRIVACY_SEEN_MAX names, by name: *names (malloc()ed, the
 * caller frees it) holds them one after another, each ended by a NUL.
 * Returns 0, or -1 (nothing allocated) when the database cannot be read.
 */
int ngx_http_privacy_seen_read(const char *path, u_char **names, size_t *n);


#endif /* _NGX_HTTP_PRIVACY_SEEN_SQL_H_INCLUDED_ */
