/*
 * Copyright (C) ngx_privacy_module authors
 *
 * application/x-www-form-urlencoded parsing for the portal's POST bodies
 * and query strings.  Spans and lengths only: the data is not
 * NUL-terminated and decoded values may contain NUL bytes.
 */


#include <string.h>

#include "ngx_http_privacy_form.h"


static int ngx_http_privacy_form_hex(u_char c);
static size_t ngx_http_privacy_form_decode_one(const u_char *p, size_t left,
    u_char *c);


void
ngx_http_privacy_form_iter_init(ngx_http_privacy_form_iter_t *it,
    const u_char *data, size_t len)
{
    /* an empty body may come with a NULL pointer */
    it->pos = data;
    it->end = len ? data + len : data;
}


int
ngx_http_privacy_form_next(ngx_http_privacy_form_iter_t *it,
    const u_char **key, size_t *key_len, const u_char **val, size_t *val_len)
{
    const u_char  *p, *end, *start, *v;

    p = it->pos;
    end = it->end;

    while (p < end && *p == '&') {
        p++;
    }

    if (p == end) {
        it->pos = p;
        return 0;
    }

    start = p;

    while (p < end && *p != '=' && *p != '&') {
        p++;
    }

    *key = start;
    *key_len = p - start;

    if (p < end && *p == '=') {
        v = p + 1;
        p = memchr(v, '&', end - v);
        if (p == NULL) {
            p = end;
        }

        *val = v;
        *val_len = p - v;

    } else {
        /* "flag" or "flag&...": present, with an empty value */
        *val = p;
        *val_len = 0;
    }

    it->pos = p;

    return 1;
}


size_t
ngx_http_privacy_form_decode(const u_char *src, size_t len, u_char *dst)
{
    size_t  i, n;

    /*
     * n never passes i and the bytes of a "%XX" are read before dst[n]
     * is written, which is what makes dst == src safe.
     */
    i = 0;
    n = 0;

    while (i < len) {
        i += ngx_http_privacy_form_decode_one(src + i, len - i, &dst[n]);
        n++;
    }

    return n;
}


int
ngx_http_privacy_form_key_is(const u_char *key, size_t key_len,
    const char *name)
{
    size_t         i;
    u_char         c;
    const u_char  *n;

    n = (const u_char *) name;
    i = 0;

    while (i < key_len) {
        i += ngx_http_privacy_form_decode_one(key + i, key_len - i, &c);

        /* "%00" must not pass for the end of name */
        if (*n == '\0' || *n != c) {
            return 0;
        }

        n++;
    }

    return *n == '\0';
}


/* decodes one byte at p (left > 0 bytes available), returns bytes used */
static size_t
ngx_http_privacy_form_decode_one(const u_char *p, size_t left, u_char *c)
{
    int  hi, lo;

    if (p[0] == '+') {
        *c = ' ';
        return 1;
    }

    if (p[0] == '%' && left > 2) {
        hi = ngx_http_privacy_form_hex(p[1]);
        lo = ngx_http_privacy_form_hex(p[2]);

        if (hi >= 0 && lo >= 0) {
            *c = (u_char) ((hi << 4) | lo);
            return 3;
        }
    }

    /* a '%' without two hex digits is kept as written, as browsers do */
    *c = p[0];

    return 1;
}


static int
ngx_http_privacy_form_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}
