/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The cookie names the site has met, for the visitors' cookie page: a
 * per-worker snapshot read in the thread pool (ngx_http_privacy_seen.c).
 */

#ifndef _NGX_HTTP_PRIVACY_SEEN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SEEN_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* seconds a snapshot is shown before the page asks for a new one */
#define NGX_HTTP_PRIVACY_SEEN_EVERY  10


/*
 * The snapshot this worker has (*names: NUL-ended names one after
 * another, n of them; NULL and 0 before the first read); asks the
 * thread pool for a newer one when it is older than
 * NGX_HTTP_PRIVACY_SEEN_EVERY.  NGX_DECLINED without privacy_db.
 */
ngx_int_t ngx_http_privacy_seen_get(ngx_http_request_t *r,
    const u_char **names, size_t *n);


#endif /* _NGX_HTTP_PRIVACY_SEEN_H_INCLUDED_ */
