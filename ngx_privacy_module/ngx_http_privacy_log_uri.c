/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A request target made safe for an access log (see the header).
 */


#include <string.h>

#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_path.h"
#include "ngx_http_privacy_log_uri.h"


/* the decoded path read, and its scrubbed form's most bytes */
#define NGX_HTTP_PRIVACY_LOG_PATH_MAX  1024


typedef struct {
    u_char  *pos;
    u_char  *end;
} ngx_http_privacy_log_out_t;


static size_t ngx_http_privacy_log_decode_path(const u_char *src, size_t len,
    u_char *dst);
static size_t ngx_http_privacy_log_encoded_len(const u_char *p, size_t len,
    unsigned query);
static void ngx_http_privacy_log_encode(ngx_http_privacy_log_out_t *o,
    const u_char *p, size_t len, unsigned query);
static size_t ngx_http_privacy_log_arg(const ngx_http_privacy_scrubber_t *s,
    const u_char *raw, size_t len, u_char *out);


/*
 * Bytes written as they are: RFC 3986 unreserved and sub-delims, ':',
 * '@', '/' and the brackets of the scrubber's placeholders ("[email]").
 * In a query '&', '=' and '+' keep their meaning, so there they are
 * encoded when they are data; a space is '+' there.
 */

static int
ngx_http_privacy_log_plain(u_char c, unsigned query)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '\'':
    case '(': case ')': case '*': case ',': case ';': case ':': case '@':
    case '/': case '[': case ']':
        return 1;
    case '&': case '=': case '+':
        return !query;
    default:
        return 0;
    }
}


size_t
ngx_http_privacy_log_uri(const ngx_http_privacy_scrubber_t *s,
    const u_char *uri, size_t len, u_char *out, size_t cap)
{
    u_char                        path[NGX_HTTP_PRIVACY_LOG_PATH_MAX];
    u_char                        scrubbed[NGX_HTTP_PRIVACY_LOG_PATH_MAX];
    u_char                        key[NGX_HTTP_PRIVACY_SEARCH_MAX];
    u_char                        val[NGX_HTTP_PRIVACY_SEARCH_MAX];
    size_t                        n, plen, klen, vlen, need;
    const u_char                 *q, *end, *k, *v;
    ngx_http_privacy_log_out_t    o;
    ngx_http_privacy_form_iter_t  it;

    o.pos = out;
    o.end = out + cap;

    end = uri + len;

    q = memchr(uri, '#', len);
    if (q) {
        end = q;
    }

    q = memchr(uri, '?', end - uri);

    /* the path: decoded, scrubbed, encoded again */

    plen = (q ? q : end) - uri;
    if (plen > sizeof(path)) {
        plen = sizeof(path);
    }

    n = ngx_http_privacy_log_decode_path(uri, plen, path);
    n = ngx_http_privacy_path_scrub(s, path, n, scrubbed, sizeof(scrubbed));

    while (n && ngx_http_privacy_log_encoded_len(scrubbed, n, 0) > cap) {
        n--;
    }

    ngx_http_privacy_log_encode(&o, scrubbed, n, 0);

    if (q == NULL) {
        return o.pos - out;
    }

    /* the query: each name and value as a search term is stored */

    ngx_http_privacy_form_iter_init(&it, q + 1, end - q - 1);

    for (n = 0; ngx_http_privacy_form_next(&it, &k, &klen, &v, &vlen); n++) {

        klen = ngx_http_privacy_log_arg(s, k, klen, key);
        vlen = ngx_http_privacy_log_arg(s, v, vlen, val);

        need = 1 + ngx_http_privacy_log_encoded_len(key, klen, 1)
               + (vlen ? 1 + ngx_http_privacy_log_encoded_len(val, vlen, 1)
                       : 0);

        if (need > (size_t) (o.end - o.pos)) {
            break;
        }

        *o.pos++ = n ? '&' : '?';
        ngx_http_privacy_log_encode(&o, key, klen, 1);

        if (vlen) {
            *o.pos++ = '=';
            ngx_http_privacy_log_encode(&o, val, vlen, 1);
        }
    }

    return o.pos - out;
}


/* percent-decoding of a path: '+' is itself there, not a space */

static size_t
ngx_http_privacy_log_decode_path(const u_char *src, size_t len, u_char *dst)
{
    u_char   c, h, l;
    size_t   i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c == '%' && len - i > 2) {
            h = src[i + 1] | 0x20;
            l = src[i + 2] | 0x20;

            h = (h >= '0' && h <= '9') ? h - '0'
                : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : 16;
            l = (l >= '0' && l <= '9') ? l - '0'
                : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : 16;

            if (h < 16 && l < 16) {
                c = (u_char) (h << 4 | l);
                i += 2;
            }
        }

        dst[n++] = c;
    }

    return n;
}


/*
 * An argument's name or value as the search-term scrubber leaves it
 * (decoded, folded, placeholders, capped): out holds
 * NGX_HTTP_PRIVACY_SEARCH_MAX bytes.
 */

static size_t
ngx_http_privacy_log_arg(const ngx_http_privacy_scrubber_t *s,
    const u_char *raw, size_t len, u_char *out)
{
    size_t                        n;
    ngx_http_privacy_search_rc_e  rc;

    if (len == 0) {
        return 0;
    }

    rc = ngx_http_privacy_search_normalize(s, raw, len, out, &n);

    if (rc == NGX_HTTP_PRIVACY_SEARCH_OK) {
        return n;
    }

    if (rc == NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8) {
        n = sizeof(NGX_HTTP_PRIVACY_LOG_URI_INVALID) - 1;
        memcpy(out, NGX_HTTP_PRIVACY_LOG_URI_INVALID, n);
        return n;
    }

    return 0;
}


static size_t
ngx_http_privacy_log_encoded_len(const u_char *p, size_t len, unsigned query)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        n += (ngx_http_privacy_log_plain(p[i], query)
              || (query && p[i] == ' ')) ? 1 : 3;
    }

    return n;
}


/* the caller made sure it fits */

static void
ngx_http_privacy_log_encode(ngx_http_privacy_log_out_t *o, const u_char *p,
    size_t len, unsigned query)
{
    size_t  i;

    static const u_char  hex[] = "0123456789ABCDEF";

    for (i = 0; i < len; i++) {
        if (ngx_http_privacy_log_plain(p[i], query)) {
            *o->pos++ = p[i];

        } else if (query && p[i] == ' ') {
            *o->pos++ = '+';

        } else {
            *o->pos++ = '%';
            *o->pos++ = hex[p[i] >> 4];
            *o->pos++ = hex[p[i] & 0xf];
        }
    }
}
