/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The response side of enforcement, as a header filter placed after the
 * userid and headers filters (see ngx_module_order in config) so that it
 * sees every Set-Cookie: from upstreams, add_header and userid alike.
 * Denied cookies are not set; denied cookies the browser still holds are
 * expired; and a response that depends on the consent state says so to
 * shared caches.
 */


#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_cookie.h"


#define NGX_HTTP_PRIVACY_EXPIRED  "; Max-Age=0; Path=/;" \
                                  " Expires=Thu, 01 Jan 1970 00:00:01 GMT"


static ngx_int_t ngx_http_privacy_header_filter(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_strip_set_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
static ngx_uint_t ngx_http_privacy_is_deletion(u_char *value, size_t len);
static ngx_int_t ngx_http_privacy_expire_presented(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t *added);
static const char *ngx_http_privacy_registrable(
    ngx_http_privacy_main_conf_t *pmcf, u_char *host, size_t len);
static ngx_int_t ngx_http_privacy_expire_build(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *rec, ngx_uint_t *added);
static ngx_int_t ngx_http_privacy_expire(ngx_http_request_t *r,
    ngx_http_privacy_header_memo_t *rec, ngx_str_t *name, ngx_str_t *domain);
static ngx_int_t ngx_http_privacy_protect_cache(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


ngx_int_t
ngx_http_privacy_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_privacy_header_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_header_filter(ngx_http_request_t *r)
{
    ngx_uint_t                    varies, added;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    /* only the main request's headers reach the client */
    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /*
     * A location with "privacy off" is left alone, unless the request
     * already had cookies stripped before an internal redirect brought it
     * here (error_page to a page outside the scope), or the portal has
     * just recorded a decision.
     */

    if (!plcf->enable) {
        ctx = ngx_http_privacy_find_ctx(r);

        if (ctx == NULL || !(ctx->enforced || ctx->decision_made)) {
            return ngx_http_next_header_filter(r);
        }
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (!ctx->request_done && ngx_http_privacy_scan(r, ctx, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    varies = ngx_http_privacy_strip_set_cookies(r, plcf, ctx);

    if (ngx_http_privacy_expire_presented(r, plcf, ctx, &added) != NGX_OK) {
        return NGX_ERROR;
    }

    if ((varies || added || ctx->decision_made)
        && ngx_http_privacy_protect_cache(r, plcf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}


/* returns 1 when the response sets cookies, whose fate depends on consent */

static ngx_uint_t
ngx_http_privacy_strip_set_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    size_t            len;
    u_char           *name;
    unsigned          category;
    ngx_uint_t        i, sets;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    sets = 0;

    for (part = &r->headers_out.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0 || h[i].key.len != sizeof("Set-Cookie") - 1
                || ngx_strncasecmp(h[i].key.data, (u_char *) "Set-Cookie",
                                   sizeof("Set-Cookie") - 1) != 0)
            {
                continue;
            }

            if (ngx_http_privacy_set_cookie_name(h[i].value.data,
                                                 h[i].value.len,
                                                 (const u_char **) &name,
                                                 &len)
                != 0)
            {
                continue;
            }

            sets = 1;

            category = ngx_http_privacy_category_of(r, plcf, name, len);

            if (category == NGX_HTTP_PRIVACY_CAT_NECESSARY
                || !ngx_http_privacy_denied(plcf, ctx, category))
            {
                continue;
            }

            /* a backend deleting a tracking cookie is welcome */
            if (ngx_http_privacy_is_deletion(h[i].value.data,
                                             h[i].value.len))
            {
                continue;
            }

            /* a header with hash 0 is not sent (HTTP/1, HTTP/2 alike) */
            h[i].hash = 0;

            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy: Set-Cookie \"%*s\" removed", len, name);

            (void) ngx_http_privacy_add_stripped(r, ctx, name, len);
        }
    }

    return sets;
}


static ngx_uint_t
ngx_http_privacy_is_deletion(u_char *value, size_t len)
{
    size_t         n;
    ngx_int_t      age;
    time_t         expires;
    const u_char  *v;

    if (ngx_http_privacy_set_cookie_attr(value, len, "Max-Age", &v, &n)) {
        if (n && v[0] == '-') {
            return 1;
        }

        age = ngx_atoi((u_char *) v, n);
        return age == 0;
    }

    if (ngx_http_privacy_set_cookie_attr(value, len, "Expires", &v, &n)) {
        expires = ngx_parse_http_time((u_char *) v, n);
        return expires != NGX_ERROR && expires <= ngx_time();
    }

    return 0;
}


/*
 * The expiring Set-Cookie values depend only on the presented cookies,
 * the consent categories, the location, the host and TLS: when the header
 * memo gave this request its verdict, they are taken from (or kept in)
 * the same slot.
 */

static ngx_int_t
ngx_http_privacy_expire_presented(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t *added)
{
    u_char                          *p;
    ngx_str_t                        value;
    ngx_uint_t                       i, ssl;
    ngx_http_privacy_header_memo_t  *m;

    m = ngx_http_privacy_memo_of(ctx, plcf);

    if (m == NULL || r->headers_in.server.len > sizeof(m->expiry_host)) {
        return ngx_http_privacy_expire_build(r, plcf, ctx, NULL, added);
    }

#if (NGX_HTTP_SSL)
    ssl = (r->connection->ssl != NULL);
#else
    ssl = 0;
#endif

    if (!m->expiry
        || m->expiry_ssl != ssl
        || m->expiry_host_len != r->headers_in.server.len
        || ngx_memcmp(m->expiry_host, r->headers_in.server.data,
                      m->expiry_host_len) != 0)
    {
        m->expiry = 0;
        m->nexpiry = 0;
        m->expiry_size = 0;

        if (ngx_http_privacy_expire_build(r, plcf, ctx, m, added) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (m->nexpiry <= NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES) {
            m->expiry = 1;
            m->expiry_ssl = ssl;
            m->expiry_host_len = r->headers_in.server.len;
            ngx_memcpy(m->expiry_host, r->headers_in.server.data,
                       m->expiry_host_len);
        }

        return NGX_OK;
    }

    *added = (m->nexpiry > 0);

    if (m->nexpiry == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, m->expiry_size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, m->expiry_values, m->expiry_size);

    for (i = 0; i < m->nexpiry; i++) {
        value.data = p;
        value.len = m->expiry_len[i];
        p += value.len;

        if (ngx_http_privacy_add_header(r, "Set-Cookie", &value) == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * A cookie in the browser does not say which domain set it: expire it for
 * the host and for every parent domain up to the registrable one (public
 * suffix list), which covers the "Domain=.example.se" trackers use.
 */

static ngx_int_t
ngx_http_privacy_expire_build(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *rec, ngx_uint_t *added)
{
    u_char                        *host, *p, *last;
    const char                    *reg;
    ngx_str_t                      domain;
    ngx_uint_t                     i, j, ip;
    ngx_http_privacy_presented_t  *pr;
    ngx_http_privacy_main_conf_t  *pmcf;

    *added = 0;

    pr = ctx->presented.elts;
    reg = NULL;
    host = NULL;

    for (i = 0; i < ctx->presented.nelts; i++) {

        if (!ngx_http_privacy_denied(plcf, ctx, pr[i].category)
            || !ngx_http_privacy_cookie_name_valid(pr[i].name.data,
                                                   pr[i].name.len))
        {
            continue;
        }

        for (j = 0; j < i; j++) {
            if (pr[j].name.len == pr[i].name.len
                && ngx_memcmp(pr[j].name.data, pr[i].name.data,
                              pr[i].name.len) == 0)
            {
                break;
            }
        }

        if (j < i) {
            continue;   /* presented twice, expired once */
        }

        if (*added == 0 && r->headers_in.server.len) {
            host = ngx_pnalloc(r->pool, r->headers_in.server.len + 1);
            if (host == NULL) {
                return NGX_ERROR;
            }

            last = ngx_cpymem(host, r->headers_in.server.data,
                              r->headers_in.server.len);
            *last = '\0';

            ip = 1;
            for (p = host; p < last; p++) {
                if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == ':'
                      || *p == '[' || *p == ']'))
                {
                    ip = 0;
                    break;
                }
            }

            pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

            if (!ip && pmcf->psl) {
                reg = ngx_http_privacy_registrable(pmcf, host, last - host);
            }
        }

        *added = 1;

        /* host-only, which also replaces a Domain=<host> cookie */
        if (ngx_http_privacy_expire(r, rec, &pr[i].name, NULL) != NGX_OK) {
            return NGX_ERROR;
        }

        if (reg == NULL) {
            continue;
        }

        /*
         * Browsers keep a "Domain=<host>" cookie apart from the host-only
         * one, so expire the host itself too, then every parent of it down
         * to the registrable domain.
         */

        for (p = host; /* void */; /* void */) {
            domain.data = p;
            domain.len = ngx_strlen(p);

            if (ngx_http_privacy_expire(r, rec, &pr[i].name, &domain)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (p >= (u_char *) reg) {
                break;
            }

            p = (u_char *) ngx_strchr(p, '.');
            if (p == NULL) {
                break;
            }

            p++;
        }
    }

    return NGX_OK;
}


/* the registrable domain within host, remembered for the last host seen */

static const char *
ngx_http_privacy_registrable(ngx_http_privacy_main_conf_t *pmcf,
    u_char *host, size_t len)
{
    const char  *reg;

    if (len != pmcf->psl_host_len || len > sizeof(pmcf->psl_host)
        || ngx_memcmp(pmcf->psl_host, host, len) != 0)
    {
        reg = psl_registrable_domain(pmcf->psl, (char *) host);

        if (len > sizeof(pmcf->psl_host)) {
            return reg;
        }

        ngx_memcpy(pmcf->psl_host, host, len);
        pmcf->psl_host_len = len;
        pmcf->psl_reg = reg ? (u_char *) reg - host : -1;
    }

    return pmcf->psl_reg == -1 ? NULL : (char *) host + pmcf->psl_reg;
}


static ngx_int_t
ngx_http_privacy_expire(ngx_http_request_t *r,
    ngx_http_privacy_header_memo_t *rec, ngx_str_t *name, ngx_str_t *domain)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   value;

    len = name->len + sizeof("=") - 1 + sizeof(NGX_HTTP_PRIVACY_EXPIRED) - 1
          + (domain ? sizeof("; Domain=") - 1 + domain->len : 0)
          + sizeof("; Secure") - 1;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value.data = p;

    p = ngx_cpymem(p, name->data, name->len);
    *p++ = '=';
    p = ngx_cpymem(p, NGX_HTTP_PRIVACY_EXPIRED,
                   sizeof(NGX_HTTP_PRIVACY_EXPIRED) - 1);

    if (domain) {
        p = ngx_cpymem(p, "; Domain=", sizeof("; Domain=") - 1);
        p = ngx_cpymem(p, domain->data, domain->len);
    }

#if (NGX_HTTP_SSL)
    /* a Secure cookie can only be replaced over TLS, by a Secure cookie */
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }
#endif

    value.len = p - value.data;

    if (rec && rec->nexpiry < NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES
        && rec->expiry_size + value.len <= NGX_HTTP_PRIVACY_HEADER_MEMO_LEN)
    {
        ngx_memcpy(rec->expiry_values + rec->expiry_size, value.data,
                   value.len);
        rec->expiry_size += value.len;
        rec->expiry_len[rec->nexpiry++] = (uint16_t) value.len;

    } else if (rec) {
        /* too many to keep: this response is not remembered */
        rec->nexpiry = NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES + 1;
    }

    return ngx_http_privacy_add_header(r, "Set-Cookie", &value) ? NGX_OK
                                                                 : NGX_ERROR;
}


static ngx_int_t
ngx_http_privacy_protect_cache(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_str_t   value;
    ngx_uint_t  has, cookie, gpc;

    /* bits of "has": 1 for "*", 2 for "cookie", 4 for "sec-gpc" */
    static ngx_str_t  vary = ngx_string("Vary");
    static ngx_str_t  tokens[] = {
        ngx_string("*"), ngx_string("cookie"), ngx_string("sec-gpc")
    };

    if (plcf->cache == NGX_HTTP_PRIVACY_CACHE_PRIVATE) {
        return ngx_http_privacy_cache_private(r);
    }

    has = ngx_http_privacy_header_tokens(r, &vary, tokens, 3);

    if (has & 1) {
        return NGX_OK;
    }

    cookie = !(has & 2);

    /* with privacy_gpc, Sec-GPC changes which cookies are set too */
    gpc = plcf->gpc && !(has & 4);

    if (cookie && gpc) {
        ngx_str_set(&value, "Cookie, Sec-GPC");

    } else if (cookie) {
        ngx_str_set(&value, "Cookie");

    } else if (gpc) {
        ngx_str_set(&value, "Sec-GPC");

    } else {
        return NGX_OK;
    }

    if (ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* "Cache-Control: private", unless the response is already private */

ngx_int_t
ngx_http_privacy_cache_private(ngx_http_request_t *r)
{
    ngx_str_t  value;

    static ngx_str_t  cache_control = ngx_string("Cache-Control");
    static ngx_str_t  tokens[] = {
        ngx_string("private"), ngx_string("no-store")
    };

    if (ngx_http_privacy_header_tokens(r, &cache_control, tokens, 2)) {
        return NGX_OK;
    }

    ngx_str_set(&value, "private");

    return ngx_http_privacy_add_header(r, "Cache-Control", &value)
           ? NGX_OK : NGX_ERROR;
}


/*
 * Appends a response header; the key must outlive the request (the
 * ngx_http_privacy_add_header() macro passes a literal and its length).
 */

ngx_table_elt_t *
ngx_http_privacy_add_header_n(ngx_http_request_t *r, u_char *key,
    size_t key_len, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.data = key;
    h->key.len = key_len;
    h->value = *value;
    h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


/*
 * Which of n tokens the response headers named key list: bit i for
 * tokens[i], given in lower case (matched case-insensitively in a
 * comma-separated list, as "token", "token=..." or "token;...").  One
 * pass over the headers answers for all the tokens.
 */

ngx_uint_t
ngx_http_privacy_header_tokens(ngx_http_request_t *r, ngx_str_t *key,
    ngx_str_t *tokens, ngx_uint_t n)
{
    size_t            len;
    u_char           *p, *last;
    ngx_uint_t        i, t, has;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    has = 0;

    for (part = &r->headers_out.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0 || h[i].key.len != key->len
                || ngx_strncasecmp(h[i].key.data, key->data, key->len) != 0)
            {
                continue;
            }

            p = h[i].value.data;
            last = p + h[i].value.len;

            while (p < last) {
                while (p < last && (*p == ' ' || *p == ',' || *p == '\t')) {
                    p++;
                }

                for (t = 0; t < n; t++) {
                    len = tokens[t].len;

                    if ((size_t) (last - p) >= len
                        && ngx_strncasecmp(p, tokens[t].data, len) == 0
                        && (p + len == last || p[len] == ',' || p[len] == ' '
                            || p[len] == ';' || p[len] == '='))
                    {
                        has |= (ngx_uint_t) 1 << t;
                    }
                }

                while (p < last && *p != ',') {
                    p++;
                }
            }
        }
    }

    return has;
}


ngx_int_t
ngx_http_privacy_set_consent_cookie(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *consent)
{
    u_char                        *p;
    size_t                         len, n;
    ngx_str_t                      value;
    ngx_uint_t                     secure;
    u_char                         buf[NGX_HTTP_PRIVACY_CONSENT_MAX_LEN];
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    static ngx_str_t  samesite[] = {
        ngx_string("; SameSite=Lax"),
        ngx_string("; SameSite=Strict"),
        ngx_string("; SameSite=None")
    };

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    n = ngx_http_privacy_consent_encode(consent, pmcf->cookie_mac, buf,
                                        sizeof(buf));
    if (n == 0) {
        return NGX_ERROR;
    }

    secure = plcf->cookie_secure == 1
             || plcf->cookie_samesite == NGX_HTTP_PRIVACY_SAMESITE_NONE;
#if (NGX_HTTP_SSL)
    secure = secure || r->connection->ssl;
#endif

    len = plcf->cookie_name.len + 1 + n
          + sizeof("; Path=") - 1 + plcf->cookie_path.len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; Domain=") - 1 + plcf->cookie_domain.len
          + samesite[plcf->cookie_samesite].len
          + sizeof("; HttpOnly; Secure") - 1;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value.data = p;

    p = ngx_cpymem(p, plcf->cookie_name.data, plcf->cookie_name.len);
    *p++ = '=';
    p = ngx_cpymem(p, buf, n);
    p = ngx_sprintf(p, "; Path=%V; Max-Age=%T", &plcf->cookie_path,
                    plcf->cookie_max_age);

    if (plcf->cookie_domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &plcf->cookie_domain);
    }

    p = ngx_cpymem(p, samesite[plcf->cookie_samesite].data,
                   samesite[plcf->cookie_samesite].len);
    p = ngx_cpymem(p, "; HttpOnly", sizeof("; HttpOnly") - 1);

    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    value.len = p - value.data;

    return ngx_http_privacy_add_header(r, "Set-Cookie", &value) ? NGX_OK
                                                                 : NGX_ERROR;
}
