/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Request and response headers (ngx_http_privacy_headers.h).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_headers.h"


/* the first request header of that name, or NULL */

ngx_table_elt_t *
ngx_http_privacy_find_header(ngx_http_request_t *r, char *name, size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &r->headers_in.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash && h[i].key.len == len
                && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
            {
                return &h[i];
            }
        }
    }

    return NULL;
}


/* a new response header's fields, as the header filters expect them */

static ngx_inline void
ngx_http_privacy_header_set(ngx_table_elt_t *h, u_char *key, size_t key_len,
    u_char *data, size_t len)
{
    h->hash = 1;
    h->key.data = key;
    h->key.len = key_len;
    h->value.data = data;
    h->value.len = len;
    h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
}


/*
 * Appends a response header; the key must outlive the request (the
 * ngx_http_privacy_add_header() macro passes a literal and its length).
 */

ngx_table_elt_t *
ngx_http_privacy_add_header_n(ngx_http_request_t *r, u_char *key,
    size_t key_len, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    ngx_http_privacy_header_set(h, key, key_len, value->data, value->len);

    return h;
}


/*
 * n headers of one name, given as the lines they make: the values joined
 * by CRLF and "key: " (ngx_http_privacy_add_lines() in the header, lens
 * the values' lengths).  HTTP/1.x writes a header as "key: value" CRLF,
 * so one header holding the joined lines puts the same bytes on the wire
 * as n headers, and nginx's header filter copies one value instead of
 * formatting n (the undecided visitor's expiries are 16 headers,
 * docs/performance.md).  HTTP/2 and HTTP/3 encode each header as a
 * field of its own, which may not hold a line break: there each value
 * gets its own header.
 */

ngx_int_t
ngx_http_privacy_add_lines_n(ngx_http_request_t *r, u_char *key,
    size_t key_len, u_char *data, size_t size, uint16_t *lens, ngx_uint_t n)
{
    ngx_uint_t        k;
    ngx_list_t       *l;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (n == 0) {
        return NGX_OK;
    }

    if (r->http_version < NGX_HTTP_VERSION_20) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        ngx_http_privacy_header_set(h, key, key_len, data, size);

        return NGX_OK;
    }

    /* a part's free slots taken at once, as ngx_list_push() would */
    l = &r->headers_out.headers;

    while (n) {
        part = l->last;

        if (part->nelts == l->nalloc) {
            h = ngx_list_push(l);
            if (h == NULL) {
                return NGX_ERROR;
            }

            k = 1;

        } else {
            h = (ngx_table_elt_t *) part->elts + part->nelts;
            k = ngx_min(n, l->nalloc - part->nelts);
            part->nelts += k;
        }

        n -= k;

        while (k--) {
            ngx_http_privacy_header_set(h++, key, key_len, data, *lens);
            data += *lens++ + sizeof(CRLF) - 1 + key_len + sizeof(": ") - 1;
        }
    }

    return NGX_OK;
}


/*
 * Which of n tokens the response headers named key (in lower case) list:
 * bit i for tokens[i], given in lower case (matched case-insensitively in a
 * comma-separated list, as "token", "token=..." or "token;...").  One
 * pass over the headers answers for all the tokens.
 */

ngx_uint_t
ngx_http_privacy_header_tokens(ngx_http_request_t *r, ngx_str_t *key,
    ngx_str_t *tokens, ngx_uint_t n)
{
    return ngx_http_privacy_header_tokens_before(r, key, tokens, n, NULL, 0);
}


/*
 * Headers appended after the stop (the module's own expiring Set-Cookies,
 * docs/performance.md) need not be looked at: the search ends there.
 */

ngx_uint_t
ngx_http_privacy_header_tokens_before(ngx_http_request_t *r, ngx_str_t *key,
    ngx_str_t *tokens, ngx_uint_t n, ngx_list_part_t *stop, ngx_uint_t stop_n)
{
    size_t            len;
    u_char           *p, *last;
    ngx_uint_t        i, t, has, nelts;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    has = 0;

    for (part = &r->headers_out.headers.part; part; part = part->next) {

        h = part->elts;
        nelts = (part == stop) ? ngx_min(stop_n, part->nelts) : part->nelts;

        for (i = 0; i < nelts; i++) {

            if (h[i].hash == 0
                || !ngx_http_privacy_header_named(&h[i].key,
                                                  (char *) key->data,
                                                  key->len))
            {
                continue;
            }

            p = h[i].value.data;
            last = p + h[i].value.len;

            while (p < last) {
                while (p < last && (*p == ' ' || *p == ',' || *p == '\t')) {
                    p++;
                }

                for (t = 0; t < n; t++) {
                    len = tokens[t].len;

                    if ((size_t) (last - p) >= len
                        && ngx_strncasecmp(p, tokens[t].data, len) == 0
                        && (p + len == last || p[len] == ',' || p[len] == ' '
                            || p[len] == ';' || p[len] == '='))
                    {
                        has |= (ngx_uint_t) 1 << t;
                    }
                }

                while (p < last && *p != ',') {
                    p++;
                }
            }
        }

        if (part == stop) {
            break;
        }
    }

    return has;
}


/* "Cache-Control: private", unless the response is already private */

ngx_int_t
ngx_http_privacy_cache_private(ngx_http_request_t *r)
{
    ngx_str_t  value;

    static ngx_str_t  cache_control = ngx_string("cache-control");
    static ngx_str_t  tokens[] = {
        ngx_string("private"), ngx_string("no-store")
    };

    if (ngx_http_privacy_header_tokens(r, &cache_control, tokens, 2)) {
        return NGX_OK;
    }

    ngx_str_set(&value, "private");

    return ngx_http_privacy_add_header(r, "Cache-Control", &value)
           ? NGX_OK : NGX_ERROR;
}
