/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie names the site has met, for the visitors' cookie page (see
 * the header).  A connection of its own per read: a read every few
 * seconds at most, when the page is asked for, costs less than keeping
 * one open in every worker.
 */


#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "ngx_http_privacy_seen_sql.h"


int
ngx_http_privacy_seen_read(const char *path, u_char **names, size_t *n)
{
    int            rc;
    size_t         len, used, count;
    u_char        *buf;
    sqlite3       *db;
    sqlite3_stmt  *st;
    const u_char  *name;

    *names = NULL;
    *n = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }

    /* the writer holds the lock for a batch at most: wait that long */
    sqlite3_busy_timeout(db, 1000);

    if (sqlite3_prepare_v2(db, "SELECT name FROM cookies_seen"
                               " WHERE length(name) BETWEEN 1 AND ?1"
                               " ORDER BY name LIMIT ?2", -1, &st, NULL)
        != SQLITE_OK)
    {
        sqlite3_close(db);
        return -1;
    }

    sqlite3_bind_int(st, 1, NGX_HTTP_PRIVACY_SEEN_NAME_MAX);
    sqlite3_bind_int(st, 2, NGX_HTTP_PRIVACY_SEEN_MAX);

    buf = malloc(NGX_HTTP_PRIVACY_SEEN_MAX
                 * (NGX_HTTP_PRIVACY_SEEN_NAME_MAX + 1));
    if (buf == NULL) {
        sqlite3_finalize(st);
        sqlite3_close(db);
        return -1;
    }

    used = 0;
    count = 0;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        name = sqlite3_column_text(st, 0);
        len = (size_t) sqlite3_column_bytes(st, 0);

        if (name == NULL || len == 0 || len > NGX_HTTP_PRIVACY_SEEN_NAME_MAX
            || memchr(name, '\0', len) != NULL)
        {
            continue;
        }

        memcpy(buf + used, name, len);
        buf[used + len] = '\0';
        used += len + 1;
        count++;
    }

    sqlite3_finalize(st);
    sqlite3_close(db);

    if (rc != SQLITE_DONE) {
        free(buf);
        return -1;
    }

    *names = buf;
    *n = count;

    return 0;
}
