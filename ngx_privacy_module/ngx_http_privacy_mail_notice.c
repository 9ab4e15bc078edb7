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


char *
ngx_http_privacy_mail_notice(int lang, const char *from, const char *to,
    ngx_http_privacy_mail_text_t *what,
    ngx_http_privacy_mail_text_t *consequences,
    ngx_http_privacy_mail_text_t *measures, int64_t now, size_t *len)
{
    char                     date[64];
    u_char                   rnd[12], id[24];
    time_t                   t;
    struct tm                tm;
    ngx_http_privacy_rbuf_t  b;

    t = (time_t) now;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm)
           == 0
        || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0)
    {
        return NULL;
    }

    ngx_http_privacy_hex(rnd, sizeof(rnd), id);

    memset(&b, 0, sizeof(b));

    ngx_http_privacy_rbuf_printf(&b,
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
        from, to,
        lang == 0 ? "Information om en personuppgiftsincident"
                  : "Information about a personal data breach",
        date, (char *) id, lang == 0 ? "sv" : "en");

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

    if (b.failed) {
        ngx_http_privacy_rbuf_free(&b);
        return NULL;
    }

    *len = b.len;

    return (char *) b.data;
}
