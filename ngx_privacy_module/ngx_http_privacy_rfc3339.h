/*
 * Copyright (C) ngx_privacy_module authors
 *
 * RFC 3339 timestamps (section 5.6) to and from unix time, over the
 * proleptic Gregorian calendar, for any year from 1800 on: historical
 * records are imported with their dates.  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_RFC3339_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_RFC3339_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/* 1800-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define NGX_HTTP_PRIVACY_RFC3339_MIN  (-5364662400LL)
#define NGX_HTTP_PRIVACY_RFC3339_MAX  253402300799LL

/*
 * A date-time with "Z" or an offset, fractions ignored, a leap second
 * read as :59; or a full-date (midnight UTC).  Years 1800-9999, in UTC
 * as well.  0 and *t on success, -1 otherwise.
 */
int ngx_http_privacy_rfc3339_parse(const char *s, size_t len, int64_t *t);

/* in UTC, "2024-03-01T12:00:00Z"; out holds 21 bytes */
void ngx_http_privacy_rfc3339_format(int64_t t, char out[21]);


#endif /* _NGX_HTTP_PRIVACY_RFC3339_H_INCLUDED_ */
