/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document served as the portal's "policy" page (its last
 * sections are ngx_http_privacy_policy_contact.c's, the values as HTML
 * ngx_http_privacy_policy_html.c's), and the dispatch to the "cookies"
 * and "policy.json" pages.
 *
 * The page is built from the document and the live configuration (the
 * "privacy_retention" periods, the cookie classification of the portal's
 * location), so that what the policy says is what the module does.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_policy_page.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_html.h"
#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_policy_contact.h"


#define NGX_HTTP_PRIVACY_PAGE_POLICY    0
#define NGX_HTTP_PRIVACY_PAGE_JSON      1
#define NGX_HTTP_PRIVACY_PAGE_COOKIES   2


static ngx_int_t ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_policy_collected(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_purposes(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc);
static void ngx_http_privacy_policy_recipients(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_retention(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc);
static ngx_int_t ngx_http_privacy_policy_bookkeeping(
    ngx_http_privacy_page_t *page, ngx_http_privacy_retention_t *rt);
static void ngx_http_privacy_retention_title(ngx_http_privacy_page_t *page,
    json_t *doc, ngx_http_privacy_retention_t *rt);
static const ngx_http_privacy_term_t *ngx_http_privacy_retention_term(
    ngx_http_privacy_retention_t *rt);
static void ngx_http_privacy_policy_cookies(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);


/* for our tables and definition lists, under the page's nonce */


/* the pages */

ngx_int_t
ngx_http_privacy_policy_handler(ngx_http_request_t *r, ngx_str_t *page)
{
    ngx_int_t                      rc;
    ngx_uint_t                     which;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_srv_conf_t   *pscf;

    if (page->len == sizeof("policy") - 1
        && ngx_strncmp(page->data, "policy", page->len) == 0)
    {
        which = NGX_HTTP_PRIVACY_PAGE_POLICY;

    } else if (page->len == sizeof("policy.json") - 1
               && ngx_strncmp(page->data, "policy.json", page->len) == 0)
    {
        which = NGX_HTTP_PRIVACY_PAGE_JSON;

    } else if (page->len == sizeof("cookies") - 1
               && ngx_strncmp(page->data, "cookies", page->len) == 0)
    {
        which = NGX_HTTP_PRIVACY_PAGE_COOKIES;

    } else {
        return NGX_DECLINED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (which == NGX_HTTP_PRIVACY_PAGE_COOKIES) {
        return ngx_http_privacy_cookies_page(r, pscf, plcf);
    }

    /* without a document there is no policy to show */

    if (pscf->policy == NULL) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (which == NGX_HTTP_PRIVACY_PAGE_POLICY) {
        return ngx_http_privacy_policy_page(r, pscf, plcf);
    }

    return ngx_http_privacy_policy_json(r, plcf);
}


static ngx_int_t
ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    json_t                         *doc, *v;
    ngx_uint_t                      i;
    ngx_http_privacy_page_t         page;
    const ngx_http_privacy_term_t  *s;

    /* the language, and what the visitor chose (visit statistics) */
    static ngx_str_t  vary = ngx_string("Accept-Language");
    static ngx_str_t  vary_cookie = ngx_string("Accept-Language, Cookie");

    doc = pscf->policy;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Integritetspolicy", "Privacy policy"));
    ngx_http_privacy_html_style(&page);

    /* the version visitors consent under, and the document's date */

    ngx_http_privacy_page_raw(&page, "<p class=\"meta\">Version ");
    ngx_http_privacy_html_str(&page, &pscf->version);

    v = json_object_get(doc, "updated");

    if (v) {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  ", senast ändrad ", ", last changed "));
        ngx_http_privacy_html_date(&page, json_string_value(v));
    }

    ngx_http_privacy_page_raw(&page, "</p>\n");

    if (json_object_get(doc, "introduction")) {
        ngx_http_privacy_page_raw(&page, "<p>");
        ngx_http_privacy_html_lines(&page, doc, "introduction",
                                    "</p>\n<p>");
        ngx_http_privacy_page_raw(&page, "</p>\n");
    }

    v = json_object_get(doc, "controller");

    ngx_http_privacy_page_raw(&page, "<p>");
    ngx_http_privacy_html_text(&page, v, "name");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              " (organisationsnummer ",
                              " (corporate identity number "));
    ngx_http_privacy_page_text(&page, (u_char *) json_string_value(
                                   json_object_get(v, "organisation_number")),
                               json_string_length(json_object_get(v,
                                   "organisation_number")));
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        ") är personuppgiftsansvarig för behandlingen av dina "
        "personuppgifter.</p>\n",
        ") is the controller responsible for the processing of your "
        "personal data.</p>\n"));

    /* contents */

    ngx_http_privacy_page_raw(&page, "<nav aria-label=\"");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page, "Innehåll",
                                                        "Contents"));
    ngx_http_privacy_page_raw(&page, "\"><ul>\n");

    for (i = 0; ngx_http_privacy_sections[i].name; i++) {
        s = &ngx_http_privacy_sections[i];

        if (ngx_strcmp(s->name, "security") == 0
            && json_object_get(doc, "security") == NULL)
        {
            continue;
        }

        ngx_http_privacy_page_raw(&page, "<li><a href=\"#");
        ngx_http_privacy_page_raw(&page, s->name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, s->title[page.lang]);
        ngx_http_privacy_page_raw(&page, "</a></li>\n");
    }

    ngx_http_privacy_page_raw(&page, "</ul></nav>\n");

    ngx_http_privacy_policy_collected(&page, doc);
    ngx_http_privacy_policy_purposes(&page, pscf, doc);
    ngx_http_privacy_policy_recipients(&page, doc);
    ngx_http_privacy_policy_retention(&page, pscf, doc);
    ngx_http_privacy_policy_cookies(&page, pscf, plcf);
    ngx_http_privacy_policy_rights(&page, doc);
    ngx_http_privacy_policy_security(&page, doc);
    ngx_http_privacy_policy_contact(&page, doc);

    ngx_http_privacy_page_foot(&page);

    /* the same URL answers in Swedish or English */
    if (ngx_http_privacy_add_header(r, "Vary",
                                    pscf->analytics ? &vary_cookie : &vary)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


static void
ngx_http_privacy_policy_collected(ngx_http_privacy_page_t *page, json_t *doc)
{
    size_t   i;
    json_t  *e;

    ngx_http_privacy_section(page, "collected");
    ngx_http_privacy_page_raw(page, "<dl>\n");

    json_array_foreach(json_object_get(doc, "data_categories"), i, e) {
        ngx_http_privacy_page_raw(page, "<dt>");
        ngx_http_privacy_html_text(page, e, "name");
        ngx_http_privacy_page_raw(page, "</dt><dd>");
        ngx_http_privacy_html_text(page, e, "description");

        if (json_object_get(e, "source")) {
            if (json_object_get(e, "description")) {
                ngx_http_privacy_page_raw(page, "<br>");
            }

            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      "<span class=\"meta\">Källa:</span> ",
                                      "<span class=\"meta\">Source:</span> "));
            ngx_http_privacy_html_text(page, e, "source");
        }

        ngx_http_privacy_page_raw(page, "</dd>\n");
    }

    ngx_http_privacy_page_raw(page, "</dl>\n");
}


static void
ngx_http_privacy_policy_purposes(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc)
{
    u_char                          words[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t                          i, j, n;
    json_t                         *e, *v, *ids;
    ngx_str_t                       url;
    ngx_http_privacy_retention_t   *rt;
    const ngx_http_privacy_term_t  *basis;

    ngx_http_privacy_section(page, "purposes");

    json_array_foreach(json_object_get(doc, "purposes"), i, e) {

        ngx_http_privacy_page_raw(page, "<section class=\"purpose\" "
                                  "id=\"purpose-");
        ngx_http_privacy_page_text(page, (u_char *) json_string_value(
                                       json_object_get(e, "id")),
                                   json_string_length(json_object_get(e,
                                                                      "id")));
        ngx_http_privacy_page_raw(page, "\"><h3>");
        ngx_http_privacy_html_text(page, e, "name");
        ngx_http_privacy_page_raw(page, "</h3>\n<p>");
        ngx_http_privacy_html_lines(page, e, "description", "</p>\n<p>");
        ngx_http_privacy_page_raw(page, "</p>\n<dl>\n");

        if (json_object_get(e, "subjects")) {
            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      "<dt>Vem det gäller</dt><dd>",
                                      "<dt>Who it concerns</dt><dd>"));
            ngx_http_privacy_html_text(page, e, "subjects");
            ngx_http_privacy_page_raw(page, "</dd>\n");
        }

        basis = ngx_http_privacy_term(ngx_http_privacy_legal_bases,
                          json_string_value(json_object_get(e, "legal_basis")));

        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  "<dt>Rättslig grund</dt><dd>",
                                  "<dt>Legal basis</dt><dd>"));
        ngx_http_privacy_page_raw(page, basis->title[page->lang]);
        ngx_http_privacy_page_raw(page, "</dd>\n");

        if (json_object_get(e, "legitimate_interest")) {
            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      "<dt>Vårt berättigade intresse</dt><dd>",
                                      "<dt>Our legitimate interest</dt><dd>"));
            ngx_http_privacy_html_text(page, e, "legitimate_interest");
            ngx_http_privacy_page_raw(page, "</dd>\n");
        }

        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  "<dt>Uppgifter</dt><dd>",
                                  "<dt>Data</dt><dd>"));
        ngx_http_privacy_html_names(page, json_object_get(e,
                                                          "data_categories"),
                                    json_object_get(doc, "data_categories"));
        ngx_http_privacy_page_raw(page, "</dd>\n");

        if (json_object_get(e, "recipients")) {
            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      "<dt>Mottagare</dt><dd>",
                                      "<dt>Recipients</dt><dd>"));
            ngx_http_privacy_html_names(page, json_object_get(e,
                                                              "recipients"),
                                        json_object_get(doc, "recipients"));
            ngx_http_privacy_page_raw(page, "</dd>\n");
        }

        /* the periods the configuration enforces */

        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  "<dt>Hur länge</dt><dd>",
                                  "<dt>How long</dt><dd>"));

        ids = json_object_get(e, "retention");

        for (j = 0; j < (json_is_array(ids) ? json_array_size(ids) : 1); j++) {
            v = json_is_array(ids) ? json_array_get(ids, j) : ids;

            rt = ngx_http_privacy_retention_find(pscf, json_string_value(v));
            if (rt == NULL) {
                continue;   /* never: the document was checked */
            }

            if (j) {
                ngx_http_privacy_page_raw(page, "; ");
            }

            ngx_http_privacy_page_raw(page, "<a href=\"#retention-");
            ngx_http_privacy_html_str(page, &rt->category);
            ngx_http_privacy_page_raw(page, "\">");
            ngx_http_privacy_retention_title(page, doc, rt);
            ngx_http_privacy_page_raw(page, "</a>: ");

            n = ngx_http_privacy_retention_words(rt, page->lang, words);
            ngx_http_privacy_page_text(page, words, n);
        }

        ngx_http_privacy_page_raw(page, "</dd>\n</dl>\n");

        if (ngx_strcmp(basis->name, "consent") == 0) {
            ngx_http_privacy_portal_url(page->request, "consent", &url);

            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                "<p>Du kan när som helst återkalla ditt samtycke: ",
                "<p>You may withdraw your consent at any time: "));
            ngx_http_privacy_page_raw(page, "<a href=\"");
            ngx_http_privacy_html_str(page, &url);
            ngx_http_privacy_page_raw(page, "\">");
            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      "ändra dina val", "change your choices"));
            ngx_http_privacy_page_raw(page, "</a>.</p>\n");
        }

        ngx_http_privacy_page_raw(page, "</section>\n");
    }
}


static void
ngx_http_privacy_policy_recipients(ngx_http_privacy_page_t *page,
    json_t *doc)
{
    size_t                          i;
    json_t                         *e, *list;
    ngx_uint_t                      any;
    const char                     *kind;
    const ngx_http_privacy_term_t  *k, *sg;

    ngx_http_privacy_section(page, "recipients");

    list = json_object_get(doc, "recipients");

    if (json_array_size(list) == 0) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "<p>Vi lämnar inte ut dina personuppgifter till andra.</p>\n",
            "<p>We do not pass your personal data on to others.</p>\n"));
    }

    for (k = ngx_http_privacy_recipient_kinds; k->name; k++) {
        any = 0;

        json_array_foreach(list, i, e) {
            kind = json_string_value(json_object_get(e, "kind"));

            if (ngx_strcmp(kind, k->name) != 0) {
                continue;
            }

            if (!any) {
                ngx_http_privacy_page_raw(page, "<h3>");
                ngx_http_privacy_page_raw(page, k->title[page->lang]);
                ngx_http_privacy_page_raw(page, "</h3>\n");

                if (k->text[page->lang]) {
                    ngx_http_privacy_page_raw(page, "<p>");
                    ngx_http_privacy_page_raw(page, k->text[page->lang]);
                    ngx_http_privacy_page_raw(page, "</p>\n");
                }

                ngx_http_privacy_page_raw(page, "<ul>\n");
                any = 1;
            }

            ngx_http_privacy_page_raw(page, "<li><strong>");
            ngx_http_privacy_html_text(page, e, "name");
            ngx_http_privacy_page_raw(page, "</strong>");

            if (json_object_get(e, "description")) {
                ngx_http_privacy_page_raw(page, ": ");
                ngx_http_privacy_html_text(page, e, "description");
            }

            ngx_http_privacy_page_raw(page, "</li>\n");
        }

        if (any) {
            ngx_http_privacy_page_raw(page, "</ul>\n");
        }
    }

    /* GDPR art. 13(1)(f) */

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "<h3>Länder utanför EU/EES</h3>\n",
                              "<h3>Countries outside the EU/EEA</h3>\n"));

    if (json_array_size(json_object_get(doc, "transfers")) == 0) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "<p>Vi för inte över personuppgifter till länder utanför "
            "EU/EES.</p>\n",
            "<p>We do not transfer personal data to countries outside the "
            "EU/EEA.</p>\n"));
        return;
    }

    ngx_http_privacy_page_raw(page, "<ul>\n");

    json_array_foreach(json_object_get(doc, "transfers"), i, e) {
        sg = ngx_http_privacy_term(ngx_http_privacy_safeguards,
                          json_string_value(json_object_get(e, "safeguard")));

        ngx_http_privacy_page_raw(page, "<li><strong>");
        ngx_http_privacy_html_names(page, json_object_get(e, "recipients"),
                                    list);
        ngx_http_privacy_page_raw(page, "</strong>: ");
        ngx_http_privacy_html_text(page, e, "countries");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  ". Överföringen sker med stöd av ",
                                  ". The transfer relies on "));
        ngx_http_privacy_page_raw(page, sg->title[page->lang]);
        ngx_http_privacy_page_raw(page, ".");

        if (json_object_get(e, "description")) {
            ngx_http_privacy_page_raw(page, " ");
            ngx_http_privacy_html_text(page, e, "description");
        }

        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n");
}


static void
ngx_http_privacy_policy_retention(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc)
{
    u_char                          words[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t                          n;
    json_t                         *note;
    ngx_uint_t                      i;
    ngx_http_privacy_retention_t   *rt;
    const ngx_http_privacy_term_t  *term;

    ngx_http_privacy_section(page, "retention");

    /* the sweeps count calendar months and years (docs/database.md) */
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<p>Vi sparar inte uppgifter längre än vi behöver dem. När tiden "
        "har gått raderas de. Månader och år räknas som kalendermånader "
        "och kalenderår, inte som 30 eller 365 dagar: en uppgift från den "
        "15 mars 2025 som sparas i 24 månader finns kvar till och med den "
        "15 mars 2027 och raderas natten därpå (UTC).</p>\n",
        "<p>We keep data no longer than we need it. When the period has "
        "passed, it is erased. Months and years are calendar months and "
        "calendar years, not 30 or 365 days: a record of 15 March 2025 "
        "kept for 24 months is kept until 15 March 2027 inclusive and "
        "erased the night after (UTC).</p>\n"));

    ngx_http_privacy_page_raw(page, "<ul>\n");

    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        ngx_http_privacy_page_raw(page, "<li id=\"retention-");
        ngx_http_privacy_html_str(page, &rt[i].category);
        ngx_http_privacy_page_raw(page, "\"><strong>");
        ngx_http_privacy_retention_title(page, doc, &rt[i]);
        ngx_http_privacy_page_raw(page, "</strong>: ");

        term = ngx_http_privacy_retention_term(&rt[i]);

        if (term && ngx_strcmp(term->name, "bookkeeping") == 0
            && ngx_http_privacy_policy_bookkeeping(page, &rt[i]) == NGX_OK)
        {
            /* said as Bokföringslagen says it */

        } else {
            n = ngx_http_privacy_retention_words(&rt[i], page->lang, words);
            ngx_http_privacy_page_text(page, words, n);

            if (term) {
                ngx_http_privacy_page_raw(page, " ");
                ngx_http_privacy_page_raw(page, term->text[page->lang]);
            }

            ngx_http_privacy_page_raw(page, ".");
        }

        note = json_object_get(json_object_get(doc, "retention"),
                               term ? term->name : "");

        if (note) {
            ngx_http_privacy_page_raw(page, " ");
            ngx_http_privacy_html_text(page, note, "text");
        }

        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n");
}


/*
 * Bookkeeping records as Bokföringslagen (7 kap. 2 §) keeps them: until
 * the end of the Nth year after the calendar year in which the fiscal
 * year ended; and the current fiscal year's records as an example,
 * counted as the sweeps count them (privacy_fiscal_year_end,
 * docs/database.md).  NGX_DECLINED for a period of other than whole
 * years, which the generic words say.
 */

static ngx_int_t
ngx_http_privacy_policy_bookkeeping(ngx_http_privacy_page_t *page,
    ngx_http_privacy_retention_t *rt)
{
    u_char                         date[sizeof("9999-12-31")];
    time_t                         now, t;
    struct tm                      tm;
    ngx_uint_t                     i, years;
    ngx_http_privacy_period_t      period;
    ngx_http_privacy_main_conf_t  *pmcf;

    static const char  *ordinals[][2] = {
        { "första", "first" }, { "andra", "second" },
        { "tredje", "third" }, { "fjärde", "fourth" },
        { "femte", "fifth" }, { "sjätte", "sixth" },
        { "sjunde", "seventh" }, { "åttonde", "eighth" },
        { "nionde", "ninth" }, { "tionde", "tenth" },
        { "elfte", "eleventh" }, { "tolfte", "twelfth" }
    };

    if (ngx_http_privacy_period_parse(rt->text.data, rt->text.len, &period)
        != 0
        || period.seconds != 0 || period.months == 0
        || period.months % 12 != 0
        || period.months / 12 > sizeof(ordinals) / sizeof(ordinals[0]))
    {
        return NGX_DECLINED;
    }

    years = period.months / 12;

    pmcf = ngx_http_get_module_main_conf(page->request,
                                         ngx_http_privacy_module);

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "till och med utgången av det ",
                              "until the end of the "));
    ngx_http_privacy_page_raw(page, ordinals[years - 1][page->lang]);
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        " året efter det kalenderår då räkenskapsåret avslutades "
        "(bokföringslagen 7 kap. 2 §). Underlag från räkenskapsåret som "
        "slutar den ",
        " year after the calendar year in which the financial year ended "
        "(Swedish Accounting Act, ch. 7 s. 2). Records of the financial "
        "year ending on "));

    /*
     * the fiscal year of today, and the day its records are kept until,
     * by the rule the bookkeeping sweep and the rights portal use
     */

    now = ngx_time();

    for (i = 0; i < 2; i++) {
        t = (i == 0)
            ? ngx_http_privacy_fiscal_year_end(now, pmcf->fiscal_month,
                                               pmcf->fiscal_day)
            : ngx_http_privacy_bookkeeping_until(now, &period,
                                                 pmcf->fiscal_month,
                                                 pmcf->fiscal_day);

        ngx_libc_gmtime(t, &tm);
        (void) ngx_snprintf(date, sizeof(date), "%04d-%02d-%02d",
                            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        date[sizeof(date) - 1] = '\0';

        if (i == 1) {
            ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                      " sparas till och med den ",
                                      " are kept until "));
        }

        ngx_http_privacy_html_date(page, (char *) date);
    }

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, ".",
                                                       " inclusive."));

    return NGX_OK;
}


/* a retention category's name: the document's, ours, or as configured */

static void
ngx_http_privacy_retention_title(ngx_http_privacy_page_t *page, json_t *doc,
    ngx_http_privacy_retention_t *rt)
{
    ngx_str_t                       s;
    const ngx_http_privacy_term_t  *term;

    term = ngx_http_privacy_retention_term(rt);

    if (term
        && ngx_http_privacy_text(json_object_get(json_object_get(doc,
                                                                 "retention"),
                                                 term->name),
                                 "name", page->text_lang, &s)
           == NGX_OK)
    {
        ngx_http_privacy_html_str(page, &s);
        return;
    }

    if (term) {
        ngx_http_privacy_page_raw(page, term->title[page->lang]);
        return;
    }

    ngx_http_privacy_html_str(page, &rt->category);
}


static const ngx_http_privacy_term_t *
ngx_http_privacy_retention_term(ngx_http_privacy_retention_t *rt)
{
    const ngx_http_privacy_term_t  *term;

    for (term = ngx_http_privacy_retention_terms; term->name; term++) {
        if (ngx_strlen(term->name) == rt->category.len
            && ngx_strncmp(term->name, rt->category.data, rt->category.len)
               == 0)
        {
            return term;
        }
    }

    return NULL;
}


static void
ngx_http_privacy_policy_cookies(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_str_t                         url;
    ngx_uint_t                        i;
    ngx_http_privacy_category_info_t  c;

    ngx_http_privacy_section(page, "cookies");

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<p>En cookie är en liten textfil som webbplatsen sparar i din "
        "webbläsare. Nödvändiga cookies används alltid, cookies i de andra "
        "kategorierna bara om du har tillåtit dem. Du kan ändra ditt val "
        "när du vill. ",
        "<p>A cookie is a small text file that the site stores in your "
        "browser. Necessary cookies are always used, cookies of the other "
        "categories only if you have allowed them. You can change your "
        "choice whenever you like. "));
    ngx_http_privacy_unclassified_words(page, plcf);
    ngx_http_privacy_page_raw(page, "</p>\n");

    ngx_http_privacy_page_raw(page, "<ul>\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pscf, i, page->text_lang, &c);

        ngx_http_privacy_page_raw(page, "<li><strong>");
        ngx_http_privacy_html_str(page, &c.title);
        ngx_http_privacy_page_raw(page, "</strong>: ");
        ngx_http_privacy_html_str(page, &c.text);
        ngx_http_privacy_cap_words(page, plcf->category_caps[i], 1);
        ngx_http_privacy_cookie_recipients(page, pscf, c.name);
        ngx_http_privacy_page_raw(page, "<br>Cookies: ");
        ngx_http_privacy_cookie_names(page, plcf, c.bit, 0);
        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n");

    ngx_http_privacy_cookies_statistics(page, plcf);

    ngx_http_privacy_page_raw(page, "<p><a href=\"");
    ngx_http_privacy_portal_url(page->request, "cookies", &url);
    ngx_http_privacy_html_str(page, &url);
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "Alla cookies och vad de gör",
                              "All cookies and what they do"));
    ngx_http_privacy_page_raw(page, "</a> · <a href=\"");
    ngx_http_privacy_portal_url(page->request, "consent", &url);
    ngx_http_privacy_html_str(page, &url);
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "Ändra dina cookieval",
                              "Change your cookie choices"));
    ngx_http_privacy_page_raw(page, "</a></p>\n");
}


