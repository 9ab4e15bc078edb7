/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy page's rights, security and contact sections
 * (ngx_http_privacy_policy_contact.c).
 */

#ifndef _NGX_HTTP_PRIVACY_POLICY_CONTACT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_POLICY_CONTACT_H_INCLUDED_


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"


void ngx_http_privacy_policy_rights(ngx_http_privacy_page_t *page,
    json_t *doc);
void ngx_http_privacy_policy_security(ngx_http_privacy_page_t *page,
    json_t *doc);
void ngx_http_privacy_policy_contact(ngx_http_privacy_page_t *page,
    json_t *doc);


#endif /* _NGX_HTTP_PRIVACY_POLICY_CONTACT_H_INCLUDED_ */
