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
#include <sys/types.h>


/* names longer than this are classified but never memoised */
#define NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX   64
/* memo slots; once full, names are classified without being memoised */
#define NGX_HTTP_PRIVACY_CLASSIFY_SLOTS      512


typedef struct ngx_http_privacy_classifier_s  ngx_http_privacy_classifier_t;


/* FNV-1a: the index of the module's small per-worker memo tables */
static inline uint32_t
ngx_http_privacy_fnv1a(const u_char *p, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h = (h ^ p[i]) * 16777619u;
    }

    return h;
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
