/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the checks of the policy document share, private to them: where
 * in the document a check is ("$.purposes[2].retention") and the error
 * that names it (ngx_http_privacy_policy_where.c), and the checks of
 * references between parts (ngx_http_privacy_policy_refs.c).
 */

#ifndef _NGX_HTTP_PRIVACY_POLICY_CHECK_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_POLICY_CHECK_H_INCLUDED_


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_policy.h"


#define NGX_HTTP_PRIVACY_PATH_MAX       256
#define NGX_HTTP_PRIVACY_QUOTE_MAX      64  /* bytes of a value in errors */
#define NGX_HTTP_PRIVACY_QUOTE_SIZE     (NGX_HTTP_PRIVACY_QUOTE_MAX + 8)
#define NGX_HTTP_PRIVACY_ID_MAX         64


/* where in the document the validation is: "$.purposes[2].retention" */
typedef struct {
    ngx_conf_t                      *cf;
    ngx_http_privacy_srv_conf_t     *pscf;
    size_t                           len;
    u_char                           path[NGX_HTTP_PRIVACY_PATH_MAX];
} ngx_http_privacy_check_t;


/* ngx_http_privacy_policy_where.c */
char *ngx_http_privacy_check_error(ngx_http_privacy_check_t *ck,
    const char *fmt, ...);
/* appends ".key", or ["key"] for an unusual key; returns the old length */
size_t ngx_http_privacy_path_key(ngx_http_privacy_check_t *ck,
    const char *key);
size_t ngx_http_privacy_path_index(ngx_http_privacy_check_t *ck, size_t i);
/* a value from the document, safe for the error log, in a QUOTE_SIZE buf */
ngx_str_t ngx_http_privacy_quote(u_char *buf, const char *s);

/* ngx_http_privacy_policy_refs.c: what the schema cannot say */
char *ngx_http_privacy_check_refs(ngx_http_privacy_check_t *ck,
    json_t *doc);


#endif /* _NGX_HTTP_PRIVACY_POLICY_CHECK_H_INCLUDED_ */
