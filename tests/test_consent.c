
/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the consent cookie codec (ngx_http_privacy_consent.c):
 * round trips, tampering of every bit, truncation, extension, the version
 * and time rules, buffer bounds, and the category names.
 */


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_consent.h"


#define TEST_NOW      1700000000
#define TEST_MAX_AGE  (180 * 86400)
#define TEST_VERSION  "2024-05-01"

/* the raw layout, as documented at the top of ngx_http_privacy_consent.c */
#define RAW_HDR       28
#define RAW_MAX       (RAW_HDR + NGX_HTTP_PRIVACY_VERSION_MAX \
                       + NGX_HTTP_PRIVACY_MAC_LEN)


typedef struct {
    ngx_http_privacy_mac_t  *mac;
    ngx_http_privacy_mac_t  *other;
} test_ctx_t;


static int
setup(void **state)
{
    u_char       key[NGX_HTTP_PRIVACY_KEY_LEN], secret[32];
    test_ctx_t  *t;

    t = calloc(1, sizeof(test_ctx_t));
    if (t == NULL) {
        return -1;
    }

    memset(secret, 0x42, sizeof(secret));

    if (ngx_http_privacy_derive_key(secret, sizeof(secret), "consent", key)
        != 0)
    {
        free(t);
        return -1;
    }

    t->mac = ngx_http_privacy_mac_create(key, sizeof(key));

    key[0] ^= 1;
    t->other = ngx_http_privacy_mac_create(key, sizeof(key));

    if (t->mac == NULL || t->other == NULL) {
        ngx_http_privacy_mac_destroy(t->mac);
        ngx_http_privacy_mac_destroy(t->other);
        free(t);
        return -1;
    }

    *state = t;

    return 0;
}


static int
teardown(void **state)
{
    test_ctx_t  *t = *state;

    ngx_http_privacy_mac_destroy(t->mac);
    ngx_http_privacy_mac_destroy(t->other);
    free(t);

    return 0;
}


static void
make_consent(ngx_http_privacy_consent_t *c, const char *version)
{
    size_t  i;

    memset(c, 0, sizeof(ngx_http_privacy_consent_t));

    c->version_len = strlen(version);
    memcpy(c->version, version, c->version_len);
    c->categories = NGX_HTTP_PRIVACY_CAT_NECESSARY
                    | NGX_HTTP_PRIVACY_CAT_STATISTICS;
    c->flags = NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
    c->decided = TEST_NOW;

    for (i = 0; i < NGX_HTTP_PRIVACY_CONSENT_ID_LEN; i++) {
        c->id[i] = (u_char) (0xa0 + i);
    }
}


/* decodes from a heap copy of exactly len bytes: ASan sees overreads */
static ngx_http_privacy_consent_rc_e
decode_exact(ngx_http_privacy_mac_t *mac, const u_char *value, size_t len,
    const char *version, time_t now, time_t max_age,
    ngx_http_privacy_consent_t *out)
{
    u_char                         *copy;
    ngx_http_privacy_consent_rc_e   rc;

    copy = malloc(len ? len : 1);
    assert_non_null(copy);

    if (len) {
        memcpy(copy, value, len);
    }

    rc = ngx_http_privacy_consent_decode(copy, len, mac,
                                         (const u_char *) version,
                                         strlen(version), now, max_age, out);
    free(copy);

    return rc;
}


static ngx_http_privacy_consent_rc_e
decode_default(ngx_http_privacy_mac_t *mac, const u_char *value, size_t len)
{
    ngx_http_privacy_consent_t  out;

    return decode_exact(mac, value, len, TEST_VERSION, TEST_NOW + 10,
                        TEST_MAX_AGE, &out);
}


static size_t
encode_ok(ngx_http_privacy_mac_t *mac, const ngx_http_privacy_consent_t *c,
    u_char *out)
{
    size_t  n;

    n = ngx_http_privacy_consent_encode(c, mac, out,
                                        NGX_HTTP_PRIVACY_CONSENT_MAX_LEN);
    assert_true(n > 0);
    assert_true(n <= NGX_HTTP_PRIVACY_CONSENT_MAX_LEN);

    return n;
}


/* base64url of raw bytes signed with mac: for payloads encode never makes */
static size_t
sign_raw(ngx_http_privacy_mac_t *mac, u_char *raw, size_t n, u_char *out)
{
    assert_int_equal(ngx_http_privacy_mac_compute(mac, raw, n, raw + n), 0);

    return ngx_http_privacy_base64url_encode(raw, n + NGX_HTTP_PRIVACY_MAC_LEN,
                                             out);
}


static void
test_round_trip(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    u_char                       again[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n, i;
    ngx_http_privacy_consent_t   c, d;

    make_consent(&c, TEST_VERSION);

    n = encode_ok(t->mac, &c, buf);

    for (i = 0; i < n; i++) {
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_",
                               buf[i]));
    }

    memset(&d, 0xee, sizeof(d));
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW + 10,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);

    assert_int_equal(d.version_len, c.version_len);
    assert_memory_equal(d.version, c.version, c.version_len);
    assert_int_equal(d.categories, c.categories);
    assert_int_equal(d.flags, c.flags);
    assert_int_equal(d.decided, c.decided);
    assert_memory_equal(d.id, c.id, sizeof(c.id));

    /* deterministic: same decision, same cookie */
    assert_int_equal(encode_ok(t->mac, &c, again), n);
    assert_memory_equal(again, buf, n);
}


static void
test_round_trip_shapes(void **state)
{
    test_ctx_t                  *t = *state;
    char                         version[NGX_HTTP_PRIVACY_VERSION_MAX + 1];
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n, vlen;
    unsigned                     cats;
    ngx_http_privacy_consent_t   c, d;

    /* every version length, every category set */
    for (vlen = 0; vlen <= NGX_HTTP_PRIVACY_VERSION_MAX; vlen++) {
        memset(version, 'v', vlen);
        version[vlen] = '\0';

        for (cats = 0; cats <= NGX_HTTP_PRIVACY_CAT_ALL; cats++) {
            make_consent(&c, version);
            c.categories = cats;
            c.flags = cats & 1;
            c.decided = (time_t) (TEST_NOW - cats);

            n = encode_ok(t->mac, &c, buf);

            assert_int_equal(decode_exact(t->mac, buf, n, version,
                                          TEST_NOW, TEST_MAX_AGE, &d),
                             NGX_HTTP_PRIVACY_CONSENT_OK);

            /* necessary is always granted */
            assert_int_equal(d.categories,
                             cats | NGX_HTTP_PRIVACY_CAT_NECESSARY);
            assert_int_equal(d.flags, cats & 1);
            assert_int_equal(d.decided, TEST_NOW - cats);
            assert_int_equal(d.version_len, vlen);
            assert_memory_equal(d.version, version, vlen);
        }
    }

    /* bits this format does not know are not signed */
    make_consent(&c, TEST_VERSION);
    c.categories = 0xfff0;
    c.flags = 0xfc;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(d.categories, NGX_HTTP_PRIVACY_CAT_NECESSARY);
    assert_int_equal(d.flags, 0);

    /* the known flags survive */
    c.flags = NGX_HTTP_PRIVACY_FLAG_ALL;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(d.flags, NGX_HTTP_PRIVACY_FLAG_ALL);

    /* time 0 and a time past 2038 */
    c.decided = 0;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, 100,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(d.decided, 0);

    c.decided = (time_t) 4102444800LL;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  (time_t) 4102444801LL, TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(d.decided, (time_t) 4102444800LL);
}


static void
test_bit_flips(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    u_char                       tampered[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    u_char                       raw[RAW_MAX];
    size_t                       n, m, raw_len, bit, k;
    const char                  *versions[] = { "", TEST_VERSION,
        "0123456789012345678901234567890123456789012345678901234567890123" };
    ngx_http_privacy_consent_t   c;

    for (k = 0; k < sizeof(versions) / sizeof(versions[0]); k++) {
        make_consent(&c, versions[k]);
        n = encode_ok(t->mac, &c, buf);

        assert_int_equal(ngx_http_privacy_base64url_decode(buf, n, raw,
                                                           &raw_len), 0);
        assert_int_equal(raw_len,
                         RAW_HDR + c.version_len + NGX_HTTP_PRIVACY_MAC_LEN);

        /* any change of a signed byte, or of the MAC, breaks the MAC */
        for (bit = 0; bit < raw_len * 8; bit++) {
            raw[bit / 8] ^= (u_char) (1 << (bit % 8));

            m = ngx_http_privacy_base64url_encode(raw, raw_len, tampered);
            assert_int_equal(m, n);

            assert_int_equal(decode_exact(t->mac, tampered, m, versions[k],
                                          TEST_NOW, TEST_MAX_AGE, &c),
                             NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE);

            raw[bit / 8] ^= (u_char) (1 << (bit % 8));
        }

        /* and of the characters as sent: refused, never accepted */
        for (bit = 0; bit < n * 8; bit++) {
            memcpy(tampered, buf, n);
            tampered[bit / 8] ^= (u_char) (1 << (bit % 8));

            assert_int_not_equal(decode_exact(t->mac, tampered, n,
                                              versions[k], TEST_NOW,
                                              TEST_MAX_AGE, &c),
                                 NGX_HTTP_PRIVACY_CONSENT_OK);
        }

        /* the untouched value still decodes */
        make_consent(&c, versions[k]);
        assert_int_equal(decode_exact(t->mac, buf, n, versions[k], TEST_NOW,
                                      TEST_MAX_AGE, &c),
                         NGX_HTTP_PRIVACY_CONSENT_OK);
    }
}


static void
test_truncation(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    u_char                       raw[RAW_MAX];
    u_char                       enc[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n, m, k, raw_len;
    ngx_http_privacy_consent_t   c;

    make_consent(&c, TEST_VERSION);
    n = encode_ok(t->mac, &c, buf);

    /* every prefix of the value as sent */
    for (k = 0; k < n; k++) {
        assert_int_not_equal(decode_default(t->mac, buf, k),
                             NGX_HTTP_PRIVACY_CONSENT_OK);
    }

    /* every prefix of the raw bytes, re-encoded canonically */
    assert_int_equal(ngx_http_privacy_base64url_decode(buf, n, raw, &raw_len),
                     0);

    for (k = 0; k < raw_len; k++) {
        m = ngx_http_privacy_base64url_encode(raw, k, enc);
        assert_int_not_equal(decode_default(t->mac, enc, m),
                             NGX_HTTP_PRIVACY_CONSENT_OK);
    }

    /* dropping the first bytes instead */
    for (k = 1; k < raw_len; k++) {
        m = ngx_http_privacy_base64url_encode(raw + k, raw_len - k, enc);
        assert_int_not_equal(decode_default(t->mac, enc, m),
                             NGX_HTTP_PRIVACY_CONSENT_OK);
    }
}


static void
test_appended(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN + 8];
    u_char                       raw[RAW_MAX + 8];
    u_char                       enc[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n, m, k, raw_len;
    const char                  *tails[] = { "A", "AA", "AAA", "AAAA", "=",
                                             "==", " ", ";", "\0", "-_" };
    ngx_http_privacy_consent_t   c;

    make_consent(&c, TEST_VERSION);
    n = encode_ok(t->mac, &c, buf);

    for (k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
        m = strlen(tails[k]) ? strlen(tails[k]) : 1;
        memcpy(buf + n, tails[k], m);

        assert_int_not_equal(decode_default(t->mac, buf, n + m),
                             NGX_HTTP_PRIVACY_CONSENT_OK);
    }

    /* raw bytes appended after the MAC, re-encoded canonically */
    assert_int_equal(ngx_http_privacy_base64url_decode(buf, n, raw, &raw_len),
                     0);

    for (k = 1; k <= 8; k++) {
        memset(raw + raw_len, (int) k, k);
        m = ngx_http_privacy_base64url_encode(raw, raw_len + k, enc);
        assert_int_not_equal(decode_default(t->mac, enc, m),
                             NGX_HTTP_PRIVACY_CONSENT_OK);
    }
}


static void
test_version(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n;
    ngx_http_privacy_consent_t   c, d;

    make_consent(&c, TEST_VERSION);
    n = encode_ok(t->mac, &c, buf);

    assert_int_equal(decode_exact(t->mac, buf, n, "2024-06-01", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION);

    /* prefixes and extensions are other versions too */
    assert_int_equal(decode_exact(t->mac, buf, n, "2024-05-0", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION);
    assert_int_equal(decode_exact(t->mac, buf, n, "2024-05-01a", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION);
    assert_int_equal(decode_exact(t->mac, buf, n, "", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION);

    /* an empty version is a version */
    make_consent(&c, "");
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, "", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(decode_exact(t->mac, buf, n, "1", TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION);
}


static void
test_time(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n;
    ngx_http_privacy_consent_t   c, d;

    make_consent(&c, TEST_VERSION);
    n = encode_ok(t->mac, &c, buf);

    /* expiry: now - decided <= max_age */
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  TEST_NOW + TEST_MAX_AGE, TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  TEST_NOW + TEST_MAX_AGE + 1, TEST_MAX_AGE,
                                  &d),
                     NGX_HTTP_PRIVACY_CONSENT_EXPIRED);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  TEST_NOW + 365 * 86400, TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_EXPIRED);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW, 0,
                                  &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW + 1,
                                  0, &d),
                     NGX_HTTP_PRIVACY_CONSENT_EXPIRED);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW, -1,
                                  &d),
                     NGX_HTTP_PRIVACY_CONSENT_EXPIRED);

    /* the future: a little clock skew is fine, more is refused */
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  TEST_NOW - NGX_HTTP_PRIVACY_CONSENT_SKEW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  TEST_NOW - NGX_HTTP_PRIVACY_CONSENT_SKEW - 1,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    c.decided = (time_t) TEST_NOW + 10 * 365 * 86400;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION, TEST_NOW,
                                  TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* extreme clocks must not overflow (UBSan watches) */
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  (time_t) INT64_MIN, TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  (time_t) INT64_MAX, (time_t) INT64_MAX, &d),
                     NGX_HTTP_PRIVACY_CONSENT_OK);
    assert_int_equal(decode_exact(t->mac, buf, n, TEST_VERSION,
                                  (time_t) INT64_MAX, TEST_MAX_AGE, &d),
                     NGX_HTTP_PRIVACY_CONSENT_EXPIRED);

    /* a negative decision time is never signed */
    c.decided = -1;
    assert_int_equal(ngx_http_privacy_consent_encode(&c, t->mac, buf,
                                                     sizeof(buf)), 0);
}


static void
test_other_key(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n;
    ngx_http_privacy_consent_t   c;

    make_consent(&c, TEST_VERSION);

    n = encode_ok(t->other, &c, buf);
    assert_int_equal(decode_default(t->mac, buf, n),
                     NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE);
    assert_int_equal(decode_default(t->other, buf, n),
                     NGX_HTTP_PRIVACY_CONSENT_OK);

    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(decode_default(t->other, buf, n),
                     NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE);
}


static void
test_encode_limits(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN + 16];
    size_t                       n, size, i;
    ngx_http_privacy_consent_t   c;

    make_consent(&c, TEST_VERSION);

    c.version_len = NGX_HTTP_PRIVACY_VERSION_MAX + 1;
    memset(c.version, 'x', NGX_HTTP_PRIVACY_VERSION_MAX);
    assert_int_equal(ngx_http_privacy_consent_encode(&c, t->mac, buf,
                                                     sizeof(buf)), 0);

    c.version_len = (size_t) -1;
    assert_int_equal(ngx_http_privacy_consent_encode(&c, t->mac, buf,
                                                     sizeof(buf)), 0);

    /* the longest cookie fits in NGX_HTTP_PRIVACY_CONSENT_MAX_LEN */
    c.version_len = NGX_HTTP_PRIVACY_VERSION_MAX;
    n = encode_ok(t->mac, &c, buf);
    assert_int_equal(n, ngx_http_privacy_base64url_encoded_length(RAW_MAX));

    /* too small: 0, and not a byte written past out_size */
    for (size = 0; size < n; size++) {
        memset(buf, '#', sizeof(buf));
        assert_int_equal(ngx_http_privacy_consent_encode(&c, t->mac, buf,
                                                         size), 0);

        for (i = size; i < sizeof(buf); i++) {
            assert_int_equal(buf[i], '#');
        }
    }

    memset(buf, '#', sizeof(buf));
    assert_int_equal(ngx_http_privacy_consent_encode(&c, t->mac, buf, n), n);
    assert_int_equal(buf[n], '#');
}


static void
test_garbage(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                      *big;
    u_char                       raw[RAW_MAX];
    u_char                       enc[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       i, n;
    ngx_http_privacy_consent_t   c;

    assert_int_equal(decode_default(t->mac, (const u_char *) "", 0),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);
    assert_int_equal(ngx_http_privacy_consent_decode(NULL, 0, t->mac,
                         (const u_char *) TEST_VERSION,
                         sizeof(TEST_VERSION) - 1, TEST_NOW, TEST_MAX_AGE,
                         &c),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    big = malloc(10240);
    assert_non_null(big);

    /* 10 KB of valid base64url characters: too long */
    memset(big, 'A', 10240);
    assert_int_equal(decode_default(t->mac, big, 10240),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* 10 KB of every byte value */
    for (i = 0; i < 10240; i++) {
        big[i] = (u_char) (i * 131 + 7);
    }

    assert_int_equal(decode_default(t->mac, big, 10240),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* every plausible length of non-base64 and of well-formed noise */
    for (n = 1; n <= NGX_HTTP_PRIVACY_CONSENT_MAX_LEN; n++) {
        memset(big, '!', n);
        assert_int_equal(decode_default(t->mac, big, n),
                         NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

        memset(big, 'A', n);
        assert_int_not_equal(decode_default(t->mac, big, n),
                             NGX_HTTP_PRIVACY_CONSENT_OK);

        big[n - 1] = '=';
        assert_int_equal(decode_default(t->mac, big, n),
                         NGX_HTTP_PRIVACY_CONSENT_MALFORMED);
    }

    /* a well-formed length of noise fails the MAC */
    memset(raw, 0x55, sizeof(raw));
    n = ngx_http_privacy_base64url_encode(raw, RAW_HDR + 10 + 32, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE);

    free(big);
}


/* payloads encode never produces, signed with the right key */
static void
test_signed_but_malformed(void **state)
{
    test_ctx_t                  *t = *state;
    u_char                       raw[RAW_MAX + 8];
    u_char                       good[RAW_MAX + 8];
    u_char                       enc[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                       n, raw_len, vlen;
    ngx_http_privacy_consent_t   c;

    vlen = sizeof(TEST_VERSION) - 1;
    make_consent(&c, TEST_VERSION);
    n = encode_ok(t->mac, &c, enc);
    assert_int_equal(ngx_http_privacy_base64url_decode(enc, n, good,
                                                       &raw_len), 0);

    /* the raw bytes re-signed unchanged decode: the helper is sound */
    memcpy(raw, good, raw_len);
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_OK);

    /* unknown format */
    memcpy(raw, good, raw_len);
    raw[0] = 0x02;
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* categories without necessary, or beyond the known ones */
    memcpy(raw, good, raw_len);
    raw[1] = NGX_HTTP_PRIVACY_CAT_STATISTICS;
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    memcpy(raw, good, raw_len);
    raw[1] = 0x11;
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* unknown flags */
    memcpy(raw, good, raw_len);
    raw[2] = 0x80;
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* negative time */
    memcpy(raw, good, raw_len);
    raw[3] = 0x80;
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /* a version length that disagrees with the payload length */
    memcpy(raw, good, raw_len);
    raw[27] = (u_char) (vlen + 1);
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    memcpy(raw, good, raw_len);
    raw[27] = (u_char) (vlen - 1);
    n = sign_raw(t->mac, raw, RAW_HDR + vlen, enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);

    /*
     * A version longer than the maximum, with a payload to match: longer
     * than any cookie encode makes, so the length bound refuses it.
     */
    memset(raw, 'v', sizeof(raw));
    memcpy(raw, good, RAW_HDR);
    raw[27] = NGX_HTTP_PRIVACY_VERSION_MAX + 1;
    n = sign_raw(t->mac, raw, RAW_HDR + NGX_HTTP_PRIVACY_VERSION_MAX + 1,
                 enc);
    assert_int_equal(decode_default(t->mac, enc, n),
                     NGX_HTTP_PRIVACY_CONSENT_MALFORMED);
}


static void
test_categories_format(void **state)
{
    u_char        out[64];
    size_t        n;
    unsigned      cats;
    const char   *expect[16] = {
        "",
        "necessary",
        "preferences",
        "necessary,preferences",
        "statistics",
        "necessary,statistics",
        "preferences,statistics",
        "necessary,preferences,statistics",
        "marketing",
        "necessary,marketing",
        "preferences,marketing",
        "necessary,preferences,marketing",
        "statistics,marketing",
        "necessary,statistics,marketing",
        "preferences,statistics,marketing",
        "necessary,preferences,statistics,marketing"
    };

    (void) state;

    for (cats = 0; cats <= NGX_HTTP_PRIVACY_CAT_ALL; cats++) {
        memset(out, '#', sizeof(out));

        n = ngx_http_privacy_categories_format(cats, out);
        assert_int_equal(n, strlen(expect[cats]));
        assert_true(n <= 48);
        assert_memory_equal(out, expect[cats], n);
        assert_int_equal(out[n], '#');

        /* unknown bits are ignored */
        n = ngx_http_privacy_categories_format(cats | 0xf0, out);
        assert_int_equal(n, strlen(expect[cats]));
        assert_memory_equal(out, expect[cats], n);
    }
}


static void
test_category_parse(void **state)
{
    (void) state;

#define parse(s)  ngx_http_privacy_category_parse((const u_char *) s,       \
                                                  sizeof(s) - 1)

    assert_int_equal(parse("necessary"), NGX_HTTP_PRIVACY_CAT_NECESSARY);
    assert_int_equal(parse("preferences"), NGX_HTTP_PRIVACY_CAT_PREFERENCES);
    assert_int_equal(parse("statistics"), NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(parse("marketing"), NGX_HTTP_PRIVACY_CAT_MARKETING);

    assert_int_equal(parse(""), 0);
    assert_int_equal(parse("Necessary"), 0);
    assert_int_equal(parse("MARKETING"), 0);
    assert_int_equal(parse("necessar"), 0);
    assert_int_equal(parse("necessary "), 0);
    assert_int_equal(parse("necessary,statistics"), 0);
    assert_int_equal(parse("analytics"), 0);
    assert_int_equal(parse("necessary\0"), 0);

#undef parse

    /* the length bounds the read: a longer buffer is not a longer name */
    assert_int_equal(ngx_http_privacy_category_parse(
                         (const u_char *) "marketingX", 9),
                     NGX_HTTP_PRIVACY_CAT_MARKETING);
}


/* the categories a visitor's cookies may serve */
static void
test_effective(void **state)
{
    ngx_http_privacy_consent_t  c;

    (void) state;

    memset(&c, 0, sizeof(c));

    /* no cookie: the necessary ones, with or without GPC */
    assert_int_equal(ngx_http_privacy_consent_effective(NULL, 0),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY);
    assert_int_equal(ngx_http_privacy_consent_effective(NULL, 1),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY);

    /* a choice: what was granted, and the necessary ones always */
    c.categories = NGX_HTTP_PRIVACY_CAT_STATISTICS;
    assert_int_equal(ngx_http_privacy_consent_effective(&c, 0),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY
                     | NGX_HTTP_PRIVACY_CAT_STATISTICS);

    /* GPC takes marketing away, nothing else */
    c.categories = NGX_HTTP_PRIVACY_CAT_ALL;
    assert_int_equal(ngx_http_privacy_consent_effective(&c, 0),
                     NGX_HTTP_PRIVACY_CAT_ALL);
    assert_int_equal(ngx_http_privacy_consent_effective(&c, 1),
                     NGX_HTTP_PRIVACY_CAT_ALL
                     & ~NGX_HTTP_PRIVACY_CAT_MARKETING);

    /* a cookie carrying only an objection carries no choice */
    c.flags = NGX_HTTP_PRIVACY_FLAG_UNDECIDED
              | NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
    assert_int_equal(ngx_http_privacy_consent_effective(&c, 0),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY);

    /* the objection flag alone does not change the categories */
    c.flags = NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
    assert_int_equal(ngx_http_privacy_consent_effective(&c, 0),
                     NGX_HTTP_PRIVACY_CAT_ALL);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_shapes),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_appended),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_other_key),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_signed_but_malformed),
        cmocka_unit_test(test_categories_format),
        cmocka_unit_test(test_category_parse),
        cmocka_unit_test(test_effective),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
