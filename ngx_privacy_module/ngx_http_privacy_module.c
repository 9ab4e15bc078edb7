/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Module glue: directives, configuration create/merge, variables, phase
 * and filter registration, and the per-worker start and exit.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_lang.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_banner_request.h"
#include "ngx_http_privacy_analytics.h"
#include "ngx_http_privacy_portal.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_api_conf.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_site.h"
#include "ngx_http_privacy_variables.h"
#include "ngx_http_privacy_directives.h"
#include "ngx_http_privacy_expire.h"
#include "ngx_http_privacy_db_conf.h"
#include "ngx_http_privacy_error_log.h"


static void *ngx_http_privacy_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_privacy_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_privacy_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_privacy_rewrite_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_init_process(ngx_cycle_t *cycle);
static void ngx_http_privacy_exit_process(ngx_cycle_t *cycle);



static ngx_conf_enum_t  ngx_http_privacy_unclassified_values[] = {
    { ngx_string("keep"), NGX_HTTP_PRIVACY_UNCLASSIFIED_KEEP },
    { ngx_string("strip"), NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_privacy_cache_values[] = {
    { ngx_string("vary"), NGX_HTTP_PRIVACY_CACHE_VARY },
    { ngx_string("private"), NGX_HTTP_PRIVACY_CACHE_PRIVATE },
    { ngx_null_string, 0 }
};


/* a threshold of 1 would show every term: at least 2 */
static ngx_conf_num_bounds_t  ngx_http_privacy_min_visitors_bounds = {
    ngx_conf_check_num_bounds, 2, 1000000
};


static ngx_command_t  ngx_http_privacy_commands[] = {

    { ngx_string("privacy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, enable),
      NULL },

    { ngx_string("privacy_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_secret_directive,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_privacy_srv_conf_t, secret_file),
      NULL },

    { ngx_string("privacy_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_privacy_main_conf_t, db),
      NULL },

    { ngx_string("privacy_policy_version"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_privacy_srv_conf_t, version),
      NULL },

    { ngx_string("privacy_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_policy_directive,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_privacy_srv_conf_t, policy_file),
      NULL },

    { ngx_string("privacy_retention"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_privacy_retention,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_sweep_interval"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_privacy_main_conf_t, sweep_interval),
      NULL },

    { ngx_string("privacy_sweep_dry_run"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_privacy_main_conf_t, sweep_dry_run),
      NULL },

    { ngx_string("privacy_erase_command"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_privacy_main_conf_t, erase_command),
      NULL },

    { ngx_string("privacy_fiscal_year_end"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_fiscal_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
        NULL },

    { ngx_string("privacy_default_language"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_privacy_srv_conf_t, default_lang),
      NULL },

    { ngx_string("privacy_banner"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, banner),
      NULL },

    { ngx_string("privacy_banner_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_types_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, banner_types_keys),
      &ngx_http_html_default_types[0] },

    { ngx_string("privacy_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE23,
      ngx_http_privacy_cookie_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_cookie_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_privacy_cookie_max_age,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_unclassified"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, unclassified),
      &ngx_http_privacy_unclassified_values },

    { ngx_string("privacy_consent_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_consent_cookie,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_error_log_scrub"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_privacy_srv_conf_t, error_log_scrub),
      NULL },

    { ngx_string("privacy_gpc"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, gpc),
      NULL },

    { ngx_string("privacy_shared_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, cache),
      &ngx_http_privacy_cache_values },

    { ngx_string("privacy_expire_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, expire_limit),
      NULL },

    { ngx_string("privacy_analytics"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, analytics),
      NULL },

    { ngx_string("privacy_analytics_search_args"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_search_args,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_analytics_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_types_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, analytics_types_keys),
      &ngx_http_html_default_types[0] },

    { ngx_string("privacy_analytics_gpc"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, analytics_gpc),
      NULL },

    { ngx_string("privacy_analytics_path"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, analytics_path),
      NULL },

    { ngx_string("privacy_analytics_bots"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_privacy_main_conf_t, bots_file),
      NULL },

    { ngx_string("privacy_portal"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_portal,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_register_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_register_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_mail_command"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_privacy_mail_command,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_dpo"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_dpo,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_report_min_visitors"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, report_min_visitors),
      &ngx_http_privacy_min_visitors_bounds },

    { ngx_string("privacy_register_api_token"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_register_api_token,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_privacy_module_ctx = {
    ngx_http_privacy_add_variables,        /* preconfiguration */
    ngx_http_privacy_init,                 /* postconfiguration */

    ngx_http_privacy_create_main_conf,     /* create main configuration */
    ngx_http_privacy_init_main_conf,       /* init main configuration */

    ngx_http_privacy_create_srv_conf,      /* create server configuration */
    ngx_http_privacy_merge_srv_conf,       /* merge server configuration */

    ngx_http_privacy_create_loc_conf,      /* create location configuration */
    ngx_http_privacy_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_privacy_module = {
    NGX_MODULE_V1,
    &ngx_http_privacy_module_ctx,          /* module context */
    ngx_http_privacy_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_privacy_init_process,         /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_privacy_exit_process,         /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_privacy_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_main_conf_t));
    if (pmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pmcf->db = { 0, NULL };
     *     pmcf->store = NULL;
     */

    pmcf->sweep_interval = NGX_CONF_UNSET;
    pmcf->sweep_dry_run = NGX_CONF_UNSET;

    return pmcf;
}


static char *
ngx_http_privacy_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_privacy_main_conf_t  *pmcf = conf;

    char                         *rv;
    ngx_http_privacy_srv_conf_t  *pscf;

    /* the http level's site: what servers without their own inherit */
    pscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_privacy_module);
    pscf->http = 1;

    ngx_conf_init_value(pmcf->sweep_interval, 3600);
    ngx_conf_init_value(pmcf->sweep_dry_run, 0);

    if (pmcf->fiscal_month == 0) {
        pmcf->fiscal_month = 12;
        pmcf->fiscal_day = 31;
    }

    if (pmcf->sweep_interval <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"privacy_sweep_interval\" must be positive");
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_privacy_site_init(cf, pscf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    rv = ngx_http_privacy_scrubber_init(cf, pmcf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    rv = ngx_http_privacy_expire_init_conf(cf, pmcf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (pmcf->db.len) {
        return ngx_http_privacy_db_init_conf(cf, pmcf, pscf);
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_privacy_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_loc_conf_t));
    if (plcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     plcf->own = NULL;
     *     plcf->classifier = NULL;
     *     plcf->cookie_name = { 0, NULL };
     *     plcf->cookie_domain = { 0, NULL };
     *     plcf->cookie_path = { 0, NULL };
     *     plcf->analytics_path = NULL;
     */

    plcf->enable = NGX_CONF_UNSET;
    plcf->gpc = NGX_CONF_UNSET;
    plcf->unclassified = NGX_CONF_UNSET_UINT;
    plcf->cache = NGX_CONF_UNSET_UINT;
    plcf->cookie_max_age = NGX_CONF_UNSET;
    plcf->cookie_secure = NGX_CONF_UNSET;
    plcf->cookie_samesite = NGX_CONF_UNSET_UINT;
    plcf->portal = NGX_CONF_UNSET;
    plcf->banner = NGX_CONF_UNSET;
    plcf->analytics = NGX_CONF_UNSET;
    plcf->analytics_gpc = NGX_CONF_UNSET;
    plcf->search_args = NGX_CONF_UNSET_PTR;
    plcf->expire_limit = NGX_CONF_UNSET;
    plcf->report_min_visitors = NGX_CONF_UNSET;

    return plcf;
}


static char *
ngx_http_privacy_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_privacy_loc_conf_t *prev = parent;
    ngx_http_privacy_loc_conf_t *conf = child;

    ngx_str_t                      *s;
    ngx_http_core_loc_conf_t       *clcf;
    ngx_http_privacy_srv_conf_t    *pscf;
    ngx_http_privacy_main_conf_t   *pmcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->gpc, prev->gpc, 1);
    ngx_conf_merge_uint_value(conf->unclassified, prev->unclassified,
                              NGX_HTTP_PRIVACY_UNCLASSIFIED_KEEP);
    ngx_conf_merge_uint_value(conf->cache, prev->cache,
                              NGX_HTTP_PRIVACY_CACHE_VARY);
    ngx_conf_merge_value(conf->portal, prev->portal, 0);
    ngx_conf_merge_value(conf->banner, prev->banner, 0);
    ngx_conf_merge_value(conf->analytics, prev->analytics, 0);
    ngx_conf_merge_value(conf->analytics_gpc, prev->analytics_gpc, 0);
    ngx_conf_merge_ptr_value(conf->search_args, prev->search_args, NULL);
    /* a term is shown once this many visitors searched it (k) */
    ngx_conf_merge_value(conf->report_min_visitors,
                         prev->report_min_visitors, 5);
    ngx_conf_merge_value(conf->expire_limit, prev->expire_limit,
                         NGX_HTTP_PRIVACY_EXPIRE_LIMIT);

    /* NULL: the request's own path (docs/directives.md) */
    if (conf->analytics_path == NULL) {
        conf->analytics_path = prev->analytics_path;
    }

    if (conf->search_args == NULL) {
        conf->search_args = ngx_array_create(cf->pool, 1, sizeof(ngx_str_t));
        if (conf->search_args == NULL) {
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(conf->search_args);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_str_set(s, "q");
    }

    if (ngx_http_merge_types(cf, &conf->analytics_types_keys,
                             &conf->analytics_types,
                             &prev->analytics_types_keys,
                             &prev->analytics_types,
                             ngx_http_html_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_merge_types(cf, &conf->banner_types_keys,
                             &conf->banner_types,
                             &prev->banner_types_keys,
                             &prev->banner_types,
                             ngx_http_html_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->cookie_name, prev->cookie_name,
                             "privacy_consent");
    ngx_conf_merge_value(conf->cookie_max_age, prev->cookie_max_age,
                         180 * 86400);
    ngx_conf_merge_str_value(conf->cookie_domain, prev->cookie_domain, "");
    ngx_conf_merge_str_value(conf->cookie_path, prev->cookie_path, "/");
    ngx_conf_merge_value(conf->cookie_secure, prev->cookie_secure, 0);
    ngx_conf_merge_uint_value(conf->cookie_samesite, prev->cookie_samesite,
                              NGX_HTTP_PRIVACY_SAMESITE_LAX);

    if (ngx_http_privacy_consent_cookie_tail(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_classifier_merge(cf, conf, prev) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    if (conf->analytics == 1) {
        pmcf->analytics_used = 1;
    }

    if (conf->enable == 1 && conf->banner == 1) {
        pmcf->banner_used = 1;
    }

    if (conf->analytics && pmcf->store == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"privacy_analytics\" needs \"privacy_db\" at "
                           "the http level");
        return NGX_CONF_ERROR;
    }

    pscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_privacy_module);

    if (conf->enable || conf->portal) {
        if (pscf->cookie_key == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"privacy\" and \"privacy_portal\" need "
                               "\"privacy_secret_file\" at the http level "
                               "or in the server");
            return NGX_CONF_ERROR;
        }
    }

    /*
     * The first loc conf merged under a server is the server's own: its
     * consent cookie scope (privacy_consent_cookie is not allowed in
     * locations) is the server's.
     */

    if (pscf->cookie_key && pscf->cookie_mac == NULL) {
        if (ngx_http_privacy_site_bind(cf, pscf, conf) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    /*
     * the policy and consent pages say how visits are counted if any
     * location of the server counts them, the portal's own or not
     */

    if (conf->analytics == 1) {
        pscf->analytics = 1;
    }

    /* does the server's banner have a portal to post to (docs/banner.md) */

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->portal == 1) {
#if (NGX_PCRE)
        if (clcf->regex == NULL && !clcf->named)
#else
        if (!clcf->named)
#endif
        {
            pscf->portal = 1;
        }

        /* policy.json serves what the configuration says: build it once */
        if (pscf->policy
            && ngx_http_privacy_policy_json_build(cf, pscf, conf) != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        ngx_http_privacy_cookie_recipients_check(cf, pscf, conf);
        ngx_http_privacy_cookie_words_check(cf, pscf, conf);

    } else if (conf->banner && conf->enable) {
        pscf->banner = 1;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt           *h;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    /*
     * Every location and server is merged by now: a handler or filter
     * that no part of the configuration uses is not registered, and a
     * request does not pay the phase engine's call for it
     * (docs/performance.md).
     */

    /*
     * REWRITE: the location is known, and our handler, registered after
     * the rewrite module's, runs before it, so even "return" and "if"
     * see the stripped Cookie header.
     */

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_privacy_rewrite_handler;

    /* POST_READ: before any other phase can log about the request */

    if (ngx_http_privacy_error_log_used(cf)) {
        h = ngx_array_push(
                &cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        *h = ngx_http_privacy_error_log_handler;
    }

    if (pmcf->analytics_used) {
        h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        *h = ngx_http_privacy_analytics_handler;
    }

    if (ngx_http_privacy_check_portals(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_banner_init(cf, pmcf->banner_used) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_privacy_filter_init(cf);
}


/*
 * One REWRITE handler for the request side: a location with "privacy
 * off" costs the phase engine one call and this test, no more
 * (docs/performance.md).  The banner's request hook runs first (it asks
 * for an identity body), then the cookies are judged.
 */

static ngx_int_t
ngx_http_privacy_rewrite_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!plcf->enable) {
        return NGX_DECLINED;
    }

    if (plcf->banner) {
        rc = ngx_http_privacy_banner_request(r);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    return ngx_http_privacy_request_handler(r);
}


static ngx_int_t
ngx_http_privacy_init_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_main_conf_t  *pmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    if (ngx_http_privacy_worker_init(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_privacy_module);

    if (pmcf == NULL || pmcf->store == NULL) {
        return NGX_OK;
    }

    if (ngx_http_privacy_rights_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_privacy_store_init_process(pmcf->store, cycle);
}


static void
ngx_http_privacy_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_privacy_module);

    ngx_http_privacy_rights_exit_process(cycle);

    if (pmcf && pmcf->store) {
        ngx_http_privacy_store_exit_process(pmcf->store, cycle);
    }

    ngx_http_privacy_worker_exit();
}
