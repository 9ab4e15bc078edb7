/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The portal's policy pages (ngx_http_privacy_policy_page.c): "policy",
 * "cookies" and "policy.json", by page name.
 */

#ifndef _NGX_HTTP_PRIVACY_POLICY_PAGE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_POLICY_PAGE_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* NGX_DECLINED when page is none of the policy pages */
ngx_int_t ngx_http_privacy_policy_handler(ngx_http_request_t *r,
    ngx_str_t *page);


#endif /* _NGX_HTTP_PRIVACY_POLICY_PAGE_H_INCLUDED_ */
