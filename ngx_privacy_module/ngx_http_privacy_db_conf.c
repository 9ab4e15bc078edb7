/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register database at configuration time (privacy_db,
 * docs/database.md): its path checked, the thread pool its work runs in,
 * the store, the retention periods its sweeps enforce, and the
 * analytics that write to it.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_analytics.h"
#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_db_conf.h"


char *
ngx_http_privacy_db_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_srv_conf_t *pscf)
{
    char                          *rv;
    ngx_str_t                      name;
    ngx_uint_t                     i;
    ngx_http_privacy_retention_t  *rt;
    ngx_http_privacy_loc_conf_t   *plcf;

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
        if (rt[i].category.len == sizeof("bookkeeping") - 1
            && ngx_strncmp(rt[i].category.data, "bookkeeping",
                           sizeof("bookkeeping") - 1) == 0
            && ngx_http_privacy_period_parse(rt[i].text.data,
                                             rt[i].text.len,
                                             &pmcf->book_period) == 0)
        {
            pmcf->book_set = 1;
        }

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
                                  pmcf->sweep_dry_run,
                                  pmcf->fiscal_month, pmcf->fiscal_day,
                                  pmcf->erase_command.len
                                  ? (char *) pmcf->erase_command.data
                                  : NULL);

    rv = ngx_http_privacy_analytics_init_conf(cf, pmcf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    return NGX_CONF_OK;
}
