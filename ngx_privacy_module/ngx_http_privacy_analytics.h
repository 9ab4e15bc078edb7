/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Page-view analytics in the LOG phase (ngx_http_privacy_analytics.c).
 */

#ifndef _NGX_HTTP_PRIVACY_ANALYTICS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ANALYTICS_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

char *ngx_http_privacy_scrubber_init(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf);
char *ngx_http_privacy_analytics_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf);
ngx_int_t ngx_http_privacy_analytics_handler(ngx_http_request_t *r);
void ngx_http_privacy_analytics_exit_process(void);


#endif /* _NGX_HTTP_PRIVACY_ANALYTICS_H_INCLUDED_ */
