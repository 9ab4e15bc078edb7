/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A request target made safe for an access log ($privacy_request_line,
 * docs/operator-guide.md "Access logs"): the path scrubbed segment by
 * segment as a page view's is (_path.c), every query argument's name and
 * value scrubbed as a site-search term is (_search.c), the fragment
 * dropped.  Pure C, no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_LOG_URI_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_LOG_URI_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>

#include "ngx_http_privacy_search.h"


/* what an argument that the scrubber rejects (invalid UTF-8) becomes */
#define NGX_HTTP_PRIVACY_LOG_URI_INVALID  "[invalid]"

/* a buffer this large never cuts the path (whole arguments may be left out) */
#define NGX_HTTP_PRIVACY_LOG_URI_BUF      4096


/*
 * uri is the request target as the client sent it (percent-encoded,
 * with its query).  Writes at most cap bytes to out, all of them
 * printable ASCII without spaces or quotes (anything else is
 * percent-encoded), and returns the length.  Arguments that do not fit
 * are left out whole.
 */
size_t ngx_http_privacy_log_uri(const ngx_http_privacy_scrubber_t *s,
    const u_char *uri, size_t len, u_char *out, size_t cap);


#endif /* _NGX_HTTP_PRIVACY_LOG_URI_H_INCLUDED_ */
