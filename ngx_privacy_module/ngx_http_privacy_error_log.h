/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The error log's request context without the client's address or the
 * query as typed (ngx_http_privacy_error_log.c).
 */

#ifndef _NGX_HTTP_PRIVACY_ERROR_LOG_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ERROR_LOG_H_INCLUDED_


#include "ngx_http_privacy_conf.h"


/* POST_READ phase: installs the context writer where the server says */
ngx_int_t ngx_http_privacy_error_log_handler(ngx_http_request_t *r);

/* whether a server has privacy_error_log_scrub on (after the merge) */
ngx_uint_t ngx_http_privacy_error_log_used(ngx_conf_t *cf);


#endif /* _NGX_HTTP_PRIVACY_ERROR_LOG_H_INCLUDED_ */
