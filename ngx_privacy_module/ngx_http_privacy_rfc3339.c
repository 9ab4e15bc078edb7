/*
 * Copyright (C) ngx_privacy_module authors
 *
 * RFC 3339 timestamps to and from unix time; see the header.
 */


#include <stdio.h>

#include "ngx_http_privacy_rfc3339.h"


static int64_t ngx_http_privacy_rfc3339_days(int64_t y, int m, int d);


int
ngx_http_privacy_rfc3339_parse(const char *s, size_t len, int64_t *t)
{
    int       i, y, mo, d, h, mi, sec, off, sign;
    int64_t   days, v;
    size_t    p;

    /* YYYY-MM-DD */
    if (len < 10) {
        return -1;
    }

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') {
                return -1;
            }

        } else if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
    }

    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
        + (s[3] - '0');
    mo = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');

    if (y < 1800 || mo < 1 || mo > 12 || d < 1
        || d > 31
        || (mo == 2 && d > ((y % 4 == 0 && (y % 100 || y % 400 == 0))
                            ? 29 : 28))
        || ((mo == 4 || mo == 6 || mo == 9 || mo == 11) && d > 30))
    {
        return -1;
    }

    h = mi = sec = off = 0;

    if (len > 10) {
        /* THH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
        if (len < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
            return -1;
        }

        for (i = 11; i < 19; i++) {
            if (i == 13 || i == 16) {
                if (s[i] != ':') {
                    return -1;
                }

            } else if (s[i] < '0' || s[i] > '9') {
                return -1;
            }
        }

        h = (s[11] - '0') * 10 + (s[12] - '0');
        mi = (s[14] - '0') * 10 + (s[15] - '0');
        sec = (s[17] - '0') * 10 + (s[18] - '0');

        /* a leap second is read as the last second of its minute */
        if (h > 23 || mi > 59 || sec > 60) {
            return -1;
        }

        if (sec == 60) {
            sec = 59;
        }

        p = 19;

        if (s[p] == '.') {
            p++;

            if (p == len || s[p] < '0' || s[p] > '9') {
                return -1;
            }

            while (p < len && s[p] >= '0' && s[p] <= '9') {
                p++;
            }
        }

        if (p + 1 == len && (s[p] == 'Z' || s[p] == 'z')) {
            off = 0;

        } else if (p + 6 == len && (s[p] == '+' || s[p] == '-')
                   && s[p + 1] >= '0' && s[p + 1] <= '9'
                   && s[p + 2] >= '0' && s[p + 2] <= '9'
                   && s[p + 3] == ':'
                   && s[p + 4] >= '0' && s[p + 4] <= '9'
                   && s[p + 5] >= '0' && s[p + 5] <= '9')
        {
            sign = (s[p] == '-') ? -1 : 1;
            off = ((s[p + 1] - '0') * 10 + (s[p + 2] - '0')) * 60
                  + (s[p + 4] - '0') * 10 + (s[p + 5] - '0');

            if (off > 23 * 60 + 59) {
                return -1;
            }

            off *= sign;

        } else {
            return -1;
        }
    }

    days = ngx_http_privacy_rfc3339_days(y, mo, d);

    v = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t) off * 60;

    /*
     * in UTC too: "9999-12-31T23:59:59-01:00" is in the year 10000, which
     * the format (four digits) cannot give back
     */
    if (v < NGX_HTTP_PRIVACY_RFC3339_MIN || v > NGX_HTTP_PRIVACY_RFC3339_MAX) {
        return -1;
    }

    *t = v;

    return 0;
}


void
ngx_http_privacy_rfc3339_format(int64_t t, char out[21])
{
    int64_t  days, secs, z, era, doe, yoe, y, doy, mp, d, m;

    days = t / 86400;
    secs = t % 86400;

    if (secs < 0) {
        secs += 86400;
        days--;
    }

    /* civil_from_days (H. Hinnant, public domain) */
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += (m <= 2);

    snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int) y, (int) m,
             (int) d, (int) (secs / 3600), (int) (secs / 60 % 60),
             (int) (secs % 60));
}


/* days_from_civil (H. Hinnant, public domain) */

static int64_t
ngx_http_privacy_rfc3339_days(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= (m <= 2);
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}
