/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Cutting text to a length without splitting a UTF-8 sequence (RFC 3629):
 * host names and search terms kept, quotes in error messages.  Pure C.
 */

#ifndef _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/*
 * The longest prefix of p (len bytes) of at most max bytes that does not
 * end inside a UTF-8 sequence: len itself when it fits.
 */
size_t ngx_http_privacy_utf8_cut(const u_char *p, size_t len, size_t max);


#endif /* _NGX_HTTP_PRIVACY_UTF8_H_INCLUDED_ */
