/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the log-safe request target ($privacy_request_line,
 * docs/operator-guide.md "Access logs").  Inputs are request targets as
 * a client sends them; each is copied to a heap buffer of exactly its
 * length and the output buffer is exactly cap bytes, so that
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

#include "ngx_http_privacy_log_uri.h"
#include "unit_scrubber.h"


typedef struct {
    const char  *uri;
    const char  *expect;
} log_uri_t;


static void
expect_cap(const char *uri, size_t cap, const char *expect)
{
    u_char  *in, *out;
    size_t   len, n, i;

    len = strlen(uri);
    in = malloc(len ? len : 1);
    out = malloc(cap ? cap : 1);
    assert_non_null(in);
    assert_non_null(out);
    memcpy(in, uri, len);

    n = ngx_http_privacy_log_uri(scrubber, in, len, out, cap);

    assert_true(n <= cap);
    if (n != strlen(expect) || memcmp(out, expect, n) != 0) {
        fail_msg("uri \"%s\": expected \"%s\", got \"%.*s\"", uri, expect,
                 (int) n, (char *) out);
    }

    /* printable ASCII, no space, quote or backslash: safe in a log line */
    for (i = 0; i < n; i++) {
        assert_true(out[i] > 0x20 && out[i] < 0x7f && out[i] != '"'
                    && out[i] != '\\');
    }

    free(out);
    free(in);
}


static void
expect_table(const log_uri_t *t, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        expect_cap(t[i].uri, NGX_HTTP_PRIVACY_LOG_URI_BUF, t[i].expect);
    }
}


#define EXPECT_TABLE(t)  expect_table(t, sizeof(t) / sizeof(t[0]))


/* the example, and personal data in every part of a target */
static void
test_scrubbed(void **state)
{
    static const log_uri_t  t[] = {
        { "/search?q=Anna+Svensson+anna.s%40example.se+19811218-9876",
          "/search?q=anna+svensson+[email]+[personnummer]" },
        { "/search?q=070-123+45+67&page=2",
          "/search?q=[phone]&page=2" },
        { "/kund/anna.s%40example.se/orders",
          "/kund/[email]/orders" },
        { "/kund/19811218-9876", "/kund/[personnummer]" },
        { "/?anna%40example.se", "/?[email]" },
        { "/?anna%40example.se=1", "/?[email]=1" },
        { "/x?a=1#anna@example.se", "/x?a=1" },
        { "/x?q=%ff%fe", "/x?q=[invalid]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* what a log reader needs stays readable */
static void
test_kept(void **state)
{
    static const log_uri_t  t[] = {
        { "/", "/" },
        { "", "" },
        { "/products.html", "/products.html" },
        { "/privacy/consent?return=%2Fproduct.html",
          "/privacy/consent?return=/product.html" },
        { "/a?flag&x=&y=2", "/a?flag&x&y=2" },
        { "/caf%C3%A9", "/caf%C3%A9" },
        { "/a b", "/a%20b" },
        { "/q?s=a%26b%3Dc", "/q?s=a%26b%3Dc" },
        { "/x?q=%22quoted%22", "/x?q=%22quoted%22" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* arguments that do not fit are left out whole */
static void
test_cap(void **state)
{
    (void) state;

    expect_cap("/ab?x=1&y=2", 11, "/ab?x=1&y=2");
    expect_cap("/ab?x=1&y=2", 10, "/ab?x=1");
    expect_cap("/ab?x=1&y=2", 3, "/ab");
    expect_cap("/ab?x=1&y=2", 2, "/a");
    expect_cap("/ab?x=1&y=2", 0, "");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scrubbed),
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_cap),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
