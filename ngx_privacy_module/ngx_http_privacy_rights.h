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

#include <ngx_thread_pool.h>
#include <pthread.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_rights_ops.h"
#include "ngx_http_privacy_rights_token.h"
#include "ngx_http_privacy_worker.h"


#define NGX_HTTP_PRIVACY_RIGHTS_SESSION  "privacy_rights"
#define NGX_HTTP_PRIVACY_RIGHTS_CSRF     "privacy_rights_csrf"


/* per worker after fork (the connection: ngx_http_privacy_worker.h) */
typedef struct {
    ngx_uint_t                           mailing;  /* a mail task runs */
    ngx_uint_t                           again;    /* asked meanwhile */
    ngx_thread_task_t                   *mail_task;
    ngx_event_t                          timer;
} ngx_http_privacy_rights_state_t;


typedef struct {
    ngx_http_privacy_rights_keys_t       keys;
    ngx_http_privacy_rights_state_t      state;
    ngx_str_t                            mail_command;  /* NUL-terminated */
    ngx_str_t                            mail_from;
    ngx_uint_t                           keyed;
} ngx_http_privacy_rights_conf_t;


/* what a page needs: the form token and the URLs below <portal>/rights */
typedef struct {
    u_char      token[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    ngx_uint_t  has_token;
} ngx_http_privacy_rights_form_t;


typedef struct {
    ngx_http_request_t                  *request;      /* NULL: the timer */
    ngx_http_privacy_rights_conf_t      *conf;
    ngx_http_privacy_worker_rdb_t       *conn;         /* the worker's */
    ngx_http_privacy_register_keys_t    *rkeys;
    char                                *path;
    ngx_uint_t                           html;         /* export as HTML */
    ngx_http_privacy_rights_op_t         op;
} ngx_http_privacy_rights_task_t;


/* from the portal: page is the path below the portal's location */
ngx_int_t ngx_http_privacy_rights_handler(ngx_http_request_t *r,
    ngx_str_t *page);

/* configuration: keys from the secret, privacy_mail_command */
ngx_int_t ngx_http_privacy_rights_conf(ngx_conf_t *cf, u_char *secret,
    size_t len);
char *ngx_http_privacy_mail_command(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_privacy_rights_init_process(ngx_cycle_t *cycle);
void ngx_http_privacy_rights_exit_process(ngx_cycle_t *cycle);
/* posts the outbox task unless one runs */
void ngx_http_privacy_rights_mail(ngx_cycle_t *cycle,
    ngx_http_privacy_main_conf_t *pmcf);

/* a task's work in a pool thread (ngx_http_privacy_rights_conf.c) */
void ngx_http_privacy_rights_thread(void *data, ngx_log_t *log);
/* a request's task is done (ngx_http_privacy_rights.c) */
void ngx_http_privacy_rights_done(ngx_event_t *ev);

/* ngx_http_privacy_rights_cookie.c */
ngx_int_t ngx_http_privacy_rights_same_origin(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_rights_cookie(ngx_http_request_t *r,
    const char *name, ngx_str_t *value);
ngx_int_t ngx_http_privacy_rights_set_cookie(ngx_http_request_t *r,
    const char *name, u_char *value, size_t len, time_t max_age);
ngx_int_t ngx_http_privacy_rights_session(ngx_http_request_t *r,
    char *subject_id);
ngx_int_t ngx_http_privacy_rights_consent_id(ngx_http_request_t *r,
    char *out);
/* an objection to analytics also marks this browser's consent cookie */
ngx_int_t ngx_http_privacy_rights_no_analytics(ngx_http_request_t *r);
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
ngx_int_t ngx_http_privacy_rights_json(ngx_http_request_t *r,
    u_char *data, size_t len);
ngx_int_t ngx_http_privacy_rights_redirect(ngx_http_request_t *r,
    const char *page);
/* adds the policy's processing description to an export (art. 15(1)) */
void ngx_http_privacy_rights_processing(ngx_http_request_t *r, char **json,
    size_t *len);
ngx_int_t ngx_http_privacy_rights_page_message(ngx_http_request_t *r,
    ngx_uint_t status, const char *sv, const char *en);


#endif /* _NGX_HTTP_PRIVACY_RIGHTS_H_INCLUDED_ */
