/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Escaping for HTML text and attribute values, and for URLs placed in
 * attributes.  Pure C: no nginx headers, never allocates.
 */

#ifndef _NGX_HTTP_PRIVACY_HTML_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_HTML_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* the length of s once escaped: & < > " ' become entities */
size_t ngx_http_privacy_html_escaped_len(const u_char *s, size_t len);

/* writes the escaped text to dst, returns the end of what was written */
u_char *ngx_http_privacy_html_escape(u_char *dst, const u_char *s,
    size_t len);

/*
 * 1 if s is a safe same-site redirect target: starts with a single '/',
 * not "//" nor "/\", no control bytes, no backslash, no scheme.
 */
int ngx_http_privacy_local_path(const u_char *s, size_t len);


#endif /* _NGX_HTTP_PRIVACY_HTML_H_INCLUDED_ */
