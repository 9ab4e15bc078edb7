/*
 * Copyright (C) ngx_privacy_module authors
 *
 * HTML escaping for everything user-supplied that reaches a page (search
 * terms, cookie names, register data in DPO reports), and the check that
 * a redirect target stays on this site.
 */


#include <string.h>

#include "ngx_http_privacy_html.h"


static const char *ngx_http_privacy_html_entity(u_char c, size_t *len);


size_t
ngx_http_privacy_html_escaped_len(const u_char *s, size_t len)
{
    size_t  i, n, elen;

    n = len;

    for (i = 0; i < len; i++) {
        if (ngx_http_privacy_html_entity(s[i], &elen)) {
            n += elen - 1;
        }
    }

    return n;
}


u_char *
ngx_http_privacy_html_escape(u_char *dst, const u_char *s, size_t len)
{
    size_t       i, elen;
    const char  *entity;

    for (i = 0; i < len; i++) {
        entity = ngx_http_privacy_html_entity(s[i], &elen);

        if (entity == NULL) {
            /* bytes >= 0x80 pass: pages are UTF-8 and so is the input */
            *dst++ = s[i];
            continue;
        }

        memcpy(dst, entity, elen);
        dst += elen;
    }

    return dst;
}


int
ngx_http_privacy_local_path(const u_char *s, size_t len)
{
    size_t  i;

    if (len == 0 || s[0] != '/') {
        /* "shop", "http://x" and "javascript:x" all end here */
        return 0;
    }

    /* browsers read "//host" and "/\host" as another site */
    if (len > 1 && (s[1] == '/' || s[1] == '\\')) {
        return 0;
    }

    /*
     * Browsers drop tabs and newlines from URLs ("/\t/evil" becomes
     * "//evil") and treat '\' like '/', so neither may appear anywhere;
     * CR and LF would also split the Location header.
     */
    for (i = 0; i < len; i++) {
        if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\') {
            return 0;
        }
    }

    return 1;
}


/*
 * The one table both escaped_len() and escape() use, so the length
 * computed always matches what is written.  "&#39;" rather than "&apos;"
 * because HTML 4 does not know the latter.
 */
static const char *
ngx_http_privacy_html_entity(u_char c, size_t *len)
{
    switch (c) {

    case '&':
        *len = sizeof("&amp;") - 1;
        return "&amp;";

    case '<':
        *len = sizeof("&lt;") - 1;
        return "&lt;";

    case '>':
        *len = sizeof("&gt;") - 1;
        return "&gt;";

    case '"':
        *len = sizeof("&quot;") - 1;
        return "&quot;";

    case '\'':
        *len = sizeof("&#39;") - 1;
        return "&#39;";

    default:
        return NULL;
    }
}
