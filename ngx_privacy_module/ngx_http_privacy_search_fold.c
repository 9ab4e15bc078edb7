/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Step 4 of the search-term scrubber (ngx_http_privacy_search.c): the
 * text folded so that one pattern catches every spelling: spaces
 * collapsed, format characters removed, digits of every script folded to
 * ASCII, letters lowercased.  Pure C over UTF-8 already validated.
 */


#include <locale.h>
#include <stdint.h>
#include <string.h>
#include <wctype.h>

#include "ngx_http_privacy_search_fold.h"


static uint32_t ngx_http_privacy_search_next_cp(const u_char **pp);
static size_t ngx_http_privacy_search_put_cp(u_char *p, uint32_t cp);
static int ngx_http_privacy_search_is_space(uint32_t cp);
static int ngx_http_privacy_search_is_format(uint32_t cp);
static int ngx_http_privacy_search_digit(uint32_t cp);


/*
 * The code points of the digit zero of every run of ten decimal digits
 * (general category Nd) in Unicode 14.0, the version of PCRE2 10.42 and
 * glibc 2.36.  Folding them to ASCII keeps a personnummer typed with
 * fullwidth digits (U+FF10-U+FF19, as East Asian input methods produce)
 * from slipping past the [0-9] patterns.
 */
static const uint32_t  ngx_http_privacy_search_zeros[] = {
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6,
    0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0,
    0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900,
    0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0,
    0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
    0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0
};


/* decodes one character of text already known to be valid UTF-8 */
static uint32_t
ngx_http_privacy_search_next_cp(const u_char **pp)
{
    uint32_t       cp;
    const u_char  *p;

    p = *pp;

    if (p[0] < 0x80) {
        cp = p[0];
        p += 1;

    } else if (p[0] < 0xe0) {
        cp = (uint32_t) (p[0] & 0x1f) << 6 | (p[1] & 0x3f);
        p += 2;

    } else if (p[0] < 0xf0) {
        cp = (uint32_t) (p[0] & 0x0f) << 12 | (uint32_t) (p[1] & 0x3f) << 6
             | (p[2] & 0x3f);
        p += 3;

    } else {
        cp = (uint32_t) (p[0] & 0x07) << 18
             | (uint32_t) (p[1] & 0x3f) << 12
             | (uint32_t) (p[2] & 0x3f) << 6 | (p[3] & 0x3f);
        p += 4;
    }

    *pp = p;

    return cp;
}


/* p must have room for 4 bytes; cp is a scalar value (not a surrogate) */
static size_t
ngx_http_privacy_search_put_cp(u_char *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (u_char) cp;
        return 1;
    }

    if (cp < 0x800) {
        p[0] = (u_char) (0xc0 | cp >> 6);
        p[1] = (u_char) (0x80 | (cp & 0x3f));
        return 2;
    }

    if (cp < 0x10000) {
        p[0] = (u_char) (0xe0 | cp >> 12);
        p[1] = (u_char) (0x80 | (cp >> 6 & 0x3f));
        p[2] = (u_char) (0x80 | (cp & 0x3f));
        return 3;
    }

    p[0] = (u_char) (0xf0 | cp >> 18);
    p[1] = (u_char) (0x80 | (cp >> 12 & 0x3f));
    p[2] = (u_char) (0x80 | (cp >> 6 & 0x3f));
    p[3] = (u_char) (0x80 | (cp & 0x3f));
    return 4;
}


/*
 * Control characters (C0, DEL, C1) and the Unicode White_Space set.  The
 * list is explicit because glibc's iswspace() leaves out the no-break
 * spaces (U+00A0, U+2007, U+202F), which are common in pasted text.
 */
static int
ngx_http_privacy_search_is_space(uint32_t cp)
{
    if (cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0)) {
        return 1;
    }

    if (cp < 0x1680) {
        return 0;
    }

    return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a)
           || cp == 0x2028 || cp == 0x2029 || cp == 0x202f
           || cp == 0x205f || cp == 0x3000;
}


/*
 * Invisible format characters (soft hyphen, zero-width spaces and
 * joiners, bidirectional controls, word joiner, BOM).  They are removed,
 * not turned into spaces: "anna<U+200B>@example.se" and "811218<U+00AD>
 * 9876" must meet the patterns as the visitor saw them.
 */
static int
ngx_http_privacy_search_is_format(uint32_t cp)
{
    if (cp < 0xad) {
        return 0;
    }

    return cp == 0xad || cp == 0x061c || cp == 0x180e
           || (cp >= 0x200b && cp <= 0x200f)
           || (cp >= 0x202a && cp <= 0x202e)
           || (cp >= 0x2060 && cp <= 0x2064)
           || (cp >= 0x2066 && cp <= 0x206f)
           || cp == 0xfeff;
}


/* the value of a decimal digit of any script, or -1 */
static int
ngx_http_privacy_search_digit(uint32_t cp)
{
    size_t  lo, hi, mid;

    if (cp < 0x0660) {
        return (cp >= '0' && cp <= '9') ? (int) (cp - '0') : -1;
    }

    /* the last zero not above cp */
    lo = 0;
    hi = sizeof(ngx_http_privacy_search_zeros)
         / sizeof(ngx_http_privacy_search_zeros[0]);

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (ngx_http_privacy_search_zeros[mid] <= cp) {
            lo = mid;

        } else {
            hi = mid;
        }
    }

    if (cp - ngx_http_privacy_search_zeros[lo] <= 9) {
        return (int) (cp - ngx_http_privacy_search_zeros[lo]);
    }

    return -1;
}


/*
 * Step 4: spaces collapsed and trimmed, format characters removed, digits
 * folded to ASCII, letters lowercased.  Returns the length, or -1 if the
 * text does not fit (it always does, see NGX_HTTP_PRIVACY_SEARCH_BUF).
 */
ssize_t
ngx_http_privacy_search_fold(locale_t locale, const u_char *in, size_t len,
    u_char *out, size_t cap)
{
    int            d, space;
    size_t         n;
    wint_t         lc;
    uint32_t       cp;
    const u_char  *p, *end;

    p = in;
    end = in + len;
    n = 0;
    space = 0;

    while (p < end) {

        if (*p < 0x80) {
            cp = *p++;

            if (cp <= 0x20 || cp == 0x7f) {
                space = 1;
                continue;
            }

            if (cp >= 'A' && cp <= 'Z') {
                cp |= 0x20;
            }

        } else {
            cp = ngx_http_privacy_search_next_cp(&p);

            /*
             * The full-width forms U+FF01-U+FF5E are ASCII under NFKC
             * ("anna\uff20example.se" is an address to a reader); the
             * ideographic space U+3000 is a space below.
             */
            if (cp >= 0xff01 && cp <= 0xff5e) {
                cp -= 0xfee0;

                if (cp >= 'A' && cp <= 'Z') {
                    cp |= 0x20;
                }

                goto put;
            }

            if (ngx_http_privacy_search_is_space(cp)) {
                space = 1;
                continue;
            }

            if (ngx_http_privacy_search_is_format(cp)) {
                continue;
            }

            d = ngx_http_privacy_search_digit(cp);

            if (d >= 0) {
                cp = '0' + d;

            } else {
                lc = towlower_l((wint_t) cp, locale);

                /* trust the locale only with scalar values */
                if (lc <= 0x10ffff && (lc < 0xd800 || lc > 0xdfff)) {
                    cp = lc;
                }
            }
        }

    put:

        if (cap - n < 5) {
            return -1;
        }

        /* one space between words, none before the first */
        if (space && n > 0) {
            out[n++] = ' ';
        }

        space = 0;
        n += ngx_http_privacy_search_put_cp(out + n, cp);
    }

    return n;
}
