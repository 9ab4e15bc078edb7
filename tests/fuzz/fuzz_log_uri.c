/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the log-safe request target (make fuzz):
 *
 *   ./tests/bin/fuzz_log_uri -max_total_time=60 tests/fuzz/corpus/log_uri
 *
 * Besides memory errors it checks what $privacy_request_line promises:
 * at most the cap, printable ASCII without spaces, quotes or
 * backslashes, no ASCII "x@y.z" left (an '@' that was data is encoded
 * in a query, and the scrubber's patterns match a superset), and the
 * same result a second time.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_log_uri.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)

#define FUZZ_CAP  512


static ngx_http_privacy_scrubber_t  *scrubber;


static int
fuzz_alnum(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


static void
fuzz_check(const u_char *p, size_t n)
{
    size_t  i, j;

    check(n <= FUZZ_CAP);

    for (i = 0; i < n; i++) {
        check(p[i] > 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\');

        /* "%00@example.se": the local part was bytes no address has */
        if (p[i] != '@' || i == 0 || !fuzz_alnum(p[i - 1])
            || (i >= 3 && p[i - 3] == '%'))
        {
            continue;
        }

        for (j = i + 1; j < n && fuzz_alnum(p[j]); j++) {
            /* void */
        }

        check(!(j > i + 1 && j + 1 < n && p[j] == '.'
                && fuzz_alnum(p[j + 1])));
    }
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  err[256];

    (void) argc;
    (void) argv;

    scrubber = ngx_http_privacy_scrubber_create(err, sizeof(err));
    check(scrubber != NULL);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char  *in, *out, *again;
    size_t   n, m;

    /* exact sizes, so any overrun is caught */
    in = malloc(size ? size : 1);
    out = malloc(FUZZ_CAP);
    again = malloc(FUZZ_CAP);
    check(in != NULL && out != NULL && again != NULL);
    memcpy(in, data, size);

    n = ngx_http_privacy_log_uri(scrubber, in, size, out, FUZZ_CAP);
    fuzz_check(out, n);

    m = ngx_http_privacy_log_uri(scrubber, in, size, again, FUZZ_CAP);
    check(m == n && memcmp(out, again, n) == 0);

    free(again);
    free(out);
    free(in);

    return 0;
}
