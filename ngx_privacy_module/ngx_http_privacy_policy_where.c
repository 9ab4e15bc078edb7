/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Where in the policy document a check is, and the error naming it:
 * "privacy_policy FILE: $.purposes[2].retention: ..." with the value
 * quoted safely for the log (control bytes and quotes replaced, cut at a
 * UTF-8 boundary).
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_check.h"
#include "ngx_http_privacy_utf8.h"


static u_char *ngx_http_privacy_quote_copy(u_char *p, u_char *last,
    const u_char *s, size_t len);


char *
ngx_http_privacy_check_error(ngx_http_privacy_check_t *ck, const char *fmt,
    ...)
{
    u_char   *p, msg[NGX_MAX_CONF_ERRSTR];
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    ngx_conf_log_error(NGX_LOG_EMERG, ck->cf, 0,
                       "privacy_policy \"%V\": %*s: %*s",
                       &ck->pscf->policy_file, ck->len, ck->path,
                       (size_t) (p - msg), msg);

    return NGX_CONF_ERROR;
}


/* appends ".key", or ["key"] for an unusual key; returns the old length */

size_t
ngx_http_privacy_path_key(ngx_http_privacy_check_t *ck, const char *key)
{
    u_char      *p, *last, c;
    size_t       old, len, i;
    ngx_uint_t   plain;

    old = ck->len;
    p = ck->path + ck->len;
    last = ck->path + sizeof(ck->path);
    len = ngx_strlen(key);

    plain = (len > 0);

    for (i = 0; plain && i < len; i++) {
        c = (u_char) key[i];
        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_';
    }

    if (plain) {
        p = ngx_slprintf(p, last, ".%s", key);

    } else {
        p = ngx_slprintf(p, last, "[\"");
        p = ngx_http_privacy_quote_copy(p, last, (u_char *) key, len);
        p = ngx_slprintf(p, last, "\"]");
    }

    ck->len = p - ck->path;

    return old;
}


size_t
ngx_http_privacy_path_index(ngx_http_privacy_check_t *ck, size_t i)
{
    u_char  *p;
    size_t   old;

    old = ck->len;

    p = ngx_slprintf(ck->path + ck->len, ck->path + sizeof(ck->path),
                     "[%uz]", i);
    ck->len = p - ck->path;

    return old;
}


/* a value from the document, safe for the error log, in a QUOTE_SIZE buf */

ngx_str_t
ngx_http_privacy_quote(u_char *buf, const char *s)
{
    ngx_str_t  q;

    if (s == NULL) {
        s = "";
    }

    q.data = buf;
    q.len = ngx_http_privacy_quote_copy(buf, buf + NGX_HTTP_PRIVACY_QUOTE_SIZE,
                                        (u_char *) s, ngx_strlen(s))
            - buf;

    return q;
}


static u_char *
ngx_http_privacy_quote_copy(u_char *p, u_char *last, const u_char *s,
    size_t len)
{
    size_t  i, n;

    n = ngx_http_privacy_utf8_cut(s, len, NGX_HTTP_PRIVACY_QUOTE_MAX);

    for (i = 0; i < n && p < last; i++) {
        *p++ = (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\')
               ? '?' : s[i];
    }

    if (n < len) {
        p = ngx_slprintf(p, last, "...");
    }

    return p;
}
