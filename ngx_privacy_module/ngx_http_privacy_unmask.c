/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Disguised personal data, made plain before scrubbing.  A value that
 * was percent-encoded twice ("anna%2540example.se", as a careless
 * redirect or a link in an e-mail produces) reaches us still encoded
 * once; an address written "anna(at)example.se" to fool harvesters
 * fools a pattern just as well.  The scrubber's patterns then see what
 * a reader of the database would see.  See docs/security.md.
 */


#include <string.h>
#include <sys/types.h>

#include "ngx_http_privacy_unmask.h"


static size_t ngx_http_privacy_unmask_round(const u_char *src, size_t len,
    u_char *dst, size_t *escapes);
static int ngx_http_privacy_unmask_escape(const u_char *p, size_t len);
static int ngx_http_privacy_unmask_hex(u_char c);


typedef struct {
    const char  *token;
    size_t       len;
    u_char       to;
} ngx_http_privacy_unmask_token_t;


static const ngx_http_privacy_unmask_token_t  ngx_http_privacy_unmask_tokens[]
    = {
    { "(at)", 4, '@' }, { "[at]", 4, '@' }, { "{at}", 4, '@' },
    { "<at>", 4, '@' },
    { "(dot)", 5, '.' }, { "[dot]", 5, '.' }, { "{dot}", 5, '.' },
    { "<dot>", 5, '.' },
};


ssize_t
ngx_http_privacy_unmask_decode(u_char *p, size_t len, u_char *tmp)
{
    size_t      i, n, escapes;
    unsigned    round;

    for (round = 0; /* void */; round++) {

        if (memchr(p, '%', len) == NULL) {
            return len;
        }

        n = ngx_http_privacy_unmask_round(p, len, tmp, &escapes);

        /* "50%", "%zz", or "%ff" (not text, kept as is): done */
        if (escapes == 0) {
            return len;
        }

        if (round == NGX_HTTP_PRIVACY_UNMASK_ROUNDS) {
            return -1;
        }

        for (i = 0; i < n; i++) {
            p[i] = tmp[i];
        }

        len = n;
    }
}


/*
 * One round.  An escape of an ASCII byte is decoded; escapes of other
 * bytes only as a whole UTF-8 sequence ("%C3%A5"), so the result is valid
 * UTF-8 whenever src is, and each escape is judged by its neighbours
 * alone (a stray "%FF" elsewhere does not stop "%2540" from decoding).
 */
static size_t
ngx_http_privacy_unmask_round(const u_char *src, size_t len, u_char *dst,
    size_t *escapes)
{
    int     b, c;
    size_t  i, k, n, need;
    u_char  lo, hi;

    n = 0;
    *escapes = 0;

    for (i = 0; i < len; i++) {

        b = ngx_http_privacy_unmask_escape(src + i, len - i);

        if (b < 0) {
            dst[n++] = src[i];
            continue;
        }

        if (b < 0x80) {
            dst[n++] = (u_char) b;
            i += 2;
            (*escapes)++;
            continue;
        }

        lo = 0x80;
        hi = 0xbf;

        if (b >= 0xc2 && b <= 0xdf) {
            need = 1;

        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            lo = (b == 0xe0) ? 0xa0 : 0x80;
            hi = (b == 0xed) ? 0x9f : 0xbf;

        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            lo = (b == 0xf0) ? 0x90 : 0x80;
            hi = (b == 0xf4) ? 0x8f : 0xbf;

        } else {
            need = 0;
        }

        for (k = 1; k <= need; k++) {
            c = ngx_http_privacy_unmask_escape(src + i + 3 * k,
                                               len - i - 3 * k);
            if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xbf)) {
                break;
            }
        }

        if (need == 0 || k <= need) {
            /* not a whole sequence: the '%' stays a '%' */
            dst[n++] = src[i];
            continue;
        }

        for (k = 0; k <= need; k++) {
            dst[n++] = (u_char) ngx_http_privacy_unmask_escape(src + i
                                                               + 3 * k, 3);
        }

        i += 3 * need + 2;
        (*escapes)++;
    }

    return n;
}


/* the byte "%XX" at p stands for, or -1 */
static int
ngx_http_privacy_unmask_escape(const u_char *p, size_t len)
{
    int  hi, lo;

    if (len < 3 || p[0] != '%') {
        return -1;
    }

    hi = ngx_http_privacy_unmask_hex(p[1]);
    lo = ngx_http_privacy_unmask_hex(p[2]);

    if (hi < 0 || lo < 0) {
        return -1;
    }

    return hi << 4 | lo;
}


static int
ngx_http_privacy_unmask_hex(u_char c)
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


size_t
ngx_http_privacy_unmask_at(u_char *p, size_t len)
{
    size_t                                  i, k, n;
    const ngx_http_privacy_unmask_token_t  *t;

    if (memchr(p, 'a', len) == NULL && memchr(p, 'd', len) == NULL) {
        return len;
    }

    n = 0;

    for (i = 0; i < len; /* void */) {

        if (p[i] == '(' || p[i] == '[' || p[i] == '{' || p[i] == '<') {

            for (k = 0; k < sizeof(ngx_http_privacy_unmask_tokens)
                            / sizeof(ngx_http_privacy_unmask_tokens[0]); k++)
            {
                t = &ngx_http_privacy_unmask_tokens[k];

                if (len - i >= t->len
                    && memcmp(p + i, t->token, t->len) == 0)
                {
                    break;
                }
            }

            if (k < sizeof(ngx_http_privacy_unmask_tokens)
                    / sizeof(ngx_http_privacy_unmask_tokens[0]))
            {
                /* "anna (at) example (dot) se": the spaces go too */
                if (n > 0 && p[n - 1] == ' ') {
                    n--;
                }

                p[n++] = t->to;
                i += t->len;

                if (i < len && p[i] == ' ') {
                    i++;
                }

                continue;
            }
        }

        p[n++] = p[i++];
    }

    return n;
}


/*
 * Strict UTF-8 (RFC 3629, Unicode table 3-7): no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequences.
 */
int
ngx_http_privacy_unmask_valid_utf8(const u_char *p, size_t len)
{
    u_char         c, lo, hi;
    size_t         need;
    const u_char  *end;

    end = p + len;

    while (p < end) {
        c = *p++;

        if (c < 0x80) {
            continue;
        }

        lo = 0x80;
        hi = 0xbf;

        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;

        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0) {
                lo = 0xa0;              /* overlong */
            } else if (c == 0xed) {
                hi = 0x9f;              /* surrogates */
            }

        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0) {
                lo = 0x90;              /* overlong */
            } else if (c == 0xf4) {
                hi = 0x8f;              /* above U+10FFFF */
            }

        } else {
            /* continuation byte, overlong 0xc0/0xc1, or 0xf5 and above */
            return 0;
        }

        if ((size_t) (end - p) < need) {
            return 0;
        }

        if (*p < lo || *p > hi) {
            return 0;
        }

        p++;

        while (--need) {
            if ((*p & 0xc0) != 0x80) {
                return 0;
            }
            p++;
        }
    }

    return 1;
}
