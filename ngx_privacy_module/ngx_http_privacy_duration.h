/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention periods in words, in Swedish and English: "24M" becomes
 * "24 månader" or "24 months", "1y 6M" "1 år och 6 månader".  The policy
 * pages show the period exactly as the operator configured it.
 * Pure C: no nginx headers, never allocates.
 */

#ifndef _NGX_HTTP_PRIVACY_DURATION_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DURATION_H_INCLUDED_


#include <stddef.h>
#include <time.h>
#include <sys/types.h>


#define NGX_HTTP_PRIVACY_DURATION_SV   0
#define NGX_HTTP_PRIVACY_DURATION_EN   1

/* an output buffer of this size holds any rendering */
#define NGX_HTTP_PRIVACY_DURATION_MAX  256


/*
 * A time as ngx_parse_time(line, 1) accepts it: groups of digits with an
 * optional unit (y M w d h m s, each at most once and in that order, a
 * bare number being seconds), separated by spaces: "24M", "90d",
 * "1y 6M", "3600".  Groups of zero are left out unless all are zero.
 * Returns the length written to out, or 0 if text is not such a time or
 * the words do not fit in size bytes.
 */
size_t ngx_http_privacy_duration_words(const u_char *text, size_t len,
    unsigned lang, u_char *out, size_t size);

/*
 * A number of seconds in words, in days, hours, minutes and seconds
 * (never years: a calendar year is not a fixed number of days):
 * 15552000 is "180 dagar" / "180 days", 31536000 "365 dagar", 90000
 * "1 dag och 1 timme" / "1 day and 1 hour".  Returns the length, or 0
 * if seconds is negative or the words do not fit.
 */
size_t ngx_http_privacy_duration_seconds(time_t seconds, unsigned lang,
    u_char *out, size_t size);


#endif /* _NGX_HTTP_PRIVACY_DURATION_H_INCLUDED_ */
