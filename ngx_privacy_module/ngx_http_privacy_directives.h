/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The directives' handlers (ngx_http_privacy_directives.c), for the
 * directive table at the top.
 */

#ifndef _NGX_HTTP_PRIVACY_DIRECTIVES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DIRECTIVES_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


ngx_int_t ngx_http_privacy_classifier_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf, ngx_http_privacy_loc_conf_t *prev);
char *ngx_http_privacy_cookie_max_age(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_cookie_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_consent_cookie(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_portal(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_secret_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_policy_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_search_args(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_fiscal_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_retention(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_http_privacy_classifier_t *ngx_http_privacy_classifier(
    ngx_conf_t *cf);


#endif /* _NGX_HTTP_PRIVACY_DIRECTIVES_H_INCLUDED_ */
