/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the Cookie / Set-Cookie parser:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_cookie.c ngx_privacy_module/ngx_http_privacy_cookie.c \
 *       -o tests/bin/fuzz_cookie
 *
 * Besides memory errors it checks the invariants the module relies on:
 * spans stay inside the input, a filtered header is never longer than
 * the input, re-parsing it yields exactly the kept cookies, and filtering
 * in place gives the same bytes.  It also compares the parser and the
 * filter with the straightforward byte-by-byte implementation they
 * replaced (ref_ below, kept as the oracle): the same spans, the same
 * calls to keep(), the same output, for every input.  The other names a
 * backend may read in a pair (ngx_http_privacy_cookie_aliases()) must lie
 * in the pair or the caller's buffer and be no longer than the pair.
 *
 *   tests/bin/fuzz_cookie tests/fuzz/corpus/cookie
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_cookie.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


typedef struct {
    size_t                           n;
    size_t                           kept;
    size_t                           every;     /* drop each every-th */
    ngx_http_privacy_cookie_pair_t  *pairs;
} fuzz_keep_t;


static int
fuzz_keep(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    fuzz_keep_t  *k;

    k = data;

    k->n++;

    if (k->every && (k->n - 1) % k->every) {
        return 0;
    }

    k->pairs[k->kept++] = *pair;

    return 1;
}


static int
fuzz_in(const u_char *p, size_t len, const u_char *b, size_t blen)
{
    return p >= b && p + len <= b + blen;
}


static int
fuzz_blank(u_char c)
{
    return c == ' ' || c == '\t';
}


static void
fuzz_check_pair(const ngx_http_privacy_cookie_pair_t *p, const u_char *b,
    size_t len)
{
    check(p->len > 0);
    check(fuzz_in(p->start, p->len, b, len));
    check(fuzz_in(p->name, p->name_len, p->start, p->len));
    check(fuzz_in(p->value, p->value_len, p->start, p->len));
    check(memchr(p->start, ';', p->len) == NULL);
    check(!fuzz_blank(p->start[0]) && !fuzz_blank(p->start[p->len - 1]));

    if (p->name_len) {
        check(!fuzz_blank(p->name[p->name_len - 1]));
        check(memchr(p->name, '=', p->name_len) == NULL);
    }

    if (p->value_len) {
        check(!fuzz_blank(p->value[0]));
    }

    check(p->value + p->value_len == p->start + p->len);
}


static int
fuzz_pair_eq(const ngx_http_privacy_cookie_pair_t *a,
    const ngx_http_privacy_cookie_pair_t *b)
{
    return a->name_len == b->name_len
           && a->value_len == b->value_len
           && a->len == b->len
           && memcmp(a->name, b->name, a->name_len) == 0
           && memcmp(a->value, b->value, a->value_len) == 0
           && memcmp(a->start, b->start, a->len) == 0;
}


static void
fuzz_filter(const u_char *data, size_t size, size_t n, size_t every,
    fuzz_keep_t *k, u_char *out, u_char *inplace)
{
    size_t                           i, olen, ilen, dropped;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   p;

    k->n = 0;
    k->kept = 0;
    k->every = every;
    olen = ngx_http_privacy_cookie_filter(data, size, out, fuzz_keep, k,
                                          &dropped);
    check(olen <= size);
    check(k->n == n);
    check(dropped == n - k->kept);

    /* the output holds exactly the kept cookies, in order */
    ngx_http_privacy_cookie_iter_init(&it, out, olen);

    for (i = 0; i < k->kept; i++) {
        check(ngx_http_privacy_cookie_next(&it, &p));
        fuzz_check_pair(&p, out, olen);
        check(fuzz_pair_eq(&p, &k->pairs[i]));
    }

    check(ngx_http_privacy_cookie_next(&it, &p) == 0);

    /* in place: the same bytes */
    memcpy(inplace, data, size);
    k->n = 0;
    k->kept = 0;
    ilen = ngx_http_privacy_cookie_filter(inplace, size, inplace, fuzz_keep,
                                          k, NULL);
    check(ilen == olen);
    check(memcmp(inplace, out, olen) == 0);
}


/*
 * The reference: ngx_http_privacy_cookie_next() and _filter() as they
 * were before they were tuned for speed, byte loops and all.
 */

static int
ref_blank(u_char c)
{
    return c == ' ' || c == '\t';
}


static int
ref_next(ngx_http_privacy_cookie_iter_t *it,
    ngx_http_privacy_cookie_pair_t *pair)
{
    const u_char  *p, *end, *start, *eq, *last, *q;

    p = it->pos;
    end = it->end;

    while (p < end && (*p == ';' || ref_blank(*p))) {
        p++;
    }

    if (p == end) {
        it->pos = p;
        return 0;
    }

    start = p;

    while (p < end && *p != '=' && *p != ';') {
        p++;
    }

    if (p < end && *p == '=') {
        eq = p;

        while (p < end && *p != ';') {
            p++;
        }

    } else {
        eq = NULL;
    }

    it->pos = p;

    last = p;
    while (last > start && ref_blank(last[-1])) {
        last--;
    }

    pair->start = start;
    pair->len = last - start;

    if (eq == NULL) {
        pair->name = start;
        pair->name_len = 0;
        pair->value = start;
        pair->value_len = last - start;
        return 1;
    }

    q = eq;
    while (q > start && ref_blank(q[-1])) {
        q--;
    }

    pair->name = start;
    pair->name_len = q - start;

    q = eq + 1;
    while (q < last && ref_blank(*q)) {
        q++;
    }

    pair->value = q;
    pair->value_len = last - q;

    return 1;
}


static size_t
ref_filter(const u_char *value, size_t len, u_char *out,
    ngx_http_privacy_cookie_keep_pt keep, void *data, size_t *dropped)
{
    size_t                           n, room, i;
    u_char                          *o;
    const u_char                    *prev_end;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   pair;

    o = out;
    n = 0;
    prev_end = NULL;

    ngx_http_privacy_cookie_iter_init(&it, value, len);

    while (ref_next(&it, &pair)) {

        if (!keep(data, &pair)) {
            n++;
            prev_end = NULL;
            continue;
        }

        if (prev_end != NULL) {
            /* next to the previous kept cookie: its separator as sent */
            for (i = 0; prev_end + i < pair.start; i++) {
                o[i] = prev_end[i];
            }

            o += pair.start - prev_end;

        } else if (o != out) {
            room = (size_t) (pair.start - value) - (size_t) (o - out);

            *o++ = ';';

            if (room >= 2) {
                *o++ = ' ';
            }
        }

        /* byte by byte, front to back: safe in place, o <= pair.start */
        for (i = 0; i < pair.len; i++) {
            o[i] = pair.start[i];
        }

        o += pair.len;
        prev_end = pair.start + pair.len;
    }

    *dropped = n;

    return o - out;
}


/*
 * keep() by the bits of a mask taken from the input.  It records each
 * pair as an offset into the buffer filtered, and checks that the pair's
 * bytes are still those of the input: in place, nothing offered to keep()
 * may have been overwritten yet.
 */

typedef struct {
    uint64_t                         mask;
    size_t                           n;
    const u_char                    *base;      /* the buffer filtered */
    const u_char                    *orig;      /* its original bytes */
    ngx_http_privacy_cookie_pair_t  *pairs;
} fuzz_mask_t;


static int
fuzz_keep_mask(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    fuzz_mask_t                     *k;
    ngx_http_privacy_cookie_pair_t  *p;

    k = data;

    check(memcmp(pair->start, k->orig + (pair->start - k->base), pair->len)
          == 0);

    p = &k->pairs[k->n];
    *p = *pair;
    p->start = (const u_char *) (uintptr_t) (pair->start - k->base);
    p->name = (const u_char *) (uintptr_t) (pair->name - k->base);
    p->value = (const u_char *) (uintptr_t) (pair->value - k->base);

    return (k->mask >> (k->n++ % 64)) & 1;
}


static int
fuzz_pair_same(const ngx_http_privacy_cookie_pair_t *a,
    const ngx_http_privacy_cookie_pair_t *b)
{
    return a->name == b->name && a->name_len == b->name_len
           && a->value == b->value && a->value_len == b->value_len
           && a->start == b->start && a->len == b->len;
}


static void
fuzz_oracle(const u_char *data, size_t size, uint64_t mask, u_char *out,
    u_char *inplace, ngx_http_privacy_cookie_pair_t *pairs)
{
    size_t                           i, n, rlen, len, rdropped, dropped;
    u_char                          *rout, *rinplace;
    fuzz_mask_t                      k;
    ngx_http_privacy_cookie_iter_t   it, rit;
    ngx_http_privacy_cookie_pair_t   p, rp, *rpairs;

    /* the very same spans, pointer for pointer, and the same end */
    ngx_http_privacy_cookie_iter_init(&it, data, size);
    ngx_http_privacy_cookie_iter_init(&rit, data, size);

    for ( ;; ) {
        n = (size_t) ref_next(&rit, &rp);
        check((size_t) ngx_http_privacy_cookie_next(&it, &p) == n);
        check(it.pos == rit.pos);

        if (n == 0) {
            break;
        }

        check(fuzz_pair_same(&p, &rp));
    }

    rout = malloc(size ? size : 1);
    rinplace = malloc(size ? size : 1);
    rpairs = malloc((size + 1) * sizeof(ngx_http_privacy_cookie_pair_t));
    check(rout && rinplace && rpairs);

    /* the same calls to keep() and the same output; then both in place */
    for (i = 0; i < 2; i++) {
        k.mask = mask;
        k.n = 0;
        k.orig = data;
        k.pairs = rpairs;

        if (i == 0) {
            k.base = data;
            rlen = ref_filter(data, size, rout, fuzz_keep_mask, &k,
                              &rdropped);

        } else {
            if (size) {
                memcpy(rinplace, data, size);
            }

            k.base = rinplace;
            rlen = ref_filter(rinplace, size, rinplace, fuzz_keep_mask, &k,
                              &rdropped);
        }

        n = k.n;

        k.mask = mask;
        k.n = 0;
        k.pairs = pairs;
        dropped = 12345;

        if (i == 0) {
            k.base = data;
            len = ngx_http_privacy_cookie_filter(data, size, out,
                                                 fuzz_keep_mask, &k,
                                                 &dropped);
            check(len == rlen);
            check(len == 0 || memcmp(out, rout, len) == 0);

        } else {
            if (size) {
                memcpy(inplace, data, size);
            }

            k.base = inplace;
            len = ngx_http_privacy_cookie_filter(inplace, size, inplace,
                                                 fuzz_keep_mask, &k,
                                                 &dropped);
            check(len == rlen);
            check(len == 0 || memcmp(inplace, rinplace, len) == 0);
        }

        check(dropped == rdropped);
        check(k.n == n);

        while (n--) {
            check(fuzz_pair_same(&pairs[n], &rpairs[n]));
        }
    }

    free(rpairs);
    free(rinplace);
    free(rout);
}

static const ngx_http_privacy_cookie_pair_t  *fuzz_alias_pair;
static const u_char                          *fuzz_alias_buf;


/* an alias lies within its pair or the caller's buffer, never longer */
static int
fuzz_alias(void *data, const u_char *name, size_t len)
{
    (void) data;

    check(len > 0 && len <= fuzz_alias_pair->len);
    check((name >= fuzz_alias_pair->start
           && name + len <= fuzz_alias_pair->start + fuzz_alias_pair->len)
          || (name >= fuzz_alias_buf
              && name + len <= fuzz_alias_buf + fuzz_alias_pair->len));

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                              rc;
    size_t                           n, i, nlen, vlen;
    u_char                          *out, *inplace;
    uint64_t                         mask;
    char                             attr[17];
    const u_char                    *name, *val;
    fuzz_keep_t                      k;
    ngx_http_privacy_cookie_iter_t   it;
    ngx_http_privacy_cookie_pair_t   p;
    static const char               *attrs[] = {
        "Path", "Domain", "Secure", "Max-Age", "Expires", "SameSite"
    };

    /* every cookie needs at least one byte: size bounds the count */
    k.pairs = malloc((size + 1) * sizeof(ngx_http_privacy_cookie_pair_t));
    /* exactly size bytes: a filter result that outgrows its input hits ASan */
    out = malloc(size ? size : 1);
    inplace = malloc(size ? size : 1);
    check(k.pairs && out && inplace);

    n = 0;
    ngx_http_privacy_cookie_iter_init(&it, data, size);

    while (ngx_http_privacy_cookie_next(&it, &p)) {
        fuzz_check_pair(&p, data, size);
        (void) ngx_http_privacy_cookie_name_valid(p.name, p.name_len);

        /* other readings of the name: inside the pair or the buffer */
        fuzz_alias_pair = &p;
        fuzz_alias_buf = out;
        (void) ngx_http_privacy_cookie_aliases(&p, out, fuzz_alias, NULL);

        n++;
        check(n <= size);
    }

    check(ngx_http_privacy_cookie_next(&it, &p) == 0);

    /* every other cookie dropped, then none: "a;b" has no room to spare */
    fuzz_filter(data, size, n, 2, &k, out, inplace);
    fuzz_filter(data, size, n, 0, &k, out, inplace);

    /* against the reference, with cookies kept by the first 8 bytes */
    mask = 0;
    if (size) {
        memcpy(&mask, data, size < 8 ? size : 8);
    }
    fuzz_oracle(data, size, mask, out, inplace, k.pairs);
    fuzz_oracle(data, size, ~(uint64_t) 0, out, inplace, k.pairs);

    rc = ngx_http_privacy_set_cookie_name(data, size, &name, &nlen);
    check(rc == 0 || rc == -1);
    if (rc == 0) {
        check(fuzz_in(name, nlen, data, size));
        if (nlen) {
            check(!fuzz_blank(name[0]) && !fuzz_blank(name[nlen - 1]));
            check(memchr(name, ';', nlen) == NULL);
            check(memchr(name, '=', nlen) == NULL);
        }
    }

    for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        if (ngx_http_privacy_set_cookie_attr(data, size, attrs[i], &val,
                                             &vlen))
        {
            check(fuzz_in(val, vlen, data, size));
            check(memchr(val, ';', vlen) == NULL);
        }
    }

    /* an attribute name from the input itself */
    if (size > 0) {
        nlen = data[0] % sizeof(attr);
        nlen = nlen < size ? nlen : size - 1;
        memcpy(attr, data + 1, nlen);
        attr[nlen] = '\0';

        if (ngx_http_privacy_set_cookie_attr(data, size, attr, &val, &vlen)) {
            check(fuzz_in(val, vlen, data, size));
            check(memchr(val, ';', vlen) == NULL);
        }
    }

    free(inplace);
    free(out);
    free(k.pairs);

    return 0;
}
