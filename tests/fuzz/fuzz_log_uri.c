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


#include "ngx_http_privacy_log_uri.h"
#include "fuzz_scrubber.h"


#define FUZZ_CAP  512


static void
fuzz_check(const u_char *in, size_t len, const u_char *p, size_t n)
{
    size_t  i, j;

    (void) in;
    (void) len;

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
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scrub_twice(ngx_http_privacy_log_uri, fuzz_check, data, size,
                     FUZZ_CAP);
    return 0;
}
