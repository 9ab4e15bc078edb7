/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A subject's hashes, encrypted personnummer and new id; see the header.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_register_seal.h"


struct ngx_http_privacy_sealer_s {
    ngx_http_privacy_mac_t            *lookup;
    ngx_http_privacy_field_key_t      *field;

    /*
     * random bytes for subject ids and nonces, drawn from RAND_bytes() a
     * few kilobytes at a time: one call per value cost more than the
     * AES-GCM it feeds
     */
    u_char                             rnd[4096];
    size_t                             rnd_left;
};


static int ngx_http_privacy_seal_random(ngx_http_privacy_sealer_t *sr,
    u_char *buf, size_t len);
static int ngx_http_privacy_seal_subject_id(ngx_http_privacy_sealer_t *sr,
    char *id);
static int ngx_http_privacy_seal_email(ngx_http_privacy_sealer_t *sr,
    const ngx_http_privacy_rj_str_t *email, u_char *out);


ngx_http_privacy_sealer_t *
ngx_http_privacy_sealer_create(const u_char field[NGX_HTTP_PRIVACY_KEY_LEN],
    const u_char lookup[NGX_HTTP_PRIVACY_KEY_LEN])
{
    ngx_http_privacy_sealer_t  *sr;

    sr = calloc(1, sizeof(ngx_http_privacy_sealer_t));
    if (sr == NULL) {
        return NULL;
    }

    sr->field = ngx_http_privacy_field_key_create(field);
    sr->lookup = ngx_http_privacy_mac_create(lookup,
                                             NGX_HTTP_PRIVACY_KEY_LEN);

    if (sr->field == NULL || sr->lookup == NULL) {
        ngx_http_privacy_sealer_destroy(sr);
        return NULL;
    }

    return sr;
}


void
ngx_http_privacy_sealer_destroy(ngx_http_privacy_sealer_t *sr)
{
    if (sr == NULL) {
        return;
    }

    ngx_http_privacy_mac_destroy(sr->lookup);
    ngx_http_privacy_field_key_destroy(sr->field);
    memset(sr->rnd, 0, sizeof(sr->rnd));
    free(sr);
}


int
ngx_http_privacy_seal(ngx_http_privacy_sealer_t *sr,
    const ngx_http_privacy_rj_subject_t *s, ngx_http_privacy_sealed_t *out)
{
    out->email = 0;
    out->pnr = 0;

    if (ngx_http_privacy_seal_subject_id(sr, out->subject_id) != 0) {
        return -1;
    }

    if (s->email.state == NGX_HTTP_PRIVACY_RJ_VALUE) {
        if (ngx_http_privacy_seal_email(sr, &s->email, out->email_hash)
            != 0)
        {
            return -1;
        }

        out->email = 1;
    }

    if (s->pnr_state == NGX_HTTP_PRIVACY_RJ_VALUE) {
        if (ngx_http_privacy_seal_pnr(sr, out->subject_id, &s->pnr,
                                      out->enc)
                != 0
            || ngx_http_privacy_mac_compute(sr->lookup, s->pnr.digits,
                                            NGX_HTTP_PRIVACY_PNR_LEN,
                                            out->pnr_hash)
               != 0)
        {
            ngx_http_privacy_sealed_wipe(out);
            return -1;
        }

        out->pnr = 1;
    }

    return 0;
}


/* the ciphertext is bound to its row and column */

int
ngx_http_privacy_seal_pnr(ngx_http_privacy_sealer_t *sr,
    const char *subject_id, const ngx_http_privacy_pnr_t *pnr,
    u_char out[NGX_HTTP_PRIVACY_SEALED_PNR_LEN])
{
    u_char  aad[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 16];
    u_char  nonce[NGX_HTTP_PRIVACY_FIELD_NONCE_LEN];
    size_t  len;

    len = strlen(subject_id);

    if (len > NGX_HTTP_PRIVACY_SUBJECT_ID_LEN
        || ngx_http_privacy_seal_random(sr, nonce, sizeof(nonce)) != 0)
    {
        return -1;
    }

    memcpy(aad, subject_id, len);
    memcpy(aad + len, " personnummer", sizeof(" personnummer") - 1);
    len += sizeof(" personnummer") - 1;

    return ngx_http_privacy_field_encrypt_with(sr->field, nonce, aad, len,
                                               pnr->digits,
                                               NGX_HTTP_PRIVACY_PNR_LEN,
                                               out);
}


void
ngx_http_privacy_sealed_wipe(ngx_http_privacy_sealed_t *sealed)
{
    memset(sealed, 0, sizeof(ngx_http_privacy_sealed_t));
}


static int
ngx_http_privacy_seal_random(ngx_http_privacy_sealer_t *sr, u_char *buf,
    size_t len)
{
    u_char  *p;

    if (len > sr->rnd_left) {
        if (len > sizeof(sr->rnd)
            || ngx_http_privacy_random(sr->rnd, sizeof(sr->rnd)) != 0)
        {
            return -1;
        }

        sr->rnd_left = sizeof(sr->rnd);
    }

    /* each byte is handed out once, and wiped as it goes */
    p = sr->rnd + sizeof(sr->rnd) - sr->rnd_left;
    memcpy(buf, p, len);
    memset(p, 0, len);
    sr->rnd_left -= len;

    return 0;
}


/*
 * A subject id is 6 bytes of the time in milliseconds, big-endian, and
 * 10 random bytes (80 bits, as a UUIDv7; RFC 9562, section 5.7): new ids
 * sort after the ones before, so the subject_id indexes (the subjects'
 * and the audit log's) grow at their right edge.  Random ids put each new
 * subject on another page of both, and every commit rewrote almost all
 * of them (docs/performance.md).  The time a subject was created is in
 * the row and the audit log already.
 */

static int
ngx_http_privacy_seal_subject_id(ngx_http_privacy_sealer_t *sr, char *id)
{
    int              i;
    u_char           raw[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN / 2];
    uint64_t         ms;
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (uint64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

    for (i = 5; i >= 0; i--) {
        raw[i] = (u_char) (ms & 0xff);
        ms >>= 8;
    }

    if (ngx_http_privacy_seal_random(sr, raw + 6, sizeof(raw) - 6) != 0) {
        return -1;
    }

    ngx_http_privacy_hex(raw, sizeof(raw), (u_char *) id);
    id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN] = '\0';

    return 0;
}


/* addresses are found case-insensitively: the hash of the lowercase */

static int
ngx_http_privacy_seal_email(ngx_http_privacy_sealer_t *sr,
    const ngx_http_privacy_rj_str_t *email, u_char *out)
{
    u_char  lower[256];
    size_t  i;

    if (email->len > sizeof(lower)) {
        return -1;
    }

    for (i = 0; i < email->len; i++) {
        lower[i] = (email->data[i] >= 'A' && email->data[i] <= 'Z')
                   ? (u_char) (email->data[i] | 0x20)
                   : (u_char) email->data[i];
    }

    return ngx_http_privacy_mac_compute(sr->lookup, lower, email->len, out);
}
