/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the Set-Cookie deletion rules (RFC 6265 5.1.1, 5.2.2,
 * 5.3).  Inputs are heap copies of exactly their length, so a read past
 * the end is caught by AddressSanitizer.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_set_cookie.h"


#define NOW  ((time_t) 1764720000)      /* 2025-12-03 00:00:00 UTC */


static int
deletes(const char *s)
{
    int      rc;
    size_t   len;
    u_char  *p;

    len = strlen(s);
    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    rc = ngx_http_privacy_set_cookie_deletes(p, len, NOW);
    free(p);

    return rc;
}


static int
date(const char *s, time_t *t)
{
    int      rc;
    size_t   len;
    u_char  *p;

    len = strlen(s);
    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    rc = ngx_http_privacy_cookie_date_parse(p, len, t);
    free(p);

    return rc;
}


static int
max_age(const char *s, int *np)
{
    int      rc;
    size_t   len;
    u_char  *p;

    len = strlen(s);
    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    rc = ngx_http_privacy_max_age_parse(p, len, np);
    free(p);

    return rc;
}


static void
test_max_age_values(void **state)
{
    int  np;

    (void) state;

    assert_int_equal(max_age("0", &np), 1);
    assert_int_equal(np, 1);
    assert_int_equal(max_age("000", &np), 1);
    assert_int_equal(np, 1);
    assert_int_equal(max_age("-1", &np), 1);
    assert_int_equal(np, 1);
    assert_int_equal(max_age("-0", &np), 1);
    assert_int_equal(np, 1);
    assert_int_equal(max_age("-99999999999999999999999999", &np), 1);
    assert_int_equal(np, 1);
    assert_int_equal(max_age("3600", &np), 1);
    assert_int_equal(np, 0);
    assert_int_equal(max_age("99999999999999999999999999", &np), 1);
    assert_int_equal(np, 0);

    /* ignored by browsers (5.2.2): not deletions */
    assert_int_equal(max_age("", &np), 0);
    assert_int_equal(max_age("-", &np), 0);
    assert_int_equal(max_age("-abc", &np), 0);
    assert_int_equal(max_age("1e3", &np), 0);
    assert_int_equal(max_age("+5", &np), 0);
    assert_int_equal(max_age("--1", &np), 0);
    assert_int_equal(max_age("0x0", &np), 0);
    assert_int_equal(max_age("0 ", &np), 0);
    assert_int_equal(max_age("-1.5", &np), 0);
}


static void
test_cookie_dates(void **state)
{
    time_t  t;

    (void) state;

    assert_int_equal(date("Thu, 01 Jan 1970 00:00:00 GMT", &t), 1);
    assert_int_equal(t, 0);
    assert_int_equal(date("Thu, 01 Jan 1970 00:00:01 GMT", &t), 1);
    assert_int_equal(t, 1);
    assert_int_equal(date("Wed, 09 Jun 2021 10:18:14 GMT", &t), 1);
    assert_int_equal(t, 1623233894);
    /* RFC 850 and asctime forms, two-digit years */
    assert_int_equal(date("Wednesday, 09-Jun-21 10:18:14 GMT", &t), 1);
    assert_int_equal(t, 1623233894);
    assert_int_equal(date("Wed Jun  9 10:18:14 2021", &t), 1);
    assert_int_equal(t, 1623233894);
    assert_int_equal(date("9 june 2021 10:18:14", &t), 1);
    assert_int_equal(t, 1623233894);
    assert_int_equal(date("Sun, 06 Nov 94 08:49:37 GMT", &t), 1);
    assert_int_equal(t, 784111777);
    assert_int_equal(date("Fri, 01 Jan 2100 00:00:00 GMT", &t), 1);
    assert_int_equal(t, (time_t) 4102444800LL);
    assert_int_equal(date("01 Jan 1601 00:00:00", &t), 1);
    assert_int_equal(t, (time_t) -11644473600LL);
    assert_int_equal(date("29 Feb 2024 00:00:00", &t), 1);
    assert_int_equal(t, 1709164800);

    /* not dates: a browser ignores such an Expires */
    assert_int_equal(date("", &t), 0);
    assert_int_equal(date("soon", &t), 0);
    assert_int_equal(date("0", &t), 0);
    assert_int_equal(date("-1", &t), 0);
    assert_int_equal(date("01 Jan 1970", &t), 0);
    assert_int_equal(date("01 Foo 1970 00:00:00", &t), 0);
    assert_int_equal(date("32 Jan 1970 00:00:00", &t), 0);
    assert_int_equal(date("00 Jan 1970 00:00:00", &t), 0);
    assert_int_equal(date("31 Apr 2020 00:00:00", &t), 0);
    assert_int_equal(date("29 Feb 2023 00:00:00", &t), 0);
    assert_int_equal(date("01 Jan 1600 00:00:00", &t), 0);
    assert_int_equal(date("01 Jan 1970 24:00:00", &t), 0);
    assert_int_equal(date("01 Jan 1970 00:60:00", &t), 0);
    assert_int_equal(date("01 Jan 1970 00:00:60", &t), 0);
    assert_int_equal(date("01 Jan 12345 00:00:00", &t), 0);
    assert_int_equal(date("001 Jan 1970 00:00:00", &t), 0);
}


static void
test_deletions(void **state)
{
    (void) state;

    assert_int_equal(deletes("_ga=; Max-Age=0; Path=/"), 1);
    assert_int_equal(deletes("_ga=1; Max-Age=-1"), 1);
    assert_int_equal(deletes("_ga=1;max-age = -5 "), 1);
    assert_int_equal(deletes("_ga=1; MAX-AGE=0"), 1);
    assert_int_equal(deletes("_ga=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
                     1);
    assert_int_equal(deletes("_ga=1; expires=Tue, 02 Dec 2025 23:59:59 GMT"),
                     1);
    assert_int_equal(deletes("_ga=1; Expires=Wed, 03 Dec 2025 00:00:00 GMT"),
                     1);

    /* kept: browsers store these */
    assert_int_equal(deletes("_ga=1"), 0);
    assert_int_equal(deletes(""), 0);
    assert_int_equal(deletes("_ga=1; Max-Age=-"), 0);
    assert_int_equal(deletes("_ga=1; Max-Age=-abc"), 0);
    assert_int_equal(deletes("_ga=1; Max-Age=1e3"), 0);
    assert_int_equal(deletes("_ga=1; Max-Age="), 0);
    assert_int_equal(deletes("_ga=1; Max-Age"), 0);
    assert_int_equal(deletes("_ga=1; Max-Age=3600"), 0);
    assert_int_equal(deletes("_ga=1; Expires=soon"), 0);
    assert_int_equal(deletes("_ga=1; Expires=0"), 0);
    assert_int_equal(deletes("_ga=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT"),
                     0);
    assert_int_equal(deletes("_ga=1; Expires=Wed, 03 Dec 2025 00:00:01 GMT"),
                     0);
    /* "Max-Age=0" inside the cookie's value is not an attribute */
    assert_int_equal(deletes("_ga=Max-Age=0"), 0);
    assert_int_equal(deletes("_ga=1; Path=/Max-Age=0"), 0);
    assert_int_equal(deletes("_ga=1; XMax-Age=0"), 0);
}


static void
test_precedence(void **state)
{
    (void) state;

    /* Max-Age wins over Expires, whatever the order (5.3 step 3) */
    assert_int_equal(deletes("a=1; Max-Age=3600; "
                             "Expires=Thu, 01 Jan 1970 00:00:00 GMT"), 0);
    assert_int_equal(deletes("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                             "Max-Age=3600"), 0);
    assert_int_equal(deletes("a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT; "
                             "Max-Age=0"), 1);

    /* the last valid one counts; invalid ones are skipped */
    assert_int_equal(deletes("a=1; Max-Age=0; Max-Age=3600"), 0);
    assert_int_equal(deletes("a=1; Max-Age=3600; Max-Age=0"), 1);
    assert_int_equal(deletes("a=1; Max-Age=0; Max-Age=1e3"), 1);
    assert_int_equal(deletes("a=1; Max-Age=5; Max-Age=-"), 0);

    /* an ignored Max-Age leaves Expires in charge */
    assert_int_equal(deletes("a=1; Max-Age=-; "
                             "Expires=Thu, 01 Jan 1970 00:00:00 GMT"), 1);
    assert_int_equal(deletes("a=1; Max-Age=1e3; "
                             "Expires=Fri, 01 Jan 2100 00:00:00 GMT"), 0);
    assert_int_equal(deletes("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                             "Expires=bogus"), 1);
}


/*
 * The lifetime cap: what a header becomes (or NULL: unchanged), with an
 * output buffer of exactly 2 * len bytes.
 */
static void
expect_cap(const char *in, time_t max_age, const char *expect)
{
    size_t   len, n;
    u_char  *p, *out;

    len = strlen(in);
    p = malloc(len ? len : 1);
    out = malloc(len ? 2 * len : 1);
    assert_non_null(p);
    assert_non_null(out);
    memcpy(p, in, len);

    n = ngx_http_privacy_set_cookie_cap(p, len, NOW, max_age, out);

    if (expect == NULL) {
        if (n != 0) {
            fail_msg("\"%s\": expected no change, got \"%.*s\"", in,
                     (int) n, (char *) out);
        }

    } else if (n != strlen(expect) || memcmp(out, expect, n) != 0) {
        fail_msg("\"%s\": expected \"%s\", got \"%.*s\"", in, expect,
                 (int) n, (char *) out);
    }

    free(out);
    free(p);
}


/* 13 months from NOW would be 33955200 s; the tests use round numbers */
static void
test_cap(void **state)
{
    (void) state;

    /* the _ga: two years become the cap */
    expect_cap("_ga=GA1.1.1; Path=/; Max-Age=63072000; SameSite=Lax",
               33955200,
               "_ga=GA1.1.1; Path=/; Max-Age=33955200; SameSite=Lax");

    /* within the cap, or deleting: unchanged */
    expect_cap("_ga=1; Max-Age=3600", 86400, NULL);
    expect_cap("_ga=1; Max-Age=86400", 86400, NULL);
    expect_cap("_ga=1; Max-Age=0", 86400, NULL);
    expect_cap("_ga=1; Max-Age=-5", 86400, NULL);
    expect_cap("_ga=1", 86400, NULL);               /* a session cookie */

    /* what a browser ignores sets nothing: left alone */
    expect_cap("_ga=1; Max-Age=1e9", 86400, NULL);
    expect_cap("_ga=1; Expires=soon", 86400, NULL);

    /* Expires beyond the cap becomes the cap's date */
    expect_cap("_gid=1; Path=/; Expires=Fri, 31 Dec 2100 23:59:59 GMT",
               86400,
               "_gid=1; Path=/; Expires=Thu, 04 Dec 2025 00:00:00 GMT");
    expect_cap("_gid=1; expires = 1 jan 2099 0:0:0 ;Path=/", 86400,
               "_gid=1; expires = Thu, 04 Dec 2025 00:00:00 GMT ;Path=/");
    expect_cap("_gid=1; Expires=Wed, 03 Dec 2025 12:00:00 GMT", 86400, NULL);

    /* both, and several, each capped; huge and zero-padded values too */
    expect_cap("a=1; Max-Age=999999999999999999999; Expires=Fri, 31 Dec "
               "2100 23:59:59 GMT; max-age=0090000", 86400,
               "a=1; Max-Age=86400; Expires=Thu, 04 Dec 2025 00:00:00 GMT; "
               "max-age=86400");

    /* the cookie's own value is not an attribute */
    expect_cap("a=Max-Age=99999999; Path=/", 60, NULL);

    /* a capped header needs no second rewrite */
    expect_cap("_ga=1; Max-Age=33955200", 33955200, NULL);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_max_age_values),
        cmocka_unit_test(test_cookie_dates),
        cmocka_unit_test(test_deletions),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
