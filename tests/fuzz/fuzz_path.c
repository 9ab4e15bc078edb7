/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the analytics path scrubber (make fuzz):
 *
 *   ./tests/bin/fuzz_path -max_total_time=60 tests/fuzz/corpus/path
 *
 * Besides memory errors it checks what a stored path promises: at most
 * the cap, UTF-8 when the input was, no run of 9 or more ASCII digits
 * (escapes aside) and no ASCII "x@y.z" left (the scrubber's patterns
 * match supersets of both), and the same result a second time.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_path.h"
#include "ngx_http_privacy_unmask.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)

#define FUZZ_CAP  255


static ngx_http_privacy_scrubber_t  *scrubber;


static int
fuzz_alnum(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


static int
fuzz_hex(u_char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}


static void
fuzz_check_path(const u_char *p, size_t n, int utf8)
{
    size_t  i, j, digits;

    check(n <= FUZZ_CAP);
    check(!utf8 || ngx_http_privacy_unmask_valid_utf8(p, n));

    digits = 0;

    for (i = 0; i < n; i++) {
        /* a segment kept as sent may hold escapes: "%66" is an 'f' */
        if (p[i] == '%' && n - i > 2 && fuzz_hex(p[i + 1])
            && fuzz_hex(p[i + 2]))
        {
            digits = 0;
            i += 2;
            continue;
        }

        digits = (p[i] >= '0' && p[i] <= '9') ? digits + 1 : 0;
        check(digits < NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS);

        if (p[i] != '@' || i == 0 || !fuzz_alnum(p[i - 1])) {
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

    n = ngx_http_privacy_path_scrub(scrubber, in, size, out, FUZZ_CAP);
    fuzz_check_path(out, n, ngx_http_privacy_unmask_valid_utf8(in, size));

    m = ngx_http_privacy_path_scrub(scrubber, in, size, again, FUZZ_CAP);
    check(m == n && memcmp(out, again, n) == 0);

    free(again);
    free(out);
    free(in);

    return 0;
}
