/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Cookie and Set-Cookie parsing.  This runs on every request, so each
 * function makes one pass over its input, never allocates and never
 * looks at a byte outside [value, value + len): header values are not
 * NUL-terminated and are attacker-controlled.
 */


#include <stdint.h>
#include <string.h>

#include "ngx_http_privacy_cookie.h"


#define ngx_http_privacy_cookie_blank(c)  ((c) == ' ' || (c) == '\t')


static int ngx_http_privacy_cookie_attr_eq(const u_char *s, size_t len,
    const char *attr);


/*
 * RFC 7230 tchar, which is also what RFC 6265 allows in a cookie name:
 * "!#$%&'*+-.^_`|~", digits and letters.  One bit per byte value.
 */
static const uint32_t  ngx_http_privacy_cookie_tchar[] = {
    0x00000000, /* 0x00-0x1f: control bytes */
    0x03ff6cfa, /* 0x20-0x3f: ! # $ % & ' * + - . 0-9 */
    0xc7fffffe, /* 0x40-0x5f: A-Z ^ _ */
    0x57ffffff, /* 0x60-0x7f: ` a-z | ~ */
    0x00000000, /* 0x80-0xff: non-ASCII */
    0x00000000,
    0x00000000,
    0x00000000
};


void
ngx_http_privacy_cookie_iter_init(ngx_http_privacy_cookie_iter_t *it,
    const u_char *value, size_t len)
{
    /* nginx may hand over a NULL data pointer with length 0 */
    it->pos = value;
    it->end = len ? value + len : value;
}


int
ngx_http_privacy_cookie_next(ngx_http_privacy_cookie_iter_t *it,
    ngx_http_privacy_cookie_pair_t *pair)
{
    const u_char  *p, *end, *start, *eq, *last, *q;

    p = it->pos;
    end = it->end;

    /* separators and the blanks around them; ";;" and "; ;" vanish here */
    while (p < end && (*p == ';' || ngx_http_privacy_cookie_blank(*p))) {
        p++;
    }

    if (p == end) {
        it->pos = p;
        return 0;
    }

    start = p;

    /* the name part byte by byte, then memchr() over the (long) value */
    while (p < end && *p != '=' && *p != ';') {
        p++;
    }

    if (p < end && *p == '=') {
        eq = p;
        p = memchr(eq + 1, ';', end - (eq + 1));
        if (p == NULL) {
            p = end;
        }

    } else {
        eq = NULL;
    }

    it->pos = p;

    last = p;
    while (last > start && ngx_http_privacy_cookie_blank(last[-1])) {
        last--;
    }

    pair->start = start;
    pair->len = last - start;

    if (eq == NULL) {
        /* browsers treat "v" as a cookie with an empty name */
        pair->name = start;
        pair->name_len = 0;
        pair->value = start;
        pair->value_len = last - start;
        return 1;
    }

    q = eq;
    while (q > start && ngx_http_privacy_cookie_blank(q[-1])) {
        q--;
    }

    pair->name = start;
    pair->name_len = q - start;

    /* '=' is not blank, so eq < last and the value span is not negative */
    q = eq + 1;
    while (q < last && ngx_http_privacy_cookie_blank(*q)) {
        q++;
    }

    pair->value = q;
    pair->value_len = last - q;

    return 1;
}


size_t
ngx_http_privacy_cookie_filter(const u_char *value, size_t len,
    u_char *out, ngx_http_privacy_cookie_keep_pt keep, void *data,
    size_t *dropped)
{
    size_t                           n, room;
    u_char                          *o;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   pair;

    o = out;
    n = 0;

    ngx_http_privacy_cookie_iter_init(&it, value, len);

    while (ngx_http_privacy_cookie_next(&it, &pair)) {

        if (!keep(data, &pair)) {
            n++;
            continue;
        }

        if (o != out) {
            /*
             * The output never gets ahead of the input: every kept cookie
             * is preceded by at least one ';' in the input, so ";" always
             * fits, and "; " is written whenever the input leaves room
             * for it.  This keeps the result within len bytes even for
             * "a=1;b=2", and lets the caller filter in place (out ==
             * value), since nothing is written over bytes not yet read.
             */
            room = (size_t) (pair.start - value) - (size_t) (o - out);

            *o++ = ';';

            if (room >= 2) {
                *o++ = ' ';
            }
        }

        memmove(o, pair.start, pair.len);
        o += pair.len;
    }

    if (dropped) {
        *dropped = n;
    }

    return o - out;
}


int
ngx_http_privacy_set_cookie_name(const u_char *value, size_t len,
    const u_char **name, size_t *name_len)
{
    const u_char  *p, *end, *start, *last;

    if (len == 0) {
        return -1;
    }

    p = value;
    end = value + len;

    while (p < end && ngx_http_privacy_cookie_blank(*p)) {
        p++;
    }

    start = p;

    while (p < end && *p != '=' && *p != ';') {
        p++;
    }

    last = p;
    while (last > start && ngx_http_privacy_cookie_blank(last[-1])) {
        last--;
    }

    if (p < end && *p == '=') {
        *name = start;
        *name_len = last - start;
        return 0;
    }

    /* no '=' before the first ';' */

    if (last == start) {
        /* nothing at all before the attributes: no cookie is set */
        return -1;
    }

    /* "v": a cookie with an empty name, as in the Cookie header */
    *name = start;
    *name_len = 0;

    return 0;
}


int
ngx_http_privacy_set_cookie_attr(const u_char *value, size_t len,
    const char *attr, const u_char **val, size_t *val_len)
{
    int            found;
    const u_char  *p, *end, *start, *last, *v, *e;

    if (len == 0) {
        return 0;
    }

    end = value + len;

    /* the attributes start after the first ';', the cookie itself before */
    p = memchr(value, ';', len);
    found = 0;

    while (p != NULL) {
        p++;

        while (p < end && ngx_http_privacy_cookie_blank(*p)) {
            p++;
        }

        start = p;

        while (p < end && *p != '=' && *p != ';') {
            p++;
        }

        last = p;
        while (last > start && ngx_http_privacy_cookie_blank(last[-1])) {
            last--;
        }

        if (p < end && *p == '=') {
            v = p + 1;
            e = memchr(v, ';', end - v);
            p = e;

            if (e == NULL) {
                e = end;
            }

        } else {
            /* "Secure": present, with an empty value */
            v = last;
            e = last;
            p = (p < end) ? p : NULL;
        }

        /* no break on a match: RFC 6265 5.3 lets the last one win */
        if (last > start
            && ngx_http_privacy_cookie_attr_eq(start, last - start, attr))
        {

            while (v < e && ngx_http_privacy_cookie_blank(*v)) {
                v++;
            }

            while (e > v && ngx_http_privacy_cookie_blank(e[-1])) {
                e--;
            }

            *val = v;
            *val_len = e - v;
            found = 1;
        }
    }

    return found;
}


int
ngx_http_privacy_cookie_name_valid(const u_char *name, size_t len)
{
    size_t  i;

    if (len == 0) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!(ngx_http_privacy_cookie_tchar[name[i] >> 5]
              & (1U << (name[i] & 0x1f))))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * ASCII case-insensitive comparison of s with the NUL-terminated attr;
 * no tolower(): the locale must not change how headers are parsed.
 */
static int
ngx_http_privacy_cookie_attr_eq(const u_char *s, size_t len,
    const char *attr)
{
    size_t  i;
    u_char  c, a;

    for (i = 0; i < len; i++) {
        a = (u_char) attr[i];

        if (a == '\0') {
            return 0;
        }

        c = s[i];

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        if (a >= 'A' && a <= 'Z') {
            a |= 0x20;
        }

        if (c != a) {
            return 0;
        }
    }

    return attr[len] == '\0';
}
