/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A site's configuration (a server block, or the http level's): create
 * and merge, its secret and the keys derived from it, its policy
 * document and languages, binding the consent cookie's key to the
 * server's scope, and the check that a banner has a portal to post to.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_lang.h"
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
#include "ngx_http_privacy_api_conf.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_site.h"


static char *ngx_http_privacy_site_language(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static char *ngx_http_privacy_site_policy(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
static void ngx_http_privacy_mac_cleanup(void *data);
static void ngx_http_privacy_key_cleanup(void *data);


void *
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

    pscf->error_log_scrub = NGX_CONF_UNSET;

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

char *
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

    ngx_conf_merge_value(conf->error_log_scrub, prev->error_log_scrub, 0);
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

char *
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

char *
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

ngx_int_t
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


char *
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
