/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent cookie codec: what a visitor decided, signed with
 * HMAC-SHA256 so that the server can trust it without a database look-up.
 * Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_


#include <stddef.h>
#include <time.h>
#include <sys/types.h>

#include "ngx_http_privacy_crypto.h"


/* categories, as bits; "necessary" is always granted */
#define NGX_HTTP_PRIVACY_CAT_NECESSARY     0x01
#define NGX_HTTP_PRIVACY_CAT_PREFERENCES   0x02
#define NGX_HTTP_PRIVACY_CAT_STATISTICS    0x04
#define NGX_HTTP_PRIVACY_CAT_MARKETING     0x08
#define NGX_HTTP_PRIVACY_CAT_ALL           0x0f
#define NGX_HTTP_PRIVACY_CAT_COUNT         4

/* flags carried next to the categories */
#define NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS 0x01  /* art. 21 objection */
/* the cookie carries only flags: no cookie choice was made yet */
#define NGX_HTTP_PRIVACY_FLAG_UNDECIDED    0x02
#define NGX_HTTP_PRIVACY_FLAG_ALL          0x03

#define NGX_HTTP_PRIVACY_CONSENT_ID_LEN    16
#define NGX_HTTP_PRIVACY_VERSION_MAX       64
/* an encoded cookie value never exceeds this many bytes */
#define NGX_HTTP_PRIVACY_CONSENT_MAX_LEN   256

/* a decision time this far in the future is refused (clock skew allowance) */
#define NGX_HTTP_PRIVACY_CONSENT_SKEW      300


typedef enum {
    NGX_HTTP_PRIVACY_CONSENT_OK = 0,
    NGX_HTTP_PRIVACY_CONSENT_MALFORMED,
    NGX_HTTP_PRIVACY_CONSENT_BAD_SIGNATURE,
    NGX_HTTP_PRIVACY_CONSENT_OTHER_VERSION,
    NGX_HTTP_PRIVACY_CONSENT_EXPIRED
} ngx_http_privacy_consent_rc_e;


typedef struct {
    /* the policy version the decision was made under */
    u_char      version[NGX_HTTP_PRIVACY_VERSION_MAX];
    size_t      version_len;
    unsigned    categories;             /* NGX_HTTP_PRIVACY_CAT_* */
    unsigned    flags;                  /* NGX_HTTP_PRIVACY_FLAG_* */
    time_t      decided;                /* unix time of the decision */
    u_char      id[NGX_HTTP_PRIVACY_CONSENT_ID_LEN];  /* random */
} ngx_http_privacy_consent_t;


/*
 * The categories a visitor's cookies may serve: the necessary ones always,
 * those the visitor chose (c NULL: no valid consent cookie; a cookie
 * flagged undecided carries no choice), and no marketing when the request
 * carries Global Privacy Control and the location honours it (gpc != 0):
 * docs/security.md, "Consent".  The one place this rule is written.
 */
static inline unsigned
ngx_http_privacy_consent_effective(const ngx_http_privacy_consent_t *c,
    int gpc)
{
    unsigned  categories;

    categories = NGX_HTTP_PRIVACY_CAT_NECESSARY;

    if (c != NULL && !(c->flags & NGX_HTTP_PRIVACY_FLAG_UNDECIDED)) {
        categories |= c->categories;
    }

    if (gpc) {
        /* GPC is a valid objection to sale and sharing: no marketing */
        categories &= ~NGX_HTTP_PRIVACY_CAT_MARKETING;
    }

    return categories;
}

/*
 * Writes the signed cookie value (base64url characters only) to out.
 * Returns its length, or 0 if out_size is too small or the version is
 * longer than NGX_HTTP_PRIVACY_VERSION_MAX.
 */
size_t ngx_http_privacy_consent_encode(const ngx_http_privacy_consent_t *c,
    ngx_http_privacy_mac_t *mac, u_char *out, size_t out_size);

/*
 * Parses and verifies a cookie value.  The signature is checked (in
 * constant time) before anything else is trusted; then the version must
 * equal the given one and now - decided must not exceed max_age.
 * On NGX_HTTP_PRIVACY_CONSENT_OK, *out holds the decision.
 */
ngx_http_privacy_consent_rc_e ngx_http_privacy_consent_decode(
    const u_char *value, size_t len, ngx_http_privacy_mac_t *mac,
    const u_char *version, size_t version_len, time_t now, time_t max_age,
    ngx_http_privacy_consent_t *out);

/* "necessary,statistics"; writes at most 48 bytes; returns the length */
size_t ngx_http_privacy_categories_format(unsigned categories, u_char *out);

/* category name to bit, 0 if unknown */
unsigned ngx_http_privacy_category_parse(const u_char *name, size_t len);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_ */
