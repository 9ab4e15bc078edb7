/*
 * Copyright (C) ngx_privacy_module authors
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_lang.h"
#include "ngx_http_privacy_accept_lang.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_html.h"


static ngx_uint_t ngx_http_privacy_page_lang(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_page_reserve(ngx_http_privacy_page_t *page,
    size_t n);


/* one small stylesheet: readable, high contrast, large targets */
static const char  ngx_http_privacy_page_style[] =
    "body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;"
    "background:#fff}"
    "main{max-width:42rem;margin:0 auto;padding:1.5rem}"
    "h1{font-size:1.6rem}a{color:#0b57a4}"
    "fieldset{border:1px solid #767676;border-radius:.4rem;padding:1rem}"
    ".cat{margin:.6rem 0}.cat p{margin:.2rem 0 0 1.8rem;color:#333}"
    "input[type=checkbox]{width:1.1rem;height:1.1rem}"
    ".actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1rem}"
    ".actions button{flex:1 1 10rem;font:inherit;padding:.7rem 1rem;"
    "border:2px solid #0b57a4;border-radius:.4rem;background:#0b57a4;"
    "color:#fff;cursor:pointer}"
    ".actions button:focus{outline:3px solid #f0a30a;outline-offset:2px}"
    ".note{background:#f3f3f3;padding:.6rem;border-radius:.4rem}";


ngx_int_t
ngx_http_privacy_page_init(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r)
{
    u_char  raw[16];

    ngx_memzero(page, sizeof(ngx_http_privacy_page_t));

    page->request = r;
    /*
     * A language the policy document adds (docs/policy-document.md) is
     * the document's texts'; the module's own words are then English.
     */
    page->text_lang = ngx_http_privacy_page_lang(r);
    page->lang = ngx_min(page->text_lang, NGX_HTTP_PRIVACY_LANG_EN);

    if (ngx_http_privacy_random(raw, sizeof(raw)) != 0) {
        return NGX_ERROR;
    }

    (void) ngx_http_privacy_base64url_encode(raw, sizeof(raw), page->nonce);

    return NGX_OK;
}


static ngx_uint_t
ngx_http_privacy_page_lang(ngx_http_request_t *r)
{
    size_t                        len;
    ngx_int_t                     lang;
    ngx_str_t                     arg;
    const u_char                 *p, *last, *tag;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (ngx_http_arg(r, (u_char *) "lang", 4, &arg) == NGX_OK) {
        lang = ngx_http_privacy_site_lang(pscf, arg.data, arg.len);

        if (lang != NGX_DECLINED) {
            return lang;
        }
    }

#if (NGX_HTTP_HEADERS)
    if (r->headers_in.accept_language) {
        p = r->headers_in.accept_language->value.data;
        last = p + r->headers_in.accept_language->value.len;

        /* the first of the site's in the visitor's order of preference */

        while (ngx_http_privacy_accept_lang_next(&p, last, &tag, &len)) {
            if (len == 0) {
                continue;
            }

            lang = ngx_http_privacy_site_lang(pscf, tag, len);

            if (lang != NGX_DECLINED) {
                return lang;
            }
        }
    }
#endif

    /* the shop's own language: privacy_default_language */
    return pscf->lang;
}


static ngx_uint_t
ngx_http_privacy_page_reserve(ngx_http_privacy_page_t *page, size_t n)
{
    u_char  *p;
    size_t   size;

    if (page->failed) {
        return 0;
    }

    if (page->len + n <= page->size) {
        return 1;
    }

    size = ngx_max(page->size * 2, page->len + n + 4096);

    p = ngx_pnalloc(page->request->pool, size);
    if (p == NULL) {
        page->failed = 1;
        return 0;
    }

    if (page->len) {
        ngx_memcpy(p, page->data, page->len);
    }

    page->data = p;
    page->size = size;

    return 1;
}


void
ngx_http_privacy_page_rawn(ngx_http_privacy_page_t *page, const u_char *s,
    size_t len)
{
    if (ngx_http_privacy_page_reserve(page, len)) {
        ngx_memcpy(page->data + page->len, s, len);
        page->len += len;
    }
}


void
ngx_http_privacy_page_raw(ngx_http_privacy_page_t *page, const char *s)
{
    ngx_http_privacy_page_rawn(page, (const u_char *) s, ngx_strlen(s));
}


void
ngx_http_privacy_page_text(ngx_http_privacy_page_t *page, const u_char *s,
    size_t len)
{
    size_t   n;
    u_char  *end;

    n = ngx_http_privacy_html_escaped_len(s, len);

    if (ngx_http_privacy_page_reserve(page, n)) {
        end = ngx_http_privacy_html_escape(page->data + page->len, s, len);
        page->len = end - page->data;
    }
}


void
ngx_http_privacy_page_head(ngx_http_privacy_page_t *page, const char *title)
{
    ngx_http_privacy_page_head_css(page, title, NULL);
}


void
ngx_http_privacy_page_head_css(ngx_http_privacy_page_t *page,
    const char *title, const char *css)
{
    ngx_http_privacy_page_raw(page, "<!DOCTYPE html>\n<html lang=\"");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, "sv", "en"));
    ngx_http_privacy_page_raw(page, "\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,"
        "initial-scale=1\"><title>");
    ngx_http_privacy_page_text(page, (u_char *) title, ngx_strlen(title));
    ngx_http_privacy_page_raw(page, "</title><style nonce=\"");
    ngx_http_privacy_page_rawn(page, page->nonce, sizeof(page->nonce));
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_page_style);

    if (css) {
        ngx_http_privacy_page_raw(page, css);
    }

    ngx_http_privacy_page_raw(page, "</style></head>\n<body><main>\n<h1>");
    ngx_http_privacy_page_text(page, (u_char *) title, ngx_strlen(title));
    ngx_http_privacy_page_raw(page, "</h1>\n");
}


void
ngx_http_privacy_page_foot(ngx_http_privacy_page_t *page)
{
    ngx_http_privacy_page_raw(page, "</main></body></html>\n");
}


ngx_int_t
ngx_http_privacy_page_send(ngx_http_privacy_page_t *page, ngx_uint_t status)
{
    u_char              *p;
    ngx_int_t            rc;
    ngx_str_t            value;
    ngx_buf_t           *b;
    ngx_chain_t          out;
    ngx_http_request_t  *r;

    static u_char  csp1[] = "default-src 'none'; style-src 'nonce-";
    static u_char  csp2[] = "'; form-action 'self'; frame-ancestors 'none';"
                            " base-uri 'none'";

    r = page->request;

    if (page->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_pnalloc(r->pool, sizeof(csp1) - 1 + NGX_HTTP_PRIVACY_NONCE_LEN
                             + sizeof(csp2) - 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    value.data = p;
    p = ngx_cpymem(p, csp1, sizeof(csp1) - 1);
    p = ngx_cpymem(p, page->nonce, NGX_HTTP_PRIVACY_NONCE_LEN);
    p = ngx_cpymem(p, csp2, sizeof(csp2) - 1);
    value.len = p - value.data;

    if (ngx_http_privacy_add_header(r, "Content-Security-Policy", &value)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (page->lang == NGX_HTTP_PRIVACY_LANG_EN) {
        ngx_str_set(&value, "en");

    } else {
        ngx_str_set(&value, "sv");
    }

    if (ngx_http_privacy_add_header(r, "Content-Language", &value) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* pages show the visitor's own state and language */
    ngx_str_set(&value, "no-store");

    if (ngx_http_privacy_add_header(r, "Cache-Control", &value) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = status;
    r->headers_out.content_length_n = page->len;
    ngx_str_set(&r->headers_out.content_type, "text/html; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/html") - 1;

    if (r->method == NGX_HTTP_HEAD || page->len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = page->data;
    b->last = page->data + page->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* the policy pages' own rules, after the page's */

static const char  ngx_http_privacy_policy_style[] =
    ".meta{color:#555}h2{margin-top:2rem}"
    "dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;"
    "gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}"
    "@media(max-width:32rem){dl{display:block}dd{margin:0 0 .5rem}}"
    ".purpose{border-top:1px solid #ccc;margin-top:1.2rem}"
    "code{background:#f3f3f3;padding:0 .2rem;border-radius:.2rem}"
    "li{margin:.3rem 0}";


void
ngx_http_privacy_html_str(ngx_http_privacy_page_t *page, ngx_str_t *s)
{
    ngx_http_privacy_page_text(page, s->data, s->len);
}


void
ngx_http_privacy_html_style(ngx_http_privacy_page_t *page)
{
    ngx_http_privacy_page_raw(page, "<style nonce=\"");
    ngx_http_privacy_page_rawn(page, page->nonce, sizeof(page->nonce));
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_policy_style);
    ngx_http_privacy_page_raw(page, "</style>\n");
}
