/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The self-service rights portal under <portal>/rights (docs/rights.md):
 * the nginx side (routes, cookies, CSRF, the thread-pool task and its
 * answer); the pages are built by ngx_http_privacy_rights_page.c and the
 * register work done by ngx_http_privacy_rights_ops.c in a pool thread.
 */

#ifndef _NGX_HTTP_PRIVACY_RIGHTS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_RIGHTS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_rights_token.h"


#define NGX_HTTP_PRIVACY_RIGHTS_SESSION  "privacy_rights"
#define NGX_HTTP_PRIVACY_RIGHTS_CSRF     "privacy_rights_csrf"


/* what a page needs: the form token and the URLs below <portal>/rights */
typedef struct {
    u_char      token[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    ngx_uint_t  has_token;
} ngx_http_privacy_rights_form_t;


/* from the portal: page is the path below the portal's location */
ngx_int_t ngx_http_privacy_rights_handler(ngx_http_request_t *r,
    ngx_str_t *page);

/* configuration: keys from the secret, privacy_mail_command */
ngx_int_t ngx_http_privacy_rights_conf(ngx_conf_t *cf, u_char *secret,
    size_t len);
char *ngx_http_privacy_mail_command(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_privacy_rights_init_process(ngx_cycle_t *cycle);

/* the form token of this browser (sets the binding cookie if new) */
ngx_int_t ngx_http_privacy_rights_form(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f);

/* ngx_http_privacy_rights_page.c */
void ngx_http_privacy_rights_hidden(ngx_http_privacy_page_t *page,
    ngx_http_privacy_rights_form_t *f);
void ngx_http_privacy_rights_action(ngx_http_privacy_page_t *page,
    const char *name);
ngx_int_t ngx_http_privacy_rights_page_start(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f);
ngx_int_t ngx_http_privacy_rights_page_sent(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t limited);
ngx_int_t ngx_http_privacy_rights_page_verify(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t status, const char *sv,
    const char *en);
ngx_int_t ngx_http_privacy_rights_page_account(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t consent);
ngx_int_t ngx_http_privacy_rights_page_json(ngx_http_request_t *r,
    const char *sv, const char *en, u_char *json, size_t len,
    ngx_uint_t status);
ngx_int_t ngx_http_privacy_rights_page_message(ngx_http_request_t *r,
    ngx_uint_t status, const char *sv, const char *en);


#endif /* _NGX_HTTP_PRIVACY_RIGHTS_H_INCLUDED_ */
