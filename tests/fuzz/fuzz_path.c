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


#include "ngx_http_privacy_path.h"
#include "ngx_http_privacy_unmask.h"
#include "fuzz_scrubber.h"


#define FUZZ_CAP  255


static int
fuzz_hex(u_char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}


static void
fuzz_check_path(const u_char *in, size_t len, const u_char *p, size_t n)
{
    size_t  i, j, digits;

    check(n <= FUZZ_CAP);
    check(!ngx_http_privacy_unmask_valid_utf8(in, len)
          || ngx_http_privacy_unmask_valid_utf8(p, n));

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
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_scrub_twice(ngx_http_privacy_path_scrub, fuzz_check_path, data,
                     size, FUZZ_CAP);
    return 0;
}
