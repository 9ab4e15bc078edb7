/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The module's variables ($privacy_consent, $privacy_decided,
 * $privacy_gpc, $privacy_stripped): the request's consent state, for
 * logs and the configuration (docs/directives.md); and the log-safe
 * $privacy_client and $privacy_request_line, with which an access log
 * holds no IP address and no search term as typed (docs/operator-guide.md,
 * "Access logs").
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_log_uri.h"
#include "ngx_http_privacy_variables.h"


static ngx_int_t ngx_http_privacy_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_privacy_client_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_privacy_request_line_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);


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

    { ngx_string("privacy_client"), NULL, ngx_http_privacy_client_variable,
      0, 0, 0 },

    { ngx_string("privacy_request_line"), NULL,
      ngx_http_privacy_request_line_variable, 0, 0, 0 },

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


/*
 * The client as a keyed hash of its address (the pseudonym of consent
 * receipts: the controller can tell two requests of one address apart
 * from others', nobody without the secret can tell which address); in
 * a server without privacy_secret_file, the address cut to its network
 * (IPv4 /24, IPv6 /48), as "192.0.2.0".  Writes at most
 * NGX_HTTP_PRIVACY_CLIENT_LEN bytes to p, without allocating (the
 * error log's context calls it too); returns the length, 0 on error.
 */

size_t
ngx_http_privacy_client_text(ngx_http_request_t *r, u_char *p)
{
    struct sockaddr_in           *sin;
    ngx_http_privacy_srv_conf_t  *pscf;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6          *sin6;
    struct sockaddr_in6           cut6;
#endif
    struct sockaddr_in            cut;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (pscf->client_mac) {
        if (ngx_http_privacy_client_pseudonym(r, p) != NGX_OK) {
            return 0;
        }

        return 32;
    }

    switch (r->connection->sockaddr->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        cut = *sin;
        cut.sin_addr.s_addr &= htonl(0xffffff00);
        return ngx_sock_ntop((struct sockaddr *) &cut, sizeof(cut), p,
                             NGX_SOCKADDR_STRLEN, 0);

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;
        cut6 = *sin6;
        ngx_memzero(&cut6.sin6_addr.s6_addr[6], 10);
        return ngx_sock_ntop((struct sockaddr *) &cut6, sizeof(cut6), p,
                             NGX_SOCKADDR_STRLEN, 0);
#endif

    default:
        /* a unix socket: no address of a person */
        p[0] = '-';
        return 1;
    }
}


static ngx_int_t
ngx_http_privacy_client_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_CLIENT_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_http_privacy_client_text(r, p);
    if (v->len == 0) {
        return NGX_ERROR;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}


/*
 * The request line as $request shows it, with the target made safe
 * (ngx_http_privacy_log_uri.c): the path scrubbed as page views' are,
 * every query argument as site-search terms are.
 */

static ngx_int_t
ngx_http_privacy_request_line_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                        *p;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    p = ngx_pnalloc(r->pool, r->method_name.len + 1
                             + NGX_HTTP_PRIVACY_LOG_URI_BUF + 1
                             + r->http_protocol.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = p;

    p = ngx_cpymem(p, r->method_name.data, r->method_name.len);
    *p++ = ' ';

    p += ngx_http_privacy_log_uri(pmcf->scrubber, r->unparsed_uri.data,
                                  r->unparsed_uri.len, p,
                                  NGX_HTTP_PRIVACY_LOG_URI_BUF);

    if (r->http_protocol.len) {
        *p++ = ' ';
        p = ngx_cpymem(p, r->http_protocol.data, r->http_protocol.len);
    }

    v->len = p - v->data;

    return NGX_OK;
}
