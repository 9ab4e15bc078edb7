/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the banner's HTML scanner:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_html_scan.c \
 *       ngx_privacy_module/ngx_http_privacy_html_scan.c \
 *       -o tests/bin/fuzz_html_scan
 *
 * Seeds: tests/fuzz/corpus/html_scan/ (the first byte of each is the
 * piece size); libFuzzer writes into its first corpus directory, so copy
 * them to a scratch one: tests/bin/fuzz_html_scan /tmp/c
 *
 * The first byte chooses how the rest is cut into pieces; the page scanned
 * whole and scanned in pieces must give the same answer at the same
 * offset, the offset must lie inside the piece, and NEVER must stay NEVER.
 * The charset check runs over the input as a label.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_html_scan.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


static int
fuzz_scan(const u_char *data, size_t size, size_t step, size_t *at,
    int *document)
{
    int                            rc;
    size_t                         off, len, pos;
    ngx_http_privacy_html_scan_t   s;

    ngx_http_privacy_html_scan_init(&s);

    rc = NGX_HTTP_PRIVACY_HTML_MORE;
    *at = 0;

    for (off = 0; off < size; off += len) {
        len = (size - off < step) ? size - off : step;
        pos = (size_t) -1;

        rc = ngx_http_privacy_html_scan(&s, data + off, len, &pos);

        check(rc == NGX_HTTP_PRIVACY_HTML_MORE
              || rc == NGX_HTTP_PRIVACY_HTML_HERE
              || rc == NGX_HTTP_PRIVACY_HTML_NEVER);

        if (rc == NGX_HTTP_PRIVACY_HTML_HERE) {
            check(pos >= 1 && pos <= len);
            /* the insertion point follows a '>' */
            check(data[off + pos - 1] == '>');
            *at = off + pos;
            break;
        }

        if (rc == NGX_HTTP_PRIVACY_HTML_NEVER) {
            check(ngx_http_privacy_html_scan(&s, data, size, &pos)
                  == NGX_HTTP_PRIVACY_HTML_NEVER);
            break;
        }
    }

    *document = ngx_http_privacy_html_scan_document(&s);

    if (rc == NGX_HTTP_PRIVACY_HTML_NEVER) {
        check(*document == 0);
    }

    return rc;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int     rc1, rc2, doc1, doc2;
    size_t  step, at1, at2;

    if (size == 0) {
        return 0;
    }

    step = (size_t) data[0] % 17 + 1;
    data++;
    size--;

    rc1 = fuzz_scan(data, size, size ? size : 1, &at1, &doc1);
    rc2 = fuzz_scan(data, size, step, &at2, &doc2);

    check(rc1 == rc2);
    check(at1 == at2);

    if (rc1 == NGX_HTTP_PRIVACY_HTML_MORE) {
        check(doc1 == doc2);
    }

    (void) ngx_http_privacy_html_charset_ok(data, size);

    return 0;
}
