/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the mail a visitor's address goes into (make
 * fuzz): the rights portal's address check and the messages built around
 * it (docs/rights.md).  An address the check accepts carries no byte that
 * could start a header or end one (RFC 5322 2.2: no CR, LF, controls,
 * spaces), and every message built for it, with any text of the DPO's in
 * its body, is RFC 5322 text: lines ended by CRLF and no longer than 998
 * bytes (2.1.1), no NUL, and a header block of the fixed fields with
 * exactly one To: that is the address.
 *
 * The input: one byte of options (the language), the address up to the
 * first NUL byte, then the DPO's text.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_mail_notice.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)

#define FROM  "privacy@shop.example"


static const char  *fields[] = {
    "From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ",
    "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: ",
    "Content-Language: ", "Auto-Submitted: ", NULL
};


static void
check_message(const char *msg, size_t len, const char *to, size_t to_len)
{
    int          tos, in_header;
    size_t       i, start, n, k;
    const char  *line;

    check(msg != NULL);

    tos = 0;
    in_header = 1;
    start = 0;

    for (i = 0; i < len; i++) {
        check(msg[i] != '\0');

        if (msg[i] == '\r') {
            check(i + 1 < len && msg[i + 1] == '\n');
            continue;
        }

        if (msg[i] != '\n') {
            continue;
        }

        check(i > 0 && msg[i - 1] == '\r');

        line = msg + start;
        n = i - 1 - start;              /* without the CRLF */
        check(n <= 998);

        if (in_header) {
            if (n == 0) {
                in_header = 0;

            } else {
                for (k = 0; fields[k]; k++) {
                    if (n >= strlen(fields[k])
                        && memcmp(line, fields[k], strlen(fields[k])) == 0)
                    {
                        break;
                    }
                }

                check(fields[k] != NULL);

                if (k == 1) {
                    check(n == 4 + to_len
                          && memcmp(line + 4, to, to_len) == 0);
                    tos++;
                }
            }
        }

        start = i + 1;
    }

    /* the last line ends with CRLF, and the body was reached */
    check(start == len);
    check(!in_header);
    check(tos == 1);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                            lang;
    char                          *to, *msg;
    size_t                         i, to_len, len;
    const uint8_t                 *nul;
    ngx_http_privacy_mail_text_t   text;

    if (size == 0) {
        return 0;
    }

    lang = data[0] & 1;
    data++;
    size--;

    nul = memchr(data, '\0', size);
    to_len = nul ? (size_t) (nul - data) : size;

    text.data = nul ? (const char *) nul + 1 : "";
    text.len = nul ? size - to_len - 1 : 0;

    if (!ngx_http_privacy_mail_address_ok((const char *) data, to_len)) {
        return 0;
    }

    /* what the check promises: one @ inside, nothing to break a header */
    for (i = 0; i < to_len; i++) {
        check(data[i] > ' ' && data[i] != 0x7f && data[i] != '<'
              && data[i] != '>' && data[i] != ',' && data[i] != ';');
    }

    check(to_len >= 3 && to_len <= 254 && data[0] != '@'
          && data[to_len - 1] != '@');

    to = malloc(to_len + 1);
    check(to != NULL);
    memcpy(to, data, to_len);
    to[to_len] = '\0';

    msg = ngx_http_privacy_mail_code(lang, FROM, to, "123456", 15,
                                     1700000000, &len);
    check_message(msg, len, to, to_len);
    free(msg);

    msg = ngx_http_privacy_mail_notice(lang, FROM, to, &text, &text, &text,
                                       1700000000, &len);
    check_message(msg, len, to, to_len);
    free(msg);

    msg = ngx_http_privacy_mail_extension(FROM, to, "access", 1690000000,
                                          1700000000, &text, 1700000000,
                                          &len);
    check_message(msg, len, to, to_len);
    free(msg);

    free(to);

    return 0;
}
