/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the x-www-form-urlencoded parser.  Inputs are copied to
 * heap buffers of exactly their length so over-reads are caught.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_form.h"


typedef struct {
    const char  *key;
    const char  *val;
} field_t;


static u_char *
dup_exact(const void *s, size_t len)
{
    u_char  *p;

    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    return p;
}


static void
span_eq(const u_char *p, size_t len, const char *s)
{
    assert_int_equal(len, strlen(s));
    if (len) {
        assert_memory_equal(p, s, len);
    }
}


/* the raw (still encoded) fields of body must be exactly exp */
static void
expect_fields(const char *body, const field_t *exp, size_t n)
{
    u_char                        *b;
    size_t                         i, len, klen, vlen;
    const u_char                  *k, *v;
    ngx_http_privacy_form_iter_t   it;

    len = strlen(body);
    b = dup_exact(body, len);

    ngx_http_privacy_form_iter_init(&it, b, len);

    for (i = 0; i < n; i++) {
        assert_int_equal(ngx_http_privacy_form_next(&it, &k, &klen, &v,
                                                    &vlen), 1);
        span_eq(k, klen, exp[i].key);
        span_eq(v, vlen, exp[i].val);
        assert_true(k >= b && k + klen <= b + len);
        assert_true(v >= b && v + vlen <= b + len);
    }

    assert_int_equal(ngx_http_privacy_form_next(&it, &k, &klen, &v, &vlen),
                     0);
    assert_int_equal(ngx_http_privacy_form_next(&it, &k, &klen, &v, &vlen),
                     0);

    free(b);
}


/* decodes out of place and in place; both must give want (wlen bytes) */
static void
expect_decode(const char *src, const char *want, size_t wlen)
{
    u_char  *s, *d;
    size_t   len, n;

    len = strlen(src);
    s = dup_exact(src, len);
    d = malloc(len ? len : 1);
    assert_non_null(d);

    n = ngx_http_privacy_form_decode(s, len, d);
    assert_int_equal(n, wlen);
    if (n) {
        assert_memory_equal(d, want, n);
    }

    n = ngx_http_privacy_form_decode(s, len, s);
    assert_int_equal(n, wlen);
    if (n) {
        assert_memory_equal(s, want, n);
    }

    free(d);
    free(s);
}


static void
test_consent_body(void **state)
{
    static const field_t  e[] = {
        {"action", "save"},
        {"category", "statistics"},
        {"category", "marketing"},
        {"return", "%2Fshop%3Fa%3Db"},
    };
    static const char     body[] = "action=save&category=statistics"
                                   "&category=marketing"
                                   "&return=%2Fshop%3Fa%3Db";
    u_char                        buf[sizeof(body)];
    size_t                        klen, vlen, n;
    const u_char                 *k, *v;
    ngx_http_privacy_form_iter_t  it;

    (void) state;

    expect_fields(body, e, 4);

    /* the decoded return value, through the whole path */
    ngx_http_privacy_form_iter_init(&it, (const u_char *) body,
                                    sizeof(body) - 1);
    while (ngx_http_privacy_form_next(&it, &k, &klen, &v, &vlen)) {
        if (ngx_http_privacy_form_key_is(k, klen, "return")) {
            n = ngx_http_privacy_form_decode(v, vlen, buf);
            span_eq(buf, n, "/shop?a=b");
            return;
        }
    }

    fail_msg("no return field");
}


static void
test_empty_fields(void **state)
{
    static const field_t  e[] = { {"a", "1"}, {"b", "2"} };
    static const field_t  e2[] = { {"", "v"}, {"", ""}, {"k", ""} };

    (void) state;

    expect_fields("&&a=1&&&b=2&", e, 2);
    expect_fields("", NULL, 0);
    expect_fields("&", NULL, 0);
    expect_fields("&&&&", NULL, 0);

    /* "=v" and "=" are fields (with an empty key), not empty ones */
    expect_fields("=v&=&k=", e2, 3);
}


static void
test_no_equals(void **state)
{
    static const field_t  e[] = { {"flag", ""}, {"a", "1"}, {"x y", ""} };

    (void) state;

    expect_fields("flag&a=1&x y", e, 3);
}


static void
test_raw_spans(void **state)
{
    static const field_t  e[] = {
        {"a", "b=c"}, {"a;b", "c;d"}, {"k%3D", "%26"}, {"+", "+"}
    };

    (void) state;

    /* only the first '=' splits; ';' is data; nothing is decoded yet */
    expect_fields("a=b=c&a;b=c;d&k%3D=%26&+=+", e, 4);
}


static void
test_null_empty(void **state)
{
    size_t                        klen, vlen;
    const u_char                 *k, *v;
    ngx_http_privacy_form_iter_t  it;

    (void) state;

    ngx_http_privacy_form_iter_init(&it, NULL, 0);
    assert_int_equal(ngx_http_privacy_form_next(&it, &k, &klen, &v, &vlen),
                     0);
    assert_int_equal(ngx_http_privacy_form_decode(NULL, 0, NULL), 0);
}


static void
test_decode_basic(void **state)
{
    (void) state;

    expect_decode("%2Fshop%3Fa%3Db", "/shop?a=b", 9);
    expect_decode("hello+world", "hello world", 11);
    expect_decode("%2b+%2B", "+ +", 3);
    expect_decode("%c3%A5%C3%a4", "\xc3\xa5\xc3\xa4", 4);
    expect_decode("plain", "plain", 5);
    expect_decode("", "", 0);
}


static void
test_decode_invalid_percent(void **state)
{
    (void) state;

    expect_decode("%", "%", 1);
    expect_decode("%2", "%2", 2);
    expect_decode("a%", "a%", 2);
    expect_decode("%zz", "%zz", 3);
    expect_decode("%2g", "%2g", 3);
    expect_decode("%g2", "%g2", 3);
    expect_decode("100%", "100%", 4);
    expect_decode("%%41", "%A", 2);
    expect_decode("%%%", "%%%", 3);

    /* decoding happens once: "%2541" is "%41", not "A" */
    expect_decode("%2541", "%41", 3);
}


static void
test_decode_nul(void **state)
{
    (void) state;

    expect_decode("%00", "\0", 1);
    expect_decode("a%00b", "a\0b", 3);
    expect_decode("%00%00", "\0\0", 2);
}


static void
test_decode_all_bytes(void **state)
{
    int      c;
    char     enc[4];
    u_char   out[3];

    (void) state;

    for (c = 0; c < 256; c++) {
        enc[0] = '%';
        enc[1] = "0123456789ABCDEF"[c >> 4];
        enc[2] = "0123456789abcdef"[c & 0xf];
        enc[3] = '\0';

        assert_int_equal(ngx_http_privacy_form_decode((u_char *) enc, 3, out),
                         1);
        assert_int_equal(out[0], c);
    }
}


static void
test_decode_partial_length(void **state)
{
    u_char  out[8];

    (void) state;

    /* a "%XX" cut by len is literal: the bytes past len are not read */
    assert_int_equal(ngx_http_privacy_form_decode((const u_char *) "%41", 2,
                                                  out), 2);
    assert_memory_equal(out, "%4", 2);
}


static void
test_key_is(void **state)
{
    (void) state;

    assert_true(ngx_http_privacy_form_key_is((const u_char *) "return", 6,
                                             "return"));
    assert_true(ngx_http_privacy_form_key_is((const u_char *) "re%74urn", 8,
                                             "return"));
    assert_true(ngx_http_privacy_form_key_is((const u_char *) "a+b", 3,
                                             "a b"));
    assert_true(ngx_http_privacy_form_key_is((const u_char *) "a%2", 3,
                                             "a%2"));
    assert_true(ngx_http_privacy_form_key_is((const u_char *) "", 0, ""));
    assert_true(ngx_http_privacy_form_key_is(NULL, 0, ""));

    assert_false(ngx_http_privacy_form_key_is((const u_char *) "retur", 5,
                                              "return"));
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "returns", 7,
                                              "return"));
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "Return", 6,
                                              "return"));
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "", 0, "q"));
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "q", 1, ""));

    /* an encoded NUL is a byte of the key, not its end */
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "q%00", 4,
                                              "q"));
    assert_false(ngx_http_privacy_form_key_is((const u_char *) "%00", 3,
                                              ""));

    /* only key_len bytes count */
    assert_true(ngx_http_privacy_form_key_is((const u_char *) "actionX", 6,
                                             "action"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_consent_body),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_no_equals),
        cmocka_unit_test(test_raw_spans),
        cmocka_unit_test(test_null_empty),
        cmocka_unit_test(test_decode_basic),
        cmocka_unit_test(test_decode_invalid_percent),
        cmocka_unit_test(test_decode_nul),
        cmocka_unit_test(test_decode_all_bytes),
        cmocka_unit_test(test_decode_partial_length),
        cmocka_unit_test(test_key_is),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
