/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's markup for one response: the banner itself for a visitor
 * who has not decided, the "Cookie settings" link for everyone, in the
 * visitor's language, carrying the nonce of the response's own
 * Content-Security-Policy when it has one.  See docs/banner.md.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_html.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_banner_build.h"
#include "ngx_http_privacy_banner_markup.h"


#define NGX_HTTP_PRIVACY_BANNER_RETURN_MAX  1024
#define NGX_HTTP_PRIVACY_BANNER_NONCE_MAX   128


static void ngx_http_privacy_banner_nonce(ngx_http_request_t *r,
    ngx_str_t *nonce);
static void ngx_http_privacy_banner_ascii(ngx_http_privacy_page_t *page,
    ngx_str_t *s);
static void ngx_http_privacy_banner_return(ngx_http_request_t *r,
    ngx_str_t *ret);


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

ngx_int_t
ngx_http_privacy_banner_build(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *pctx, ngx_str_t *portal, ngx_str_t *out)
{
    u_char                            *p;
    size_t                             len;
    ngx_str_t                          ret, nonce, s;
    ngx_uint_t                         i, decided;
    ngx_http_privacy_page_t            page;
    ngx_http_privacy_srv_conf_t       *pscf;
    ngx_http_privacy_loc_conf_t       *plcf;
    ngx_http_privacy_category_info_t   c;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_ERROR;
    }

    decided = pctx->decided || pctx->decision_made;

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
        ngx_http_privacy_page_text(&page, portal->data, portal->len);
        raw("consent\"><h2 id=\"ngxp-h\">Cookies</h2><p>");
        tr("Vi anv&auml;nder cookies som beh&ouml;vs f&ouml;r att "
           "webbplatsen ska fungera. Andra cookies, till exempel f&ouml;r "
           "statistik och marknadsf&ouml;ring, anv&auml;nder vi bara om du "
           "s&auml;ger ja. ",
           "We use the cookies the site needs to work. Other cookies, for "
           "example for statistics and marketing, we use only if you say "
           "yes. ");

        /* what privacy_unclassified does, as the cookie page says it */
        if (plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP) {
            tr("Cookies utan kategori tas bort. ",
               "Cookies without a category are removed. ");

        } else {
            tr("Cookies som &auml;nnu inte har n&aring;gon kategori stoppas "
               "dock inte: ditt val g&auml;ller inte f&ouml;r dem. ",
               "Cookies that do not yet have a category are not blocked, "
               "though: your choice does not apply to them. ");
        }

        tr("Du kan &auml;ndra ditt val n&auml;r som helst. ",
           "You can change your choice at any time. ");
        raw("<a href=\"");
        ngx_http_privacy_page_text(&page, portal->data, portal->len);
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
        ngx_http_privacy_page_text(&page, portal->data, portal->len);
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
    ngx_http_privacy_page_text(&page, portal->data, portal->len);
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
 * the portal will redirect there (ngx_http_privacy_local_path(), the one
 * rule for a safe return path) and it is of sensible length, else the
 * home page.
 */

static void
ngx_http_privacy_banner_return(ngx_http_request_t *r, ngx_str_t *ret)
{
    *ret = r->unparsed_uri;

    if (ret->len > NGX_HTTP_PRIVACY_BANNER_RETURN_MAX
        || !ngx_http_privacy_local_path(ret->data, ret->len))
    {
        ngx_str_set(ret, "/");
    }
}
