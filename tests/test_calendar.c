/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the calendar arithmetic (ngx_http_privacy_calendar.c):
 * calendar months and years with the day clamped, retention expiry and
 * cutoffs a day before and after their boundaries, the art. 12(3) due
 * date and fiscal years.  Dates are checked against timegm(), which the
 * module itself does not use.
 */


#define _DEFAULT_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "ngx_http_privacy_calendar.h"


#define DAY  86400


/* midnight UTC of a date, plus seconds */
static time_t
at(int y, int m, int d, time_t seconds)
{
    struct tm  tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;

    return timegm(&tm) + seconds;
}


static ngx_http_privacy_period_t
period(const char *text)
{
    ngx_http_privacy_period_t  p;

    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) text,
                                                   strlen(text), &p), 0);
    return p;
}


static void
test_parse(void **state)
{
    ngx_http_privacy_period_t  p;

    (void) state;

    p = period("24M");
    assert_int_equal(p.months, 24);
    assert_int_equal(p.seconds, 0);

    p = period("7y");
    assert_int_equal(p.months, 84);

    p = period("1y 6M 2d");
    assert_int_equal(p.months, 18);
    assert_int_equal(p.seconds, 2 * DAY);

    p = period("2w 3h 4m 5s");
    assert_int_equal(p.months, 0);
    assert_int_equal(p.seconds, 14 * DAY + 3 * 3600 + 4 * 60 + 5);

    /* ngx_parse_time() needs no space between groups */
    p = period("1y6M");
    assert_int_equal(p.months, 18);

    p = period("3600");
    assert_int_equal(p.seconds, 3600);

    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) "", 0,
                                                   &p), -1);
    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) "M", 1,
                                                   &p), -1);
    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) "3x", 2,
                                                   &p), -1);
    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) "3dd", 3,
                                                   &p), -1);
    assert_int_equal(ngx_http_privacy_period_parse((const u_char *) "69y", 3,
                                                   &p), -1);
}


static void
test_add_months(void **state)
{
    (void) state;

    /* the day clamped to the month's last */
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2025, 1, 31, 0),
                                                          1),
                     at(2025, 2, 28, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2024, 1, 31, 0),
                                                          1),
                     at(2024, 2, 29, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2024, 2, 29, 0),
                                                          12),
                     at(2025, 2, 28, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2024, 2, 29, 0),
                                                          48),
                     at(2028, 2, 29, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2025, 3, 31, 0),
                                                          1),
                     at(2025, 4, 30, 0));

    /* a request's due date extended by two more months (art. 12(3)) */
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2025, 12, 31, 0),
                                                          3),
                     at(2026, 3, 31, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2025, 11, 30, 0),
                                                          3),
                     at(2026, 2, 28, 0));

    /* the time of day kept, across years, and backwards */
    assert_int_equal(ngx_http_privacy_calendar_add_months(
                         at(2025, 11, 15, 3723), 3),
                     at(2026, 2, 15, 3723));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2025, 3, 31, 7),
                                                          -1),
                     at(2025, 2, 28, 7));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2026, 1, 10, 0),
                                                          -13),
                     at(2024, 12, 10, 0));
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(1970, 1, 1, 0),
                                                          -1),
                     at(1969, 12, 1, 0));

    /* 24 months are two calendar years, not 720 days */
    assert_int_equal(ngx_http_privacy_calendar_add_months(at(2024, 3, 1, 0),
                                                          24),
                     at(2026, 3, 1, 0));
    assert_int_not_equal(at(2026, 3, 1, 0), at(2024, 3, 1, 0) + 720 * DAY);
}


static void
test_expires(void **state)
{
    ngx_http_privacy_period_t  p;

    (void) state;

    /* kept through the last day of the period, gone at the next midnight */
    p = period("1M");
    assert_int_equal(ngx_http_privacy_period_expires(at(2025, 1, 31, 36000),
                                                     &p),
                     at(2025, 3, 1, 0));
    assert_int_equal(ngx_http_privacy_period_expires(at(2025, 1, 15, 0), &p),
                     at(2025, 2, 16, 0));

    p = period("1y");
    assert_int_equal(ngx_http_privacy_period_expires(at(2024, 2, 29, 1), &p),
                     at(2025, 3, 1, 0));

    p = period("30d");
    assert_int_equal(ngx_http_privacy_period_expires(at(2025, 1, 1, 80000),
                                                     &p),
                     at(2025, 2, 1, 0));

    p = period("1M 2d");
    assert_int_equal(ngx_http_privacy_period_expires(at(2025, 1, 31, 0), &p),
                     at(2025, 3, 3, 0));
}


/* a record of day ref: kept the second before expires, gone at it */
static void
boundary(int y, int m, int d, const char *text, int ey, int em, int ed)
{
    time_t                     ref, gone;
    ngx_http_privacy_period_t  p;

    p = period(text);
    ref = at(y, m, d, 12 * 3600);
    gone = at(ey, em, ed, 0);

    /* a day before, and the last second before: kept */
    assert_true(ngx_http_privacy_period_cutoff(gone - DAY, &p) <= ref);
    assert_true(ngx_http_privacy_period_cutoff(gone - 1, &p) <= ref);

    /* at the first second, and a day after: gone */
    assert_true(ngx_http_privacy_period_cutoff(gone, &p) > ref);
    assert_true(ngx_http_privacy_period_cutoff(gone + DAY, &p) > ref);

    /* the cutoff is always a midnight */
    assert_int_equal(ngx_http_privacy_period_cutoff(gone + 4711, &p) % DAY,
                     0);
}


static void
test_cutoff(void **state)
{
    ngx_http_privacy_period_t  p;

    (void) state;

    boundary(2025, 1, 31, "1M", 2025, 3, 1);
    boundary(2024, 1, 31, "1M", 2024, 3, 1);
    boundary(2025, 1, 30, "1M", 2025, 3, 1);
    boundary(2025, 1, 28, "1M", 2025, 3, 1);
    boundary(2025, 1, 27, "1M", 2025, 2, 28);
    boundary(2024, 2, 29, "1y", 2025, 3, 1);
    boundary(2024, 2, 28, "1y", 2025, 3, 1);
    boundary(2024, 2, 27, "1y", 2025, 2, 28);
    boundary(2023, 11, 15, "24M", 2025, 11, 16);
    boundary(2024, 3, 15, "13M", 2025, 4, 16);
    boundary(2025, 12, 31, "30d", 2026, 1, 31);

    /* bookkeeping: an order of March 2024 stays through 2031 */
    boundary(2024, 12, 31, "7y", 2032, 1, 1);

    /* whole days as before calendar months: the day of now - period */
    p = period("30d");
    assert_int_equal(ngx_http_privacy_period_cutoff(at(2026, 11, 25, 43200),
                                                    &p),
                     at(2026, 11, 25, 0) - 30 * DAY);
    p = period("400d 1s");
    assert_int_equal(ngx_http_privacy_period_cutoff(at(2026, 11, 25, 0), &p),
                     at(2026, 11, 25, 0) - 401 * DAY);

    /* 24M reaches back two calendar years, not 720 days */
    p = period("24M");
    assert_int_equal(ngx_http_privacy_period_cutoff(at(2026, 12, 3, 8), &p),
                     at(2024, 12, 3, 0));
}


static void
test_due(void **state)
{
    (void) state;

    assert_int_equal(ngx_http_privacy_calendar_due(at(2025, 1, 31, 600)),
                     at(2025, 2, 28, 600));
    assert_int_equal(ngx_http_privacy_calendar_due(at(2024, 1, 31, 600)),
                     at(2024, 2, 29, 600));
    assert_int_equal(ngx_http_privacy_calendar_due(at(2025, 12, 15, 0)),
                     at(2026, 1, 15, 0));
    assert_int_equal(ngx_http_privacy_calendar_due(at(2025, 2, 28, 0)),
                     at(2025, 3, 28, 0));
}


static void
test_fiscal(void **state)
{
    unsigned  m, d;

    (void) state;

    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "12-31",
                                                   5, &m, &d), 0);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "06-30",
                                                   5, &m, &d), 0);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "02-29",
                                                   5, &m, &d), -1);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "04-31",
                                                   5, &m, &d), -1);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "13-01",
                                                   5, &m, &d), -1);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "1231",
                                                   4, &m, &d), -1);
    assert_int_equal(ngx_http_privacy_fiscal_parse((const u_char *) "1a-01",
                                                   5, &m, &d), -1);

    /* calendar fiscal years */
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2024, 3, 15, 99),
                                                      12, 31),
                     at(2024, 12, 31, 0));
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2024, 12, 31, 99),
                                                      12, 31),
                     at(2024, 12, 31, 0));
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2025, 1, 1, 0),
                                                      12, 31),
                     at(2025, 12, 31, 0));

    /* a year ending 30 June: the day before and after the boundary */
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2024, 6, 30, 0),
                                                      6, 30),
                     at(2024, 6, 30, 0));
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2024, 7, 1, 0),
                                                      6, 30),
                     at(2025, 6, 30, 0));
    assert_int_equal(ngx_http_privacy_fiscal_year_end(at(2024, 6, 29, 0),
                                                      6, 30),
                     at(2024, 6, 30, 0));

    /* Bokföringslagen counts from the end of that calendar year */
    assert_int_equal(ngx_http_privacy_fiscal_reference(at(2024, 3, 15, 0),
                                                       12, 31),
                     at(2024, 12, 31, 0));
    assert_int_equal(ngx_http_privacy_fiscal_reference(at(2024, 7, 1, 0),
                                                       6, 30),
                     at(2025, 12, 31, 0));
    assert_int_equal(ngx_http_privacy_fiscal_reference(at(2024, 6, 30, 0),
                                                       6, 30),
                     at(2024, 12, 31, 0));
}


/*
 * How long an erased person's order is kept (the rights portal and the
 * sweeps alike): through the last day of the bookkeeping period.
 */

static void
test_bookkeeping_until(void **state)
{
    ngx_http_privacy_period_t  p;

    (void) state;

    /* no privacy_retention bookkeeping: Bokföringslagen's seven years */
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 3, 5, 36000), NULL, 12, 31),
                     at(2032, 1, 1, 0) - 1);
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 12, 31, 82800), NULL, 12, 31),
                     at(2032, 1, 1, 0) - 1);

    /* a fiscal year ending 30 June: May 2024 ends in 2024, July in 2025 */
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 5, 1, 0), NULL, 6, 30),
                     at(2032, 1, 1, 0) - 1);
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 7, 1, 0), NULL, 6, 30),
                     at(2033, 1, 1, 0) - 1);

    /* the configured period, in calendar months */
    p = period("10y");
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 3, 5, 0), &p, 12, 31),
                     at(2035, 1, 1, 0) - 1);
    p = period("18M");
    assert_int_equal(ngx_http_privacy_bookkeeping_until(
                         at(2024, 3, 5, 0), &p, 12, 31),
                     at(2026, 7, 1, 0) - 1);

    /* what the sweep takes at now is what is no longer kept at now */
    p = period("7y");
    assert_true(ngx_http_privacy_bookkeeping_until(at(2024, 3, 5, 0), &p,
                                                   12, 31)
                < ngx_http_privacy_period_expires(at(2024, 12, 31, 0), &p));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_expires),
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_due),
        cmocka_unit_test(test_fiscal),
        cmocka_unit_test(test_bookkeeping_until),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
