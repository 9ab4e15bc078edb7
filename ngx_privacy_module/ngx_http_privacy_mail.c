/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_command.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_mail.h"


int
ngx_http_privacy_mail_address_ok(const char *s, size_t len)
{
    size_t  i, at;

    if (len < 3 || len > 254) {
        return 0;
    }

    /* no '@' seen yet: len, as an '@' at index 0 must count as seen */
    at = len;

    for (i = 0; i < len; i++) {
        if ((u_char) s[i] <= ' ' || s[i] == 0x7f || s[i] == '<'
            || s[i] == '>' || s[i] == '"' || s[i] == '(' || s[i] == ')'
            || s[i] == ',' || s[i] == ';' || s[i] == '\\' || s[i] == '[')
        {
            return 0;
        }

        if (s[i] == '@') {
            if (at != len) {
                return 0;
            }

            at = i;
        }
    }

    return at > 0 && at < len - 1;
}


char *
ngx_http_privacy_mail_code(int lang, const char *from, const char *to,
    const char *code, int minutes, int64_t now, size_t *len)
{
    int         n;
    char       *msg, date[64];
    u_char      rnd[12], id[24];
    time_t      t;
    struct tm   tm;
    const char *subject, *body;

    t = (time_t) now;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm)
           == 0
        || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0)
    {
        return NULL;
    }

    ngx_http_privacy_hex(rnd, sizeof(rnd), id);

    if (lang == 0) {
        /* RFC 2047: "Din engångskod" */
        subject = "=?UTF-8?B?RGluIGVuZ8Olbmdza29k?=";
        body = "Hej,\r\n\r\n"
               "Någon (förhoppningsvis du) bad om att få se eller ändra "
               "uppgifterna\r\nvi har om dig. Din engångskod är:\r\n\r\n"
               "    %s\r\n\r\n"
               "Koden gäller i %d minuter och kan användas en gång. Om det "
               "inte var\r\ndu som bad om den kan du bortse från det här "
               "brevet; ingen kan se\r\ndina uppgifter utan koden.\r\n";

    } else {
        subject = "Your one-time code";
        body = "Hello,\r\n\r\n"
               "Someone (hopefully you) asked to see or change the data we "
               "hold about\r\nyou. Your one-time code is:\r\n\r\n"
               "    %s\r\n\r\n"
               "The code is valid for %d minutes and can be used once. If "
               "you did not\r\nask for it, ignore this message; nobody can "
               "see your data without\r\nthe code.\r\n";
    }

    msg = malloc(2048);
    if (msg == NULL) {
        return NULL;
    }

    n = snprintf(msg, 2048,
                 "From: %s\r\n"
                 "To: %s\r\n"
                 "Subject: %s\r\n"
                 "Date: %s\r\n"
                 "Message-ID: <%.24s@privacy.invalid>\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n"
                 "Content-Language: %s\r\n"
                 "Auto-Submitted: auto-generated\r\n"
                 "\r\n",
                 from, to, subject, date, (char *) id,
                 lang == 0 ? "sv" : "en");

    if (n < 0 || n >= 2048) {
        free(msg);
        return NULL;
    }

    *len = n;

    n = snprintf(msg + *len, 2048 - *len, body, code, minutes);

    if (n < 0 || (size_t) n >= 2048 - *len) {
        free(msg);
        return NULL;
    }

    *len += n;

    return msg;
}


int
ngx_http_privacy_mail_queue(sqlite3 *db, int64_t subject, const char *purpose,
    const char *to, const char *msg, size_t len, int64_t now,
    int64_t *id)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, "INSERT INTO outbox (subject, purpose,"
                            " recipient, message, created, next_attempt)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?5)", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    /* 0: a message for no one in the register */
    if (subject) {
        sqlite3_bind_int64(st, 1, subject);

    } else {
        sqlite3_bind_null(st, 1);
    }

    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, msg, (int) len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);

    rc = sqlite3_step(st);
    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        return rc;
    }

    if (id) {
        *id = sqlite3_last_insert_rowid(db);
    }

    return SQLITE_OK;
}


int
ngx_http_privacy_mail_flush(sqlite3 *db, const char *cmd, int64_t now,
    int *sent, int *failed, char *err, size_t err_len)
{
    int            rc, i, n, attempts[NGX_HTTP_PRIVACY_MAIL_BATCH];
    char           why[200], *text;
    size_t         len;
    int64_t        ids[NGX_HTTP_PRIVACY_MAIL_BATCH], wait;
    sqlite3_stmt  *st, *msg, *done;

    *sent = 0;
    *failed = 0;
    n = 0;
    st = NULL;
    msg = NULL;
    done = NULL;

    /*
     * a read first: the timer asks every few seconds, and an empty outbox
     * must not take the write lock from the analytics writers each time
     */
    rc = sqlite3_prepare_v2(db, "SELECT 1 FROM outbox WHERE sent IS NULL"
                                " AND next_attempt <= ? LIMIT 1", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_len, "outbox: %s", sqlite3_errmsg(db));
        return rc;
    }

    sqlite3_bind_int64(st, 1, now);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;

    if (rc == SQLITE_DONE) {
        return SQLITE_OK;
    }

    rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = sqlite3_prepare_v2(db, "SELECT id, attempts FROM outbox"
                                " WHERE sent IS NULL AND next_attempt <= ?"
                                " ORDER BY next_attempt LIMIT ?",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, NGX_HTTP_PRIVACY_MAIL_BATCH);

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids[n] = sqlite3_column_int64(st, 0);
        attempts[n] = sqlite3_column_int(st, 1);
        n++;
    }

    sqlite3_finalize(st);
    st = NULL;

    if (rc != SQLITE_DONE) {
        goto failed;
    }

    /* claimed for ten minutes: a crash here means a later retry */
    rc = sqlite3_prepare_v2(db, "UPDATE outbox SET next_attempt = ?"
                                " WHERE id = ?", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, now + 600);
        sqlite3_bind_int64(st, 2, ids[i]);
        rc = sqlite3_step(st);
        sqlite3_reset(st);

        if (rc != SQLITE_DONE) {
            goto failed;
        }
    }

    sqlite3_finalize(st);
    st = NULL;

    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    if (n == 0) {
        return SQLITE_OK;
    }

    rc = sqlite3_prepare_v2(db, "SELECT message FROM outbox WHERE id = ?",
                            -1, &msg, NULL);
    if (rc == SQLITE_OK) {
        /*
         * a sent code's message goes: the register keeps codes only as
         * keyed hashes (docs/rights.md, "Proving who you are")
         */
        rc = sqlite3_prepare_v2(db, "UPDATE outbox SET attempts = ?1,"
                                    " sent = ?2, last_error = ?3,"
                                    " next_attempt = ?4, message = CASE"
                                    " WHEN ?2 IS NOT NULL AND purpose ="
                                    " 'code' THEN X'' ELSE message END"
                                    " WHERE id = ?5",
                                -1, &done, NULL);
    }

    if (rc != SQLITE_OK) {
        sqlite3_finalize(msg);
        snprintf(err, err_len, "outbox: %s", sqlite3_errmsg(db));
        return rc;
    }

    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(msg, 1, ids[i]);

        if (sqlite3_step(msg) != SQLITE_ROW) {
            /* erased meanwhile: nothing to send */
            sqlite3_reset(msg);
            continue;
        }

        /*
         * a copy, and the statement reset: the command may run until its
         * kill, and a read left open meanwhile would keep checkpoints from
         * getting past it
         */
        len = (size_t) sqlite3_column_bytes(msg, 0);
        text = malloc(len + 1);

        if (text == NULL) {
            sqlite3_reset(msg);
            snprintf(err, err_len, "outbox: out of memory");
            break;
        }

        if (len) {
            memcpy(text, sqlite3_column_blob(msg, 0), len);
        }

        sqlite3_reset(msg);

        why[0] = '\0';

        rc = ngx_http_privacy_command_run("privacy_mail_command", cmd, text,
                                          len, why, sizeof(why));
        free(text);

        attempts[i]++;
        sqlite3_bind_int(done, 1, attempts[i]);

        if (rc == 0) {
            (*sent)++;
            sqlite3_bind_int64(done, 2, now);
            sqlite3_bind_null(done, 3);
            sqlite3_bind_int64(done, 4, now);

        } else {
            (*failed)++;

            /* 5 s, 10 s, 20 s, ... up to an hour */
            wait = (int64_t) NGX_HTTP_PRIVACY_MAIL_BACKOFF
                   << (attempts[i] > 11 ? 10 : attempts[i] - 1);

            if (wait > NGX_HTTP_PRIVACY_MAIL_MAX_WAIT) {
                wait = NGX_HTTP_PRIVACY_MAIL_MAX_WAIT;
            }

            sqlite3_bind_null(done, 2);
            sqlite3_bind_text(done, 3, why, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(done, 4, now + wait);
            snprintf(err, err_len, "%s", why);
        }

        sqlite3_bind_int64(done, 5, ids[i]);
        rc = sqlite3_step(done);
        sqlite3_reset(done);
        sqlite3_clear_bindings(done);

        if (rc != SQLITE_DONE) {
            snprintf(err, err_len, "outbox: %s", sqlite3_errmsg(db));
            break;
        }
    }

    sqlite3_finalize(msg);
    sqlite3_finalize(done);

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "outbox: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}
