/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Thin wrappers over OpenSSL libcrypto: key derivation, HMAC-SHA256,
 * random bytes, constant-time comparison, base64url and hex.
 * Pure C: no nginx headers, so unit tests and fuzzers link it alone.
 */

#ifndef _NGX_HTTP_PRIVACY_CRYPTO_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CRYPTO_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


#define NGX_HTTP_PRIVACY_KEY_LEN        32
#define NGX_HTTP_PRIVACY_MAC_LEN        32
#define NGX_HTTP_PRIVACY_SECRET_MIN     32

#define ngx_http_privacy_base64url_encoded_length(n)  (((n) * 4 + 2) / 3)


/* an HMAC-SHA256 context keyed once, reused for many messages */
typedef struct ngx_http_privacy_mac_s  ngx_http_privacy_mac_t;


/* HKDF-SHA256 (RFC 5869), no salt, info = label; 0 on success */
int ngx_http_privacy_derive_key(const u_char *secret, size_t secret_len,
    const char *label, u_char out[NGX_HTTP_PRIVACY_KEY_LEN]);

/* NULL on failure; not thread-safe: one context per thread */
ngx_http_privacy_mac_t *ngx_http_privacy_mac_create(const u_char *key,
    size_t key_len);
void ngx_http_privacy_mac_destroy(ngx_http_privacy_mac_t *mac);
int ngx_http_privacy_mac_compute(ngx_http_privacy_mac_t *mac,
    const u_char *data, size_t len, u_char out[NGX_HTTP_PRIVACY_MAC_LEN]);

/* 1 if equal, 0 otherwise; time depends on len only */
int ngx_http_privacy_ct_equal(const u_char *a, const u_char *b, size_t len);

/* cryptographically secure random bytes (RAND_bytes); 0 on success */
int ngx_http_privacy_random(u_char *buf, size_t len);

/* RFC 4648 section 5 without padding; returns the encoded length */
size_t ngx_http_privacy_base64url_encode(const u_char *src, size_t len,
    u_char *dst);

/*
 * Strict decoding: no padding, no whitespace, canonical trailing bits.
 * dst must hold len * 3 / 4 bytes.  0 on success, -1 on invalid input.
 */
int ngx_http_privacy_base64url_decode(const u_char *src, size_t len,
    u_char *dst, size_t *dst_len);

/* lowercase hex, writes 2 * len bytes */
void ngx_http_privacy_hex(const u_char *src, size_t len, u_char *dst);


#endif /* _NGX_HTTP_PRIVACY_CRYPTO_H_INCLUDED_ */
