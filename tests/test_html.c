/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of HTML escaping and the local redirect check.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_html.h"


/* escapes len bytes of s into an exact-size buffer and compares */
static void
expect_escape_n(const char *s, size_t len, const char *want, size_t wlen)
{
    u_char  *src, *dst, *end;
    size_t   n;

    src = malloc(len ? len : 1);
    assert_non_null(src);
    memcpy(src, s, len);

    n = ngx_http_privacy_html_escaped_len(src, len);
    assert_int_equal(n, wlen);

    dst = malloc(n ? n : 1);
    assert_non_null(dst);

    end = ngx_http_privacy_html_escape(dst, src, len);
    assert_ptr_equal(end, dst + n);
    if (n) {
        assert_memory_equal(dst, want, n);
    }

    free(dst);
    free(src);
}


static void
expect_escape(const char *s, const char *want)
{
    expect_escape_n(s, strlen(s), want, strlen(want));
}


static int
local(const char *s)
{
    int      rc;
    u_char  *p;
    size_t   len;

    len = strlen(s);
    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    rc = ngx_http_privacy_local_path(p, len);
    free(p);

    return rc;
}


static void
test_escape_each(void **state)
{
    (void) state;

    expect_escape("&", "&amp;");
    expect_escape("<", "&lt;");
    expect_escape(">", "&gt;");
    expect_escape("\"", "&quot;");
    expect_escape("'", "&#39;");
}


static void
test_escape_mixed(void **state)
{
    (void) state;

    expect_escape("<script>alert('x')</script>",
                  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect_escape("\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
    expect_escape("a&b&&c", "a&amp;b&amp;&amp;c");
    expect_escape("&amp;", "&amp;amp;");
    expect_escape("plain text 123", "plain text 123");
    expect_escape("", "");
}


static void
test_escape_high_bytes(void **state)
{
    (void) state;

    /* UTF-8 and invalid bytes >= 0x80 are not touched */
    expect_escape("s\xc3\xb6k <\xe2\x82\xac>",
                  "s\xc3\xb6k &lt;\xe2\x82\xac&gt;");
    expect_escape("\x80\xff\xfe", "\x80\xff\xfe");
}


static void
test_escape_nul_and_controls(void **state)
{
    (void) state;

    expect_escape_n("a\0<", 3, "a\0&lt;", 6);
    expect_escape_n("\0", 1, "\0", 1);
    expect_escape("\t\r\n", "\t\r\n");
}


static void
test_escape_all_bytes(void **state)
{
    int      c;
    u_char   b, out[8], *end;
    size_t   n;

    (void) state;

    for (c = 0; c < 256; c++) {
        b = (u_char) c;
        n = ngx_http_privacy_html_escaped_len(&b, 1);
        end = ngx_http_privacy_html_escape(out, &b, 1);

        assert_int_equal(end - out, n);

        if (strchr("&<>\"'", c) != NULL && c != 0) {
            assert_true(n > 1);
            assert_int_equal(out[0], '&');
            assert_int_equal(out[n - 1], ';');

        } else {
            assert_int_equal(n, 1);
            assert_int_equal(out[0], c);
        }
    }
}


static void
test_escape_null_empty(void **state)
{
    u_char  out[1];

    (void) state;

    assert_int_equal(ngx_http_privacy_html_escaped_len(NULL, 0), 0);
    assert_ptr_equal(ngx_http_privacy_html_escape(out, NULL, 0), out);
}


static void
test_escape_len_counts_only_len(void **state)
{
    (void) state;

    /* the '<' past len must not be counted */
    assert_int_equal(ngx_http_privacy_html_escaped_len((const u_char *) "a<",
                                                       1), 1);
}


static void
test_local_path_accept(void **state)
{
    (void) state;

    assert_true(local("/"));
    assert_true(local("/shop?q=1#x"));
    assert_true(local("/a/b"));
    assert_true(local("/privacy/consent?return=%2F%2Fevil"));
    assert_true(local("/s\xc3\xb6k"));
    assert_true(local("/a//b"));
    assert_true(local("/?next=http://x"));
}


static void
test_local_path_reject(void **state)
{
    (void) state;

    assert_false(local(""));
    assert_false(local("//evil.example"));
    assert_false(local("//"));
    assert_false(local("/\\evil"));
    assert_false(local("/\\"));
    assert_false(local("http://x"));
    assert_false(local("https://x/"));
    assert_false(local("javascript:x"));
    assert_false(local("JavaScript:alert(1)"));
    assert_false(local("data:text/html,x"));
    assert_false(local("shop"));
    assert_false(local("./shop"));
    assert_false(local("?q=1"));
    assert_false(local("#x"));
    assert_false(local(" /shop"));
    assert_false(local("\\\\evil"));
}


static void
test_local_path_bad_bytes(void **state)
{
    int     c;
    u_char  p[4];

    (void) state;

    assert_false(local("/a\\b"));
    assert_false(local("/shop\\"));

    /* browsers drop tab and newlines: "/\t/evil" would be "//evil" */
    assert_false(local("/\t/evil.example"));
    assert_false(local("/\r\nSet-Cookie: x=1"));
    assert_false(local("/a\x7f"));

    for (c = 0; c < 256; c++) {
        p[0] = '/';
        p[1] = 'a';
        p[2] = (u_char) c;
        p[3] = 'b';

        assert_int_equal(ngx_http_privacy_local_path(p, 4),
                         !(c < 0x20 || c == 0x7f || c == '\\'));
    }

    /* a NUL byte is a control byte too */
    assert_false(ngx_http_privacy_local_path((const u_char *) "/a\0b", 4));
    assert_false(ngx_http_privacy_local_path(NULL, 0));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_escape_each),
        cmocka_unit_test(test_escape_mixed),
        cmocka_unit_test(test_escape_high_bytes),
        cmocka_unit_test(test_escape_nul_and_controls),
        cmocka_unit_test(test_escape_all_bytes),
        cmocka_unit_test(test_escape_null_empty),
        cmocka_unit_test(test_escape_len_counts_only_len),
        cmocka_unit_test(test_local_path_accept),
        cmocka_unit_test(test_local_path_reject),
        cmocka_unit_test(test_local_path_bad_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
