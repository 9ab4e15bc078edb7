/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_mail_notice.h"
#include "ngx_http_privacy_report.h"


/* RFC 5322 2.1.1: at most 998 bytes a line; we break well before */
#define NGX_HTTP_PRIVACY_NOTICE_LINE  900


static void ngx_http_privacy_notice_text(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_mail_text_t *t);
static int ngx_http_privacy_notice_head(ngx_http_privacy_rbuf_t *b,
    const char *lang, const char *from, const char *to, const char *subject,
    int64_t now);
static char *ngx_http_privacy_notice_done(ngx_http_privacy_rbuf_t *b,
    size_t *len);
static const char *ngx_http_privacy_notice_type(const char *type, int lang);


static void
ngx_http_privacy_notice_text(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_mail_text_t *t)
{
    size_t  i, col;

    col = 0;

    for (i = 0; i < t->len; i++) {
        if (t->data[i] == '\r') {
            continue;
        }

        if (t->data[i] == '\n' || col == NGX_HTTP_PRIVACY_NOTICE_LINE) {
            ngx_http_privacy_rbuf_add(b, "\r\n", 2);
            col = 0;

            if (t->data[i] == '\n') {
                continue;
            }
        }

        /* a NUL or other control would not survive the mail's way */
        if ((unsigned char) t->data[i] < 0x20 && t->data[i] != '\t') {
            ngx_http_privacy_rbuf_add(b, " ", 1);

        } else {
            ngx_http_privacy_rbuf_add(b, &t->data[i], 1);
        }

        col++;
    }

    ngx_http_privacy_rbuf_add(b, "\r\n\r\n", 4);
}


/* the message's header: b is set up; -1 if the date or the id failed */

static int
ngx_http_privacy_notice_head(ngx_http_privacy_rbuf_t *b, const char *lang,
    const char *from, const char *to, const char *subject, int64_t now)
{
    char       date[64];
    u_char     rnd[12], id[24];
    time_t     t;
    struct tm  tm;

    t = (time_t) now;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm)
           == 0
        || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0)
    {
        return -1;
    }

    ngx_http_privacy_hex(rnd, sizeof(rnd), id);

    memset(b, 0, sizeof(ngx_http_privacy_rbuf_t));

    ngx_http_privacy_rbuf_printf(b,
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
        from, to, subject, date, (char *) id, lang);

    return 0;
}


/* a message's text as the caller's malloc'd string, or NULL */

static char *
ngx_http_privacy_notice_done(ngx_http_privacy_rbuf_t *b, size_t *len)
{
    if (b->failed) {
        ngx_http_privacy_rbuf_free(b);
        return NULL;
    }

    *len = b->len;

    return (char *) b->data;
}


char *
ngx_http_privacy_mail_notice(int lang, const char *from, const char *to,
    ngx_http_privacy_mail_text_t *what,
    ngx_http_privacy_mail_text_t *consequences,
    ngx_http_privacy_mail_text_t *measures, int64_t now, size_t *len)
{
    ngx_http_privacy_rbuf_t  b;

    if (ngx_http_privacy_notice_head(&b, lang == 0 ? "sv" : "en", from, to,
            lang == 0 ? "Information om en personuppgiftsincident"
                      : "Information about a personal data breach",
            now)
        != 0)
    {
        return NULL;
    }

    ngx_http_privacy_rbuf_str(&b, lang == 0
        ? "Hej,\r\n\r\nVi har haft en s\xc3\xa4kerhetsincident som r\xc3\xb6r"
          " personuppgifter om dig. Enligt dataskyddsf\xc3\xb6rordningen"
          "\r\n(artikel 34) ber\xc3\xa4ttar vi vad som h\xc3\xa4nde och vad "
          "vi har gjort.\r\n\r\nVad som h\xc3\xa4nde:\r\n"
        : "Hello,\r\n\r\nWe have had a security incident that concerns "
          "personal data about you.\r\nAs the GDPR (Article 34) asks, we "
          "tell you what happened and what we\r\nhave done.\r\n\r\n"
          "What happened:\r\n");
    ngx_http_privacy_notice_text(&b, what);

    ngx_http_privacy_rbuf_str(&b, lang == 0
        ? "Vad det kan inneb\xc3\xa4ra f\xc3\xb6r dig:\r\n"
        : "What it may mean for you:\r\n");
    ngx_http_privacy_notice_text(&b, consequences);

    ngx_http_privacy_rbuf_str(&b, lang == 0
        ? "Vad vi har gjort:\r\n" : "What we have done:\r\n");
    ngx_http_privacy_notice_text(&b, measures);

    ngx_http_privacy_rbuf_printf(&b, lang == 0
        ? "Fr\xc3\xa5gor besvaras av v\xc3\xa5rt dataskyddsombud: %s\r\n"
        : "Our data protection officer answers questions: %s\r\n", from);

    return ngx_http_privacy_notice_done(&b, len);
}


/* the request's type in words: sv, en */

static const char *
ngx_http_privacy_notice_type(const char *type, int lang)
{
    size_t  i;

    static const char  *types[][3] = {
        { "access", "tillg\xc3\xa5ng till dina uppgifter",
          "access to your data" },
        { "portability", "dataportabilitet", "data portability" },
        { "rectification", "r\xc3\xa4ttelse", "rectification" },
        { "erasure", "radering", "erasure" },
        { "restriction", "begr\xc3\xa4nsning", "restriction" },
        { "objection", "inv\xc3\xa4ndning", "objection" },
    };

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(types[i][0], type) == 0) {
            return types[i][1 + lang];
        }
    }

    return type;
}


char *
ngx_http_privacy_mail_extension(const char *from, const char *to,
    const char *type, int64_t received, int64_t due,
    ngx_http_privacy_mail_text_t *reason, int64_t now, size_t *len)
{
    char                     rday[16], dday[16];
    time_t                   t;
    struct tm                tm;
    ngx_http_privacy_rbuf_t  b;

    t = (time_t) received;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(rday, sizeof(rday), "%Y-%m-%d", &tm) == 0)
    {
        return NULL;
    }

    t = (time_t) due;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(dday, sizeof(dday), "%Y-%m-%d", &tm) == 0)
    {
        return NULL;
    }

    /* the subject's language is not known: both, Swedish first */
    if (ngx_http_privacy_notice_head(&b, "sv, en", from, to,
            /* RFC 2047: "Ditt ärende tar längre tid" */
            "=?UTF-8?B?RGl0dCDDpHJlbmRlIHRhciBsw6RuZ3JlIHRpZA==?="
            " / Your request will take longer", now)
        != 0)
    {
        return NULL;
    }

    ngx_http_privacy_rbuf_printf(&b,
        "Hej,\r\n\r\nDin beg\xc3\xa4ran om %s, som vi tog emot %s, "
        "beh\xc3\xb6ver mer tid\r\n\xc3\xa4n en m\xc3\xa5nad. Enligt "
        "dataskyddsf\xc3\xb6rordningen (artikel 12.3) f\xc3\xa5r vi\r\n"
        "f\xc3\xb6rl\xc3\xa4nga tiden n\xc3\xa4r det beh\xc3\xb6vs; du"
        " f\xc3\xa5r v\xc3\xa5rt svar senast %s.\r\n\r\nSk\xc3\xa4let:"
        "\r\n", ngx_http_privacy_notice_type(type, 0), rday, dday);
    ngx_http_privacy_notice_text(&b, reason);

    ngx_http_privacy_rbuf_printf(&b,
        "Du kan klaga hos Integritetsskyddsmyndigheten (imy.se) eller "
        "v\xc3\xa4nda dig\r\ntill domstol. Fr\xc3\xa5gor besvaras av "
        "v\xc3\xa5rt dataskyddsombud: %s\r\n\r\n-- \r\n\r\n", from);

    ngx_http_privacy_rbuf_printf(&b,
        "Hello,\r\n\r\nYour request for %s, which we received on %s, "
        "needs more than\r\na month. The GDPR (Article 12(3)) lets us "
        "extend the time when needed;\r\nyou will have our answer by %s."
        "\r\n\r\nThe reason:\r\n",
        ngx_http_privacy_notice_type(type, 1), rday, dday);
    ngx_http_privacy_notice_text(&b, reason);

    ngx_http_privacy_rbuf_printf(&b,
        "You may complain to the supervisory authority (in Sweden IMY, "
        "imy.se) or\r\ngo to court. Our data protection officer answers "
        "questions: %s\r\n", from);

    return ngx_http_privacy_notice_done(&b, len);
}
