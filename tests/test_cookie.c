/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the Cookie / Set-Cookie parser.  Every input is copied to
 * a heap buffer of exactly its length, so AddressSanitizer reports any
 * read past len.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_cookie.h"


#define MAX_PAIRS  2048


typedef struct {
    const char  *name;
    const char  *value;
} expect_t;


typedef struct {
    const char  **drop;         /* NULL-terminated names to drop */
    size_t        calls;
} dropper_t;


/* a heap copy of exactly len bytes, so reading past the end is caught */
static u_char *
dup_exact(const void *s, size_t len)
{
    u_char  *p;

    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    return p;
}


static size_t
parse_all(const u_char *v, size_t len, ngx_http_privacy_cookie_pair_t *out,
    size_t max)
{
    size_t                          n;
    ngx_http_privacy_cookie_iter_t  it;

    n = 0;
    ngx_http_privacy_cookie_iter_init(&it, v, len);

    while (n < max && ngx_http_privacy_cookie_next(&it, &out[n])) {
        n++;
    }

    /* the iterator stays at the end once it got there */
    if (n < max) {
        assert_int_equal(ngx_http_privacy_cookie_next(&it, &out[n]), 0);
        assert_int_equal(ngx_http_privacy_cookie_next(&it, &out[n]), 0);
    }

    return n;
}


static void
span_eq(const u_char *p, size_t len, const char *s)
{
    assert_int_equal(len, strlen(s));
    if (len) {
        assert_memory_equal(p, s, len);
    }
}


/* parses the first len bytes of hdr and checks the (name, value) list */
static void
expect_pairs_n(const char *hdr, size_t len, const expect_t *exp, size_t n)
{
    u_char                          *v;
    size_t                           got, i;
    ngx_http_privacy_cookie_pair_t  *pairs;

    v = dup_exact(hdr, len);
    pairs = calloc(MAX_PAIRS, sizeof(*pairs));
    assert_non_null(pairs);

    got = parse_all(v, len, pairs, MAX_PAIRS);
    assert_int_equal(got, n);

    for (i = 0; i < n; i++) {
        span_eq(pairs[i].name, pairs[i].name_len, exp[i].name);
        span_eq(pairs[i].value, pairs[i].value_len, exp[i].value);

        /* every span lies inside the header */
        assert_true(pairs[i].start >= v);
        assert_true(pairs[i].start + pairs[i].len <= v + len);
        assert_true(pairs[i].name >= pairs[i].start);
        assert_true(pairs[i].value + pairs[i].value_len
                    == pairs[i].start + pairs[i].len);
    }

    free(pairs);
    free(v);
}


static void
expect_pairs(const char *hdr, const expect_t *exp, size_t n)
{
    expect_pairs_n(hdr, strlen(hdr), exp, n);
}


static int
keep_unless_listed(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    size_t      i;
    dropper_t  *d;

    d = data;
    d->calls++;

    for (i = 0; d->drop[i]; i++) {
        if (pair->name_len == strlen(d->drop[i])
            && memcmp(pair->name, d->drop[i], pair->name_len) == 0)
        {
            return 0;
        }
    }

    return 1;
}


static int
keep_none(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    (void) data;
    (void) pair;

    return 0;
}


static int
keep_all(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    (void) data;
    (void) pair;

    return 1;
}


static int
keep_even(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    size_t  *n;

    (void) pair;
    n = data;

    return ((*n)++ % 2) == 0;
}


/* filters hdr into an exact-size buffer and compares with want */
static void
expect_filter(const char *hdr, const char **drop, const char *want,
    size_t want_dropped)
{
    u_char     *v, *out;
    size_t      len, n, dropped;
    dropper_t   d;

    len = strlen(hdr);
    v = dup_exact(hdr, len);
    out = malloc(len ? len : 1);
    assert_non_null(out);

    d.drop = drop;
    d.calls = 0;
    dropped = 12345;

    n = ngx_http_privacy_cookie_filter(v, len, out, keep_unless_listed, &d,
                                       &dropped);
    assert_true(n <= len);
    span_eq(out, n, want);
    assert_int_equal(dropped, want_dropped);

    /* the same in place, as the module may rewrite the header value */
    d.calls = 0;
    n = ngx_http_privacy_cookie_filter(v, len, v, keep_unless_listed, &d,
                                       &dropped);
    span_eq(v, n, want);
    assert_int_equal(dropped, want_dropped);

    free(out);
    free(v);
}


static void
test_basic(void **state)
{
    static const expect_t  e[] = { {"a", "1"}, {"b", "2"} };

    (void) state;

    expect_pairs("a=1; b=2", e, 2);
    expect_pairs("a=1;b=2", e, 2);
    expect_pairs("a=1 ; b=2", e, 2);
}


static void
test_pair_spans(void **state)
{
    u_char                          *v;
    const char                      *hdr;
    ngx_http_privacy_cookie_pair_t   p[4];

    (void) state;

    hdr = " \t a = 1 \t;b=2";
    v = dup_exact(hdr, strlen(hdr));

    assert_int_equal(parse_all(v, strlen(hdr), p, 4), 2);

    /* start/len is the pair as written, trimmed only at its ends */
    span_eq(p[0].start, p[0].len, "a = 1");
    span_eq(p[0].name, p[0].name_len, "a");
    span_eq(p[0].value, p[0].value_len, "1");
    span_eq(p[1].start, p[1].len, "b=2");

    free(v);
}


static void
test_tabs(void **state)
{
    static const expect_t  e[] = {
        {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "x\ty z"}
    };

    (void) state;

    expect_pairs("\ta=1;\tb=2\t;\t c \t=\t 3 \t;d=x\ty z\t", e, 4);
}


static void
test_separator_runs(void **state)
{
    static const expect_t  e[] = { {"a", "1"}, {"b", "2"} };

    (void) state;

    expect_pairs(";a=1;b=2;", e, 2);
    expect_pairs("; ;a=1;; ; b=2 ;  ; ", e, 2);
    expect_pairs(";;;;a=1;;;;;;b=2;;;;", e, 2);
    expect_pairs(" \t ; \t a=1 \t ; \t ; \t b=2 \t ; \t ", e, 2);

    expect_pairs("", NULL, 0);
    expect_pairs(" ", NULL, 0);
    expect_pairs(";", NULL, 0);
    expect_pairs("; ; ;;\t;", NULL, 0);
}


static void
test_null_empty(void **state)
{
    ngx_http_privacy_cookie_iter_t  it;
    ngx_http_privacy_cookie_pair_t  p;

    (void) state;

    ngx_http_privacy_cookie_iter_init(&it, NULL, 0);
    assert_int_equal(ngx_http_privacy_cookie_next(&it, &p), 0);
}


static void
test_equals_runs(void **state)
{
    static const expect_t  e1[] = { {"", "="} };
    static const expect_t  e2[] = { {"a", "=b"} };
    static const expect_t  e3[] = { {"a", ""}, {"b", ""} };
    static const expect_t  e4[] = { {"", "v"}, {"", ""}, {"", "=="} };
    static const expect_t  e5[] = { {"a", "b=c=d"} };

    (void) state;

    expect_pairs("==", e1, 1);
    expect_pairs("a==b", e2, 1);
    expect_pairs("a=; b=", e3, 2);
    expect_pairs("=v; =; ===", e4, 3);
    expect_pairs("a=b=c=d", e5, 1);
}


static void
test_empty_names(void **state)
{
    static const expect_t  e[] = { {"", "v"}, {"x", "1"} };
    static const expect_t  e2[] = { {"", ""}, {"", ""} };

    (void) state;

    expect_pairs("=v; x=1", e, 2);
    expect_pairs("= ; =\t", e2, 2);
    expect_pairs(" = v ;x=1", e, 2);
}


static void
test_no_equals(void **state)
{
    static const expect_t  e[] = {
        {"", "foo"}, {"a", "1"}, {"", "bar baz"}
    };

    (void) state;

    expect_pairs("foo; a=1; bar baz", e, 3);
}


static void
test_quoted(void **state)
{
    static const expect_t  e[] = {
        {"a", "\"x y\""}, {"b", "\"\""}, {"c", "\"unterminated"}
    };

    (void) state;

    /* quotes are kept; ';' still separates, as browsers split there */
    expect_pairs("a=\"x y\"; b=\"\"; c=\"unterminated", e, 3);
}


static void
test_duplicates(void **state)
{
    static const expect_t  e[] = { {"a", "1"}, {"b", "x"}, {"a", "2"} };

    (void) state;

    expect_pairs("a=1; b=x; a=2", e, 3);
}


static void
test_binary_bytes(void **state)
{
    static const char      hdr[] = "\xc3\xa5\xc3\xa4=\x01\x7f\xff; "
                                   "n\r\n=v\0x; \0=\0; \x1f\x80";
    static const expect_t  e[] = {
        {"\xc3\xa5\xc3\xa4", "\x01\x7f\xff"}
    };
    ngx_http_privacy_cookie_pair_t  p[8];
    u_char                         *v;
    size_t                          len;

    (void) state;

    expect_pairs("\xc3\xa5\xc3\xa4=\x01\x7f\xff", e, 1);

    /* NUL bytes are data too: the length decides, not a terminator */
    len = sizeof(hdr) - 1;
    v = dup_exact(hdr, len);

    assert_int_equal(parse_all(v, len, p, 8), 4);
    span_eq(p[0].name, p[0].name_len, "\xc3\xa5\xc3\xa4");
    assert_int_equal(p[1].name_len, 3);
    assert_memory_equal(p[1].name, "n\r\n", 3);
    assert_int_equal(p[1].value_len, 3);
    assert_memory_equal(p[1].value, "v\0x", 3);
    assert_int_equal(p[2].name_len, 1);
    assert_int_equal(p[2].name[0], 0);
    assert_int_equal(p[2].value_len, 1);
    assert_int_equal(p[2].value[0], 0);
    assert_int_equal(p[3].name_len, 0);
    span_eq(p[3].value, p[3].value_len, "\x1f\x80");

    free(v);
}


static void
test_large_header(void **state)
{
    char                            *hdr, name[32], value[32];
    u_char                          *v;
    size_t                           len, n, i, cookies;
    ngx_http_privacy_cookie_pair_t  *p;

    (void) state;

    /* 32 KB: one 16 KB value, then 16-byte cookies up to the limit */
    len = 32768;
    hdr = malloc(len + 1);
    assert_non_null(hdr);

    memcpy(hdr, "big=", 4);
    memset(hdr + 4, 'x', 16384 - 4);
    n = 16384;
    cookies = 1;

    while (n + 16 <= len) {
        n += snprintf(hdr + n, 17, "; k%05zu=%07zu", cookies, cookies);
        cookies++;
    }

    memset(hdr + n, ' ', len - n);
    v = dup_exact(hdr, len);

    p = calloc(MAX_PAIRS, sizeof(*p));
    assert_non_null(p);

    assert_int_equal(parse_all(v, len, p, MAX_PAIRS), cookies);
    span_eq(p[0].name, p[0].name_len, "big");
    assert_int_equal(p[0].value_len, 16380);

    for (i = 1; i < cookies; i++) {
        snprintf(name, sizeof(name), "k%05zu", i);
        snprintf(value, sizeof(value), "%07zu", i);
        span_eq(p[i].name, p[i].name_len, name);
        span_eq(p[i].value, p[i].value_len, value);
    }

    free(p);
    free(v);
    free(hdr);
}


static void
test_thousand_cookies(void **state)
{
    char                            *hdr, name[32], value[32];
    u_char                          *v, *out;
    size_t                           len, i, n, counter, dropped;
    ngx_http_privacy_cookie_pair_t  *p;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   q;

    (void) state;

    hdr = malloc(1000 * 24);
    assert_non_null(hdr);
    len = 0;

    for (i = 0; i < 1000; i++) {
        len += sprintf(hdr + len, "%sc%zu=v%zu", i ? "; " : "", i, i);
    }

    v = dup_exact(hdr, len);
    p = calloc(MAX_PAIRS, sizeof(*p));
    assert_non_null(p);

    assert_int_equal(parse_all(v, len, p, MAX_PAIRS), 1000);

    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "c%zu", i);
        snprintf(value, sizeof(value), "v%zu", i);
        span_eq(p[i].name, p[i].name_len, name);
        span_eq(p[i].value, p[i].value_len, value);
    }

    /* keep every other one: 500 remain, in order */
    out = malloc(len);
    assert_non_null(out);
    counter = 0;

    n = ngx_http_privacy_cookie_filter(v, len, out, keep_even, &counter,
                                       &dropped);
    assert_int_equal(dropped, 500);
    assert_true(n < len);

    ngx_http_privacy_cookie_iter_init(&it, out, n);

    for (i = 0; i < 1000; i += 2) {
        assert_int_equal(ngx_http_privacy_cookie_next(&it, &q), 1);
        snprintf(name, sizeof(name), "c%zu", i);
        span_eq(q.name, q.name_len, name);
    }

    assert_int_equal(ngx_http_privacy_cookie_next(&it, &q), 0);

    free(out);
    free(p);
    free(v);
    free(hdr);
}


static void
test_filter_drop_positions(void **state)
{
    static const char  *first[] = { "_ga", NULL };
    static const char  *middle[] = { "_fbp", NULL };
    static const char  *last[] = { "sid", NULL };
    static const char  *two[] = { "_ga", "sid", NULL };

    (void) state;

    expect_filter("_ga=GA1.2.3; _fbp=fb.1; sid=abc", first,
                  "_fbp=fb.1; sid=abc", 1);
    expect_filter("_ga=GA1.2.3; _fbp=fb.1; sid=abc", middle,
                  "_ga=GA1.2.3; sid=abc", 1);
    expect_filter("_ga=GA1.2.3; _fbp=fb.1; sid=abc", last,
                  "_ga=GA1.2.3; _fbp=fb.1", 1);
    expect_filter("_ga=GA1.2.3; _fbp=fb.1; sid=abc", two, "_fbp=fb.1", 2);

    /* duplicates are all dropped, the separators with them */
    expect_filter("_ga=1; a=1; _ga=2; b=2; _ga=3", first, "a=1; b=2", 3);
}


static void
test_filter_all_dropped(void **state)
{
    u_char      *v, out[64];
    size_t       n, dropped;
    const char  *hdr;

    (void) state;

    hdr = "a=1; b=2; c";
    v = dup_exact(hdr, strlen(hdr));

    n = ngx_http_privacy_cookie_filter(v, strlen(hdr), out, keep_none, NULL,
                                       &dropped);
    assert_int_equal(n, 0);
    assert_int_equal(dropped, 3);

    free(v);
}


static void
test_filter_none_dropped(void **state)
{
    static const char  *none[] = { NULL };
    static const char  *x_is_ga[] = { "_ga", NULL };

    (void) state;

    expect_filter("a=1; b=2; c=3", none, "a=1; b=2; c=3", 0);

    /*
     * Between cookies kept side by side the bytes are those sent (a
     * quoted value holding ';' stays whole); only the ends are trimmed.
     */
    expect_filter("  A = 1 ;b=\"q\";; ;  c\t ", none,
                  "A = 1 ;b=\"q\";; ;  c", 0);
    expect_filter("x=\"a;b\"; _ga=1; y=\"c;d\"", x_is_ga,
                  "x=\"a;b\"; y=\"c;d\"", 1);
    expect_filter("", none, "", 0);
    expect_filter(" ; ; ", none, "", 0);
}


static void
test_filter_tight_input(void **state)
{
    static const char  *none[] = { NULL };
    static const char  *b[] = { "b", NULL };
    static const char  *a[] = { "a", NULL };

    (void) state;

    /*
     * "a=1;b=2" has no room for "; ": the output must not outgrow the
     * input (callers size the buffer by it), so ";" is used there.
     */
    expect_filter("a=1;b=2;c=3", none, "a=1;b=2;c=3", 0);
    expect_filter("a=1;b=2;c=3", b, "a=1; c=3", 1);
    expect_filter("a=1;b=2;c=3", a, "b=2;c=3", 1);
    expect_filter("a=1;b=2; c=3", none, "a=1;b=2; c=3", 0);
}


static void
test_filter_callback(void **state)
{
    static const char  *drop[] = { "x", NULL };
    u_char              out[64];
    size_t              n;
    dropper_t           d;
    const char         *hdr;

    (void) state;

    hdr = "a=1; x=2; b=3; x";
    d.drop = drop;
    d.calls = 0;

    /* a NULL dropped pointer is allowed */
    n = ngx_http_privacy_cookie_filter((const u_char *) hdr, strlen(hdr), out,
                                       keep_unless_listed, &d, NULL);
    assert_int_equal(d.calls, 4);
    span_eq(out, n, "a=1; b=3; x");

    n = ngx_http_privacy_cookie_filter((const u_char *) hdr, strlen(hdr), out,
                                       keep_all, NULL, NULL);
    span_eq(out, n, hdr);
}


static void
test_filter_runs(void **state)
{
    static const char  *none[] = { NULL };
    static const char  *a[] = { "a", NULL };
    static const char  *b[] = { "b", NULL };
    static const char  *c[] = { "c", NULL };
    static const char  *x[] = { "x", NULL };
    static const char  *ad[] = { "a", "d", NULL };
    static const char  *bc[] = { "b", "c", NULL };

    (void) state;

    /*
     * Kept cookies that follow each other with the separator the output
     * needs are copied as one run; any other separator ends the run.
     */
    expect_filter("a=1; b=2; c=3; d=4", b, "a=1; c=3; d=4", 1);
    expect_filter("a=1; b=2; c=3; d=4", ad, "b=2; c=3", 2);
    expect_filter("a=1; b=2; c=3; d=4", bc, "a=1; d=4", 2);
    expect_filter("a=1;b=2;c=3;d=4", b, "a=1; c=3;d=4", 1);
    expect_filter("a=1;b=2;c=3;d=4", a, "b=2;c=3;d=4", 1);
    expect_filter("a=1;b=2;c=3;d=4", c, "a=1;b=2; d=4", 1);
    expect_filter("a=1;b=2;c=3;d=4", none, "a=1;b=2;c=3;d=4", 0);
    expect_filter("a=1 ;b=2;  c=3 ; d=4", none, "a=1 ;b=2;  c=3 ; d=4", 0);
    expect_filter("a=1 ;b=2;  c=3 ; d=4", b, "a=1; c=3 ; d=4", 1);
    expect_filter("a=1;;b=2; ;c=3;\td=4", none, "a=1;;b=2; ;c=3;\td=4", 0);
    expect_filter("a=1;;b=2; ;c=3;\td=4", a, "b=2; ;c=3;\td=4", 1);

    /* where a cookie was dropped, "; " joins its neighbours */
    expect_filter("x=1; a=1;b=2;c=3", x, "a=1;b=2;c=3", 1);
    expect_filter("a=1;x=1;b=2; c=3;d=4", x, "a=1; b=2; c=3;d=4", 1);

    expect_filter("  a=1; b=2  ", none, "a=1; b=2", 0);
    expect_filter("a=1; x; b=2", none, "a=1; x; b=2", 0);
    expect_filter("a=1; x; b=2", a, "x; b=2", 1);
    expect_filter("a = 1 ; b\t=\t2", none, "a = 1 ; b\t=\t2", 0);
    expect_filter("a = 1 ; b\t=\t2", a, "b\t=\t2", 1);
}


static void
test_long_segments(void **state)
{
    char                            *hdr;
    u_char                          *v;
    size_t                           nl, vl, len;
    ngx_http_privacy_cookie_pair_t   p[4];

    (void) state;

    /* '=' and ';' at every offset, far beyond what one vector holds */
    hdr = malloc(256);
    assert_non_null(hdr);

    for (nl = 0; nl <= 80; nl++) {
        for (vl = 0; vl <= 80; vl += 1 + vl / 8) {
            memset(hdr, 'n', nl);
            hdr[nl] = '=';
            memset(hdr + nl + 1, 'v', vl);
            len = nl + 1 + vl;
            memcpy(hdr + len, " ;z", 3);
            len += 3;

            v = dup_exact(hdr, len);
            assert_int_equal(parse_all(v, len, p, 4), 2);
            assert_int_equal(p[0].name_len, nl);
            assert_true(p[0].name == v);
            assert_int_equal(p[0].value_len, vl);
            assert_true(p[0].value == v + nl + 1);
            assert_int_equal(p[0].len, nl + 1 + vl);
            assert_int_equal(p[1].name_len, 0);
            span_eq(p[1].value, p[1].value_len, "z");

            /* and without '=': a value only, up to the end */
            v[nl] = 'n';
            assert_int_equal(parse_all(v, len - 3, p, 4), 1);
            assert_int_equal(p[0].name_len, 0);
            assert_int_equal(p[0].value_len, nl + 1 + vl);

            free(v);
        }
    }

    free(hdr);
}


static void
test_blanks_around_equals(void **state)
{
    static const expect_t  e1[] = { {"a", "= b"} };
    static const expect_t  e2[] = { {"", "ab"}, {"c", ""} };
    static const expect_t  e3[] = { {"", ""}, {"", ""} };
    static const expect_t  e4[] = { {"a b", "c d"} };

    (void) state;

    /* only the first '=' splits; blanks around it and at the ends go */
    expect_pairs("a \t=  = b", e1, 1);
    expect_pairs("ab \t; c\t=\t", e2, 2);
    expect_pairs("=;\t=\t", e3, 2);
    expect_pairs(" a b = c d ", e4, 1);
}


static void
test_set_cookie_name(void **state)
{
    int            rc;
    size_t         len;
    const u_char  *name;
    const char    *v;

    (void) state;

    v = "_ga=GA1.2; Path=/; Domain=.example.se";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    span_eq(name, len, "_ga");

    v = " \t sid \t = x ; Secure";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    span_eq(name, len, "sid");

    v = "sid=";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    span_eq(name, len, "sid");

    /* the '=' of an attribute does not count */
    v = "novalue; Path=/";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    assert_int_equal(len, 0);

    v = "=v; Path=/";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    assert_int_equal(len, 0);

    v = "a==b";
    rc = ngx_http_privacy_set_cookie_name((const u_char *) v, strlen(v),
                                          &name, &len);
    assert_int_equal(rc, 0);
    span_eq(name, len, "a");
}


static void
test_set_cookie_name_empty(void **state)
{
    size_t         len;
    const u_char  *name;

    (void) state;

    assert_int_equal(ngx_http_privacy_set_cookie_name(NULL, 0, &name, &len),
                     -1);
    assert_int_equal(ngx_http_privacy_set_cookie_name(
                         (const u_char *) "   ", 3, &name, &len), -1);
    assert_int_equal(ngx_http_privacy_set_cookie_name(
                         (const u_char *) " ; Path=/", 9, &name, &len), -1);

    /* only the given length is read */
    assert_int_equal(ngx_http_privacy_set_cookie_name(
                         (const u_char *) "a=b", 1, &name, &len), 0);
    assert_int_equal(len, 0);
}


static void
expect_attr(const char *sc, const char *attr, const char *want)
{
    int            rc;
    u_char        *v;
    size_t         len;
    const u_char  *val;

    v = dup_exact(sc, strlen(sc));
    val = NULL;
    len = 999;

    rc = ngx_http_privacy_set_cookie_attr(v, strlen(sc), attr, &val, &len);

    if (want == NULL) {
        assert_int_equal(rc, 0);

    } else {
        assert_int_equal(rc, 1);
        span_eq(val, len, want);
        assert_true(val >= v && val + len <= v + strlen(sc));
    }

    free(v);
}


static void
test_set_cookie_attr(void **state)
{
    const char  *sc;

    (void) state;

    sc = "_ga=GA1.2; Path=/; Domain=.example.se";
    expect_attr(sc, "Path", "/");
    expect_attr(sc, "path", "/");
    expect_attr(sc, "PATH", "/");
    expect_attr(sc, "Domain", ".example.se");
    expect_attr(sc, "dOmAiN", ".example.se");
    expect_attr(sc, "Max-Age", NULL);

    /* the cookie's own name is not an attribute */
    expect_attr(sc, "_ga", NULL);
    expect_attr("Path=/x", "Path", NULL);

    /* blanks around names and values */
    expect_attr("a=b ;\t Path \t= /shop \t; Secure", "path", "/shop");
}


static void
test_set_cookie_attr_last_wins(void **state)
{
    (void) state;

    expect_attr("a=b; Path=/one; Domain=x; path=/two", "Path", "/two");
    expect_attr("a=b; Path=/one; Path=", "Path", "");
    expect_attr("a=b; Max-Age=10; max-age=0; Secure", "Max-Age", "0");
}


static void
test_set_cookie_attr_flags(void **state)
{
    (void) state;

    expect_attr("a=b; Secure", "Secure", "");
    expect_attr("a=b; secure; HttpOnly", "SECURE", "");
    expect_attr("a=b; HttpOnly ; Path=/", "httponly", "");
    expect_attr("a=b; Secure", "HttpOnly", NULL);
    expect_attr("a=b;;; ;", "Secure", NULL);
    expect_attr("a=b; =x", "", NULL);
}


static void
test_set_cookie_attr_prefix(void **state)
{
    (void) state;

    expect_attr("a=b; Domainx=evil", "Domain", NULL);
    expect_attr("a=b; Domain=good; Domainx=evil", "Domain", "good");
    expect_attr("a=b; Domainx=evil; Domain=good", "Domain", "good");
    expect_attr("a=b; Domain=good", "Domainx", NULL);
    expect_attr("a=b; Dom=x", "Domain", NULL);
    expect_attr("a=b; SameSite=Lax", "Same", NULL);
}


static void
test_set_cookie_attr_empty(void **state)
{
    size_t         len;
    const u_char  *val;

    (void) state;

    assert_int_equal(ngx_http_privacy_set_cookie_attr(NULL, 0, "Path", &val,
                                                      &len), 0);
    expect_attr("", "Path", NULL);
    expect_attr("a=b", "Path", NULL);
    expect_attr("a=b;", "Path", NULL);

    /* only the given length is read */
    assert_int_equal(ngx_http_privacy_set_cookie_attr(
                         (const u_char *) "a=b; Path=/", 4, "Path", &val,
                         &len), 0);
}


static void
test_name_valid(void **state)
{
    int          c;
    u_char       b;
    const char  *tchar;

    (void) state;

    tchar = "!#$%&'*+-.^_`|~0123456789"
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    for (c = 0; c < 256; c++) {
        b = (u_char) c;
        assert_int_equal(ngx_http_privacy_cookie_name_valid(&b, 1),
                         c != 0 && strchr(tchar, c) != NULL);
    }

    assert_true(ngx_http_privacy_cookie_name_valid((const u_char *) "_ga", 3));
    assert_true(ngx_http_privacy_cookie_name_valid(
                    (const u_char *) "__Host-sid", 10));
    assert_false(ngx_http_privacy_cookie_name_valid(NULL, 0));
    assert_false(ngx_http_privacy_cookie_name_valid((const u_char *) "a b",
                                                    3));
    assert_false(ngx_http_privacy_cookie_name_valid((const u_char *) "a=b",
                                                    3));
    assert_false(ngx_http_privacy_cookie_name_valid((const u_char *) "a;b",
                                                    3));
    assert_false(ngx_http_privacy_cookie_name_valid(
                     (const u_char *) "\xc3\xa5", 2));
    assert_false(ngx_http_privacy_cookie_name_valid(
                     (const u_char *) "a\0", 2));
    assert_false(ngx_http_privacy_cookie_name_valid(
                     (const u_char *) "(a)", 3));
}

/* the aliases of the first pair of s, joined with "|" */

typedef struct {
    char    out[512];
    size_t  n;
    int     stop_at;        /* return 1 for this alias (1-based), or 0 */
} aliases_t;


static int
collect_alias(void *data, const u_char *name, size_t len)
{
    aliases_t  *a = data;

    if (a->out[0]) {
        strcat(a->out, "|");
    }

    strncat(a->out, (const char *) name, len);
    a->n++;

    return a->stop_at && (int) a->n == a->stop_at;
}


static const char *
aliases_of(const char *s, aliases_t *a, int stop_at)
{
    u_char                          *v, *buf;
    size_t                           len;
    ngx_http_privacy_cookie_pair_t   pair;
    ngx_http_privacy_cookie_iter_t   it;
    int                              rc;

    memset(a, 0, sizeof(*a));
    a->stop_at = stop_at;

    len = strlen(s);
    v = dup_exact(s, len);

    ngx_http_privacy_cookie_iter_init(&it, v, len);
    assert_int_equal(ngx_http_privacy_cookie_next(&it, &pair), 1);

    buf = malloc(pair.len);
    assert_non_null(buf);

    rc = ngx_http_privacy_cookie_aliases(&pair, buf, collect_alias, a);
    assert_int_equal(rc, stop_at && (int) a->n == stop_at);

    free(buf);
    free(v);

    return a->out;
}


static void
test_aliases(void **state)
{
    aliases_t  a;

    (void) state;

    /* the usual cookie has none */
    assert_string_equal(aliases_of("_ga=GA1.2.3.4", &a, 0), "");
    assert_string_equal(aliases_of("session=a b%20c", &a, 0), "");

    /* a pair without '=' read as a name */
    assert_string_equal(aliases_of("_ga", &a, 0), "_ga");
    assert_string_equal(aliases_of("_ga; x=1", &a, 0), "_ga");

    /* percent-decoded names */
    assert_string_equal(aliases_of("%5Fga=1", &a, 0), "_ga");
    assert_string_equal(aliases_of("%5fga=1", &a, 0), "_ga");
    assert_string_equal(aliases_of("%=1", &a, 0), "");
    assert_string_equal(aliases_of("a%2=1", &a, 0), "");
    assert_string_equal(aliases_of("%5F", &a, 0), "%5F|_");

    /* PHP: ' ', '.' and '[' in a name read as '_' */
    assert_string_equal(aliases_of(".ga=1", &a, 0), "_ga");
    assert_string_equal(aliases_of("x ga=1", &a, 0), "x_ga");
    assert_string_equal(aliases_of("%2Ega=1", &a, 0), ".ga|_ga");

    /* frameworks that split on ',' */
    assert_string_equal(aliases_of("session=1, _ga=2", &a, 0), "_ga");
    assert_string_equal(aliases_of("session=1,_ga=2,x", &a, 0), "_ga|x");
    assert_string_equal(aliases_of("a,_ga=1", &a, 0), "a|_ga");
    assert_string_equal(aliases_of("s=1, %5Fga=2", &a, 0), "%5Fga|_ga");
    assert_string_equal(aliases_of("s=\"a,b\"", &a, 0), "b\"");

    /* the callback stops the search */
    assert_string_equal(aliases_of("session=1, _ga=2, _fbp=3", &a, 1), "_ga");
    assert_string_equal(aliases_of("session=1, _ga=2, _fbp=3", &a, 0),
                        "_ga|_fbp");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_pair_spans),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_separator_runs),
        cmocka_unit_test(test_null_empty),
        cmocka_unit_test(test_equals_runs),
        cmocka_unit_test(test_empty_names),
        cmocka_unit_test(test_no_equals),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_binary_bytes),
        cmocka_unit_test(test_large_header),
        cmocka_unit_test(test_thousand_cookies),
        cmocka_unit_test(test_filter_drop_positions),
        cmocka_unit_test(test_filter_all_dropped),
        cmocka_unit_test(test_filter_none_dropped),
        cmocka_unit_test(test_filter_tight_input),
        cmocka_unit_test(test_filter_callback),
        cmocka_unit_test(test_filter_runs),
        cmocka_unit_test(test_long_segments),
        cmocka_unit_test(test_blanks_around_equals),
        cmocka_unit_test(test_set_cookie_name),
        cmocka_unit_test(test_set_cookie_name_empty),
        cmocka_unit_test(test_set_cookie_attr),
        cmocka_unit_test(test_set_cookie_attr_last_wins),
        cmocka_unit_test(test_set_cookie_attr_flags),
        cmocka_unit_test(test_set_cookie_attr_prefix),
        cmocka_unit_test(test_set_cookie_attr_empty),
        cmocka_unit_test(test_name_valid),
        cmocka_unit_test(test_aliases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
