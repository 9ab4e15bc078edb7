/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the form parser:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_form.c ngx_privacy_module/ngx_http_privacy_form.c \
 *       -o tests/bin/fuzz_form
 *
 * Each field is decoded out of place and in place (they must agree), and
 * against a plain reference decoder; key_is() must accept the decoded key
 * exactly when it holds no NUL byte.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_form.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


static int
fuzz_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


/* the obvious decoder, written separately from the one under test */
static size_t
fuzz_ref_decode(const u_char *s, size_t len, u_char *d)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            d[n++] = ' ';

        } else if (s[i] == '%' && i + 2 < len
                   && fuzz_hex(s[i + 1]) >= 0 && fuzz_hex(s[i + 2]) >= 0)
        {
            d[n++] = (u_char) (fuzz_hex(s[i + 1]) * 16 + fuzz_hex(s[i + 2]));
            i += 2;

        } else {
            d[n++] = s[i];
        }
    }

    return n;
}


static void
fuzz_decode(const u_char *s, size_t len, u_char *a, u_char *b, u_char *c)
{
    size_t  na, nb, nc;

    na = ngx_http_privacy_form_decode(s, len, a);

    memcpy(b, s, len);
    nb = ngx_http_privacy_form_decode(b, len, b);

    nc = fuzz_ref_decode(s, len, c);

    check(na <= len);
    check(na == nb && na == nc);
    check(memcmp(a, b, na) == 0);
    check(memcmp(a, c, na) == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                         klen, vlen, dlen, fields;
    u_char                        *a, *b, *c;
    const u_char                  *key, *val;
    ngx_http_privacy_form_iter_t   it;

    a = malloc(size + 1);
    b = malloc(size + 1);
    c = malloc(size + 1);
    check(a && b && c);

    fuzz_decode(data, size, a, b, c);

    fields = 0;
    ngx_http_privacy_form_iter_init(&it, data, size);

    while (ngx_http_privacy_form_next(&it, &key, &klen, &val, &vlen)) {
        fields++;
        check(fields <= size);
        check(key >= data && key + klen <= data + size);
        check(val >= data && val + vlen <= data + size);
        check(klen + vlen > 0 || (val > data && val[-1] == '='));
        check(memchr(key, '&', klen) == NULL);
        check(memchr(key, '=', klen) == NULL);
        check(memchr(val, '&', vlen) == NULL);

        fuzz_decode(val, vlen, a, b, c);
        fuzz_decode(key, klen, a, b, c);

        /* a is the decoded key now; as a C string it ends at a NUL */
        dlen = ngx_http_privacy_form_decode(key, klen, a);
        a[dlen] = '\0';
        check(ngx_http_privacy_form_key_is(key, klen, (char *) a)
              == (strlen((char *) a) == dlen));
    }

    check(ngx_http_privacy_form_next(&it, &key, &klen, &val, &vlen) == 0);

    free(c);
    free(b);
    free(a);

    return 0;
}
