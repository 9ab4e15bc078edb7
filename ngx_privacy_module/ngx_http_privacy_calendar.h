/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Calendar arithmetic in UTC for retention periods and legal deadlines:
 * months and years are calendar months and years, whose day of month is
 * clamped to the month's last day (31 January + 1 month is 28 or 29
 * February, 29 February + 1 year is 28 February).  Pure C: no nginx
 * headers, no locale, no time zone, thread-safe.
 */

#ifndef _NGX_HTTP_PRIVACY_CALENDAR_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CALENDAR_H_INCLUDED_


#include <stddef.h>
#include <time.h>
#include <sys/types.h>


#define NGX_HTTP_PRIVACY_CALENDAR_DAY  86400


/*
 * A retention period as nginx time syntax writes it ("24M", "1y 6M",
 * "90d", "36h"): the calendar months (a year being 12) and the seconds
 * of the other units, which are exact.
 */
typedef struct {
    unsigned   months;
    time_t     seconds;
} ngx_http_privacy_period_t;


/*
 * Parses text as ngx_parse_time(line, 1) does (the directive has already
 * accepted it).  Returns 0, or -1 if text is not such a time.
 */
int ngx_http_privacy_period_parse(const u_char *text, size_t len,
    ngx_http_privacy_period_t *period);

/*
 * t plus (or, negative, minus) months calendar months, at the same time
 * of day, the day of month clamped to the last day of the month reached.
 */
time_t ngx_http_privacy_calendar_add_months(time_t t, int months);

/* the first second (UTC) of the day of t */
time_t ngx_http_privacy_calendar_day(time_t t);

/*
 * The first second at which a record whose reference date falls on the
 * day of t is past its period: the record is kept through the last day
 * of the period (the day of t plus the period) and goes at the next
 * midnight, UTC.
 */
time_t ngx_http_privacy_period_expires(time_t t,
    const ngx_http_privacy_period_t *period);

/*
 * The retention cutoff at time now: a midnight, records whose reference
 * date is before it are past their period, records at or after it are
 * not (the inverse of ngx_http_privacy_period_expires()).
 */
time_t ngx_http_privacy_period_cutoff(time_t now,
    const ngx_http_privacy_period_t *period);

/*
 * GDPR art. 12(3): the answer to a request received at t is due one
 * calendar month later, the day clamped (received 31 January, due 28 or
 * 29 February).
 */
time_t ngx_http_privacy_calendar_due(time_t received);

/*
 * "MM-DD", a day every year has (29 February is refused): 0, with month
 * (1-12) and day set, or -1.
 */
int ngx_http_privacy_fiscal_parse(const u_char *text, size_t len,
    unsigned *month, unsigned *day);

/*
 * The first second (UTC) of the last day of the fiscal year that holds
 * the day of t, the fiscal year ending on month-day every year.
 */
time_t ngx_http_privacy_fiscal_year_end(time_t t, unsigned month,
    unsigned day);

/*
 * The reference date of a bookkeeping record of the day of t: the last
 * day (31 December) of the calendar year in which its fiscal year ended,
 * from which Bokföringslagen (7 kap. 2 §) counts the seven years.
 */
time_t ngx_http_privacy_fiscal_reference(time_t t, unsigned month,
    unsigned day);

/*
 * The last second a bookkeeping record of the day of t is kept: through
 * the last day of the period counted from its reference date (above); a
 * NULL period is Bokföringslagen's seven years.  The bookkeeping sweep
 * deletes the record at the first sweep after it; an erasure (by the
 * rights portal or by a sweep) writes it into orders.hold_until.
 */
time_t ngx_http_privacy_bookkeeping_until(time_t t,
    const ngx_http_privacy_period_t *period, unsigned month, unsigned day);


#endif /* _NGX_HTTP_PRIVACY_CALENDAR_H_INCLUDED_ */
