/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What one worker process remembers between requests: the memos of
 * verified consent cookies, Cookie headers, User-Agents, content types,
 * cookie paths, the last host's registrable domain, and today's pseudonym
 * key with the pseudonyms it made, and the register connections of the
 * register API, the rights portal and the DPO's reports.  One struct,
 * created in init-process and freed in exit-process (docs/architecture.md,
 * "Per-worker state"); the configuration holds none of it.
 */

#ifndef _NGX_HTTP_PRIVACY_WORKER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_WORKER_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <pthread.h>

#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_cookie_scope.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_store.h"


/* User-Agent values already checked for bots, per worker (slots) */
#define NGX_HTTP_PRIVACY_UA_MEMO  64

typedef struct {
    u_char                           ua[256];
    size_t                           len;
    ngx_uint_t                       bot;
} ngx_http_privacy_ua_memo_t;


/* consent cookie values already verified, per worker (slots) */
#define NGX_HTTP_PRIVACY_CONSENT_MEMO  64

typedef struct {
    u_char                           value[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    size_t                           len;
    void                            *site;          /* srv_conf_t */
    ngx_http_privacy_consent_t       consent;
} ngx_http_privacy_consent_memo_t;


/*
 * Cookie headers already seen, per worker (slots): a browser sends the
 * same header with every request until its cookies change.  What the
 * consent cookie in it says depends only on its bytes (and the clock);
 * the verdict on each cookie on the bytes, the location's configuration
 * and the consent categories (ngx_http_privacy_header_memo.c).
 */
#define NGX_HTTP_PRIVACY_HEADER_MEMO          64
#define NGX_HTTP_PRIVACY_HEADER_MEMO_LEN      2048   /* longest header */
#define NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES  32     /* most presented */
/* a response's expiries, as lines: EXPIRE_BYTES and a break between two */
#define NGX_HTTP_PRIVACY_HEADER_MEMO_EXPIRY                                 \
    (NGX_HTTP_PRIVACY_EXPIRE_BYTES                                          \
     + (NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES - 1)                           \
       * ngx_http_privacy_line_break("Set-Cookie"))

/* what a slot knows of the consent cookie in its header */
#define NGX_HTTP_PRIVACY_MEMO_CONSENT_UNKNOWN  0     /* look (again) */
#define NGX_HTTP_PRIVACY_MEMO_CONSENT_NONE     1     /* the name is absent */
#define NGX_HTTP_PRIVACY_MEMO_CONSENT_VALID    2     /* age still checked */

typedef struct {
    uint16_t                         off;           /* name in the header */
    uint16_t                         len;
    unsigned                         category;
    unsigned                         denied:1;      /* under categories */
} ngx_http_privacy_memo_cookie_t;

typedef struct {
    /* the key: these bytes under this location's configuration */
    uint32_t                         hash;
    void                            *conf;
    size_t                           len;           /* 0: slot unused */
    u_char                          *value;         /* len bytes, then */
    u_char                          *out;           /*   out_len bytes */
    ngx_uint_t                       gen;           /* bumped on reuse */

    ngx_uint_t                       consent;       /* MEMO_CONSENT_* */
    ngx_http_privacy_consent_t       decoded;

    /* the verdict, when known, under these categories */
    unsigned                         verdict:1;
    unsigned                         categories;
    size_t                           out_len;
    ngx_uint_t                       dropped;
    ngx_uint_t                       npresented;
    /*
     * $privacy_stripped as the verdict listed it, kept after out's
     * bytes: a replay copies it whole
     */
    unsigned                         stripped_known:1;
    size_t                           stripped_len;
    ngx_http_privacy_memo_cookie_t   presented[
                                         NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES];

    /* with the verdict: the Set-Cookie values expiring denied cookies */
    unsigned                         expiry:1;
    unsigned                         expiry_ssl:1;
    u_char                           expiry_host[128];
    size_t                           expiry_host_len;
    u_char                           expiry_dir[128];   /* request's */
    size_t                           expiry_dir_len;
    ngx_uint_t                       expiry_paths_gen;
    u_char                          *expiry_lines;   /* MEMO_EXPIRY */
    /* requests whose headers point at the lines: not rewritten then */
    ngx_uint_t                       expiry_pins;
    size_t                           expiry_size;
    ngx_uint_t                       nexpiry;
    uint16_t                         expiry_len[
                                         NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES];
} ngx_http_privacy_header_memo_t;

/*
 * The expiries of denied cookies (ngx_http_privacy_expire.c): at most
 * privacy_expire_limit Set-Cookies and EXPIRE_BYTES bytes of them per
 * response, names up to EXPIRE_NAME bytes, paths from the request's
 * directory chain up to EXPIRE_DIRS levels.
 */
#define NGX_HTTP_PRIVACY_EXPIRE_LIMIT         32
#define NGX_HTTP_PRIVACY_EXPIRE_BYTES         4096
#define NGX_HTTP_PRIVACY_EXPIRE_NAME          256
#define NGX_HTTP_PRIVACY_EXPIRE_DIRS          3

/*
 * The locations whose pages reached the banner encoded, told in the error
 * log once each (ngx_http_privacy_banner.c), for the first BANNER_WARNED
 * of them: those have said what to fix.
 */
#define NGX_HTTP_PRIVACY_BANNER_WARNED        32

/*
 * The path each cookie name was last set with by a response of this
 * worker (slots by name): a denied cookie is expired for that path too.
 */
#define NGX_HTTP_PRIVACY_COOKIE_PATHS         64

typedef struct {
    u_char                           name[64];
    size_t                           name_len;      /* 0: slot unused */
    u_char                           path[128];
    size_t                           path_len;
    unsigned                         named:1;       /* from a Path= */
} ngx_http_privacy_cookie_path_t;

/* the last content type privacy_analytics_types was asked about */
typedef struct {
    void                            *types;         /* the hash's buckets */
    u_char                           type[64];
    size_t                           len;           /* 0: none yet */
    ngx_uint_t                       counted;
} ngx_http_privacy_type_memo_t;

/*
 * Which slot a connection's last Cookie header was in (by connection
 * number, which HTTP/2 streams share with their connection): the next
 * request on it is compared with that slot before any hashing.
 */
#define NGX_HTTP_PRIVACY_MEMO_HINTS           256

typedef struct {
    ngx_atomic_uint_t                number;        /* c->number */
    ngx_http_privacy_header_memo_t  *memo;
    ngx_uint_t                       gen;           /* memo's, when set */
} ngx_http_privacy_memo_hint_t;



/*
 * Paths as analytics stores them, scrubbed (ngx_http_privacy_path.c): a
 * site's page views go to few distinct paths, and the scrub is a PCRE2
 * match per segment.  The answer depends on the path's bytes only (the
 * scrubber is the configuration's, the same for the worker's life).
 */
#define NGX_HTTP_PRIVACY_PATH_MEMO  32

typedef struct {
    u_char                           in[256];
    size_t                           in_len;        /* 0: unused */
    u_char                           out[256];
    size_t                           out_len;
} ngx_http_privacy_path_memo_t;


/*
 * Today's pseudonyms of recent visitors: a visitor's pages come from one
 * address and User-Agent, so the HMAC runs once per visitor and day
 * rather than once per page view.  Wiped with the day's key.
 */
#define NGX_HTTP_PRIVACY_PSEUDONYM_MEMO  64
#define NGX_HTTP_PRIVACY_PSEUDONYM_IN    512

typedef struct {
    u_char                           in[NGX_HTTP_PRIVACY_PSEUDONYM_IN];
    size_t                           len;           /* 0: unused */
    uint32_t                         hash;
    u_char                           visitor[32];
} ngx_http_privacy_pseudonym_memo_t;


/*
 * One user's connection to the register (privacy_db) in this worker:
 * opened by the first pool task that needs it, used by one task at a time
 * (the lock), closed at exit-process, when the thread pool has already
 * finished its tasks (ngx_thread_pool_module's exit-process runs first).
 */
typedef struct {
    pthread_mutex_t                  lock;
    ngx_http_privacy_rdb_t          *rdb;
} ngx_http_privacy_worker_rdb_t;


/*
 * The last page view analytics queued, by what its request said: the
 * browser's next request for the same page in the same second is one
 * more view of it, counted without scrubbing the path, deriving the
 * pseudonym or hashing the view (docs/architecture.md, "The write
 * path").  The visitor is its consent id, or, counted by pseudonym,
 * what the pseudonym is made of: the address and the User-Agent.
 */
typedef struct {
    ngx_http_privacy_store_t        *store;         /* NULL: none */
    ngx_http_privacy_store_view_t    view;
    void                            *conf;
    time_t                           time;
    ngx_uint_t                       status;
    ngx_uint_t                       identified;
    size_t                           host_len;
    size_t                           uri_len;
    size_t                           addr_len;
    size_t                           ua_len;
    u_char                           host[64];
    u_char                           uri[128];
    u_char                           id[NGX_HTTP_PRIVACY_CONSENT_ID_LEN];
    u_char                           addr[NGX_INET6_ADDRSTRLEN];
    u_char                           ua[256];
} ngx_http_privacy_view_memo_t;


typedef struct {
    /* what outlives a request: the header memo's bytes */
    ngx_pool_t                      *pool;

    ngx_http_privacy_consent_memo_t  consent_memo[
                                         NGX_HTTP_PRIVACY_CONSENT_MEMO];
    ngx_http_privacy_header_memo_t   header_memo[
                                         NGX_HTTP_PRIVACY_HEADER_MEMO];
    ngx_http_privacy_memo_hint_t     memo_hints[NGX_HTTP_PRIVACY_MEMO_HINTS];
    ngx_http_privacy_ua_memo_t       ua_memo[NGX_HTTP_PRIVACY_UA_MEMO];
    ngx_http_privacy_type_memo_t     type_memo;
    ngx_http_privacy_path_memo_t     path_memo[NGX_HTTP_PRIVACY_PATH_MEMO];

    /* the last consent id analytics counted by, and its hex digits */
    u_char                           consent_id[
                                         NGX_HTTP_PRIVACY_CONSENT_ID_LEN];
    u_char                           consent_hex[
                                         2 * NGX_HTTP_PRIVACY_CONSENT_ID_LEN];
    unsigned                         consent_hexed:1;

    ngx_http_privacy_view_memo_t     view_memo;

    ngx_http_privacy_cookie_path_t   cookie_paths[
                                         NGX_HTTP_PRIVACY_COOKIE_PATHS];
    ngx_uint_t                       cookie_paths_gen;  /* bumped on change */

    /* the scopes of Set-Cookies told to the register (_state.c) */
    ngx_http_privacy_scope_memo_t    scope_memo;

    /* the last host's registrable domain (libpsl) */
    u_char                           psl_host[256];
    size_t                           psl_host_len;
    ssize_t                          psl_reg;       /* offset, -1: none */

    /* the cookie page's snapshot of cookies_seen (_seen.c) */
    u_char                          *seen_names;    /* malloc()ed */
    size_t                           seen_n;
    time_t                           seen_loaded;
    void                            *seen_task;     /* ngx_thread_task_t */
    unsigned                         seen_busy:1;

    /* this worker's copy of today's key, as a keyed MAC context */
    time_t                           day;
    ngx_http_privacy_mac_t          *day_mac;
    ngx_http_privacy_pseudonym_memo_t  pseudonyms[
                                         NGX_HTTP_PRIVACY_PSEUDONYM_MEMO];

    /* the locations told about encoded pages (ngx_loc_conf_t pointers) */
    const void                      *banner_warned[
                                         NGX_HTTP_PRIVACY_BANNER_WARNED];
    ngx_uint_t                       banner_nwarned;

    /*
     * the register API's, the rights portal's, the outbox's and the DPO's
     * connections: the outbox's own, as privacy_mail_command may take up
     * to its 30 s kill while the portal goes on answering
     */
    ngx_http_privacy_worker_rdb_t    api_rdb;
    ngx_http_privacy_worker_rdb_t    rights_rdb;
    ngx_http_privacy_worker_rdb_t    mail_rdb;
    ngx_http_privacy_worker_rdb_t    dpo_rdb;
} ngx_http_privacy_worker_t;


/*
 * NULL outside a worker process (and before its init-process).  Hidden:
 * the module's own files reach it directly, not through the GOT, on
 * every request.
 */
#if (defined __GNUC__ || defined __clang__)
__attribute__((visibility("hidden")))
#endif
extern ngx_http_privacy_worker_t  *ngx_http_privacy_worker;

ngx_int_t ngx_http_privacy_worker_init(ngx_cycle_t *cycle);
void ngx_http_privacy_worker_exit(void);


#endif /* _NGX_HTTP_PRIVACY_WORKER_H_INCLUDED_ */
