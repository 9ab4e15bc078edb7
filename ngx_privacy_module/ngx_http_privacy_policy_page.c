/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document served as the portal's "policy" page, and the
 * helpers that render the document's values as HTML.
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


#define NGX_HTTP_PRIVACY_PAGE_POLICY    0
#define NGX_HTTP_PRIVACY_PAGE_JSON      1
#define NGX_HTTP_PRIVACY_PAGE_COOKIES   2


static ngx_int_t ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_section(ngx_http_privacy_page_t *page,
    const char *name);
static void ngx_http_privacy_policy_collected(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_purposes(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc);
static void ngx_http_privacy_policy_recipients(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_retention(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc);
static void ngx_http_privacy_retention_title(ngx_http_privacy_page_t *page,
    json_t *doc, ngx_http_privacy_retention_t *rt);
static const ngx_http_privacy_term_t *ngx_http_privacy_retention_term(
    ngx_http_privacy_retention_t *rt);
static void ngx_http_privacy_policy_cookies(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_policy_rights(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_security(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_contact(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_html_text(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
static void ngx_http_privacy_html_lines(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key, const char *sep);
static void ngx_http_privacy_html_url(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key, json_t *label);
static void ngx_http_privacy_html_mail(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
static void ngx_http_privacy_html_phone(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
static void ngx_http_privacy_html_names(ngx_http_privacy_page_t *page,
    json_t *ids, json_t *list);
static void ngx_http_privacy_html_date(ngx_http_privacy_page_t *page,
    const char *date);


/* the sections of the policy page, in order */
static ngx_http_privacy_term_t  ngx_http_privacy_sections[] = {
    { "collected", { "Vilka uppgifter vi behandlar", "The data we process" },
      { NULL, NULL }, NULL },
    { "purposes", { "Varför vi behandlar uppgifterna",
                    "Why we process the data" }, { NULL, NULL }, NULL },
    { "recipients", { "Vilka vi delar uppgifterna med",
                      "Who we share the data with" }, { NULL, NULL }, NULL },
    { "retention", { "Hur länge vi sparar uppgifterna",
                     "How long we keep the data" }, { NULL, NULL }, NULL },
    { "cookies", { "Cookies", "Cookies" }, { NULL, NULL }, NULL },
    { "rights", { "Dina rättigheter", "Your rights" }, { NULL, NULL }, NULL },
    { "security", { "Hur vi skyddar uppgifterna", "How we protect the data" },
      { NULL, NULL }, NULL },
    { "contact", { "Kontakt", "Contact" }, { NULL, NULL }, NULL },
    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


static const char  *ngx_http_privacy_months[2][12] = {
    { "januari", "februari", "mars", "april", "maj", "juni", "juli",
      "augusti", "september", "oktober", "november", "december" },
    { "January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December" }
};


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

    return ngx_http_privacy_policy_json(r, pscf, plcf);
}


static ngx_int_t
ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    json_t                         *doc, *v;
    ngx_uint_t                      i;
    ngx_http_privacy_page_t         page;
    const ngx_http_privacy_term_t  *s;

    static ngx_str_t  vary = ngx_string("Accept-Language");

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
    if (ngx_http_privacy_add_header(r, "Vary", &vary) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


static void
ngx_http_privacy_section(ngx_http_privacy_page_t *page, const char *name)
{
    const ngx_http_privacy_term_t  *s;

    s = ngx_http_privacy_term(ngx_http_privacy_sections, name);

    ngx_http_privacy_page_raw(page, "<h2 id=\"");
    ngx_http_privacy_page_raw(page, s->name);
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, s->title[page->lang]);
    ngx_http_privacy_page_raw(page, "</h2>\n");
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

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<p>Vi sparar inte uppgifter längre än vi behöver dem. När tiden "
        "har gått raderas de.</p>\n",
        "<p>We keep data no longer than we need it. When the period has "
        "passed, it is erased.</p>\n"));

    ngx_http_privacy_page_raw(page, "<ul>\n");

    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        ngx_http_privacy_page_raw(page, "<li id=\"retention-");
        ngx_http_privacy_html_str(page, &rt[i].category);
        ngx_http_privacy_page_raw(page, "\"><strong>");
        ngx_http_privacy_retention_title(page, doc, &rt[i]);
        ngx_http_privacy_page_raw(page, "</strong>: ");

        n = ngx_http_privacy_retention_words(&rt[i], page->lang, words);
        ngx_http_privacy_page_text(page, words, n);

        term = ngx_http_privacy_retention_term(&rt[i]);

        if (term) {
            ngx_http_privacy_page_raw(page, " ");
            ngx_http_privacy_page_raw(page, term->text[page->lang]);
        }

        ngx_http_privacy_page_raw(page, ".");

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
        "webbläsare. Nödvändiga cookies används alltid, alla andra bara om "
        "du har tillåtit dem. Du kan ändra ditt val när du vill.</p>\n",
        "<p>A cookie is a small text file that the site stores in your "
        "browser. Necessary cookies are always used, all others only if you "
        "have allowed them. You can change your choice whenever you "
        "like.</p>\n"));

    ngx_http_privacy_page_raw(page, "<ul>\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pscf, i, page->text_lang, &c);

        ngx_http_privacy_page_raw(page, "<li><strong>");
        ngx_http_privacy_html_str(page, &c.title);
        ngx_http_privacy_page_raw(page, "</strong>: ");
        ngx_http_privacy_html_str(page, &c.text);
        ngx_http_privacy_page_raw(page, "<br>Cookies: ");
        ngx_http_privacy_cookie_names(page, plcf, c.bit, 0);
        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n<p><a href=\"");
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


static void
ngx_http_privacy_policy_rights(ngx_http_privacy_page_t *page, json_t *doc)
{
    json_t                         *auth;
    ngx_str_t                       url, s;
    const ngx_http_privacy_term_t  *right;

    ngx_http_privacy_section(page, "rights");

    ngx_http_privacy_portal_url(page->request, "rights", &url);

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<p>Dataskyddsförordningen ger dig följande rättigheter. Du kan "
        "använda dem i vår <a href=\"",
        "<p>The GDPR gives you the following rights. You can exercise them "
        "in our <a href=\""));
    ngx_http_privacy_html_str(page, &url);
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "\">självbetjäning</a> eller genom att <a href=\"#contact\">kontakta "
        "oss</a>. Vi svarar inom en månad.</p>\n",
        "\">self-service portal</a> or by <a href=\"#contact\">contacting "
        "us</a>. We answer within one month.</p>\n"));

    auth = json_object_get(doc, "supervisory_authority");

    ngx_http_privacy_page_raw(page, "<ul>\n");

    for (right = ngx_http_privacy_rights; right->name; right++) {
        ngx_http_privacy_page_raw(page, "<li id=\"right-");
        ngx_http_privacy_page_raw(page, right->name);
        ngx_http_privacy_page_raw(page, "\"><strong>");
        ngx_http_privacy_page_raw(page, right->title[page->lang]);
        ngx_http_privacy_page_raw(page, "</strong>: ");
        ngx_http_privacy_page_raw(page, right->text[page->lang]);

        if (ngx_http_privacy_text(json_object_get(doc, "rights"),
                                  right->name, page->text_lang, &s)
            == NGX_OK)
        {
            ngx_http_privacy_page_raw(page, " ");
            ngx_http_privacy_html_str(page, &s);
        }

        ngx_http_privacy_page_raw(page, " ");

        if (right->link == NULL) {
            /* a complaint goes to the supervisory authority */
            ngx_http_privacy_html_url(page, auth, "url",
                                      json_object_get(auth, "name"));

        } else {
            ngx_http_privacy_portal_url(page->request, right->link, &url);

            ngx_http_privacy_page_raw(page, "<a href=\"");
            ngx_http_privacy_html_str(page, &url);
            ngx_http_privacy_page_raw(page, "\">");

            if (ngx_strcmp(right->link, "consent") == 0) {
                ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                          "Ändra dina cookieval",
                                          "Change your cookie choices"));

            } else {
                ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                          "Gör en begäran",
                                          "Make a request"));
            }

            ngx_http_privacy_page_raw(page, "</a>");
        }

        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n");
}


static void
ngx_http_privacy_policy_security(ngx_http_privacy_page_t *page, json_t *doc)
{
    size_t   i;
    json_t  *sec, *e;

    sec = json_object_get(doc, "security");
    if (sec == NULL) {
        return;
    }

    ngx_http_privacy_section(page, "security");

    ngx_http_privacy_page_raw(page, "<p>");
    ngx_http_privacy_html_lines(page, sec, "text", "</p>\n<p>");
    ngx_http_privacy_page_raw(page, "</p>\n");

    if (json_array_size(json_object_get(sec, "measures")) == 0) {
        return;
    }

    ngx_http_privacy_page_raw(page, "<dl>\n");

    json_array_foreach(json_object_get(sec, "measures"), i, e) {
        ngx_http_privacy_page_raw(page, "<dt>");
        ngx_http_privacy_html_text(page, e, "name");
        ngx_http_privacy_page_raw(page, "</dt><dd>");
        ngx_http_privacy_html_text(page, e, "text");
        ngx_http_privacy_page_raw(page, "</dd>\n");
    }

    ngx_http_privacy_page_raw(page, "</dl>\n");
}


static void
ngx_http_privacy_policy_contact(ngx_http_privacy_page_t *page, json_t *doc)
{
    json_t  *ctl, *dpo, *auth, *group, *v;

    ngx_http_privacy_section(page, "contact");

    ctl = json_object_get(doc, "controller");

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "<h3>Personuppgiftsansvarig</h3>\n<p>",
                              "<h3>Controller</h3>\n<p>"));
    ngx_http_privacy_html_text(page, ctl, "name");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "<br>Organisationsnummer ",
                              "<br>Corporate identity number "));
    v = json_object_get(ctl, "organisation_number");
    ngx_http_privacy_page_text(page, (u_char *) json_string_value(v),
                               json_string_length(v));
    ngx_http_privacy_page_raw(page, "<br>");
    ngx_http_privacy_html_lines(page, ctl, "address", "<br>");
    ngx_http_privacy_html_mail(page, ctl, "email");
    ngx_http_privacy_html_phone(page, ctl, "phone");

    if (json_object_get(ctl, "website")) {
        ngx_http_privacy_page_raw(page, "<br>");
        ngx_http_privacy_html_url(page, ctl, "website", NULL);
    }

    ngx_http_privacy_page_raw(page, "</p>\n");

    dpo = json_object_get(doc, "dpo");

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "<h3>Dataskyddsombud</h3>\n<p>",
                              "<h3>Data protection officer</h3>\n<p>"));
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "Har du frågor om hur vi behandlar dina personuppgifter, eller vill "
        "du använda dina rättigheter, kontakta vårt dataskyddsombud.",
        "If you have questions about how we process your personal data, or "
        "wish to exercise your rights, contact our data protection "
        "officer."));

    if (json_object_get(dpo, "name")) {
        ngx_http_privacy_page_raw(page, "<br>");
        ngx_http_privacy_html_text(page, dpo, "name");
    }

    ngx_http_privacy_html_mail(page, dpo, "email");
    ngx_http_privacy_html_phone(page, dpo, "phone");

    if (json_object_get(dpo, "address")) {
        ngx_http_privacy_page_raw(page, "<br>");
        ngx_http_privacy_html_lines(page, dpo, "address", "<br>");
    }

    ngx_http_privacy_page_raw(page, "</p>\n");

    group = json_object_get(ctl, "group");

    if (group) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  "<h3>Koncernen</h3>\n<p>",
                                  "<h3>Our group</h3>\n<p>"));
        ngx_http_privacy_html_text(page, ctl, "name");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  " ingår i ", " is part of "));
        ngx_http_privacy_html_text(page, group, "name");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            ". Läs mer om hur koncernen behandlar personuppgifter: ",
            ". Read more about how the group processes personal data: "));
        ngx_http_privacy_html_url(page, group, "privacy_url", NULL);
        ngx_http_privacy_page_raw(page, "</p>\n");
    }

    auth = json_object_get(doc, "supervisory_authority");

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<h3>Tillsynsmyndighet</h3>\n<p>Är du missnöjd med hur vi behandlar "
        "dina personuppgifter har du rätt att lämna klagomål till ",
        "<h3>Supervisory authority</h3>\n<p>If you are unhappy with how we "
        "process your personal data, you may lodge a complaint with "));
    ngx_http_privacy_html_text(page, auth, "name");
    ngx_http_privacy_page_raw(page, ", ");
    ngx_http_privacy_html_url(page, auth, "url", NULL);
    ngx_http_privacy_page_raw(page, ".");

    if (json_object_get(auth, "address")) {
        ngx_http_privacy_page_raw(page, "<br>");
        ngx_http_privacy_html_lines(page, auth, "address", "<br>");
    }

    ngx_http_privacy_html_mail(page, auth, "email");
    ngx_http_privacy_html_phone(page, auth, "phone");
    ngx_http_privacy_page_raw(page, "</p>\n");
}


/* HTML from the document: every value escaped */

static void
ngx_http_privacy_html_text(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key)
{
    ngx_str_t  s;

    if (ngx_http_privacy_text(obj, key, page->text_lang, &s) == NGX_OK) {
        ngx_http_privacy_page_text(page, s.data, s.len);
    }
}


/* a text's non-blank lines, with sep between them */

static void
ngx_http_privacy_html_lines(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key, const char *sep)
{
    u_char      *p, *q, *last, *nl;
    ngx_str_t    s;
    ngx_uint_t   first;

    if (ngx_http_privacy_text(obj, key, page->text_lang, &s) != NGX_OK) {
        return;
    }

    p = s.data;
    last = s.data + s.len;
    first = 1;

    while (p < last) {
        nl = ngx_strlchr(p, last, '\n');
        if (nl == NULL) {
            nl = last;
        }

        for (q = p; q < nl && (*q == ' ' || *q == '\t' || *q == '\r'); q++) {
            /* void */
        }

        if (q < nl) {
            if (!first) {
                ngx_http_privacy_page_raw(page, sep);
            }

            ngx_http_privacy_page_text(page, p,
                                       (nl > p && nl[-1] == '\r') ? nl - p - 1
                                                                  : nl - p);
            first = 0;
        }

        p = nl + 1;
    }
}


/* <a href="URL">label</a>; without a label, the URL without its scheme */

static void
ngx_http_privacy_html_url(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key, json_t *label)
{
    u_char     *p, *last;
    json_t     *v;
    ngx_str_t   s;

    v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        return;
    }

    p = (u_char *) json_string_value(v);
    last = p + json_string_length(v);

    ngx_http_privacy_page_raw(page, "<a href=\"");
    ngx_http_privacy_page_text(page, p, last - p);
    ngx_http_privacy_page_raw(page, "\">");

    if (label && ngx_http_privacy_text(label, NULL, page->text_lang, &s) == NGX_OK)
    {
        ngx_http_privacy_html_str(page, &s);

    } else {
        p += (ngx_strncasecmp(p, (u_char *) "https://", 8) == 0) ? 8 : 7;

        if (last - p > 1 && last[-1] == '/') {
            last--;
        }

        ngx_http_privacy_page_text(page, p, last - p);
    }

    ngx_http_privacy_page_raw(page, "</a>");
}


static void
ngx_http_privacy_html_mail(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key)
{
    json_t  *v;

    v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        return;
    }

    ngx_http_privacy_page_raw(page, "<br><a href=\"mailto:");
    ngx_http_privacy_page_text(page, (u_char *) json_string_value(v),
                               json_string_length(v));
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_text(page, (u_char *) json_string_value(v),
                               json_string_length(v));
    ngx_http_privacy_page_raw(page, "</a>");
}


static void
ngx_http_privacy_html_phone(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key)
{
    json_t  *v;

    v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        return;
    }

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, "<br>Telefon ",
                                                       "<br>Phone "));
    ngx_http_privacy_page_text(page, (u_char *) json_string_value(v),
                               json_string_length(v));
}


/* the names of the elements of list that ids (an id or an array) name */

static void
ngx_http_privacy_html_names(ngx_http_privacy_page_t *page, json_t *ids,
    json_t *list)
{
    size_t   i, n;
    json_t  *e;

    n = json_is_array(ids) ? json_array_size(ids) : 1;

    for (i = 0; i < n; i++) {
        e = ngx_http_privacy_list_find(list, json_string_value(
                                json_is_array(ids) ? json_array_get(ids, i)
                                                   : ids));
        if (e == NULL) {
            continue;
        }

        if (i) {
            ngx_http_privacy_page_raw(page, ", ");
        }

        ngx_http_privacy_html_text(page, e, "name");
    }
}


/* "2026-11-01" as "1 november 2026" or "1 November 2026" */

static void
ngx_http_privacy_html_date(ngx_http_privacy_page_t *page, const char *date)
{
    u_char     buf[64], *p;
    ngx_int_t  d, m;

    if (date == NULL || !ngx_http_privacy_valid_date(date)) {
        return;
    }

    m = ngx_atoi((u_char *) date + 5, 2);
    d = ngx_atoi((u_char *) date + 8, 2);

    p = ngx_snprintf(buf, sizeof(buf), "%i %s %*s", d,
                     ngx_http_privacy_months[page->lang][m - 1],
                     (size_t) 4, date);

    ngx_http_privacy_page_text(page, buf, p - buf);
}


