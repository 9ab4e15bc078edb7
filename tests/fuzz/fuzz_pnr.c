/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the personnummer validator (make fuzz):
 * whatever is accepted formats to twelve digits whose own parse agrees,
 * and carries a valid Luhn check digit.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_pnr.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                  out[NGX_HTTP_PRIVACY_PNR_LEN + 1];
    ngx_http_privacy_pnr_t  pnr, again;

    if (ngx_http_privacy_pnr_parse(data, size, 2026, 12, 3, &pnr) != 0) {
        return 0;
    }

    ngx_http_privacy_pnr_format(&pnr, out);

    /* the canonical form is itself valid and means the same number */
    check(ngx_http_privacy_pnr_parse(out, sizeof(out), 2026, 12, 3, &again)
          == 0);
    check(memcmp(pnr.digits, again.digits, NGX_HTTP_PRIVACY_PNR_LEN) == 0);
    check(pnr.coordination == again.coordination);

    return 0;
}
