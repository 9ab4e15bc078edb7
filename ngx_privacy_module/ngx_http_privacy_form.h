/*
 * Copyright (C) ngx_privacy_module authors
 *
 * application/x-www-form-urlencoded bodies and query strings.
 * Pure C: no nginx headers, never allocates.
 */

#ifndef _NGX_HTTP_PRIVACY_FORM_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_FORM_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


typedef struct {
    const u_char  *pos;
    const u_char  *end;
} ngx_http_privacy_form_iter_t;


void ngx_http_privacy_form_iter_init(ngx_http_privacy_form_iter_t *it,
    const u_char *data, size_t len);

/*
 * Next "key=value" field separated by '&' (';' is not a separator); raw,
 * still percent-encoded spans into the buffer.  Empty fields are skipped;
 * a field without '=' has an empty value.  Returns 1, or 0 at the end.
 */
int ngx_http_privacy_form_next(ngx_http_privacy_form_iter_t *it,
    const u_char **key, size_t *key_len, const u_char **val, size_t *val_len);

/*
 * Percent-decodes src into dst (which must hold len bytes), '+' becoming a
 * space.  A '%' not followed by two hex digits is copied literally.
 * Returns the decoded length.  dst may equal src.
 */
size_t ngx_http_privacy_form_decode(const u_char *src, size_t len,
    u_char *dst);

/* 1 if the raw key, once decoded, equals name (no allocation) */
int ngx_http_privacy_form_key_is(const u_char *key, size_t key_len,
    const char *name);


#endif /* _NGX_HTTP_PRIVACY_FORM_H_INCLUDED_ */
