/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The pattern the cookie report suggests for a name no privacy_cookie
 * pattern classifies (docs/dpo-guide.md): "^name$", or "^prefix" for a
 * name that ends in a generated part (_ga_ABC123, _hjSession_12345),
 * regular-expression characters escaped so that the pattern matches the
 * name literally.  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_REPORT_COOKIES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REPORT_COOKIES_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* out must hold 4 * len + 3 bytes; returns the pattern's length */
size_t ngx_http_privacy_cookie_pattern(const u_char *name, size_t len,
    u_char *out);


#endif /* _NGX_HTTP_PRIVACY_REPORT_COOKIES_H_INCLUDED_ */
