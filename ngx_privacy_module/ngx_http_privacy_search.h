/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Site-search terms, made safe to store under legitimate interest:
 * percent-decoded, UTF-8 validated, lowercased, whitespace-collapsed,
 * scrubbed of personal data and capped.  Pure C over PCRE2 (JIT), no
 * nginx headers.  A scrubber is compiled once and then only read, but
 * PCRE2 match data is per call, so it may be shared by threads.
 */

#ifndef _NGX_HTTP_PRIVACY_SEARCH_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SEARCH_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* the stored term never exceeds this many bytes (cut at a character) */
#define NGX_HTTP_PRIVACY_SEARCH_MAX      100
/* raw input beyond this many bytes is ignored before decoding */
#define NGX_HTTP_PRIVACY_SEARCH_RAW_MAX  1024
/* what ngx_http_privacy_search_clean() may write */
#define NGX_HTTP_PRIVACY_SEARCH_BUF      (4 * NGX_HTTP_PRIVACY_SEARCH_RAW_MAX)

/* flags of ngx_http_privacy_search_clean() */
#define NGX_HTTP_PRIVACY_SEARCH_PATH     0x01    /* a path segment */
/* in a path segment, a number of this many digits is a [number] */
#define NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS  9


typedef struct ngx_http_privacy_scrubber_s  ngx_http_privacy_scrubber_t;

typedef enum {
    NGX_HTTP_PRIVACY_SEARCH_OK = 0,
    NGX_HTTP_PRIVACY_SEARCH_EMPTY,          /* nothing left to store */
    NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8    /* dropped; the caller counts */
} ngx_http_privacy_search_rc_e;


/* compiles the patterns; NULL with a message in err on failure */
ngx_http_privacy_scrubber_t *ngx_http_privacy_scrubber_create(char *err,
    size_t err_len);
void ngx_http_privacy_scrubber_destroy(ngx_http_privacy_scrubber_t *s);

/*
 * raw is the argument value as it appears in the query string
 * (percent-encoded, '+' meaning space).  out must hold
 * NGX_HTTP_PRIVACY_SEARCH_MAX bytes.  Placeholders: "[email]", "[phone]",
 * "[personnummer]" (also samordningsnummer), "[number]".
 */
ngx_http_privacy_search_rc_e ngx_http_privacy_search_normalize(
    const ngx_http_privacy_scrubber_t *s, const u_char *raw, size_t len,
    u_char *out, size_t *out_len);

/*
 * The scrubbing steps alone, over text already decoded once (at most
 * NGX_HTTP_PRIVACY_SEARCH_RAW_MAX bytes): further percent-decoding,
 * UTF-8 validation, folding, "(at)" forms, the patterns; no cap.  out
 * (which may be in) must hold NGX_HTTP_PRIVACY_SEARCH_BUF bytes;
 * *replacements, if not NULL, is the number of placeholders put in.
 */
ngx_http_privacy_search_rc_e ngx_http_privacy_search_clean(
    const ngx_http_privacy_scrubber_t *s, unsigned flags, const u_char *in,
    size_t len, u_char *out, size_t *out_len, size_t *replacements);


#endif /* _NGX_HTTP_PRIVACY_SEARCH_H_INCLUDED_ */
