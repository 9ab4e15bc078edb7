/*
 * Copyright (C) ngx_privacy_module authors
 */


#include "ngx_http_privacy_accept_lang.h"


int
ngx_http_privacy_accept_lang_next(const u_char **pos, const u_char *last,
    const u_char **tag, size_t *len)
{
    const u_char  *p, *q;

    p = *pos;

    while (p < last && (*p == ' ' || *p == ',')) {
        p++;
    }

    if (p == last) {
        *pos = p;
        return 0;
    }

    for (q = p; q < last && ((*q >= 'a' && *q <= 'z')
                             || (*q >= 'A' && *q <= 'Z'));
         q++)
    {
        /* void: the primary language subtag */
    }

    *tag = p;
    *len = (q == last || *q == '-' || *q == ',' || *q == ';' || *q == ' ')
           ? (size_t) (q - p) : 0;

    while (q < last && *q != ',') {
        q++;
    }

    *pos = q;

    return 1;
}
