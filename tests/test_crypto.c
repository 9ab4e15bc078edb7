
/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of ngx_http_privacy_crypto.c: known-answer tests against the
 * RFCs and independently computed values, and the strictness of base64url.
 */


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_crypto.h"


static size_t
unhex(const char *hex, u_char *out, size_t out_size)
{
    size_t        n, i;
    unsigned int  b;

    n = strlen(hex);
    assert_true(n % 2 == 0);
    assert_true(n / 2 <= out_size);

    for (i = 0; i < n / 2; i++) {
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (u_char) b;
    }

    return n / 2;
}


static char *
repeat_hex(const char *byte, size_t count)
{
    char    *s;
    size_t   i;

    s = malloc(2 * count + 1);
    assert_non_null(s);

    for (i = 0; i < count; i++) {
        memcpy(s + 2 * i, byte, 2);
    }

    s[2 * count] = '\0';

    return s;
}


static void
check_hmac(const char *key_hex, const u_char *data, size_t len,
    const char *mac_hex)
{
    u_char                   key[256], mac[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char                   hex[2 * NGX_HTTP_PRIVACY_MAC_LEN + 1];
    size_t                   key_len;
    ngx_http_privacy_mac_t  *ctx;

    key_len = unhex(key_hex, key, sizeof(key));

    ctx = ngx_http_privacy_mac_create(key, key_len);
    assert_non_null(ctx);

    /* twice: the second compute reuses the key set at creation */
    assert_int_equal(ngx_http_privacy_mac_compute(ctx, data, len, mac), 0);
    ngx_http_privacy_hex(mac, sizeof(mac), hex);
    hex[sizeof(hex) - 1] = '\0';
    assert_string_equal((char *) hex, mac_hex);

    memset(mac, 0, sizeof(mac));
    assert_int_equal(ngx_http_privacy_mac_compute(ctx, data, len, mac), 0);
    ngx_http_privacy_hex(mac, sizeof(mac), hex);
    assert_string_equal((char *) hex, mac_hex);

    ngx_http_privacy_mac_destroy(ctx);
}


/* RFC 4231 section 4: test cases 1-4, 6 and 7 (5 is a truncated MAC) */

static void
test_hmac_rfc4231_1(void **state)
{
    char  *key;

    (void) state;

    key = repeat_hex("0b", 20);
    check_hmac(key, (const u_char *) "Hi There", 8,
               "b0344c61d8db38535ca8afceaf0bf12b"
               "881dc200c9833da726e9376c2e32cff7");
    free(key);
}


static void
test_hmac_rfc4231_2(void **state)
{
    const char  *d = "what do ya want for nothing?";

    (void) state;

    check_hmac("4a656665", (const u_char *) d, strlen(d),
               "5bdcc146bf60754e6a042426089575c7"
               "5a003f089d2739839dec58b964ec3843");
}


static void
test_hmac_rfc4231_3(void **state)
{
    char    *key;
    u_char   data[50];

    (void) state;

    key = repeat_hex("aa", 20);
    memset(data, 0xdd, sizeof(data));
    check_hmac(key, data, sizeof(data),
               "773ea91e36800e46854db8ebd09181a7"
               "2959098b3ef8c122d9635514ced565fe");
    free(key);
}


static void
test_hmac_rfc4231_4(void **state)
{
    u_char  data[50];

    (void) state;

    memset(data, 0xcd, sizeof(data));
    check_hmac("0102030405060708090a0b0c0d0e0f10111213141516171819",
               data, sizeof(data),
               "82558a389a443c0ea4cc819899f2083a"
               "85f0faa3e578f8077a2e3ff46729665b");
}


static void
test_hmac_rfc4231_6(void **state)
{
    char        *key;
    const char  *d = "Test Using Larger Than Block-Size Key - Hash Key First";

    (void) state;

    key = repeat_hex("aa", 131);
    check_hmac(key, (const u_char *) d, strlen(d),
               "60e431591ee0b67f0d8a26aacbf5b77f"
               "8e0bc6213728c5140546040f0ee37f54");
    free(key);
}


static void
test_hmac_rfc4231_7(void **state)
{
    char        *key;
    const char  *d = "This is a test using a larger than block-size key "
                     "and a larger than block-size data. The key needs to "
                     "be hashed before being used by the HMAC algorithm.";

    (void) state;

    key = repeat_hex("aa", 131);
    check_hmac(key, (const u_char *) d, strlen(d),
               "9b09ffa71b942fcb27635fbcd5b0e944"
               "bfdc63644f0713938a7f51535c3a35e2");
    free(key);
}


static void
test_hmac_interleaved(void **state)
{
    u_char                   k1[32], k2[32];
    u_char                   a1[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char                   a2[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char                   b1[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char                   e[NGX_HTTP_PRIVACY_MAC_LEN];
    ngx_http_privacy_mac_t  *m1, *m2;

    (void) state;

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));

    m1 = ngx_http_privacy_mac_create(k1, sizeof(k1));
    m2 = ngx_http_privacy_mac_create(k2, sizeof(k2));
    assert_non_null(m1);
    assert_non_null(m2);

    /* two contexts keep their own keys; a message changes the MAC */
    assert_int_equal(ngx_http_privacy_mac_compute(m1, k1, 7, a1), 0);
    assert_int_equal(ngx_http_privacy_mac_compute(m2, k1, 7, b1), 0);
    assert_int_equal(ngx_http_privacy_mac_compute(m1, k1, 7, a2), 0);
    assert_memory_equal(a1, a2, sizeof(a1));
    assert_memory_not_equal(a1, b1, sizeof(a1));

    assert_int_equal(ngx_http_privacy_mac_compute(m1, k1, 8, a2), 0);
    assert_memory_not_equal(a1, a2, sizeof(a1));

    /* the empty message is valid input */
    assert_int_equal(ngx_http_privacy_mac_compute(m1, NULL, 0, e), 0);
    assert_memory_not_equal(a1, e, sizeof(a1));

    ngx_http_privacy_mac_destroy(m1);
    ngx_http_privacy_mac_destroy(m2);

    /* no key, no context */
    assert_null(ngx_http_privacy_mac_create(NULL, 0));
    assert_null(ngx_http_privacy_mac_create(k1, 0));

    ngx_http_privacy_mac_destroy(NULL);
}


static void
test_hkdf_rfc5869_3(void **state)
{
    u_char  ikm[22], out[NGX_HTTP_PRIVACY_KEY_LEN], expect[32];

    (void) state;

    /* RFC 5869 A.3: no salt, no info; the first 32 bytes of the OKM */
    memset(ikm, 0x0b, sizeof(ikm));
    unhex("8da4e775a563c18f715f802a063c5a31"
          "b8a11f5c5ee1879ec3454e5f3c738d2d", expect, sizeof(expect));

    assert_int_equal(ngx_http_privacy_derive_key(ikm, sizeof(ikm), NULL, out),
                     0);
    assert_memory_equal(out, expect, sizeof(out));

    assert_int_equal(ngx_http_privacy_derive_key(ikm, sizeof(ikm), "", out),
                     0);
    assert_memory_equal(out, expect, sizeof(out));
}


static void
test_hkdf_label(void **state)
{
    u_char  secret[32], out[NGX_HTTP_PRIVACY_KEY_LEN], other[32];
    u_char  expect[32];
    size_t  i;

    (void) state;

    for (i = 0; i < sizeof(secret); i++) {
        secret[i] = (u_char) i;
    }

    /*
     * openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:0001..1f
     *     -kdfopt info:privacy-consent-cookie HKDF
     * and checked with Python's hmac module.
     */
    unhex("a4d935ee54342eb6036666b3950ff5b8"
          "312780fca48f5fe809acd2de511bf607", expect, sizeof(expect));

    assert_int_equal(ngx_http_privacy_derive_key(secret, sizeof(secret),
                                                 "privacy-consent-cookie",
                                                 out), 0);
    assert_memory_equal(out, expect, sizeof(out));

    /* another label, another key */
    assert_int_equal(ngx_http_privacy_derive_key(secret, sizeof(secret),
                                                 "privacy-pseudonym",
                                                 other), 0);
    assert_memory_not_equal(out, other, sizeof(out));

    assert_int_equal(ngx_http_privacy_derive_key(NULL, 0, "x", out), -1);
    assert_int_equal(ngx_http_privacy_derive_key(secret, 0, "x", out), -1);
}


static void
test_ct_equal(void **state)
{
    u_char  a[64], b[64];
    size_t  i;

    (void) state;

    memset(a, 0x5a, sizeof(a));
    memset(b, 0x5a, sizeof(b));

    assert_int_equal(ngx_http_privacy_ct_equal(a, b, sizeof(a)), 1);
    assert_int_equal(ngx_http_privacy_ct_equal(a, b, 0), 1);

    for (i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x80;
        assert_int_equal(ngx_http_privacy_ct_equal(a, b, sizeof(a)), 0);
        b[i] ^= 0x81;
        assert_int_equal(ngx_http_privacy_ct_equal(a, b, sizeof(a)), 0);
        b[i] ^= 0x01;
    }

    assert_int_equal(ngx_http_privacy_ct_equal(a, b, sizeof(a)), 1);
}


static void
test_ct_equal_lengths(void **state)
{
    u_char  *a, *b;
    size_t   len, i, off;

    (void) state;

    /*
     * Every length the word loop and its overlapping tail can meet, a
     * difference at every position, in either buffer, and buffers of
     * exactly len bytes at odd addresses (ASan: nothing past len is read).
     */
    for (len = 0; len <= 70; len++) {
        for (off = 0; off < 2; off++) {
            a = malloc(len + off + 1);
            b = malloc(len + off + 1);
            assert_non_null(a);
            assert_non_null(b);

            for (i = 0; i < len + off + 1; i++) {
                a[i] = (u_char) (i * 7 + len);
                b[i] = a[i];
            }

            assert_int_equal(ngx_http_privacy_ct_equal(a + off, b + off,
                                                       len), 1);

            for (i = 0; i < len; i++) {
                b[off + i] ^= 0x01;
                assert_int_equal(ngx_http_privacy_ct_equal(a + off, b + off,
                                                           len), 0);
                b[off + i] ^= 0x81;
                assert_int_equal(ngx_http_privacy_ct_equal(a + off, b + off,
                                                           len), 0);
                b[off + i] ^= 0x80;

                a[off + i] = (u_char) ~a[off + i];
                assert_int_equal(ngx_http_privacy_ct_equal(a + off, b + off,
                                                           len), 0);
                a[off + i] = (u_char) ~a[off + i];
            }

            /* a byte just past len does not count */
            b[off + len] ^= 0xff;
            assert_int_equal(ngx_http_privacy_ct_equal(a + off, b + off,
                                                       len), 1);

            free(a);
            free(b);
        }

        /* heap buffers of exactly len bytes */
        a = malloc(len ? len : 1);
        b = malloc(len ? len : 1);
        assert_non_null(a);
        assert_non_null(b);
        memset(a, 0xa5, len);
        memset(b, 0xa5, len);
        assert_int_equal(ngx_http_privacy_ct_equal(a, b, len), 1);

        if (len) {
            b[len - 1] = 0;
            assert_int_equal(ngx_http_privacy_ct_equal(a, b, len), 0);
        }

        free(a);
        free(b);
    }
}


static void
test_random(void **state)
{
    u_char  a[32], b[32], zero[32];

    (void) state;

    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    memset(zero, 0, sizeof(zero));

    assert_int_equal(ngx_http_privacy_random(a, sizeof(a)), 0);
    assert_int_equal(ngx_http_privacy_random(b, sizeof(b)), 0);

    /* 2^-256 chances of a false failure */
    assert_memory_not_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, zero, sizeof(a));

    assert_int_equal(ngx_http_privacy_random(a, 0), 0);
}


static void
check_b64(const char *raw, size_t raw_len, const char *enc)
{
    u_char  buf[128], dec[128];
    size_t  n, dec_len;

    assert_int_equal(ngx_http_privacy_base64url_encoded_length(raw_len),
                     strlen(enc));

    n = ngx_http_privacy_base64url_encode((const u_char *) raw, raw_len, buf);
    assert_int_equal(n, strlen(enc));
    assert_memory_equal(buf, enc, n);

    dec_len = (size_t) -1;
    assert_int_equal(ngx_http_privacy_base64url_decode((const u_char *) enc,
                                                       n, dec, &dec_len), 0);
    assert_int_equal(dec_len, raw_len);
    assert_true(dec_len <= n * 3 / 4);

    if (raw_len) {
        assert_memory_equal(dec, raw, raw_len);
    }
}


static void
test_base64url_rfc4648(void **state)
{
    (void) state;

    /* RFC 4648 section 10, padding removed */
    check_b64("", 0, "");
    check_b64("f", 1, "Zg");
    check_b64("fo", 2, "Zm8");
    check_b64("foo", 3, "Zm9v");
    check_b64("foob", 4, "Zm9vYg");
    check_b64("fooba", 5, "Zm9vYmE");
    check_b64("foobar", 6, "Zm9vYmFy");

    /* the two characters that differ from base64 */
    check_b64("\xfb\xff", 2, "-_8");
    check_b64("\xff\xff\xff", 3, "____");
    check_b64("\xfb\xef\xbe", 3, "----");
    check_b64("\x00\x00\x00", 3, "AAAA");
}


static void
test_base64url_all_bytes(void **state)
{
    u_char  raw[256], enc[400], dec[300];
    size_t  i, n, len, dec_len;

    (void) state;

    for (i = 0; i < sizeof(raw); i++) {
        raw[i] = (u_char) i;
    }

    for (len = 0; len <= sizeof(raw); len++) {
        n = ngx_http_privacy_base64url_encode(raw, len, enc);
        assert_int_equal(n, ngx_http_privacy_base64url_encoded_length(len));

        for (i = 0; i < n; i++) {
            assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_", enc[i]));
        }

        assert_int_equal(ngx_http_privacy_base64url_decode(enc, n, dec,
                                                           &dec_len), 0);
        assert_int_equal(dec_len, len);
        assert_memory_equal(dec, raw, len);
    }
}


static void
test_base64url_invalid(void **state)
{
    int          rc;
    u_char       dec[64], in[3];
    size_t       i, dec_len;
    const char  *alphabet, *bad[] = {
        "Zg==",             /* padding */
        "Zm8=",
        "Zg=",
        "=",
        "Zm9v\n",           /* whitespace */
        " Zm9v",
        "Zm 9v",
        "Zm9v\r\n",
        "Zm\t9",
        "Z",                /* one character is never a byte */
        "Zm9vY",
        "Zh",               /* non-zero trailing bits */
        "Zm9",
        "Zm9vYh",
        "Zm9vYmF",
        "Zm9+",             /* base64, not base64url */
        "Zm9/",
        "Zm9v.",
        "Zm*v",
        "\x80\x80",
        "\xff\xff\xff\xff",
    };

    (void) state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ngx_http_privacy_base64url_decode(
                             (const u_char *) bad[i], strlen(bad[i]), dec,
                             &dec_len), -1);
    }

    /* a NUL byte inside the input */
    assert_int_equal(ngx_http_privacy_base64url_decode(
                         (const u_char *) "Zm\0v", 4, dec, &dec_len), -1);

    /* the last character decides: every non-canonical one is refused */
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_";

    for (i = 0; i < 64; i++) {
        in[0] = 'Z';
        in[1] = (u_char) alphabet[i];
        rc = ngx_http_privacy_base64url_decode(in, 2, dec, &dec_len);
        assert_int_equal(rc, (i & 0x0f) ? -1 : 0);

        in[0] = 'Z';
        in[1] = 'm';
        in[2] = (u_char) alphabet[i];
        rc = ngx_http_privacy_base64url_decode(in, 3, dec, &dec_len);
        assert_int_equal(rc, (i & 0x03) ? -1 : 0);
    }
}


static void
test_hex(void **state)
{
    u_char  out[9];

    (void) state;

    out[8] = 'X';
    ngx_http_privacy_hex((const u_char *) "\x00\x0f\xa5\xff", 4, out);
    assert_memory_equal(out, "000fa5ff", 8);
    assert_int_equal(out[8], 'X');
}


static void
test_hex_all_bytes(void **state)
{
    char    want[3];
    u_char  in[256], out[513];
    size_t  i;

    (void) state;

    for (i = 0; i < 256; i++) {
        in[i] = (u_char) i;
    }

    out[512] = 'X';
    ngx_http_privacy_hex(in, 256, out);
    assert_int_equal(out[512], 'X');

    for (i = 0; i < 256; i++) {
        snprintf(want, sizeof(want), "%02x", (unsigned) i);
        assert_memory_equal(out + 2 * i, want, 2);
    }

    /* nothing written for nothing */
    out[0] = 'Y';
    ngx_http_privacy_hex(in, 0, out);
    assert_int_equal(out[0], 'Y');
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_hmac_rfc4231_1),
        cmocka_unit_test(test_hmac_rfc4231_2),
        cmocka_unit_test(test_hmac_rfc4231_3),
        cmocka_unit_test(test_hmac_rfc4231_4),
        cmocka_unit_test(test_hmac_rfc4231_6),
        cmocka_unit_test(test_hmac_rfc4231_7),
        cmocka_unit_test(test_hmac_interleaved),
        cmocka_unit_test(test_hkdf_rfc5869_3),
        cmocka_unit_test(test_hkdf_label),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_ct_equal_lengths),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_base64url_rfc4648),
        cmocka_unit_test(test_base64url_all_bytes),
        cmocka_unit_test(test_base64url_invalid),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_hex_all_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
