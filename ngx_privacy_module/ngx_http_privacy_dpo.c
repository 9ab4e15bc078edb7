/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The dashboard's routes (docs/dpo-guide.md): <dpo>/NAME.html|json|csv
 * to a report, computed in a pool thread on the worker's own connection
 * to the register; the POSTs go to ngx_http_privacy_dpo_post.c.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_dpo_int.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_report_analytics.h"


static ngx_int_t ngx_http_privacy_dpo_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_dpo_page(ngx_http_request_t *r,
    ngx_str_t *page);


char *
ngx_http_privacy_dpo(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_dpo_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_dpo_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  page;

    ngx_http_privacy_dpo_below(r, &page);

    if (r->method == NGX_HTTP_POST) {
        if (ngx_http_privacy_dpo_action(&page) == NGX_ERROR) {
            return NGX_HTTP_NOT_FOUND;
        }

        rc = ngx_http_read_client_request_body(r, ngx_http_privacy_dpo_body);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_privacy_dpo_page(r, &page);
}


static ngx_int_t
ngx_http_privacy_dpo_page(ngx_http_request_t *r, ngx_str_t *page)
{
    u_char                        token[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    ngx_int_t                     report, format;
    ngx_str_t                     arg;
    ngx_http_privacy_dpo_op_t    *op;
    ngx_http_privacy_dpo_task_t  *t;

    if (ngx_http_privacy_dpo_route(page, &report, &format) != NGX_OK) {
        return NGX_HTTP_NOT_FOUND;
    }

    t = ngx_http_privacy_dpo_task(r, report, format);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op = &t->op;

    if (report == NGX_HTTP_PRIVACY_DPO_AUDIT) {
        ngx_http_privacy_dpo_filter(r, "actor", op->actor,
                                    sizeof(op->actor));
        ngx_http_privacy_dpo_filter(r, "action", op->faction,
                                    sizeof(op->faction));
        ngx_http_privacy_dpo_filter(r, "subject", op->subject,
                                    sizeof(op->subject));
    }

    if (format == NGX_HTTP_PRIVACY_REPORT_CSV
        && ngx_http_arg(r, (u_char *) "table", 5, &arg) == NGX_OK)
    {
        if (arg.len >= sizeof(op->csv)) {
            return NGX_HTTP_NOT_FOUND;
        }

        (void) ngx_cpystrn((u_char *) op->csv, arg.data, arg.len + 1);
    }

    if (report == NGX_HTTP_PRIVACY_DPO_ANALYTICS
        && ngx_http_privacy_dpo_range(r, op) != NGX_OK)
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_BAD_REQUEST,
            "Ange datum som ÅÅÅÅ-MM-DD, till exempel 2026-11-30.",
            "Give the days as YYYY-MM-DD, for example 2026-11-30.");
    }

    if (format == NGX_HTTP_PRIVACY_REPORT_HTML) {
        if (ngx_http_privacy_dpo_token(r, token, 1) != NGX_OK) {
            return ngx_http_privacy_dpo_message(r,
                NGX_HTTP_SERVICE_UNAVAILABLE,
                "Rapporterna behöver privacy_secret_file.",
                "The reports need privacy_secret_file.");
        }

        ngx_memcpy(op->token, token, sizeof(token));
    }

    /* from the configuration alone: no thread, no register */
    if (report == NGX_HTTP_PRIVACY_DPO_PROCESSING) {
        return ngx_http_privacy_dpo_processing(r, t);
    }

    return ngx_http_privacy_dpo_start(r, t);
}


