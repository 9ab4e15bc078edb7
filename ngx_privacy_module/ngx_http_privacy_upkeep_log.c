/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The retention sweep's lines in the error log, once a sweep is done: one
 * at notice per category, what it found past its period and what it
 * deleted, kept under hold or asked of another system (docs/database.md,
 * "Retention"); a warning when that system did not confirm.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_privacy_upkeep_log.h"


void
ngx_http_privacy_upkeep_log_sweep(ngx_http_privacy_upkeep_t *u)
{
    int                              i;
    ngx_tm_t                         tm;
    ngx_str_t                       *text;
    const char                      *dry;
    ngx_http_privacy_sweep_count_t  *c;

    dry = u->sweep_run_dry ? " (dry run)" : "";

    for (i = 0; i < NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES; i++) {
        text = &u->sweep_text[i];

        if (text->len == 0) {
            continue;
        }

        c = &u->sweep_count[i];
        ngx_gmtime(u->sweep_cutoff[i], &tm);

        switch (i) {

        case NGX_HTTP_PRIVACY_SWEEP_ANALYTICS:
            ngx_log_error(NGX_LOG_NOTICE, u->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %L page "
                          "views from before %4d-%02d-%02d %s in %T s "
                          "(privacy_retention analytics %V)", u->path, dry,
                          (int64_t) (u->sweep_run_dry ? c->examined
                                                       : c->deleted),
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          u->sweep_run_dry ? "to be deleted" : "deleted",
                          ngx_time() - u->sweep_start, text);
            break;

        case NGX_HTTP_PRIVACY_SWEEP_AGGREGATE:
        case NGX_HTTP_PRIVACY_SWEEP_CONSENT:
            ngx_log_error(NGX_LOG_NOTICE, u->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %L %s "
                          "%4d-%02d-%02d %s (privacy_retention %s %V)",
                          u->path, dry,
                          (int64_t) (u->sweep_run_dry ? c->examined
                                                       : c->deleted),
                          i == NGX_HTTP_PRIVACY_SWEEP_CONSENT
                          ? "consent receipts whose consent ended before"
                          : "daily aggregates of days before",
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          u->sweep_run_dry ? "to be deleted" : "deleted",
                          ngx_http_privacy_sweep_names[i], text);
            break;

        case NGX_HTTP_PRIVACY_SWEEP_CHAT:
        case NGX_HTTP_PRIVACY_SWEEP_CCTV:
            ngx_log_error(NGX_LOG_NOTICE, u->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %s: %L "
                          "past their period (reference date before "
                          "%4d-%02d-%02d), %L asked of "
                          "privacy_erase_command, %L erased, %L kept under "
                          "hold (privacy_retention %s %V)%s",
                          u->path, dry, ngx_http_privacy_sweep_names[i],
                          (int64_t) c->examined,
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          (int64_t) c->asked, (int64_t) c->deleted,
                          (int64_t) c->held,
                          ngx_http_privacy_sweep_names[i], text,
                          u->erase_command || u->sweep_run_dry
                          ? "" : "; no privacy_erase_command: not asked");

            if (u->erase_error[i][0]) {
                ngx_log_error(NGX_LOG_WARN, u->log, 0,
                              "privacy_db \"%V\": retention sweep: %s: %s; "
                              "%L records stay due, asked again at the "
                              "next sweep", u->path,
                              ngx_http_privacy_sweep_names[i],
                              u->erase_error[i],
                              (int64_t) (c->asked - c->deleted));
            }

            break;

        default: /* the subject register's, the audit log's */
            ngx_log_error(NGX_LOG_NOTICE, u->log, 0,
                          "privacy_db \"%V\": retention sweep%s: %s: %L "
                          "past their period (reference date before "
                          "%4d-%02d-%02d), %L %s, %L kept under hold "
                          "(privacy_retention %s %V)",
                          u->path, dry, ngx_http_privacy_sweep_names[i],
                          (int64_t) c->examined,
                          tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                          (int64_t) (u->sweep_run_dry
                                     ? c->examined - c->held : c->deleted),
                          u->sweep_run_dry ? "to be deleted" : "deleted",
                          (int64_t) c->held,
                          ngx_http_privacy_sweep_names[i], text);
            break;
        }
    }
}
