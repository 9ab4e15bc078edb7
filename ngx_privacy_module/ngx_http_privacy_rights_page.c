/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The rights portal's pages, in Swedish or English like the other portal
 * pages (ngx_http_privacy_page.c): plain HTML forms that work without
 * JavaScript, every value not written by us escaped.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_rights.h"


static void ngx_http_privacy_rights_link(ngx_http_privacy_page_t *page,
    const char *to, const char *sv, const char *en);
static void ngx_http_privacy_rights_value(ngx_http_privacy_page_t *page,
    json_t *v, const char *name, ngx_uint_t depth);
static ngx_uint_t ngx_http_privacy_rights_is_time(const char *name);


void
ngx_http_privacy_rights_hidden(ngx_http_privacy_page_t *page,
    ngx_http_privacy_rights_form_t *f)
{
    ngx_http_privacy_page_raw(page, "<input type=\"hidden\" name=\"token\" "
                              "value=\"");
    ngx_http_privacy_page_rawn(page, f->token, sizeof(f->token));
    ngx_http_privacy_page_raw(page, "\">\n");
}


/* <form method="post" action="<portal>/NAME"> with the form token */

void
ngx_http_privacy_rights_action(ngx_http_privacy_page_t *page,
    const char *name)
{
    ngx_str_t  url;

    ngx_http_privacy_portal_url(page->request, name, &url);

    ngx_http_privacy_page_raw(page, "<form method=\"post\" action=\"");
    ngx_http_privacy_page_text(page, url.data, url.len);
    ngx_http_privacy_page_raw(page, "\">\n");
}


static void
ngx_http_privacy_rights_link(ngx_http_privacy_page_t *page, const char *to,
    const char *sv, const char *en)
{
    ngx_str_t  url;

    ngx_http_privacy_portal_url(page->request, to, &url);

    ngx_http_privacy_page_raw(page, "<a href=\"");
    ngx_http_privacy_page_text(page, url.data, url.len);
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, sv, en));
    ngx_http_privacy_page_raw(page, "</a>");
}


static ngx_int_t
ngx_http_privacy_rights_email_form(ngx_http_privacy_page_t *page,
    ngx_http_privacy_rights_form_t *f, const char *to, ngx_uint_t code)
{
    ngx_http_privacy_rights_action(page, to);
    ngx_http_privacy_rights_hidden(page, f);

    ngx_http_privacy_page_raw(page, "<p><label for=\"rights-email\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "E-postadress", "E-mail address"));
    ngx_http_privacy_page_raw(page, "</label><br><input type=\"email\" "
        "id=\"rights-email\" name=\"email\" autocomplete=\"email\" "
        "required maxlength=\"254\"></p>\n");

    if (code) {
        ngx_http_privacy_page_raw(page, "<p><label for=\"rights-code\">");
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                                  "Kod från brevet", "Code from the mail"));
        ngx_http_privacy_page_raw(page, "</label><br><input type=\"text\" "
            "id=\"rights-code\" name=\"code\" inputmode=\"numeric\" "
            "autocomplete=\"one-time-code\" required maxlength=\"12\"></p>\n");
    }

    ngx_http_privacy_page_raw(page, "<div class=\"actions\"><button "
                              "type=\"submit\">");
    ngx_http_privacy_page_raw(page, code
        ? ngx_http_privacy_t(page, "Logga in", "Sign in")
        : ngx_http_privacy_t(page, "Skicka kod", "Send code"));
    ngx_http_privacy_page_raw(page, "</button></div>\n</form>\n");

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_rights_page_start(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f)
{
    ngx_http_privacy_page_t  page;

    if (ngx_http_privacy_rights_form(r, f) != NGX_OK
        || ngx_http_privacy_page_init(&page, r) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Dina rättigheter", "Your rights"));

    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>Här kan du se vilka uppgifter vi har om dig, ladda ned dem, "
        "rätta dem, begränsa hur vi använder dem, invända mot "
        "direktmarknadsföring, statistik och profilering, eller be oss "
        "radera dem (GDPR artikel 15–22). Vi skickar först en engångskod "
        "till den e-postadress vi har om dig.</p>\n",
        "<p>Here you can see the data we hold about you, download it, "
        "correct it, restrict how we use it, object to direct marketing, "
        "statistics and profiling, or ask us to erase it (GDPR articles "
        "15–22). First we send a one-time code to the e-mail address we "
        "hold for you.</p>\n"));

    ngx_http_privacy_rights_email_form(&page, f, "rights", 0);

    ngx_http_privacy_page_raw(&page, "<p>");
    ngx_http_privacy_rights_link(&page, "rights/verify",
                                 "Jag har redan en kod", "I have a code");
    ngx_http_privacy_page_raw(&page, "</p>\n<h2>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Besöksstatistik kopplad till den här webbläsaren",
        "Visitor statistics linked to this browser"));
    ngx_http_privacy_page_raw(&page, "</h2>\n");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>Om du har godkänt statistikcookies kan du ladda ned eller "
        "radera statistiken som är kopplad till den här webbläsaren, utan "
        "e-post.</p>\n",
        "<p>If you consented to statistics cookies you can download or "
        "erase the statistics linked to this browser, without e-mail.</p>\n"));
    ngx_http_privacy_page_raw(&page, "<p>");
    ngx_http_privacy_rights_link(&page, "rights/analytics.json",
                                 "Ladda ned statistiken (JSON)",
                                 "Download the statistics (JSON)");
    ngx_http_privacy_page_raw(&page, "</p>\n");

    ngx_http_privacy_rights_action(&page, "rights/analytics/erase");
    ngx_http_privacy_rights_hidden(&page, f);
    ngx_http_privacy_page_raw(&page, "<div class=\"actions\"><button "
                              "type=\"submit\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Radera statistiken", "Erase the statistics"));
    ngx_http_privacy_page_raw(&page, "</button></div>\n</form>\n<p>");
    ngx_http_privacy_rights_link(&page, "policy", "Integritetspolicy",
                                 "Privacy policy");
    ngx_http_privacy_page_raw(&page, " · ");
    ngx_http_privacy_rights_link(&page, "consent", "Cookieinställningar",
                                 "Cookie settings");
    ngx_http_privacy_page_raw(&page, "</p>\n");

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


/* the answer to a code request: the same for known and unknown addresses */

ngx_int_t
ngx_http_privacy_rights_page_sent(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t limited)
{
    ngx_http_privacy_page_t  page;

    if (ngx_http_privacy_rights_form(r, f) != NGX_OK
        || ngx_http_privacy_page_init(&page, r) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, limited
        ? ngx_http_privacy_t(&page, "För många koder", "Too many codes")
        : ngx_http_privacy_t(&page, "Titta i din e-post", "Check your mail"));

    ngx_http_privacy_page_raw(&page, "<p role=\"status\">");
    ngx_http_privacy_page_raw(&page, limited
        ? ngx_http_privacy_t(&page,
            "Du har bett om för många koder. Vänta en timme och försök "
            "igen, eller använd den senaste koden du fick.",
            "Too many codes were requested. Wait an hour and try again, or "
            "use the latest code you received.")
        : ngx_http_privacy_t(&page,
            "Om adressen finns hos oss har vi skickat en engångskod till "
            "den. Koden gäller i 10 minuter.",
            "If we hold this address, we have sent a one-time code to it. "
            "The code is valid for 10 minutes."));
    ngx_http_privacy_page_raw(&page, "</p>\n");

    ngx_http_privacy_rights_email_form(&page, f, "rights/verify", 1);

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, limited
                                      ? NGX_HTTP_TOO_MANY_REQUESTS
                                      : NGX_HTTP_OK);
}


ngx_int_t
ngx_http_privacy_rights_page_verify(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t status, const char *sv,
    const char *en)
{
    ngx_http_privacy_page_t  page;

    if (ngx_http_privacy_rights_form(r, f) != NGX_OK
        || ngx_http_privacy_page_init(&page, r) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Logga in med din kod",
                               "Sign in with your code"));

    if (sv) {
        ngx_http_privacy_page_raw(&page, "<p class=\"note\" role=\"alert\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page, sv, en));
        ngx_http_privacy_page_raw(&page, "</p>\n");
    }

    ngx_http_privacy_rights_email_form(&page, f, "rights/verify", 1);

    ngx_http_privacy_page_raw(&page, "<p>");
    ngx_http_privacy_rights_link(&page, "rights", "Be om en ny kod",
                                 "Ask for a new code");
    ngx_http_privacy_page_raw(&page, "</p>\n");

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, status);
}


ngx_int_t
ngx_http_privacy_rights_page_account(ngx_http_request_t *r,
    ngx_http_privacy_rights_form_t *f, ngx_uint_t consent)
{
    ngx_uint_t               i;
    ngx_http_privacy_page_t  page;

    static struct {
        const char  *name, *sv, *en;
    } fields[] = {
        { "name", "Namn", "Name" },
        { "address", "Adress", "Address" },
        { "phone", "Telefon", "Phone" },
        { "email", "E-postadress", "E-mail address" },
    }, objections[] = {
        { "direct_marketing", "Direktmarknadsföring", "Direct marketing" },
        { "analytics", "Analys och statistik", "Analytics and statistics" },
        { "profiling", "Profilering", "Profiling" },
    };

    if (ngx_http_privacy_rights_form(r, f) != NGX_OK
        || ngx_http_privacy_page_init(&page, r) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Dina uppgifter", "Your data"));

    /* access and portability (art. 15, 20) */
    ngx_http_privacy_page_raw(&page, "<ul><li>");
    ngx_http_privacy_rights_link(&page, "rights/export",
                                 "Se allt vi har om dig",
                                 "See everything we hold about you");
    ngx_http_privacy_page_raw(&page, "</li><li>");
    ngx_http_privacy_rights_link(&page, "rights/export.json",
                                 "Ladda ned det som JSON",
                                 "Download it as JSON");
    ngx_http_privacy_page_raw(&page, "</li></ul>\n");

    /* rectification (art. 16) */
    ngx_http_privacy_page_raw(&page, "<h2>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "Rätta dina uppgifter", "Correct your data"));
    ngx_http_privacy_page_raw(&page, "</h2>\n");
    ngx_http_privacy_rights_action(&page, "rights/rectify");
    ngx_http_privacy_rights_hidden(&page, f);

    for (i = 0; i < 4; i++) {
        ngx_http_privacy_page_raw(&page, "<p><label for=\"rights-");
        ngx_http_privacy_page_raw(&page, fields[i].name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  fields[i].sv, fields[i].en));
        ngx_http_privacy_page_raw(&page, "</label><br><input type=\"text\" "
                                  "id=\"rights-");
        ngx_http_privacy_page_raw(&page, fields[i].name);
        ngx_http_privacy_page_raw(&page, "\" name=\"");
        ngx_http_privacy_page_raw(&page, fields[i].name);
        ngx_http_privacy_page_raw(&page, "\" maxlength=\"512\"></p>\n");
    }

    ngx_http_privacy_page_raw(&page, "<div class=\"actions\"><button "
                              "type=\"submit\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "Spara ändringarna", "Save the changes"));
    ngx_http_privacy_page_raw(&page, "</button></div>\n</form>\n");

    /* restriction (art. 18) */
    ngx_http_privacy_page_raw(&page, "<h2>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Begränsa behandlingen", "Restrict processing"));
    ngx_http_privacy_page_raw(&page, "</h2>\n");
    ngx_http_privacy_rights_action(&page, "rights/restrict");
    ngx_http_privacy_rights_hidden(&page, f);
    ngx_http_privacy_page_raw(&page, "<div class=\"actions\"><button "
        "type=\"submit\" name=\"restricted\" value=\"1\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Begränsa", "Restrict"));
    ngx_http_privacy_page_raw(&page, "</button><button type=\"submit\" "
                              "name=\"restricted\" value=\"0\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Häv begränsningen", "Lift the restriction"));
    ngx_http_privacy_page_raw(&page, "</button></div>\n</form>\n");

    /* objection (art. 21) */
    ngx_http_privacy_page_raw(&page, "<h2>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Invänd mot behandling", "Object to processing"));
    ngx_http_privacy_page_raw(&page, "</h2>\n");
    ngx_http_privacy_rights_action(&page, "rights/object");
    ngx_http_privacy_rights_hidden(&page, f);
    ngx_http_privacy_page_raw(&page, "<fieldset><legend>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Jag invänder mot", "I object to"));
    ngx_http_privacy_page_raw(&page, "</legend>\n");

    for (i = 0; i < 3; i++) {
        ngx_http_privacy_page_raw(&page, "<div class=\"cat\"><input "
            "type=\"checkbox\" name=\"objection\" id=\"rights-o-");
        ngx_http_privacy_page_raw(&page, objections[i].name);
        ngx_http_privacy_page_raw(&page, "\" value=\"");
        ngx_http_privacy_page_raw(&page, objections[i].name);
        ngx_http_privacy_page_raw(&page, "\"> <label for=\"rights-o-");
        ngx_http_privacy_page_raw(&page, objections[i].name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  objections[i].sv, objections[i].en));
        ngx_http_privacy_page_raw(&page, "</label></div>\n");
    }

    ngx_http_privacy_page_raw(&page, "</fieldset><div class=\"actions\">"
                              "<button type=\"submit\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Spara invändningarna", "Save the objections"));
    ngx_http_privacy_page_raw(&page, "</button></div>\n</form>\n");

    /* erasure (art. 17) */
    ngx_http_privacy_page_raw(&page, "<h2>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Radera dina uppgifter", "Erase your data"));
    ngx_http_privacy_page_raw(&page, "</h2>\n");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>Allt vi inte måste spara enligt lag raderas direkt. Ordrar "
        "sparas utan ditt namn så länge bokföringslagen kräver.</p>\n",
        "<p>Everything we are not required by law to keep is deleted at "
        "once. Orders are kept without your name for as long as the "
        "Swedish Bookkeeping Act requires.</p>\n"));
    ngx_http_privacy_rights_action(&page, "rights/erase");
    ngx_http_privacy_rights_hidden(&page, f);
    ngx_http_privacy_page_raw(&page, "<div class=\"actions\"><button "
                              "type=\"submit\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Radera mina uppgifter", "Erase my data"));
    ngx_http_privacy_page_raw(&page, "</button></div>\n</form>\n");

    (void) consent;

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


/* a JSON answer as a readable page: nested lists, every value escaped */

ngx_int_t
ngx_http_privacy_rights_page_json(ngx_http_request_t *r, const char *sv,
    const char *en, u_char *json, size_t len, ngx_uint_t status)
{
    json_t                   *o;
    ngx_http_privacy_page_t   page;

    o = json_loadb((char *) json, len, 0, NULL);
    if (o == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        json_decref(o);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page, sv, en));
    ngx_http_privacy_rights_value(&page, o, NULL, 0);
    json_decref(o);

    ngx_http_privacy_page_raw(&page, "<p>");
    ngx_http_privacy_rights_link(&page, "rights/account", "Tillbaka",
                                 "Back");
    ngx_http_privacy_page_raw(&page, "</p>\n");
    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, status);
}


static void
ngx_http_privacy_rights_value(ngx_http_privacy_page_t *page, json_t *v,
    const char *name, ngx_uint_t depth)
{
    u_char       buf[sizeof("-9223372036854775808-12-31T23:59:59Z")];
    ngx_tm_t     tm;
    size_t       i;
    json_t      *x;
    const char  *key;

    if (depth > 8) {
        return;
    }

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        ngx_http_privacy_page_raw(page, "<dl>");

        json_object_foreach(v, key, x) {
            ngx_http_privacy_page_raw(page, "<dt>");
            ngx_http_privacy_page_text(page, (u_char *) key,
                                       ngx_strlen(key));
            ngx_http_privacy_page_raw(page, "</dt><dd>");
            ngx_http_privacy_rights_value(page, x, key, depth + 1);
            ngx_http_privacy_page_raw(page, "</dd>");
        }

        ngx_http_privacy_page_raw(page, "</dl>\n");
        break;

    case JSON_ARRAY:
        if (json_array_size(v) == 0) {
            ngx_http_privacy_page_raw(page, "–");
            break;
        }

        ngx_http_privacy_page_raw(page, "<ul>");

        json_array_foreach(v, i, x) {
            ngx_http_privacy_page_raw(page, "<li>");
            ngx_http_privacy_rights_value(page, x, NULL, depth + 1);
            ngx_http_privacy_page_raw(page, "</li>");
        }

        ngx_http_privacy_page_raw(page, "</ul>\n");
        break;

    case JSON_STRING:
        ngx_http_privacy_page_text(page, (u_char *) json_string_value(v),
                                   json_string_length(v));
        break;

    case JSON_INTEGER:
        /* a case's due date, when an incident happened: as a date, UTC */
        if (name && ngx_http_privacy_rights_is_time(name)
            && json_integer_value(v) >= 0)
        {
            ngx_gmtime((time_t) json_integer_value(v), &tm);
            ngx_http_privacy_page_rawn(page, buf,
                ngx_sprintf(buf, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                            tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                            tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec)
                - buf);
            break;
        }

        ngx_http_privacy_page_rawn(page, buf,
            ngx_sprintf(buf, "%L", (int64_t) json_integer_value(v)) - buf);
        break;

    case JSON_TRUE:
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, "ja", "yes"));
        break;

    case JSON_FALSE:
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page, "nej", "no"));
        break;

    default:
        ngx_http_privacy_page_raw(page, "–");
    }
}


/* the export's times are seconds since the epoch (docs/rights.md) */

static ngx_uint_t
ngx_http_privacy_rights_is_time(const char *name)
{
    ngx_uint_t  i;

    static const char  *times[] = { "received", "due", "closed", "created",
                                    "sent", "occurred", "discovered",
                                    "reference_date", "erased", NULL };

    for (i = 0; times[i]; i++) {
        if (ngx_strcmp(name, times[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_http_privacy_rights_page_message(ngx_http_request_t *r,
    ngx_uint_t status, const char *sv, const char *en)
{
    ngx_http_privacy_page_t  page;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Dina rättigheter", "Your rights"));
    ngx_http_privacy_page_raw(&page, "<p role=\"status\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page, sv, en));
    ngx_http_privacy_page_raw(&page, "</p>\n<p>");
    ngx_http_privacy_rights_link(&page, "rights", "Dina rättigheter",
                                 "Your rights");
    ngx_http_privacy_page_raw(&page, "</p>\n");
    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, status);
}


/*
 * GDPR art. 15(1)(a)-(h): the purposes, legal bases, categories,
 * recipients, transfers and retention, from the policy document and the
 * privacy_retention periods the sweeps enforce.  On the event loop: the
 * policy is this worker's, and a thread never touches it.
 */

void
ngx_http_privacy_rights_processing(ngx_http_request_t *r, char **json,
    size_t *len)
{
    char                          *out;
    json_t                        *o, *p, *v, *ret;
    ngx_uint_t                     i;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_retention_t  *rt;

    static const char  *keys[] = { "controller", "dpo", "purposes",
                                   "data_categories", "recipients",
                                   "transfers", "supervisory_authority",
                                   NULL };

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    o = json_loadb(*json, *len, 0, NULL);
    if (o == NULL) {
        return;
    }

    p = json_object();

    for (i = 0; pscf->policy && keys[i]; i++) {
        v = json_object_get(pscf->policy, keys[i]);

        if (v) {
            json_object_set(p, keys[i], v);
        }
    }

    ret = json_array();
    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        json_array_append_new(ret, json_pack("{s:s%, s:s%, s:I}",
            "category", (char *) rt[i].category.data, rt[i].category.len,
            "period", (char *) rt[i].text.data, rt[i].text.len,
            "seconds", (json_int_t) rt[i].period));
    }

    json_object_set_new(p, "retention", ret);
    json_object_set_new(o, "processing", p);

    out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);

    if (out) {
        ngx_explicit_memzero(*json, *len);
        free(*json);
        *json = out;
        *len = ngx_strlen(out);
    }
}


ngx_int_t
ngx_http_privacy_rights_json(ngx_http_request_t *r, u_char *data,
    size_t len)
{
    ngx_buf_t    *b;
    ngx_int_t     rc;
    ngx_str_t     v;
    ngx_chain_t   out;

    b = ngx_create_temp_buf(r->pool, len + 1);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, data, len);
    *b->last++ = '\n';
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len + 1;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    /* about a person: for no cache, and a download of its own */
    ngx_str_set(&v, "no-store");

    if (ngx_http_privacy_add_header(r, "Cache-Control", &v) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&v, "nosniff");

    if (ngx_http_privacy_add_header(r, "X-Content-Type-Options", &v)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_http_privacy_rights_redirect(ngx_http_request_t *r, const char *page)
{
    ngx_str_t         url;
    ngx_table_elt_t  *h;

    ngx_http_privacy_portal_url(r, page, &url);

    h = ngx_http_privacy_add_header(r, "Location", &url);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.location = h;

    return ngx_http_privacy_rights_page_message(r, NGX_HTTP_SEE_OTHER,
                                                "Klart.", "Done.");
}
