/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document's values as HTML, for the policy page's sections:
 * texts, lines, links, addresses, names of referenced parts, dates, and
 * the section headings.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_html.h"


/* the sections of the policy page, in order */
ngx_http_privacy_term_t  ngx_http_privacy_sections[] = {
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


void
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


/* HTML from the document: every value escaped */

void
ngx_http_privacy_html_text(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key)
{
    ngx_str_t  s;

    if (ngx_http_privacy_text(obj, key, page->text_lang, &s) == NGX_OK) {
        ngx_http_privacy_page_text(page, s.data, s.len);
    }
}


/* a text's non-blank lines, with sep between them */

void
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

void
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


void
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


void
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

void
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

void
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
