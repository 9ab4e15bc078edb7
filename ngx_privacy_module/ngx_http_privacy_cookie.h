/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Parsing of Cookie and Set-Cookie header values (RFC 6265, with the
 * leniency browsers show).  Pure C: works on buffers and lengths and never
 * allocates, so it is unit-tested and fuzzed without nginx.
 */

#ifndef _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* one cookie of a Cookie header: spans into the caller's buffer */
typedef struct {
    const u_char  *name;        /* trimmed; name_len 0 for "=v" or "v" */
    size_t         name_len;
    const u_char  *value;       /* trimmed, quotes kept */
    size_t         value_len;
    const u_char  *start;       /* the pair as written, trimmed at both */
    size_t         len;         /*   ends: forwarded byte for byte */
} ngx_http_privacy_cookie_pair_t;


typedef struct {
    const u_char  *pos;
    const u_char  *end;
} ngx_http_privacy_cookie_iter_t;


/* callback deciding whether a cookie stays: 1 keep, 0 drop */
typedef int (*ngx_http_privacy_cookie_keep_pt)(void *data,
    const ngx_http_privacy_cookie_pair_t *pair);


void ngx_http_privacy_cookie_iter_init(ngx_http_privacy_cookie_iter_t *it,
    const u_char *value, size_t len);

/*
 * Produces the next cookie; returns 1, or 0 at the end.  Separators are
 * ';' with optional spaces/tabs around; empty segments (";;", "; ;") are
 * skipped.  A segment without '=' is a cookie with an empty name whose
 * value is the segment (as browsers treat it).  Any other byte, including
 * non-ASCII and control bytes, is part of a name or value.
 */
int ngx_http_privacy_cookie_next(ngx_http_privacy_cookie_iter_t *it,
    ngx_http_privacy_cookie_pair_t *pair);

/*
 * Writes the cookies that keep() accepts to out, in their original order
 * and spelling, joined with "; ".  out must hold len bytes (the result is
 * never longer than the input).  Returns the output length; *dropped is
 * set to the number of cookies removed.
 */
size_t ngx_http_privacy_cookie_filter(const u_char *value, size_t len,
    u_char *out, ngx_http_privacy_cookie_keep_pt keep, void *data,
    size_t *dropped);

/*
 * The name of the cookie a Set-Cookie header value sets: the trimmed text
 * before the first '=' of the part before the first ';'.  Returns 0 and
 * sets name/name_len (name_len may be 0 for "=v" or a value without '='),
 * or -1 if the value is empty.
 */
int ngx_http_privacy_set_cookie_name(const u_char *value, size_t len,
    const u_char **name, size_t *name_len);

/*
 * The value of attribute attr (case-insensitive, e.g. "Path", "Domain")
 * of a Set-Cookie header value, trimmed; the last occurrence wins as in
 * RFC 6265.  Returns 1 and sets val/val_len, or 0 if absent.
 */
int ngx_http_privacy_set_cookie_attr(const u_char *value, size_t len,
    const char *attr, const u_char **val, size_t *val_len);

/* called with each other name a backend may read in a pair: 1 stops */
typedef int (*ngx_http_privacy_cookie_alias_pt)(void *data,
    const u_char *name, size_t len);

/*
 * The other names a common backend could read in a cookie pair than
 * pair->name, each passed to alias() until it returns 1 (then 1 is
 * returned, else 0): the whole segment of a pair without '=' (read as a
 * name by several frameworks), the name of each ','-separated part
 * (frameworks that still split on ','), each of these percent-decoded,
 * and with ' ', '.' and '[' read as '_' (PHP).  buf must hold pair->len
 * bytes.  A pair with none of '=' missing, ',', '%', ' ', '.', '[' costs
 * one pass over its bytes.
 */
int ngx_http_privacy_cookie_aliases(const ngx_http_privacy_cookie_pair_t *pair,
    u_char *buf, ngx_http_privacy_cookie_alias_pt alias, void *data);

/*
 * 1 if name may be sent back in a Set-Cookie header as is: a non-empty
 * RFC 6265 token (no CTLs, separators, spaces or non-ASCII bytes).
 */
int ngx_http_privacy_cookie_name_valid(const u_char *name, size_t len);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_ */
