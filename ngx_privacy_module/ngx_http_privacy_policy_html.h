/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document's values as HTML (ngx_http_privacy_policy_html.c).
 */

#ifndef _NGX_HTTP_PRIVACY_POLICY_HTML_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_POLICY_HTML_H_INCLUDED_


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"


/* the sections of the policy page, in order: name and heading */
extern ngx_http_privacy_term_t  ngx_http_privacy_sections[];

void ngx_http_privacy_section(ngx_http_privacy_page_t *page,
    const char *name);
void ngx_http_privacy_html_text(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
void ngx_http_privacy_html_lines(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key, const char *sep);
void ngx_http_privacy_html_url(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key, json_t *label);
void ngx_http_privacy_html_mail(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
void ngx_http_privacy_html_phone(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
void ngx_http_privacy_html_names(ngx_http_privacy_page_t *page,
    json_t *ids, json_t *list);
void ngx_http_privacy_html_date(ngx_http_privacy_page_t *page,
    const char *date);


#endif /* _NGX_HTTP_PRIVACY_POLICY_HTML_H_INCLUDED_ */
