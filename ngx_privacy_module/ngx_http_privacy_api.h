/*
 * Copyright (C) ngx_privacy_module authors
 *
 * privacy_register_api: the location through which the shop's backend
 * keeps the subject register current (docs/api.md).  Its content handler:
 * the body is read on the event loop, the register's work done by a
 * thread-pool task on the worker's connection.
 */

#ifndef _NGX_HTTP_PRIVACY_API_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_API_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


ngx_int_t ngx_http_privacy_api_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_PRIVACY_API_H_INCLUDED_ */
