/*
 * Copyright (C) ngx_privacy_module authors
 *
 * privacy_dpo: the Data Protection Officer's dashboard
 * (docs/dpo-guide.md).  The location's own access control (auth_basic,
 * allow/deny) runs first, in nginx's access phase; this content handler
 * routes <dpo>/NAME.html|json|csv to a report computed in a pool thread
 * (ngx_http_privacy_dpo_sql.c) and checks each POST for the site's Origin
 * and a form token.
 */

#ifndef _NGX_HTTP_PRIVACY_DPO_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DPO_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/* "privacy_dpo" */
char *ngx_http_privacy_dpo(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_PRIVACY_DPO_H_INCLUDED_ */
