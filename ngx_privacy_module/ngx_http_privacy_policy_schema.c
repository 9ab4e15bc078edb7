/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document's schema (docs/policy-document.md): the names the
 * document may use, with the words the pages show for them, and the
 * fields that ngx_http_privacy_policy.c validates.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"


const ngx_http_privacy_category_text_t  ngx_http_privacy_categories[] = {

    { NGX_HTTP_PRIVACY_CAT_NECESSARY, "necessary",
      "Nödvändiga", "Necessary",
      "Krävs för att webbplatsen ska fungera: inloggning, varukorg och "
      "det val du gör här. De kan inte väljas bort.",
      "Needed for the site to work: signing in, the shopping cart and the "
      "choice you make here. They cannot be switched off." },

    { NGX_HTTP_PRIVACY_CAT_PREFERENCES, "preferences",
      "Inställningar", "Preferences",
      "Kommer ihåg dina val, till exempel språk.",
      "Remember your choices, such as your language." },

    { NGX_HTTP_PRIVACY_CAT_STATISTICS, "statistics",
      "Statistik", "Statistics",
      "Hjälper oss förstå hur webbplatsen används, så att vi kan göra den "
      "bättre.",
      "Help us understand how the site is used, so that we can improve "
      "it." },

    { NGX_HTTP_PRIVACY_CAT_MARKETING, "marketing",
      "Marknadsföring", "Marketing",
      "Används för att visa erbjudanden som passar dig, även på andra "
      "webbplatser.",
      "Used to show offers that suit you, also on other sites." },
};


/* GDPR article 6(1), in the words of its Swedish and English versions */
const ngx_http_privacy_term_t  ngx_http_privacy_legal_bases[] = {

    { "consent",
      { "Samtycke (artikel 6.1 a i dataskyddsförordningen)",
        "Consent (Article 6(1)(a) GDPR)" }, { NULL, NULL }, NULL },

    { "contract",
      { "Fullgörande av avtal (artikel 6.1 b i dataskyddsförordningen)",
        "Performance of a contract (Article 6(1)(b) GDPR)" },
      { NULL, NULL }, NULL },

    { "legal_obligation",
      { "Rättslig förpliktelse (artikel 6.1 c i dataskyddsförordningen)",
        "Legal obligation (Article 6(1)(c) GDPR)" }, { NULL, NULL }, NULL },

    { "vital_interests",
      { "Skydd av grundläggande intressen (artikel 6.1 d i "
        "dataskyddsförordningen)",
        "Vital interests (Article 6(1)(d) GDPR)" }, { NULL, NULL }, NULL },

    { "public_task",
      { "Uppgift av allmänt intresse eller myndighetsutövning (artikel "
        "6.1 e i dataskyddsförordningen)",
        "Public task (Article 6(1)(e) GDPR)" }, { NULL, NULL }, NULL },

    { "legitimate_interests",
      { "Berättigat intresse (artikel 6.1 f i dataskyddsförordningen)",
        "Legitimate interests (Article 6(1)(f) GDPR)" },
      { NULL, NULL }, NULL },

    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


const ngx_http_privacy_term_t  ngx_http_privacy_recipient_kinds[] = {

    { "processor",
      { "Personuppgiftsbiträden", "Processors" },
      { "De behandlar uppgifterna för vår räkning, enligt skriftliga avtal "
        "och våra instruktioner.",
        "They process the data on our behalf, under written agreements "
        "and our instructions." }, NULL },

    { "partner",
      { "Samarbetspartner", "Partners" }, { NULL, NULL }, NULL },

    { "authority",
      { "Myndigheter", "Authorities" },
      { "Vi lämnar ut uppgifter när lag eller myndighetsbeslut kräver det.",
        "We disclose data when the law or a decision of an authority "
        "requires it." }, NULL },

    { "other",
      { "Övriga mottagare", "Other recipients" }, { NULL, NULL }, NULL },

    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


const ngx_http_privacy_term_t  ngx_http_privacy_safeguards[] = {

    { "adequacy_decision",
      { "EU-kommissionens beslut om adekvat skyddsnivå (artikel 45 i "
        "dataskyddsförordningen)",
        "an adequacy decision of the European Commission (Article 45 "
        "GDPR)" }, { NULL, NULL }, NULL },

    { "standard_contractual_clauses",
      { "EU-kommissionens standardavtalsklausuler (artikel 46.2 c i "
        "dataskyddsförordningen)",
        "the European Commission's standard contractual clauses (Article "
        "46(2)(c) GDPR)" }, { NULL, NULL }, NULL },

    { "binding_corporate_rules",
      { "bindande företagsbestämmelser (artikel 47 i "
        "dataskyddsförordningen)",
        "binding corporate rules (Article 47 GDPR)" },
      { NULL, NULL }, NULL },

    { "derogation",
      { "undantag för särskilda situationer (artikel 49 i "
        "dataskyddsförordningen)",
        "a derogation for specific situations (Article 49 GDPR)" },
      { NULL, NULL }, NULL },

    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


/* GDPR articles 7(3), 15-22, 34 and 77; link: where to exercise it */
const ngx_http_privacy_term_t  ngx_http_privacy_rights[] = {

    { "access",
      { "Tillgång", "Access" },
      { "Du har rätt att få veta vilka uppgifter vi har om dig, varför "
        "och hur länge, och att få en kopia av dem.",
        "You may find out which data we hold about you, why and for how "
        "long, and get a copy of it." }, "rights" },

    { "rectification",
      { "Rättelse", "Rectification" },
      { "Du har rätt att få felaktiga uppgifter rättade och ofullständiga "
        "kompletterade.",
        "You may have wrong data corrected and incomplete data "
        "completed." }, "rights" },

    { "erasure",
      { "Radering", "Erasure" },
      { "Du har rätt att få dina uppgifter raderade när vi inte längre "
        "behöver dem eller saknar rätt att behandla dem.",
        "You may have your data erased when we no longer need it or have "
        "no right to process it." }, "rights" },

    { "restriction",
      { "Begränsning", "Restriction" },
      { "Du har rätt att begära att vi begränsar behandlingen, till "
        "exempel medan vi utreder om en uppgift är riktig.",
        "You may ask us to restrict the processing, for example while we "
        "check whether a piece of data is correct." }, "rights" },

    { "objection",
      { "Invändning", "Objection" },
      { "Du har rätt att invända mot behandling som grundar sig på "
        "berättigat intresse, och alltid mot direktmarknadsföring.",
        "You may object to processing based on legitimate interests, and "
        "always to direct marketing." }, "rights" },

    { "portability",
      { "Dataportabilitet", "Data portability" },
      { "Du har rätt att få ut uppgifter som du själv har lämnat i ett "
        "strukturerat, maskinläsbart format och föra över dem till någon "
        "annan.",
        "You may receive the data you gave us in a structured, "
        "machine-readable format and pass it on to someone else." },
      "rights" },

    { "withdraw_consent",
      { "Återkalla samtycke", "Withdrawing consent" },
      { "Du kan när som helst ändra eller återkalla ett samtycke. Det "
        "påverkar inte behandlingen som skett innan dess.",
        "You may change or withdraw your consent at any time. This does "
        "not affect the processing that took place before." },
      "consent" },

    { "breach_notification",
      { "Information om incidenter", "Notice of breaches" },
      { "Dataskyddsförordningen kräver att vi informerar dig utan onödigt "
        "dröjsmål om en personuppgiftsincident kan innebära en hög risk "
        "för dig (artikel 34).",
        "The GDPR requires us to tell you without undue delay if a "
        "personal data breach is likely to put you at high risk "
        "(Article 34)." }, "rights" },

    { "complaint",
      { "Klagomål", "Complaints" },
      { "Du har rätt att lämna klagomål till tillsynsmyndigheten.",
        "You may lodge a complaint with the supervisory authority." },
      NULL },

    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


/*
 * The retention categories of SPEC section 7 (the "privacy_retention"
 * directive checks the names): what they hold and, to follow the period
 * in a sentence, the date the period is counted from.
 */
const ngx_http_privacy_term_t  ngx_http_privacy_retention_terms[] = {

    { "analytics",
      { "Besöksstatistik", "Visit statistics" },
      { "efter besöket", "after the visit" }, NULL },

    { "analytics_aggregate",
      { "Sammanställd besöksstatistik (besök och sökningar per dag, utan "
        "uppgifter om enskilda besökare)",
        "Aggregated visit statistics (visits and searches per day, with "
        "nothing about single visitors)" },
      { "efter dagen den gäller", "after the day it counts" }, NULL },

    /*
     * a receipt is the proof of a consent (GDPR art. 7(1)): it is kept
     * for the period after the consent ends, not after it is given
     */
    { "consent",
      { "Kvitton på cookieval", "Records of cookie choices" },
      { "efter att valet upphörde att gälla (du ändrade eller återkallade "
        "det, eller det löpte ut)",
        "after the choice ceased to apply (you changed or withdrew it, or "
        "it expired)" }, NULL },

    { "customer",
      { "Kunduppgifter", "Customer data" },
      { "efter att kundförhållandet upphört eller efter den senaste aktiva "
        "dialogen, det som inträffar senast",
        "after the customer relationship ended or after the last active "
        "dialogue, whichever is later" }, NULL },

    { "supplier",
      { "Leverantörsuppgifter", "Supplier data" },
      { "efter att leverantörsförhållandet upphört eller efter den senaste "
        "aktiva dialogen, det som inträffar senast",
        "after the supplier relationship ended or after the last active "
        "dialogue, whichever is later" }, NULL },

    { "club",
      { "Kundklubbens medlemsuppgifter", "Customer club membership" },
      { "efter att medlemskapet upphört eller efter den senaste aktiva "
        "dialogen, det som inträffar senast",
        "after the membership ended or after the last active dialogue, "
        "whichever is later" }, NULL },

    { "newsletter",
      { "Prenumerationer på nyhetsbrev", "Newsletter subscriptions" },
      { "efter att prenumerationen avslutades",
        "after the subscription ended" }, NULL },

    { "chat",
      { "Chattkonversationer med kundtjänst", "Customer service chats" },
      { "efter konversationen", "after the conversation" }, NULL },

    { "cctv",
      { "Inspelningar från kameraövervakning", "CCTV recordings" },
      { "efter inspelningen", "after the recording" }, NULL },

    { "bookkeeping",
      { "Bokföringsunderlag", "Bookkeeping records" },
      { "efter utgången av det kalenderår då räkenskapsåret avslutades "
        "(bokföringslagen 7 kap. 2 §)",
        "after the end of the calendar year in which the financial year "
        "ended (Swedish Accounting Act, ch. 7 s. 2)" },
      NULL },

    { "requests",
      { "Ärenden om dina rättigheter", "Requests about your rights" },
      { "efter att ärendet avslutades", "after the request was closed" },
      NULL },

    { "audit",
      { "Logg över åtkomst till personuppgifter",
        "Log of access to personal data" },
      { "efter händelsen", "after the event" }, NULL },

    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


static ngx_http_privacy_term_t  ngx_http_privacy_cookie_categories[] = {
    { "necessary", { NULL, NULL }, { NULL, NULL }, NULL },
    { "preferences", { NULL, NULL }, { NULL, NULL }, NULL },
    { "statistics", { NULL, NULL }, { NULL, NULL }, NULL },
    { "marketing", { NULL, NULL }, { NULL, NULL }, NULL },
    { NULL, { NULL, NULL }, { NULL, NULL }, NULL }
};


/* the schema: see docs/policy-document.md */

static ngx_http_privacy_field_t  ngx_http_privacy_group_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "privacy_url", NGX_HTTP_PRIVACY_JSON_URL, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_controller_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "organisation_number", NGX_HTTP_PRIVACY_JSON_STRING,
      NGX_HTTP_PRIVACY_REQUIRED, NULL, NULL, NULL },
    { "address", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "email", NGX_HTTP_PRIVACY_JSON_EMAIL, 0, NULL, NULL, NULL },
    { "phone", NGX_HTTP_PRIVACY_JSON_STRING, 0, NULL, NULL, NULL },
    { "website", NGX_HTTP_PRIVACY_JSON_URL, 0, NULL, NULL, NULL },
    { "group", NGX_HTTP_PRIVACY_JSON_OBJECT, 0,
      ngx_http_privacy_group_fields, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_dpo_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "email", NGX_HTTP_PRIVACY_JSON_EMAIL, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "phone", NGX_HTTP_PRIVACY_JSON_STRING, 0, NULL, NULL, NULL },
    { "address", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_authority_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "url", NGX_HTTP_PRIVACY_JSON_URL, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "email", NGX_HTTP_PRIVACY_JSON_EMAIL, 0, NULL, NULL, NULL },
    { "phone", NGX_HTTP_PRIVACY_JSON_STRING, 0, NULL, NULL, NULL },
    { "address", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_data_category_fields[] = {
    { "id", NGX_HTTP_PRIVACY_JSON_ID, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "description", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "source", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_purpose_fields[] = {
    { "id", NGX_HTTP_PRIVACY_JSON_ID, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "description", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "subjects", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "legal_basis", NGX_HTTP_PRIVACY_JSON_ENUM, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, ngx_http_privacy_legal_bases, "legal basis" },
    { "legitimate_interest", NGX_HTTP_PRIVACY_JSON_TEXT, 0,
      NULL, NULL, NULL },
    { "data_categories", NGX_HTTP_PRIVACY_JSON_IDS,
      NGX_HTTP_PRIVACY_REQUIRED|NGX_HTTP_PRIVACY_NONEMPTY,
      NULL, NULL, NULL },
    { "retention", NGX_HTTP_PRIVACY_JSON_IDS,
      NGX_HTTP_PRIVACY_REQUIRED|NGX_HTTP_PRIVACY_NONEMPTY,
      NULL, NULL, NULL },
    { "recipients", NGX_HTTP_PRIVACY_JSON_IDS, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_recipient_fields[] = {
    { "id", NGX_HTTP_PRIVACY_JSON_ID, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "kind", NGX_HTTP_PRIVACY_JSON_ENUM, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, ngx_http_privacy_recipient_kinds, "recipient kind" },
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "description", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "data_categories", NGX_HTTP_PRIVACY_JSON_IDS, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_transfer_fields[] = {
    { "recipients", NGX_HTTP_PRIVACY_JSON_IDS,
      NGX_HTTP_PRIVACY_REQUIRED|NGX_HTTP_PRIVACY_NONEMPTY,
      NULL, NULL, NULL },
    { "countries", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "safeguard", NGX_HTTP_PRIVACY_JSON_ENUM, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, ngx_http_privacy_safeguards, "transfer safeguard" },
    { "description", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_retention_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "text", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_cookie_fields[] = {
    { "title", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "text", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "recipients", NGX_HTTP_PRIVACY_JSON_IDS, 0, NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_cookie_pattern_fields[] = {
    { "pattern", NGX_HTTP_PRIVACY_JSON_STRING, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "description", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_measure_fields[] = {
    { "name", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "text", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static ngx_http_privacy_field_t  ngx_http_privacy_security_fields[] = {
    { "text", NGX_HTTP_PRIVACY_JSON_TEXT, NGX_HTTP_PRIVACY_REQUIRED,
      NULL, NULL, NULL },
    { "measures", NGX_HTTP_PRIVACY_JSON_LIST, 0,
      ngx_http_privacy_measure_fields, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


const ngx_http_privacy_field_t  ngx_http_privacy_document_fields[] = {
    { "updated", NGX_HTTP_PRIVACY_JSON_DATE, 0, NULL, NULL, NULL },
    { "languages", NGX_HTTP_PRIVACY_JSON_IDS, 0, NULL, NULL, NULL },
    { "introduction", NGX_HTTP_PRIVACY_JSON_TEXT, 0, NULL, NULL, NULL },
    { "controller", NGX_HTTP_PRIVACY_JSON_OBJECT, NGX_HTTP_PRIVACY_REQUIRED,
      ngx_http_privacy_controller_fields, NULL, NULL },
    { "dpo", NGX_HTTP_PRIVACY_JSON_OBJECT, NGX_HTTP_PRIVACY_REQUIRED,
      ngx_http_privacy_dpo_fields, NULL, NULL },
    { "supervisory_authority", NGX_HTTP_PRIVACY_JSON_OBJECT,
      NGX_HTTP_PRIVACY_REQUIRED, ngx_http_privacy_authority_fields,
      NULL, NULL },
    { "data_categories", NGX_HTTP_PRIVACY_JSON_LIST,
      NGX_HTTP_PRIVACY_REQUIRED|NGX_HTTP_PRIVACY_NONEMPTY,
      ngx_http_privacy_data_category_fields, NULL, NULL },
    { "purposes", NGX_HTTP_PRIVACY_JSON_LIST,
      NGX_HTTP_PRIVACY_REQUIRED|NGX_HTTP_PRIVACY_NONEMPTY,
      ngx_http_privacy_purpose_fields, NULL, NULL },
    { "recipients", NGX_HTTP_PRIVACY_JSON_LIST, NGX_HTTP_PRIVACY_REQUIRED,
      ngx_http_privacy_recipient_fields, NULL, NULL },
    { "transfers", NGX_HTTP_PRIVACY_JSON_LIST, 0,
      ngx_http_privacy_transfer_fields, NULL, NULL },
    { "retention", NGX_HTTP_PRIVACY_JSON_MAP, 0,
      ngx_http_privacy_retention_fields, NULL, NULL },
    { "rights", NGX_HTTP_PRIVACY_JSON_MAP, 0,
      NULL, ngx_http_privacy_rights, "right" },
    { "cookie_categories", NGX_HTTP_PRIVACY_JSON_MAP, 0,
      ngx_http_privacy_cookie_fields, ngx_http_privacy_cookie_categories,
      "cookie category" },
    { "cookies", NGX_HTTP_PRIVACY_JSON_LIST, 0,
      ngx_http_privacy_cookie_pattern_fields, NULL, NULL },
    { "security", NGX_HTTP_PRIVACY_JSON_OBJECT, 0,
      ngx_http_privacy_security_fields, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


ngx_uint_t
ngx_http_privacy_valid_date(const char *s)
{
    ngx_int_t  y, m, d, days;

    static ngx_int_t  mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };

    if (ngx_strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return 0;
    }

    y = ngx_atoi((u_char *) s, 4);
    m = ngx_atoi((u_char *) s + 5, 2);
    d = ngx_atoi((u_char *) s + 8, 2);

    if (y < 1970 || m < 1 || m > 12 || d < 1) {
        return 0;
    }

    days = mdays[m - 1];

    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        days = 29;
    }

    return d <= days;
}


const ngx_http_privacy_term_t *
ngx_http_privacy_term(const ngx_http_privacy_term_t *terms, const char *name)
{
    if (name == NULL) {
        return NULL;
    }

    for ( /* void */ ; terms->name; terms++) {
        if (ngx_strcmp(terms->name, name) == 0) {
            return terms;
        }
    }

    return NULL;
}
