/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Cookie classification: an ordered list of (category, PCRE2 pattern),
 * matched on bytes; the first pattern that matches a cookie name decides
 * its category.
 * Matching every pattern for every cookie of every request would cost
 * more than the rest of the request, so results are memoised per name in
 * a small bounded table owned by the classifier (one per worker process,
 * as workers do not share memory after fork).  Pure C, no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_CLASSIFY_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CLASSIFY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>


/* names longer than this are classified but never memoised */
#define NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX   64
/* memo slots; once full, names are classified without being memoised */
#define NGX_HTTP_PRIVACY_CLASSIFY_SLOTS      512


typedef struct ngx_http_privacy_classifier_s  ngx_http_privacy_classifier_t;


/*
 * The index of the module's small per-worker memo tables (cookie names,
 * consent cookies, User-Agents, Cookie headers).  Cookie headers of 600
 * bytes are hashed on every request, so where the compiler has a 64x64
 * to 128-bit multiply (one instruction on 64-bit CPUs) each step takes
 * 16 bytes in one multiply, as wyhash does: the halves of the product
 * xored ("mum") mix both words and the state, and it takes about half
 * the instructions per byte of the 8-byte steps it replaced (which stay
 * as the fallback).  Only an index, not a MAC, and not the same on every
 * platform: callers compare the whole key on every hit, so a collision,
 * even a crafted one, costs a cache miss and nothing else.
 *
 * The tables take the low bits, so every input bit must reach them: the
 * steps keep the product's high half, and the end is murmur3's fmix64
 * finaliser.  The length goes in first, as tails overlap: the last step
 * reads the last 16 (or 8) bytes again rather than past the end.
 */

#if defined(__SIZEOF_INT128__)

/* xored into each first word: words of short keys never multiply by 0 */
#define NGX_HTTP_PRIVACY_MEMO_K  0xa0761d6478bd642fULL


static inline uint64_t
ngx_http_privacy_memo_hash_mum(uint64_t a, uint64_t b)
{
    unsigned __int128  r;

    r = (unsigned __int128) a * b;

    return (uint64_t) r ^ (uint64_t) (r >> 64);
}


static inline uint64_t
ngx_http_privacy_memo_hash_words(const u_char *p, size_t len)
{
    uint32_t  a, b;
    uint64_t  h, w, v;

    h = 0x243f6a8885a308d3ULL ^ len;

    if (len > 16) {
        do {
            memcpy(&w, p, 8);
            memcpy(&v, p + 8, 8);
            h = ngx_http_privacy_memo_hash_mum(w ^ NGX_HTTP_PRIVACY_MEMO_K,
                                               v ^ h);
            p += 16;
            len -= 16;
        } while (len > 16);

        /* the last 16 bytes, overlapping the previous step if need be */
        memcpy(&w, p + len - 16, 8);
        memcpy(&v, p + len - 8, 8);

    } else if (len >= 8) {
        memcpy(&w, p, 8);
        memcpy(&v, p + len - 8, 8);

    } else if (len >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        w = a;
        v = b;

    } else if (len > 0) {
        w = (uint64_t) p[0] << 16 | (uint64_t) p[len >> 1] << 8 | p[len - 1];
        v = 0;

    } else {
        w = 0;
        v = 0;
    }

    return ngx_http_privacy_memo_hash_mum(w ^ NGX_HTTP_PRIVACY_MEMO_K, v ^ h);
}

#else

static inline uint64_t
ngx_http_privacy_memo_hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;

    return h ^ (h >> 32);
}


static inline uint64_t
ngx_http_privacy_memo_hash_words(const u_char *p, size_t len)
{
    uint32_t  a, b;
    uint64_t  h, w;

    h = ngx_http_privacy_memo_hash_step(0x243f6a8885a308d3ULL, len);

    if (len >= 8) {
        while (len > 8) {
            memcpy(&w, p, 8);
            h = ngx_http_privacy_memo_hash_step(h, w);
            p += 8;
            len -= 8;
        }

        /* the last 8 bytes, overlapping the previous word if need be */
        memcpy(&w, p + len - 8, 8);
        h = ngx_http_privacy_memo_hash_step(h, w);

    } else if (len >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        h = ngx_http_privacy_memo_hash_step(h, (uint64_t) a << 32 | b);

    } else if (len > 0) {
        w = (uint64_t) p[0] << 16 | (uint64_t) p[len >> 1] << 8 | p[len - 1];
        h = ngx_http_privacy_memo_hash_step(h, w);
    }

    return h;
}

#endif


static inline uint32_t
ngx_http_privacy_memo_hash(const u_char *p, size_t len)
{
    uint64_t  h;

    h = ngx_http_privacy_memo_hash_words(p, len);

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;

    return (uint32_t) h;
}


/*
 * memcmp(a, b, len) == 0 inline, for the short keys of a memo such as
 * cookie names: for those a call to the library costs more than the
 * comparison.  (For keys of 100 bytes and more memcmp() is faster.)
 * Loads overlap rather than run past len, as in the hash.
 */

static inline int
ngx_http_privacy_memo_eq(const u_char *a, const u_char *b, size_t len)
{
    size_t    i;
    uint32_t  a4, b4, c4, d4;
    uint64_t  a8, b8;

    if (len >= 8) {
        for (i = 0; i < len - 8; i += 8) {
            memcpy(&a8, a + i, 8);
            memcpy(&b8, b + i, 8);

            if (a8 != b8) {
                return 0;
            }
        }

        memcpy(&a8, a + len - 8, 8);
        memcpy(&b8, b + len - 8, 8);

        return a8 == b8;
    }

    if (len >= 4) {
        memcpy(&a4, a, 4);
        memcpy(&b4, b, 4);
        memcpy(&c4, a + len - 4, 4);
        memcpy(&d4, b + len - 4, 4);

        return a4 == b4 && c4 == d4;
    }

    for (i = 0; i < len; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }

    return 1;
}


ngx_http_privacy_classifier_t *ngx_http_privacy_classifier_create(void);
void ngx_http_privacy_classifier_destroy(ngx_http_privacy_classifier_t *c);

/*
 * Appends a pattern (PCRE2 syntax, matched on bytes) for category (a
 * NGX_HTTP_PRIVACY_CAT_* bit).  Returns 0, or -1 with a message in err.
 */
int ngx_http_privacy_classifier_add(ngx_http_privacy_classifier_t *c,
    unsigned category, const u_char *pattern, size_t len, char *err,
    size_t err_len);

/* appends every pattern of from, in order, to c; 0 or -1 */
int ngx_http_privacy_classifier_append(ngx_http_privacy_classifier_t *c,
    const ngx_http_privacy_classifier_t *from);

/*
 * An opaque value of the caller's tied to the last pattern added (a
 * cookie lifetime, docs/directives.md); append() carries it along.
 */
void ngx_http_privacy_classifier_set_data(ngx_http_privacy_classifier_t *c,
    const void *data);
int ngx_http_privacy_classifier_has_data(
    const ngx_http_privacy_classifier_t *c);
const void *ngx_http_privacy_classifier_pattern_data(
    const ngx_http_privacy_classifier_t *c, size_t i);
/* the value of the first pattern that matches name, or NULL */
const void *ngx_http_privacy_classifier_data(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len);

size_t ngx_http_privacy_classifier_count(
    const ngx_http_privacy_classifier_t *c);

/* pattern i (for the cookie declaration): its category and source */
void ngx_http_privacy_classifier_pattern(
    const ngx_http_privacy_classifier_t *c, size_t i, unsigned *category,
    const u_char **pattern, size_t *len);

/* the category bit of a cookie name, or 0 when no pattern matches */
unsigned ngx_http_privacy_classify(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len);


/*
 * classify(), and *first set to 1 the first time a memoised name is
 * asked about this way (so each worker reports a cookie name once, for
 * the DPO's list of cookies seen); 0 afterwards and for names that could
 * not be memoised: a flood of random names is not reported name by name.
 */
unsigned ngx_http_privacy_classify_seen(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len, int *first);

#endif /* _NGX_HTTP_PRIVACY_CLASSIFY_H_INCLUDED_ */
