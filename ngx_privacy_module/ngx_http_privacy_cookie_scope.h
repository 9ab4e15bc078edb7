/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Where a backend sets a cookie, for the DPO's cookie report
 * (docs/dpo-guide.md, docs/database.md "cookie_scopes"): the Path and
 * Domain attributes of a Set-Cookie header, normalised so that they can
 * be stored and shown, and a per-worker memo that lets each (name, path,
 * domain) reach the register once, a few per name.  Pure C over buffers
 * and lengths: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_COOKIE_SCOPE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_SCOPE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


/* the longest path or domain stored, in bytes, a cut one ending in "..." */
#define NGX_HTTP_PRIVACY_SCOPE_MAX       64
/* the most scopes a worker (and the register) keeps per cookie name */
#define NGX_HTTP_PRIVACY_SCOPE_PER_NAME  8
/* the worker's memo: slots of (name, scope) hashes */
#define NGX_HTTP_PRIVACY_SCOPE_MEMO      512


/*
 * A Set-Cookie's scope as stored: path is the Path attribute when it
 * starts with '/' (RFC 6265 5.2.4), else empty (the browser takes the
 * directory of the page, which is not recorded: it may name a person);
 * domain is the Domain attribute without its leading '.', lower-cased
 * (RFC 6265 5.2.3), else empty (a host-only cookie).  Bytes outside
 * visible ASCII (and, in a domain, anything but letters, digits, '.',
 * '-' and '_') are written %XX; a longer value is cut and ends in "...".
 */
typedef struct {
    u_char                path[NGX_HTTP_PRIVACY_SCOPE_MAX];
    size_t                path_len;
    u_char                domain[NGX_HTTP_PRIVACY_SCOPE_MAX];
    size_t                domain_len;
} ngx_http_privacy_cookie_scope_t;


typedef struct {
    uint32_t              name;         /* hashes; both 0: slot unused */
    uint32_t              scope;
} ngx_http_privacy_scope_slot_t;

typedef struct {
    ngx_http_privacy_scope_slot_t  slots[NGX_HTTP_PRIVACY_SCOPE_MEMO];
    size_t                         used;
} ngx_http_privacy_scope_memo_t;


/* the scope of a Set-Cookie header value */
void ngx_http_privacy_cookie_scope(const u_char *value, size_t len,
    ngx_http_privacy_cookie_scope_t *scope);

/*
 * 1 the first time this memo meets (name, scope) while the name has
 * fewer than SCOPE_PER_NAME scopes in it and the memo has room; 0 for
 * one met before, or when either is full.  An all-zero memo is empty.
 */
int ngx_http_privacy_scope_memo_first(ngx_http_privacy_scope_memo_t *m,
    const u_char *name, size_t name_len,
    const ngx_http_privacy_cookie_scope_t *scope);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_SCOPE_H_INCLUDED_ */
