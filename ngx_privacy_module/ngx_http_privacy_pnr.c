/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Personnummer and samordningsnummer validation (Skatteverket SKV 704,
 * SKV 707): the date must exist (the day plus 60 for a samordningsnummer)
 * and the tenth digit is the Luhn check digit of the nine before it.
 */


#include <string.h>

#include "ngx_http_privacy_pnr.h"


static int ngx_http_privacy_pnr_days(int year, int month);
static int ngx_http_privacy_pnr_luhn(const u_char *d);


int
ngx_http_privacy_pnr_parse(const u_char *s, size_t len, int today_year,
    int today_month, int today_day, ngx_http_privacy_pnr_t *pnr)
{
    int       year, month, day, yy, century, plus, born, today;
    size_t    i, n, date_len;
    u_char    d[NGX_HTTP_PRIVACY_PNR_LEN];

    /* the date part: 8 or 6 digits; then an optional separator; 4 digits */
    if (len == 12 || len == 13) {
        date_len = 8;

    } else if (len == 10 || len == 11) {
        date_len = 6;

    } else {
        return -1;
    }

    plus = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (n == date_len + 4) {
                return -1;
            }

            d[n++] = s[i];
            continue;
        }

        if (i == date_len && len == date_len + 5
            && (s[i] == '-' || s[i] == '+'))
        {
            plus = (s[i] == '+');
            continue;
        }

        return -1;
    }

    if (n != date_len + 4) {
        return -1;
    }

    /* "+" is the ten-digit form's way of saying "born a century ago" */
    if (plus && date_len == 8) {
        return -1;
    }

    if (date_len == 6) {
        memmove(d + 2, d, 10);

        yy = (d[2] - '0') * 10 + (d[3] - '0');
        month = (d[4] - '0') * 10 + (d[5] - '0');
        day = (d[6] - '0') * 10 + (d[7] - '0');
        if (day > 60) {
            day -= 60;
        }

        today = today_year * 10000 + today_month * 100 + today_day;

        century = today_year / 100;
        born = (century * 100 + yy) * 10000 + month * 100 + day;

        if (born > today) {
            century--;
        }

        if (plus) {
            century--;
        }

        d[0] = (u_char) ('0' + century / 10 % 10);
        d[1] = (u_char) ('0' + century % 10);
    }

    year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10
           + (d[3] - '0');
    month = (d[4] - '0') * 10 + (d[5] - '0');
    day = (d[6] - '0') * 10 + (d[7] - '0');

    pnr->coordination = 0;

    if (day > 60) {
        day -= 60;
        pnr->coordination = 1;
    }

    if (year < 1800 || month < 1 || month > 12 || day < 1
        || day > ngx_http_privacy_pnr_days(year, month))
    {
        return -1;
    }

    if (!ngx_http_privacy_pnr_luhn(d + 2)) {
        return -1;
    }

    memcpy(pnr->digits, d, NGX_HTTP_PRIVACY_PNR_LEN);

    return 0;
}


void
ngx_http_privacy_pnr_format(const ngx_http_privacy_pnr_t *pnr,
    u_char out[NGX_HTTP_PRIVACY_PNR_LEN + 1])
{
    memcpy(out, pnr->digits, 8);
    out[8] = '-';
    memcpy(out + 9, pnr->digits + 8, 4);
}


static int
ngx_http_privacy_pnr_days(int year, int month)
{
    static const int  days[12] = { 31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31 };

    if (month == 2
        && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    {
        return 29;
    }

    return days[month - 1];
}


/* ten digits YYMMDDNNNC: weights 2,1,2,1,... on the first nine */

static int
ngx_http_privacy_pnr_luhn(const u_char *d)
{
    int     sum, v, i;

    sum = 0;

    for (i = 0; i < 9; i++) {
        v = (d[i] - '0') * ((i % 2 == 0) ? 2 : 1);
        sum += v / 10 + v % 10;
    }

    return (10 - sum % 10) % 10 == d[9] - '0';
}
