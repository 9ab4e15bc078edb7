/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the UTF-8 cut (ngx_http_privacy_utf8.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_utf8.h"


static size_t
cut(const char *s, size_t max)
{
    return ngx_http_privacy_utf8_cut((const u_char *) s, strlen(s), max);
}


static void
test_fits(void **state)
{
    (void) state;

    assert_int_equal(cut("", 0), 0);
    assert_int_equal(cut("abc", 3), 3);
    assert_int_equal(cut("abc", 10), 3);
    assert_int_equal(cut("h\xc3\xa4r", 4), 4);
}


static void
test_ascii(void **state)
{
    (void) state;

    assert_int_equal(cut("abcdef", 3), 3);
    assert_int_equal(cut("abcdef", 0), 0);
}


static void
test_boundaries(void **state)
{
    (void) state;

    /* "här": 'h', then U+00E4 in two bytes, then 'r' */
    assert_int_equal(cut("h\xc3\xa4r", 1), 1);
    assert_int_equal(cut("h\xc3\xa4r", 2), 1);      /* inside: back */
    assert_int_equal(cut("h\xc3\xa4r", 3), 3);

    /* a four-byte sequence (U+1F600) cut at each of its bytes */
    assert_int_equal(cut("a\xf0\x9f\x98\x80z", 2), 1);
    assert_int_equal(cut("a\xf0\x9f\x98\x80z", 3), 1);
    assert_int_equal(cut("a\xf0\x9f\x98\x80z", 4), 1);
    assert_int_equal(cut("a\xf0\x9f\x98\x80z", 5), 5);

    /* nothing but continuation bytes: nothing is kept */
    assert_int_equal(cut("\x80\x80\x80", 2), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_boundaries),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
