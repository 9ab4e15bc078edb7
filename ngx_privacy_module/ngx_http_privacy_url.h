/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Pieces of URLs (RFC 3986): the authority of an absolute URL, whether
 * two authorities name the same host and port, the path of a portal
 * page.
 * Pure C: no nginx headers, never allocates.  Each rule is written here
 * once; the glue calls these.
 */

#ifndef _NGX_HTTP_PRIVACY_URL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_URL_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/*
 * The authority of "scheme://authority[/path][?query][#fragment]": the
 * bytes after "://" up to the first '/', '?' or '#' (RFC 3986, 3.2).  The
 * scheme must be a valid one (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ))
 * and, when scheme is not NULL, equal it in any case.  Returns 1 and sets
 * *auth and *auth_len, or 0 ("null", a relative reference, another
 * scheme, and an authority with userinfo: "user@host" is no origin, and
 * a Referer that carries one is not kept).
 */
int ngx_http_privacy_url_authority(const u_char *url, size_t len,
    const char *scheme, const u_char **auth, size_t *auth_len);

/*
 * Splits "host[:port]" (the host may be an IPv6 literal in brackets):
 * returns the host's length and sets *port to the port, or to dflt when
 * there is none; -1 for an empty host or a port outside 1-65535.
 */
ssize_t ngx_http_privacy_url_host(const u_char *auth, size_t len,
    unsigned dflt, unsigned *port);

/*
 * 1 if two authorities ("host[:port]") name the same host (any case) and
 * the same port, dflt standing for an absent one (RFC 6454: an origin is
 * scheme, host and port); 0 otherwise, and for any malformed one.
 */
int ngx_http_privacy_url_same_authority(const u_char *a, size_t a_len,
    const u_char *b, size_t b_len, unsigned dflt);

/*
 * A portal page's path: the location's prefix, a '/' unless it ends with
 * one, and the page name ("" for the prefix itself, with its '/').  dst
 * has room for NGX_HTTP_PRIVACY_URL_JOIN_LEN(prefix_len, page_len) bytes;
 * returns the length written.
 */
#define NGX_HTTP_PRIVACY_URL_JOIN_LEN(prefix_len, page_len)                  \
    ((prefix_len) + 1 + (page_len))

size_t ngx_http_privacy_url_join(u_char *dst, const u_char *prefix,
    size_t prefix_len, const u_char *page, size_t page_len);


#endif /* _NGX_HTTP_PRIVACY_URL_H_INCLUDED_ */
