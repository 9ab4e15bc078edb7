/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO's reports as a pool thread computes them (docs/dpo-guide.md):
 * prepared statements over the register, read into report tables
 * (ngx_http_privacy_report.h) and rendered in the format asked for.
 * Plain C over SQLite, no nginx calls (STYLE.md trap 5).
 */

#ifndef _NGX_HTTP_PRIVACY_DPO_SQL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_DPO_SQL_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "ngx_http_privacy_mail_notice.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_report.h"


typedef enum {
    NGX_HTTP_PRIVACY_DPO_OVERVIEW = 0,
    NGX_HTTP_PRIVACY_DPO_RETENTION,
    NGX_HTTP_PRIVACY_DPO_ANALYTICS,
    NGX_HTTP_PRIVACY_DPO_REQUESTS,
    NGX_HTTP_PRIVACY_DPO_COOKIES,
    NGX_HTTP_PRIVACY_DPO_INCIDENTS,
    NGX_HTTP_PRIVACY_DPO_AUDIT,
    NGX_HTTP_PRIVACY_DPO_PROCESSING,
    NGX_HTTP_PRIVACY_DPO_NREPORTS
} ngx_http_privacy_dpo_report_e;


/* the reports' names in URLs, by ngx_http_privacy_dpo_report_e */
extern const char  *ngx_http_privacy_dpo_names[];
/* their titles, sv and en */
extern const char  *ngx_http_privacy_dpo_titles[][2];


#define NGX_HTTP_PRIVACY_DPO_RETENTIONS  16

/* what a POST does (op->action); 0 shows a report */
#define NGX_HTTP_PRIVACY_DPO_SHOW        0
#define NGX_HTTP_PRIVACY_DPO_EXTEND      1   /* requests/extend */
#define NGX_HTTP_PRIVACY_DPO_CLOSE       2   /* requests/close */
#define NGX_HTTP_PRIVACY_DPO_INCIDENT    3   /* incidents */
#define NGX_HTTP_PRIVACY_DPO_REPORTED    4   /* incidents/reported */
#define NGX_HTTP_PRIVACY_DPO_END         5   /* incidents/close */


/* a breach as the DPO registers it (the texts in the request's body) */
typedef struct {
    ngx_http_privacy_mail_text_t         what;
    ngx_http_privacy_mail_text_t         categories;
    ngx_http_privacy_mail_text_t         subjects;
    ngx_http_privacy_mail_text_t         consequences;
    ngx_http_privacy_mail_text_t         measures;
    ngx_http_privacy_mail_text_t         notify;     /* customer numbers */
    int64_t                              occurred;   /* -1: unknown */
    int64_t                              discovered;
} ngx_http_privacy_dpo_incident_t;


typedef struct {
    char                                 category[24];
    char                                 period[32];   /* as written */
} ngx_http_privacy_dpo_retention_t;


typedef struct {
    /* in */
    int                                  action;       /* DPO_SHOW, ... */
    int                                  report;
    int                                  format;       /* REPORT_HTML... */
    int                                  lang;         /* 0 sv, 1 en */
    int64_t                              now;
    char                                 csv[32];      /* which table */
    char                                 token[64];    /* the form token */

    ngx_http_privacy_dpo_retention_t     retention[
                                             NGX_HTTP_PRIVACY_DPO_RETENTIONS];
    int                                  nretention;
    int64_t                              consent_max_age;
    int                                  fiscal_month;
    int                                  fiscal_day;

    /* analytics: days from .. to (YYYY-MM-DD), the k of the terms */
    char                                 from[11];
    char                                 to[11];
    int64_t                              from_day;     /* their midnights */
    int64_t                              to_day;
    int64_t                              min_visitors;

    /* audit: the filters ("" for any) */
    char                                 actor[16];
    char                                 faction[64];
    char                                 subject[33];

    /* actions: the case, one or two months, the reason or the outcome */
    char                                 id[33];
    int                                  months;
    char                                 text[1024];
    size_t                               text_len;
    ngx_http_privacy_dpo_incident_t     *incident;
    const char                          *mail_from;    /* or NULL */

    /* out */
    int                                  result;       /* 1: no such case */
    int                                  notices;      /* queued */
    int                                  unknown;      /* numbers */
    ngx_http_privacy_rbuf_t              out;
    int                                  not_found;    /* no such table */
    char                                 log[256];     /* the error */
} ngx_http_privacy_dpo_op_t;


/*
 * does op->action, or computes and renders the report into op->out;
 * SQLITE_OK or an error
 */
int ngx_http_privacy_dpo_run(ngx_http_privacy_dpo_op_t *op,
    ngx_http_privacy_rdb_t *rdb);


#endif /* _NGX_HTTP_PRIVACY_DPO_SQL_H_INCLUDED_ */
