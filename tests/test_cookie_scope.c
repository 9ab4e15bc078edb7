/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of a Set-Cookie's scope as the cookie report records it
 * (RFC 6265 5.2.3, 5.2.4) and of the per-worker memo that tells the
 * register about each scope once, a few per name.  Inputs are heap
 * copies of exactly their length, so a read past the end is caught by
 * AddressSanitizer.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_cookie_scope.h"


static void
expect(const char *value, const char *path, const char *domain)
{
    size_t                           len;
    u_char                          *p;
    ngx_http_privacy_cookie_scope_t  s;

    len = strlen(value);
    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, value, len);

    ngx_http_privacy_cookie_scope(p, len, &s);
    free(p);

    assert_true(s.path_len <= NGX_HTTP_PRIVACY_SCOPE_MAX);
    assert_true(s.domain_len <= NGX_HTTP_PRIVACY_SCOPE_MAX);
    assert_int_equal(s.path_len, strlen(path));
    assert_memory_equal(s.path, path, s.path_len);
    assert_int_equal(s.domain_len, strlen(domain));
    assert_memory_equal(s.domain, domain, s.domain_len);
}


static void
test_scope(void **state)
{
    (void) state;

    expect("a=1", "", "");
    expect("a=1; Path=/; Domain=example.se", "/", "example.se");
    expect("a=1; path=/shop/ ; DOMAIN=.Shop.Example.SE", "/shop/",
           "shop.example.se");
    /* the last one wins (RFC 6265 5.3) */
    expect("a=1; Path=/x; Path=/y; Domain=a.se; Domain=b.se", "/y", "b.se");
    /* not a path: the browser takes the page's directory, not recorded */
    expect("a=1; Path=relative", "", "");
    expect("a=1; Path=", "", "");
    expect("a=1; Path", "", "");
    expect("a=1; Domain=", "", "");
    expect("a=1; Domain=.", "", "");
    /* "Path" in the cookie's own value is no attribute */
    expect("a=Path=/x", "", "");
    /* bytes outside visible ASCII, and in a domain all but a host's */
    expect("a=1; Path=/a b\tc\x7f\xc3\xa5", "/a%20b%09c%7F%C3%A5", "");
    expect("a=1; Path=/<script>,\"q\"%41", "/<script>,\"q\"%41", "");
    expect("a=1; Domain=-cmd|calc<b> x", "", "-cmd%7Ccalc%3Cb%3E%20x");
    expect("a=1; Domain=xn--br-via.se_1", "", "xn--br-via.se_1");
}


static void
test_cut(void **state)
{
    char  value[300], want[NGX_HTTP_PRIVACY_SCOPE_MAX + 1];

    (void) state;

    /* 64 bytes fit as they are */
    memset(want, 'x', sizeof(want));
    want[0] = '/';
    want[NGX_HTTP_PRIVACY_SCOPE_MAX] = '\0';
    snprintf(value, sizeof(value), "a=1; Path=%s", want);
    expect(value, want, "");

    /* 65 are cut to 61 and "..." */
    snprintf(value, sizeof(value), "a=1; Path=%sx", want);
    memcpy(want + 61, "...", 4);
    expect(value, want, "");

    /* never inside a %XX */
    memset(want, 'y', 60);
    snprintf(value, sizeof(value), "a=1; Domain=%.60s  xxxxxx", want);
    memcpy(want + 60, "...", 4);
    expect(value, "", want);

    memset(want, 'y', 58);
    snprintf(value, sizeof(value), "a=1; Domain=%.58s  xxxxxx", want);
    memcpy(want + 58, "%20...", 7);
    expect(value, "", want);
}


static int
first(ngx_http_privacy_scope_memo_t *m, const char *name, const char *path,
    const char *domain)
{
    ngx_http_privacy_cookie_scope_t  s;

    s.path_len = strlen(path);
    memcpy(s.path, path, s.path_len);
    s.domain_len = strlen(domain);
    memcpy(s.domain, domain, s.domain_len);

    return ngx_http_privacy_scope_memo_first(m, (const u_char *) name,
                                             strlen(name), &s);
}


static void
test_memo(void **state)
{
    int                             n;
    char                            name[32], path[32];
    size_t                          i;
    ngx_http_privacy_scope_memo_t  *m;

    (void) state;

    m = calloc(1, sizeof(*m));
    assert_non_null(m);

    assert_int_equal(first(m, "_ga", "/", "shop.se"), 1);
    assert_int_equal(first(m, "_ga", "/", "shop.se"), 0);
    assert_int_equal(first(m, "_ga", "/", ""), 1);
    assert_int_equal(first(m, "_ga", "", ""), 1);
    assert_int_equal(first(m, "_ga", "", ""), 0);
    /* the parts are told apart */
    assert_int_equal(first(m, "_ga", "/shop.se", ""), 1);
    assert_int_equal(first(m, "_gb", "/", "shop.se"), 1);

    /* a few per name: _ga has 4, 4 more are taken, then none */
    for (i = 0; i < 10; i++) {
        snprintf(path, sizeof(path), "/u/%zu", i);
        assert_int_equal(first(m, "_ga", path, ""),
                         i < NGX_HTTP_PRIVACY_SCOPE_PER_NAME - 4);
    }

    /* the known ones still are known, other names still recorded */
    assert_int_equal(first(m, "_ga", "/", "shop.se"), 0);
    assert_int_equal(first(m, "_gb", "/x", ""), 1);

    /* a flood of names fills three quarters of the memo, then stops */
    n = 0;

    for (i = 0; i < 4 * NGX_HTTP_PRIVACY_SCOPE_MEMO; i++) {
        snprintf(name, sizeof(name), "n%zu", i);
        n += first(m, name, "/", "");
    }

    assert_true(m->used <= NGX_HTTP_PRIVACY_SCOPE_MEMO / 4 * 3);
    assert_true(n > NGX_HTTP_PRIVACY_SCOPE_MEMO / 2);
    assert_int_equal(first(m, "n0", "/", ""), 0);
    assert_int_equal(first(m, "fresh", "/", ""), 0);

    free(m);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_memo),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
