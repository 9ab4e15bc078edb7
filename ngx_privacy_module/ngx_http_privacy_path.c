/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Paths carry personal data when a site puts it there: order pages by
 * the customer's address ("/orders/anna.svensson@example.se"), customer
 * pages by personnummer ("/kund/19121212-1212").  Page views are kept
 * under legitimate interest (GDPR art. 6(1)(f)), so they must not.  Each
 * segment is scrubbed like a search term, on its own: a segment is one
 * value to the application that made it, and a placeholder replaces
 * that value without touching its neighbours.  Segments the scrubber
 * leaves alone are stored byte for byte (case and all), so the reports
 * keep the site's own spelling of its pages.
 */


#include <ctype.h>
#include <string.h>
#include <sys/types.h>

#include "ngx_http_privacy_path.h"


static size_t ngx_http_privacy_path_segment(
    const ngx_http_privacy_scrubber_t *s, const u_char *seg, size_t len,
    u_char *buf, const u_char **res);
static int ngx_http_privacy_path_suspect(const u_char *p, size_t len);
static int ngx_http_privacy_path_alnum(u_char c);


/* letters and the punctuation that cannot start a replacement */
static const u_char  ngx_http_privacy_path_plain[256] = {
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['.'] = 1, ['-'] = 1, ['_'] = 1, ['~'] = 1, [','] = 1, [':'] = 1,
    [';'] = 1, ['='] = 1, ['!'] = 1, ['$'] = 1, ['&'] = 1, ['*'] = 1,
    ['\''] = 1
};


size_t
ngx_http_privacy_path_scrub(const ngx_http_privacy_scrubber_t *s,
    const u_char *path, size_t len, u_char *out, size_t cap)
{
    size_t         i, n, seg_len, res_len;
    const u_char  *seg, *res;
    u_char         buf[NGX_HTTP_PRIVACY_SEARCH_BUF];

    /* the query string and the fragment are never kept */
    for (i = 0; i < len; i++) {
        if (path[i] == '?' || path[i] == '#') {
            len = i;
            break;
        }
    }

    n = 0;
    i = 0;

    while (i < len) {

        if (path[i] == '/') {
            if (n == cap) {
                break;
            }

            out[n++] = '/';
            i++;
            continue;
        }

        seg = path + i;

        while (i < len && path[i] != '/') {
            i++;
        }

        seg_len = path + i - seg;

        res_len = ngx_http_privacy_path_segment(s, seg, seg_len, buf, &res);

        if (res_len > cap - n) {
            /* never half a segment: half an address is still one */
            break;
        }

        memcpy(out + n, res, res_len);
        n += res_len;
    }

    return n;
}


/*
 * One segment: *res points to what is stored for it (the segment itself
 * or the scrubbed text in buf), and its length is returned.
 */
static size_t
ngx_http_privacy_path_segment(const ngx_http_privacy_scrubber_t *s,
    const u_char *seg, size_t len, u_char *buf, const u_char **res)
{
    size_t                         i, n, replaced;
    ngx_http_privacy_search_rc_e   rc;

    /*
     * Most segments are words: ASCII letters and punctuation that no
     * rule or disguise starts with (every pattern needs a digit or an
     * '@', decoding a '%', unmasking a bracket).  They are kept as they
     * are without the scrubber's passes.
     */
    for (i = 0; i < len; i++) {
        if (!ngx_http_privacy_path_plain[seg[i]]) {
            break;
        }
    }

    if (i == len && len <= NGX_HTTP_PRIVACY_SEARCH_RAW_MAX) {
        *res = seg;
        return len;
    }

    rc = ngx_http_privacy_search_clean(s, NGX_HTTP_PRIVACY_SEARCH_PATH, seg,
                                       len, buf, &n, &replaced);

    /*
     * Kept as sent only if the bytes as sent do not look like an address
     * or a number either: "anna%40@example.se" decodes to no address
     * ("anna@@example.se") yet names one.
     */
    if (rc == NGX_HTTP_PRIVACY_SEARCH_OK && replaced == 0
        && !ngx_http_privacy_path_suspect(seg, len))
    {
        *res = seg;
        return len;
    }

    if (rc == NGX_HTTP_PRIVACY_SEARCH_OK && replaced) {
        *res = buf;
        return n;
    }

    /*
     * Invalid UTF-8, more than NGX_HTTP_PRIVACY_SEARCH_RAW_MAX bytes,
     * encoded deeper than the unmasking bound, nothing but spaces, an
     * address or a number only in the bytes as sent: none of it can be
     * shown to be clean.
     */
    *res = (const u_char *) NGX_HTTP_PRIVACY_PATH_REDACTED;
    return sizeof(NGX_HTTP_PRIVACY_PATH_REDACTED) - 1;
}


/*
 * 1 if the bytes as sent hold an ASCII "x@y.z" or a run of
 * NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS digits (escapes such as "%40" are
 * not digits): a superset of what the scrubber's rules match.
 */
static int
ngx_http_privacy_path_suspect(const u_char *p, size_t len)
{
    size_t  i, j, digits;

    digits = 0;

    for (i = 0; i < len; i++) {
        if (p[i] == '%' && len - i > 2 && isxdigit(p[i + 1])
            && isxdigit(p[i + 2]))
        {
            digits = 0;
            i += 2;
            continue;
        }

        digits = (p[i] >= '0' && p[i] <= '9') ? digits + 1 : 0;

        if (digits >= NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS) {
            return 1;
        }

        if (p[i] != '@' || i == 0 || !ngx_http_privacy_path_alnum(p[i - 1])) {
            continue;
        }

        for (j = i + 1; j < len && ngx_http_privacy_path_alnum(p[j]); j++) {
            /* void */
        }

        if (j > i + 1 && j + 1 < len && p[j] == '.'
            && ngx_http_privacy_path_alnum(p[j + 1]))
        {
            return 1;
        }
    }

    return 0;
}


static int
ngx_http_privacy_path_alnum(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}
