/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Module glue: directives, configuration create/merge, variables, phase
 * and filter registration, and the per-worker start and exit.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_analytics.h"
#include "ngx_http_privacy_portal.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_api.h"
#include "ngx_http_privacy_dpo.h"


static ngx_int_t ngx_http_privacy_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_privacy_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void *ngx_http_privacy_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_privacy_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_privacy_site_init(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static char *ngx_http_privacy_site_policy(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static char *ngx_http_privacy_site_language(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static char *ngx_http_privacy_site_bind(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
static ngx_int_t ngx_http_privacy_check_portals(ngx_conf_t *cf);
static void *ngx_http_privacy_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_privacy_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_privacy_init_process(ngx_cycle_t *cycle);
static void ngx_http_privacy_exit_process(ngx_cycle_t *cycle);

static char *ngx_http_privacy_cookie_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_privacy_consent_cookie(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_privacy_portal(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_privacy_fiscal_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_privacy_retention(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static const char *ngx_http_privacy_time_hint(ngx_str_t *value);
static char *ngx_http_privacy_search_args(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_privacy_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_privacy_policy_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_privacy_secret_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_privacy_read_secret(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static ngx_http_privacy_classifier_t *ngx_http_privacy_classifier(
    ngx_conf_t *cf);
static void ngx_http_privacy_classifier_cleanup(void *data);
static void ngx_http_privacy_mac_cleanup(void *data);
static void ngx_http_privacy_key_cleanup(void *data);
static void ngx_http_privacy_psl_cleanup(void *data);


#define NGX_HTTP_PRIVACY_VAR_CONSENT   0
#define NGX_HTTP_PRIVACY_VAR_DECIDED   1
#define NGX_HTTP_PRIVACY_VAR_GPC       2
#define NGX_HTTP_PRIVACY_VAR_STRIPPED  3


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
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_privacy_cookie_directive,
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


static ngx_http_variable_t  ngx_http_privacy_vars[] = {

    { ngx_string("privacy_consent"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_CONSENT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_decided"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_DECIDED, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_gpc"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_GPC, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_stripped"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_STRIPPED, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_int_t
ngx_http_privacy_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_privacy_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                  *p;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    switch (data) {

    case NGX_HTTP_PRIVACY_VAR_CONSENT:
        p = ngx_pnalloc(r->pool, 48);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->len = ngx_http_privacy_categories_format(ctx->categories, p);
        v->data = p;
        break;

    case NGX_HTTP_PRIVACY_VAR_DECIDED:
        v->len = 1;
        v->data = (u_char *) (ctx->decided ? "1" : "0");
        break;

    case NGX_HTTP_PRIVACY_VAR_GPC:
        v->len = 1;
        v->data = (u_char *) (ctx->gpc ? "1" : "0");
        break;

    default: /* NGX_HTTP_PRIVACY_VAR_STRIPPED */
        v->len = ctx->stripped.len;
        v->data = ctx->stripped.data;
        break;
    }

    return NGX_OK;
}


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

    char                          *rv;
    ngx_str_t                      name;
    ngx_uint_t                     i;
    ngx_pool_cleanup_t            *cln;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_retention_t  *rt;
    ngx_http_privacy_loc_conf_t   *plcf;

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

    /* the newest public suffix list: the system's file or libpsl's own */
    pmcf->psl = psl_latest(NULL);

    if (pmcf->psl) {
        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_CONF_ERROR;
        }

        cln->handler = ngx_http_privacy_psl_cleanup;
        cln->data = pmcf->psl;
    }

    if (pmcf->db.len) {
        if (ngx_conf_full_name(cf->cycle, &pmcf->db, 0) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_privacy_store_check(cf, &pmcf->db) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }

        /* the "default" pool exists unless the operator defines it */
        ngx_str_set(&name, "default");

        pmcf->thread_pool = ngx_thread_pool_add(cf, &name);
        if (pmcf->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }

        pmcf->store = ngx_http_privacy_store_create(cf, &pmcf->db,
                                                    pmcf->thread_pool);
        if (pmcf->store == NULL) {
            return NGX_CONF_ERROR;
        }

        /* the shared register's page views: the http level's period */
        rt = pscf->retention.elts;

        for (i = 0; i < pscf->retention.nelts; i++) {
            if (ngx_http_privacy_store_retention(pmcf->store,
                                                 &rt[i].category,
                                                 &rt[i].text)
                == NGX_ERROR)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid retention time \"%V\"",
                                   &rt[i].text);
                return NGX_CONF_ERROR;
            }
        }

        /*
         * receipts expire with the consent cookie: the http level's
         * privacy_consent_cookie max_age, as merged (180 days unset)
         */
        plcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_privacy_module);

        ngx_http_privacy_store_sweeps(pmcf->store, pmcf->sweep_interval,
                                      plcf->cookie_max_age == NGX_CONF_UNSET
                                      ? 180 * 86400 : plcf->cookie_max_age,
                                      pmcf->sweep_dry_run);

        rv = ngx_http_privacy_analytics_init_conf(cf, pmcf);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_read_secret(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf)
{
    u_char                         key[NGX_HTTP_PRIVACY_KEY_LEN];
    u_char                         secret[1024];
    ssize_t                        n;
    ngx_fd_t                       fd;
    ngx_file_info_t                fi;
    ngx_pool_cleanup_t            *cln;
    ngx_http_privacy_main_conf_t  *pmcf;

    if (ngx_conf_full_name(cf->cycle, &pscf->secret_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(pscf->secret_file.data, NGX_FILE_RDONLY,
                       NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_secret_file \"%V\" cannot be opened",
                           &pscf->secret_file);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) != NGX_FILE_ERROR
        && (fi.st_mode & (S_IROTH|S_IWOTH)))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "privacy_secret_file \"%V\" is readable by "
                           "other users", &pscf->secret_file);
    }

    n = ngx_read_fd(fd, secret, sizeof(secret));
    ngx_close_file(fd);

    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_secret_file \"%V\" cannot be read",
                           &pscf->secret_file);
        return NGX_CONF_ERROR;
    }

    if (n < NGX_HTTP_PRIVACY_SECRET_MIN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_secret_file \"%V\" holds %z bytes, "
                           "at least %d random bytes are needed "
                           "(e.g. \"openssl rand -out FILE 48\")",
                           &pscf->secret_file, n,
                           NGX_HTTP_PRIVACY_SECRET_MIN);
        return NGX_CONF_ERROR;
    }

    /* one key per purpose, so that no value serves two */

    if (ngx_http_privacy_derive_key(secret, n, "ngx_privacy consent cookie",
                                    key)
        != 0)
    {
        goto failed;
    }

    /* each server binds its cookie key to its scope: see site_bind() */

    cln = ngx_pool_cleanup_add(cf->pool, NGX_HTTP_PRIVACY_KEY_LEN);
    if (cln == NULL) {
        ngx_explicit_memzero(secret, sizeof(secret));
        ngx_explicit_memzero(key, sizeof(key));
        return NGX_CONF_ERROR;
    }

    pscf->cookie_key = cln->data;
    ngx_memcpy(pscf->cookie_key, key, NGX_HTTP_PRIVACY_KEY_LEN);
    cln->handler = ngx_http_privacy_key_cleanup;

    if (ngx_http_privacy_derive_key(secret, n, "ngx_privacy client pseudonym",
                                    key)
        != 0)
    {
        goto failed;
    }

    pscf->client_mac = ngx_http_privacy_mac_create(key, sizeof(key));

    /* the register is shared by all sites: its keys are the http level's */

    if (cf->cmd_type == NGX_HTTP_MAIN_CONF) {
        pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

        pmcf->register_keys = ngx_http_privacy_register_api_keys(cf, secret,
                                                                 n);
        if (pmcf->register_keys == NULL) {
            goto failed;
        }
    }

    if (ngx_http_privacy_rights_conf(cf, secret, n) != NGX_OK) {
        goto failed;
    }

    ngx_explicit_memzero(secret, sizeof(secret));
    ngx_explicit_memzero(key, sizeof(key));

    if (pscf->client_mac == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_secret_file: HMAC setup failed");
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_mac_cleanup;
    cln->data = pscf->client_mac;

    return NGX_CONF_OK;

failed:

    ngx_explicit_memzero(secret, sizeof(secret));
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "privacy_secret_file: key derivation failed");
    return NGX_CONF_ERROR;
}


static void
ngx_http_privacy_mac_cleanup(void *data)
{
    ngx_http_privacy_mac_destroy(data);
}


static void
ngx_http_privacy_key_cleanup(void *data)
{
    ngx_explicit_memzero(data, NGX_HTTP_PRIVACY_KEY_LEN);
}


static void
ngx_http_privacy_psl_cleanup(void *data)
{
    psl_free(data);
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
    ngx_http_privacy_classifier_t  *inherited;

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

    /*
     * Patterns add up: a level's own patterns are tried first, then those
     * it inherits.  The http level is never merged, hence "own" there.
     */

    inherited = prev->classifier ? prev->classifier : prev->own;

    if (conf->own == NULL) {
        conf->classifier = inherited;

    } else if (inherited == NULL) {
        conf->classifier = conf->own;

    } else {
        conf->classifier = ngx_http_privacy_classifier(cf);
        if (conf->classifier == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_privacy_classifier_append(conf->classifier, conf->own)
            != 0
            || ngx_http_privacy_classifier_append(conf->classifier,
                                                  inherited)
               != 0)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->classifier == NULL) {
        conf->classifier = ngx_http_privacy_classifier(cf);
        if (conf->classifier == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

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

    } else if (conf->banner && conf->enable) {
        pscf->banner = 1;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_privacy_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_srv_conf_t));
    if (pscf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pscf->secret_file = { 0, NULL };
     *     pscf->version = { 0, NULL };
     *     pscf->policy_file = { 0, NULL };
     *     pscf->policy = NULL;
     *     pscf->default_lang = { 0, NULL };
     *     pscf->cookie_key = NULL;
     *     pscf->cookie_mac = NULL;
     *     pscf->client_mac = NULL;
     */

    if (ngx_array_init(&pscf->retention, cf->pool, 4,
                       sizeof(ngx_http_privacy_retention_t))
        != NGX_OK)
    {
        return NULL;
    }

    return pscf;
}


/*
 * A server inherits what it does not say from the http level; a server
 * with its own privacy_retention lines has its policy document checked
 * against them, even when the document itself is inherited.
 */

static char *
ngx_http_privacy_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_privacy_srv_conf_t *prev = parent;
    ngx_http_privacy_srv_conf_t *conf = child;

    ngx_uint_t                  own_retention;
    ngx_http_core_srv_conf_t   *cscf;

    if (!prev->ready) {
        /* the http level, when init_main_conf() did not see it */
        prev->http = 1;

        if (ngx_http_privacy_site_init(cf, prev) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    own_retention = conf->retention.nelts;

    if (!own_retention) {
        conf->retention = prev->retention;
    }

    if (conf->secret_file.data == NULL) {
        conf->secret_file = prev->secret_file;
        conf->cookie_key = prev->cookie_key;
        conf->client_mac = prev->client_mac;
    }

    ngx_conf_merge_str_value(conf->version, prev->version, "1");
    ngx_conf_merge_str_value(conf->default_lang, prev->default_lang, "");

    if (conf->policy_file.data == NULL) {
        conf->policy_file = prev->policy_file;
        conf->policy_conf = prev->policy_conf;
        conf->policy_line = prev->policy_line;

        if (!own_retention) {
            conf->policy = prev->policy;
            conf->nlangs = prev->nlangs;
            ngx_memcpy(conf->langs, prev->langs, sizeof(conf->langs));
        }
    }

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    conf->site = cscf->server_name;

    return ngx_http_privacy_site_init(cf, conf);
}


/* the version's bound and the policy document of a site, once */

static char *
ngx_http_privacy_site_init(ngx_conf_t *cf, ngx_http_privacy_srv_conf_t *pscf)
{
    if (pscf->ready) {
        return NGX_CONF_OK;
    }

    pscf->ready = 1;

    if (pscf->version.len == 0) {
        ngx_str_set(&pscf->version, "1");
    }

    if (pscf->version.len > NGX_HTTP_PRIVACY_VERSION_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_policy_version \"%V\" is longer than "
                           "%d bytes", &pscf->version,
                           NGX_HTTP_PRIVACY_VERSION_MAX);
        return NGX_CONF_ERROR;
    }

    if (pscf->policy_file.len && pscf->policy == NULL) {
        if (ngx_http_privacy_site_policy(cf, pscf) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return ngx_http_privacy_site_language(cf, pscf);
}


/*
 * The default language: privacy_default_language, else the document's
 * first (sv without a document); one the site's pages exist in.
 */

static char *
ngx_http_privacy_site_language(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf)
{
    u_char      *p, *last, list[NGX_HTTP_PRIVACY_SITE_LANGS * 5];
    ngx_int_t    lang;
    ngx_uint_t   i;

    if (pscf->nlangs == 0) {
        pscf->langs[0] = NGX_HTTP_PRIVACY_LANG_SV;
        pscf->langs[1] = NGX_HTTP_PRIVACY_LANG_EN;
        pscf->nlangs = 2;
    }

    if (pscf->default_lang.len == 0) {
        pscf->lang = pscf->langs[0];
        return NGX_CONF_OK;
    }

    lang = ngx_http_privacy_site_lang(pscf, pscf->default_lang.data,
                                      pscf->default_lang.len);
    if (lang != NGX_DECLINED) {
        pscf->lang = lang;
        return NGX_CONF_OK;
    }

    /* an http level without a document: each server's own decides */
    if (pscf->http && pscf->policy_file.len == 0) {
        pscf->lang = pscf->langs[0];
        return NGX_CONF_OK;
    }

    p = list;
    last = list + sizeof(list);

    for (i = 0; i < pscf->nlangs; i++) {
        p = ngx_slprintf(p, last, "%s%s", i ? ", " : "",
                         ngx_http_privacy_lang_code(pscf->langs[i]));
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "privacy_default_language \"%V\" is not a language "
                       "of the site's pages: %*s (the policy document's "
                       "\"languages\")", &pscf->default_lang, p - list,
                       list);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_privacy_site_policy(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf)
{
    char             *rv;
    ngx_conf_file_t  *conf_file, policy_conf;

    /*
     * The document is checked once the whole block is known (it refers
     * to privacy_retention lines); its errors still point at the
     * privacy_policy line.
     */
    conf_file = cf->conf_file;
    policy_conf = *conf_file;
    policy_conf.file.name = pscf->policy_conf;
    policy_conf.line = pscf->policy_line;
    cf->conf_file = &policy_conf;

    rv = ngx_http_privacy_policy_load(cf, pscf);

    cf->conf_file = conf_file;

    return rv;
}


/*
 * The consent cookie's key for this server: derived from the secret's
 * cookie key and the cookie's scope, i.e. the cookie domain when one is
 * set (the operator shares the cookie across those hosts), else the
 * server's name; and the path.  A cookie made by another server block
 * that shares the secret fails the signature (docs/security.md).
 */

static char *
ngx_http_privacy_site_bind(ngx_conf_t *cf, ngx_http_privacy_srv_conf_t *pscf,
    ngx_http_privacy_loc_conf_t *plcf)
{
    u_char               key[NGX_HTTP_PRIVACY_KEY_LEN], label[1024], *p;
    ngx_str_t           *host;
    ngx_pool_cleanup_t  *cln;

    host = plcf->cookie_domain.len ? &plcf->cookie_domain : &pscf->site;

    p = ngx_snprintf(label, sizeof(label) - 1,
                     "ngx_privacy consent cookie scope %uz:%V %uz:%V",
                     host->len, host, plcf->cookie_path.len,
                     &plcf->cookie_path);
    *p = '\0';

    if (ngx_http_privacy_derive_key(pscf->cookie_key,
                                    NGX_HTTP_PRIVACY_KEY_LEN,
                                    (char *) label, key)
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy: key derivation failed");
        return NGX_CONF_ERROR;
    }

    pscf->cookie_mac = ngx_http_privacy_mac_create(key, sizeof(key));

    ngx_explicit_memzero(key, sizeof(key));

    if (pscf->cookie_mac == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy: HMAC setup failed");
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_mac_cleanup;
    cln->data = pscf->cookie_mac;

    return NGX_CONF_OK;
}


/*
 * A banner posts to the server's portal: a server that shows it without
 * one would send every choice to the backend (docs/banner.md).
 */

static ngx_int_t
ngx_http_privacy_check_portals(ngx_conf_t *cf)
{
    ngx_uint_t                    s;
    ngx_http_core_srv_conf_t    **cscfp;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_privacy_srv_conf_t  *pscf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        pscf = cscfp[s]->ctx->srv_conf[ngx_http_privacy_module.ctx_index];

        if (pscf->banner && !pscf->portal) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"privacy_banner\" is on in the server \"%V\" "
                          "in %s:%ui, which has no \"privacy_portal\" "
                          "location for the banner to post to: add "
                          "\"location /privacy/ { privacy_portal; }\" "
                          "to it, or \"privacy_banner off\"",
                          &cscfp[s]->server_name, cscfp[s]->file_name,
                          cscfp[s]->line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_http_privacy_classifier_t *
ngx_http_privacy_classifier(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_privacy_classifier_t  *c;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    c = ngx_http_privacy_classifier_create();
    if (c == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_classifier_cleanup;
    cln->data = c;

    return c;
}


static void
ngx_http_privacy_classifier_cleanup(void *data)
{
    ngx_http_privacy_classifier_destroy(data);
}


static char *
ngx_http_privacy_cookie_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    char        err[256];
    unsigned    category;
    ngx_str_t  *value;

    value = cf->args->elts;

    category = ngx_http_privacy_category_parse(value[1].data, value[1].len);
    if (category == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cookie category \"%V\" in \"%V\", "
                           "expected necessary, preferences, statistics "
                           "or marketing", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (value[2].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty pattern in \"%V\"", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (plcf->own == NULL) {
        plcf->own = ngx_http_privacy_classifier(cf);
        if (plcf->own == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_privacy_classifier_add(plcf->own, category, value[2].data,
                                        value[2].len, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": %s",
                           &cmd->name, err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_consent_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    time_t       age;
    ngx_str_t   *value, s;
    ngx_uint_t   i;

    if (plcf->cookie_name.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!ngx_http_privacy_cookie_name_valid(value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cookie name \"%V\" in \"%V\"",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    plcf->cookie_name = value[1];

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            age = ngx_parse_time(&s, 1);
            if (age <= 0) {
                goto invalid;
            }

            plcf->cookie_max_age = age;
            continue;
        }

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            plcf->cookie_domain.data = value[i].data + 7;
            plcf->cookie_domain.len = value[i].len - 7;

            if (plcf->cookie_domain.len == 0
                || ngx_strlchr(plcf->cookie_domain.data,
                               plcf->cookie_domain.data
                               + plcf->cookie_domain.len, ';'))
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            plcf->cookie_path.data = value[i].data + 5;
            plcf->cookie_path.len = value[i].len - 5;

            if (plcf->cookie_path.len == 0
                || plcf->cookie_path.data[0] != '/'
                || ngx_strlchr(plcf->cookie_path.data,
                               plcf->cookie_path.data
                               + plcf->cookie_path.len, ';'))
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "secure") == 0) {
            plcf->cookie_secure = 1;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=lax") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_LAX;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=strict") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_STRICT;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=none") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_NONE;
            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" in \"%V\"",
                       &value[i], &cmd->name);
    return NGX_CONF_ERROR;
}


static char *
ngx_http_privacy_portal(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->portal != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    plcf->portal = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_portal_handler;

    return NGX_CONF_OK;
}


/* the keys are derived at once, so that errors point at this line */

static char *
ngx_http_privacy_secret_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    char  *rv;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    return ngx_http_privacy_read_secret(cf, pscf);
}


static char *
ngx_http_privacy_policy_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    char  *rv;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    pscf->policy_conf = cf->conf_file->file.name;
    pscf->policy_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* ngx_conf_set_enum_slot(), with a message that names the directive */

static char *
ngx_http_privacy_enum(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char           *p, *last, list[128];
    ngx_str_t        *value;
    ngx_conf_enum_t  *e;

    value = cf->args->elts;

    for (e = cmd->post; e->name.len; e++) {
        if (e->name.len == value[1].len
            && ngx_strcasecmp(e->name.data, value[1].data) == 0)
        {
            return ngx_conf_set_enum_slot(cf, cmd, conf);
        }
    }

    p = list;
    last = list + sizeof(list);

    for (e = cmd->post; e->name.len; e++) {
        p = ngx_slprintf(p, last, "%s%V", p == list ? "" : " or ", &e->name);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\", expected %*s",
                       &value[1], &cmd->name, p - list, list);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_privacy_search_args(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *s;
    ngx_uint_t   i;

    if (plcf->search_args != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    plcf->search_args = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                         sizeof(ngx_str_t));
    if (plcf->search_args == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = ngx_array_push(plcf->search_args);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/* "privacy_fiscal_year_end MM-DD": the last day of the fiscal year */

static char *
ngx_http_privacy_fiscal_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_main_conf_t *pmcf = conf;

    unsigned    month, day;
    ngx_str_t  *value;

    if (pmcf->fiscal_month) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_privacy_fiscal_parse(value[1].data, value[1].len, &month,
                                      &day)
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid fiscal year end \"%V\" in \"%V\", "
                           "MM-DD of a day every year has", &value[1],
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    pmcf->fiscal_month = month;
    pmcf->fiscal_day = day;

    return NGX_CONF_OK;
}


/*
 * nginx time units are single letters: "M" is months, "m" minutes, so
 * "13mo" or "2months" fail; say what was probably meant.
 */

static const char *
ngx_http_privacy_time_hint(ngx_str_t *value)
{
    u_char  *p, *last;

    p = value->data;
    last = p + value->len;

    while (p < last && *p >= '0' && *p <= '9') {
        p++;
    }

    if (p == value->data || p == last) {
        return "";
    }

    switch (*p) {
    case 'm':
    case 'M':
        if (last - p > 1 && (p[1] == 'o' || p[1] == 'O')) {
            return ", months are \"M\" (e.g. \"13M\"), \"m\" is minutes";
        }
        break;
    case 'y':
    case 'Y':
        return ", years are \"y\" (e.g. \"7y\")";
    case 'd':
    case 'D':
        return ", days are \"d\" (e.g. \"30d\")";
    case 'w':
    case 'W':
        return ", weeks are \"w\" (e.g. \"4w\")";
    }

    return ", units are y, M, w, d, h, m, s (e.g. \"13M\", \"7y\")";
}


static char *
ngx_http_privacy_retention(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    u_char                         *p, *last, list[160];
    time_t                          period;
    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_privacy_retention_t   *rt;
    const ngx_http_privacy_term_t  *known;

    value = cf->args->elts;

    /* the names the policy document's "retention" uses too */
    for (known = ngx_http_privacy_retention_terms; known->name; known++) {
        if (ngx_strlen(known->name) == value[1].len
            && ngx_strncmp(known->name, value[1].data, value[1].len) == 0)
        {
            break;
        }
    }

    if (known->name == NULL) {
        p = list;
        last = list + sizeof(list);

        for (known = ngx_http_privacy_retention_terms;
             known->name;
             known++)
        {
            p = ngx_slprintf(p, last, "%s%s",
                             p == list ? ""
                                       : (known[1].name ? ", " : " or "),
                             known->name);
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown retention category \"%V\" in \"%V\", "
                           "expected %*s", &value[1], &cmd->name,
                           p - list, list);
        return NGX_CONF_ERROR;
    }

    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        if (rt[i].category.len == value[1].len
            && ngx_strncmp(rt[i].category.data, value[1].data,
                           value[1].len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate retention category \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    /* negative: NGX_ERROR, or NGX_PARSE_LARGE_TIME for a huge value */
    period = ngx_parse_time(&value[2], 1);
    if (period <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid retention time \"%V\" in \"%V\"%s",
                           &value[2], &cmd->name,
                           ngx_http_privacy_time_hint(&value[2]));
        return NGX_CONF_ERROR;
    }

    rt = ngx_array_push(&pscf->retention);
    if (rt == NULL) {
        return NGX_CONF_ERROR;
    }

    rt->category = value[1];
    rt->text = value[2];
    rt->period = period;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    /*
     * REWRITE: the location is known, and our handler, registered after
     * the rewrite module's, runs before it, so even "return" and "if"
     * see the stripped Cookie header.
     */

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_privacy_request_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_privacy_analytics_handler;

    if (ngx_http_privacy_check_portals(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_banner_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_privacy_filter_init(cf);
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

    if (pmcf && pmcf->store) {
        ngx_http_privacy_store_exit_process(pmcf->store, cycle);
    }

    ngx_http_privacy_worker_exit();
}
