/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The Accept-Language request header (RFC 9110, section 12.5.4), as the
 * portal's pages read it: the primary language subtag of each language
 * range, in the header's order (the visitor's browser lists them by
 * preference; weights are not compared).  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_ACCEPT_LANG_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ACCEPT_LANG_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/*
 * The next range's primary subtag (letters only, possibly empty) from
 * *pos, which moves past the range; 0 when the value ends, else 1 with
 * *tag and *len.  A range whose first subtag is not only letters ("*",
 * "x1") gives len 0.
 */
int ngx_http_privacy_accept_lang_next(const u_char **pos, const u_char *last,
    const u_char **tag, size_t *len);


#endif /* _NGX_HTTP_PRIVACY_ACCEPT_LANG_H_INCLUDED_ */
