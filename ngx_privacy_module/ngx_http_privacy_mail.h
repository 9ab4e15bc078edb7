/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Mail through the outbox (docs/rights.md): messages are built as RFC
 * 5322 text, written to the register's outbox table first, and handed to
 * privacy_mail_command (a sendmail-compatible command reading the message
 * on its stdin) from a pool thread; a failed delivery is retried with
 * back-off, so that nothing is lost.  Plain C, SQLite and POSIX: no
 * nginx calls (STYLE.md trap 5).
 */

#ifndef _NGX_HTTP_PRIVACY_MAIL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_MAIL_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>


#define NGX_HTTP_PRIVACY_MAIL_BATCH     20
#define NGX_HTTP_PRIVACY_MAIL_BACKOFF   5       /* seconds, doubled */
#define NGX_HTTP_PRIVACY_MAIL_MAX_WAIT  3600


/* 1 if the address can go into a header: no spaces, controls, <>, ... */
int ngx_http_privacy_mail_address_ok(const char *s, size_t len);

/*
 * The one-time code message in "sv" or "en" (lang 0 or 1); malloc'd,
 * NULL on failure.
 */
char *ngx_http_privacy_mail_code(int lang, const char *from,
    const char *to, const char *code, int minutes, int64_t now,
    size_t *len);

/*
 * Queues a message to "to" in the outbox, due at once: what a delivery
 * (ngx_http_privacy_mail_flush) then sends, and the DPO's reports show.
 * Returns SQLITE_OK, with the outbox row's id in *id if id is not NULL.
 */
int ngx_http_privacy_mail_queue(sqlite3 *db, int64_t subject,
    const char *purpose, const char *to, const char *msg, size_t len,
    int64_t now, int64_t *id);

/*
 * Sends what is due in the outbox: claims up to a batch (so that other
 * workers skip them), runs the command for each, and records the result:
 * sent, or attempts + 1, last_error and the next attempt after a back-off
 * doubling from NGX_HTTP_PRIVACY_MAIL_BACKOFF.  Returns SQLITE_OK or an
 * SQLite error; *sent and *failed count the messages.
 */
int ngx_http_privacy_mail_flush(sqlite3 *db, const char *cmd, int64_t now,
    int *sent, int *failed, char *err, size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_MAIL_H_INCLUDED_ */
