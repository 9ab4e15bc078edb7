/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Every text cell is quoted, so that commas, quotes and line breaks in
 * a search term or a path stay inside their cell (RFC 4180, 2.6 and
 * 2.7).  Quoting does not stop a spreadsheet from evaluating a formula,
 * though: the apostrophe does, and shows the value as text.
 */


#include "ngx_http_privacy_csv.h"


int
ngx_http_privacy_csv_risky(const u_char *s, size_t len)
{
    size_t  i;

    /* some spreadsheets skip leading blanks before looking */
    for (i = 0; i < len && (s[i] == ' ' || s[i] == '\n'); i++) {
        /* void */
    }

    if (i == len) {
        return 0;
    }

    switch (s[i]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
        return 1;
    default:
        return 0;
    }
}


size_t
ngx_http_privacy_csv_cell_len(const u_char *s, size_t len)
{
    size_t  i, n;

    n = len + 2 + (ngx_http_privacy_csv_risky(s, len) ? 1 : 0);

    for (i = 0; i < len; i++) {
        if (s[i] == '"') {
            n++;
        }
    }

    return n;
}


u_char *
ngx_http_privacy_csv_cell(u_char *dst, const u_char *s, size_t len)
{
    size_t  i;

    *dst++ = '"';

    if (ngx_http_privacy_csv_risky(s, len)) {
        *dst++ = '\'';
    }

    for (i = 0; i < len; i++) {
        if (s[i] == '"') {
            *dst++ = '"';
        }

        *dst++ = s[i];
    }

    *dst++ = '"';

    return dst;
}
