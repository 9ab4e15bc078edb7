/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Loading the policy document at configuration time: the file, its
 * JSON, the checks (ngx_http_privacy_policy_check.c), and its release
 * with the configuration's pool.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_policy.h"


static void ngx_http_privacy_policy_cleanup(void *data);


/* loading; the checks are ngx_http_privacy_policy_check.c's */

char *
ngx_http_privacy_policy_load(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf)
{
    char                      *rv;
    json_t                    *doc;
    json_error_t               err;
    ngx_file_info_t            fi;
    ngx_pool_cleanup_t        *cln;

    if (ngx_conf_full_name(cf->cycle, &pscf->policy_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_file_info(pscf->policy_file.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_policy \"%V\": " ngx_file_info_n
                           " failed", &pscf->policy_file);
        return NGX_CONF_ERROR;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_policy \"%V\": not a regular file",
                           &pscf->policy_file);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    doc = json_load_file((char *) pscf->policy_file.data,
                         JSON_REJECT_DUPLICATES, &err);

    if (doc == NULL) {
        if (err.line > 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": invalid JSON at "
                               "line %d, column %d: %s",
                               &pscf->policy_file, err.line, err.column,
                               err.text);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": %s",
                               &pscf->policy_file, err.text);
        }

        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_policy_cleanup;
    cln->data = doc;

    rv = ngx_http_privacy_policy_check(cf, pscf, doc);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    pscf->policy = doc;

    return NGX_CONF_OK;
}


static void
ngx_http_privacy_policy_cleanup(void *data)
{
    json_decref(data);
}
