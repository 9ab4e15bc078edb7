/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Automated clients, recognised by their User-Agent so that analytics
 * count people (docs/operator-guide.md, "Bots").  The patterns of the
 * crawler-user-agents list (built in, or a newer copy of its JSON file)
 * and a short supplement of our own are compiled at configuration time
 * into PCRE2 alternations, JIT-compiled: one per pair of first bytes,
 * one for the rest (see ngx_http_privacy_bots.c for why).  Pure C over
 * PCRE2 and jansson, no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_BOTS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BOTS_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* the bytes of a User-Agent that are looked at */
#define NGX_HTTP_PRIVACY_BOTS_UA_MAX  512


typedef struct ngx_http_privacy_bots_s  ngx_http_privacy_bots_t;


/* the built-in list (ngx_http_privacy_bots_list.c, generated) */
extern const char    *ngx_http_privacy_bots_list_version;
extern const char    *ngx_http_privacy_bots_list[];
extern const size_t   ngx_http_privacy_bots_list_n;


/*
 * file: a crawler-user-agents.json (an array of objects with a "pattern"
 * string), or NULL for the built-in list.  NULL with a message in err on
 * failure: an unreadable file, bad JSON, a pattern PCRE2 rejects (named
 * with its index).
 */
ngx_http_privacy_bots_t *ngx_http_privacy_bots_create(const char *file,
    char *err, size_t err_len);
void ngx_http_privacy_bots_destroy(ngx_http_privacy_bots_t *b);

/* the number of patterns compiled, the supplement included */
size_t ngx_http_privacy_bots_count(const ngx_http_privacy_bots_t *b);

/*
 * 1 if ua (its first NGX_HTTP_PRIVACY_BOTS_UA_MAX bytes) is a bot's: it
 * matches a pattern, or it is empty; 1 too when
 * PCRE2 fails on it (no page view is better than a bot's).  Uses the
 * matcher's own match data: one thread at a time.
 */
int ngx_http_privacy_bots_match(ngx_http_privacy_bots_t *b,
    const u_char *ua, size_t len);


#endif /* _NGX_HTTP_PRIVACY_BOTS_H_INCLUDED_ */
