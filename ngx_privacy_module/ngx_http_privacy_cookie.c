/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Cookie and Set-Cookie parsing.  This runs on every request, so each
 * function reads its input about once (with memchr() where spans are
 * long), never allocates and never looks at a byte outside [value,
 * value + len): header values are not NUL-terminated and are
 * attacker-controlled.
 */


#include <stdint.h>
#include <string.h>

#include "ngx_http_privacy_cookie.h"


#define ngx_http_privacy_cookie_blank(c)  ((c) == ' ' || (c) == '\t')


static inline const u_char *ngx_http_privacy_cookie_parse(const u_char *p,
    const u_char *end, ngx_http_privacy_cookie_pair_t *pair);
static inline u_char *ngx_http_privacy_cookie_copy(u_char *o,
    const u_char *run, const u_char *run_end);
static int ngx_http_privacy_cookie_attr_eq(const u_char *s, size_t len,
    const char *attr);
static int ngx_http_privacy_cookie_hex(u_char c);
static int ngx_http_privacy_cookie_alias_forms(
    const ngx_http_privacy_cookie_pair_t *pair, const u_char *name,
    size_t len, u_char *buf, ngx_http_privacy_cookie_alias_pt alias,
    void *data);


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


/* bytes in a name that a backend may read as others: % space . [ */
static const u_char  ngx_http_privacy_cookie_alias_byte[256] = {
    ['%'] = 1, [' '] = 1, ['.'] = 1, ['['] = 1
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
    const u_char  *p, *end;

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

    it->pos = ngx_http_privacy_cookie_parse(p, end, pair);

    return 1;
}


/*
 * The cookie whose segment starts at p (a byte that is neither ';' nor
 * blank): sets pair, returns the end of the segment (its ';', or end).
 * The segment's end and then its '=' are found with memchr(), which looks
 * at 16 or 32 bytes per step in glibc: most bytes are never looked at one
 * by one.
 */

static inline const u_char *
ngx_http_privacy_cookie_parse(const u_char *p, const u_char *end,
    ngx_http_privacy_cookie_pair_t *pair)
{
    const u_char  *semi, *last, *eq, *q;

    semi = memchr(p, ';', end - p);
    if (semi == NULL) {
        semi = end;
    }

    /* *p is not blank, so this stops at p + 1 at the latest */
    last = semi;
    while (ngx_http_privacy_cookie_blank(last[-1])) {
        last--;
    }

    pair->start = p;
    pair->len = last - p;

    /* '=' is not blank: the first one before last is the segment's first */
    eq = memchr(p, '=', last - p);

    if (eq == NULL) {
        /* browsers treat "v" as a cookie with an empty name */
        pair->name = p;
        pair->name_len = 0;
        pair->value = p;
        pair->value_len = last - p;
        return semi;
    }

    q = eq;
    while (q > p && ngx_http_privacy_cookie_blank(q[-1])) {
        q--;
    }

    pair->name = p;
    pair->name_len = q - p;

    /* eq < last, so the value span is not negative */
    q = eq + 1;
    while (q < last && ngx_http_privacy_cookie_blank(*q)) {
        q++;
    }

    pair->value = q;
    pair->value_len = last - q;

    return semi;
}


size_t
ngx_http_privacy_cookie_filter(const u_char *value, size_t len,
    u_char *out, ngx_http_privacy_cookie_keep_pt keep, void *data,
    size_t *dropped)
{
    size_t                           n, room, sep;
    u_char                          *o;
    int                              adjacent;
    const u_char                    *p, *end, *run, *run_end;
    ngx_http_privacy_cookie_pair_t   pair;

    /* nginx may hand over a NULL data pointer with length 0 */
    p = value;
    end = len ? value + len : value;

    o = out;
    n = 0;

    /*
     * Kept cookies are not copied one by one: [run, run_end) collects
     * those that follow each other in the input with exactly the
     * separator the output needs between them, and is copied when a
     * cookie that does not fit in arrives (or at the end).  Usually that
     * is one copy per dropped cookie instead of one per kept cookie.
     */
    run = NULL;
    run_end = NULL;
    adjacent = 0;

    for ( ;; ) {

        while (p < end && (*p == ';' || ngx_http_privacy_cookie_blank(*p))) {
            p++;
        }

        if (p == end) {
            break;
        }

        p = ngx_http_privacy_cookie_parse(p, end, &pair);

        if (!keep(data, &pair)) {
            n++;
            adjacent = 0;
            continue;
        }

        if (run == NULL) {
            run = pair.start;
            run_end = pair.start + pair.len;
            adjacent = 1;
            continue;
        }

        /*
         * Kept cookies next to each other keep the separator they were
         * sent with: a backend that reads x="a;b" as one quoted value
         * gets it unchanged.
         */
        if (adjacent) {
            run_end = pair.start + pair.len;
            continue;
        }

        adjacent = 1;

        /*
         * The output never gets ahead of the input: every kept cookie
         * is preceded by at least one ';' in the input, so ";" always
         * fits, and "; " is written whenever the input leaves room
         * for it.  This keeps the result within len bytes even for
         * "a=1;b=2", and lets the caller filter in place (out ==
         * value), since nothing is written over bytes not yet read.
         * The output so far ends where the run would, once copied.
         */
        room = (size_t) (pair.start - value) - (size_t) (o - out)
               - (size_t) (run_end - run);

        sep = (room >= 2) ? 2 : 1;

        if ((size_t) (pair.start - run_end) == sep
            && run_end[0] == ';'
            && (sep == 1 || run_end[1] == ' '))
        {
            run_end = pair.start + pair.len;
            continue;
        }

        o = ngx_http_privacy_cookie_copy(o, run, run_end);

        *o++ = ';';

        if (sep == 2) {
            *o++ = ' ';
        }

        run = pair.start;
        run_end = pair.start + pair.len;
    }

    if (run != NULL) {
        o = ngx_http_privacy_cookie_copy(o, run, run_end);
    }

    if (dropped) {
        *dropped = n;
    }

    return o - out;
}


/* the run's bytes to o, which may overlap them when filtering in place */

static inline u_char *
ngx_http_privacy_cookie_copy(u_char *o, const u_char *run,
    const u_char *run_end)
{
    /* in place, nothing is moved until the first cookie is dropped */
    if (o != run) {
        memmove(o, run, run_end - run);
    }

    return o + (run_end - run);
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


/*
 * One name as a backend may read it: as written (unless it is the pair's
 * own name, judged by the caller), percent-decoded, and with PHP's
 * replacement of ' ', '.' and '[' by '_' in either form.
 */

static int
ngx_http_privacy_cookie_alias_forms(
    const ngx_http_privacy_cookie_pair_t *pair, const u_char *name,
    size_t len, u_char *buf, ngx_http_privacy_cookie_alias_pt alias,
    void *data)
{
    size_t   i, n;
    u_char   c, *o;
    int      decoded, php;

    if (len == 0) {
        return 0;
    }

    if (!(name == pair->name && len == pair->name_len)
        && alias(data, name, len))
    {
        return 1;
    }

    /* percent-decoded, once, as frameworks do ("%5Fga" is "_ga") */
    o = buf;
    decoded = 0;
    php = 0;

    for (i = 0; i < len; i++) {
        c = name[i];

        if (c == '%' && i + 2 < len
            && ngx_http_privacy_cookie_hex(name[i + 1]) >= 0
            && ngx_http_privacy_cookie_hex(name[i + 2]) >= 0)
        {
            c = (u_char) (ngx_http_privacy_cookie_hex(name[i + 1]) * 16
                          + ngx_http_privacy_cookie_hex(name[i + 2]));
            i += 2;
            decoded = 1;
        }

        if (c == ' ' || c == '.' || c == '[') {
            php = 1;
        }

        *o++ = c;
    }

    n = o - buf;

    if (decoded && alias(data, buf, n)) {
        return 1;
    }

    if (!php) {
        return 0;
    }

    /* PHP's $_COOKIE keys: leading blanks dropped, ' ' '.' '[' as '_' */
    for (i = 0; i < n; i++) {
        if (buf[i] == ' ' || buf[i] == '.' || buf[i] == '[') {
            buf[i] = '_';
        }
    }

    return alias(data, buf, n);
}


static int
ngx_http_privacy_cookie_hex(u_char c)
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


int
ngx_http_privacy_cookie_aliases(const ngx_http_privacy_cookie_pair_t *pair,
    u_char *buf, ngx_http_privacy_cookie_alias_pt alias, void *data)
{
    size_t         i;
    const u_char  *p, *end, *part, *last, *eq;

    /*
     * The usual cookie costs a look at its name and a memchr(): a name,
     * no '%', ' ', '.' or '[' in it, and no ',' anywhere.
     */
    for (i = 0; i < pair->name_len; i++) {
        if (ngx_http_privacy_cookie_alias_byte[pair->name[i]]) {
            break;
        }
    }

    if (pair->name_len && i == pair->name_len
        && memchr(pair->start, ',', pair->len) == NULL)
    {
        return 0;
    }

    /* "_ga" without '=': several frameworks read a name, not a value */
    if (pair->name_len == 0 && pair->value_len
        && ngx_http_privacy_cookie_alias_forms(pair, pair->value,
                                               pair->value_len, buf, alias,
                                               data))
    {
        return 1;
    }

    /* the name itself, decoded; then each ','-separated part's name */
    if (ngx_http_privacy_cookie_alias_forms(pair, pair->name, pair->name_len,
                                            buf, alias, data))
    {
        return 1;
    }

    if (memchr(pair->start, ',', pair->len) == NULL) {
        return 0;
    }

    p = pair->start;
    end = pair->start + pair->len;

    while (p < end) {
        part = p;

        while (p < end && *p != ',') {
            p++;
        }

        last = p;

        if (p < end) {
            p++;
        }

        while (part < last && ngx_http_privacy_cookie_blank(*part)) {
            part++;
        }

        for (eq = part; eq < last && *eq != '='; eq++) {
            /* void */
        }

        last = eq;

        while (last > part && ngx_http_privacy_cookie_blank(last[-1])) {
            last--;
        }

        if (ngx_http_privacy_cookie_alias_forms(pair, part, last - part,
                                                buf, alias, data))
        {
            return 1;
        }
    }

    return 0;
}
