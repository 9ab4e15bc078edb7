/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Expiring the denied cookies a browser presented (GDPR art. 7(3): a
 * withdrawal takes effect in the browser too).  A cookie in the browser
 * does not say which domain or path it was set for, so its name goes
 * out with Max-Age=0 for each place it may live: the host and its
 * parents down to the registrable domain, the path its Set-Cookie named
 * when one was seen, else the request's directories.  The request
 * chooses the names and the Host, so all of it is bounded
 * (docs/security.md, "expiry amplification"): parent domains only for a
 * host this server serves, at most privacy_expire_limit Set-Cookies and
 * NGX_HTTP_PRIVACY_EXPIRE_BYTES bytes per response; the rest go out
 * with later responses, once the browser stops presenting the first.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_header_memo.h"
#include "ngx_http_privacy_expire.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_cookie.h"


/* constant parts of every expiring Set-Cookie, formatted once */
#define NGX_HTTP_PRIVACY_EXPIRED_HEAD  "=; Max-Age=0; Path="
#define NGX_HTTP_PRIVACY_EXPIRED_TAIL  "; Expires=Thu, 01 Jan 1970 00:00:01 GMT"


/*
 * The most values one response's expiries hold: EXPIRE_BYTES of values of
 * at least a one-byte name and path each; joined as the lines they make
 * (ngx_http_privacy_add_lines())
 */
#define NGX_HTTP_PRIVACY_EXPIRED_MIN                                        \
    (sizeof(NGX_HTTP_PRIVACY_EXPIRED_HEAD) - 1                              \
     + sizeof(NGX_HTTP_PRIVACY_EXPIRED_TAIL) - 1 + 2)
#define NGX_HTTP_PRIVACY_EXPIRED_MAX                                        \
    (NGX_HTTP_PRIVACY_EXPIRE_BYTES / NGX_HTTP_PRIVACY_EXPIRED_MIN)
#define NGX_HTTP_PRIVACY_EXPIRED_JOINED                                     \
    (NGX_HTTP_PRIVACY_EXPIRE_BYTES                                          \
     + NGX_HTTP_PRIVACY_EXPIRED_MAX                                         \
       * ngx_http_privacy_line_break("Set-Cookie"))


typedef struct {
    ngx_http_request_t               *request;
    ngx_uint_t                        count;
    size_t                            bytes;        /* of the values */
    ngx_uint_t                        limit;
    ngx_uint_t                        full;
    size_t                            size;         /* of the lines */
    u_char                           *lines;
    uint16_t                         *lens;
} ngx_http_privacy_expiry_t;


static ngx_int_t ngx_http_privacy_expire_build(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *rec, ngx_uint_t *added);
static ngx_uint_t ngx_http_privacy_host_served(ngx_http_request_t *r);
static void ngx_http_privacy_psl_cleanup(void *data);
static const char *ngx_http_privacy_registrable(
    ngx_http_privacy_main_conf_t *pmcf, u_char *host, size_t len);
static size_t ngx_http_privacy_request_dir(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_path_safe(u_char *p, size_t len);
static ngx_http_privacy_cookie_path_t *ngx_http_privacy_path_slot(
    u_char *name, size_t len);
static ngx_int_t ngx_http_privacy_expire(ngx_http_privacy_expiry_t *ex,
    ngx_str_t *name, ngx_str_t *path, ngx_str_t *domain);


/*
 * The expiring Set-Cookie values depend only on the presented cookies,
 * the consent categories, the location, the host, TLS, the request's
 * directory and the paths learnt: when the header memo gave this request
 * its verdict, they are taken from (or kept in) the same slot.
 */

ngx_int_t
ngx_http_privacy_expire_presented(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t *added)
{
    size_t                           dir;
    ngx_uint_t                       ssl;
    ngx_http_privacy_header_memo_t  *m;

    m = ngx_http_privacy_memo_of(ctx, plcf);
    dir = ngx_http_privacy_request_dir(r);

    if (m == NULL || r->headers_in.server.len > sizeof(m->expiry_host)
        || dir > sizeof(m->expiry_dir) || ctx->expiry_pinned)
    {
        return ngx_http_privacy_expire_build(r, plcf, ctx, NULL, added);
    }

#if (NGX_HTTP_SSL)
    ssl = (r->connection->ssl != NULL);
#else
    ssl = 0;
#endif

    if (!m->expiry
        || m->expiry_ssl != ssl
        || m->expiry_paths_gen != ngx_http_privacy_worker->cookie_paths_gen
        || m->expiry_host_len != r->headers_in.server.len
        || m->expiry_dir_len != dir
        || ngx_memcmp(m->expiry_host, r->headers_in.server.data,
                      m->expiry_host_len) != 0
        || ngx_memcmp(m->expiry_dir, r->uri.data, dir) != 0)
    {
        if (m->expiry_pins) {
            /* another response still points at the slot's lines */
            return ngx_http_privacy_expire_build(r, plcf, ctx, NULL, added);
        }

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
            m->expiry_paths_gen = ngx_http_privacy_worker->cookie_paths_gen;
            m->expiry_host_len = r->headers_in.server.len;
            ngx_memcpy(m->expiry_host, r->headers_in.server.data,
                       m->expiry_host_len);
            m->expiry_dir_len = dir;
            ngx_memcpy(m->expiry_dir, r->uri.data, dir);
        }

        return NGX_OK;
    }

    *added = (m->nexpiry > 0);

    if (m->nexpiry == 0) {
        return NGX_OK;
    }

    /*
     * The headers point at the slot's lines, not at a copy: the log phase
     * may read them ($sent_http_set_cookie) after other requests took the
     * slot, so they stay as they are until this request is freed.
     */
    m->expiry_pins++;
    ctx->expiry_pinned = m;

    return ngx_http_privacy_add_lines(r, "Set-Cookie", m->expiry_lines,
                                      m->expiry_size, m->expiry_len,
                                      m->nexpiry);
}


static ngx_int_t
ngx_http_privacy_expire_build(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *rec, ngx_uint_t *added)
{
    u_char                          *host, *p, *last;
    size_t                           dir;
    ngx_str_t                        domain, name, *paths, own[2];
    ngx_str_t                        dirs[1 + NGX_HTTP_PRIVACY_EXPIRE_DIRS];
    const char                      *reg;
    ngx_uint_t                       i, j, k, n, npaths, ndirs, ip, left;
    ngx_http_privacy_presented_t    *pr;
    ngx_http_privacy_cookie_path_t  *slot;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_expiry_t        ex;
    uint16_t                         lens[NGX_HTTP_PRIVACY_EXPIRED_MAX];
    u_char                           lines[NGX_HTTP_PRIVACY_EXPIRED_JOINED];

    *added = 0;

    if (ngx_http_privacy_presented_get(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    pr = ctx->presented.elts;
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    ex.request = r;
    ex.count = 0;
    ex.bytes = 0;
    ex.limit = ngx_min((ngx_uint_t) plcf->expire_limit,
                       NGX_HTTP_PRIVACY_EXPIRED_MAX);
    ex.full = 0;
    ex.size = 0;
    ex.lines = lines;
    ex.lens = lens;

    reg = NULL;
    host = NULL;
    left = 0;

    /* the request's directories, from the top: "/a", "/a/b", ... */
    dir = ngx_http_privacy_request_dir(r);
    ndirs = 0;

    if (dir > 1 && ngx_http_privacy_path_safe(r->uri.data, dir)) {
        for (k = 1; k <= dir && ndirs < NGX_HTTP_PRIVACY_EXPIRE_DIRS; k++) {
            if (k == dir || r->uri.data[k] == '/') {
                dirs[1 + ndirs].data = r->uri.data;
                dirs[1 + ndirs].len = k;
                ndirs++;
            }
        }
    }

    ngx_str_set(&dirs[0], "/");
    ngx_str_set(&own[0], "/");

    for (i = 0; i < ctx->presented.nelts; i++) {

        /*
         * Denied here, or removed by the rules of a location the request
         * passed through before this one (fail closed).
         */
        if (!((i < ctx->judged_before && pr[i].denied)
              || ngx_http_privacy_denied(plcf, ctx, pr[i].category))
            || pr[i].name_len > NGX_HTTP_PRIVACY_EXPIRE_NAME
            || !ngx_http_privacy_cookie_name_valid(pr[i].name,
                                                   pr[i].name_len))
        {
            continue;
        }

        if (ex.full) {
            /* no search for duplicates: counted, perhaps twice */
            left++;
            continue;
        }

        /* presented twice (or judged again after a redirect): once */
        for (j = 0; j < i; j++) {
            if (pr[j].name_len == pr[i].name_len
                && ngx_memcmp(pr[j].name, pr[i].name,
                              pr[i].name_len) == 0
                && ((j < ctx->judged_before && pr[j].denied)
                    || ngx_http_privacy_denied(plcf, ctx, pr[j].category)))
            {
                break;
            }
        }

        if (j < i) {
            continue;
        }

        if (host == NULL && r->headers_in.server.len) {
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

            /*
             * Parent domains only for a name this server answers to: a
             * default server reached with a foreign Host expires
             * host-only cookies (docs/security.md).
             */

            if (!ip && pmcf->psl && last - host <= 253
                && ngx_http_privacy_host_served(r))
            {
                reg = ngx_http_privacy_registrable(pmcf, host, last - host);
            }
        }

        /* the path its Set-Cookie named, else the request's directories */
        slot = ngx_http_privacy_path_slot(pr[i].name, pr[i].name_len);

        name.data = pr[i].name;
        name.len = pr[i].name_len;

        if (slot && slot->name_len) {
            /* known: "/" and the path it was set with */
            own[1].data = slot->path;
            own[1].len = slot->path_len;
            paths = own;
            npaths = (slot->path_len > 1) ? 2 : 1;

        } else {
            paths = dirs;
            npaths = 1 + ndirs;
        }

        *added = 1;

        for (n = 0; n < npaths && !ex.full; n++) {

            /* host-only, which also replaces a Domain=<host> cookie */
            if (ngx_http_privacy_expire(&ex, &name, &paths[n], NULL)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (reg == NULL) {
                continue;
            }

            /*
             * Browsers keep a "Domain=<host>" cookie apart from the
             * host-only one, so expire the host itself too, then every
             * parent of it down to the registrable domain.
             */

            for (p = host; !ex.full; /* void */) {
                domain.data = p;
                domain.len = ngx_strlen(p);

                if (ngx_http_privacy_expire(&ex, &name, &paths[n],
                                            &domain)
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

        if (ex.full) {
            left++;
        }
    }

    if (ex.full) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy: privacy_expire_limit reached after %ui "
                      "expiries, %ui denied cookie names left for later "
                      "responses", ex.count, left);
    }

    if (rec) {
        if (ex.full || ex.count > NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES
            || ex.size > NGX_HTTP_PRIVACY_HEADER_MEMO_EXPIRY)
        {
            /*
             * not remembered: a response over the limit says so in the log
             * each time, one too large for the slot is built each time
             */
            rec->nexpiry = NGX_HTTP_PRIVACY_HEADER_MEMO_COOKIES + 1;

        } else {
            ngx_memcpy(rec->expiry_lines, lines, ex.size);
            ngx_memcpy(rec->expiry_len, lens, ex.count * sizeof(uint16_t));
            rec->expiry_size = ex.size;
            rec->nexpiry = ex.count;
        }
    }

    if (ex.count == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, ex.size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, lines, ex.size);

    return ngx_http_privacy_add_lines(r, "Set-Cookie", p, ex.size, lens,
                                      ex.count);
}


/*
 * Whether the Host names this server block, asked the way nginx chose
 * the server: its hash of exact and wildcard server_name values, then
 * the regular expressions, of the listening address.  An address with
 * one server has no such table: there the Host must equal the server's
 * first name.  server_names itself lives only at configuration time.
 */

static ngx_uint_t
ngx_http_privacy_host_served(ngx_http_request_t *r)
{
    ngx_str_t                  *host;
    ngx_http_connection_t      *hc;
    ngx_http_virtual_names_t   *vn;
    ngx_http_core_srv_conf_t   *cscf, *found;
#if (NGX_PCRE)
    ngx_uint_t                  i;
#endif

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    host = &r->headers_in.server;
    hc = r->http_connection;

    vn = (hc && hc->addr_conf) ? hc->addr_conf->virtual_names : NULL;

    if (vn == NULL) {
        return host->len == cscf->server_name.len
               && ngx_strncasecmp(host->data, cscf->server_name.data,
                                  host->len) == 0;
    }

    found = ngx_hash_find_combined(&vn->names,
                                   ngx_hash_key(host->data, host->len),
                                   host->data, host->len);
    if (found) {
        return found == cscf;
    }

#if (NGX_PCRE)
    for (i = 0; i < vn->nregex; i++) {
        if (vn->regex[i].server == cscf
            && ngx_regex_exec(vn->regex[i].regex->regex, host, NULL, 0)
               >= 0)
        {
            return 1;
        }
    }
#endif

    return 0;
}


/* the registrable domain within host, remembered for the last host seen */

static const char *
ngx_http_privacy_registrable(ngx_http_privacy_main_conf_t *pmcf,
    u_char *host, size_t len)
{
    const char                 *reg;
    ngx_http_privacy_worker_t  *w;

    w = ngx_http_privacy_worker;

    if (len != w->psl_host_len || len > sizeof(w->psl_host)
        || ngx_memcmp(w->psl_host, host, len) != 0)
    {
        reg = psl_registrable_domain(pmcf->psl, (char *) host);

        if (len > sizeof(w->psl_host)) {
            return reg;
        }

        ngx_memcpy(w->psl_host, host, len);
        w->psl_host_len = len;
        w->psl_reg = reg ? (u_char *) reg - host : -1;
    }

    return w->psl_reg == -1 ? NULL : (char *) host + w->psl_reg;
}


/*
 * The length of the request's directory, the default-path of a cookie
 * set without Path (RFC 6265 5.1.4): the URI up to its last '/', or 0.
 */

static size_t
ngx_http_privacy_request_dir(ngx_http_request_t *r)
{
    u_char  *p;

    if (r->uri.len == 0 || r->uri.data[0] != '/') {
        return 0;
    }

    for (p = r->uri.data + r->uri.len - 1; p > r->uri.data; p--) {
        if (*p == '/') {
            return p - r->uri.data;
        }
    }

    return 0;
}


/*
 * A path that can go into a Set-Cookie as is: visible ASCII without ';'
 * (the decoded URI may hold "%3B" or "%0D%0A" as bytes), starting '/'.
 */

static ngx_uint_t
ngx_http_privacy_path_safe(u_char *p, size_t len)
{
    size_t  i;

    if (len == 0 || p[0] != '/') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == ';' || p[i] == ',') {
            return 0;
        }
    }

    return 1;
}


static ngx_http_privacy_cookie_path_t *
ngx_http_privacy_path_slot(u_char *name, size_t len)
{
    ngx_http_privacy_cookie_path_t  *slot;

    if (len == 0 || len > sizeof(slot->name)) {
        return NULL;
    }

    slot = &ngx_http_privacy_worker->cookie_paths[
               ngx_hash_key(name, len) % NGX_HTTP_PRIVACY_COOKIE_PATHS];

    if (slot->name_len != len || ngx_memcmp(slot->name, name, len) != 0) {
        /* another name, or none: the caller may take the slot */
        return slot->name_len ? NULL : slot;
    }

    return slot;
}


/*
 * Remembers where a non-necessary cookie lives, from a Set-Cookie this
 * worker saw go by (sent or not): its Path, or without one the
 * directory of the request that set it (RFC 6265 5.1.4).  A name whose
 * path is known is expired there and at "/"; an unknown one at "/" and
 * the request's directories.
 */

void
ngx_http_privacy_learn_path(ngx_http_request_t *r, u_char *name,
    size_t name_len, u_char *value, size_t len)
{
    size_t                           n;
    u_char                          *path;
    ngx_uint_t                       named;
    const u_char                    *v;
    ngx_http_privacy_cookie_path_t  *slot;

    if (name_len == 0 || name_len > sizeof(slot->name)) {
        return;
    }

    named = 0;

    if (ngx_http_privacy_set_cookie_attr(value, len, "Path", &v, &n)
        && n && v[0] == '/')
    {
        path = (u_char *) v;
        named = 1;

    } else {
        path = r->uri.data;
        n = ngx_http_privacy_request_dir(r);
    }

    /* as written: a cookie is replaced only with the same path */

    if (n == 0) {
        /* set at "/x": its default-path is "/" */
        path = (u_char *) "/";
        n = 1;
    }

    if (n > sizeof(slot->path) || !ngx_http_privacy_path_safe(path, n)) {
        return;
    }

    slot = &ngx_http_privacy_worker->cookie_paths[
               ngx_hash_key(name, name_len) % NGX_HTTP_PRIVACY_COOKIE_PATHS];

    if (slot->name_len == name_len
        && ngx_memcmp(slot->name, name, name_len) == 0
        && ((slot->path_len == n && ngx_memcmp(slot->path, path, n) == 0)
            || (n == 1 && slot->path_len > 1)
            || (!named && slot->named && slot->path_len > 1)))
    {
        /*
         * Known already; "/" is always expired, so a deeper path stays,
         * and a path the request chose (a default-path) does not replace
         * a deeper one a Set-Cookie named.
         */
        return;
    }

    ngx_memcpy(slot->name, name, name_len);
    slot->name_len = name_len;
    ngx_memcpy(slot->path, path, n);
    slot->path_len = n;
    slot->named = named;

    ngx_http_privacy_worker->cookie_paths_gen++;
}


/* one more value, as a line after those before it */

static ngx_int_t
ngx_http_privacy_expire(ngx_http_privacy_expiry_t *ex, ngx_str_t *name,
    ngx_str_t *path, ngx_str_t *domain)
{
    u_char  *p, *start;
    size_t   len;

    len = name->len + sizeof(NGX_HTTP_PRIVACY_EXPIRED_HEAD) - 1 + path->len
          + sizeof(NGX_HTTP_PRIVACY_EXPIRED_TAIL) - 1
          + (domain ? sizeof("; Domain=") - 1 + domain->len : 0)
          + sizeof("; Secure") - 1;

    if (ex->count >= ex->limit
        || ex->bytes + len > NGX_HTTP_PRIVACY_EXPIRE_BYTES)
    {
        ex->full = 1;
        return NGX_OK;
    }

    p = ex->lines + ex->size;

    if (ex->count) {
        p = ngx_cpymem(p, CRLF "Set-Cookie: ",
                       ngx_http_privacy_line_break("Set-Cookie"));
    }

    start = p;

    p = ngx_cpymem(p, name->data, name->len);
    p = ngx_cpymem(p, NGX_HTTP_PRIVACY_EXPIRED_HEAD,
                   sizeof(NGX_HTTP_PRIVACY_EXPIRED_HEAD) - 1);
    p = ngx_cpymem(p, path->data, path->len);
    p = ngx_cpymem(p, NGX_HTTP_PRIVACY_EXPIRED_TAIL,
                   sizeof(NGX_HTTP_PRIVACY_EXPIRED_TAIL) - 1);

    if (domain) {
        p = ngx_cpymem(p, "; Domain=", sizeof("; Domain=") - 1);
        p = ngx_cpymem(p, domain->data, domain->len);
    }

#if (NGX_HTTP_SSL)
    /* a Secure cookie can only be replaced over TLS, by a Secure cookie */
    if (ex->request->connection->ssl) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }
#endif

    ex->lens[ex->count++] = (uint16_t) (p - start);
    ex->bytes += p - start;
    ex->size = p - ex->lines;

    return NGX_OK;
}


static void
ngx_http_privacy_psl_cleanup(void *data)
{
    psl_free(data);
}


char *
ngx_http_privacy_expire_init_conf(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf)
{
    ngx_pool_cleanup_t  *cln;

    /* the system's file (Debian's publicsuffix) or libpsl's own */
    pmcf->psl = psl_latest(NULL);

    if (pmcf->psl) {
        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_CONF_ERROR;
        }

        cln->handler = ngx_http_privacy_psl_cleanup;
        cln->data = pmcf->psl;
    }

    return NGX_CONF_OK;
}
