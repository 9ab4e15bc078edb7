/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy page's last sections: the visitor's rights (with links to
 * the portal's pages that exercise them), security, and whom to contact:
 * the controller, the DPO, the supervisory authority.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_html.h"
#include "ngx_http_privacy_policy_contact.h"


void
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


void
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


void
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
