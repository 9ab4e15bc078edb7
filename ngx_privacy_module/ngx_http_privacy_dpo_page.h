/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO dashboard's page frame (ngx_http_privacy_dpo_page.c).
 */

#ifndef _NGX_HTTP_PRIVACY_DPO_PAGE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DPO_PAGE_H_INCLUDED_


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"


/* the dashboard's own rules: tables, navigation, cards, print */
extern const char  ngx_http_privacy_dpo_style[];

ngx_int_t ngx_http_privacy_dpo_token(ngx_http_request_t *r,
    u_char *out, ngx_uint_t set);
void ngx_http_privacy_dpo_args(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r);
void ngx_http_privacy_dpo_nav(ngx_http_privacy_page_t *page,
    ngx_int_t current);
ngx_int_t ngx_http_privacy_dpo_message(ngx_http_request_t *r,
    ngx_uint_t status, const char *sv, const char *en);


#endif /* _NGX_HTTP_PRIVACY_DPO_PAGE_H_INCLUDED_ */
