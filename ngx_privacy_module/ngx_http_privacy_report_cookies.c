/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_report_cookies.h"


/* where a generated suffix starts: after the last separator, or len */

static size_t
ngx_http_privacy_cookie_prefix(const u_char *name, size_t len)
{
    size_t  i, sep, digits;

    sep = len;

    for (i = len; i > 0; i--) {
        if (name[i - 1] == '_' || name[i - 1] == '-' || name[i - 1] == '.') {
            sep = i;
            break;
        }
    }

    /* a suffix of 4 or more letters and digits, with a digit in it */
    if (sep == len || sep < 2 || len - sep < 4) {
        return len;
    }

    digits = 0;

    for (i = sep; i < len; i++) {
        if (name[i] >= '0' && name[i] <= '9') {
            digits++;

        } else if (!((name[i] >= 'a' && name[i] <= 'z')
                     || (name[i] >= 'A' && name[i] <= 'Z')))
        {
            return len;
        }
    }

    return digits ? sep : len;
}


size_t
ngx_http_privacy_cookie_pattern(const u_char *name, size_t len, u_char *out)
{
    size_t   i, n;
    u_char  *p;

    n = ngx_http_privacy_cookie_prefix(name, len);
    p = out;

    *p++ = '^';

    for (i = 0; i < n; i++) {
        if (name[i] < 0x21 || name[i] >= 0x7f) {
            p += sprintf((char *) p, "\\x%02x", name[i]);
            continue;
        }

        /* PCRE's metacharacters, and the quotes of a config string */
        if (strchr("\\^$.|?*+()[]{}'\"", name[i]) != NULL) {
            *p++ = '\\';
        }

        *p++ = name[i];
    }

    if (n == len) {
        *p++ = '$';
    }

    return p - out;
}
