/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Request and response headers, for any glue file: find one, add one,
 * read the tokens of a list (ngx_http_privacy_headers.c).  Below the
 * module's configuration: nginx types only.
 */

#ifndef _NGX_HTTP_PRIVACY_HEADERS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_HEADERS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

/*
 * Whether a header's name is lc, given in lower case, in any case: what
 * ngx_strncasecmp() answers, inline, for the loops that look at every
 * header of every request (docs/performance.md)
 */
static ngx_inline ngx_uint_t
ngx_http_privacy_header_named(ngx_str_t *key, const char *lc, size_t len)
{
    size_t  i;
    u_char  c;

    if (key->len != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = key->data[i];

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        if (c != (u_char) lc[i]) {
            return 0;
        }
    }

    return 1;
}


/* the first request header of that name, or NULL */
ngx_table_elt_t *ngx_http_privacy_find_header(ngx_http_request_t *r,
    char *name, size_t len);
/* key and tokens in lower case */
ngx_uint_t ngx_http_privacy_header_tokens(ngx_http_request_t *r,
    ngx_str_t *key, ngx_str_t *tokens, ngx_uint_t n);
/* the same, over the headers before the stop_n-th of the part stop */
ngx_uint_t ngx_http_privacy_header_tokens_before(ngx_http_request_t *r,
    ngx_str_t *key, ngx_str_t *tokens, ngx_uint_t n, ngx_list_part_t *stop,
    ngx_uint_t stop_n);
ngx_int_t ngx_http_privacy_cache_private(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_privacy_add_header_n(ngx_http_request_t *r,
    u_char *key, size_t key_len, ngx_str_t *value);
#define ngx_http_privacy_add_header(r, key, value)                          \
    ngx_http_privacy_add_header_n(r, (u_char *) key, sizeof(key) - 1, value)
/*
 * n headers of one name, as the lines they make: value 0, then for each
 * further value CRLF "key: " value; lens[i] the length of value i
 */
ngx_int_t ngx_http_privacy_add_lines_n(ngx_http_request_t *r,
    u_char *key, size_t key_len, u_char *data, size_t size, uint16_t *lens,
    ngx_uint_t n);
#define ngx_http_privacy_add_lines(r, key, data, size, lens, n)             \
    ngx_http_privacy_add_lines_n(r, (u_char *) key, sizeof(key) - 1, data,  \
                                 size, lens, n)
/* what goes between two values of ngx_http_privacy_add_lines() */
#define ngx_http_privacy_line_break(key)                                    \
    (sizeof(CRLF) - 1 + sizeof(key) - 1 + sizeof(": ") - 1)

#endif /* _NGX_HTTP_PRIVACY_HEADERS_H_INCLUDED_ */
