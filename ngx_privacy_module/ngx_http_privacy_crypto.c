
/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Thin wrappers over OpenSSL 3 libcrypto.  Only non-deprecated APIs are
 * used (EVP_KDF, EVP_MAC): Debian builds nginx modules with -Werror.
 * Pure C: no nginx headers.
 */


#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "ngx_http_privacy_crypto.h"


struct ngx_http_privacy_mac_s {
    /*
     * Keyed once at creation.  EVP_MAC_init() with a NULL key restarts
     * the computation with the stored key, so a compute on the hot path
     * does neither a provider fetch nor a key schedule.  (OpenSSL 3.0
     * still duplicates the SHA-256 state twice per MAC, inside
     * EVP_MD_CTX_copy_ex(); no public API avoids that.)
     */
    EVP_MAC_CTX  *ctx;
};


/* OSSL_PARAM wants a non-const char *; OpenSSL never writes to it */
static char  ngx_http_privacy_sha256[] = "SHA256";

static const u_char  ngx_http_privacy_b64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0xff marks bytes outside the alphabet, including '=' and whitespace */
static const u_char  ngx_http_privacy_b64_values[256] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,       /*  !"#$%&' */
    0xff, 0xff, 0xff, 0xff, 0xff,   62, 0xff, 0xff,       /* ()*+,-./ */
      52,   53,   54,   55,   56,   57,   58,   59,       /* 01234567 */
      60,   61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,       /* 89:;<=>? */
    0xff,    0,    1,    2,    3,    4,    5,    6,       /* @ABCDEFG */
       7,    8,    9,   10,   11,   12,   13,   14,       /* HIJKLMNO */
      15,   16,   17,   18,   19,   20,   21,   22,       /* PQRSTUVW */
      23,   24,   25, 0xff, 0xff, 0xff, 0xff,   63,       /* XYZ[\]^_ */
    0xff,   26,   27,   28,   29,   30,   31,   32,       /* `abcdefg */
      33,   34,   35,   36,   37,   38,   39,   40,       /* hijklmno */
      41,   42,   43,   44,   45,   46,   47,   48,       /* pqrstuvw */
      49,   50,   51, 0xff, 0xff, 0xff, 0xff, 0xff,       /* xyz{|}~  */

    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};


int
ngx_http_privacy_derive_key(const u_char *secret, size_t secret_len,
    const char *label, u_char out[NGX_HTTP_PRIVACY_KEY_LEN])
{
    int            rc;
    size_t         n;
    EVP_KDF       *kdf;
    OSSL_PARAM     params[4], *p;
    EVP_KDF_CTX   *kctx;

    if (secret == NULL || secret_len == 0) {
        return -1;
    }

    kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    if (kdf == NULL) {
        return -1;
    }

    kctx = EVP_KDF_CTX_new(kdf);

    /* the context holds its own reference to the algorithm */
    EVP_KDF_free(kdf);

    if (kctx == NULL) {
        return -1;
    }

    p = params;

    /* the casts drop const only for OSSL_PARAM: OpenSSL copies the data */

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            ngx_http_privacy_sha256, 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                             (void *) secret, secret_len);

    /* no salt: RFC 5869 then uses HashLen zero bytes */

    if (label != NULL) {
        n = strlen(label);
        if (n) {
            *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                     (void *) label, n);
        }
    }

    *p = OSSL_PARAM_construct_end();

    rc = EVP_KDF_derive(kctx, out, NGX_HTTP_PRIVACY_KEY_LEN, params);

    EVP_KDF_CTX_free(kctx);

    return rc == 1 ? 0 : -1;
}


ngx_http_privacy_mac_t *
ngx_http_privacy_mac_create(const u_char *key, size_t key_len)
{
    EVP_MAC                 *alg;
    OSSL_PARAM               params[2];
    ngx_http_privacy_mac_t  *mac;

    if (key == NULL || key_len == 0) {
        return NULL;
    }

    mac = OPENSSL_zalloc(sizeof(ngx_http_privacy_mac_t));
    if (mac == NULL) {
        return NULL;
    }

    alg = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    if (alg == NULL) {
        OPENSSL_free(mac);
        return NULL;
    }

    mac->ctx = EVP_MAC_CTX_new(alg);

    /* the context holds its own reference to the algorithm */
    EVP_MAC_free(alg);

    if (mac->ctx == NULL) {
        OPENSSL_free(mac);
        return NULL;
    }

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 ngx_http_privacy_sha256, 0);
    params[1] = OSSL_PARAM_construct_end();

    if (EVP_MAC_init(mac->ctx, key, key_len, params) != 1) {
        ngx_http_privacy_mac_destroy(mac);
        return NULL;
    }

    return mac;
}


void
ngx_http_privacy_mac_destroy(ngx_http_privacy_mac_t *mac)
{
    if (mac == NULL) {
        return;
    }

    /* frees the keyed state (OpenSSL cleanses it) */
    EVP_MAC_CTX_free(mac->ctx);
    OPENSSL_free(mac);
}


int
ngx_http_privacy_mac_compute(ngx_http_privacy_mac_t *mac, const u_char *data,
    size_t len, u_char out[NGX_HTTP_PRIVACY_MAC_LEN])
{
    size_t  outl;

    if (mac == NULL || (data == NULL && len != 0)) {
        return -1;
    }

    /* NULL key: restart with the key given at creation */
    if (EVP_MAC_init(mac->ctx, NULL, 0, NULL) != 1) {
        return -1;
    }

    if (len && EVP_MAC_update(mac->ctx, data, len) != 1) {
        return -1;
    }

    if (EVP_MAC_final(mac->ctx, out, &outl, NGX_HTTP_PRIVACY_MAC_LEN) != 1
        || outl != NGX_HTTP_PRIVACY_MAC_LEN)
    {
        return -1;
    }

    return 0;
}


/* OpenSSL's CRYPTO_memcmp(): no early exit, no branch on the data */

int
ngx_http_privacy_ct_equal(const u_char *a, const u_char *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}


int
ngx_http_privacy_random(u_char *buf, size_t len)
{
    int  n;

    /* RAND_bytes() takes an int */

    while (len) {
        n = len > INT_MAX ? INT_MAX : (int) len;

        if (RAND_bytes(buf, n) != 1) {
            return -1;
        }

        buf += n;
        len -= (size_t) n;
    }

    return 0;
}


size_t
ngx_http_privacy_base64url_encode(const u_char *src, size_t len, u_char *dst)
{
    u_char        *d;
    const u_char  *s, *a;

    a = ngx_http_privacy_b64_alphabet;
    s = src;
    d = dst;

    while (len > 2) {
        *d++ = a[s[0] >> 2];
        *d++ = a[((s[0] & 0x03) << 4) | (s[1] >> 4)];
        *d++ = a[((s[1] & 0x0f) << 2) | (s[2] >> 6)];
        *d++ = a[s[2] & 0x3f];

        s += 3;
        len -= 3;
    }

    if (len == 2) {
        *d++ = a[s[0] >> 2];
        *d++ = a[((s[0] & 0x03) << 4) | (s[1] >> 4)];
        *d++ = a[(s[1] & 0x0f) << 2];

    } else if (len == 1) {
        *d++ = a[s[0] >> 2];
        *d++ = a[(s[0] & 0x03) << 4];
    }

    return (size_t) (d - dst);
}


int
ngx_http_privacy_base64url_decode(const u_char *src, size_t len, u_char *dst,
    size_t *dst_len)
{
    u_char         v[4], *d;
    size_t         i, rest;
    const u_char  *s, *t;

    t = ngx_http_privacy_b64_values;

    /* one character carries 6 bits: never a whole byte */
    rest = len % 4;
    if (rest == 1) {
        return -1;
    }

    for (i = 0; i < len; i++) {
        if (t[src[i]] == 0xff) {
            return -1;
        }
    }

    /*
     * The bits below the last encoded byte must be zero, or several
     * strings would decode to the same bytes; a signed value must have
     * exactly one spelling.
     */
    if (rest == 2 && (t[src[len - 1]] & 0x0f)) {
        return -1;
    }

    if (rest == 3 && (t[src[len - 1]] & 0x03)) {
        return -1;
    }

    s = src;
    d = dst;

    for (i = len / 4; i; i--) {
        v[0] = t[s[0]];
        v[1] = t[s[1]];
        v[2] = t[s[2]];
        v[3] = t[s[3]];

        *d++ = (u_char) (v[0] << 2 | v[1] >> 4);
        *d++ = (u_char) (v[1] << 4 | v[2] >> 2);
        *d++ = (u_char) (v[2] << 6 | v[3]);

        s += 4;
    }

    if (rest > 1) {
        v[0] = t[s[0]];
        v[1] = t[s[1]];

        *d++ = (u_char) (v[0] << 2 | v[1] >> 4);

        if (rest == 3) {
            v[2] = t[s[2]];
            *d++ = (u_char) (v[1] << 4 | v[2] >> 2);
        }
    }

    *dst_len = (size_t) (d - dst);

    return 0;
}


void
ngx_http_privacy_hex(const u_char *src, size_t len, u_char *dst)
{
    /* both digits of a byte with one load: analytics runs this per event */
    static const u_char  hex[513] =
        "000102030405060708090a0b0c0d0e0f"
        "101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f"
        "303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f"
        "505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f"
        "707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f"
        "909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
        "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
        "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    while (len--) {
        memcpy(dst, &hex[2 * (size_t) *src++], 2);
        dst += 2;
    }
}
