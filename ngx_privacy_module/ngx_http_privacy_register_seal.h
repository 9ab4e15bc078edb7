/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A subject's personal data as the register stores it
 * (docs/database.md): the keyed hashes of its e-mail address and
 * personnummer, the personnummer encrypted and bound to a subject id,
 * and a new subject id.  Apart from the connection, so that POST
 * import's decoder thread computes them while the writer writes
 * (docs/performance.md).  Plain C over libcrypto; a sealer is one
 * thread's at a time.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_SEAL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_SEAL_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>

#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_field_crypto.h"
#include "ngx_http_privacy_pnr.h"
#include "ngx_http_privacy_register_json.h"


#define NGX_HTTP_PRIVACY_SUBJECT_ID_LEN  32  /* hex: time, 80 random bits */
#define NGX_HTTP_PRIVACY_SEALED_PNR_LEN                                       \
    (NGX_HTTP_PRIVACY_PNR_LEN + NGX_HTTP_PRIVACY_FIELD_OVERHEAD)


typedef struct ngx_http_privacy_sealer_s  ngx_http_privacy_sealer_t;

typedef struct {
    /* the id a new subject gets; the personnummer is bound to it */
    char         subject_id[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];
    unsigned     email:1;        /* email_hash holds a value */
    unsigned     pnr:1;          /* pnr_hash and enc hold values */
    u_char       email_hash[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char       pnr_hash[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char       enc[NGX_HTTP_PRIVACY_SEALED_PNR_LEN];   /* encrypted */
} ngx_http_privacy_sealed_t;


/* the register's field and lookup keys (HKDF, register_db.h); NULL */
ngx_http_privacy_sealer_t *ngx_http_privacy_sealer_create(
    const u_char field[NGX_HTTP_PRIVACY_KEY_LEN],
    const u_char lookup[NGX_HTTP_PRIVACY_KEY_LEN]);
void ngx_http_privacy_sealer_destroy(ngx_http_privacy_sealer_t *sr);

/* the values of s with a new subject id: 0, or -1 (nothing usable) */
int ngx_http_privacy_seal(ngx_http_privacy_sealer_t *sr,
    const ngx_http_privacy_rj_subject_t *s, ngx_http_privacy_sealed_t *out);

/* the personnummer encrypted for an existing subject_id: 0 or -1 */
int ngx_http_privacy_seal_pnr(ngx_http_privacy_sealer_t *sr,
    const char *subject_id, const ngx_http_privacy_pnr_t *pnr,
    u_char out[NGX_HTTP_PRIVACY_SEALED_PNR_LEN]);

/* wipes what a sealed subject holds (its hashes find a person) */
void ngx_http_privacy_sealed_wipe(ngx_http_privacy_sealed_t *sealed);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_SEAL_H_INCLUDED_ */
