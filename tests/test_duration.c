/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of retention periods in words.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_duration.h"


#define SV  NGX_HTTP_PRIVACY_DURATION_SV
#define EN  NGX_HTTP_PRIVACY_DURATION_EN


/* renders text into an exact-size heap buffer, so ASan sees overruns */
static void
expect_words(const char *text, unsigned lang, const char *want)
{
    u_char  *src, *out;
    size_t   len, n;

    len = strlen(text);
    src = malloc(len ? len : 1);
    assert_non_null(src);
    memcpy(src, text, len);

    out = malloc(NGX_HTTP_PRIVACY_DURATION_MAX);
    assert_non_null(out);

    n = ngx_http_privacy_duration_words(src, len, lang, out,
                                        NGX_HTTP_PRIVACY_DURATION_MAX);

    if (want == NULL) {
        assert_int_equal(n, 0);

    } else {
        assert_int_equal(n, strlen(want));
        assert_memory_equal(out, want, n);
    }

    free(out);
    free(src);
}


static void
expect_seconds(time_t seconds, unsigned lang, const char *want)
{
    u_char  out[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t  n;

    n = ngx_http_privacy_duration_seconds(seconds, lang, out, sizeof(out));

    if (want == NULL) {
        assert_int_equal(n, 0);

    } else {
        assert_int_equal(n, strlen(want));
        assert_memory_equal(out, want, n);
    }
}


static void
test_each_unit(void **state)
{
    (void) state;

    expect_words("24M", SV, "24 månader");
    expect_words("24M", EN, "24 months");
    expect_words("1M", SV, "1 månad");
    expect_words("1M", EN, "1 month");
    expect_words("90d", SV, "90 dagar");
    expect_words("90d", EN, "90 days");
    expect_words("1d", SV, "1 dag");
    expect_words("1d", EN, "1 day");
    expect_words("7y", SV, "7 år");
    expect_words("7y", EN, "7 years");
    expect_words("1y", SV, "1 år");
    expect_words("1y", EN, "1 year");
    expect_words("2w", SV, "2 veckor");
    expect_words("2w", EN, "2 weeks");
    expect_words("1w", SV, "1 vecka");
    expect_words("1w", EN, "1 week");
    expect_words("36h", SV, "36 timmar");
    expect_words("36h", EN, "36 hours");
    expect_words("1h", SV, "1 timme");
    expect_words("1h", EN, "1 hour");
    expect_words("30m", SV, "30 minuter");
    expect_words("1m", EN, "1 minute");
    expect_words("45s", SV, "45 sekunder");
    expect_words("1s", SV, "1 sekund");
    expect_words("1s", EN, "1 second");
}


static void
test_bare_seconds(void **state)
{
    (void) state;

    expect_words("3600", SV, "3600 sekunder");
    expect_words("3600", EN, "3600 seconds");
    expect_words("1", EN, "1 second");

    /* ngx_parse_time() adds up bare numbers after the units */
    expect_words("1d 30", EN, "1 day and 30 seconds");
    expect_words("5s 5", EN, "10 seconds");
}


static void
test_compound(void **state)
{
    (void) state;

    expect_words("1y 6M", SV, "1 år och 6 månader");
    expect_words("1y 6M", EN, "1 year and 6 months");
    expect_words("1y 6M 2d", SV, "1 år, 6 månader och 2 dagar");
    expect_words("1y 6M 2d", EN, "1 year, 6 months and 2 days");
    expect_words("1y 1M 1w 1d 1h 1m 1s", EN,
                 "1 year, 1 month, 1 week, 1 day, 1 hour, 1 minute "
                 "and 1 second");
    expect_words("  2d   12h ", EN, "2 days and 12 hours");

    /* groups of zero are left out, unless nothing else is left */
    expect_words("1y 0M", EN, "1 year");
    expect_words("0d 5h", SV, "5 timmar");
    expect_words("0d", SV, "0 dagar");
    expect_words("0", EN, "0 seconds");

    /* leading zeros as ngx_atoi() reads them */
    expect_words("024M", EN, "24 months");
}


static void
test_invalid(void **state)
{
    (void) state;

    expect_words("", EN, NULL);
    expect_words(" ", EN, NULL);
    expect_words("M", EN, NULL);
    expect_words("24", EN, "24 seconds");
    expect_words("24x", EN, NULL);
    expect_words("24MM", EN, NULL);
    expect_words("1y6M", EN, NULL);         /* nginx needs the space */
    expect_words("-1d", EN, NULL);
    expect_words("+1d", EN, NULL);
    expect_words("1.5d", EN, NULL);
    expect_words("6M 1y", EN, NULL);        /* out of order */
    expect_words("1d 1d", EN, NULL);        /* twice */
    expect_words("30 1d", EN, NULL);        /* a unit after bare seconds */
    expect_words("10ms", EN, NULL);         /* milliseconds: not in sec mode */
    expect_words("24m\n", EN, NULL);
    expect_words("24M", 2, NULL);
}


static void
test_limits(void **state)
{
    (void) state;

    /* the largest values ngx_parse_time() accepts per unit */
    expect_words("68y", EN, "68 years");
    expect_words("69y", EN, NULL);
    expect_words("828M", EN, "828 months");
    expect_words("829M", EN, NULL);
    expect_words("2147483647", EN, "2147483647 seconds");
    expect_words("2147483648", EN, NULL);
    expect_words("99999999999", EN, NULL);

    /* and the whole must fit in 31 bits */
    expect_words("68y 1M", EN, "68 years and 1 month");
    expect_words("68y 1M 1w", EN, NULL);
    expect_words("68y 1M 5d 3h 14m 7s", EN,
                 "68 years, 1 month, 5 days, 3 hours, 14 minutes "
                 "and 7 seconds");
    expect_words("68y 1M 5d 3h 14m 8s", EN, NULL);
}


static void
test_small_buffer(void **state)
{
    u_char  out[16];

    (void) state;

    assert_int_equal(ngx_http_privacy_duration_words((u_char *) "24M", 3,
                                                     EN, out, 9), 9);
    assert_memory_equal(out, "24 months", 9);

    assert_int_equal(ngx_http_privacy_duration_words((u_char *) "24M", 3,
                                                     EN, out, 8), 0);
    assert_int_equal(ngx_http_privacy_duration_words((u_char *) "1y 6M", 5,
                                                     SV, out, sizeof(out)),
                     0);
    assert_int_equal(ngx_http_privacy_duration_seconds(86400, EN, out, 4),
                     0);
}


static void
test_longest(void **state)
{
    (void) state;

    /* long renderings fit in DURATION_MAX */
    expect_words("1y 1M 1w 1d 1h 1m 1s 1", SV,
                 "1 år, 1 månad, 1 vecka, 1 dag, 1 timme, 1 minut "
                 "och 2 sekunder");
    expect_words("10y 10M 10w 10d 10h 10m 1000000000s", SV,
                 "10 år, 10 månader, 10 veckor, 10 dagar, 10 timmar, "
                 "10 minuter och 1000000000 sekunder");
    expect_words("59y 828M 3550w", EN, NULL);
    expect_seconds(2147483647, SV,
                   "24855 dagar, 3 timmar, 14 minuter och 7 sekunder");
}


static void
test_seconds(void **state)
{
    (void) state;

    expect_seconds(180 * 86400, SV, "180 dagar");
    expect_seconds(180 * 86400, EN, "180 days");
    /* a fixed length is never said as calendar years */
    expect_seconds(365 * 86400, EN, "365 days");
    expect_seconds(2 * 365 * 86400, SV, "730 dagar");
    expect_seconds(400 * 86400, EN, "400 days");
    expect_seconds(90000, SV, "1 dag och 1 timme");
    expect_seconds(90061, EN, "1 day, 1 hour, 1 minute and 1 second");
    expect_seconds(3600, EN, "1 hour");
    expect_seconds(59, EN, "59 seconds");
    expect_seconds(0, SV, "0 sekunder");
    expect_seconds(-1, EN, NULL);
    expect_seconds(60, 7, NULL);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_each_unit),
        cmocka_unit_test(test_bare_seconds),
        cmocka_unit_test(test_compound),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_longest),
        cmocka_unit_test(test_seconds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
