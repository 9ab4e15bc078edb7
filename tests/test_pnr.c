/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of personnummer and samordningsnummer validation.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_pnr.h"


/* parses text from an exact-size heap copy, so ASan sees overreads */
static int
parse(const char *text, ngx_http_privacy_pnr_t *pnr)
{
    int      rc;
    u_char  *s;
    size_t   len;

    len = strlen(text);
    s = malloc(len ? len : 1);
    assert_non_null(s);
    memcpy(s, text, len);

    /* "today" is 3 December 2026 */
    rc = ngx_http_privacy_pnr_parse(s, len, 2026, 12, 3, pnr);

    free(s);

    return rc;
}


static void
expect_canonical(const char *text, const char *want)
{
    u_char                  out[NGX_HTTP_PRIVACY_PNR_LEN + 1];
    ngx_http_privacy_pnr_t  pnr;

    assert_int_equal(parse(text, &pnr), 0);
    ngx_http_privacy_pnr_format(&pnr, out);
    assert_memory_equal(out, want, 13);
}


static void
test_forms(void **state)
{
    (void) state;

    expect_canonical("198112189876", "19811218-9876");
    expect_canonical("19811218-9876", "19811218-9876");
    expect_canonical("8112189876", "19811218-9876");
    expect_canonical("811218-9876", "19811218-9876");
    /* "+": a hundred years or older */
    expect_canonical("811218+9876", "18811218-9876");
    /* Skatteverket's published test numbers */
    expect_canonical("19121212-1212", "19121212-1212");
    expect_canonical("121212-1212", "20121212-1212");
    expect_canonical("121212+1212", "19121212-1212");
}


static void
test_century(void **state)
{
    ngx_http_privacy_pnr_t  pnr;

    (void) state;

    /* born "today" is 2026, tomorrow would be 1926 */
    expect_canonical("261203-0003", "20261203-0003");
    assert_int_equal(parse("261204-0002", &pnr) == 0
                     && memcmp(pnr.digits, "1926", 4) == 0, 1);
}


static void
test_coordination(void **state)
{
    ngx_http_privacy_pnr_t  pnr;

    (void) state;

    /* samordningsnummer: day + 60 */
    assert_int_equal(parse("701063-2391", &pnr), 0);
    assert_int_equal(pnr.coordination, 1);
    assert_int_equal(parse("198112189876", &pnr), 0);
    assert_int_equal(pnr.coordination, 0);
    /* day 92 is day 32 */
    assert_int_equal(parse("701092-2399", &pnr), -1);
}


static void
test_refused(void **state)
{
    size_t                  i;
    ngx_http_privacy_pnr_t  pnr;

    static const char  *bad[] = {
        "",
        "19811218-9875",            /* check digit */
        "811218-9875",
        "19811318-9876",            /* month 13 */
        "19810230-1234",            /* 30 February */
        "19811200-9876",            /* day 0 */
        "1981121-89876",            /* separator misplaced */
        "19811218+9876",            /* "+" only in the ten-digit form */
        "811218--9876",
        "8112189876 ",
        " 8112189876",
        "81121898761",
        "abcdefghij",
        "19811218_9876",
        "1981121898760",
        "17811218-9876",            /* before 1800 */
    };

    (void) state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &pnr) != -1) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
}


static void
test_luhn_every_digit(void **state)
{
    int                     d, ok;
    char                    s[] = "198112189876";
    ngx_http_privacy_pnr_t  pnr;

    (void) state;

    /* exactly one check digit fits */
    ok = 0;

    for (d = 0; d <= 9; d++) {
        s[11] = (char) ('0' + d);
        ok += (parse(s, &pnr) == 0);
    }

    assert_int_equal(ok, 1);
}


static void
test_leap_day(void **state)
{
    ngx_http_privacy_pnr_t  pnr;

    (void) state;

    /* 29 February 2000 exists (div. by 400), 1900's does not */
    assert_int_equal(parse("20000229-0005", &pnr), 0);
    assert_int_equal(parse("19000229-0005", &pnr), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_century),
        cmocka_unit_test(test_coordination),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_luhn_every_digit),
        cmocka_unit_test(test_leap_day),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
