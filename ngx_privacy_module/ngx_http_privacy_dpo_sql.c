/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO's reports in a pool thread: the dispatch, and what every
 * report's queries share.
 */


#include <stdio.h>
#include <string.h>

#include "ngx_http_privacy_dpo_sql.h"
#include "ngx_http_privacy_dpo_sql_int.h"


typedef ngx_http_privacy_dpo_op_t  dpo_op_t;


const char  *ngx_http_privacy_dpo_titles[][2] = {
    { "Översikt", "Overview" },
    { "Lagringstider", "Retention" },
    { "Besöksstatistik", "Analytics" },
    { "Begäranden", "Requests" },
    { "Kakor", "Cookies" },
    { "Incidenter", "Incidents" },
    { "Granskningslogg", "Audit log" },
    { "Registerförteckning", "Record of processing" },
};


int
ngx_http_privacy_dpo_run(dpo_op_t *op, ngx_http_privacy_rdb_t *rdb)
{
    int                        rc;
    sqlite3                   *db;
    ngx_http_privacy_report_t  rp;

    if (op->action >= NGX_HTTP_PRIVACY_DPO_INCIDENT) {
        return ngx_http_privacy_dpo_incidents_act(op, rdb);
    }

    if (op->action != NGX_HTTP_PRIVACY_DPO_SHOW) {
        return ngx_http_privacy_dpo_requests_act(op, rdb);
    }

    db = ngx_http_privacy_rdb_handle(rdb);

    memset(&rp, 0, sizeof(rp));
    rp.lang = op->lang;

    /* one snapshot: the counts of a report agree with each other */
    rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        return ngx_http_privacy_dpo_failed(op, db, rc);
    }

    switch (op->report) {

    case NGX_HTTP_PRIVACY_DPO_OVERVIEW:
        rc = ngx_http_privacy_dpo_overview(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_RETENTION:
        rc = ngx_http_privacy_dpo_retention(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_ANALYTICS:
        rc = ngx_http_privacy_dpo_analytics(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_REQUESTS:
        rc = ngx_http_privacy_dpo_requests_report(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_INCIDENTS:
        rc = ngx_http_privacy_dpo_incidents_report(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_COOKIES:
        rc = ngx_http_privacy_dpo_cookies_report(op, db, &rp);
        break;

    case NGX_HTTP_PRIVACY_DPO_AUDIT:
        rc = ngx_http_privacy_dpo_audit_report(op, rdb, &rp);
        break;

    default:
        rc = SQLITE_OK;
        op->not_found = 1;
    }

    (void) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

    if (rc == SQLITE_OK && !op->not_found
        && ngx_http_privacy_report_render(&rp, op->format, op->csv, &op->out)
           != 0)
    {
        if (op->out.failed) {
            snprintf(op->log, sizeof(op->log), "out of memory");
            rc = SQLITE_NOMEM;

        } else {
            op->not_found = 1;
        }
    }

    ngx_http_privacy_report_free(&rp);

    return rc;
}


