/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Decoding of the register API's JSON bodies (docs/api.md) with jansson
 * into plain structs, checked field by field: unknown fields, wrong
 * types, over-long or malformed values are refused.  Error messages name
 * the field, never repeat a value.  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_REGISTER_JSON_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REGISTER_JSON_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "ngx_http_privacy_pnr.h"
#include "ngx_http_privacy_register_fields.h"


#define NGX_HTTP_PRIVACY_RJ_ORDERS_MAX  1000


typedef struct {
    ngx_http_privacy_rj_str_t   order_id;
    int64_t                     placed;
    char                        total[32];
    char                        currency[4];
    char                       *items;   /* compact JSON, malloc'd */
} ngx_http_privacy_rj_order_t;

typedef struct {
    json_t                      *root;
    ngx_http_privacy_rj_str_t    external_id;
    unsigned                     kinds;
    ngx_http_privacy_rj_str_t    name;
    ngx_http_privacy_rj_str_t    address;
    ngx_http_privacy_rj_str_t    phone;
    ngx_http_privacy_rj_str_t    email;
    int                          pnr_state;
    ngx_http_privacy_pnr_t       pnr;
    ngx_http_privacy_rj_time_t   last_activity;
    ngx_http_privacy_rj_time_t   relationship_ended;
    ngx_http_privacy_rj_order_t *orders;
    size_t                       norders;
    char                         error[NGX_HTTP_PRIVACY_RJ_ERROR_LEN];
} ngx_http_privacy_rj_subject_t;

/* POST subjects/{id}/activity and /end: all fields optional */
typedef struct {
    ngx_http_privacy_rj_time_t   at;
    unsigned                     kinds;  /* /end: only these kinds */
    char                         error[NGX_HTTP_PRIVACY_RJ_ERROR_LEN];
} ngx_http_privacy_rj_event_t;

typedef struct {
    json_t                      *root;
    ngx_http_privacy_rj_str_t    external_id;   /* optional */
    ngx_http_privacy_rj_str_t    category;
    ngx_http_privacy_rj_str_t    reference;
    int64_t                      reference_date;
    char                         error[NGX_HTTP_PRIVACY_RJ_ERROR_LEN];
} ngx_http_privacy_rj_record_t;

/* the clock a ten-digit personnummer's century is judged against */
typedef struct {
    int                          year;
    int                          month;
    int                          day;
} ngx_http_privacy_rj_today_t;


/*
 * A subject (POST subjects; with_orders: an import line, which may hold
 * "orders").  0, or -1 with s->error set; free with _subject_free either
 * way.
 */
int ngx_http_privacy_rj_subject(const u_char *buf, size_t len,
    int with_orders, const ngx_http_privacy_rj_today_t *today,
    ngx_http_privacy_rj_subject_t *s);
void ngx_http_privacy_rj_subject_free(ngx_http_privacy_rj_subject_t *s);

/* one order (POST subjects/{id}/orders); free with _order_free */
int ngx_http_privacy_rj_order(const u_char *buf, size_t len,
    ngx_http_privacy_rj_order_t *o, json_t **root, char *error);
void ngx_http_privacy_rj_order_free(ngx_http_privacy_rj_order_t *o,
    json_t *root);

/* activity ({"at"}) or end ({"at", "kind"}); an empty body is {} */
int ngx_http_privacy_rj_event(const u_char *buf, size_t len, int with_kind,
    ngx_http_privacy_rj_event_t *e);

int ngx_http_privacy_rj_record(const u_char *buf, size_t len,
    ngx_http_privacy_rj_record_t *rec);
void ngx_http_privacy_rj_record_free(ngx_http_privacy_rj_record_t *rec);

#endif /* _NGX_HTTP_PRIVACY_REGISTER_JSON_H_INCLUDED_ */
