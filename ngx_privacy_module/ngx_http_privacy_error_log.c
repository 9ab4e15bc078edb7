/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The context nginx adds to each error log line of a request ("client:
 * 192.0.2.7, server: shop, request: "GET /search?q=Anna+Svensson ...",
 * upstream: "http://10.0.0.2/search?q=...", referrer: ...") holds the
 * client's address and the query as typed, at every level, "error"
 * included (a missing file, an unreachable upstream).  With
 * privacy_error_log_scrub on, the context is written as the log-safe
 * variables write an access log: the client as $privacy_client, the
 * request line as $privacy_request_line, the upstream as its address
 * only, no referrer (docs/operator-guide.md, "Access logs").
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_log_uri.h"
#include "ngx_http_privacy_variables.h"
#include "ngx_http_privacy_error_log.h"


static u_char *ngx_http_privacy_error_log_context(ngx_log_t *log,
    u_char *buf, size_t len);
static u_char *ngx_http_privacy_error_log_request(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *buf, size_t len);


/* nginx's own context writer (ngx_http_log_error), for other servers */
static ngx_log_handler_pt  ngx_http_privacy_error_log_nginx;


/* the handler is registered only when a server asks for it */

ngx_uint_t
ngx_http_privacy_error_log_used(ngx_conf_t *cf)
{
    ngx_uint_t                    s;
    ngx_http_core_srv_conf_t    **cscfp;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_privacy_srv_conf_t  *pscf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        pscf = cscfp[s]->ctx->srv_conf[ngx_http_privacy_module.ctx_index];

        if (pscf->error_log_scrub == 1) {
            return 1;
        }
    }

    return 0;
}


/*
 * POST_READ: the first phase of a request, after its header.  The
 * handler is the connection's (HTTP/1.x) or the stream's (HTTP/2, 3):
 * it stays for the requests that follow on the connection, and answers
 * for each as its own server says.
 */

ngx_int_t
ngx_http_privacy_error_log_handler(ngx_http_request_t *r)
{
    ngx_log_t                    *log;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (pscf->error_log_scrub != 1) {
        return NGX_DECLINED;
    }

    log = r->connection->log;

    if (log->handler == ngx_http_privacy_error_log_context) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_error_log_nginx == NULL) {
        ngx_http_privacy_error_log_nginx = log->handler;
    }

    if (log->handler != ngx_http_privacy_error_log_nginx) {
        /* another module's writer: not ours to replace */
        return NGX_DECLINED;
    }

    log->handler = ngx_http_privacy_error_log_context;

    return NGX_DECLINED;
}


static u_char *
ngx_http_privacy_error_log_context(ngx_log_t *log, u_char *buf, size_t len)
{
    u_char                       *p;
    ngx_http_request_t           *r;
    ngx_http_log_ctx_t           *ctx;
    ngx_http_privacy_srv_conf_t  *pscf;

    ctx = log->data;
    r = ctx->request;

    if (r != NULL) {
        pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

        if (pscf->error_log_scrub != 1) {
            /* a later request on the connection, in another server */
            return ngx_http_privacy_error_log_nginx(log, buf, len);
        }
    }

    p = buf;

    if (log->action) {
        p = ngx_snprintf(p, len, " while %s", log->action);
        len -= p - buf;
    }

    if (r == NULL) {
        /* between requests: nothing names the client */
        return p;
    }

    return ngx_http_privacy_error_log_request(r, ctx->current_request, p,
                                              len);
}


static u_char *
ngx_http_privacy_error_log_request(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *buf, size_t len)
{
    u_char                        *p, *last;
    size_t                         n;
    ngx_http_upstream_t           *u;
    ngx_http_core_srv_conf_t      *cscf;
    ngx_http_privacy_main_conf_t  *pmcf;
    u_char                         client[NGX_HTTP_PRIVACY_CLIENT_LEN];

    last = buf + len;

    n = ngx_http_privacy_client_text(r, client);
    if (n == 0) {
        client[0] = '-';
        n = 1;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);

    p = ngx_snprintf(buf, last - buf, ", client: %*s, server: %V",
                     n, client, &cscf->server_name);

    /* the request line, once parsed, its target scrubbed to what fits */

    if (r->method_name.len && r->unparsed_uri.len) {
        pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

        p = ngx_snprintf(p, last - p, ", request: \"%V ", &r->method_name);

        if (last - p > (ssize_t) (r->http_protocol.len + 2)) {
            p += ngx_http_privacy_log_uri(pmcf->scrubber,
                                          r->unparsed_uri.data,
                                          r->unparsed_uri.len, p,
                                          last - p - r->http_protocol.len
                                          - 2);
        }

        if (r->http_protocol.len) {
            p = ngx_snprintf(p, last - p, " %V", &r->http_protocol);
        }

        p = ngx_snprintf(p, last - p, "\"");
    }

    /* where nginx was going: a server's address, not a person's */

    u = sr->upstream;

    if (u != NULL && u->peer.name != NULL) {
        p = ngx_snprintf(p, last - p, ", upstream: \"%V\"", u->peer.name);
    }

    if (r->headers_in.server.len) {
        p = ngx_snprintf(p, last - p, ", host: \"%V\"",
                         &r->headers_in.server);
    }

    return p;
}
