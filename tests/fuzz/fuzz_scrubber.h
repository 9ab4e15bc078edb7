/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the fuzz targets of the scrubbers share (fuzz_log_uri.c,
 * fuzz_path.c, fuzz_search.c): one scrubber made at start, the check
 * that aborts, and a run of a scrubbing function twice over an input
 * copied to a buffer of its exact size, so that any overrun is caught
 * and the second result must be the first.
 */

#ifndef _FUZZ_SCRUBBER_H_INCLUDED_
#define _FUZZ_SCRUBBER_H_INCLUDED_


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_search.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


typedef size_t (*fuzz_scrub_pt)(const ngx_http_privacy_scrubber_t *s,
    const u_char *in, size_t len, u_char *out, size_t cap);

/* what the target asserts of a result, given the input */
typedef void (*fuzz_verify_pt)(const u_char *in, size_t len,
    const u_char *out, size_t n);


static ngx_http_privacy_scrubber_t  *scrubber;


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


static inline int
fuzz_alnum(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


static inline void
fuzz_scrub_twice(fuzz_scrub_pt scrub, fuzz_verify_pt verify,
    const uint8_t *data, size_t size, size_t cap)
{
    u_char  *in, *out, *again;
    size_t   n, m;

    in = malloc(size ? size : 1);
    out = malloc(cap);
    again = malloc(cap);
    check(in != NULL && out != NULL && again != NULL);
    memcpy(in, data, size);

    n = scrub(scrubber, in, size, out, cap);
    verify(in, size, out, n);

    m = scrub(scrubber, in, size, again, cap);
    check(m == n && memcmp(out, again, n) == 0);

    free(again);
    free(out);
    free(in);
}


#endif /* _FUZZ_SCRUBBER_H_INCLUDED_ */
