/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of cookie classification: pattern order, memoisation,
 * bounds, first-seen reporting.
 */


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>

#include "ngx_http_privacy_classify.h"
#include "ngx_http_privacy_consent.h"


#define S(s)  (const u_char *) (s), sizeof(s) - 1


static ngx_http_privacy_classifier_t *
make(void)
{
    char                            err[256];
    ngx_http_privacy_classifier_t  *c;

    c = ngx_http_privacy_classifier_create();
    assert_non_null(c);

    assert_int_equal(ngx_http_privacy_classifier_add(c,
                         NGX_HTTP_PRIVACY_CAT_NECESSARY,
                         S("^(session|csrftoken)$"), err, sizeof(err)), 0);
    assert_int_equal(ngx_http_privacy_classifier_add(c,
                         NGX_HTTP_PRIVACY_CAT_STATISTICS,
                         S("^_ga(_.*)?$"), err, sizeof(err)), 0);
    assert_int_equal(ngx_http_privacy_classifier_add(c,
                         NGX_HTTP_PRIVACY_CAT_MARKETING,
                         S("^_fbp$"), err, sizeof(err)), 0);
    /* overlaps the statistics pattern: the earlier one must win */
    assert_int_equal(ngx_http_privacy_classifier_add(c,
                         NGX_HTTP_PRIVACY_CAT_MARKETING,
                         S("^_ga_ads$|^_gcl"), err, sizeof(err)), 0);

    return c;
}


static void
test_first_match_wins(void **state __attribute__((unused)))
{
    ngx_http_privacy_classifier_t  *c = make();

    assert_int_equal(ngx_http_privacy_classify(c, S("session")),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY);
    assert_int_equal(ngx_http_privacy_classify(c, S("_ga")),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(ngx_http_privacy_classify(c, S("_ga_ads")),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(ngx_http_privacy_classify(c, S("_gcl_au")),
                     NGX_HTTP_PRIVACY_CAT_MARKETING);
    assert_int_equal(ngx_http_privacy_classify(c, S("_fbp")),
                     NGX_HTTP_PRIVACY_CAT_MARKETING);
    assert_int_equal(ngx_http_privacy_classify(c, S("_fbpx")), 0);
    assert_int_equal(ngx_http_privacy_classify(c, S("sessionx")), 0);
    assert_int_equal(ngx_http_privacy_classify(c, S("")), 0);

    ngx_http_privacy_classifier_destroy(c);
}


/* a pattern's data (a lifetime): the first match's, carried by append() */
static void
test_pattern_data(void **state __attribute__((unused)))
{
    static const int  ga = 1, fbp = 2;

    ngx_http_privacy_classifier_t  *c = make(), *d;

    assert_false(ngx_http_privacy_classifier_has_data(c));
    assert_null(ngx_http_privacy_classifier_data(c, S("_ga")));

    /* make() added 4 patterns: data of the last one (^_ga_ads$|^_gcl) */
    ngx_http_privacy_classifier_set_data(c, &fbp);
    assert_true(ngx_http_privacy_classifier_has_data(c));
    assert_ptr_equal(ngx_http_privacy_classifier_data(c, S("_gcl_au")), &fbp);

    /* _ga_ads matches ^_ga(_.*)?$ first, which has no data */
    assert_null(ngx_http_privacy_classifier_data(c, S("_ga_ads")));
    assert_null(ngx_http_privacy_classifier_data(c, S("nothing")));
    assert_ptr_equal(ngx_http_privacy_classifier_pattern_data(c, 3), &fbp);
    assert_null(ngx_http_privacy_classifier_pattern_data(c, 1));

    /* set twice: counted once; cleared: none left */
    ngx_http_privacy_classifier_set_data(c, &ga);
    ngx_http_privacy_classifier_set_data(c, NULL);
    assert_false(ngx_http_privacy_classifier_has_data(c));
    ngx_http_privacy_classifier_set_data(c, &ga);

    d = ngx_http_privacy_classifier_create();
    assert_non_null(d);
    assert_int_equal(ngx_http_privacy_classifier_append(d, c), 0);
    assert_true(ngx_http_privacy_classifier_has_data(d));
    assert_ptr_equal(ngx_http_privacy_classifier_data(d, S("_gcl_x")), &ga);

    ngx_http_privacy_classifier_destroy(d);
    ngx_http_privacy_classifier_destroy(c);
}


static void
test_memo_is_exact(void **state __attribute__((unused)))
{
    int                             i;
    ngx_http_privacy_classifier_t  *c = make();

    /* asked many times, memoised answers never differ from the first */
    for (i = 0; i < 3; i++) {
        assert_int_equal(ngx_http_privacy_classify(c, S("_ga")),
                         NGX_HTTP_PRIVACY_CAT_STATISTICS);
        assert_int_equal(ngx_http_privacy_classify(c, S("_g")), 0);
        assert_int_equal(ngx_http_privacy_classify(c, S("_ga ")), 0);
        assert_int_equal(ngx_http_privacy_classify(c, S("_fbp")),
                         NGX_HTTP_PRIVACY_CAT_MARKETING);
    }

    ngx_http_privacy_classifier_destroy(c);
}


static void
test_flood_and_long_names(void **state __attribute__((unused)))
{
    char                            name[32];
    u_char                          big[300];
    int                             i, n, first;
    ngx_http_privacy_classifier_t  *c = make();

    /* more names than memo slots: answers stay right after it is full */
    for (i = 0; i < 5000; i++) {
        n = snprintf(name, sizeof(name), "rnd%d", i);
        assert_int_equal(ngx_http_privacy_classify(c, (u_char *) name, n),
                         0);
    }

    assert_int_equal(ngx_http_privacy_classify(c, S("_ga_x")),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(ngx_http_privacy_classify(c, S("session")),
                     NGX_HTTP_PRIVACY_CAT_NECESSARY);

    /* a name longer than the memo's limit, and with any byte in it */
    memset(big, 'x', sizeof(big));
    memcpy(big, "_ga_", 4);
    big[100] = 0x00;
    big[101] = 0xff;
    assert_int_equal(ngx_http_privacy_classify(c, big, sizeof(big)),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(ngx_http_privacy_classify(c, big + 1, sizeof(big) - 1),
                     0);
    assert_int_equal(ngx_http_privacy_classify_seen(c, big, sizeof(big),
                                                    &first),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(first, 0);

    ngx_http_privacy_classifier_destroy(c);
}


static void
test_first_seen(void **state __attribute__((unused)))
{
    int                             first;
    ngx_http_privacy_classifier_t  *c = make();

    /* plain classify() memoises without reporting */
    assert_int_equal(ngx_http_privacy_classify(c, S("tracker")), 0);

    assert_int_equal(ngx_http_privacy_classify_seen(c, S("tracker"), &first),
                     0);
    assert_int_equal(first, 1);
    assert_int_equal(ngx_http_privacy_classify_seen(c, S("tracker"), &first),
                     0);
    assert_int_equal(first, 0);

    /* first sight through classify_seen() itself */
    assert_int_equal(ngx_http_privacy_classify_seen(c, S("_ga"), &first),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(first, 1);
    assert_int_equal(ngx_http_privacy_classify_seen(c, S("_ga"), &first),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);
    assert_int_equal(first, 0);

    ngx_http_privacy_classifier_destroy(c);
}


static void
test_invalid_pattern_and_append(void **state __attribute__((unused)))
{
    char                            err[256];
    const u_char                   *p;
    size_t                          len;
    unsigned                        cat;
    ngx_http_privacy_classifier_t  *c, *d;

    c = make();

    err[0] = '\0';
    assert_int_equal(ngx_http_privacy_classifier_add(c,
                         NGX_HTTP_PRIVACY_CAT_MARKETING, S("^(unclosed"),
                         err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid regex"));
    assert_int_equal(ngx_http_privacy_classifier_count(c), 4);

    /* an inner level's pattern first, then the inherited ones */
    d = ngx_http_privacy_classifier_create();
    assert_non_null(d);
    assert_int_equal(ngx_http_privacy_classifier_add(d,
                         NGX_HTTP_PRIVACY_CAT_PREFERENCES, S("^_ga$"),
                         err, sizeof(err)), 0);
    assert_int_equal(ngx_http_privacy_classifier_append(d, c), 0);
    assert_int_equal(ngx_http_privacy_classifier_count(d), 5);

    assert_int_equal(ngx_http_privacy_classify(d, S("_ga")),
                     NGX_HTTP_PRIVACY_CAT_PREFERENCES);
    assert_int_equal(ngx_http_privacy_classify(d, S("_ga_1")),
                     NGX_HTTP_PRIVACY_CAT_STATISTICS);

    ngx_http_privacy_classifier_pattern(d, 1, &cat, &p, &len);
    assert_int_equal(cat, NGX_HTTP_PRIVACY_CAT_NECESSARY);
    assert_int_equal(len, sizeof("^(session|csrftoken)$") - 1);
    assert_memory_equal(p, "^(session|csrftoken)$", len);

    /* a pattern added later invalidates memoised answers */
    assert_int_equal(ngx_http_privacy_classify(d, S("lang")), 0);
    assert_int_equal(ngx_http_privacy_classifier_add(d,
                         NGX_HTTP_PRIVACY_CAT_PREFERENCES, S("^lang$"),
                         err, sizeof(err)), 0);
    assert_int_equal(ngx_http_privacy_classify(d, S("lang")),
                     NGX_HTTP_PRIVACY_CAT_PREFERENCES);

    ngx_http_privacy_classifier_destroy(d);
    ngx_http_privacy_classifier_destroy(c);
}


/* a heap copy of exactly len bytes: ASan catches any read past len */
static u_char *
dup_exact(const u_char *s, size_t len)
{
    u_char  *p;

    p = malloc(len ? len : 1);
    assert_non_null(p);

    if (len) {
        memcpy(p, s, len);
    }

    return p;
}


static void
test_memo_hash(void **state __attribute__((unused)))
{
    u_char    buf[80], *p;
    size_t    len, i, bit, slots[64];
    uint32_t  h, h2;
    char      name[32];
    int       n;

    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = (u_char) (i * 31 + 7);
    }

    /*
     * Each length the word loop, the overlapping tail and the short
     * cases meet: only len bytes are read, the same bytes give the same
     * hash wherever they are, and any bit flipped changes it.
     */
    for (len = 0; len <= 70; len++) {
        p = dup_exact(buf, len);
        h = ngx_http_privacy_memo_hash(p, len);

        assert_int_equal(ngx_http_privacy_memo_hash(buf, len), h);
        memcpy(buf + 9, p, len);
        assert_int_equal(ngx_http_privacy_memo_hash(buf + 9, len), h);
        memcpy(buf, p, len);

        /* a prefix is another key */
        if (len) {
            assert_int_not_equal(ngx_http_privacy_memo_hash(p, len - 1), h);
        }

        for (i = 0; i < len; i++) {
            for (bit = 0; bit < 8; bit++) {
                p[i] ^= (u_char) (1 << bit);
                h2 = ngx_http_privacy_memo_hash(p, len);
                p[i] ^= (u_char) (1 << bit);
                assert_int_not_equal(h2, h);
            }
        }

        free(p);
    }

    assert_int_equal(ngx_http_privacy_memo_hash(NULL, 0),
                     ngx_http_privacy_memo_hash(buf, 0));

    /*
     * The tables index with the low bits: similar names (as cookie names
     * and User-Agents are) spread over 64 slots about evenly.
     */
    memset(slots, 0, sizeof(slots));

    for (i = 0; i < 6400; i++) {
        n = snprintf(name, sizeof(name), "_ga_%zu", i);
        slots[ngx_http_privacy_memo_hash((u_char *) name, n) % 64]++;
    }

    for (i = 0; i < 64; i++) {
        assert_in_range(slots[i], 60, 140);
    }
}


/* a fixed LCG (Knuth's MMIX): the same inputs on every run */
static uint64_t
lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;

    return *x;
}


static int
cmp_u32(const void *a, const void *b)
{
    uint32_t  x, y;

    x = *(const uint32_t *) a;
    y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}


static void
test_memo_hash_long(void **state __attribute__((unused)))
{
    u_char    *big, *p, base[600], in[600];
    size_t     len, i, bit, pos, slots[64], same;
    uint32_t   h, *hs;
    uint64_t   x, w;

    x = 1;

    big = malloc(2100);
    assert_non_null(big);
    hs = malloc(100000 * sizeof(uint32_t));
    assert_non_null(hs);

    for (i = 0; i < 2100; i++) {
        big[i] = (u_char) (lcg(&x) >> 56);
    }

    /*
     * Every length up to past the longest keys, through the 16-byte
     * steps and each tail: only len bytes are read (p is exactly len
     * bytes), and the bytes after them or the alignment change nothing.
     */
    for (len = 0; len <= 2000; len++) {
        p = dup_exact(big + 3, len);
        h = ngx_http_privacy_memo_hash(p, len);
        assert_int_equal(ngx_http_privacy_memo_hash(big + 3, len), h);

        if (len) {
            assert_int_not_equal(ngx_http_privacy_memo_hash(p, len - 1), h);
        }

        free(p);
    }

    /*
     * The tails overlap, so without the length keys of one repeated
     * byte ("xxx" and "xxxx") would be read as the same words.
     */
    memset(big, 'x', 2000);

    for (len = 0; len <= 2000; len++) {
        hs[len] = ngx_http_privacy_memo_hash(big, len);
    }

    qsort(hs, 2001, sizeof(uint32_t), cmp_u32);

    for (i = 1; i <= 2000; i++) {
        assert_int_not_equal(hs[i], hs[i - 1]);
    }

    free(big);

    /* a Cookie header's length: any bit flipped anywhere changes it */
    for (i = 0; i < sizeof(base); i++) {
        base[i] = (u_char) ('a' + (lcg(&x) >> 33) % 26);
    }

    p = dup_exact(base, sizeof(base));
    h = ngx_http_privacy_memo_hash(p, sizeof(base));

    for (i = 0; i < sizeof(base); i++) {
        for (bit = 0; bit < 8; bit++) {
            p[i] ^= (u_char) (1 << bit);
            assert_int_not_equal(ngx_http_privacy_memo_hash(p, sizeof(base)),
                                 h);
            p[i] ^= (u_char) (1 << bit);
        }
    }

    free(p);

    /*
     * Headers that differ from one another in 8 bytes somewhere (a
     * session id, a timestamp) spread over 64 slots about evenly (1562
     * each on average) and hardly ever share all 32 bits (about 1 pair
     * of 100000 expected).
     */
    memset(slots, 0, sizeof(slots));

    for (i = 0; i < 100000; i++) {
        w = lcg(&x);
        pos = (size_t) (w >> 40) % (sizeof(base) - 8 + 1);

        memcpy(in, base, sizeof(base));
        memcpy(in + pos, &w, 8);

        hs[i] = ngx_http_privacy_memo_hash(in, sizeof(in));
        slots[hs[i] % 64]++;
    }

    for (i = 0; i < 64; i++) {
        assert_in_range(slots[i], 1200, 1950);
    }

    qsort(hs, 100000, sizeof(uint32_t), cmp_u32);

    for (same = 0, i = 1; i < 100000; i++) {
        same += (hs[i] == hs[i - 1]);
    }

    assert_in_range(same, 0, 8);

    free(hs);
}

static void
test_memo_eq(void **state __attribute__((unused)))
{
    u_char  *a, *b;
    size_t   len, i;

    /* every length up to past the memo's names, a difference anywhere */
    for (len = 0; len <= 70; len++) {
        a = malloc(len ? len : 1);
        b = malloc(len ? len : 1);
        assert_non_null(a);
        assert_non_null(b);

        for (i = 0; i < len; i++) {
            a[i] = (u_char) (i + 'A');
            b[i] = a[i];
        }

        assert_true(ngx_http_privacy_memo_eq(a, b, len));

        for (i = 0; i < len; i++) {
            b[i] ^= 0x80;
            assert_false(ngx_http_privacy_memo_eq(a, b, len));
            b[i] ^= 0x81;
            assert_false(ngx_http_privacy_memo_eq(a, b, len));
            b[i] ^= 0x01;
        }

        assert_true(ngx_http_privacy_memo_eq(a, b, len));

        free(a);
        free(b);
    }
}


static void
test_memo_similar_names(void **state __attribute__((unused)))
{
    int                             i, j, first;
    char                            name[NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX];
    size_t                          len;
    ngx_http_privacy_classifier_t  *c;

    /*
     * Names of every memoised length that differ in one byte: each is
     * its own entry, reported once, and classified on its own.  (A
     * classifier per length: a fuller table may run out of probes.)
     */
    for (len = 1; len <= NGX_HTTP_PRIVACY_CLASSIFY_NAME_MAX; len++) {
        c = make();

        memset(name, 'x', len);
        memcpy(name, "_ga", len < 3 ? len : 3);

        for (i = 0; i < 2; i++) {
            for (j = 0; j < (int) len; j += 7) {
                name[j] ^= 0x20;
                assert_int_equal(ngx_http_privacy_classify_seen(c,
                                     (u_char *) name, len, &first),
                                 ngx_http_privacy_classify(c,
                                     (u_char *) name, len));
                assert_int_equal(first, i == 0);
                name[j] ^= 0x20;
            }

            assert_int_equal(ngx_http_privacy_classify_seen(c,
                                 (u_char *) name, len, &first),
                             len == 3 ? NGX_HTTP_PRIVACY_CAT_STATISTICS : 0);
            assert_int_equal(first, i == 0);
        }

        ngx_http_privacy_classifier_destroy(c);
    }
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_pattern_data),
        cmocka_unit_test(test_memo_is_exact),
        cmocka_unit_test(test_flood_and_long_names),
        cmocka_unit_test(test_first_seen),
        cmocka_unit_test(test_invalid_pattern_and_append),
        cmocka_unit_test(test_memo_hash),
        cmocka_unit_test(test_memo_hash_long),
        cmocka_unit_test(test_memo_eq),
        cmocka_unit_test(test_memo_similar_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
