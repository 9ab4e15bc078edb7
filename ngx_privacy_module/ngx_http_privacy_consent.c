
/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent cookie codec.  Pure C: no nginx headers.
 *
 * Cookie value: base64url (RFC 4648 section 5, no padding) of
 *
 *     offset  size  field
 *          0     1  format, 0x01
 *          1     1  categories, NGX_HTTP_PRIVACY_CAT_* (NECESSARY always set)
 *          2     1  flags, NGX_HTTP_PRIVACY_FLAG_*
 *          3     8  decision time, unix seconds, signed, big-endian
 *         11    16  consent id (random)
 *         27     1  version length v, 0..NGX_HTTP_PRIVACY_VERSION_MAX
 *         28     v  policy version bytes
 *     28 + v    32  HMAC-SHA256 over bytes 0 .. 27 + v
 *
 * That is 60..124 raw bytes, 80..166 characters: well under
 * NGX_HTTP_PRIVACY_CONSENT_MAX_LEN and the 4 KB browsers allow a cookie.
 * The full MAC is kept, not a truncated one: the cookie decides what a
 * visitor is tracked with, so forging it must be as hard as forging
 * HMAC-SHA256.
 *
 * Decoding checks the length and the base64url spelling, then the MAC in
 * constant time, and only then reads any field: nothing an attacker
 * wrote is interpreted before its origin is proven.  The decoder is
 * strict (one spelling per value, no unknown bits, exact length), so a
 * change of the format is a new format byte, never a reinterpretation.
 */


#include <stdint.h>
#include <string.h>

#include "ngx_http_privacy_consent.h"


#define NGX_HTTP_PRIVACY_CONSENT_FORMAT      0x01

#define NGX_HTTP_PRIVACY_CONSENT_OFF_FORMAT  0
#define NGX_HTTP_PRIVACY_CONSENT_OFF_CATS    1
#define NGX_HTTP_PRIVACY_CONSENT_OFF_FLAGS   2
#define NGX_HTTP_PRIVACY_CONSENT_OFF_TIME    3
#define NGX_HTTP_PRIVACY_CONSENT_OFF_ID      11
#define NGX_HTTP_PRIVACY_CONSENT_OFF_VLEN    27
#define NGX_HTTP_PRIVACY_CONSENT_OFF_VER     28

/* the signed bytes before the version */
#define NGX_HTTP_PRIVACY_CONSENT_HDR_LEN     NGX_HTTP_PRIVACY_CONSENT_OFF_VER

#define NGX_HTTP_PRIVACY_CONSENT_RAW_MIN                                     \
    (NGX_HTTP_PRIVACY_CONSENT_HDR_LEN + NGX_HTTP_PRIVACY_MAC_LEN)
#define NGX_HTTP_PRIVACY_CONSENT_RAW_MAX                                     \
    (NGX_HTTP_PRIVACY_CONSENT_RAW_MIN + NGX_HTTP_PRIVACY_VERSION_MAX)

#define NGX_HTTP_PRIVACY_CONSENT_B64_MIN                                     \
    ngx_http_privacy_base64url_encoded_length(                               \
        NGX_HTTP_PRIVACY_CONSENT_RAW_MIN)
#define NGX_HTTP_PRIVACY_CONSENT_B64_MAX                                     \
    ngx_http_privacy_base64url_encoded_length(                               \
        NGX_HTTP_PRIVACY_CONSENT_RAW_MAX)

/* the flags this format knows; any other bit is refused */
#define NGX_HTTP_PRIVACY_CONSENT_FLAGS  NGX_HTTP_PRIVACY_FLAG_ALL


typedef struct {
    const char  *name;
    size_t       len;
    unsigned     bit;
} ngx_http_privacy_category_name_t;


/* the order of $privacy_consent and of everything shown to people */
static const ngx_http_privacy_category_name_t
    ngx_http_privacy_category_names[NGX_HTTP_PRIVACY_CAT_COUNT] =
{
    { "necessary", sizeof("necessary") - 1, NGX_HTTP_PRIVACY_CAT_NECESSARY },
    { "preferences", sizeof("preferences") - 1,
      NGX_HTTP_PRIVACY_CAT_PREFERENCES },
    { "statistics", sizeof("statistics") - 1,
      NGX_HTTP_PRIVACY_CAT_STATISTICS },
    { "marketing", sizeof("marketing") - 1, NGX_HTTP_PRIVACY_CAT_MARKETING }
};


size_t
ngx_http_privacy_consent_encode(const ngx_http_privacy_consent_t *c,
    ngx_http_privacy_mac_t *mac, u_char *out, size_t out_size)
{
    int       i;
    u_char    raw[NGX_HTTP_PRIVACY_CONSENT_RAW_MAX], *p;
    size_t    n;
    uint64_t  t;

    if (c->version_len > NGX_HTTP_PRIVACY_VERSION_MAX) {
        return 0;
    }

    /* decode refuses negative times: do not sign a cookie nobody accepts */
    if (c->decided < 0) {
        return 0;
    }

    n = NGX_HTTP_PRIVACY_CONSENT_HDR_LEN + c->version_len;

    if (ngx_http_privacy_base64url_encoded_length(n + NGX_HTTP_PRIVACY_MAC_LEN)
        > out_size)
    {
        return 0;
    }

    p = raw;

    *p++ = NGX_HTTP_PRIVACY_CONSENT_FORMAT;
    *p++ = (u_char) ((c->categories & NGX_HTTP_PRIVACY_CAT_ALL)
                     | NGX_HTTP_PRIVACY_CAT_NECESSARY);
    *p++ = (u_char) (c->flags & NGX_HTTP_PRIVACY_CONSENT_FLAGS);

    t = (uint64_t) c->decided;

    for (i = 56; i >= 0; i -= 8) {
        *p++ = (u_char) (t >> i);
    }

    memcpy(p, c->id, NGX_HTTP_PRIVACY_CONSENT_ID_LEN);
    p += NGX_HTTP_PRIVACY_CONSENT_ID_LEN;

    *p++ = (u_char) c->version_len;

    if (c->version_len) {
        memcpy(p, c->version, c->version_len);
        p += c->version_len;
    }

    if (ngx_http_privacy_mac_compute(mac, raw, n, p) != 0) {
        return 0;
    }

    return ngx_http_privacy_base64url_encode(raw, n + NGX_HTTP_PRIVACY_MAC_LEN,
                                             out);
}


ngx_http_privacy_consent_rc_e
ngx_http_privacy_consent_decode(const u_char *value, size_t len,
    ngx_http_privacy_mac_t *mac, const u_char *version, size_t version_len,
    time_t now, time_t max_age, ngx_http_privacy_consent_t *out)
{
    int        i;
    u_char     raw[NGX_HTTP_PRIVACY_CONSENT_RAW_MAX];
    u_char     sig[NGX_HTTP_PRIVACY_MAC_LEN];
    size_t     raw_len, n, vlen;
    int64_t    decided, current;
    uint64_t   t, diff;
    unsigned   cats, flags;

    /* bounds first: base64url of at most RAW_MAX bytes fits in raw */
    if (len < NGX_HTTP_PRIVACY_CONSENT_B64_MIN
        || len > NGX_HTTP_PRIVACY_CONSENT_B64_MAX)
    {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    if (ngx_http_privacy_base64url_decode(value, len, raw, &raw_len) != 0) {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    if (raw_len < NGX_HTTP_PRIVACY_CONSENT_RAW_MIN
        || raw_len > NGX_HTTP_PRIVACY_CONSENT_RAW_MAX)
    {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    n = raw_len - NGX_HTTP_PRIVACY_MAC_LEN;

    /* a context that cannot compute proves nothing: fail closed */
    if (ngx_http_privacy_mac_compute(mac, raw, n, sig) != 0) {
        return NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE;
    }

    if (!ngx_http_privacy_ct_equal(sig, raw + n, NGX_HTTP_PRIVACY_MAC_LEN)) {
        return NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE;
    }

    /* from here on the bytes are ours, but still checked: keys outlive code */

    if (raw[NGX_HTTP_PRIVACY_CONSENT_OFF_FORMAT]
        != NGX_HTTP_PRIVACY_CONSENT_FORMAT)
    {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    vlen = raw[NGX_HTTP_PRIVACY_CONSENT_OFF_VLEN];

    if (vlen > NGX_HTTP_PRIVACY_VERSION_MAX
        || NGX_HTTP_PRIVACY_CONSENT_HDR_LEN + vlen != n)
    {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    cats = raw[NGX_HTTP_PRIVACY_CONSENT_OFF_CATS];

    if ((cats & ~(unsigned) NGX_HTTP_PRIVACY_CAT_ALL)
        || !(cats & NGX_HTTP_PRIVACY_CAT_NECESSARY))
    {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    flags = raw[NGX_HTTP_PRIVACY_CONSENT_OFF_FLAGS];

    if (flags & ~(unsigned) NGX_HTTP_PRIVACY_CONSENT_FLAGS) {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    if (vlen != version_len
        || (vlen && memcmp(raw + NGX_HTTP_PRIVACY_CONSENT_OFF_VER, version,
                           vlen) != 0))
    {
        return NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION;
    }

    t = 0;

    for (i = 0; i < 8; i++) {
        t = t << 8 | raw[NGX_HTTP_PRIVACY_CONSENT_OFF_TIME + i];
    }

    if (t > INT64_MAX) {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }

    decided = (int64_t) t;

    /* where time_t is 32 bits, a time it cannot hold is not ours */
    if ((int64_t) (time_t) decided != decided) {
        return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
    }
    current = (int64_t) now;

    /*
     * Differences are taken in uint64_t: decided is in [0, INT64_MAX], so
     * the true difference always fits and no signed overflow can occur
     * whatever now is.
     */

    if (decided > current) {
        diff = (uint64_t) decided - (uint64_t) current;

        if (diff > NGX_HTTP_PRIVACY_CONSENT_SKEW) {
            return NGX_HTTP_PRIVACY_CONSENT_MALFORMED;
        }

    } else {
        diff = (uint64_t) current - (uint64_t) decided;

        if (max_age < 0 || diff > (uint64_t) max_age) {
            return NGX_HTTP_PRIVACY_CONSENT_EXPIRED;
        }
    }

    memcpy(out->version, raw + NGX_HTTP_PRIVACY_CONSENT_OFF_VER, vlen);
    out->version_len = vlen;
    out->categories = cats;
    out->flags = flags;
    out->decided = (time_t) decided;
    memcpy(out->id, raw + NGX_HTTP_PRIVACY_CONSENT_OFF_ID,
           NGX_HTTP_PRIVACY_CONSENT_ID_LEN);

    return NGX_HTTP_PRIVACY_CONSENT_OK;
}


size_t
ngx_http_privacy_categories_format(unsigned categories, u_char *out)
{
    u_char                                  *p;
    unsigned                                 i;
    const ngx_http_privacy_category_name_t  *cn;

    p = out;

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        cn = &ngx_http_privacy_category_names[i];

        if (!(categories & cn->bit)) {
            continue;
        }

        if (p != out) {
            *p++ = ',';
        }

        memcpy(p, cn->name, cn->len);
        p += cn->len;
    }

    return (size_t) (p - out);
}


unsigned
ngx_http_privacy_category_parse(const u_char *name, size_t len)
{
    unsigned                                 i;
    const ngx_http_privacy_category_name_t  *cn;

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        cn = &ngx_http_privacy_category_names[i];

        if (len == cn->len && memcmp(name, cn->name, len) == 0) {
            return cn->bit;
        }
    }

    return 0;
}

