/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the Set-Cookie deletion rules (an upstream's
 * Set-Cookie is outside input):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_set_cookie.c \
 *       ngx_privacy_module/ngx_http_privacy_set_cookie.c \
 *       -o tests/bin/fuzz_set_cookie
 *   tests/bin/fuzz_set_cookie tests/fuzz/corpus/set_cookie
 *
 * Besides memory errors it checks what the response filter relies on: a
 * date that parses lies in the years RFC 6265 allows, the answer does
 * not depend on bytes after the input, a value with "Max-Age=1"
 * appended (a valid, later, positive Max-Age) never deletes, and the
 * lifetime cap stays within its buffer, needs no second pass and never
 * makes a cookie a deletion or a deletion a cookie.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_set_cookie.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int      np, d1, d2;
    size_t   n;
    time_t   t;
    u_char  *p, *out, *again;

    p = malloc(size + sizeof("; Max-Age=1"));
    check(p != NULL);
    memcpy(p, data, size);

    if (ngx_http_privacy_cookie_date_parse(p, size, &t)) {
        /* 1601-01-01 .. 9999-12-31 23:59:59 */
        check(t >= (time_t) -11644473600LL && t <= (time_t) 253402300799LL);
    }

    if (ngx_http_privacy_max_age_parse(p, size, &np)) {
        check(size > 0 && (np == 0 || np == 1));
    }

    d1 = ngx_http_privacy_set_cookie_deletes(p, size, 1764720000);

    /* the same bytes followed by others: same answer on the prefix */
    memcpy(p + size, "; Max-Age=1", sizeof("; Max-Age=1") - 1);
    d2 = ngx_http_privacy_set_cookie_deletes(p, size, 1764720000);
    check(d1 == d2);

    d2 = ngx_http_privacy_set_cookie_deletes(p,
                                             size + sizeof("; Max-Age=1") - 1,
                                             1764720000);
    check(d2 == 0);

    /*
     * The lifetime cap: within 2 * size bytes, nothing left to cap in
     * what it wrote, and no cookie turned into a deletion or back.
     */
    out = malloc(size ? 2 * size : 1);
    again = malloc(size ? 4 * size : 1);
    check(out != NULL && again != NULL);

    n = ngx_http_privacy_set_cookie_cap(p, size, 1764720000, 86400, out);
    check(n <= 2 * size);

    if (n) {
        check(ngx_http_privacy_set_cookie_cap(out, n, 1764720000, 86400,
                                              again)
              == 0);
        check(ngx_http_privacy_set_cookie_deletes(out, n, 1764720000) == d1);
    }

    free(again);
    free(out);
    free(p);

    return 0;
}
