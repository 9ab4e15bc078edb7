/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Calendar arithmetic in UTC.  Dates are converted to and from days
 * since 1970-01-01 with the proleptic Gregorian formulas of
 * H. Hinnant's "chrono-Compatible Low-Level Date Algorithms", so that no
 * libc time zone or static buffer (gmtime, timegm) is involved and the
 * functions may run in any thread.
 */


#include "ngx_http_privacy_calendar.h"


#define NGX_HTTP_PRIVACY_DAY  NGX_HTTP_PRIVACY_CALENDAR_DAY


static long ngx_http_privacy_days_from_civil(long y, unsigned m, unsigned d);
static void ngx_http_privacy_civil_from_days(long z, long *y, unsigned *m,
    unsigned *d);
static unsigned ngx_http_privacy_month_days(long y, unsigned m);
static long ngx_http_privacy_floor_div(long a, long b);


int
ngx_http_privacy_period_parse(const u_char *text, size_t len,
    ngx_http_privacy_period_t *period)
{
    size_t         i, digits;
    unsigned long  v;

    period->months = 0;
    period->seconds = 0;

    i = 0;
    digits = 0;

    for ( ;; ) {

        while (i < len && text[i] == ' ') {
            i++;
        }

        if (i == len) {
            break;
        }

        v = 0;
        digits = 0;

        while (i < len && text[i] >= '0' && text[i] <= '9') {
            if (++digits > 10) {
                return -1;
            }

            v = v * 10 + (text[i++] - '0');
        }

        if (digits == 0) {
            return -1;
        }

        if (i == len || text[i] == ' ') {
            /* a bare number: seconds */
            period->seconds += (time_t) v;
            continue;
        }

        /* a unit, then the next group, with or without a space */

        switch (text[i++]) {
        case 'y':
            period->months += 12 * v;
            break;
        case 'M':
            period->months += v;
            break;
        case 'w':
            period->seconds += (time_t) v * 7 * NGX_HTTP_PRIVACY_DAY;
            break;
        case 'd':
            period->seconds += (time_t) v * NGX_HTTP_PRIVACY_DAY;
            break;
        case 'h':
            period->seconds += (time_t) v * 3600;
            break;
        case 'm':
            period->seconds += (time_t) v * 60;
            break;
        case 's':
            period->seconds += (time_t) v;
            break;
        default:
            return -1;
        }

        /* as in ngx_parse_time(): 68 years at most */
        if (period->months > 68 * 12) {
            return -1;
        }
    }

    return digits ? 0 : -1;
}


time_t
ngx_http_privacy_calendar_add_months(time_t t, int months)
{
    long      days, y, total;
    time_t    second;
    unsigned  m, d, last;

    days = ngx_http_privacy_floor_div((long) t, NGX_HTTP_PRIVACY_DAY);
    second = t - (time_t) days * NGX_HTTP_PRIVACY_DAY;

    ngx_http_privacy_civil_from_days(days, &y, &m, &d);

    total = y * 12 + (long) (m - 1) + months;
    y = ngx_http_privacy_floor_div(total, 12);
    m = (unsigned) (total - y * 12) + 1;

    last = ngx_http_privacy_month_days(y, m);

    if (d > last) {
        d = last;
    }

    return (time_t) ngx_http_privacy_days_from_civil(y, m, d)
           * NGX_HTTP_PRIVACY_DAY + second;
}


time_t
ngx_http_privacy_calendar_day(time_t t)
{
    return (time_t) ngx_http_privacy_floor_div((long) t, NGX_HTTP_PRIVACY_DAY)
           * NGX_HTTP_PRIVACY_DAY;
}


time_t
ngx_http_privacy_period_expires(time_t t,
    const ngx_http_privacy_period_t *period)
{
    time_t  day;

    day = ngx_http_privacy_calendar_day(t);

    return ngx_http_privacy_calendar_add_months(day, (int) period->months)
           + period->seconds + NGX_HTTP_PRIVACY_DAY;
}


time_t
ngx_http_privacy_period_cutoff(time_t now,
    const ngx_http_privacy_period_t *period)
{
    time_t  cutoff;

    /*
     * a first guess within some days of the answer; then, as expiry
     * grows with the date (never shrinks), whole days forward or back:
     * several days may share one expiry (29, 30 and 31 January plus a
     * month all end on 28 February)
     */
    cutoff = ngx_http_privacy_calendar_day(
                 ngx_http_privacy_calendar_add_months(
                     now - period->seconds - NGX_HTTP_PRIVACY_DAY,
                     -(int) period->months));

    while (ngx_http_privacy_period_expires(cutoff, period) <= now) {
        cutoff += NGX_HTTP_PRIVACY_DAY;
    }

    while (ngx_http_privacy_period_expires(cutoff - NGX_HTTP_PRIVACY_DAY,
                                           period) > now)
    {
        cutoff -= NGX_HTTP_PRIVACY_DAY;
    }

    return cutoff;
}


time_t
ngx_http_privacy_calendar_due(time_t received)
{
    return ngx_http_privacy_calendar_add_months(received, 1);
}


int
ngx_http_privacy_fiscal_parse(const u_char *text, size_t len,
    unsigned *month, unsigned *day)
{
    size_t  i;

    if (len != 5 || text[2] != '-') {
        return -1;
    }

    for (i = 0; i < 5; i++) {
        if (i != 2 && (text[i] < '0' || text[i] > '9')) {
            return -1;
        }
    }

    *month = (text[0] - '0') * 10 + (text[1] - '0');
    *day = (text[3] - '0') * 10 + (text[4] - '0');

    /* 1970 is not a leap year: 29 February is not a day every year has */
    if (*month < 1 || *month > 12 || *day < 1
        || *day > ngx_http_privacy_month_days(1970, *month))
    {
        return -1;
    }

    return 0;
}


time_t
ngx_http_privacy_fiscal_year_end(time_t t, unsigned month, unsigned day)
{
    long      days, y;
    unsigned  m, d;

    days = ngx_http_privacy_floor_div((long) t, NGX_HTTP_PRIVACY_DAY);

    ngx_http_privacy_civil_from_days(days, &y, &m, &d);

    if (m > month || (m == month && d > day)) {
        y++;
    }

    return (time_t) ngx_http_privacy_days_from_civil(y, month, day)
           * NGX_HTTP_PRIVACY_DAY;
}


time_t
ngx_http_privacy_fiscal_reference(time_t t, unsigned month, unsigned day)
{
    long      y;
    unsigned  m, d;

    ngx_http_privacy_civil_from_days(ngx_http_privacy_floor_div(
        (long) ngx_http_privacy_fiscal_year_end(t, month, day),
        NGX_HTTP_PRIVACY_DAY), &y, &m, &d);

    return (time_t) ngx_http_privacy_days_from_civil(y, 12, 31)
           * NGX_HTTP_PRIVACY_DAY;
}


time_t
ngx_http_privacy_bookkeeping_until(time_t t,
    const ngx_http_privacy_period_t *period, unsigned month, unsigned day)
{
    ngx_http_privacy_period_t  seven;

    if (period == NULL) {
        /* Bokföringslagen 7 kap. 2 §: seven years */
        seven.months = 7 * 12;
        seven.seconds = 0;
        period = &seven;
    }

    return ngx_http_privacy_period_expires(
               ngx_http_privacy_fiscal_reference(t, month, day), period) - 1;
}


/* days since 1970-01-01 of a date of the proleptic Gregorian calendar */

static long
ngx_http_privacy_days_from_civil(long y, unsigned m, unsigned d)
{
    long      era;
    unsigned  yoe, doy, doe;

    y -= m <= 2;
    era = ngx_http_privacy_floor_div(y, 400);
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (long) doe - 719468;
}


static void
ngx_http_privacy_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    long      era;
    unsigned  doe, yoe, doy, mp;

    z += 719468;
    era = ngx_http_privacy_floor_div(z, 146097);
    doe = (unsigned) (z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long) yoe + era * 400 + (*m <= 2);
}


static unsigned
ngx_http_privacy_month_days(long y, unsigned m)
{
    static const unsigned char  days[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        return 29;
    }

    return days[m - 1];
}


static long
ngx_http_privacy_floor_div(long a, long b)
{
    long  q;

    q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }

    return q;
}
