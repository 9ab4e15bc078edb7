/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The bottom of the nginx glue (docs/architecture.md, "Layers"): the
 * module's configurations (main, server: a site, location), the request
 * context, and the module's descriptor.  Types only; each glue file
 * declares its functions in its own header.
 */

#ifndef _NGX_HTTP_PRIVACY_CONF_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONF_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <libpsl.h>

#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_classify.h"
#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_worker.h"


/*
 * A per-request entry point (phase handler, filter) tests its flags and
 * leaves; its work is a function of its own that must not be inlined
 * into it, or every request, even one in a location with "privacy off",
 * would pay that work's prologue: saved registers and the stack
 * protector's canary (docs/performance.md).
 */
#if (defined __GNUC__ || defined __clang__)
#define ngx_http_privacy_noinline  __attribute__((noinline))
#else
#define ngx_http_privacy_noinline
#endif


#define NGX_HTTP_PRIVACY_UNCLASSIFIED_KEEP   0
#define NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP  1

#define NGX_HTTP_PRIVACY_SAMESITE_LAX        0
#define NGX_HTTP_PRIVACY_SAMESITE_STRICT     1
#define NGX_HTTP_PRIVACY_SAMESITE_NONE       2

#define NGX_HTTP_PRIVACY_CACHE_VARY          0
#define NGX_HTTP_PRIVACY_CACHE_PRIVATE       1

/* how a decision was made, as stored in consent receipts */
#define NGX_HTTP_PRIVACY_METHOD_PAGE         "consent_page"
#define NGX_HTTP_PRIVACY_METHOD_BANNER       "banner"
#define NGX_HTTP_PRIVACY_METHOD_WITHDRAWAL   "withdrawal"
#define NGX_HTTP_PRIVACY_METHOD_OBJECTION    "analytics_objection"
#define NGX_HTTP_PRIVACY_METHOD_UNOBJECTION  "analytics_objection_withdrawn"


typedef struct ngx_http_privacy_store_s  ngx_http_privacy_store_t;


/* a cookie's most lifetime: privacy_cookie max_age=, privacy_cookie_max_age */
typedef struct {
    ngx_str_t                        text;          /* as written: "13M" */
    ngx_http_privacy_period_t        period;        /* calendar months */
} ngx_http_privacy_cookie_cap_t;


/* "privacy_retention CATEGORY TIME" */
typedef struct {
    ngx_str_t                        category;
    ngx_str_t                        text;          /* as written: "24M" */
    time_t                           period;        /* seconds */
} ngx_http_privacy_retention_t;


typedef struct {
    ngx_str_t                        db;
    time_t                           sweep_interval;
    ngx_flag_t                       sweep_dry_run;
    ngx_str_t                        erase_command;  /* records elsewhere */
    /* the last day of the fiscal year: 12-31 */
    ngx_uint_t                       fiscal_month;
    ngx_uint_t                       fiscal_day;
    /* the http level's privacy_retention bookkeeping, if given */
    ngx_uint_t                       book_set;
    ngx_http_privacy_period_t        book_period;

    psl_ctx_t                       *psl;

    /* analytics: today's pseudonym key (shared) and the term scrubber */
    ngx_shm_zone_t                  *daykey_zone;
    void                            *scrubber;
    ngx_uint_t                       invalid_terms;

    /* privacy_analytics_bots: the file, and the compiled matcher */
    ngx_str_t                        bots_file;
    void                            *bots;

    ngx_thread_pool_t               *thread_pool;
    ngx_http_privacy_store_t        *store;

    /*
     * whether some location counts page views or shows the banner: the
     * LOG handler and the banner's filters are registered only then, so
     * that a configuration without them pays nothing for them
     * (docs/performance.md)
     */
    unsigned                         analytics_used:1;
    unsigned                         banner_used:1;

    /*
     * the subject register: its keys, and whether a location has
     * privacy_register_api (the connections are per worker:
     * ngx_http_privacy_worker.h)
     */
    void                            *register_keys;
    ngx_uint_t                       register_api;

    /* the rights portal: its keys, privacy_mail_command, the mail timer */
    void                            *rights;
} ngx_http_privacy_main_conf_t;


/*
 * A site: what a server block (or, inherited, the http block) says about
 * its controller and policy.  Two shops on one nginx have their own
 * policy, version, retention periods and secret (docs/operator-guide.md,
 * "Several sites"); the register is shared, its rows tagged by site.
 */
typedef struct {
    ngx_str_t                        secret_file;
    ngx_str_t                        version;
    ngx_str_t                        policy_file;
    ngx_str_t                        policy_conf;    /* where it was set */
    ngx_uint_t                       policy_line;

    /* the validated policy document (a jansson json_t *), or NULL */
    void                            *policy;

    ngx_array_t                      retention;  /* retention_t */

    /*
     * The languages of the site's pages (NGX_HTTP_PRIVACY_LANG_* and the
     * policy document's others, ngx_http_privacy_lang_code()), and the
     * one for a visitor who asks for none of them (privacy_default_language)
     */
#define NGX_HTTP_PRIVACY_SITE_LANGS  16
    ngx_str_t                        default_lang;
    ngx_uint_t                       lang;
    ngx_uint_t                       langs[NGX_HTTP_PRIVACY_SITE_LANGS];
    ngx_uint_t                       nlangs;

    /*
     * Keys derived from the secret; contexts are per process after fork.
     * The consent cookie's key also binds the cookie to this server's
     * scope (server name, cookie domain and path), so that two server
     * blocks sharing a secret do not share consent (docs/security.md).
     */
    u_char                          *cookie_key;    /* HKDF of the secret */
    ngx_http_privacy_mac_t          *cookie_mac;
    ngx_http_privacy_mac_t          *client_mac;

    /* the site's name in the register: the first server_name */
    ngx_str_t                        site;

    /* privacy_error_log_scrub */
    ngx_flag_t                       error_log_scrub;

    /* set while merging: a location of the server asks, one answers */
    unsigned                         banner:1;
    unsigned                         portal:1;
    unsigned                         analytics:1;   /* a location counts */
    unsigned                         ready:1;       /* http level: loaded */
    unsigned                         http:1;        /* the http level's */
} ngx_http_privacy_srv_conf_t;


typedef struct {
    ngx_flag_t                       enable;
    ngx_flag_t                       gpc;
    ngx_uint_t                       unclassified;
    ngx_uint_t                       cache;

    /* this level's own patterns, then the effective list after merge */
    ngx_http_privacy_classifier_t   *own;
    ngx_http_privacy_classifier_t   *classifier;

    /* privacy_cookie_max_age by category index; caps: any cap applies */
    ngx_http_privacy_cookie_cap_t   *category_caps[NGX_HTTP_PRIVACY_CAT_COUNT];
    ngx_flag_t                       caps;

    ngx_str_t                        cookie_name;
    time_t                           cookie_max_age;
    ngx_str_t                        cookie_domain;
    ngx_str_t                        cookie_path;
    ngx_flag_t                       cookie_secure;
    ngx_uint_t                       cookie_samesite;
    /* "; Path=/; Max-Age=...; HttpOnly", formatted at merge */
    ngx_str_t                        cookie_tail;

    ngx_flag_t                       portal;
    ngx_flag_t                       banner;

    ngx_flag_t                       analytics;
    ngx_flag_t                       analytics_gpc;
    ngx_array_t                     *search_args;        /* ngx_str_t */
    ngx_hash_t                       analytics_types;
    ngx_array_t                     *analytics_types_keys;

    ngx_hash_t                       banner_types;
    ngx_array_t                     *banner_types_keys;

    /* set on a server{}'s own conf once its locations are known */
    ngx_str_t                        banner_portal;

    ngx_http_complex_value_t        *analytics_path;     /* or NULL */
    /* most expiring Set-Cookies per response (docs/security.md) */
    ngx_int_t                        expire_limit;
    /* a portal's policy.json and its ETag, built at merge (or empty) */
    ngx_str_t                        policy_json;
    ngx_str_t                        policy_etag;
    /* privacy_register_api_token: SHA-256 of the token, or NULL */
    u_char                          *register_token;
    /* privacy_report_min_visitors: a search term's k in reports */
    ngx_int_t                        report_min_visitors;
} ngx_http_privacy_loc_conf_t;


/* a cookie the browser presented that the consent state may deny */
typedef struct {
    /*
     * 16 bytes, not an ngx_str_t's 24: the array is the module's largest
     * piece of the request pool (docs/performance.md); a name is part of
     * one header line, far below 4 GB.
     */
    u_char                          *name;
    uint32_t                         name_len;
    unsigned                         category:8;  /* NGX_HTTP_PRIVACY_CAT_* */
    unsigned                         denied:1;    /* removed when judged */
} ngx_http_privacy_presented_t;


typedef struct {
    ngx_http_privacy_consent_t       consent;

    /* non-necessary cookies seen in the request, before stripping */
    ngx_array_t                      presented;

    /* "$privacy_stripped": names removed from the request and response */
    ngx_str_t                        stripped;
    size_t                           stripped_size;

    /* the header memo slot of the Cookie header, while it stays the same */
    ngx_http_privacy_header_memo_t  *memo;
    ngx_uint_t                       memo_gen;
    ngx_str_t                        memo_value;
    /* the slot whose expiry lines the response's headers point at */
    ngx_http_privacy_header_memo_t  *expiry_pinned;

    /*
     * The location whose rules the Cookie headers were last judged by;
     * presented[0 .. judged_before) were judged by an earlier location's.
     */
    ngx_http_privacy_loc_conf_t     *scan_conf;
    ngx_uint_t                       judged_before;

    /* beside the flags: no padding after either (docs/performance.md) */
    unsigned                         categories;   /* effective, with GPC */
    unsigned                         valid:1;     /* a good cookie came */
    unsigned                         decided:1;   /* ... with a choice */
    unsigned                         gpc:1;
    unsigned                         request_done:1;
    unsigned                         enforced:1;  /* cookies were stripped */
    unsigned                         decision_made:1;   /* by the portal */
    unsigned                         response:1;  /* Set-Cookie judged */
    /*
     * presented is still the held memo slot's list, not copied yet:
     * ngx_http_privacy_presented_get() makes it the request's own
     */
    unsigned                         presented_lazy:1;
} ngx_http_privacy_ctx_t;


/* a cookie category as shown to visitors */
typedef struct {
    unsigned                         bit;
    const char                      *name;         /* "statistics" */
    ngx_str_t                        title;        /* escape when shown */
    ngx_str_t                        text;
} ngx_http_privacy_category_info_t;


extern ngx_module_t  ngx_http_privacy_module;


#endif /* _NGX_HTTP_PRIVACY_CONF_H_INCLUDED_ */
