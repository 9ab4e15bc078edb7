/*
 * Copyright (C) ngx_privacy_module authors
 */


#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "ngx_http_privacy_classify.h"


#define NGX_HTTP_PRIVACY_CLASSIFY_PROBES  8


typedef struct {
    unsigned          category;
    u_char           *source;
    size_t            len;
    pcre2_code       *code;
    const void       *data;             /* the caller's, or NULL */
} ngx_http_privacy_pattern_t;


typedef struct {
    uint32_t          hash;             /* ngx_http_privacy_memo_hash() */
    u_char            used;
    u_char            reported;
    u_char            category;
    u_char            len;
    u_char            name[NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX];
} ngx_http_privacy_memo_t;


struct ngx_http_privacy_classifier_s {
    ngx_http_privacy_pattern_t  *patterns;
    size_t                       npatterns;
    size_t                       nalloc;
    size_t                       ndata;             /* patterns with data */
    pcre2_match_data            *match;
    ngx_http_privacy_memo_t     *memo;
};


static unsigned ngx_http_privacy_classify_memoise(
    ngx_http_privacy_classifier_t *c, ngx_http_privacy_memo_t *m, uint32_t h,
    const u_char *name, size_t len, int *first);
static unsigned ngx_http_privacy_classify_match(
    ngx_http_privacy_classifier_t *c, const u_char *name, size_t len);


ngx_http_privacy_classifier_t *
ngx_http_privacy_classifier_create(void)
{
    ngx_http_privacy_classifier_t  *c;

    c = calloc(1, sizeof(ngx_http_privacy_classifier_t));
    if (c == NULL) {
        return NULL;
    }

    c->match = pcre2_match_data_create(1, NULL);
    c->memo = calloc(NGX_HTTP_PRIVACY_CLASSIFY_SLOTS,
                     sizeof(ngx_http_privacy_memo_t));

    if (c->match == NULL || c->memo == NULL) {
        ngx_http_privacy_classifier_destroy(c);
        return NULL;
    }

    return c;
}


void
ngx_http_privacy_classifier_destroy(ngx_http_privacy_classifier_t *c)
{
    size_t  i;

    if (c == NULL) {
        return;
    }

    for (i = 0; i < c->npatterns; i++) {
        pcre2_code_free(c->patterns[i].code);
        free(c->patterns[i].source);
    }

    free(c->patterns);
    pcre2_match_data_free(c->match);
    free(c->memo);
    free(c);
}


int
ngx_http_privacy_classifier_add(ngx_http_privacy_classifier_t *c,
    unsigned category, const u_char *pattern, size_t len, char *err,
    size_t err_len)
{
    int                          errcode;
    size_t                       n;
    PCRE2_SIZE                   erroffset;
    pcre2_code                  *code;
    PCRE2_UCHAR                  msg[128];
    ngx_http_privacy_pattern_t  *p;

    /*
     * Byte mode, not UTF: cookie names are arbitrary bytes, and PCRE2 in
     * UTF mode would have to validate (or reject) every one of them.
     */
    code = pcre2_compile(pattern, len, 0, &errcode, &erroffset, NULL);
    if (code == NULL) {
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, err_len, "invalid regex \"%.*s\": %s at offset %zu",
                 (int) len, pattern, (char *) msg, (size_t) erroffset);
        return -1;
    }

    /* JIT is an optimisation: without it the interpreter still matches */
    (void) pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

    if (c->npatterns == c->nalloc) {
        n = c->nalloc ? c->nalloc * 2 : 8;
        p = realloc(c->patterns, n * sizeof(ngx_http_privacy_pattern_t));
        if (p == NULL) {
            goto nomem;
        }

        c->patterns = p;
        c->nalloc = n;
    }

    p = &c->patterns[c->npatterns];

    p->source = malloc(len + 1);
    if (p->source == NULL) {
        goto nomem;
    }

    memcpy(p->source, pattern, len);
    p->source[len] = '\0';
    p->len = len;
    p->category = category;
    p->code = code;
    p->data = NULL;

    c->npatterns++;

    /* earlier answers may no longer hold */
    memset(c->memo, 0,
           NGX_HTTP_PRIVACY_CLASSIFY_SLOTS * sizeof(ngx_http_privacy_memo_t));

    return 0;

nomem:

    pcre2_code_free(code);
    snprintf(err, err_len, "out of memory");
    return -1;
}


int
ngx_http_privacy_classifier_append(ngx_http_privacy_classifier_t *c,
    const ngx_http_privacy_classifier_t *from)
{
    char    err[256];
    size_t  i;

    for (i = 0; i < from->npatterns; i++) {
        if (ngx_http_privacy_classifier_add(c, from->patterns[i].category,
                                            from->patterns[i].source,
                                            from->patterns[i].len,
                                            err, sizeof(err))
            != 0)
        {
            return -1;
        }

        ngx_http_privacy_classifier_set_data(c, from->patterns[i].data);
    }

    return 0;
}


void
ngx_http_privacy_classifier_set_data(ngx_http_privacy_classifier_t *c,
    const void *data)
{
    ngx_http_privacy_pattern_t  *p;

    if (c->npatterns == 0) {
        return;
    }

    p = &c->patterns[c->npatterns - 1];

    c->ndata += (data != NULL) - (p->data != NULL);
    p->data = data;
}


int
ngx_http_privacy_classifier_has_data(const ngx_http_privacy_classifier_t *c)
{
    return c->ndata != 0;
}


const void *
ngx_http_privacy_classifier_pattern_data(
    const ngx_http_privacy_classifier_t *c, size_t i)
{
    return c->patterns[i].data;
}


/*
 * Not memoised: asked only for the Set-Cookie headers of a location whose
 * patterns carry data, which are few.
 */

const void *
ngx_http_privacy_classifier_data(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < c->npatterns; i++) {
        if (pcre2_match(c->patterns[i].code, name, len, 0, 0, c->match, NULL)
            >= 0)
        {
            return c->patterns[i].data;
        }
    }

    return NULL;
}


size_t
ngx_http_privacy_classifier_count(const ngx_http_privacy_classifier_t *c)
{
    return c->npatterns;
}


void
ngx_http_privacy_classifier_pattern(const ngx_http_privacy_classifier_t *c,
    size_t i, unsigned *category, const u_char **pattern, size_t *len)
{
    *category = c->patterns[i].category;
    *pattern = c->patterns[i].source;
    *len = c->patterns[i].len;
}


unsigned
ngx_http_privacy_classify(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len)
{
    return ngx_http_privacy_classify_seen(c, name, len, NULL);
}


unsigned
ngx_http_privacy_classify_seen(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len, int *first)
{
    size_t                    i;
    uint32_t                  h;
    ngx_http_privacy_memo_t  *m;

    if (first) {
        *first = 0;
    }

    if (len > NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX) {
        return ngx_http_privacy_classify_match(c, name, len);
    }

    h = ngx_http_privacy_memo_hash(name, len);

    for (i = 0; i < NGX_HTTP_PRIVACY_CLASSIFY_PROBES; i++) {
        m = &c->memo[(h + i) % NGX_HTTP_PRIVACY_CLASSIFY_SLOTS];

        if (!m->used) {
            return ngx_http_privacy_classify_memoise(c, m, h, name, len,
                                                     first);
        }

        /* the stored hash tells other names apart without a comparison */
        if (m->hash == h
            && m->len == len
            && ngx_http_privacy_memo_eq(m->name, name, len))
        {
            if (first && !m->reported) {
                m->reported = 1;
                *first = 1;
            }

            return m->category;
        }
    }

    /*
     * A flood of random names (an attacker's Cookie header) fills the
     * table once and then simply stops being memoised: the answer is
     * always correct, only slower.
     */

    return ngx_http_privacy_classify_match(c, name, len);
}


/* a name's first sight: classified, and memoised in the free slot m */

static unsigned
ngx_http_privacy_classify_memoise(ngx_http_privacy_classifier_t *c,
    ngx_http_privacy_memo_t *m, uint32_t h, const u_char *name, size_t len,
    int *first)
{
    unsigned  category;

    category = ngx_http_privacy_classify_match(c, name, len);

    m->hash = h;
    m->used = 1;
    m->category = (u_char) category;
    m->len = (u_char) len;
    memcpy(m->name, name, len);

    /* classify() memoises without reporting; classify_seen() reports */
    m->reported = (first != NULL);

    if (first) {
        *first = 1;
    }

    return category;
}


static unsigned
ngx_http_privacy_classify_match(ngx_http_privacy_classifier_t *c,
    const u_char *name, size_t len)
{
    int     rc;
    size_t  i;

    for (i = 0; i < c->npatterns; i++) {
        rc = pcre2_match(c->patterns[i].code, name, len, 0, 0, c->match,
                         NULL);
        if (rc >= 0) {
            return c->patterns[i].category;
        }
    }

    return 0;
}
