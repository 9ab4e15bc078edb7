/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Micro-benchmark of ngx_http_privacy_search_normalize(): nanoseconds per
 * call over a mix of realistic raw search arguments, as browsers send
 * them.  Most are plain shop searches; about a quarter carry something
 * the scrubber replaces.  Built and run by tests/bench/micro.sh.
 *
 *   bench_search [seconds]
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_search.h"
#include "bench_time.h"


static const char  *bench_terms[] = {
    "golvsp%C3%A5nad",
    "trall+28x120",
    "45x95+regel",
    "reglar+45+x+70+mm",
    "skruv+4%2C2x35",
    "iphone+15",
    "Tr%C3%A4skruv+rostfri",
    "GOLVSP%C3%85NAD+Ektr%C3%A4",
    "f%C3%B6nsterf%C3%A4rg+vit",
    "gipsskiva+13+mm",
    "art+nr+12345",
    "%C3%A5r+2024",
    "tapet",
    "kakel+badrum+30x60",
    "impregnerat+virke+45x145+4800",
    "l%C3%A5ngt+s%C3%B6kord+med+m%C3%A5nga+ord+om+altanbygge+och+trall",
    "Anna+Svensson+anna.s%40example.se+19811218-9876",
    "ring+070-123+45+67",
    "%2B46+70+123+45+67",
    "order+88812345",
    "811278-9873",
    "kontakt%40firma.se",
    "%2B1+(555)+123-4567",
    "4111+1111+1111+1111",
};


int
main(int argc, char **argv)
{
    char                          err[256];
    u_char                        out[NGX_HTTP_PRIVACY_SEARCH_MAX];
    size_t                        i, n, nterms, len[64], calls, sum;
    double                        seconds, start, elapsed;
    ngx_http_privacy_scrubber_t  *s;

    seconds = argc > 1 ? atof(argv[1]) : 2.0;
    nterms = sizeof(bench_terms) / sizeof(bench_terms[0]);

    s = ngx_http_privacy_scrubber_create(err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "bench_search: %s\n", err);
        return 1;
    }

    for (i = 0; i < nterms; i++) {
        len[i] = strlen(bench_terms[i]);
    }

    /* warm caches and the JIT code */
    sum = 0;
    for (i = 0; i < 1000 * nterms; i++) {
        ngx_http_privacy_search_normalize(s,
            (const u_char *) bench_terms[i % nterms], len[i % nterms],
            out, &n);
        sum += n;
    }

    calls = 0;
    start = bench_now();

    do {
        for (i = 0; i < 100 * nterms; i++) {
            ngx_http_privacy_search_normalize(s,
                (const u_char *) bench_terms[i % nterms], len[i % nterms],
                out, &n);
            sum += n;
        }

        calls += 100 * nterms;
        elapsed = bench_now() - start;

    } while (elapsed < seconds);

    printf("search normalize: %zu terms (%zu distinct) in %.2f s: "
           "%.0f ns/term (checksum %zu)\n",
           calls, nterms, elapsed, elapsed * 1e9 / calls, sum);

    ngx_http_privacy_scrubber_destroy(s);

    return 0;
}
