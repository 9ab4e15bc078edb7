/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the analytics path scrubber (issue 15, item 6;
 * docs/security.md "Personal data in paths").  Inputs are decoded paths
 * as nginx keeps them in r->uri; each is copied to a heap buffer of
 * exactly its length and the output buffer is exactly cap bytes, so that
 * AddressSanitizer reports any access past either.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_path.h"
#include "unit_scrubber.h"


#define CAP  255


typedef struct {
    const char  *path;
    const char  *expect;
} path_t;


static void
expect_cap(const char *path, size_t cap, const char *expect)
{
    u_char  *in, *out;
    size_t   len, n;

    len = strlen(path);
    in = malloc(len ? len : 1);
    out = malloc(cap);
    assert_non_null(in);
    assert_non_null(out);
    memcpy(in, path, len);

    n = ngx_http_privacy_path_scrub(scrubber, in, len, out, cap);

    assert_true(n <= cap);
    if (n != strlen(expect) || memcmp(out, expect, n) != 0) {
        fail_msg("path \"%s\": expected \"%s\", got \"%.*s\"", path, expect,
                 (int) n, (char *) out);
    }

    free(out);
    free(in);
}


static void
expect_table(const path_t *t, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        expect_cap(t[i].path, CAP, t[i].expect);
    }
}


#define EXPECT_TABLE(t)  expect_table(t, sizeof(t) / sizeof(t[0]))


/* the examples, and the scrubber's other placeholders */
static void
test_personal_data(void **state)
{
    static const path_t  t[] = {
        { "/orders/anna.svensson@example.se", "/orders/[email]" },
        { "/orders/Anna.Svensson@Example.se/receipt",
          "/orders/[email]/receipt" },
        { "/kund/19121212-1212", "/kund/[personnummer]" },
        { "/kund/121212-1212/", "/kund/[personnummer]/" },
        { "/kund/191212121212", "/kund/[personnummer]" },
        { "/ring/070-123 45 67", "/ring/[phone]" },
        { "/ring/+46701234567", "/ring/[phone]" },
        { "/konto/123456789012", "/konto/[number]" },
        { "/kort/4111-1111-1111-1111", "/kort/[number]" },
        { "/a/anna@example.se/b/19121212-1212/c",
          "/a/[email]/b/[personnummer]/c" },
        { "/kontakt/Skriv till anna@example.se",
          "/kontakt/skriv till [email]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* the disguises of item 7 reach paths too */
static void
test_variants(void **state)
{
    static const path_t  t[] = {
        { "/orders/anna%40example.se", "/orders/[email]" },
        { "/orders/anna%2540example.se", "/orders/[email]" },
        { "/orders/\"anna.s\"@example.se", "/orders/[email]" },
        { "/orders/anna\xef\xbc\xa0" "example.se", "/orders/[email]" },
        { "/orders/anna(at)example.se", "/orders/[email]" },
        { "/orders/anna [at] example [dot] se", "/orders/[email]" },
        { "/orders/anna @ example.se", "/orders/[email]" },
        { "/kund/19121212%252D1212", "/kund/[personnummer]" },
        { "/x/anna%252525252540example.se", "/x/[redacted]" },
        /* no address once decoded, but one in the bytes as sent */
        { "/orders/anna%40@example.se", "/orders/[redacted]" },
        { "/f/anna%2540@33339naa.s%", "/f/[redacted]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* what reports need stays as the site spells it */
static void
test_kept(void **state)
{
    static const path_t  t[] = {
        { "/", "/" },
        { "", "" },
        { "//a//", "//a//" },
        { "/Products/Red-Shoes", "/Products/Red-Shoes" },
        { "/orders/123456", "/orders/123456" },
        { "/blog/2024/11/05/Sale", "/blog/2024/11/05/Sale" },
        { "/html/caf\xc3\xa9", "/html/caf\xc3\xa9" },
        { "/v2/api%20docs", "/v2/api%20docs" },
        { "/about@home", "/about@home" },
        { "/a+b/c%zz", "/a+b/c%zz" },
        { "/000123/aaaa", "/000123/aaaa" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_query_and_invalid(void **state)
{
    static const path_t  t[] = {
        { "/search?q=anna@example.se", "/search" },
        { "/page#anna@example.se", "/page" },
        { "/x/\xff\xfe/y", "/x/[redacted]/y" },
        { "/x/%ff/y", "/x/%ff/y" },            /* literal text, not bytes */
        { "/x/ /y", "/x/[redacted]/y" },        /* nothing but a space */
        { "/x/\xe2\x80\x8b/y", "/x/[redacted]/y" },   /* only U+200B */
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* segments that do not fit are left out whole */
static void
test_cap(void **state)
{
    char    path[2048];
    size_t  i;

    (void) state;

    expect_cap("/abc/defg", 9, "/abc/defg");
    expect_cap("/abc/defg", 8, "/abc/");
    expect_cap("/abc/defg", 4, "/abc");
    expect_cap("/abc/defg", 1, "/");
    expect_cap("/abc/defg", 0, "");

    /* the cap counts the placeholder, not the address it replaced */
    expect_cap("/a/anna.svensson@example.se", 10, "/a/[email]");

    /* a segment longer than the scrubber takes is not stored */
    path[0] = '/';
    for (i = 1; i < 1500; i++) {
        path[i] = 'a';
    }
    memcpy(path + 1500, "/b", 3);
    expect_cap(path, CAP, "/[redacted]/b");

    /* a long clean path is cut before the segment that does not fit */
    strcpy(path, "/html/x");
    for (i = 0; i < 200; i++) {
        strcat(path, "\xc3\xa5");
    }
    expect_cap(path, CAP, "/html/");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_personal_data),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_query_and_invalid),
        cmocka_unit_test(test_cap),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
