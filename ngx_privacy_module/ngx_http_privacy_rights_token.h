/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights portal's small secrets (docs/rights.md): one-time codes and
 * their keyed hashes, the signed session value, the form token, and the
 * calendar arithmetic of the cases (GDPR art. 12(3)) and of bookkeeping
 * holds (Bokföringslagen 7 kap. 2 §).  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_RIGHTS_TOKEN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_RIGHTS_TOKEN_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ngx_http_privacy_crypto.h"


#define NGX_HTTP_PRIVACY_CODE_DIGITS      8
#define NGX_HTTP_PRIVACY_CODE_TTL         600      /* 10 minutes */
#define NGX_HTTP_PRIVACY_CODE_ATTEMPTS    5
#define NGX_HTTP_PRIVACY_SESSION_TTL      900      /* 15 minutes */

/* 16 bytes subject id, 8 bytes expiry, 32 bytes MAC, base64url */
#define NGX_HTTP_PRIVACY_SESSION_RAW      (16 + 8 + NGX_HTTP_PRIVACY_MAC_LEN)
#define NGX_HTTP_PRIVACY_SESSION_LEN                                          \
    ngx_http_privacy_base64url_encoded_length(NGX_HTTP_PRIVACY_SESSION_RAW)
#define NGX_HTTP_PRIVACY_FORM_TOKEN_LEN                                       \
    ngx_http_privacy_base64url_encoded_length(NGX_HTTP_PRIVACY_MAC_LEN)


/* the portal's keys, derived from privacy_secret_file under own labels */
typedef struct {
    u_char   code[NGX_HTTP_PRIVACY_KEY_LEN];      /* hashes of codes */
    u_char   session[NGX_HTTP_PRIVACY_KEY_LEN];   /* session cookie */
    u_char   form[NGX_HTTP_PRIVACY_KEY_LEN];      /* CSRF form tokens */
} ngx_http_privacy_rights_keys_t;


int ngx_http_privacy_rights_keys(const u_char *secret, size_t len,
    ngx_http_privacy_rights_keys_t *keys);

/* NGX_HTTP_PRIVACY_CODE_DIGITS decimal digits, uniform; 0 on success */
int ngx_http_privacy_rights_code(char *out);

/* HMAC(code key, email_hash || digits): what the register keeps */
int ngx_http_privacy_rights_code_hash(const u_char *key,
    const u_char *email_hash, size_t hash_len, const char *code,
    size_t code_len, u_char out[NGX_HTTP_PRIVACY_MAC_LEN]);

/* subject_id: 32 hex digits; out: NGX_HTTP_PRIVACY_SESSION_LEN bytes */
int ngx_http_privacy_rights_session_encode(const u_char *key,
    const char *subject_id, int64_t expires, u_char *out);

/* 0 and the subject id (33 bytes with NUL) if authentic and unexpired */
int ngx_http_privacy_rights_session_decode(const u_char *key,
    const u_char *in, size_t len, int64_t now, char *subject_id);

/* token bound to the browser's CSRF cookie; out: FORM_TOKEN_LEN bytes */
int ngx_http_privacy_rights_form_token(const u_char *key,
    const u_char *binding, size_t len, u_char *out);
int ngx_http_privacy_rights_form_check(const u_char *key,
    const u_char *binding, size_t len, const u_char *token,
    size_t token_len);


#endif /* _NGX_HTTP_PRIVACY_RIGHTS_TOKEN_H_INCLUDED_ */
