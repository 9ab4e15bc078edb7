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
#include "ngx_http_privacy_policy_html.h"
#include "ngx_http_privacy_seen.h"
#include "ngx_http_privacy_state.h"


/* how a cookie name pattern reads */
#define NGX_HTTP_PRIVACY_NAME_EXACT     0
#define NGX_HTTP_PRIVACY_NAME_PREFIX    1
#define NGX_HTTP_PRIVACY_NAME_SUFFIX    2
#define NGX_HTTP_PRIVACY_NAME_CONTAINS  3
#define NGX_HTTP_PRIVACY_NAME_REGEX     4


static ngx_uint_t ngx_http_privacy_pattern_name(const u_char *pattern,
    size_t len, u_char *name, size_t *name_len);
static ngx_int_t ngx_http_privacy_pattern_described(
    ngx_http_privacy_page_t *page, const u_char *pattern, size_t len);
static ngx_int_t ngx_http_privacy_pattern_words(ngx_http_privacy_page_t *page,
    const u_char *pattern, size_t len);
static ngx_uint_t ngx_http_privacy_name_char(u_char c);
static void ngx_http_privacy_cookies_seen(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf,
    const u_char *names, size_t n);


ngx_int_t
ngx_http_privacy_cookies_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    size_t                            n;
    ngx_str_t                         url;
    ngx_uint_t                        i;
    const u_char                     *names;
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
        ngx_http_privacy_cookie_recipients(&page, pscf, c.name);
        ngx_http_privacy_page_raw(&page, "</p>\n");

        ngx_http_privacy_cookie_names(&page, plcf, c.bit, 1);
    }

    if (ngx_http_privacy_seen_get(r, &names, &n) == NGX_OK) {
        ngx_http_privacy_cookies_seen(&page, pscf, plcf, names, n);
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

        if (!list && count) {
            ngx_http_privacy_page_raw(page, ", ");
        }

        ngx_http_privacy_page_raw(page, open);

        /* the document's words, else ours, else the expression */

        if (ngx_http_privacy_pattern_described(page, pattern, len) == NGX_OK
            || ngx_http_privacy_pattern_words(page, pattern, len) == NGX_OK)
        {
            goto described;
        }

        name = ngx_pnalloc(page->request->pool, len + 1);
        if (name == NULL) {
            page->failed = 1;
            return;
        }

        kind = ngx_http_privacy_pattern_name(pattern, len, name, &name_len);

        ngx_http_privacy_page_raw(page, kinds[kind][list ? 1 : 0][page->lang]);
        ngx_http_privacy_page_raw(page, "<code>");

        if (kind == NGX_HTTP_PRIVACY_NAME_REGEX) {
            ngx_http_privacy_page_text(page, pattern, len);

        } else {
            ngx_http_privacy_page_text(page, name, name_len);
        }

        ngx_http_privacy_page_raw(page, "</code>");

    described:
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
 * The cookies the site has actually met (cookies_seen), each with the
 * category the location's patterns give it now, or none: what a visitor
 * meets may differ from what the patterns above foresee.
 */

static void
ngx_http_privacy_cookies_seen(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf,
    const u_char *names, size_t n)
{
    size_t                            i, len;
    unsigned                          cat;
    ngx_uint_t                        k;
    ngx_http_privacy_category_info_t  c;

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<h2 id=\"seen\">Cookies som webbplatsen har mött</h2>\n<p>Namnen "
        "på de cookies som har funnits i förfrågningar till och svar från "
        "webbplatsen, med den kategori de har i dag. ",
        "<h2 id=\"seen\">Cookies the site has met</h2>\n<p>The names of "
        "the cookies found in requests to and responses from the site, "
        "with the category they have today. "));
    ngx_http_privacy_unclassified_words(page, plcf);
    ngx_http_privacy_page_raw(page, "</p>\n");

    if (n == 0) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "<p>Inga ännu.</p>\n", "<p>None yet.</p>\n"));
        return;
    }

    ngx_http_privacy_page_raw(page, "<ul class=\"seen\">\n");

    for (i = 0; i < n; i++) {
        len = ngx_strlen(names);

        cat = (len == plcf->cookie_name.len
               && ngx_strncmp(names, plcf->cookie_name.data, len) == 0)
              ? NGX_HTTP_PRIVACY_CAT_NECESSARY
              : ngx_http_privacy_classify(plcf->classifier, names, len);

        ngx_http_privacy_page_raw(page, "<li><code>");
        ngx_http_privacy_page_text(page, names, len);
        ngx_http_privacy_page_raw(page, "</code>: ");

        for (k = 0; k < NGX_HTTP_PRIVACY_CAT_COUNT; k++) {
            ngx_http_privacy_category_info(pscf, k, page->text_lang, &c);

            if (c.bit == cat) {
                ngx_http_privacy_html_str(page, &c.title);
                break;
            }
        }

        if (k == NGX_HTTP_PRIVACY_CAT_COUNT) {
            ngx_http_privacy_page_raw(page,
                plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP
                ? ngx_http_privacy_t(page, "utan kategori (tas bort)",
                                     "unclassified (removed)")
                : ngx_http_privacy_t(page, "utan kategori (stoppas inte)",
                                     "unclassified (not blocked)"));
        }

        ngx_http_privacy_page_raw(page, "</li>\n");
        names += len + 1;
    }

    ngx_http_privacy_page_raw(page, "</ul>\n");
}


/*
 * Who receives a category's cookies, as the document's
 * cookie_categories.X.recipients says (nothing when it does not say).
 */

void
ngx_http_privacy_cookie_recipients(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, const char *category)
{
    json_t  *ids;

    if (pscf->policy == NULL) {
        return;
    }

    ids = json_object_get(json_object_get(json_object_get(pscf->policy,
                                                          "cookie_categories"),
                                          category),
                          "recipients");
    if (ids == NULL) {
        return;
    }

    if (json_is_array(ids) && json_array_size(ids) == 0) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  " Ingen utanför oss tar emot dem.",
                                  " No one outside us receives them."));
        return;
    }

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              " De tas emot av: ", " They are received by: "));
    ngx_http_privacy_html_names(page, ids,
                                json_object_get(pscf->policy, "recipients"));
    ngx_http_privacy_page_raw(page, ".");
}


/*
 * nginx -t warns when cookies of a category are classified but the
 * policy document does not say who receives them (GDPR art. 13(1)(e)):
 * "[]" says no one outside the controller does.
 */

void
ngx_http_privacy_cookie_recipients_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    size_t                            i, n, len;
    unsigned                          cat, warned;
    ngx_uint_t                        k;
    const u_char                     *pattern;
    ngx_http_privacy_category_info_t  c;

    if (pscf->policy == NULL) {
        return;
    }

    warned = NGX_HTTP_PRIVACY_CAT_NECESSARY;
    n = ngx_http_privacy_classifier_count(plcf->classifier);

    for (i = 0; i < n; i++) {
        ngx_http_privacy_classifier_pattern(plcf->classifier, i, &cat,
                                            &pattern, &len);
        if (cat & warned) {
            continue;
        }

        warned |= cat;

        for (k = 0; k < NGX_HTTP_PRIVACY_CAT_COUNT; k++) {
            ngx_http_privacy_category_info(NULL, k, NGX_HTTP_PRIVACY_LANG_EN,
                                           &c);
            if (c.bit == cat) {
                break;
            }
        }

        if (k == NGX_HTTP_PRIVACY_CAT_COUNT
            || json_object_get(json_object_get(json_object_get(pscf->policy,
                                   "cookie_categories"), c.name),
                               "recipients"))
        {
            continue;
        }

        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "privacy_policy: cookies of the category \"%s\" "
                           "are classified (privacy_cookie %s \"%*s\") but "
                           "$.cookie_categories.%s.recipients does not say "
                           "who receives them (list the recipients, or [] if "
                           "no one outside the controller does)",
                           c.name, c.name, len, pattern, c.name);
    }
}


/*
 * nginx -t warns when a pattern would reach visitors as the regular
 * expression it is: neither the document's "cookies" list nor the
 * module's forms put it in words (docs/policy-document.md, "cookies").
 */

void
ngx_http_privacy_cookie_words_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    size_t         i, j, n, len, name_len;
    u_char        *name;
    json_t        *e, *p;
    unsigned       cat;
    ngx_uint_t     described;
    const u_char  *pattern;

    if (pscf->policy == NULL) {
        return;
    }

    n = ngx_http_privacy_classifier_count(plcf->classifier);

    for (i = 0; i < n; i++) {
        ngx_http_privacy_classifier_pattern(plcf->classifier, i, &cat,
                                            &pattern, &len);

        described = 0;

        json_array_foreach(json_object_get(pscf->policy, "cookies"), j, e) {
            p = json_object_get(e, "pattern");

            if (json_string_length(p) == len
                && ngx_memcmp(json_string_value(p), pattern, len) == 0)
            {
                described = 1;
                break;
            }
        }

        if (described
            || ngx_http_privacy_pattern_words(NULL, pattern, len) == NGX_OK)
        {
            continue;
        }

        name = ngx_pnalloc(cf->temp_pool, len + 1);
        if (name == NULL) {
            return;
        }

        if (ngx_http_privacy_pattern_name(pattern, len, name, &name_len)
            != NGX_HTTP_PRIVACY_NAME_REGEX)
        {
            continue;
        }

        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "privacy_policy: the pattern \"%*s\" is shown to "
                           "visitors as a regular expression: give it words "
                           "in $.cookies ({\"pattern\": \"%*s\", "
                           "\"description\": {...}})",
                           len, pattern, len, pattern);
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


/* a pattern's words from the policy document's "cookies" list */

static ngx_int_t
ngx_http_privacy_pattern_described(ngx_http_privacy_page_t *page,
    const u_char *pattern, size_t len)
{
    size_t                        i;
    json_t                       *e, *p;
    ngx_str_t                     s;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(page->request,
                                        ngx_http_privacy_module);
    if (pscf->policy == NULL) {
        return NGX_DECLINED;
    }

    json_array_foreach(json_object_get(pscf->policy, "cookies"), i, e) {
        p = json_object_get(e, "pattern");

        if (json_string_length(p) == len
            && ngx_memcmp(json_string_value(p), pattern, len) == 0
            && ngx_http_privacy_text(e, "description", page->text_lang, &s)
               == NGX_OK)
        {
            ngx_http_privacy_html_str(page, &s);
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/*
 * Two more forms a visitor can read without the document's help:
 * "^(session|csrftoken)$" is the cookies "session" and "csrftoken", and
 * "^_ga(_.*)?$" the cookie "_ga" and the names starting with "_ga_".
 * With page NULL it only says whether the pattern has such words.
 */

static ngx_int_t
ngx_http_privacy_pattern_words(ngx_http_privacy_page_t *page,
    const u_char *pattern, size_t len)
{
    size_t         n, alts;
    const u_char  *p, *q, *last, *name;

    if (len < 5 || pattern[0] != '^' || pattern[len - 1] != '$'
        || pattern[len - 2] == '\\')
    {
        return NGX_DECLINED;
    }

    p = pattern + 1;
    last = pattern + len - 1;

    if (*p == '(' && last[-1] == ')') {
        p++;
        last--;

        if (last - p >= 2 && p[0] == '?' && p[1] == ':') {
            p += 2;
        }

        /* names, each non-empty, between '|' */

        alts = 1;

        for (q = p; q < last; q++) {
            if (*q == '|') {
                if (q == p || q[-1] == '|' || q + 1 == last) {
                    return NGX_DECLINED;
                }

                alts++;

            } else if (!ngx_http_privacy_name_char(*q)) {
                return NGX_DECLINED;
            }
        }

        if (p == last) {
            return NGX_DECLINED;
        }

        if (page == NULL) {
            return NGX_OK;
        }

        for (n = 0; n < alts; n++) {
            if (n) {
                ngx_http_privacy_page_raw(page, n + 1 < alts ? ", "
                    : ngx_http_privacy_t(page, " och ", " and "));
            }

            name = p;

            while (p < last && *p != '|') {
                p++;
            }

            ngx_http_privacy_page_raw(page, "<code>");
            ngx_http_privacy_page_text(page, name, p - name);
            ngx_http_privacy_page_raw(page, "</code>");
            p++;
        }

        return NGX_OK;
    }

    /* NAME(SUFFIX.*)? and NAME(SUFFIX.+)? */

    name = p;

    while (p < last && ngx_http_privacy_name_char(*p)) {
        p++;
    }

    n = p - name;

    if (n == 0 || last - p < 5 || *p != '(' || last[-1] != '?'
        || last[-2] != ')' || (last[-3] != '*' && last[-3] != '+')
        || last[-4] != '.')
    {
        return NGX_DECLINED;
    }

    for (q = p + 1; q < last - 4; q++) {
        if (!ngx_http_privacy_name_char(*q)) {
            return NGX_DECLINED;
        }
    }

    if (page == NULL) {
        return NGX_OK;
    }

    ngx_http_privacy_page_raw(page, "<code>");
    ngx_http_privacy_page_text(page, name, n);
    ngx_http_privacy_page_raw(page, "</code>");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              " och namn som börjar med <code>",
                              " and names starting with <code>"));
    ngx_http_privacy_page_text(page, name, n);
    ngx_http_privacy_page_text(page, p + 1, (last - 4) - (p + 1));
    ngx_http_privacy_page_raw(page, "</code>");

    return NGX_OK;
}


static ngx_uint_t
ngx_http_privacy_name_char(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
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
