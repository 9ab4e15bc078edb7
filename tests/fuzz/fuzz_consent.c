
/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the consent cookie codec and base64url.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_consent.c \
 *       ngx_privacy_module/ngx_http_privacy_consent.c \
 *       ngx_privacy_module/ngx_http_privacy_crypto.c -lcrypto \
 *       -o tests/bin/fuzz_consent
 *   tests/bin/fuzz_consent -max_total_time=60
 *
 * Properties checked, besides memory safety:
 *   - decode of arbitrary bytes never accepts anything encode did not sign
 *     with this key (a forgery would abort), and never reads beyond len;
 *   - strict base64url: whatever decodes re-encodes to the same string;
 *   - any decision built from the input encodes (or is refused exactly
 *     when its version is too long) and decodes back to itself.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_consent.h"


#define FUZZ_NOW      1700000000
#define FUZZ_MAX_AGE  (180 * 86400)
#define FUZZ_VERSION  "2024-05-01"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngx_http_privacy_mac_t  *fuzz_mac;


static ngx_http_privacy_mac_t *
fuzz_get_mac(void)
{
    u_char  key[NGX_HTTP_PRIVACY_KEY_LEN];

    if (fuzz_mac == NULL) {
        memset(key, 0x42, sizeof(key));
        fuzz_mac = ngx_http_privacy_mac_create(key, sizeof(key));

        if (fuzz_mac == NULL) {
            abort();
        }
    }

    return fuzz_mac;
}


static void
fuzz_decode(ngx_http_privacy_mac_t *mac, const uint8_t *data, size_t size)
{
    ngx_http_privacy_consent_t     c;
    ngx_http_privacy_consent_rc_e  rc;

    rc = ngx_http_privacy_consent_decode(data, size, mac,
                                         (const u_char *) FUZZ_VERSION,
                                         sizeof(FUZZ_VERSION) - 1, FUZZ_NOW,
                                         FUZZ_MAX_AGE, &c);

    if (rc > NGX_HTTP_PRIVACY_CONSENT_EXPIRED) {
        abort();
    }

    /*
     * Accepting input the fuzzer made up would be a forgery, unless it is
     * a mutation of a seed we signed; either way the result must be sane.
     */
    if (rc == NGX_HTTP_PRIVACY_CONSENT_OK) {
        if ((c.categories & ~(unsigned) NGX_HTTP_PRIVACY_CAT_ALL)
            || !(c.categories & NGX_HTTP_PRIVACY_CAT_NECESSARY)
            || c.version_len != sizeof(FUZZ_VERSION) - 1
            || memcmp(c.version, FUZZ_VERSION, c.version_len) != 0
            || c.decided > FUZZ_NOW + NGX_HTTP_PRIVACY_CONSENT_SKEW
            || FUZZ_NOW - c.decided > FUZZ_MAX_AGE)
        {
            abort();
        }
    }
}


static void
fuzz_base64url(const uint8_t *data, size_t size)
{
    u_char  *dec, *enc;
    size_t   dec_len, n;

    dec = malloc(size * 3 / 4 + 1);
    enc = malloc(size + 4);

    if (dec == NULL || enc == NULL) {
        abort();
    }

    if (ngx_http_privacy_base64url_decode(data, size, dec, &dec_len) == 0) {
        if (dec_len > size * 3 / 4) {
            abort();
        }

        /* one spelling per value */
        n = ngx_http_privacy_base64url_encode(dec, dec_len, enc);

        if (n != size || memcmp(enc, data, size) != 0) {
            abort();
        }
    }

    free(dec);
    free(enc);
}


static void
fuzz_round_trip(ngx_http_privacy_mac_t *mac, const uint8_t *data,
    size_t size)
{
    u_char                         out[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                         n, vlen, i;
    uint64_t                       t;
    ngx_http_privacy_consent_t     c, d;
    ngx_http_privacy_consent_rc_e  rc;

    /* categories, flags, time (8), id (16), version length: 27 bytes */
    if (size < 27) {
        return;
    }

    memset(&c, 0, sizeof(c));

    c.categories = data[0];
    c.flags = data[1];

    t = 0;
    for (i = 0; i < 8; i++) {
        t = t << 8 | data[2 + i];
    }

    /* negative times are refused by encode; keep them positive here */
    c.decided = (time_t) (t & INT64_MAX);

    memcpy(c.id, data + 10, NGX_HTTP_PRIVACY_CONSENT_ID_LEN);

    /* up to 8 past the maximum, to see encode refuse them */
    vlen = data[26] % (NGX_HTTP_PRIVACY_VERSION_MAX + 9);
    c.version_len = vlen;

    for (i = 0; i < vlen && i < NGX_HTTP_PRIVACY_VERSION_MAX; i++) {
        c.version[i] = 27 + i < size ? data[27 + i] : (u_char) i;
    }

    n = ngx_http_privacy_consent_encode(&c, mac, out, sizeof(out));

    if (vlen > NGX_HTTP_PRIVACY_VERSION_MAX) {
        if (n != 0) {
            abort();
        }

        return;
    }

    if (n == 0 || n > NGX_HTTP_PRIVACY_CONSENT_MAX_LEN) {
        abort();
    }

    /* and a buffer one byte short is refused */
    if (ngx_http_privacy_consent_encode(&c, mac, out, n - 1) != 0) {
        abort();
    }

    rc = ngx_http_privacy_consent_decode(out, n, mac, c.version, vlen,
                                         c.decided, 0, &d);

    if (rc != NGX_HTTP_PRIVACY_CONSENT_OK
        || d.categories != ((c.categories & NGX_HTTP_PRIVACY_CAT_ALL)
                            | NGX_HTTP_PRIVACY_CAT_NECESSARY)
        || d.flags != (c.flags & NGX_HTTP_PRIVACY_FLAG_ALL)
        || d.decided != c.decided
        || d.version_len != vlen
        || memcmp(d.version, c.version, vlen) != 0
        || memcmp(d.id, c.id, NGX_HTTP_PRIVACY_CONSENT_ID_LEN) != 0)
    {
        abort();
    }

    /* one second later with max_age 0: expired, whatever the time */
    if (c.decided < INT64_MAX
        && ngx_http_privacy_consent_decode(out, n, mac, c.version, vlen,
                                           c.decided + 1, 0, &d)
           != NGX_HTTP_PRIVACY_CONSENT_EXPIRED)
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_http_privacy_mac_t  *mac;

    mac = fuzz_get_mac();

    fuzz_decode(mac, data, size);
    fuzz_base64url(data, size);
    fuzz_round_trip(mac, data, size);

    return 0;
}
