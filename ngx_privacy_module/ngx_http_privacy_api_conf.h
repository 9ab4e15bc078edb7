/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's directives; see ngx_http_privacy_api_conf.c.
 */

#ifndef _NGX_HTTP_PRIVACY_API_CONF_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_API_CONF_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/* "privacy_register_api" and "privacy_register_api_token FILE" */
char *ngx_http_privacy_register_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_register_api_token(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);

/* the register's keys from the secret; NULL on failure */
void *ngx_http_privacy_register_api_keys(ngx_conf_t *cf, u_char *secret,
    size_t len);


#endif /* _NGX_HTTP_PRIVACY_API_CONF_H_INCLUDED_ */
