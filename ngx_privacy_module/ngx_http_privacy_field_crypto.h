/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Encryption of single register fields (the personnummer) with
 * AES-256-GCM (NIST SP 800-38D) through libcrypto's EVP interface: a
 * random 96-bit nonce per value, the row's random subject id and the
 * field's name as associated data, so that a value copied into another
 * row or column does not decrypt.  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_FIELD_CRYPTO_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_FIELD_CRYPTO_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


#define NGX_HTTP_PRIVACY_FIELD_VERSION    1
#define NGX_HTTP_PRIVACY_FIELD_NONCE_LEN  12
#define NGX_HTTP_PRIVACY_FIELD_TAG_LEN    16
/* version byte, nonce, ciphertext, tag */
#define NGX_HTTP_PRIVACY_FIELD_OVERHEAD                                       \
    (1 + NGX_HTTP_PRIVACY_FIELD_NONCE_LEN + NGX_HTTP_PRIVACY_FIELD_TAG_LEN)


/* out must hold len + OVERHEAD bytes; 0 on success */
int ngx_http_privacy_field_encrypt(const u_char key[32], const u_char *aad,
    size_t aad_len, const u_char *in, size_t len, u_char *out);

/*
 * A key set up once for many values (its AES key schedule and cipher
 * context), as an import encrypts one value per row: NULL on failure.
 */
typedef struct ngx_http_privacy_field_key_s  ngx_http_privacy_field_key_t;

ngx_http_privacy_field_key_t *ngx_http_privacy_field_key_create(
    const u_char key[32]);
void ngx_http_privacy_field_key_destroy(ngx_http_privacy_field_key_t *k);

/*
 * As ngx_http_privacy_field_encrypt(), under a key set up once and with
 * the caller's nonce: NONCE_LEN random bytes, never used twice.
 */
int ngx_http_privacy_field_encrypt_with(ngx_http_privacy_field_key_t *k,
    const u_char *nonce, const u_char *aad, size_t aad_len, const u_char *in,
    size_t len, u_char *out);

/* out must hold len - OVERHEAD bytes; 0 on success, -1 if not authentic */
int ngx_http_privacy_field_decrypt(const u_char key[32], const u_char *aad,
    size_t aad_len, const u_char *in, size_t len, u_char *out,
    size_t *out_len);


#endif /* _NGX_HTTP_PRIVACY_FIELD_CRYPTO_H_INCLUDED_ */
