/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <string.h>
#include <time.h>

#include "ngx_http_privacy_rights_token.h"


static int ngx_http_privacy_rights_mac(const u_char *key,
    const u_char *a, size_t alen, const u_char *b, size_t blen,
    u_char out[NGX_HTTP_PRIVACY_MAC_LEN]);
static int ngx_http_privacy_rights_unhex(const char *s, u_char *out,
    size_t n);


int
ngx_http_privacy_rights_keys(const u_char *secret, size_t len,
    ngx_http_privacy_rights_keys_t *keys)
{
    if (ngx_http_privacy_derive_key(secret, len, "ngx_privacy rights code",
                                    keys->code) != 0
        || ngx_http_privacy_derive_key(secret, len,
                                       "ngx_privacy rights session",
                                       keys->session) != 0
        || ngx_http_privacy_derive_key(secret, len,
                                       "ngx_privacy rights form token",
                                       keys->form) != 0)
    {
        return -1;
    }

    return 0;
}


int
ngx_http_privacy_rights_code(char *out)
{
    int       i;
    uint32_t  v;
    u_char    b[4];

    for (i = 0; i < NGX_HTTP_PRIVACY_CODE_DIGITS; i++) {

        /* rejection sampling: no digit is likelier than another */
        do {
            if (ngx_http_privacy_random(b, sizeof(b)) != 0) {
                return -1;
            }

            v = ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16)
                | ((uint32_t) b[2] << 8) | b[3];

        } while (v >= 4294967290u);

        out[i] = (char) ('0' + v % 10);
    }

    out[i] = '\0';

    return 0;
}


int
ngx_http_privacy_rights_code_hash(const u_char *key,
    const u_char *email_hash, size_t hash_len, const char *code,
    size_t code_len, u_char out[NGX_HTTP_PRIVACY_MAC_LEN])
{
    return ngx_http_privacy_rights_mac(key, email_hash, hash_len,
                                       (const u_char *) code, code_len, out);
}


int
ngx_http_privacy_rights_session_encode(const u_char *key,
    const char *subject_id, int64_t expires, u_char *out)
{
    int     i;
    u_char  raw[NGX_HTTP_PRIVACY_SESSION_RAW];

    if (ngx_http_privacy_rights_unhex(subject_id, raw, 16) != 0) {
        return -1;
    }

    for (i = 0; i < 8; i++) {
        raw[16 + i] = (u_char) ((uint64_t) expires >> (56 - 8 * i));
    }

    if (ngx_http_privacy_rights_mac(key, (u_char *) "session", 7, raw, 24,
                                    raw + 24)
        != 0)
    {
        return -1;
    }

    ngx_http_privacy_base64url_encode(raw, sizeof(raw), out);

    return 0;
}


int
ngx_http_privacy_rights_session_decode(const u_char *key,
    const u_char *in, size_t len, int64_t now, char *subject_id)
{
    int       i;
    size_t    n;
    u_char    raw[NGX_HTTP_PRIVACY_SESSION_RAW + 4];
    u_char    mac[NGX_HTTP_PRIVACY_MAC_LEN];
    uint64_t  expires;

    if (len != NGX_HTTP_PRIVACY_SESSION_LEN
        || ngx_http_privacy_base64url_decode(in, len, raw, &n) != 0
        || n != NGX_HTTP_PRIVACY_SESSION_RAW)
    {
        return -1;
    }

    if (ngx_http_privacy_rights_mac(key, (u_char *) "session", 7, raw, 24,
                                    mac)
        != 0
        || !ngx_http_privacy_ct_equal(mac, raw + 24, sizeof(mac)))
    {
        return -1;
    }

    expires = 0;

    for (i = 0; i < 8; i++) {
        expires = (expires << 8) | raw[16 + i];
    }

    if ((int64_t) expires < now) {
        return -1;
    }

    ngx_http_privacy_hex(raw, 16, (u_char *) subject_id);
    subject_id[32] = '\0';

    return 0;
}


int
ngx_http_privacy_rights_form_token(const u_char *key,
    const u_char *binding, size_t len, u_char *out)
{
    u_char  mac[NGX_HTTP_PRIVACY_MAC_LEN];

    if (ngx_http_privacy_rights_mac(key, (u_char *) "form", 4, binding, len,
                                    mac)
        != 0)
    {
        return -1;
    }

    ngx_http_privacy_base64url_encode(mac, sizeof(mac), out);

    return 0;
}


int
ngx_http_privacy_rights_form_check(const u_char *key,
    const u_char *binding, size_t len, const u_char *token,
    size_t token_len)
{
    u_char  want[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];

    /* no binding cookie: no token can be right */
    if (len < 16 || token_len != sizeof(want)) {
        return -1;
    }

    if (ngx_http_privacy_rights_form_token(key, binding, len, want) != 0) {
        return -1;
    }

    return ngx_http_privacy_ct_equal(want, token, sizeof(want)) ? 0 : -1;
}


static int
ngx_http_privacy_rights_mac(const u_char *key, const u_char *a, size_t alen,
    const u_char *b, size_t blen, u_char out[NGX_HTTP_PRIVACY_MAC_LEN])
{
    int                      rc;
    u_char                   buf[512];
    ngx_http_privacy_mac_t  *mac;

    if (alen + blen > sizeof(buf)) {
        return -1;
    }

    memcpy(buf, a, alen);
    memcpy(buf + alen, b, blen);

    mac = ngx_http_privacy_mac_create(key, NGX_HTTP_PRIVACY_KEY_LEN);
    if (mac == NULL) {
        return -1;
    }

    rc = ngx_http_privacy_mac_compute(mac, buf, alen + blen, out);
    ngx_http_privacy_mac_destroy(mac);

    return rc;
}


static int
ngx_http_privacy_rights_unhex(const char *s, u_char *out, size_t n)
{
    int     v, c;
    size_t  i, j;

    for (i = 0; i < n; i++) {
        v = 0;

        for (j = 0; j < 2; j++) {
            c = (unsigned char) s[2 * i + j];

            if (c >= '0' && c <= '9') {
                v = v * 16 + c - '0';

            } else if (c >= 'a' && c <= 'f') {
                v = v * 16 + c - 'a' + 10;

            } else {
                return -1;
            }
        }

        out[i] = (u_char) v;
    }

    return s[2 * n] == '\0' ? 0 : -1;
}
