/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The site's origin, a form's body and the portal's URLs
 * (ngx_http_privacy_origin.h).
 * The parsing is pure (ngx_http_privacy_url.c); this file takes what it
 * needs from the request.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_url.h"


ngx_int_t
ngx_http_privacy_same_origin(ngx_http_request_t *r)
{
    size_t            len;
    unsigned          dflt;
    const char       *scheme;
    const u_char     *auth;
    ngx_table_elt_t  *h;

    h = ngx_http_privacy_find_header(r, "Origin", sizeof("Origin") - 1);

    if (h == NULL) {
        h = r->headers_in.referer;
    }

    if (h == NULL) {
        return NGX_DECLINED;
    }

    if (r->headers_in.host == NULL) {
        return 0;
    }

    scheme = "http";
    dflt = 80;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        scheme = "https";
        dflt = 443;
    }
#endif

    if (!ngx_http_privacy_url_authority(h->value.data, h->value.len, scheme,
                                        &auth, &len))
    {
        return 0;
    }

    return ngx_http_privacy_url_same_authority(auth, len,
                                               r->headers_in.host->value.data,
                                               r->headers_in.host->value.len,
                                               dflt);
}


ngx_int_t
ngx_http_privacy_form_body(ngx_http_request_t *r, size_t max,
    ngx_str_t *body)
{
    u_char       *p;
    size_t        len;
    ngx_chain_t  *cl;

    if (r->request_body == NULL) {
        return NGX_HTTP_BAD_REQUEST;
    }

    if (r->request_body->temp_file) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->in_file) {
            return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
        }

        len += cl->buf->last - cl->buf->pos;
    }

    if (len > max) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    body->data = ngx_pnalloc(r->pool, len + 1);
    if (body->data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = body->data;

    /* an empty body comes as a buffer with no memory (pos == NULL) */
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->last != cl->buf->pos) {
            p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
        }
    }

    *p = '\0';
    body->len = len;

    return NGX_OK;
}


void
ngx_http_privacy_portal_url(ngx_http_request_t *r, const char *page,
    ngx_str_t *url)
{
    u_char                    *p;
    size_t                     n;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    n = ngx_strlen(page);

    p = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_URL_JOIN_LEN(clcf->name.len, n));
    if (p == NULL) {
        ngx_str_set(url, "/");
        return;
    }

    url->data = p;
    url->len = ngx_http_privacy_url_join(p, clcf->name.data, clcf->name.len,
                                         (u_char *) page, n);
}
