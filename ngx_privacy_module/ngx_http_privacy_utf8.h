/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Cutting text to a length without splitting a UTF-8 sequence (RFC 3629):
 * host names and search terms kept, quotes in error messages.  Pure C,
 * inline: a host name is cut on every page view.
 */

#ifndef _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/*
 * The longest prefix of p (len bytes) of at most max bytes that does not
 * end inside a UTF-8 sequence: len itself when it fits.
 */
static inline size_t
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


#endif /* _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_ */
