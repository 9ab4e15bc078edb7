/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's markup for one response (ngx_http_privacy_banner_build.c).
 */

#ifndef _NGX_HTTP_PRIVACY_BANNER_BUILD_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_BUILD_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/*
 * The markup for this response into out (request pool): the banner unless
 * the visitor has decided, then the settings link; forms and links point
 * into the portal at "portal" (ends with '/').  All ASCII.
 */
ngx_int_t ngx_http_privacy_banner_build(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *pctx, ngx_str_t *portal, ngx_str_t *out);


#endif /* _NGX_HTTP_PRIVACY_BANNER_BUILD_H_INCLUDED_ */
