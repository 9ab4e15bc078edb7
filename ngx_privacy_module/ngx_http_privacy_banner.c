/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The consent banner, injected into text/html responses of visitors who
 * have not decided yet, and a small "Cookie settings" link, injected into
 * the same pages of visitors who have, so that withdrawing is as easy as
 * consenting.  Both go right after the page's <body> start tag.
 *
 * A header filter decides and builds the markup; a body filter finds the
 * insertion point with a small HTML tokenizer that survives tags, comments
 * and script text split across buffers, and splices the markup in.  The
 * response length changes, so Content-Length, ranges and validators go.
 *
 * Content-Security-Policy: the inline <style> and <script> are constants
 * (ngx_http_privacy_banner_markup.h) whose hashes "$privacy_banner_csp"
 * gives, and they carry the nonce of the response's own policy when it
 * has one.
 */


#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_banner_markup.h"

#include <openssl/evp.h>


#define NGX_HTTP_PRIVACY_BANNER_PORTAL      "/privacy/"
#define NGX_HTTP_PRIVACY_BANNER_RETURN_MAX  1024
#define NGX_HTTP_PRIVACY_BANNER_NONCE_MAX   128

/* "'sha256-" 44 "' " twice */
#define NGX_HTTP_PRIVACY_BANNER_CSP_LEN     (2 * (8 + 44 + 1) + 1)


typedef enum {
    ngx_http_privacy_banner_text = 0,
    ngx_http_privacy_banner_lt,             /* "<" */
    ngx_http_privacy_banner_end_start,      /* "</" */
    ngx_http_privacy_banner_bang,           /* "<!" */
    ngx_http_privacy_banner_bang_dash,      /* "<!-" */
    ngx_http_privacy_banner_comment,        /* "<!--" ... "-->" */
    ngx_http_privacy_banner_bogus,          /* "<!DOCTYPE", "<?" ... ">" */
    ngx_http_privacy_banner_name,           /* tag name */
    ngx_http_privacy_banner_attr,           /* inside a tag */
    ngx_http_privacy_banner_attr_eq,        /* after "=" */
    ngx_http_privacy_banner_attr_quoted,    /* in a quoted value */
    ngx_http_privacy_banner_raw,            /* <script>, <style>... text */
    ngx_http_privacy_banner_raw_lt,
    ngx_http_privacy_banner_raw_name
} ngx_http_privacy_banner_state_e;


typedef struct {
    ngx_str_t                         markup;

    ngx_http_privacy_banner_state_e   state;
    ngx_uint_t                        dashes;
    ngx_uint_t                        matched;
    ngx_str_t                        *raw;
    u_char                            quote;
    u_char                            name[8];
    size_t                            name_len;

    unsigned                          end_tag:1;
    unsigned                          active:1;
} ngx_http_privacy_banner_ctx_t;


static ngx_int_t ngx_http_privacy_banner_header_filter(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_banner_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_uint_t ngx_http_privacy_banner_wanted(ngx_http_request_t *r);
static ngx_http_privacy_banner_ctx_t *ngx_http_privacy_banner_get_ctx(
    ngx_http_request_t *r, ngx_uint_t create);
static void ngx_http_privacy_banner_cleanup(void *data);
static ngx_int_t ngx_http_privacy_banner_headers(ngx_http_request_t *r);
static void ngx_http_privacy_banner_nonce(ngx_http_request_t *r,
    ngx_str_t *nonce);
static ngx_int_t ngx_http_privacy_banner_build(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *pctx, ngx_str_t *out);
static void ngx_http_privacy_banner_ascii(ngx_http_privacy_page_t *page,
    ngx_str_t *s);
static void ngx_http_privacy_banner_return(ngx_http_request_t *r,
    ngx_str_t *ret);
static void ngx_http_privacy_banner_portal(ngx_http_request_t *r,
    ngx_str_t *portal);
static ngx_http_core_loc_conf_t *ngx_http_privacy_banner_find_portal(
    ngx_http_location_tree_node_t *node);
static u_char *ngx_http_privacy_banner_scan(
    ngx_http_privacy_banner_ctx_t *ctx, u_char *p, u_char *last);
static ngx_int_t ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at,
    u_char *p);
static ngx_int_t ngx_http_privacy_banner_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_privacy_banner_hash(const char *s, u_char *out);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/*
 * The hashes of two constants of this binary, not configuration: the
 * same value whichever configuration is loaded.
 */
static u_char  ngx_http_privacy_banner_csp[NGX_HTTP_PRIVACY_BANNER_CSP_LEN];
static size_t  ngx_http_privacy_banner_csp_len;


/* elements whose content is text: a "<body>" in them is not a tag */
static ngx_str_t  ngx_http_privacy_banner_raw_elements[] = {
    ngx_string("script"),
    ngx_string("style"),
    ngx_string("title"),
    ngx_string("textarea"),
    ngx_string("noscript"),
    ngx_string("iframe"),
    ngx_string("noembed"),
    ngx_string("noframes"),
    ngx_string("xmp"),
    ngx_null_string
};


ngx_int_t
ngx_http_privacy_banner_init(ngx_conf_t *cf)
{
    u_char               *p;
    ngx_http_variable_t  *var;

    static ngx_str_t  name = ngx_string("privacy_banner_csp");

    p = ngx_http_privacy_banner_csp;

    p = ngx_cpymem(p, "'sha256-", 8);
    if (ngx_http_privacy_banner_hash(ngx_http_privacy_banner_style, p)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_cpymem(p + 44, "' 'sha256-", 10);
    if (ngx_http_privacy_banner_hash(ngx_http_privacy_banner_script, p)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p += 44;
    *p++ = '\'';
    ngx_http_privacy_banner_csp_len = p - ngx_http_privacy_banner_csp;

    /* variables may still be added: they are indexed after this phase */

    var = ngx_http_add_variable(cf, &name, 0);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_privacy_banner_variable;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_privacy_banner_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_privacy_banner_body_filter;

    return NGX_OK;
}


/* sha256 of a C string, base64 (44 bytes) */

static ngx_int_t
ngx_http_privacy_banner_hash(const char *s, u_char *out)
{
    u_char        md[EVP_MAX_MD_SIZE];
    unsigned int  n;
    ngx_str_t     src, dst;

    if (EVP_Digest(s, ngx_strlen(s), md, &n, EVP_sha256(), NULL) != 1
        || n != 32)
    {
        return NGX_ERROR;
    }

    src.data = md;
    src.len = n;
    dst.data = out;

    ngx_encode_base64(&dst, &src);

    return dst.len == 44 ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_http_privacy_banner_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    v->len = ngx_http_privacy_banner_csp_len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = ngx_http_privacy_banner_csp;

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_banner_header_filter(ngx_http_request_t *r)
{
    ngx_http_privacy_ctx_t         *pctx;
    ngx_http_privacy_banner_ctx_t  *ctx;

    ctx = NULL;

    if (ngx_http_privacy_banner_wanted(r)) {
        pctx = ngx_http_privacy_get_ctx(r);
        if (pctx == NULL) {
            return NGX_ERROR;
        }

        ctx = ngx_http_privacy_banner_get_ctx(r, 1);
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        if (!r->header_only
            && ngx_http_privacy_banner_build(r, pctx, &ctx->markup)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_privacy_banner_headers(r) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->active = !r->header_only;

        if (ctx->active) {
            r->filter_need_in_memory = 1;
        }

    } else if (r == r->main && r->filter_need_in_memory) {
        /* an earlier response of this request (error_page) had one */
        ctx = ngx_http_privacy_banner_get_ctx(r, 0);
        if (ctx) {
            ctx->active = 0;
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_uint_t
ngx_http_privacy_banner_wanted(ngx_http_request_t *r)
{
    u_char                       *p;
    size_t                        len;
    ngx_http_privacy_loc_conf_t  *plcf;

    if (r != r->main || r->headers_out.status != NGX_HTTP_OK) {
        return 0;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /* the portal's own pages carry their own policy and links */
    if (!plcf->banner || plcf->portal == 1) {
        return 0;
    }

    /* "text/html", alone or with parameters */

    p = r->headers_out.content_type.data;
    len = r->headers_out.content_type.len;

    if (len < sizeof("text/html") - 1
        || ngx_strncasecmp(p, (u_char *) "text/html",
                           sizeof("text/html") - 1) != 0
        || (len > sizeof("text/html") - 1
            && p[sizeof("text/html") - 1] != ';'
            && p[sizeof("text/html") - 1] != ' '))
    {
        return 0;
    }

    /* gzip'd (or otherwise encoded) bytes cannot be edited */
    if (r->headers_out.content_encoding
        && r->headers_out.content_encoding->hash
        && r->headers_out.content_encoding->value.len)
    {
        return 0;
    }

    return 1;
}


/*
 * The module's context slot holds the consent state; the banner's own
 * state hangs off the request pool, found by its cleanup handler.  The
 * body filter looks only when r->filter_need_in_memory is set.
 */

static ngx_http_privacy_banner_ctx_t *
ngx_http_privacy_banner_get_ctx(ngx_http_request_t *r, ngx_uint_t create)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_privacy_banner_ctx_t  *ctx;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_privacy_banner_cleanup) {
            ctx = cln->data;

            if (create) {
                /* a new response of the same request: start afresh */
                ngx_memzero(ctx, sizeof(ngx_http_privacy_banner_ctx_t));
            }

            return ctx;
        }
    }

    if (!create) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool,
                               sizeof(ngx_http_privacy_banner_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_banner_cleanup;
    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_privacy_banner_ctx_t));

    return ctx;
}


static void
ngx_http_privacy_banner_cleanup(void *data)
{
    /* nothing to free: the handler only marks the state */
}


static ngx_int_t
ngx_http_privacy_banner_headers(ngx_http_request_t *r)
{
    ngx_str_t                     value;
    ngx_uint_t                    has;
    ngx_http_privacy_loc_conf_t  *plcf;

    /* bits: 1 for "*", 2 for "cookie", 4 for "accept-language" */
    static ngx_str_t  vary = ngx_string("Vary");
    static ngx_str_t  tokens[] = {
        ngx_string("*"), ngx_string("cookie"), ngx_string("accept-language")
    };

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);

    /*
     * The body now depends on the visitor: a validator of the original
     * would let a browser revalidate a copy with the banner after the
     * visitor has decided.
     */
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (plcf->cache == NGX_HTTP_PRIVACY_CACHE_PRIVATE) {
        return ngx_http_privacy_cache_private(r);
    }

    has = ngx_http_privacy_header_tokens(r, &vary, tokens, 3);

    if (has & 1) {
        return NGX_OK;
    }

    ngx_str_set(&value, "Cookie");

    if (!(has & 2) && ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    /* the banner speaks the visitor's language */
    ngx_str_set(&value, "Accept-Language");

    if (!(has & 4) && ngx_http_privacy_add_header(r, "Vary", &value) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The nonce of the response's own Content-Security-Policy, if any: our
 * <style> and <script> carrying it pass a nonce-based policy unchanged.
 */

static void
ngx_http_privacy_banner_nonce(ngx_http_request_t *r, ngx_str_t *nonce)
{
    u_char           *p, *last, *start;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    static u_char  csp[] = "Content-Security-Policy";

    ngx_str_null(nonce);

    for (part = &r->headers_out.headers.part; part; part = part->next) {

        h = part->elts;

        for (i = 0; i < part->nelts; i++) {

            if (h[i].hash == 0 || h[i].key.len != sizeof(csp) - 1
                || ngx_strncasecmp(h[i].key.data, csp, sizeof(csp) - 1) != 0)
            {
                continue;
            }

            p = h[i].value.data;
            last = p + h[i].value.len;

            p = ngx_strlcasestrn(p, last, (u_char *) "'nonce-",
                                 sizeof("'nonce-") - 1 - 1);
            if (p == NULL) {
                continue;
            }

            p += sizeof("'nonce-") - 1;
            start = p;

            /* base64 or base64url, nothing that could leave the value */
            while (p < last
                   && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
                       || (*p >= '0' && *p <= '9') || *p == '+' || *p == '/'
                       || *p == '-' || *p == '_' || *p == '='))
            {
                p++;
            }

            if (p == last || *p != '\'' || p == start
                || p - start > NGX_HTTP_PRIVACY_BANNER_NONCE_MAX)
            {
                continue;
            }

            nonce->data = start;
            nonce->len = p - start;
            return;
        }
    }
}


/*
 * The markup.  The texts are written with entities and the escaped
 * category texts with character references, so that the banner is
 * ASCII and reads right whatever charset the page declares.
 */

static ngx_int_t
ngx_http_privacy_banner_build(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *pctx, ngx_str_t *out)
{
    u_char                            *p;
    size_t                             len;
    ngx_str_t                          portal, ret, nonce, s;
    ngx_uint_t                         i, decided;
    ngx_http_privacy_page_t            page;
    ngx_http_privacy_srv_conf_t       *pscf;
    ngx_http_privacy_category_info_t   c;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_ERROR;
    }

    decided = pctx->decided || pctx->decision_made;

    ngx_http_privacy_banner_portal(r, &portal);
    ngx_http_privacy_banner_return(r, &ret);
    ngx_http_privacy_banner_nonce(r, &nonce);

    /* the escaped return path, for the settings links */

    len = ngx_escape_uri(NULL, ret.data, ret.len, NGX_ESCAPE_URI_COMPONENT);

    p = ngx_pnalloc(r->pool, ret.len + 2 * len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    s.data = p;
    s.len = (u_char *) ngx_escape_uri(p, ret.data, ret.len,
                                      NGX_ESCAPE_URI_COMPONENT) - p;

#define raw(text)   ngx_http_privacy_page_raw(&page, text)
#define tr(sv, en)  ngx_http_privacy_page_raw(&page,                         \
                                         ngx_http_privacy_t(&page, sv, en))

    raw("<!-- ngx_privacy_module banner -->");

    if (!decided) {
        raw("<section id=\"ngxp\" lang=\"");
        tr("sv", "en");
        raw("\" aria-labelledby=\"ngxp-h\">");
    }

    raw("<style");

    if (nonce.len) {
        raw(" nonce=\"");
        ngx_http_privacy_page_rawn(&page, nonce.data, nonce.len);
        raw("\"");
    }

    raw(">");
    raw(ngx_http_privacy_banner_style);
    raw("</style>");

    if (!decided) {
        raw("<form method=\"post\" action=\"");
        ngx_http_privacy_page_text(&page, portal.data, portal.len);
        raw("consent\"><h2 id=\"ngxp-h\">Cookies</h2><p>");
        tr("Vi anv&auml;nder cookies som beh&ouml;vs f&ouml;r att "
           "webbplatsen ska fungera. Andra cookies, till exempel f&ouml;r "
           "statistik och marknadsf&ouml;ring, anv&auml;nder vi bara om du "
           "s&auml;ger ja. Du kan &auml;ndra ditt val n&auml;r som helst. ",
           "We use the cookies the site needs to work. Other cookies, for "
           "example for statistics and marketing, we use only if you say "
           "yes. You can change your choice at any time. ");
        raw("<a href=\"");
        ngx_http_privacy_page_text(&page, portal.data, portal.len);
        raw("policy\">");
        tr("Integritetspolicy", "Privacy policy");
        raw("</a></p>");

        /* the settings layer: opened in place by the script */

        raw("<div id=\"ngxp-p\" hidden><fieldset><legend>");
        tr("Cookiekategorier", "Cookie categories");
        raw("</legend>");

        for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
            ngx_http_privacy_category_info(pscf, i, page.lang, &c);

            if (c.bit == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
                /* always on: no box that could look pre-ticked */
                raw("<div class=\"ngxp-c\"><strong>");
                ngx_http_privacy_banner_ascii(&page, &c.title);
                raw("</strong> ");
                tr("(alltid p&aring;)", "(always on)");
                raw("<p>");
                ngx_http_privacy_banner_ascii(&page, &c.text);
                raw("</p></div>");
                continue;
            }

            raw("<div class=\"ngxp-c\"><input type=\"checkbox\" "
                "name=\"category\" id=\"ngxp-");
            raw(c.name);
            raw("\" value=\"");
            raw(c.name);
            raw("\" aria-describedby=\"ngxp-");
            raw(c.name);
            raw("-d\"><label for=\"ngxp-");
            raw(c.name);
            raw("\">");
            ngx_http_privacy_banner_ascii(&page, &c.title);
            raw("</label><p id=\"ngxp-");
            raw(c.name);
            raw("-d\">");
            ngx_http_privacy_banner_ascii(&page, &c.text);
            raw("</p></div>");
        }

        raw("</fieldset><div class=\"ngxp-a\"><button class=\"ngxp-b\" "
            "type=\"submit\" name=\"action\" value=\"save\">");
        tr("Spara mina val", "Save my choices");
        raw("</button></div></div>");

        raw("<input type=\"hidden\" name=\"return\" value=\"");
        ngx_http_privacy_page_text(&page, ret.data, ret.len);
        raw("\"><input type=\"hidden\" name=\"source\" value=\"banner\">");

        /* the first layer: three choices of one size and one colour */

        raw("<div class=\"ngxp-a\"><button class=\"ngxp-b\" type=\"submit\" "
            "name=\"action\" value=\"accept_all\">");
        tr("Godk&auml;nn alla", "Accept all");
        raw("</button><button class=\"ngxp-b\" type=\"submit\" "
            "name=\"action\" value=\"reject_all\">");
        tr("Avvisa alla", "Reject all");
        raw("</button><a class=\"ngxp-b\" id=\"ngxp-s\" href=\"");
        ngx_http_privacy_page_text(&page, portal.data, portal.len);
        raw("consent?return=");
        ngx_http_privacy_page_rawn(&page, s.data, s.len);
        raw("\">");
        tr("Anpassa", "Settings");
        raw("</a></div></form></section>");
    }

    /* withdrawing: on every page, shown once the banner is gone */

    raw("<nav id=\"ngxp-l\" lang=\"");
    tr("sv", "en");
    raw("\" aria-label=\"");
    tr("Cookieinst&auml;llningar", "Cookie settings");
    raw(decided ? "\"><a href=\"" : "\" hidden><a href=\"");
    ngx_http_privacy_page_text(&page, portal.data, portal.len);
    raw("consent?return=");
    ngx_http_privacy_page_rawn(&page, s.data, s.len);
    raw("\">");
    tr("Cookieinst&auml;llningar", "Cookie settings");
    raw("</a></nav>");

    /* last: the script needs both the banner and the link */

    if (!decided) {
        raw("<script");

        if (nonce.len) {
            raw(" nonce=\"");
            ngx_http_privacy_page_rawn(&page, nonce.data, nonce.len);
            raw("\"");
        }

        raw(">");
        raw(ngx_http_privacy_banner_script);
        raw("</script>");
    }

    raw("<!-- /ngx_privacy_module banner -->");

#undef raw
#undef tr

    if (page.failed) {
        return NGX_ERROR;
    }

    out->data = page.data;
    out->len = page.len;

    return NGX_OK;
}


/* HTML-escaped, and every non-ASCII character as a character reference */

static void
ngx_http_privacy_banner_ascii(ngx_http_privacy_page_t *page, ngx_str_t *s)
{
    u_char    *p, *last, *start, *q;
    uint32_t   ch;
    u_char     ref[sizeof("&#x10FFFF;")];

    p = s->data;
    last = p + s->len;

    while (p < last) {

        start = p;

        while (p < last && *p < 0x80) {
            p++;
        }

        if (p > start) {
            ngx_http_privacy_page_text(page, start, p - start);
        }

        if (p == last) {
            break;
        }

        start = p;
        ch = ngx_utf8_decode(&p, last - p);

        if (ch > 0x10ffff) {
            /* invalid or cut short: one replacement character per byte */
            ch = 0xfffd;
            p = start + 1;
        }

        q = ngx_sprintf(ref, "&#x%XD;", ch);
        ngx_http_privacy_page_rawn(page, ref, q - ref);
    }
}


/*
 * Where the choice returns to: this page as the browser asked for it, if
 * it is a plain local path of sensible length, else the home page.
 */

static void
ngx_http_privacy_banner_return(ngx_http_request_t *r, ngx_str_t *ret)
{
    u_char  *p, *last;

    *ret = r->unparsed_uri;

    if (ret->len == 0 || ret->len > NGX_HTTP_PRIVACY_BANNER_RETURN_MAX
        || ret->data[0] != '/'
        || (ret->len > 1 && (ret->data[1] == '/' || ret->data[1] == '\\')))
    {
        goto home;
    }

    last = ret->data + ret->len;

    for (p = ret->data; p < last; p++) {
        if (*p < 0x21 || *p >= 0x7f || *p == '\\' || *p == '#') {
            goto home;
        }
    }

    return;

home:

    ngx_str_set(ret, "/");
}


/*
 * The portal's URL: the first prefix location of this server that has
 * "privacy_portal", else "/privacy/".  A walk of the server's location
 * tree, a few dozen nodes on real configurations; the one place to change
 * should the portal become a directive parameter.
 */

static void
ngx_http_privacy_banner_portal(ngx_http_request_t *r, ngx_str_t *portal)
{
    ngx_http_core_srv_conf_t  *cscf;
    ngx_http_core_loc_conf_t  *clcf;

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    clcf = cscf->ctx->loc_conf[ngx_http_core_module.ctx_index];

    clcf = ngx_http_privacy_banner_find_portal(clcf->static_locations);

    if (clcf && clcf->name.len && clcf->name.data[clcf->name.len - 1] == '/')
    {
        *portal = clcf->name;
        return;
    }

    if (clcf && clcf->name.len) {
        /* "location /privacy" */
        portal->len = clcf->name.len + 1;
        portal->data = ngx_pnalloc(r->pool, portal->len);

        if (portal->data) {
            ngx_memcpy(portal->data, clcf->name.data, clcf->name.len);
            portal->data[clcf->name.len] = '/';
            return;
        }
    }

    ngx_str_set(portal, NGX_HTTP_PRIVACY_BANNER_PORTAL);
}


static ngx_http_core_loc_conf_t *
ngx_http_privacy_banner_find_portal(ngx_http_location_tree_node_t *node)
{
    ngx_http_core_loc_conf_t     *clcf, *found;
    ngx_http_privacy_loc_conf_t  *plcf;

    if (node == NULL) {
        return NULL;
    }

    found = ngx_http_privacy_banner_find_portal(node->left);
    if (found) {
        return found;
    }

    clcf = node->inclusive;

    if (clcf) {
        plcf = clcf->loc_conf[ngx_http_privacy_module.ctx_index];

        if (plcf->portal == 1) {
            return clcf;
        }

        /* locations nested in this one */
        found = ngx_http_privacy_banner_find_portal(clcf->static_locations);
        if (found) {
            return found;
        }
    }

    found = ngx_http_privacy_banner_find_portal(node->tree);
    if (found) {
        return found;
    }

    return ngx_http_privacy_banner_find_portal(node->right);
}


static ngx_int_t
ngx_http_privacy_banner_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    u_char                         *p;
    ngx_buf_t                      *b;
    ngx_chain_t                    *cl;
    ngx_http_privacy_banner_ctx_t  *ctx;

    if (in == NULL || r != r->main || !r->filter_need_in_memory) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_privacy_banner_get_ctx(r, 0);

    if (ctx == NULL || !ctx->active) {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;
        p = NULL;

        if (ngx_buf_in_memory(b) && b->pos && b->pos < b->last) {
            p = ngx_http_privacy_banner_scan(ctx, b->pos, b->last);
        }

        if (p) {
            return ngx_http_privacy_banner_insert(r, ctx, in, cl, p);
        }

        if (b->last_buf) {
            /* no <body> and no </body>: at the end, where browsers put it */
            p = ngx_buf_in_memory(b) ? b->last : NULL;
            return ngx_http_privacy_banner_insert(r, ctx, in, cl, p);
        }
    }

    return ngx_http_next_body_filter(r, in);
}


/*
 * Passes "in" on with the markup after byte p of buffer "at" (p NULL: a
 * buffer without data).  The bytes of "at" before p are copied together
 * with the markup into one new buffer, and "at" goes on from p, so no
 * buffer of ours points into memory its owner may reuse.
 */

static ngx_int_t
ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at,
    u_char *p)
{
    size_t        prefix;
    ngx_buf_t    *b, *nb;
    ngx_chain_t  *cl, *ln, *out, **ll;

    ctx->active = 0;

    out = NULL;
    ll = &out;

    for (ln = in; ln != at; ln = ln->next) {
        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = ln->buf;
        *ll = cl;
        ll = &cl->next;
    }

    b = at->buf;
    prefix = p ? (size_t) (p - b->pos) : 0;

    nb = ngx_create_temp_buf(r->pool, prefix + ctx->markup.len);
    if (nb == NULL) {
        return NGX_ERROR;
    }

    if (prefix) {
        nb->last = ngx_cpymem(nb->last, b->pos, prefix);
    }

    nb->last = ngx_cpymem(nb->last, ctx->markup.data, ctx->markup.len);
    nb->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = nb;
    *ll = cl;
    ll = &cl->next;

    if (p && p < b->last) {
        /* the rest of the buffer follows */

        if (b->in_file) {
            b->file_pos += prefix;
        }

        b->pos = p;

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        *ll = cl;
        ll = &cl->next;

    } else {
        /* the buffer is used up: the new one ends where it ended */

        nb->last_buf = b->last_buf;
        nb->last_in_chain = b->last_in_chain;
        nb->flush = b->flush;

        if (ngx_buf_in_memory(b)) {
            b->pos = b->last;
        }

        if (b->in_file) {
            b->file_pos = b->file_last;
        }
    }

    *ll = at->next;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: %uz bytes inserted", ctx->markup.len);

    return ngx_http_next_body_filter(r, out);
}


#define ngx_http_privacy_banner_space(ch)                                     \
    ((ch) == ' ' || (ch) == '\t' || (ch) == '\n' || (ch) == '\r'              \
     || (ch) == '\f')

#define ngx_http_privacy_banner_alpha(ch)                                     \
    (((ch) | 0x20) >= 'a' && ((ch) | 0x20) <= 'z')


/*
 * Where the banner goes: right after the first <body ...> start tag; in a
 * document without one, after </body> or </html> (browsers move content
 * there into the body).  A tokenizer just good enough to tell tags from
 * text: comments, <!DOCTYPE>, quoted attribute values and the text of
 * <script>, <style> and the like are skipped.  Returns the position after
 * the tag's ">", or NULL when more input is needed.
 */

static u_char *
ngx_http_privacy_banner_scan(ngx_http_privacy_banner_ctx_t *ctx, u_char *p,
    u_char *last)
{
    u_char      ch;
    ngx_str_t  *raw;

    for ( /* void */ ; p < last; p++) {
        ch = *p;

        switch (ctx->state) {

        case ngx_http_privacy_banner_text:
            if (ch == '<') {
                ctx->state = ngx_http_privacy_banner_lt;
            }
            break;

        case ngx_http_privacy_banner_lt:
            if (ngx_http_privacy_banner_alpha(ch)) {
                ctx->end_tag = 0;
                ctx->name[0] = ngx_tolower(ch);
                ctx->name_len = 1;
                ctx->state = ngx_http_privacy_banner_name;

            } else if (ch == '/') {
                ctx->state = ngx_http_privacy_banner_end_start;

            } else if (ch == '!') {
                ctx->state = ngx_http_privacy_banner_bang;

            } else if (ch == '?') {
                ctx->state = ngx_http_privacy_banner_bogus;

            } else if (ch != '<') {
                ctx->state = ngx_http_privacy_banner_text;
            }
            break;

        case ngx_http_privacy_banner_end_start:
            if (ngx_http_privacy_banner_alpha(ch)) {
                ctx->end_tag = 1;
                ctx->name[0] = ngx_tolower(ch);
                ctx->name_len = 1;
                ctx->state = ngx_http_privacy_banner_name;

            } else {
                ctx->state = (ch == '>') ? ngx_http_privacy_banner_text
                                         : ngx_http_privacy_banner_bogus;
            }
            break;

        case ngx_http_privacy_banner_bang:
            if (ch == '-') {
                ctx->state = ngx_http_privacy_banner_bang_dash;

            } else {
                ctx->state = (ch == '>') ? ngx_http_privacy_banner_text
                                         : ngx_http_privacy_banner_bogus;
            }
            break;

        case ngx_http_privacy_banner_bang_dash:
            if (ch == '-') {
                /* two dashes already count: "<!-->" is a whole comment */
                ctx->dashes = 2;
                ctx->state = ngx_http_privacy_banner_comment;

            } else {
                ctx->state = (ch == '>') ? ngx_http_privacy_banner_text
                                         : ngx_http_privacy_banner_bogus;
            }
            break;

        case ngx_http_privacy_banner_comment:
            if (ch == '>' && ctx->dashes >= 2) {
                ctx->state = ngx_http_privacy_banner_text;

            } else if (ch == '-') {
                ctx->dashes++;

            } else {
                ctx->dashes = 0;
            }
            break;

        case ngx_http_privacy_banner_bogus:
            if (ch == '>') {
                ctx->state = ngx_http_privacy_banner_text;
            }
            break;

        case ngx_http_privacy_banner_name:
            if (ch == '>') {
                goto tag_end;
            }

            if (ngx_http_privacy_banner_space(ch) || ch == '/') {
                ctx->state = ngx_http_privacy_banner_attr;
                break;
            }

            if (ctx->name_len < sizeof(ctx->name)) {
                ctx->name[ctx->name_len] = ngx_tolower(ch);
            }

            if (ctx->name_len <= sizeof(ctx->name)) {
                ctx->name_len++;
            }
            break;

        case ngx_http_privacy_banner_attr:
            if (ch == '>') {
                goto tag_end;
            }

            if (ch == '=') {
                ctx->state = ngx_http_privacy_banner_attr_eq;
            }
            break;

        case ngx_http_privacy_banner_attr_eq:
            if (ch == '"' || ch == '\'') {
                ctx->quote = ch;
                ctx->state = ngx_http_privacy_banner_attr_quoted;

            } else if (ch == '>') {
                goto tag_end;

            } else if (!ngx_http_privacy_banner_space(ch)) {
                ctx->state = ngx_http_privacy_banner_attr;
            }
            break;

        case ngx_http_privacy_banner_attr_quoted:
            if (ch == ctx->quote) {
                ctx->state = ngx_http_privacy_banner_attr;
            }
            break;

        case ngx_http_privacy_banner_raw:
            if (ch == '<') {
                ctx->state = ngx_http_privacy_banner_raw_lt;
            }
            break;

        case ngx_http_privacy_banner_raw_lt:
            if (ch == '/') {
                ctx->matched = 0;
                ctx->state = ngx_http_privacy_banner_raw_name;

            } else if (ch != '<') {
                ctx->state = ngx_http_privacy_banner_raw;
            }
            break;

        case ngx_http_privacy_banner_raw_name:
            raw = ctx->raw;

            if (ctx->matched < raw->len) {
                if (ngx_tolower(ch) == raw->data[ctx->matched]) {
                    ctx->matched++;

                } else {
                    ctx->state = (ch == '<') ? ngx_http_privacy_banner_raw_lt
                                             : ngx_http_privacy_banner_raw;
                }

                break;
            }

            /* "</script" seen: its end tag if a delimiter follows */

            if (ch == '>') {
                ctx->state = ngx_http_privacy_banner_text;

            } else if (ngx_http_privacy_banner_space(ch) || ch == '/') {
                ctx->end_tag = 1;
                ctx->name_len = 0;
                ctx->state = ngx_http_privacy_banner_attr;

            } else {
                ctx->state = (ch == '<') ? ngx_http_privacy_banner_raw_lt
                                         : ngx_http_privacy_banner_raw;
            }
            break;
        }

        continue;

    tag_end:

        /* p is at the tag's '>' */

        ctx->state = ngx_http_privacy_banner_text;

        if (ctx->name_len == 4 && ngx_strncmp(ctx->name, "body", 4) == 0) {
            return p + 1;
        }

        if (ctx->end_tag) {
            if (ctx->name_len == 4 && ngx_strncmp(ctx->name, "html", 4) == 0)
            {
                return p + 1;
            }

            continue;
        }

        for (raw = ngx_http_privacy_banner_raw_elements; raw->len; raw++) {
            if (raw->len == ctx->name_len
                && ngx_strncmp(raw->data, ctx->name, raw->len) == 0)
            {
                ctx->raw = raw;
                ctx->state = ngx_http_privacy_banner_raw;
                break;
            }
        }
    }

    return NULL;
}
