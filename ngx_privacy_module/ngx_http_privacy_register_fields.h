/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's fields (docs/api.md), each checked on its own out of
 * a jansson value: identifiers, text, RFC 3339 times, kinds, e-mail
 * addresses, phone numbers.  ngx_http_privacy_register_json.c puts them
 * together into bodies.  Error messages name the field, never repeat a
 * value.  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_FIELDS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_FIELDS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "ngx_http_privacy_rfc3339.h"


#define NGX_HTTP_PRIVACY_RJ_ERROR_LEN   128
#define NGX_HTTP_PRIVACY_RJ_ID_MAX      128

/* subject kinds, as bits */
#define NGX_HTTP_PRIVACY_KIND_CUSTOMER    0x01
#define NGX_HTTP_PRIVACY_KIND_SUPPLIER    0x02
#define NGX_HTTP_PRIVACY_KIND_CLUB        0x04
#define NGX_HTTP_PRIVACY_KIND_NEWSLETTER  0x08
#define NGX_HTTP_PRIVACY_KIND_COUNT       4

/* what a field in a body was: absent, null (clear it) or a value */
#define NGX_HTTP_PRIVACY_RJ_ABSENT  0
#define NGX_HTTP_PRIVACY_RJ_NULL    1
#define NGX_HTTP_PRIVACY_RJ_VALUE   2


typedef struct {
    int                      state;      /* NGX_HTTP_PRIVACY_RJ_* */
    const char              *data;       /* owned by the decoded document */
    size_t                   len;
} ngx_http_privacy_rj_str_t;

typedef struct {
    int                      state;
    int64_t                  t;          /* unix seconds */
} ngx_http_privacy_rj_time_t;


/* sets error (NGX_HTTP_PRIVACY_RJ_ERROR_LEN bytes) and returns -1 */
#define ngx_http_privacy_rj_fail(err, ...)                                    \
    do { snprintf(err, NGX_HTTP_PRIVACY_RJ_ERROR_LEN, __VA_ARGS__);          \
         return -1; } while (0)


/* a JSON object, no duplicate keys; NULL with error set */
json_t *ngx_http_privacy_rj_load(const u_char *buf, size_t len, char *error);

/*
 * The checks: 0, or -1 with error set.  A string of at most max bytes
 * without control characters (newlines: '\n' allowed); nullable: null is
 * RJ_NULL.
 */
int ngx_http_privacy_rj_string(json_t *v, const char *name, size_t max,
    int newlines, int nullable, ngx_http_privacy_rj_str_t *out, char *error);
int ngx_http_privacy_rj_id(json_t *v, const char *name,
    ngx_http_privacy_rj_str_t *out, char *error);
int ngx_http_privacy_rj_time(json_t *v, const char *name, int nullable,
    ngx_http_privacy_rj_time_t *out, char *error);
/* "kind": one name or an array of names, ORed into kinds */
int ngx_http_privacy_rj_kinds(json_t *v, unsigned *kinds, char *error);

/* 1 if the value has the shape, else 0 */
int ngx_http_privacy_rj_email(const ngx_http_privacy_rj_str_t *s);
int ngx_http_privacy_rj_phone(const ngx_http_privacy_rj_str_t *s);

/* an identifier: 1..128 bytes of RFC 3986 unreserved and sub-delims */
int ngx_http_privacy_rj_valid_id(const char *s, size_t len);

/* kind name of bit i (0 .. KIND_COUNT - 1) */
const char *ngx_http_privacy_rj_kind_name(unsigned i);


#endif /* _NGX_HTTP_PRIVACY_REGISTER_FIELDS_H_INCLUDED_ */
