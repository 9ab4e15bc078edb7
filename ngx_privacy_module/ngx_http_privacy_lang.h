/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The languages of the module's pages (ngx_http_privacy_lang.c).
 */

#ifndef _NGX_HTTP_PRIVACY_LANG_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_LANG_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/*
 * Languages by index: 0 sv and 1 en (the module's own words), then those
 * policy documents add (per process, registered at configuration time).
 */
ngx_int_t ngx_http_privacy_lang_index(const u_char *code, size_t len,
    ngx_uint_t add);
const char *ngx_http_privacy_lang_code(ngx_uint_t lang);
/* the site's language named by code (any case), or NGX_DECLINED */
ngx_int_t ngx_http_privacy_site_lang(ngx_http_privacy_srv_conf_t *pscf,
    const u_char *code, size_t len);


#endif /* _NGX_HTTP_PRIVACY_LANG_H_INCLUDED_ */
