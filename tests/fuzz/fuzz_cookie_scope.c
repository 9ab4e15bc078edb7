/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for a Set-Cookie's scope as the cookie report records
 * it (an upstream's Set-Cookie is outside input):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_cookie_scope.c \
 *       ngx_privacy_module/ngx_http_privacy_cookie_scope.c \
 *       ngx_privacy_module/ngx_http_privacy_cookie.c \
 *       -o tests/bin/fuzz_cookie_scope
 *   tests/bin/fuzz_cookie_scope tests/fuzz/corpus/cookie_scope
 *
 * Besides memory errors it checks what the register and the report rely
 * on: both values fit in SCOPE_MAX bytes, hold only visible ASCII (a
 * space-separated list of them is unambiguous), a path is empty or
 * starts with '/', a domain has no upper case, and the memo answers 1
 * once for a scope and 0 after that.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_cookie_scope.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


static ngx_http_privacy_scope_memo_t  memo;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                           i;
    u_char                          *p;
    ngx_http_privacy_cookie_scope_t  s;

    p = malloc(size ? size : 1);
    check(p != NULL);
    memcpy(p, data, size);

    ngx_http_privacy_cookie_scope(p, size, &s);

    check(s.path_len <= NGX_HTTP_PRIVACY_SCOPE_MAX);
    check(s.domain_len <= NGX_HTTP_PRIVACY_SCOPE_MAX);
    check(s.path_len == 0 || s.path[0] == '/');

    for (i = 0; i < s.path_len; i++) {
        check(s.path[i] > 0x20 && s.path[i] < 0x7f);
    }

    for (i = 0; i < s.domain_len; i++) {
        check(s.domain[i] > 0x20 && s.domain[i] < 0x7f);
        check(!(s.domain[i] >= 'a' && s.domain[i] <= 'z')
              || s.domain[i] == (u_char) (s.domain[i] | 0x20));
        check(!(s.domain[i] >= 'A' && s.domain[i] <= 'Z')
              || (i >= 1 && s.domain[i - 1] == '%')
              || (i >= 2 && s.domain[i - 2] == '%'));
    }

    /* a memo filled across runs: the second answer is always 0 */
    (void) ngx_http_privacy_scope_memo_first(&memo, p, size > 64 ? 64 : size,
                                             &s);
    check(ngx_http_privacy_scope_memo_first(&memo, p,
                                            size > 64 ? 64 : size, &s)
          == 0);

    if (memo.used >= NGX_HTTP_PRIVACY_SCOPE_MEMO / 4 * 3) {
        memset(&memo, 0, sizeof(memo));
    }

    free(p);

    return 0;
}
