/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention periods in words.  The parser follows ngx_parse_time() in
 * seconds mode, so that whatever "privacy_retention" accepted is shown
 * as the operator wrote it: "24M" stays 24 months, never "720 days".
 * The months and years shown are calendar months and years, as the
 * sweeps count them (ngx_http_privacy_calendar.c); the seconds per unit
 * below are ngx_parse_time()'s, only to refuse what it refuses.
 */


#include <string.h>

#include "ngx_http_privacy_duration.h"


#define NGX_HTTP_PRIVACY_UNITS       7
#define NGX_HTTP_PRIVACY_UNIT_SEC    6
#define NGX_HTTP_PRIVACY_TIME_MAX    2147483647UL


typedef struct {
    u_char       unit;          /* as written in nginx syntax */
    unsigned     max;           /* the largest value ngx_parse_time takes */
    unsigned     seconds;
    const char  *one[2];        /* singular: sv, en */
    const char  *many[2];       /* plural: sv, en */
} ngx_http_privacy_unit_t;


typedef struct {
    u_char      *pos;
    u_char      *end;
    unsigned     failed;
} ngx_http_privacy_words_t;


static void ngx_http_privacy_words_add(ngx_http_privacy_words_t *w,
    const char *s);
static void ngx_http_privacy_words_number(ngx_http_privacy_words_t *w,
    unsigned long n);
static size_t ngx_http_privacy_words_join(unsigned long *values,
    unsigned *units, size_t n, unsigned lang, u_char *out, size_t size);


static const ngx_http_privacy_unit_t  ngx_http_privacy_units[] = {
    { 'y', 68, 365 * 86400, { "år", "year" }, { "år", "years" } },
    { 'M', 828, 30 * 86400, { "månad", "month" }, { "månader", "months" } },
    { 'w', 3550, 7 * 86400, { "vecka", "week" }, { "veckor", "weeks" } },
    { 'd', 24855, 86400, { "dag", "day" }, { "dagar", "days" } },
    { 'h', 596523, 3600, { "timme", "hour" }, { "timmar", "hours" } },
    { 'm', 35791394, 60, { "minut", "minute" }, { "minuter", "minutes" } },
    { 's', 2147483647, 1, { "sekund", "second" },
      { "sekunder", "seconds" } }
};


/*
 * the seconds of the units used for a number of seconds: d, h, m, s; no
 * years or months, which the pages say are calendar ones, longer or
 * shorter than a fixed number of days
 */
static const struct {
    unsigned       unit;
    unsigned long  seconds;
} ngx_http_privacy_split[] = {
    { 3, 24 * 60 * 60 },
    { 4, 60 * 60 },
    { 5, 60 },
    { 6, 1 }
};


size_t
ngx_http_privacy_duration_words(const u_char *text, size_t len,
    unsigned lang, u_char *out, size_t size)
{
    int            last;
    size_t         i, start, end, digits, n, first;
    unsigned       u, units[NGX_HTTP_PRIVACY_UNITS];
    unsigned       bare;
    unsigned long  v, total, value[NGX_HTTP_PRIVACY_UNITS];
    unsigned long  shown[NGX_HTTP_PRIVACY_UNITS];

    if (lang > NGX_HTTP_PRIVACY_DURATION_EN) {
        return 0;
    }

    memset(value, 0, sizeof(value));

    last = -1;          /* the index of the last unit written */
    bare = 0;           /* a bare number (seconds) was seen: no more units */
    total = 0;
    n = 0;
    first = NGX_HTTP_PRIVACY_UNITS;
    i = 0;

    for ( ;; ) {

        while (i < len && text[i] == ' ') {
            i++;
        }

        if (i == len) {
            break;
        }

        start = i;

        while (i < len && text[i] != ' ') {
            i++;
        }

        end = i;

        /* one group: digits and an optional unit */

        digits = end - start;
        u = NGX_HTTP_PRIVACY_UNIT_SEC;

        if (text[end - 1] < '0' || text[end - 1] > '9') {
            for (u = 0; u < NGX_HTTP_PRIVACY_UNITS; u++) {
                if (ngx_http_privacy_units[u].unit == text[end - 1]) {
                    break;
                }
            }

            if (u == NGX_HTTP_PRIVACY_UNITS || bare || (int) u <= last) {
                return 0;
            }

            last = (int) u;
            digits--;

        } else {
            bare = 1;
        }

        if (digits == 0 || digits > 10) {
            return 0;
        }

        v = 0;

        for (end = start + digits; start < end; start++) {
            if (text[start] < '0' || text[start] > '9') {
                return 0;
            }

            v = v * 10 + (text[start] - '0');
        }

        if (v > ngx_http_privacy_units[u].max) {
            return 0;
        }

        if (first == NGX_HTTP_PRIVACY_UNITS) {
            first = u;
        }

        /* as in ngx_parse_time(): the whole must fit in 31 bits */
        value[u] += v;
        total += v * ngx_http_privacy_units[u].seconds;

        if (total > NGX_HTTP_PRIVACY_TIME_MAX) {
            return 0;
        }
    }

    if (first == NGX_HTTP_PRIVACY_UNITS) {
        return 0;
    }

    for (u = 0; u < NGX_HTTP_PRIVACY_UNITS; u++) {
        if (value[u]) {
            units[n] = u;
            shown[n] = value[u];
            n++;
        }
    }

    if (n == 0) {
        /* "0d": zero of the first unit written */
        units[0] = first;
        shown[0] = 0;
        n = 1;
    }

    return ngx_http_privacy_words_join(shown, units, n, lang, out, size);
}


size_t
ngx_http_privacy_duration_seconds(time_t seconds, unsigned lang,
    u_char *out, size_t size)
{
    size_t         i, n;
    unsigned       units[NGX_HTTP_PRIVACY_UNITS];
    unsigned long  rest, value[NGX_HTTP_PRIVACY_UNITS];

    if (seconds < 0 || lang > NGX_HTTP_PRIVACY_DURATION_EN) {
        return 0;
    }

    rest = (unsigned long) seconds;
    n = 0;

    for (i = 0; i < sizeof(ngx_http_privacy_split)
                    / sizeof(ngx_http_privacy_split[0]); i++)
    {
        if (rest >= ngx_http_privacy_split[i].seconds) {
            units[n] = ngx_http_privacy_split[i].unit;
            value[n] = rest / ngx_http_privacy_split[i].seconds;
            rest %= ngx_http_privacy_split[i].seconds;
            n++;
        }
    }

    if (n == 0) {
        units[0] = NGX_HTTP_PRIVACY_UNIT_SEC;
        value[0] = 0;
        n = 1;
    }

    return ngx_http_privacy_words_join(value, units, n, lang, out, size);
}


/* "1 år, 6 månader och 2 dagar" / "1 year, 6 months and 2 days" */

static size_t
ngx_http_privacy_words_join(unsigned long *values, unsigned *units,
    size_t n, unsigned lang, u_char *out, size_t size)
{
    size_t                          i;
    ngx_http_privacy_words_t        w;
    const ngx_http_privacy_unit_t  *unit;

    w.pos = out;
    w.end = out + size;
    w.failed = 0;

    for (i = 0; i < n; i++) {

        if (i) {
            if (i < n - 1) {
                ngx_http_privacy_words_add(&w, ", ");

            } else {
                ngx_http_privacy_words_add(&w,
                    lang == NGX_HTTP_PRIVACY_DURATION_SV ? " och " : " and ");
            }
        }

        unit = &ngx_http_privacy_units[units[i]];

        ngx_http_privacy_words_number(&w, values[i]);
        ngx_http_privacy_words_add(&w, " ");
        ngx_http_privacy_words_add(&w, values[i] == 1 ? unit->one[lang]
                                                      : unit->many[lang]);
    }

    if (w.failed) {
        return 0;
    }

    return w.pos - out;
}


static void
ngx_http_privacy_words_add(ngx_http_privacy_words_t *w, const char *s)
{
    size_t  len;

    len = strlen(s);

    if (w->failed || (size_t) (w->end - w->pos) < len) {
        w->failed = 1;
        return;
    }

    memcpy(w->pos, s, len);
    w->pos += len;
}


static void
ngx_http_privacy_words_number(ngx_http_privacy_words_t *w, unsigned long n)
{
    char    digits[24];
    size_t  i;

    i = sizeof(digits) - 1;
    digits[i] = '\0';

    do {
        digits[--i] = (char) ('0' + n % 10);
        n /= 10;
    } while (n && i);

    ngx_http_privacy_words_add(w, &digits[i]);
}
