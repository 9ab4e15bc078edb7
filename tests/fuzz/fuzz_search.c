/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the site-search term scrubber:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_search.c ngx_privacy_module/ngx_http_privacy_search.c \
 *       ngx_privacy_module/ngx_http_privacy_form.c \
 *       ngx_privacy_module/ngx_http_privacy_unmask.c \
 *       ngx_privacy_module/ngx_http_privacy_search_fold.c \
 *       -lpcre2-8 -o tests/bin/fuzz_search
 *   ./tests/bin/fuzz_search -max_total_time=60
 *
 * Besides memory errors it checks what a stored term promises: at most
 * NGX_HTTP_PRIVACY_SEARCH_MAX bytes of strict UTF-8, lowercase ASCII, no
 * control bytes, single inner spaces, no run of 6 or more ASCII digits,
 * and no "x@y.z" left where x, y and z are ASCII letters or digits (the
 * e-mail pattern matches a superset of that, so the oracle is sound).
 * Short inputs, which can never reach the cap, must also normalise to
 * themselves a second time.
 */


#include "ngx_http_privacy_search.h"
#include "fuzz_scrubber.h"


/* 47 raw bytes grow to at most 47 * 1.5 * 1.4 < 100: never capped */
#define FUZZ_UNCAPPED  47


static int
fuzz_valid_utf8(const u_char *p, size_t len)
{
    u_char  c, lo, hi;
    size_t  i, k, need;

    for (i = 0; i < len; i++) {
        c = p[i];

        if (c < 0x80) {
            continue;
        }

        lo = 0x80;
        hi = 0xbf;

        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c == 0xe0) {
            need = 2;
            lo = 0xa0;
        } else if (c == 0xed) {
            need = 2;
            hi = 0x9f;
        } else if (c >= 0xe1 && c <= 0xef) {
            need = 2;
        } else if (c == 0xf0) {
            need = 3;
            lo = 0x90;
        } else if (c == 0xf4) {
            need = 3;
            hi = 0x8f;
        } else if (c >= 0xf1 && c <= 0xf3) {
            need = 3;
        } else {
            return 0;
        }

        if (len - i - 1 < need || p[i + 1] < lo || p[i + 1] > hi) {
            return 0;
        }

        for (k = 2; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return 0;
            }
        }

        i += need;
    }

    return 1;
}


static int
fuzz_label(u_char c)
{
    return fuzz_alnum(c) || c == '-' || c == '_';
}


static void
fuzz_check_term(const u_char *p, size_t n)
{
    size_t  i, j, digits;

    check(n > 0 && n <= NGX_HTTP_PRIVACY_SEARCH_MAX);
    check(fuzz_valid_utf8(p, n));
    check(p[0] != ' ' && p[n - 1] != ' ');

    digits = 0;

    for (i = 0; i < n; i++) {
        check(p[i] > 0x20 || (p[i] == ' ' && p[i + 1] != ' '));
        check(p[i] != 0x7f);
        check(!(p[i] >= 'A' && p[i] <= 'Z'));

        digits = (p[i] >= '0' && p[i] <= '9') ? digits + 1 : 0;
        check(digits < 6);

        if (p[i] != '@' || i == 0 || !fuzz_alnum(p[i - 1])) {
            continue;
        }

        /* '@', a label, '.', a label character: an address was left */
        for (j = i + 1; j < n && fuzz_label(p[j]); j++) {
            /* void */
        }

        check(!(j > i + 1 && j + 1 < n && p[j] == '.'
                && fuzz_label(p[j + 1])));
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                        *out, *again, *enc;
    size_t                         i, n, m, e;
    ngx_http_privacy_search_rc_e   rc;

    /* exact sizes, so any overrun is caught */
    out = malloc(NGX_HTTP_PRIVACY_SEARCH_MAX);
    again = malloc(NGX_HTTP_PRIVACY_SEARCH_MAX);
    enc = malloc(3 * NGX_HTTP_PRIVACY_SEARCH_MAX);
    check(out != NULL && again != NULL && enc != NULL);

    n = 1;
    rc = ngx_http_privacy_search_normalize(scrubber, data, size, out, &n);

    if (rc != NGX_HTTP_PRIVACY_SEARCH_OK) {
        check(rc == NGX_HTTP_PRIVACY_SEARCH_EMPTY
              || rc == NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8);
        check(n == 0);
        goto done;
    }

    fuzz_check_term(out, n);

    if (size > FUZZ_UNCAPPED) {
        goto done;
    }

    /* the stored term, sent again, is stored unchanged */
    for (e = 0, i = 0; i < n; i++) {
        if (out[i] == '%' || out[i] == '+') {
            enc[e++] = '%';
            enc[e++] = "0123456789ABCDEF"[out[i] >> 4];
            enc[e++] = "0123456789ABCDEF"[out[i] & 0xf];
        } else {
            enc[e++] = out[i];
        }
    }

    rc = ngx_http_privacy_search_normalize(scrubber, enc, e, again, &m);
    check(rc == NGX_HTTP_PRIVACY_SEARCH_OK);
    check(m == n && memcmp(again, out, n) == 0);

done:

    free(enc);
    free(again);
    free(out);

    return 0;
}
