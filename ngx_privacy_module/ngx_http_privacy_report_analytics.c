/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_report_analytics.h"


int
ngx_http_privacy_day_parse(const u_char *s, size_t len, int64_t *t)
{
    int     y, m, d, mdays;
    size_t  i;

    static const int  days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                 30, 31 };

    if (len != 10 || s[4] != '-' || s[7] != '-') {
        return -1;
    }

    for (i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }

    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
        + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');

    if (y < 1970 || m < 1 || m > 12 || d < 1) {
        return -1;
    }

    mdays = days[m - 1];

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        mdays = 29;
    }

    if (d > mdays) {
        return -1;
    }

    /* days from the civil date (H. Hinnant's algorithm), proleptic */
    {
        int64_t  yy, era, yoe, doy, doe;

        yy = y - (m <= 2);
        era = yy / 400;
        yoe = yy - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

        *t = (era * 146097 + doe - 719468) * 86400;
    }

    return 0;
}


int
ngx_http_privacy_datetime_parse(const u_char *s, size_t len, int64_t *t)
{
    int     h, m, sec;
    size_t  i;

    if (len != 10 && len != 16 && len != 19) {
        return -1;
    }

    if (ngx_http_privacy_day_parse(s, 10, t) != 0) {
        return -1;
    }

    if (len == 10) {
        return 0;
    }

    if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':'
        || (len == 19 && s[16] != ':'))
    {
        return -1;
    }

    for (i = 11; i < len; i++) {
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }

    h = (s[11] - '0') * 10 + (s[12] - '0');
    m = (s[14] - '0') * 10 + (s[15] - '0');
    sec = len == 19 ? (s[17] - '0') * 10 + (s[18] - '0') : 0;

    if (h > 23 || m > 59 || sec > 59) {
        return -1;
    }

    *t += h * 3600 + m * 60 + sec;

    return 0;
}


void
ngx_http_privacy_day_format(int64_t t, char *out)
{
    time_t     tt;
    struct tm  tm;

    tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999
        || tm.tm_year + 1900 < 0)
    {
        memcpy(out, "0000-00-00", 11);
        return;
    }

    (void) strftime(out, 11, "%Y-%m-%d", &tm);
}


void
ngx_http_privacy_report_k(ngx_http_privacy_rtable_t *t, size_t searches,
    size_t visitors, int64_t k, size_t limit, ngx_http_privacy_rare_t *rare)
{
    size_t                     i, j, n, kept;
    ngx_http_privacy_rcell_t  *row, *v, *s;

    memset(rare, 0, sizeof(ngx_http_privacy_rare_t));

    n = t->def->ncols;
    kept = 0;

    for (i = 0; i < t->nrows; i++) {
        row = &t->cells[i * n];
        v = &row[visitors];
        s = &row[searches];

        if (v->null || v->s || v->n < k) {
            rare->terms++;
            rare->searches += (s->null || s->s) ? 0 : s->n;
            rare->visitors += (v->null || v->s) ? 0 : v->n;

        } else if (kept < limit) {
            if (kept != i) {
                memcpy(&t->cells[kept * n], row,
                       n * sizeof(ngx_http_privacy_rcell_t));
                memset(row, 0, n * sizeof(ngx_http_privacy_rcell_t));
            }

            kept++;
            continue;
        }

        /* dropped: its text goes now */
        for (j = 0; j < n; j++) {
            free(row[j].s);
            row[j].s = NULL;
        }
    }

    t->nrows = kept;
}
