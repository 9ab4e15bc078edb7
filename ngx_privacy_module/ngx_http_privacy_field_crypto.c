/*
 * Copyright (C) ngx_privacy_module authors
 *
 * AES-256-GCM field encryption; see the header.
 */


#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ngx_http_privacy_field_crypto.h"


struct ngx_http_privacy_field_key_s {
    EVP_CIPHER_CTX  *ctx;
};


int
ngx_http_privacy_field_encrypt(const u_char key[32], const u_char *aad,
    size_t aad_len, const u_char *in, size_t len, u_char *out)
{
    int              n, rc;
    u_char          *nonce, *ct;
    EVP_CIPHER_CTX  *ctx;

    nonce = out + 1;
    ct = nonce + NGX_HTTP_PRIVACY_FIELD_NONCE_LEN;

    out[0] = NGX_HTTP_PRIVACY_FIELD_VERSION;

    /* a random nonce per value: 2^32 values per key stay far from a repeat */
    if (RAND_bytes(nonce, NGX_HTTP_PRIVACY_FIELD_NONCE_LEN) != 1) {
        return -1;
    }

    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    rc = -1;

    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1
        || EVP_EncryptUpdate(ctx, NULL, &n, aad, (int) aad_len) != 1
        || EVP_EncryptUpdate(ctx, ct, &n, in, (int) len) != 1
        || EVP_EncryptFinal_ex(ctx, ct + n, &n) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                               NGX_HTTP_PRIVACY_FIELD_TAG_LEN, ct + len)
           != 1)
    {
        goto done;
    }

    rc = 0;

done:

    EVP_CIPHER_CTX_free(ctx);

    return rc;
}


ngx_http_privacy_field_key_t *
ngx_http_privacy_field_key_create(const u_char key[32])
{
    ngx_http_privacy_field_key_t  *k;

    k = calloc(1, sizeof(ngx_http_privacy_field_key_t));
    if (k == NULL) {
        return NULL;
    }

    k->ctx = EVP_CIPHER_CTX_new();

    /* the key schedule now; each value sets only its nonce */
    if (k->ctx == NULL
        || EVP_EncryptInit_ex(k->ctx, EVP_aes_256_gcm(), NULL, key, NULL)
           != 1)
    {
        ngx_http_privacy_field_key_destroy(k);
        return NULL;
    }

    return k;
}


void
ngx_http_privacy_field_key_destroy(ngx_http_privacy_field_key_t *k)
{
    if (k) {
        EVP_CIPHER_CTX_free(k->ctx);    /* wipes the key schedule */
        free(k);
    }
}


int
ngx_http_privacy_field_encrypt_with(ngx_http_privacy_field_key_t *k,
    const u_char *nonce, const u_char *aad, size_t aad_len, const u_char *in,
    size_t len, u_char *out)
{
    int      n;
    u_char  *ct;

    out[0] = NGX_HTTP_PRIVACY_FIELD_VERSION;
    memcpy(out + 1, nonce, NGX_HTTP_PRIVACY_FIELD_NONCE_LEN);
    ct = out + 1 + NGX_HTTP_PRIVACY_FIELD_NONCE_LEN;

    if (EVP_EncryptInit_ex(k->ctx, NULL, NULL, NULL, nonce) != 1
        || EVP_EncryptUpdate(k->ctx, NULL, &n, aad, (int) aad_len) != 1
        || EVP_EncryptUpdate(k->ctx, ct, &n, in, (int) len) != 1
        || EVP_EncryptFinal_ex(k->ctx, ct + n, &n) != 1
        || EVP_CIPHER_CTX_ctrl(k->ctx, EVP_CTRL_GCM_GET_TAG,
                               NGX_HTTP_PRIVACY_FIELD_TAG_LEN, ct + len)
           != 1)
    {
        return -1;
    }

    return 0;
}


int
ngx_http_privacy_field_decrypt(const u_char key[32], const u_char *aad,
    size_t aad_len, const u_char *in, size_t len, u_char *out,
    size_t *out_len)
{
    int              n, rc;
    size_t           ct_len;
    const u_char    *nonce, *ct;
    EVP_CIPHER_CTX  *ctx;

    if (len < NGX_HTTP_PRIVACY_FIELD_OVERHEAD
        || in[0] != NGX_HTTP_PRIVACY_FIELD_VERSION)
    {
        return -1;
    }

    nonce = in + 1;
    ct = nonce + NGX_HTTP_PRIVACY_FIELD_NONCE_LEN;
    ct_len = len - NGX_HTTP_PRIVACY_FIELD_OVERHEAD;

    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    rc = -1;

    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1
        || EVP_DecryptUpdate(ctx, NULL, &n, aad, (int) aad_len) != 1
        || EVP_DecryptUpdate(ctx, out, &n, ct, (int) ct_len) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
                               NGX_HTTP_PRIVACY_FIELD_TAG_LEN,
                               (void *) (ct + ct_len))
           != 1
        || EVP_DecryptFinal_ex(ctx, out + n, &n) != 1)
    {
        goto done;
    }

    *out_len = ct_len;
    rc = 0;

done:

    EVP_CIPHER_CTX_free(ctx);

    return rc;
}
