/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register database at configuration time
 * (ngx_http_privacy_db_conf.c).
 */

#ifndef _NGX_HTTP_PRIVACY_DB_CONF_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DB_CONF_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/*
 * privacy_db set: the store, its thread pool ("default" unless defined),
 * the http level's retention periods and sweeps, the analytics
 */
char *ngx_http_privacy_db_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_srv_conf_t *pscf);


#endif /* _NGX_HTTP_PRIVACY_DB_CONF_H_INCLUDED_ */
