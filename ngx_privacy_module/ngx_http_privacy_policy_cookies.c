/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The portal's "cookies" page: the cookies of each category as the
 * location's classification names them.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"


/* how a cookie name pattern reads */
#define NGX_HTTP_PRIVACY_NAME_EXACT     0
#define NGX_HTTP_PRIVACY_NAME_PREFIX    1
#define NGX_HTTP_PRIVACY_NAME_SUFFIX    2
#define NGX_HTTP_PRIVACY_NAME_CONTAINS  3
#define NGX_HTTP_PRIVACY_NAME_REGEX     4


static ngx_uint_t ngx_http_privacy_pattern_name(const u_char *pattern,
    size_t len, u_char *name, size_t *name_len);


ngx_int_t
ngx_http_privacy_cookies_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_str_t                         url;
    ngx_uint_t                        i;
    ngx_http_privacy_page_t           page;
    ngx_http_privacy_category_info_t  c;

    static ngx_str_t  vary = ngx_string("Accept-Language");

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Cookies på webbplatsen",
                               "Cookies on this site"));
    ngx_http_privacy_html_style(&page);

    ngx_http_privacy_portal_url(r, "consent", &url);

    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>En cookie är en liten textfil som webbplatsen sparar i din "
        "webbläsare. Här är de cookies som webbplatsen har gett en "
        "kategori, ordnade efter kategori. Nödvändiga cookies används "
        "alltid, cookies i de andra kategorierna bara om du har tillåtit "
        "dem: <a href=\"",
        "<p>A cookie is a small text file that the site stores in your "
        "browser. These are the cookies the site has given a category, by "
        "category. Necessary cookies are always used, cookies of the other "
        "categories only if you have allowed them: <a href=\""));
    ngx_http_privacy_html_str(&page, &url);
    ngx_http_privacy_page_raw(&page, "\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "ändra dina cookieval",
                              "change your cookie choices"));
    ngx_http_privacy_page_raw(&page, "</a>. ");
    ngx_http_privacy_unclassified_words(&page, plcf);
    ngx_http_privacy_page_raw(&page, "</p>\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pscf, i, page.text_lang, &c);

        ngx_http_privacy_page_raw(&page, "<h2 id=\"");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_html_str(&page, &c.title);
        ngx_http_privacy_page_raw(&page, "</h2>\n<p>");
        ngx_http_privacy_html_str(&page, &c.text);
        ngx_http_privacy_cap_words(&page, plcf->category_caps[i], 1);
        ngx_http_privacy_page_raw(&page, "</p>\n");

        ngx_http_privacy_cookie_names(&page, plcf, c.bit, 1);
    }

    if (pscf->policy) {
        ngx_http_privacy_portal_url(r, "policy", &url);

        ngx_http_privacy_page_raw(&page, "<p><a href=\"");
        ngx_http_privacy_html_str(&page, &url);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  "Integritetspolicy", "Privacy policy"));
        ngx_http_privacy_page_raw(&page, "</a></p>\n");
    }

    ngx_http_privacy_page_foot(&page);

    if (ngx_http_privacy_add_header(r, "Vary", &vary) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


/*
 * What happens to a cookie no privacy_cookie pattern names, as
 * privacy_unclassified decides it (one sentence, for the policy and the
 * cookie page): with "keep" it passes whatever the visitor chose, and the
 * texts must not promise otherwise.
 */

void
ngx_http_privacy_unclassified_words(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf)
{
    if (plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "Cookies som inte hör till någon kategori tas bort: de når "
            "varken din webbläsare eller webbplatsen.",
            "Cookies that belong to no category are removed: they reach "
            "neither your browser nor the site."));
        return;
    }

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "Cookies som ännu inte hör till någon kategori (oklassificerade) "
        "stoppas inte: de används även om du inte har tillåtit dem, så "
        "ditt val gäller inte för dem. Vårt dataskyddsombud ser varje "
        "sådan cookie och ska ge den en kategori.",
        "Cookies that do not yet belong to a category (unclassified) are "
        "not blocked: they are used even if you have not allowed them, so "
        "your choice does not apply to them. Our data protection officer "
        "sees each such cookie and is to give it a category."));
}


/*
 * The cookies of a category as the classification names them: our consent
 * cookie first (necessary), then each pattern; as a list or inline.
 */

void
ngx_http_privacy_cookie_names(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf, unsigned category, ngx_uint_t list)
{
    u_char        *name, words[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t         i, n, len, name_len, count;
    unsigned       cat;
    ngx_uint_t     kind;
    const char    *open, *close;
    const u_char  *pattern;

    /* by NGX_HTTP_PRIVACY_NAME_*, inline and at the start of a list item */
    static const char  *kinds[][2][2] = {
        { { "", "" }, { "", "" } },
        { { "namn som börjar med ", "names starting with " },
          { "Namn som börjar med ", "Names starting with " } },
        { { "namn som slutar med ", "names ending with " },
          { "Namn som slutar med ", "Names ending with " } },
        { { "namn som innehåller ", "names containing " },
          { "Namn som innehåller ", "Names containing " } },
        { { "namn som matchar ", "names matching " },
          { "Namn som matchar ", "Names matching " } }
    };

    open = list ? "<li>" : "";
    close = list ? "</li>\n" : "";
    count = 0;

    if (list) {
        ngx_http_privacy_page_raw(page, "<ul>\n");
    }

    if (category == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
        n = ngx_http_privacy_duration_seconds(plcf->cookie_max_age,
                page->lang == NGX_HTTP_PRIVACY_LANG_SV
                ? NGX_HTTP_PRIVACY_DURATION_SV : NGX_HTTP_PRIVACY_DURATION_EN,
                words, sizeof(words));

        ngx_http_privacy_page_raw(page, open);
        ngx_http_privacy_page_raw(page, "<code>");
        ngx_http_privacy_html_str(page, &plcf->cookie_name);
        ngx_http_privacy_page_raw(page, "</code>");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  " (ditt val om cookies, sparas i ",
                                  " (your cookie choice, kept for "));
        ngx_http_privacy_page_text(page, words, n);
        ngx_http_privacy_page_raw(page, ")");
        ngx_http_privacy_page_raw(page, close);
        count++;
    }

    n = ngx_http_privacy_classifier_count(plcf->classifier);

    for (i = 0; i < n; i++) {
        ngx_http_privacy_classifier_pattern(plcf->classifier, i, &cat,
                                            &pattern, &len);
        if (cat != category) {
            continue;
        }

        name = ngx_pnalloc(page->request->pool, len + 1);
        if (name == NULL) {
            page->failed = 1;
            return;
        }

        kind = ngx_http_privacy_pattern_name(pattern, len, name, &name_len);

        if (!list && count) {
            ngx_http_privacy_page_raw(page, ", ");
        }

        ngx_http_privacy_page_raw(page, open);
        ngx_http_privacy_page_raw(page, kinds[kind][list ? 1 : 0][page->lang]);
        ngx_http_privacy_page_raw(page, "<code>");

        if (kind == NGX_HTTP_PRIVACY_NAME_REGEX) {
            ngx_http_privacy_page_text(page, pattern, len);

        } else {
            ngx_http_privacy_page_text(page, name, name_len);
        }

        ngx_http_privacy_page_raw(page, "</code>");
        ngx_http_privacy_cap_words(page,
            ngx_http_privacy_classifier_pattern_data(plcf->classifier, i), 0);
        ngx_http_privacy_page_raw(page, close);
        count++;
    }

    if (count == 0) {
        ngx_http_privacy_page_raw(page, open);
        ngx_http_privacy_page_raw(page, list
            ? ngx_http_privacy_t(page, "Inga cookies i den här kategorin.",
                                 "No cookies in this category.")
            : ngx_http_privacy_t(page, "inga", "none"));
        ngx_http_privacy_page_raw(page, close);
    }

    if (list) {
        ngx_http_privacy_page_raw(page, "</ul>\n");
    }
}


/*
 * A declared lifetime (privacy_cookie max_age=, privacy_cookie_max_age),
 * as the operator wrote it: after a pattern " (högst 13 månader)", after
 * a category's text a sentence.  The Set-Cookie filter enforces it.
 */

void
ngx_http_privacy_cap_words(ngx_http_privacy_page_t *page,
    const ngx_http_privacy_cookie_cap_t *cap, ngx_uint_t sentence)
{
    u_char  words[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t  n;

    if (cap == NULL) {
        return;
    }

    n = ngx_http_privacy_duration_words(cap->text.data, cap->text.len,
            page->lang == NGX_HTTP_PRIVACY_LANG_SV
            ? NGX_HTTP_PRIVACY_DURATION_SV : NGX_HTTP_PRIVACY_DURATION_EN,
            words, sizeof(words));
    if (n == 0) {
        return;
    }

    ngx_http_privacy_page_raw(page, sentence
        ? ngx_http_privacy_t(page, " De sparas i din webbläsare i högst ",
                             " They stay in your browser for at most ")
        : ngx_http_privacy_t(page, " (högst ", " (at most "));
    ngx_http_privacy_page_text(page, words, n);
    ngx_http_privacy_page_raw(page, sentence ? "." : ")");
}


/*
 * A pattern as a visitor reads it: "^_ga$" is the cookie "_ga", "^_ga" the
 * names starting with "_ga"; anything beyond letters, digits, "_", "-" and
 * escaped dots is shown as the regular expression it is.
 */

static ngx_uint_t
ngx_http_privacy_pattern_name(const u_char *pattern, size_t len,
    u_char *name, size_t *name_len)
{
    u_char        c;
    size_t        n;
    ngx_uint_t    start, end;
    const u_char  *p, *last;

    p = pattern;
    last = pattern + len;

    start = (p < last && *p == '^');
    if (start) {
        p++;
    }

    end = (last - p >= 1 && last[-1] == '$'
           && !(last - p >= 2 && last[-2] == '\\'));
    if (end) {
        last--;

    } else if (last - p >= 2 && last[-2] == '.' && last[-1] == '*'
               && !(last - p >= 3 && last[-3] == '\\'))
    {
        last -= 2;
    }

    n = 0;

    while (p < last) {
        c = *p++;

        if (c == '\\' && p < last && (*p == '.' || *p == '-' || *p == '_')) {
            c = *p++;

        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                     || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return NGX_HTTP_PRIVACY_NAME_REGEX;
        }

        name[n++] = c;
    }

    if (n == 0) {
        return NGX_HTTP_PRIVACY_NAME_REGEX;
    }

    *name_len = n;

    if (start) {
        return end ? NGX_HTTP_PRIVACY_NAME_EXACT : NGX_HTTP_PRIVACY_NAME_PREFIX;
    }

    return end ? NGX_HTTP_PRIVACY_NAME_SUFFIX : NGX_HTTP_PRIVACY_NAME_CONTAINS;
}
