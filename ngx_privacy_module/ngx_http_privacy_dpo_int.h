/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the files of the DPO's dashboard share (ngx_http_privacy_dpo.c:
 * routes and the thread task; _dpo_post.c: the POSTs, their Origin and
 * form token; _dpo_page.c: the answer in each format).
 */

#ifndef _NGX_HTTP_PRIVACY_DPO_INT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DPO_INT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <pthread.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_rights_token.h"
#include "ngx_http_privacy_worker.h"


typedef struct {
    ngx_http_request_t                  *request;
    ngx_http_privacy_worker_rdb_t       *conn;         /* the worker's */
    ngx_http_privacy_register_keys_t    *rkeys;
    char                                *path;
    ngx_http_privacy_page_t              page;
    ngx_http_privacy_dpo_op_t            op;
} ngx_http_privacy_dpo_task_t;


/* ngx_http_privacy_dpo.c */
void ngx_http_privacy_dpo_below(ngx_http_request_t *r, ngx_str_t *page);
/* what a POST to page does (NGX_HTTP_PRIVACY_DPO_SHOW: a sweep), or
 * NGX_ERROR */
ngx_int_t ngx_http_privacy_dpo_action(ngx_str_t *page);
ngx_http_privacy_dpo_task_t *ngx_http_privacy_dpo_task(
    ngx_http_request_t *r, ngx_int_t report, ngx_int_t format);
ngx_int_t ngx_http_privacy_dpo_start(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);

/* ngx_http_privacy_dpo_post.c */
void ngx_http_privacy_dpo_body(ngx_http_request_t *r);
/* the form token of this browser; set: make its cookie if missing */
ngx_int_t ngx_http_privacy_dpo_token(ngx_http_request_t *r, u_char *out,
    ngx_uint_t set);
/* 303 to a report of the dashboard, after a POST */
ngx_int_t ngx_http_privacy_dpo_redirect(ngx_http_request_t *r,
    const char *report);

/* ngx_http_privacy_dpo_processing.c: the record (art. 30), answered */
ngx_int_t ngx_http_privacy_dpo_processing(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);

/* ngx_http_privacy_dpo_page.c */
ngx_int_t ngx_http_privacy_dpo_answer(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t);
ngx_int_t ngx_http_privacy_dpo_message(ngx_http_request_t *r,
    ngx_uint_t status, const char *sv, const char *en);

/* ngx_http_privacy_dpo_task.c: a page's report and format; a filter and
 * the range of days from the query */
ngx_int_t ngx_http_privacy_dpo_route(ngx_str_t *page, ngx_int_t *report,
    ngx_int_t *format);
void ngx_http_privacy_dpo_filter(ngx_http_request_t *r, const char *name,
    char *out, size_t size);
ngx_int_t ngx_http_privacy_dpo_range(ngx_http_request_t *r,
    ngx_http_privacy_dpo_op_t *op);


#endif /* _NGX_HTTP_PRIVACY_DPO_INT_H_INCLUDED_ */
