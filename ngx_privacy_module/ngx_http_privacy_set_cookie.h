/*
 * Copyright (C) ngx_privacy_module authors
 *
 * When a Set-Cookie header deletes its cookie, decided as a browser
 * does (RFC 6265 5.2.1, 5.2.2 and 5.3): a valid Max-Age of zero or less,
 * else a valid Expires date in the past.  An attribute a browser ignores
 * ("Max-Age=-", "Max-Age=1e3", "Expires=soon") deletes nothing: the
 * browser stores a session cookie.  Pure C over buffers and lengths.
 */

#ifndef _NGX_HTTP_PRIVACY_SET_COOKIE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SET_COOKIE_H_INCLUDED_


#include <stddef.h>
#include <time.h>
#include <sys/types.h>


/*
 * RFC 6265 5.2.2: 1 and *nonpositive set if v is a valid Max-Age value
 * (an optional '-' then one or more digits, nothing else), 0 if a
 * browser ignores it.
 */
int ngx_http_privacy_max_age_parse(const u_char *v, size_t len,
    int *nonpositive);

/*
 * RFC 6265 5.1.1, the cookie-date algorithm: 1 and *t (seconds since the
 * epoch, UTC) if v is a date a browser accepts, else 0.
 */
int ngx_http_privacy_cookie_date_parse(const u_char *v, size_t len,
    time_t *t);

/*
 * 1 if a browser receiving the Set-Cookie header value removes the
 * cookie at time now: the last valid Max-Age decides, and without one
 * the last valid Expires (RFC 6265 5.3 step 3).
 */
int ngx_http_privacy_set_cookie_deletes(const u_char *value, size_t len,
    time_t now);


/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define NGX_HTTP_PRIVACY_HTTP_DATE_LEN  29

/*
 * A Set-Cookie whose cookie may live at most max_age seconds from now
 * (a cookie's declared lifetime, docs/directives.md): every valid
 * Max-Age above max_age becomes max_age, every valid Expires later than
 * now + max_age becomes that date (an HTTP date); values a browser
 * ignores, and the rest of the header, stay as they are.  out must hold
 * 2 * len bytes.  Returns the rewritten length, or 0 if nothing needs
 * to change (out is then undefined).
 */
size_t ngx_http_privacy_set_cookie_cap(const u_char *value, size_t len,
    time_t now, time_t max_age, u_char *out);


#endif /* _NGX_HTTP_PRIVACY_SET_COOKIE_H_INCLUDED_ */
