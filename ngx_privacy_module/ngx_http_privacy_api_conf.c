/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's directives (docs/directives.md): privacy_register_api
 * makes a location the API's (its handler: ngx_http_privacy_api.c),
 * privacy_register_api_token reads the bearer token once, and the
 * register's keys are derived once per configuration from the secret.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/evp.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_api.h"
#include "ngx_http_privacy_api_conf.h"
#include "ngx_http_privacy_register_db.h"


char *
ngx_http_privacy_register_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);
    pmcf->register_api = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_privacy_api_handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_http_privacy_api_handler;

    return NGX_CONF_OK;
}


char *
ngx_http_privacy_register_api_token(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char     buf[1024], *hash;
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_str_t *value, name;

    if (plcf->register_token) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_register_api_token \"%V\" cannot be "
                           "opened", &name);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_fd(fd, buf, sizeof(buf));
    ngx_close_file(fd);

    /* a trailing newline is the editor's, not the token's */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'
                     || buf[n - 1] == ' '))
    {
        n--;
    }

    if (n < 16 || n == (ssize_t) sizeof(buf)) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_register_api_token \"%V\" must hold "
                           "16 to 1000 bytes (e.g. \"openssl rand -hex "
                           "32\")", &name);
        return NGX_CONF_ERROR;
    }

    hash = ngx_palloc(cf->pool, 32);
    if (hash == NULL) {
        return NGX_CONF_ERROR;
    }

    /* kept as a digest: compared in constant time whatever the length */
    if (EVP_Digest(buf, n, hash, NULL, EVP_sha256(), NULL) != 1) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    ngx_explicit_memzero(buf, sizeof(buf));
    plcf->register_token = hash;

    return NGX_CONF_OK;
}


void *
ngx_http_privacy_register_api_keys(ngx_conf_t *cf, u_char *secret,
    size_t len)
{
    ngx_http_privacy_register_keys_t  *keys;

    keys = ngx_palloc(cf->pool, sizeof(ngx_http_privacy_register_keys_t));
    if (keys == NULL) {
        return NULL;
    }

    if (ngx_http_privacy_register_keys(secret, len, keys) != 0) {
        return NULL;
    }

    return keys;
}
