/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The retention sweep's lines in the error log (ngx_http_privacy_upkeep.c
 * calls it on the event loop once a sweep is done).
 */

#ifndef _NGX_HTTP_PRIVACY_UPKEEP_LOG_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_UPKEEP_LOG_H_INCLUDED_


#include "ngx_http_privacy_upkeep.h"


/* a line per category configured, from u->sweep_count and _cutoff */
void ngx_http_privacy_upkeep_log_sweep(ngx_http_privacy_upkeep_t *u);


#endif /* _NGX_HTTP_PRIVACY_UPKEEP_LOG_H_INCLUDED_ */
