/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The module's variables ($privacy_consent, $privacy_decided,
 * $privacy_gpc, $privacy_stripped): the request's consent state, for
 * logs and the configuration (docs/directives.md).
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_variables.h"


static ngx_int_t ngx_http_privacy_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#define NGX_HTTP_PRIVACY_VAR_CONSENT   0
#define NGX_HTTP_PRIVACY_VAR_DECIDED   1
#define NGX_HTTP_PRIVACY_VAR_GPC       2
#define NGX_HTTP_PRIVACY_VAR_STRIPPED  3


static ngx_http_variable_t  ngx_http_privacy_vars[] = {

    { ngx_string("privacy_consent"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_CONSENT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_decided"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_DECIDED, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_gpc"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_GPC, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_stripped"), NULL, ngx_http_privacy_variable,
      NGX_HTTP_PRIVACY_VAR_STRIPPED, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_privacy_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_privacy_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                  *p;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    switch (data) {

    case NGX_HTTP_PRIVACY_VAR_CONSENT:
        p = ngx_pnalloc(r->pool, 48);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->len = ngx_http_privacy_categories_format(ctx->categories, p);
        v->data = p;
        break;

    case NGX_HTTP_PRIVACY_VAR_DECIDED:
        v->len = 1;
        v->data = (u_char *) (ctx->decided ? "1" : "0");
        break;

    case NGX_HTTP_PRIVACY_VAR_GPC:
        v->len = 1;
        v->data = (u_char *) (ctx->gpc ? "1" : "0");
        break;

    default: /* NGX_HTTP_PRIVACY_VAR_STRIPPED */
        v->len = ctx->stripped.len;
        v->data = ctx->stripped.data;
        break;
    }

    return NGX_OK;
}
