/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Whether a Set-Cookie deletes its cookie, by the algorithms of RFC 6265
 * section 5 that browsers implement.  A tracking Set-Cookie that is
 * taken for a deletion passes to a visitor who refused it, so only what
 * a browser really treats as a deletion counts.  Header values are
 * attacker-controlled and not NUL-terminated: nothing here reads outside
 * [value, value + len).
 */


#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_set_cookie.h"


#define ngx_http_privacy_sc_blank(c)  ((c) == ' ' || (c) == '\t')
#define ngx_http_privacy_sc_digit(c)  ((c) >= '0' && (c) <= '9')


/* one attribute of a Set-Cookie (RFC 6265 5.2 steps 2-6), trimmed */
typedef struct {
    const u_char  *name;
    size_t         name_len;
    const u_char  *value;        /* empty when there is no '=' */
    size_t         value_len;
    unsigned       has_value:1;
} ngx_http_privacy_sc_attr_t;


static const u_char *ngx_http_privacy_sc_attr(const u_char *p,
    const u_char *end, ngx_http_privacy_sc_attr_t *a);
static int ngx_http_privacy_sc_name_is(const u_char *s, size_t len,
    const char *name);
static int ngx_http_privacy_sc_delimiter(u_char c);
static size_t ngx_http_privacy_sc_digits(const u_char *p, size_t len,
    size_t min, size_t max, int *value);
static int64_t ngx_http_privacy_sc_days(int64_t y, int m, int d);


int
ngx_http_privacy_max_age_parse(const u_char *v, size_t len, int *nonpositive)
{
    size_t  i, start;
    int     zero;

    if (len == 0) {
        return 0;
    }

    start = (v[0] == '-') ? 1 : 0;

    if (start == len) {
        return 0;           /* "Max-Age=-" */
    }

    zero = 1;

    for (i = start; i < len; i++) {
        if (!ngx_http_privacy_sc_digit(v[i])) {
            return 0;       /* "-abc", "1e3", " 5", "+5" */
        }

        if (v[i] != '0') {
            zero = 0;
        }
    }

    /* any negative number, and zero, mean "expire now" (5.2.2) */
    *nonpositive = start || zero;

    return 1;
}


/*
 * RFC 6265 5.1.1: the date is cut into tokens at delimiters; the first
 * token that looks like a time is the time, the first that looks like a
 * day of month the day, and so on, in that order of preference.
 */

int
ngx_http_privacy_cookie_date_parse(const u_char *v, size_t len, time_t *t)
{
    int            found_time, found_day, found_month, found_year;
    int            hour, minute, second, day, month, year, n, h, mi, s;
    size_t         i, k, tlen;
    u_char         m[3];
    const u_char  *tok, *end;
    int64_t        days;

    static const char  months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    static const int   mdays[] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    found_time = found_day = found_month = found_year = 0;
    hour = minute = second = day = month = year = 0;

    end = v + len;

    while (v < end) {

        while (v < end && ngx_http_privacy_sc_delimiter(*v)) {
            v++;
        }

        tok = v;

        while (v < end && !ngx_http_privacy_sc_delimiter(*v)) {
            v++;
        }

        tlen = v - tok;

        if (tlen == 0) {
            break;
        }

        /* time = hms-time ( non-digit *OCTET ) */
        if (!found_time) {
            k = ngx_http_privacy_sc_digits(tok, tlen, 1, 2, &h);

            if (k && k < tlen && tok[k] == ':') {
                i = k + 1;
                k = ngx_http_privacy_sc_digits(tok + i, tlen - i, 1, 2, &mi);

                if (k && i + k < tlen && tok[i + k] == ':') {
                    i += k + 1;
                    k = ngx_http_privacy_sc_digits(tok + i, tlen - i, 1, 2,
                                                   &s);
                    if (k) {
                        found_time = 1;
                        hour = h;
                        minute = mi;
                        second = s;
                        continue;
                    }
                }
            }
        }

        /* day-of-month = 1*2DIGIT ( non-digit *OCTET ) */
        if (!found_day
            && ngx_http_privacy_sc_digits(tok, tlen, 1, 2, &n))
        {
            found_day = 1;
            day = n;
            continue;
        }

        /* month: the first three letters, in any case */
        if (!found_month && tlen >= 3) {
            for (i = 0; i < 3; i++) {
                m[i] = tok[i];
                if (m[i] >= 'A' && m[i] <= 'Z') {
                    m[i] |= 0x20;
                }
            }

            for (i = 0; i < 12; i++) {
                if (memcmp(m, months + 3 * i, 3) == 0) {
                    found_month = 1;
                    month = (int) i + 1;
                    break;
                }
            }

            if (found_month) {
                continue;
            }
        }

        /* year = 2*4DIGIT ( non-digit *OCTET ) */
        if (!found_year
            && ngx_http_privacy_sc_digits(tok, tlen, 2, 4, &n))
        {
            found_year = 1;
            year = n;
            continue;
        }
    }

    if (!(found_time && found_day && found_month && found_year)) {
        return 0;
    }

    if (year >= 70 && year <= 99) {
        year += 1900;

    } else if (year >= 0 && year <= 69) {
        year += 2000;
    }

    if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59
        || second > 59)
    {
        return 0;
    }

    /* "If the date does not exist, abort": 31 April, 29 February 2023 */
    if (day > mdays[month - 1]
        || (month == 2 && day == 29
            && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)))
    {
        return 0;
    }

    days = ngx_http_privacy_sc_days(year, month, day);

    *t = (time_t) (days * 86400 + hour * 3600 + minute * 60 + second);

    return 1;
}


int
ngx_http_privacy_set_cookie_deletes(const u_char *value, size_t len,
    time_t now)
{
    int                          age_set, expires_set, nonpositive;
    int                          del_age, n;
    time_t                       expires, e;
    const u_char                *p, *end;
    ngx_http_privacy_sc_attr_t   a;

    if (len == 0) {
        return 0;
    }

    end = value + len;
    age_set = 0;
    expires_set = 0;
    del_age = 0;
    expires = 0;

    /* the attributes start after the first ';' (5.2 step 1) */
    p = memchr(value, ';', len);

    while (p != NULL && p < end) {
        p = ngx_http_privacy_sc_attr(p + 1, end, &a);
        e = 0;

        /* an invalid value is ignored: an earlier valid one still counts */

        if (ngx_http_privacy_sc_name_is(a.name, a.name_len, "max-age")) {
            if (ngx_http_privacy_max_age_parse(a.value, a.value_len, &n)) {
                age_set = 1;
                del_age = n;
            }

        } else if (ngx_http_privacy_sc_name_is(a.name, a.name_len, "expires")) {
            if (ngx_http_privacy_cookie_date_parse(a.value, a.value_len, &e)) {
                expires_set = 1;
                expires = e;
            }
        }
    }

    nonpositive = 0;

    if (age_set) {
        nonpositive = del_age;

    } else if (expires_set) {
        nonpositive = (expires <= now);
    }

    return nonpositive;
}


/*
 * RFC 6265 5.2.2: a valid, positive Max-Age value (the caller checked
 * it) read as a number, compared with max_age; a value with more digits
 * than any time_t is larger.
 */

static int
ngx_http_privacy_sc_exceeds(const u_char *v, size_t len, time_t max_age)
{
    size_t    i;
    uint64_t  n;

    while (len > 1 && v[0] == '0') {
        v++;
        len--;
    }

    if (len > 18) {
        return 1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        n = n * 10 + (v[i] - '0');
    }

    return n > (uint64_t) max_age;
}


/* an HTTP date (RFC 7231 7.1.1.1), which every cookie-date parser reads */

static size_t
ngx_http_privacy_sc_http_date(time_t t, u_char *out)
{
    struct tm  tm;

    static const char  days[] = "SunMonTueWedThuFriSat";
    static const char  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999) {
        return 0;
    }

    return (size_t) snprintf((char *) out, NGX_HTTP_PRIVACY_HTTP_DATE_LEN + 1,
                             "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
                             &days[tm.tm_wday * 3], tm.tm_mday,
                             &months[tm.tm_mon * 3], tm.tm_year + 1900,
                             tm.tm_hour, tm.tm_min, tm.tm_sec);
}


size_t
ngx_http_privacy_set_cookie_cap(const u_char *value, size_t len, time_t now,
    time_t max_age, u_char *out)
{
    int            nonpositive;
    u_char        *o;
    u_char         age[24], date[NGX_HTTP_PRIVACY_HTTP_DATE_LEN + 1];
    time_t         e;
    size_t         age_len, date_len;
    const u_char  *p, *end, *copied, *v, *ve;

    ngx_http_privacy_sc_attr_t  a;

    if (len == 0 || max_age < 0) {
        return 0;
    }

    age_len = (size_t) snprintf((char *) age, sizeof(age), "%lld",
                                (long long) max_age);
    date_len = 0;

    o = out;
    copied = value;
    end = value + len;

    /* the attributes start after the first ';', as in deletes() above */
    p = memchr(value, ';', len);

    while (p != NULL && p < end) {
        p = ngx_http_privacy_sc_attr(p + 1, end, &a);

        if (!a.has_value) {
            continue;
        }

        v = a.value;
        ve = a.value + a.value_len;

        /* a value a browser ignores is left as it is: it sets nothing */

        if (ngx_http_privacy_sc_name_is(a.name, a.name_len, "max-age")) {
            if (!ngx_http_privacy_max_age_parse(v, ve - v, &nonpositive)
                || nonpositive
                || !ngx_http_privacy_sc_exceeds(v, ve - v, max_age))
            {
                continue;
            }

            o = (u_char *) memcpy(o, copied, v - copied) + (v - copied);
            o = (u_char *) memcpy(o, age, age_len) + age_len;
            copied = ve;

        } else if (ngx_http_privacy_sc_name_is(a.name, a.name_len, "expires")) {
            if (!ngx_http_privacy_cookie_date_parse(v, ve - v, &e)
                || e - now <= max_age)
            {
                continue;
            }

            if (date_len == 0) {
                date_len = ngx_http_privacy_sc_http_date(now + max_age, date);

                if (date_len == 0) {
                    continue;
                }
            }

            o = (u_char *) memcpy(o, copied, v - copied) + (v - copied);
            o = (u_char *) memcpy(o, date, date_len) + date_len;
            copied = ve;
        }
    }

    if (copied == value) {
        return 0;
    }

    o = (u_char *) memcpy(o, copied, end - copied) + (end - copied);

    return o - out;
}


/*
 * The attribute that starts at p (just after a ';'): its name and value
 * split at the first '=', each trimmed of blanks.  Returns where the next
 * ';' is, or NULL at the end of the header.
 */

static const u_char *
ngx_http_privacy_sc_attr(const u_char *p, const u_char *end,
    ngx_http_privacy_sc_attr_t *a)
{
    const u_char  *start, *last, *v, *ve;

    start = p;
    ve = memchr(p, ';', end - p);
    if (ve == NULL) {
        ve = end;
    }

    v = memchr(start, '=', ve - start);
    last = v ? v : ve;

    while (start < last && ngx_http_privacy_sc_blank(*start)) {
        start++;
    }

    while (last > start && ngx_http_privacy_sc_blank(last[-1])) {
        last--;
    }

    a->name = start;
    a->name_len = last - start;
    a->has_value = (v != NULL);

    if (v) {
        v++;

        while (v < ve && ngx_http_privacy_sc_blank(*v)) {
            v++;
        }

    } else {
        v = ve;
    }

    p = (ve < end) ? ve : NULL;

    while (ve > v && ngx_http_privacy_sc_blank(ve[-1])) {
        ve--;
    }

    a->value = v;
    a->value_len = ve - v;

    return p;
}


/* case-insensitive comparison with a lower-case name, without the locale */

static int
ngx_http_privacy_sc_name_is(const u_char *s, size_t len, const char *name)
{
    size_t  i;
    u_char  c;

    if (len != strlen(name)) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        if (c != (u_char) name[i]) {
            return 0;
        }
    }

    return 1;
}


/* delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E */

static int
ngx_http_privacy_sc_delimiter(u_char c)
{
    return c == 0x09
           || (c >= 0x20 && c <= 0x2f)
           || (c >= 0x3b && c <= 0x40)
           || (c >= 0x5b && c <= 0x60)
           || (c >= 0x7b && c <= 0x7e);
}


/*
 * min to max digits at p, followed by the end or a non-digit: returns
 * how many (and their value), or 0 when p does not start so.
 */

static size_t
ngx_http_privacy_sc_digits(const u_char *p, size_t len, size_t min,
    size_t max, int *value)
{
    size_t  i;
    int     n;

    n = 0;

    for (i = 0; i < len && i < max && ngx_http_privacy_sc_digit(p[i]); i++) {
        n = n * 10 + (p[i] - '0');
    }

    if (i < min || (i < len && ngx_http_privacy_sc_digit(p[i]))) {
        return 0;
    }

    *value = n;

    return i;
}


/* days from 1970-01-01 to y-m-d (proleptic Gregorian), any year >= 1601 */

static int64_t
ngx_http_privacy_sc_days(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= (m <= 2);
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}
