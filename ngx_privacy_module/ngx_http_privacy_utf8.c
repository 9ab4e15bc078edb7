/*
 * Copyright (C) ngx_privacy_module authors
 *
 * UTF-8 cuts (ngx_http_privacy_utf8.h).
 */


#include "ngx_http_privacy_utf8.h"


size_t
ngx_http_privacy_utf8_cut(const u_char *p, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    /* step back over continuation bytes to the start of the character */
    while (max > 0 && (p[max] & 0xc0) == 0x80) {
        max--;
    }

    return max;
}
