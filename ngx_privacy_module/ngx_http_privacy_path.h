/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The path of a page view, made safe to store under legitimate interest
 * (docs/security.md, "Personal data in paths"): each segment goes
 * through the search term scrubber.  Pure C, no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_PATH_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_PATH_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>

#include "ngx_http_privacy_search.h"


/* what a segment that cannot be shown to be clean becomes */
#define NGX_HTTP_PRIVACY_PATH_REDACTED  "[redacted]"


/*
 * path is a decoded path (r->uri, or what privacy_analytics_path made);
 * anything from a '?' or '#' on is ignored.  Writes at most cap bytes of
 * UTF-8 to out and returns the length.  Segments (between '/') in which
 * the scrubber replaced nothing are copied as they are; the others are
 * stored scrubbed (lowercased, with placeholders such as "[email]").
 * Segments that do not fit are left out whole: the result ends with the
 * '/' before them.
 */
size_t ngx_http_privacy_path_scrub(const ngx_http_privacy_scrubber_t *s,
    const u_char *path, size_t len, u_char *out, size_t cap);


#endif /* _NGX_HTTP_PRIVACY_PATH_H_INCLUDED_ */
