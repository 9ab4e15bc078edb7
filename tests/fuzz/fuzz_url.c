/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for URL authorities and portal paths:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_url.c ngx_privacy_module/ngx_http_privacy_url.c \
 *       -o tests/bin/fuzz_url
 *   tests/bin/fuzz_url tests/fuzz/corpus/url
 *
 * Besides memory errors it checks: an authority lies inside the input
 * and holds none of '/', '?', '#', '@'; a host split stays inside its
 * authority with a port in 1-65535; an authority is the same as itself
 * when well-formed and as its upper-cased copy; a joined path has the
 * promised length bound, starts with the prefix (or '/') and ends with
 * the page.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "ngx_http_privacy_url.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t         i, len, n, half;
    ssize_t        h;
    u_char        *up, *out;
    unsigned       port;
    const u_char  *auth;

    if (ngx_http_privacy_url_authority(data, size, NULL, &auth, &len)) {
        check(auth >= data && auth + len <= data + size);

        for (i = 0; i < len; i++) {
            check(auth[i] != '/' && auth[i] != '?' && auth[i] != '#'
                  && auth[i] != '@');
        }

        h = ngx_http_privacy_url_host(auth, len, 80, &port);

        if (h >= 0) {
            check(h > 0 && (size_t) h <= len);
            check(port >= 1 && port <= 65535);
            check(ngx_http_privacy_url_same_authority(auth, len, auth, len,
                                                      80));

            up = malloc(len ? len : 1);
            check(up != NULL);

            for (i = 0; i < len; i++) {
                up[i] = (auth[i] >= 'a' && auth[i] <= 'z') ? auth[i] - 32
                                                           : auth[i];
            }

            check(ngx_http_privacy_url_same_authority(auth, len, up, len,
                                                      80));
            free(up);

        } else {
            check(!ngx_http_privacy_url_same_authority(auth, len, auth, len,
                                                       80));
        }

        /* under its own scheme too */
        check(ngx_http_privacy_url_authority(data, size, "http", &auth, &len)
              == (size >= 7 && (data[0] | 0x20) == 'h'
                  && (data[1] | 0x20) == 't' && (data[2] | 0x20) == 't'
                  && (data[3] | 0x20) == 'p' && data[4] == ':'));
    }

    /* the first half a prefix, the rest a page */
    half = size / 2;

    out = malloc(NGX_HTTP_PRIVACY_URL_JOIN_LEN(half, size - half));
    check(out != NULL);

    n = ngx_http_privacy_url_join(out, data, half, data + half, size - half);

    check(n <= NGX_HTTP_PRIVACY_URL_JOIN_LEN(half, size - half));
    check(n >= 1 && n >= half + (size - half));
    check(half == 0 || memcmp(out, data, half) == 0);
    check(half != 0 || out[0] == '/');
    check(memcmp(out + n - (size - half), data + half, size - half) == 0);

    free(out);

    return 0;
}
