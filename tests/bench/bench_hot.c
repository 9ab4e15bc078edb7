/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Micro-benchmark of the per-request hot path of a "privacy on" scope,
 * the pure-C parts only (no nginx): what one request with a realistic
 * Cookie header costs in the module's own code.
 *
 *   consent   find the consent cookie in the header and decode it (HMAC
 *             check), as ngx_http_privacy_resolve() does
 *   filter    ngx_http_privacy_cookie_filter() over the header with the
 *             classifier (10 patterns) and the consent's categories, as
 *             the request handler does
 *   request   both together: the cost per request of enforcement
 *   pseudonym the analytics pseudonym: HMAC of address, UA and host (only
 *             for visitors without statistics consent)
 *   search    ngx_http_privacy_search_normalize() of a site-search term
 *             (only for requests that carry one)
 *
 * The header has 15 cookies plus the consent cookie: _ga, _gid, _fbp,
 * session, lang and several unclassified ones.  The consent grants
 * preferences and statistics, not marketing, so _fbp and _gcl_au are
 * dropped.  Built and run by tests/bench/hot.sh.
 *
 *   bench_hot [seconds per measurement]
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_classify.h"
#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_search.h"
#include "bench_time.h"


#define BENCH_CONSENT_NAME  "privacy_consent"
#define BENCH_VERSION       "2024-06"


static const struct {
    unsigned     category;
    const char  *pattern;
} bench_patterns[] = {
    { NGX_HTTP_PRIVACY_CAT_NECESSARY,   "^session$" },
    { NGX_HTTP_PRIVACY_CAT_NECESSARY,   "^csrftoken$" },
    { NGX_HTTP_PRIVACY_CAT_NECESSARY,   "^cart$" },
    { NGX_HTTP_PRIVACY_CAT_PREFERENCES, "^lang$" },
    { NGX_HTTP_PRIVACY_CAT_PREFERENCES, "^(theme|currency)$" },
    { NGX_HTTP_PRIVACY_CAT_STATISTICS,  "^_ga(_.*)?$" },
    { NGX_HTTP_PRIVACY_CAT_STATISTICS,  "^_gid$" },
    { NGX_HTTP_PRIVACY_CAT_STATISTICS,  "^_hj" },
    { NGX_HTTP_PRIVACY_CAT_MARKETING,   "^_fbp$" },
    { NGX_HTTP_PRIVACY_CAT_MARKETING,   "^_gcl_" },
};


/*
 * The same 15 cookies tests/bench/bench.sh sends (its COOKIES), with the
 * consent cookie after the first four, where a browser would put it.
 */
static const char  bench_cookies_a[] =
    "_ga=GA1.1.1234567890.1716900000; "
    "_gid=GA1.1.987654321.1716900000; "
    "_fbp=fb.1.1716900000000.1234567890; "
    "session=4f9c2e8a7b6d5c4e3f2a1b0c9d8e7f6a; ";

static const char  bench_cookies_b[] =
    "; lang=sv; "
    "cart=3; "
    "_gcl_au=1.1.1234567890.1716900000; "
    "cookie_test=1; "
    "theme=dark; "
    "_hjSessionUser_3456789=eyJpZCI6IjEyMzQ1Njc4OSJ9; "
    "recently_viewed=101%2C202%2C303; "
    "ab_test=variant_b; "
    "currency=SEK; "
    "csrftoken=abc123def456ghi789; "
    "intercom-id-xyz1=9f8e7d6c-5b4a-3210-fedc-ba9876543210";


static const char  *bench_terms[] = {
    "golvsp%C3%A5nad",
    "trall+28x120",
    "Tr%C3%A4skruv+rostfri",
    "kakel+badrum+30x60",
    "Anna+Svensson+anna.s%40example.se+19811218-9876",
    "ring+070-123+45+67",
};


typedef struct {
    ngx_http_privacy_classifier_t  *classifier;
    unsigned                        categories;
    size_t                          kept;
} bench_keep_t;


/* the request handler's decision, without the nginx bookkeeping */
static int
bench_keep(void *data, const ngx_http_privacy_cookie_pair_t *pair)
{
    bench_keep_t  *k = data;
    unsigned       category;

    if (pair->name_len == sizeof(BENCH_CONSENT_NAME) - 1
        && memcmp(pair->name, BENCH_CONSENT_NAME, pair->name_len) == 0)
    {
        return 1;
    }

    category = ngx_http_privacy_classify(k->classifier, pair->name,
                                         pair->name_len);

    if (category == 0 || category == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
        return 1;                       /* privacy_unclassified keep */
    }

    return (category & k->categories) != 0;
}


static int
bench_consent(const u_char *hdr, size_t len, ngx_http_privacy_mac_t *mac,
    time_t now, ngx_http_privacy_consent_t *out)
{
    ngx_http_privacy_cookie_iter_t  it;
    ngx_http_privacy_cookie_pair_t  pair;

    ngx_http_privacy_cookie_iter_init(&it, hdr, len);

    while (ngx_http_privacy_cookie_next(&it, &pair)) {
        if (pair.name_len != sizeof(BENCH_CONSENT_NAME) - 1
            || memcmp(pair.name, BENCH_CONSENT_NAME, pair.name_len) != 0)
        {
            continue;
        }

        if (ngx_http_privacy_consent_decode(pair.value, pair.value_len, mac,
                                            (u_char *) BENCH_VERSION,
                                            sizeof(BENCH_VERSION) - 1, now,
                                            180 * 86400, out)
            == NGX_HTTP_PRIVACY_CONSENT_OK)
        {
            return 1;
        }
    }

    return 0;
}


typedef enum {
    BENCH_CONSENT, BENCH_FILTER, BENCH_REQUEST, BENCH_PSEUDONYM, BENCH_SEARCH
} bench_what_e;


static void
bench_run(const char *label, bench_what_e what, double seconds,
    const u_char *hdr, size_t hdr_len, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_mac_t *daymac, bench_keep_t *keep,
    ngx_http_privacy_scrubber_t *scrubber)
{
    u_char                      out[4096], term[NGX_HTTP_PRIVACY_SEARCH_MAX];
    u_char                      buf[512], digest[NGX_HTTP_PRIVACY_MAC_LEN];
    size_t                      i, n, dropped, calls, sum, nterms, tlen[16];
    size_t                      buf_len;
    time_t                      now;
    double                      start, elapsed;
    ngx_http_privacy_consent_t  consent;

    static const char  ua[] = "Mozilla/5.0 (X11; Linux x86_64) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
        "Safari/537.36";

    nterms = sizeof(bench_terms) / sizeof(bench_terms[0]);
    for (i = 0; i < nterms; i++) {
        tlen[i] = strlen(bench_terms[i]);
    }

    /* address \0 UA \0 host, as ngx_http_privacy_pseudonym() lays it out */
    buf_len = 0;
    memcpy(buf, "203.0.113.47", 12);
    buf_len = 12;
    buf[buf_len++] = '\0';
    memcpy(buf + buf_len, ua, sizeof(ua) - 1);
    buf_len += sizeof(ua) - 1;
    buf[buf_len++] = '\0';
    memcpy(buf + buf_len, "shop.example.se", 15);
    buf_len += 15;

    now = time(NULL);
    sum = 0;
    calls = 0;
    start = bench_now();

    do {
        for (i = 0; i < 1000; i++) {
            switch (what) {

            case BENCH_CONSENT:
                sum += bench_consent(hdr, hdr_len, mac, now, &consent);
                break;

            case BENCH_FILTER:
                sum += ngx_http_privacy_cookie_filter(hdr, hdr_len, out,
                                                      bench_keep, keep,
                                                      &dropped);
                sum += dropped;
                break;

            case BENCH_REQUEST:
                keep->categories = NGX_HTTP_PRIVACY_CAT_NECESSARY;
                if (bench_consent(hdr, hdr_len, mac, now, &consent)) {
                    keep->categories |= consent.categories;
                }
                sum += ngx_http_privacy_cookie_filter(hdr, hdr_len, out,
                                                      bench_keep, keep,
                                                      &dropped);
                sum += dropped;
                break;

            case BENCH_PSEUDONYM:
                buf[0] = (u_char) ('0' + i % 10);     /* vary the input */
                if (ngx_http_privacy_mac_compute(daymac, buf, buf_len,
                                                 digest) != 0)
                {
                    fprintf(stderr, "bench_hot: mac failed\n");
                    exit(1);
                }
                sum += digest[0];
                break;

            case BENCH_SEARCH:
                ngx_http_privacy_search_normalize(scrubber,
                    (const u_char *) bench_terms[i % nterms],
                    tlen[i % nterms], term, &n);
                sum += n;
                break;
            }
        }

        calls += 1000;
        elapsed = bench_now() - start;

    } while (elapsed < seconds);

    printf("%-10s %9.0f ns/request  (%zu calls in %.2f s, checksum %zu)\n",
           label, elapsed * 1e9 / calls, calls, elapsed, sum);
}


int
main(int argc, char **argv)
{
    char                            err[256];
    u_char                          secret[48], key[NGX_HTTP_PRIVACY_KEY_LEN];
    u_char                          value[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    u_char                          out[4096], *hdr;
    size_t                          i, n, len, hdr_len, dropped;
    double                          seconds;
    bench_keep_t                    keep;
    ngx_http_privacy_mac_t         *mac, *daymac;
    ngx_http_privacy_consent_t      consent, check;
    ngx_http_privacy_scrubber_t    *scrubber;
    ngx_http_privacy_classifier_t  *c;

    seconds = argc > 1 ? atof(argv[1]) : 1.0;

    /* keys as the module derives them from privacy_secret_file */
    for (i = 0; i < sizeof(secret); i++) {
        secret[i] = (u_char) (i * 37 + 11);
    }

    if (ngx_http_privacy_derive_key(secret, sizeof(secret), "consent", key)
        != 0 || (mac = ngx_http_privacy_mac_create(key, sizeof(key))) == NULL)
    {
        fprintf(stderr, "bench_hot: cannot key the consent MAC\n");
        return 1;
    }

    if (ngx_http_privacy_random(key, sizeof(key)) != 0
        || (daymac = ngx_http_privacy_mac_create(key, sizeof(key))) == NULL)
    {
        fprintf(stderr, "bench_hot: cannot key the daily MAC\n");
        return 1;
    }

    c = ngx_http_privacy_classifier_create();
    if (c == NULL) {
        fprintf(stderr, "bench_hot: out of memory\n");
        return 1;
    }

    for (i = 0; i < sizeof(bench_patterns) / sizeof(bench_patterns[0]); i++) {
        if (ngx_http_privacy_classifier_add(c, bench_patterns[i].category,
                (const u_char *) bench_patterns[i].pattern,
                strlen(bench_patterns[i].pattern), err, sizeof(err))
            != 0)
        {
            fprintf(stderr, "bench_hot: %s\n", err);
            return 1;
        }
    }

    scrubber = ngx_http_privacy_scrubber_create(err, sizeof(err));
    if (scrubber == NULL) {
        fprintf(stderr, "bench_hot: %s\n", err);
        return 1;
    }

    /* a visitor who granted preferences and statistics */
    memset(&consent, 0, sizeof(consent));
    memcpy(consent.version, BENCH_VERSION, sizeof(BENCH_VERSION) - 1);
    consent.version_len = sizeof(BENCH_VERSION) - 1;
    consent.categories = NGX_HTTP_PRIVACY_CAT_NECESSARY
                         | NGX_HTTP_PRIVACY_CAT_PREFERENCES
                         | NGX_HTTP_PRIVACY_CAT_STATISTICS;
    consent.decided = time(NULL) - 86400;
    (void) ngx_http_privacy_random(consent.id, sizeof(consent.id));

    len = ngx_http_privacy_consent_encode(&consent, mac, value, sizeof(value));
    if (len == 0) {
        fprintf(stderr, "bench_hot: cannot encode the consent cookie\n");
        return 1;
    }

    hdr = malloc(sizeof(bench_cookies_a) + sizeof(BENCH_CONSENT_NAME) + len
                 + sizeof(bench_cookies_b));
    if (hdr == NULL) {
        return 1;
    }

    hdr_len = (size_t) sprintf((char *) hdr, "%s%s=%.*s%s", bench_cookies_a,
                               BENCH_CONSENT_NAME, (int) len, value,
                               bench_cookies_b);

    /* check the setup: the consent decodes, marketing cookies go */
    if (!bench_consent(hdr, hdr_len, mac, time(NULL), &check)
        || check.categories != consent.categories)
    {
        fprintf(stderr, "bench_hot: the consent cookie does not decode\n");
        return 1;
    }

    keep.classifier = c;
    keep.categories = check.categories;
    n = ngx_http_privacy_cookie_filter(hdr, hdr_len, out, bench_keep, &keep,
                                       &dropped);

    printf("Cookie header: %zu bytes, 16 cookies (15 + consent); "
           "%zu dropped, %zu bytes forwarded\n", hdr_len, dropped, n);
    printf("  forwarded: %.*s\n", (int) n, out);

    if (dropped != 2) {
        fprintf(stderr, "bench_hot: expected _fbp and _gcl_au dropped\n");
        return 1;
    }

    bench_run("consent", BENCH_CONSENT, seconds, hdr, hdr_len, mac, daymac,
              &keep, scrubber);
    bench_run("filter", BENCH_FILTER, seconds, hdr, hdr_len, mac, daymac,
              &keep, scrubber);
    bench_run("request", BENCH_REQUEST, seconds, hdr, hdr_len, mac, daymac,
              &keep, scrubber);
    bench_run("pseudonym", BENCH_PSEUDONYM, seconds, hdr, hdr_len, mac,
              daymac, &keep, scrubber);
    bench_run("search", BENCH_SEARCH, seconds, hdr, hdr_len, mac, daymac,
              &keep, scrubber);

    ngx_http_privacy_scrubber_destroy(scrubber);
    ngx_http_privacy_classifier_destroy(c);
    ngx_http_privacy_mac_destroy(mac);
    ngx_http_privacy_mac_destroy(daymac);
    free(hdr);

    return 0;
}
