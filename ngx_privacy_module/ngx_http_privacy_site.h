/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A site's configuration (ngx_http_privacy_site.c), for the top.
 */

#ifndef _NGX_HTTP_PRIVACY_SITE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SITE_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


void *ngx_http_privacy_create_srv_conf(ngx_conf_t *cf);
char *ngx_http_privacy_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
char *ngx_http_privacy_site_init(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
char *ngx_http_privacy_site_bind(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
ngx_int_t ngx_http_privacy_check_portals(ngx_conf_t *cf);
char *ngx_http_privacy_read_secret(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);


#endif /* _NGX_HTTP_PRIVACY_SITE_H_INCLUDED_ */
