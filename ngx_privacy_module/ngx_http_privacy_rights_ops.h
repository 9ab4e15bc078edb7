/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights portal's work on the register (docs/rights.md), as a pool
 * thread runs it: one-time codes (stored as keyed hashes, single use,
 * limited), verification, the export, erasure with bookkeeping holds,
 * rectification, restriction and objection, each recorded as a case with
 * its due date; and the analytics linked to a consent id.  Plain C over
 * SQLite and jansson, no nginx calls (STYLE.md trap 5).
 */

#ifndef _NGX_HTTP_PRIVACY_RIGHTS_OPS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_RIGHTS_OPS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_rights_token.h"


/* at most this many codes per address, and per client, an hour */
#define NGX_HTTP_PRIVACY_RIGHTS_PER_ADDRESS  3
#define NGX_HTTP_PRIVACY_RIGHTS_PER_CLIENT   10

#define NGX_HTTP_PRIVACY_RIGHTS_FIELD_MAX    512


typedef enum {
    NGX_HTTP_PRIVACY_RIGHTS_CODE = 0,       /* POST rights */
    NGX_HTTP_PRIVACY_RIGHTS_VERIFY,         /* POST rights/verify */
    NGX_HTTP_PRIVACY_RIGHTS_EXPORT,         /* GET rights/export(.json) */
    NGX_HTTP_PRIVACY_RIGHTS_ERASE,          /* POST rights/erase */
    NGX_HTTP_PRIVACY_RIGHTS_RECTIFY,        /* POST rights/rectify */
    NGX_HTTP_PRIVACY_RIGHTS_RESTRICT,       /* POST rights/restrict */
    NGX_HTTP_PRIVACY_RIGHTS_OBJECT,         /* POST rights/object */
    NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS,      /* GET rights/analytics.json */
    NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE,
    NGX_HTTP_PRIVACY_RIGHTS_MAIL            /* send what the outbox holds */
} ngx_http_privacy_rights_e;


/* results */
#define NGX_HTTP_PRIVACY_RIGHTS_OK        0
#define NGX_HTTP_PRIVACY_RIGHTS_REFUSED   1     /* wrong code, unknown */
#define NGX_HTTP_PRIVACY_RIGHTS_EXPIRED   2
#define NGX_HTTP_PRIVACY_RIGHTS_LOCKED    3     /* too many attempts */
#define NGX_HTTP_PRIVACY_RIGHTS_LIMITED   4     /* too many codes */
#define NGX_HTTP_PRIVACY_RIGHTS_GONE      5     /* no such subject */
#define NGX_HTTP_PRIVACY_RIGHTS_ERROR     -1


typedef struct {
    char        *data;
    size_t       len;
    int          set;
} ngx_http_privacy_rights_str_t;


typedef struct {
    /* in */
    ngx_http_privacy_rights_e            op;
    int64_t                              now;
    int                                  lang;          /* 0 sv, 1 en */
    char                                 email[256];
    size_t                               email_len;
    char                                 code[16];
    size_t                               code_len;
    char                                 client[33];    /* pseudonym */
    char                                 subject_id[33];
    char                                 consent_id[33];
    const char                          *mail_command;  /* or NULL */
    const char                          *mail_from;
    /* bookkeeping: privacy_fiscal_year_end, privacy_retention's period */
    unsigned                             fiscal_month;
    unsigned                             fiscal_day;
    int                                  book_set;
    ngx_http_privacy_period_t            book_period;

    /* rectify: name, address, phone, email */
    ngx_http_privacy_rights_str_t        fields[4];
    /* restrict / object: the new values */
    int                                  restricted;
    unsigned                             objections;

    /* out */
    int                                  result;
    char                                *out;          /* malloc'd JSON */
    size_t                               out_len;
    char                                 log[200];      /* no personal data */
} ngx_http_privacy_rights_op_t;


/* the portal's own table (rights_codes), created if missing */
int ngx_http_privacy_rights_schema(ngx_http_privacy_rdb_t *rdb);

void ngx_http_privacy_rights_run(ngx_http_privacy_rights_op_t *op,
    ngx_http_privacy_rdb_t *rdb, const ngx_http_privacy_register_keys_t *rk,
    const ngx_http_privacy_rights_keys_t *keys);


#endif /* _NGX_HTTP_PRIVACY_RIGHTS_OPS_H_INCLUDED_ */
