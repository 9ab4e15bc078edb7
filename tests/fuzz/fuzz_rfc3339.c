/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the RFC 3339 timestamps of the register API
 * (make fuzz): whatever is accepted lies in the years 1800-9999 in UTC,
 * formats to a date-time that parses back to the same instant, and a
 * formatted instant is itself a fixed point.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_rfc3339.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char     out[21], again[21];
    int64_t  t, u;

    if (ngx_http_privacy_rfc3339_parse((const char *) data, size, &t) != 0) {
        return 0;
    }

    check(t >= NGX_HTTP_PRIVACY_RFC3339_MIN
          && t <= NGX_HTTP_PRIVACY_RFC3339_MAX);

    ngx_http_privacy_rfc3339_format(t, out);

    /* twenty characters, "YYYY-MM-DDTHH:MM:SSZ" */
    check(out[4] == '-' && out[7] == '-' && out[10] == 'T'
          && out[13] == ':' && out[16] == ':' && out[19] == 'Z');

    check(ngx_http_privacy_rfc3339_parse(out, 20, &u) == 0);
    check(u == t);

    ngx_http_privacy_rfc3339_format(u, again);
    check(memcmp(out, again, sizeof(out)) == 0);

    return 0;
}
