/*
 * Copyright (C) ngx_privacy_module authors
 *
 * URL authorities and portal paths (ngx_http_privacy_url.h).
 */


#include <string.h>

#include "ngx_http_privacy_url.h"


static int
ngx_http_privacy_url_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


static int
ngx_http_privacy_url_alpha(int c)
{
    c = ngx_http_privacy_url_lower(c);

    return c >= 'a' && c <= 'z';
}


int
ngx_http_privacy_url_authority(const u_char *url, size_t len,
    const char *scheme, const u_char **auth, size_t *auth_len)
{
    size_t  i, n, s;

    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
    if (len == 0 || !ngx_http_privacy_url_alpha(url[0])) {
        return 0;
    }

    for (s = 1; s < len; s++) {
        if (!ngx_http_privacy_url_alpha(url[s])
            && !(url[s] >= '0' && url[s] <= '9')
            && url[s] != '+' && url[s] != '-' && url[s] != '.')
        {
            break;
        }
    }

    if (len - s < 3 || memcmp(url + s, "://", 3) != 0) {
        return 0;
    }

    if (scheme != NULL) {
        n = strlen(scheme);

        if (n != s) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            if (ngx_http_privacy_url_lower(url[i])
                != ngx_http_privacy_url_lower((u_char) scheme[i]))
            {
                return 0;
            }
        }
    }

    i = s + 3;
    *auth = url + i;

    while (i < len && url[i] != '/' && url[i] != '?' && url[i] != '#') {
        if (url[i] == '@') {
            return 0;
        }

        i++;
    }

    *auth_len = url + i - *auth;

    return 1;
}


ssize_t
ngx_http_privacy_url_host(const u_char *auth, size_t len, unsigned dflt,
    unsigned *port)
{
    size_t          i, host;
    unsigned long   n;

    *port = dflt;
    host = len;

    /* the last ':' outside an IPv6 literal's brackets */
    for (i = len; i > 0; i--) {
        if (auth[i - 1] == ']') {
            break;
        }

        if (auth[i - 1] == ':') {
            host = i - 1;
            break;
        }
    }

    if (host < len) {
        if (host + 1 == len || len - host - 1 > 5) {
            return -1;
        }

        n = 0;

        for (i = host + 1; i < len; i++) {
            if (auth[i] < '0' || auth[i] > '9') {
                return -1;
            }

            n = n * 10 + (auth[i] - '0');
        }

        if (n < 1 || n > 65535) {
            return -1;
        }

        *port = (unsigned) n;
    }

    return host ? (ssize_t) host : -1;
}


int
ngx_http_privacy_url_same_authority(const u_char *a, size_t a_len,
    const u_char *b, size_t b_len, unsigned dflt)
{
    size_t    i;
    ssize_t   ha, hb;
    unsigned  pa, pb;

    ha = ngx_http_privacy_url_host(a, a_len, dflt, &pa);
    hb = ngx_http_privacy_url_host(b, b_len, dflt, &pb);

    if (ha < 0 || hb < 0 || ha != hb || pa != pb) {
        return 0;
    }

    for (i = 0; i < (size_t) ha; i++) {
        if (ngx_http_privacy_url_lower(a[i])
            != ngx_http_privacy_url_lower(b[i]))
        {
            return 0;
        }
    }

    return 1;
}


size_t
ngx_http_privacy_url_join(u_char *dst, const u_char *prefix,
    size_t prefix_len, const u_char *page, size_t page_len)
{
    u_char  *p;

    p = dst;

    if (prefix_len) {
        memcpy(p, prefix, prefix_len);
        p += prefix_len;
    }

    if (p == dst || p[-1] != '/') {
        *p++ = '/';
    }

    if (page_len) {
        memcpy(p, page, page_len);
        p += page_len;
    }

    return p - dst;
}

