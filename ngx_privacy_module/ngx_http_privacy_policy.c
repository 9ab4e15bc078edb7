/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document: loaded and validated at configuration time, and
 * served as the portal's "policy", "policy.json" and "cookies" pages.
 *
 * The pages are built from the document and the live configuration (the
 * "privacy_retention" periods, the cookie classification of the portal's
 * location), so that what the policy says is what the module does.
 * The document's schema is described in docs/policy-document.md.
 */


#include <jansson.h>
#include <openssl/evp.h>

#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"


#define NGX_HTTP_PRIVACY_PATH_MAX       256
#define NGX_HTTP_PRIVACY_QUOTE_MAX      64  /* bytes of a value in errors */
#define NGX_HTTP_PRIVACY_QUOTE_SIZE     (NGX_HTTP_PRIVACY_QUOTE_MAX + 8)
#define NGX_HTTP_PRIVACY_ID_MAX         64

/* the types of values in the document */
#define NGX_HTTP_PRIVACY_JSON_TEXT      0   /* {"sv": "...", "en": "..."} */
#define NGX_HTTP_PRIVACY_JSON_STRING    1
#define NGX_HTTP_PRIVACY_JSON_ID        2   /* [a-z0-9_-]: a reference */
#define NGX_HTTP_PRIVACY_JSON_EMAIL     3
#define NGX_HTTP_PRIVACY_JSON_URL       4   /* http: and https: only */
#define NGX_HTTP_PRIVACY_JSON_DATE      5   /* YYYY-MM-DD */
#define NGX_HTTP_PRIVACY_JSON_ENUM      6   /* one of terms */
#define NGX_HTTP_PRIVACY_JSON_IDS       7   /* an id or an array of ids */
#define NGX_HTTP_PRIVACY_JSON_OBJECT    8   /* with fields */
#define NGX_HTTP_PRIVACY_JSON_LIST      9   /* an array of objects */
#define NGX_HTTP_PRIVACY_JSON_MAP       10  /* name: object, or name: text */

#define NGX_HTTP_PRIVACY_REQUIRED       0x01
#define NGX_HTTP_PRIVACY_NONEMPTY       0x02

#define NGX_HTTP_PRIVACY_PAGE_POLICY    0
#define NGX_HTTP_PRIVACY_PAGE_JSON      1
#define NGX_HTTP_PRIVACY_PAGE_COOKIES   2

/* how a cookie name pattern reads */
#define NGX_HTTP_PRIVACY_NAME_EXACT     0
#define NGX_HTTP_PRIVACY_NAME_PREFIX    1
#define NGX_HTTP_PRIVACY_NAME_SUFFIX    2
#define NGX_HTTP_PRIVACY_NAME_CONTAINS  3
#define NGX_HTTP_PRIVACY_NAME_REGEX     4


typedef struct {
    unsigned     bit;
    const char  *name;
    const char  *title_sv;
    const char  *title_en;
    const char  *text_sv;
    const char  *text_en;
} ngx_http_privacy_category_text_t;


/* a name the document may use, with the words the pages show for it */
typedef struct {
    const char  *name;
    const char  *title[2];              /* by NGX_HTTP_PRIVACY_LANG_* */
    const char  *text[2];
    const char  *link;                  /* a portal page, or NULL */
} ngx_http_privacy_term_t;


typedef struct ngx_http_privacy_field_s  ngx_http_privacy_field_t;

struct ngx_http_privacy_field_s {
    const char                      *key;
    ngx_uint_t                       type;
    ngx_uint_t                       flags;
    const ngx_http_privacy_field_t  *fields;    /* OBJECT, LIST, MAP */
    const ngx_http_privacy_term_t   *terms;     /* ENUM values, MAP keys */
    const char                      *what;      /* ENUM, MAP: for errors */
};


/* where in the document the validation is: "$.purposes[2].retention" */
typedef struct {
    ngx_conf_t                      *cf;
    ngx_http_privacy_main_conf_t    *pmcf;
    size_t                           len;
    u_char                           path[NGX_HTTP_PRIVACY_PATH_MAX];
} ngx_http_privacy_check_t;


static void ngx_http_privacy_policy_cleanup(void *data);
static char *ngx_http_privacy_check_fields(ngx_http_privacy_check_t *ck,
    json_t *obj, const ngx_http_privacy_field_t *fields);
static char *ngx_http_privacy_check_value(ngx_http_privacy_check_t *ck,
    json_t *v, const ngx_http_privacy_field_t *f);
static char *ngx_http_privacy_check_text(ngx_http_privacy_check_t *ck,
    json_t *v);
static char *ngx_http_privacy_check_string(ngx_http_privacy_check_t *ck,
    json_t *v, ngx_uint_t type);
static char *ngx_http_privacy_check_refs(ngx_http_privacy_check_t *ck,
    json_t *doc);
static char *ngx_http_privacy_check_unique(ngx_http_privacy_check_t *ck,
    json_t *doc, const char *list);
static char *ngx_http_privacy_check_ids(ngx_http_privacy_check_t *ck,
    json_t *obj, const char *key, json_t *list, const char *what);
static char *ngx_http_privacy_check_retention(ngx_http_privacy_check_t *ck,
    const char *name);
static char *ngx_http_privacy_check_error(ngx_http_privacy_check_t *ck,
    const char *fmt, ...);
static size_t ngx_http_privacy_path_key(ngx_http_privacy_check_t *ck,
    const char *key);
static size_t ngx_http_privacy_path_index(ngx_http_privacy_check_t *ck,
    size_t i);
static ngx_str_t ngx_http_privacy_quote(u_char *buf, const char *s);
static u_char *ngx_http_privacy_quote_copy(u_char *p, u_char *last,
    const u_char *s, size_t len);
static ngx_uint_t ngx_http_privacy_blank(const char *s);
static ngx_uint_t ngx_http_privacy_lang_tag(const char *s);
static ngx_uint_t ngx_http_privacy_valid_date(const char *s);
static const ngx_http_privacy_term_t *ngx_http_privacy_term(
    const ngx_http_privacy_term_t *terms, const char *name);

static ngx_http_privacy_retention_t *ngx_http_privacy_retention_find(
    ngx_http_privacy_main_conf_t *pmcf, const char *name);
static size_t ngx_http_privacy_retention_words(
    ngx_http_privacy_retention_t *rt, ngx_uint_t lang, u_char *out);
static json_t *ngx_http_privacy_list_find(json_t *list, const char *id);
static ngx_int_t ngx_http_privacy_text(json_t *obj, const char *key,
    ngx_uint_t lang, ngx_str_t *s);
static ngx_int_t ngx_http_privacy_header(ngx_http_request_t *r,
    const char *key, const char *value);
static void ngx_http_privacy_policy_url(ngx_http_request_t *r,
    const char *name, ngx_str_t *url);

static ngx_int_t ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_section(ngx_http_privacy_page_t *page,
    const char *name);
static void ngx_http_privacy_policy_collected(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_purposes(ngx_http_privacy_page_t *page,
    ngx_http_privacy_main_conf_t *pmcf, json_t *doc);
static void ngx_http_privacy_policy_recipients(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_retention(ngx_http_privacy_page_t *page,
    ngx_http_privacy_main_conf_t *pmcf, json_t *doc);
static void ngx_http_privacy_retention_title(ngx_http_privacy_page_t *page,
    json_t *doc, ngx_http_privacy_retention_t *rt);
static const ngx_http_privacy_term_t *ngx_http_privacy_retention_term(
    ngx_http_privacy_retention_t *rt);
static void ngx_http_privacy_policy_cookies(ngx_http_privacy_page_t *page,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_policy_rights(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_security(ngx_http_privacy_page_t *page,
    json_t *doc);
static void ngx_http_privacy_policy_contact(ngx_http_privacy_page_t *page,
    json_t *doc);
static ngx_int_t ngx_http_privacy_cookies_page(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf);
static void ngx_http_privacy_cookie_names(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf, unsigned category, ngx_uint_t list);
static ngx_uint_t ngx_http_privacy_pattern_name(const u_char *pattern,
    size_t len, u_char *name, size_t *name_len);
static ngx_int_t ngx_http_privacy_policy_json(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf);
static json_t *ngx_http_privacy_policy_content(
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf);
static const char *ngx_http_privacy_category_name(unsigned bit);
static json_t *ngx_http_privacy_json_str(const u_char *s, size_t len);
static json_t *ngx_http_privacy_json_text(const u_char *sv, size_t sv_len,
    const u_char *en, size_t en_len);

static void ngx_http_privacy_html_text(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key);
static void ngx_http_privacy_html_lines(ngx_http_privacy_page_t *page,
    json_t *obj, const char *key, const char *sep);
static void ngx_http_privacy_html_str(ngx_http_privacy_page_t *page,
    ngx_str_t *s);
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
static void ngx_http_privacy_html_style(ngx_http_privacy_page_t *page);


static ngx_http_privacy_category_text_t  ngx_http_privacy_categories[] = {

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
static ngx_http_privacy_term_t  ngx_http_privacy_legal_bases[] = {

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


static ngx_http_privacy_term_t  ngx_http_privacy_recipient_kinds[] = {

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


static ngx_http_privacy_term_t  ngx_http_privacy_safeguards[] = {

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
static ngx_http_privacy_term_t  ngx_http_privacy_rights[] = {

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
      { "Om en personuppgiftsincident kan innebära en hög risk för dig "
        "informerar vi dig utan onödigt dröjsmål.",
        "If a personal data breach is likely to put you at high risk, we "
        "tell you without undue delay." }, "rights" },

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
static ngx_http_privacy_term_t  ngx_http_privacy_retention_terms[] = {

    { "analytics",
      { "Besöksstatistik", "Visit statistics" },
      { "efter besöket", "after the visit" }, NULL },

    { "consent",
      { "Kvitton på cookieval", "Records of cookie choices" },
      { "efter att valet gjordes", "after the choice was made" }, NULL },

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
      { "efter att underlaget upprättades", "after the record was made" },
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


static ngx_http_privacy_field_t  ngx_http_privacy_document_fields[] = {
    { "updated", NGX_HTTP_PRIVACY_JSON_DATE, 0, NULL, NULL, NULL },
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
    { "security", NGX_HTTP_PRIVACY_JSON_OBJECT, 0,
      ngx_http_privacy_security_fields, NULL, NULL },
    { NULL, 0, 0, NULL, NULL, NULL }
};


static const char  *ngx_http_privacy_months[2][12] = {
    { "januari", "februari", "mars", "april", "maj", "juni", "juli",
      "augusti", "september", "oktober", "november", "december" },
    { "January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December" }
};


/* for our tables and definition lists, under the page's nonce */
static const char  ngx_http_privacy_policy_style[] =
    ".meta{color:#555}h2{margin-top:2rem}"
    "dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;"
    "gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}"
    "@media(max-width:32rem){dl{display:block}dd{margin:0 0 .5rem}}"
    ".purpose{border-top:1px solid #ccc;margin-top:1.2rem}"
    "code{background:#f3f3f3;padding:0 .2rem;border-radius:.2rem}"
    "li{margin:.3rem 0}";


/* loading and validation */

char *
ngx_http_privacy_policy_load(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf)
{
    char                      *rv;
    json_t                    *doc;
    json_error_t               err;
    ngx_file_info_t            fi;
    ngx_pool_cleanup_t        *cln;
    ngx_http_privacy_check_t   ck;

    if (ngx_conf_full_name(cf->cycle, &pmcf->policy_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_file_info(pmcf->policy_file.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_policy \"%V\": " ngx_file_info_n
                           " failed", &pmcf->policy_file);
        return NGX_CONF_ERROR;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_policy \"%V\": not a regular file",
                           &pmcf->policy_file);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    doc = json_load_file((char *) pmcf->policy_file.data,
                         JSON_REJECT_DUPLICATES, &err);

    if (doc == NULL) {
        if (err.line > 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": invalid JSON at "
                               "line %d, column %d: %s",
                               &pmcf->policy_file, err.line, err.column,
                               err.text);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": %s",
                               &pmcf->policy_file, err.text);
        }

        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_policy_cleanup;
    cln->data = doc;

    ck.cf = cf;
    ck.pmcf = pmcf;
    ck.path[0] = '$';
    ck.len = 1;

    if (!json_is_object(doc)) {
        return ngx_http_privacy_check_error(&ck, "must be an object");
    }

    rv = ngx_http_privacy_check_fields(&ck, doc,
                                       ngx_http_privacy_document_fields);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    rv = ngx_http_privacy_check_refs(&ck, doc);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    pmcf->policy = doc;

    return NGX_CONF_OK;
}


static void
ngx_http_privacy_policy_cleanup(void *data)
{
    json_decref(data);
}


/* the keys of obj against the schema; keys starting with "_" are notes */

static char *
ngx_http_privacy_check_fields(ngx_http_privacy_check_t *ck, json_t *obj,
    const ngx_http_privacy_field_t *fields)
{
    char                            *rv;
    size_t                           old;
    json_t                          *v;
    const char                      *key;
    const ngx_http_privacy_field_t  *f;

    json_object_foreach(obj, key, v) {

        if (key[0] == '_') {
            continue;
        }

        for (f = fields; f->key; f++) {
            if (ngx_strcmp(f->key, key) == 0) {
                break;
            }
        }

        if (f->key == NULL) {
            (void) ngx_http_privacy_path_key(ck, key);
            return ngx_http_privacy_check_error(ck, "unknown key");
        }
    }

    for (f = fields; f->key; f++) {
        old = ngx_http_privacy_path_key(ck, f->key);

        v = json_object_get(obj, f->key);

        if (v == NULL) {
            if (f->flags & NGX_HTTP_PRIVACY_REQUIRED) {
                return ngx_http_privacy_check_error(ck, "missing");
            }

        } else {
            rv = ngx_http_privacy_check_value(ck, v, f);
            if (rv != NGX_CONF_OK) {
                return rv;
            }
        }

        ck->len = old;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_check_value(ngx_http_privacy_check_t *ck, json_t *v,
    const ngx_http_privacy_field_t *f)
{
    u_char                          buf[NGX_HTTP_PRIVACY_QUOTE_SIZE];
    u_char                          expected[512], *p, *last;
    char                           *rv;
    size_t                          i, old;
    json_t                         *e;
    ngx_str_t                       q;
    const char                     *key;
    const ngx_http_privacy_term_t  *t;

    switch (f->type) {

    case NGX_HTTP_PRIVACY_JSON_TEXT:
        return ngx_http_privacy_check_text(ck, v);

    case NGX_HTTP_PRIVACY_JSON_STRING:
    case NGX_HTTP_PRIVACY_JSON_ID:
    case NGX_HTTP_PRIVACY_JSON_EMAIL:
    case NGX_HTTP_PRIVACY_JSON_URL:
    case NGX_HTTP_PRIVACY_JSON_DATE:
        return ngx_http_privacy_check_string(ck, v, f->type);

    case NGX_HTTP_PRIVACY_JSON_ENUM:
        if (!json_is_string(v)) {
            return ngx_http_privacy_check_error(ck, "must be a string");
        }

        if (ngx_http_privacy_term(f->terms, json_string_value(v))) {
            return NGX_CONF_OK;
        }

        p = expected;
        last = expected + sizeof(expected);

        for (t = f->terms; t->name; t++) {
            p = ngx_slprintf(p, last, "%s%s", t == f->terms ? ""
                                              : (t[1].name ? ", " : " or "),
                             t->name);
        }

        q = ngx_http_privacy_quote(buf, json_string_value(v));

        return ngx_http_privacy_check_error(ck, "unknown %s \"%V\" "
                                            "(expected %*s)", f->what, &q,
                                            (size_t) (p - expected),
                                            expected);

    case NGX_HTTP_PRIVACY_JSON_IDS:
        if (json_is_string(v)) {
            return ngx_http_privacy_check_string(ck, v,
                                                 NGX_HTTP_PRIVACY_JSON_ID);
        }

        if (!json_is_array(v)) {
            return ngx_http_privacy_check_error(ck, "must be an id or an "
                                                "array of ids");
        }

        if ((f->flags & NGX_HTTP_PRIVACY_NONEMPTY) && json_array_size(v) == 0)
        {
            return ngx_http_privacy_check_error(ck, "must not be empty");
        }

        json_array_foreach(v, i, e) {
            old = ngx_http_privacy_path_index(ck, i);

            rv = ngx_http_privacy_check_string(ck, e,
                                               NGX_HTTP_PRIVACY_JSON_ID);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            ck->len = old;
        }

        return NGX_CONF_OK;

    case NGX_HTTP_PRIVACY_JSON_OBJECT:
        if (!json_is_object(v)) {
            return ngx_http_privacy_check_error(ck, "must be an object");
        }

        return ngx_http_privacy_check_fields(ck, v, f->fields);

    case NGX_HTTP_PRIVACY_JSON_LIST:
        if (!json_is_array(v)) {
            return ngx_http_privacy_check_error(ck, "must be an array");
        }

        if ((f->flags & NGX_HTTP_PRIVACY_NONEMPTY) && json_array_size(v) == 0)
        {
            return ngx_http_privacy_check_error(ck, "must not be empty");
        }

        json_array_foreach(v, i, e) {
            old = ngx_http_privacy_path_index(ck, i);

            if (!json_is_object(e)) {
                return ngx_http_privacy_check_error(ck, "must be an object");
            }

            rv = ngx_http_privacy_check_fields(ck, e, f->fields);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            ck->len = old;
        }

        return NGX_CONF_OK;

    default: /* NGX_HTTP_PRIVACY_JSON_MAP */
        if (!json_is_object(v)) {
            return ngx_http_privacy_check_error(ck, "must be an object");
        }

        json_object_foreach(v, key, e) {

            if (key[0] == '_') {
                continue;
            }

            old = ngx_http_privacy_path_key(ck, key);

            if (f->terms && ngx_http_privacy_term(f->terms, key) == NULL) {
                q = ngx_http_privacy_quote(buf, key);
                return ngx_http_privacy_check_error(ck, "unknown %s \"%V\"",
                                                    f->what, &q);
            }

            if (f->fields == NULL) {
                rv = ngx_http_privacy_check_text(ck, e);

            } else if (!json_is_object(e)) {
                return ngx_http_privacy_check_error(ck, "must be an object");

            } else {
                rv = ngx_http_privacy_check_fields(ck, e, f->fields);
            }

            if (rv != NGX_CONF_OK) {
                return rv;
            }

            ck->len = old;
        }

        return NGX_CONF_OK;
    }
}


/* a text in every language: {"sv": "...", "en": "..."}, more allowed */

static char *
ngx_http_privacy_check_text(ngx_http_privacy_check_t *ck, json_t *v)
{
    size_t       old;
    json_t      *s;
    ngx_uint_t   i;
    const char  *key;

    static const char  *langs[] = { "sv", "en" };

    if (!json_is_object(v)) {
        return ngx_http_privacy_check_error(ck, "must be an object of texts "
                                            "by language, as {\"sv\": "
                                            "\"...\", \"en\": \"...\"}");
    }

    json_object_foreach(v, key, s) {

        if (key[0] == '_') {
            continue;
        }

        old = ngx_http_privacy_path_key(ck, key);

        if (!ngx_http_privacy_lang_tag(key)) {
            return ngx_http_privacy_check_error(ck, "unknown key, expected "
                                                "a language code");
        }

        if (!json_is_string(s)) {
            return ngx_http_privacy_check_error(ck, "must be a string");
        }

        ck->len = old;
    }

    for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
        old = ngx_http_privacy_path_key(ck, langs[i]);

        s = json_object_get(v, langs[i]);

        if (s == NULL) {
            return ngx_http_privacy_check_error(ck, "missing");
        }

        if (ngx_http_privacy_blank(json_string_value(s))) {
            return ngx_http_privacy_check_error(ck, "must not be empty");
        }

        ck->len = old;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_check_string(ngx_http_privacy_check_t *ck, json_t *v,
    ngx_uint_t type)
{
    u_char      *at;
    size_t       len, i;
    ngx_uint_t   ok;
    const char  *s;

    if (!json_is_string(v)) {
        return ngx_http_privacy_check_error(ck, "must be a string");
    }

    s = json_string_value(v);
    len = ngx_strlen(s);

    if (ngx_http_privacy_blank(s)) {
        return ngx_http_privacy_check_error(ck, "must not be empty");
    }

    switch (type) {

    case NGX_HTTP_PRIVACY_JSON_ID:
        ok = (len <= NGX_HTTP_PRIVACY_ID_MAX);

        for (i = 0; ok && i < len; i++) {
            ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
                 || s[i] == '_' || s[i] == '-';
        }

        if (!ok) {
            return ngx_http_privacy_check_error(ck, "must be an id of at "
                                                "most %d lowercase letters, "
                                                "digits, \"_\" and \"-\"",
                                                NGX_HTTP_PRIVACY_ID_MAX);
        }

        return NGX_CONF_OK;

    case NGX_HTTP_PRIVACY_JSON_EMAIL:
        at = (u_char *) ngx_strchr(s, '@');
        ok = (at != NULL && at != (u_char *) s && at[1] != '\0'
              && ngx_strchr(at + 1, '@') == NULL
              && ngx_strchr(at + 1, '.') != NULL);

        for (i = 0; ok && i < len; i++) {
            ok = (u_char) s[i] > ' ' && s[i] != 0x7f
                 && ngx_strchr("\"'<>()[]\\,;:`", s[i]) == NULL;
        }

        if (!ok) {
            return ngx_http_privacy_check_error(ck, "must be an e-mail "
                                                "address");
        }

        return NGX_CONF_OK;

    case NGX_HTTP_PRIVACY_JSON_URL:
        if (ngx_strncasecmp((u_char *) s, (u_char *) "https://", 8) == 0) {
            i = 8;

        } else if (ngx_strncasecmp((u_char *) s, (u_char *) "http://", 7)
                   == 0)
        {
            i = 7;

        } else {
            i = len;
        }

        ok = (i < len && s[i] != '/');

        for ( /* void */ ; ok && i < len; i++) {
            ok = (u_char) s[i] > ' ' && s[i] != 0x7f
                 && ngx_strchr("\"'<>\\`", s[i]) == NULL;
        }

        if (!ok) {
            return ngx_http_privacy_check_error(ck, "must be an http:// or "
                                                "https:// URL");
        }

        return NGX_CONF_OK;

    case NGX_HTTP_PRIVACY_JSON_DATE:
        if (!ngx_http_privacy_valid_date(s)) {
            return ngx_http_privacy_check_error(ck, "must be a date as "
                                                "YYYY-MM-DD");
        }

        return NGX_CONF_OK;

    default: /* NGX_HTTP_PRIVACY_JSON_STRING */
        return NGX_CONF_OK;
    }
}


/* what the schema cannot say: references between parts, and retention */

static char *
ngx_http_privacy_check_refs(ngx_http_privacy_check_t *ck, json_t *doc)
{
    char         *rv;
    size_t        i, j, old, old2, old3;
    json_t       *cats, *purposes, *recipients, *list, *e, *v, *r;
    ngx_uint_t    li;
    const char   *key;

    static const char  *lists[] = { "data_categories", "purposes",
                                    "recipients" };

    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        rv = ngx_http_privacy_check_unique(ck, doc, lists[i]);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    cats = json_object_get(doc, "data_categories");
    purposes = json_object_get(doc, "purposes");
    recipients = json_object_get(doc, "recipients");

    old = ngx_http_privacy_path_key(ck, "purposes");

    json_array_foreach(purposes, i, e) {
        old2 = ngx_http_privacy_path_index(ck, i);

        rv = ngx_http_privacy_check_ids(ck, e, "data_categories", cats,
                                        "data category");
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        rv = ngx_http_privacy_check_ids(ck, e, "recipients", recipients,
                                        "recipient");
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        /* art. 13(1)(d): the interest must be named */

        li = (ngx_strcmp(json_string_value(json_object_get(e, "legal_basis")),
                         "legitimate_interests") == 0);
        v = json_object_get(e, "legitimate_interest");

        if (li && v == NULL) {
            (void) ngx_http_privacy_path_key(ck, "legitimate_interest");
            return ngx_http_privacy_check_error(ck, "missing (the legal "
                                                "basis \"legitimate_"
                                                "interests\" needs the "
                                                "interest named)");
        }

        if (!li && v != NULL) {
            (void) ngx_http_privacy_path_key(ck, "legitimate_interest");
            return ngx_http_privacy_check_error(ck, "only allowed with the "
                                                "legal basis \"legitimate_"
                                                "interests\"");
        }

        v = json_object_get(e, "retention");
        (void) ngx_http_privacy_path_key(ck, "retention");

        if (json_is_string(v)) {
            rv = ngx_http_privacy_check_retention(ck, json_string_value(v));
            if (rv != NGX_CONF_OK) {
                return rv;
            }

        } else {
            json_array_foreach(v, j, r) {
                old3 = ngx_http_privacy_path_index(ck, j);

                rv = ngx_http_privacy_check_retention(ck,
                                                      json_string_value(r));
                if (rv != NGX_CONF_OK) {
                    return rv;
                }

                ck->len = old3;
            }
        }

        ck->len = old2;
    }

    ck->len = old;

    old = ngx_http_privacy_path_key(ck, "recipients");

    json_array_foreach(recipients, i, e) {
        old2 = ngx_http_privacy_path_index(ck, i);

        rv = ngx_http_privacy_check_ids(ck, e, "data_categories", cats,
                                        "data category");
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        ck->len = old2;
    }

    ck->len = old;

    list = json_object_get(doc, "transfers");
    old = ngx_http_privacy_path_key(ck, "transfers");

    json_array_foreach(list, i, e) {
        old2 = ngx_http_privacy_path_index(ck, i);

        rv = ngx_http_privacy_check_ids(ck, e, "recipients", recipients,
                                        "recipient");
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        ck->len = old2;
    }

    ck->len = old;

    list = json_object_get(doc, "retention");
    old = ngx_http_privacy_path_key(ck, "retention");

    json_object_foreach(list, key, e) {

        if (key[0] == '_') {
            continue;
        }

        old2 = ngx_http_privacy_path_key(ck, key);

        rv = ngx_http_privacy_check_retention(ck, key);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        ck->len = old2;
    }

    ck->len = old;

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_check_unique(ngx_http_privacy_check_t *ck, json_t *doc,
    const char *list)
{
    u_char       buf[NGX_HTTP_PRIVACY_QUOTE_SIZE];
    size_t       i, j;
    json_t      *a;
    ngx_str_t    q;
    const char  *id;

    a = json_object_get(doc, list);

    for (i = 1; i < json_array_size(a); i++) {
        id = json_string_value(json_object_get(json_array_get(a, i), "id"));

        for (j = 0; j < i; j++) {
            if (ngx_strcmp(id, json_string_value(json_object_get(
                                   json_array_get(a, j), "id")))
                != 0)
            {
                continue;
            }

            (void) ngx_http_privacy_path_key(ck, list);
            (void) ngx_http_privacy_path_index(ck, i);
            (void) ngx_http_privacy_path_key(ck, "id");

            q = ngx_http_privacy_quote(buf, id);

            return ngx_http_privacy_check_error(ck, "duplicate id \"%V\", "
                                                "also at $.%s[%uz]", &q,
                                                list, j);
        }
    }

    return NGX_CONF_OK;
}


/* obj[key], an id or an array of ids, must name elements of list */

static char *
ngx_http_privacy_check_ids(ngx_http_privacy_check_t *ck, json_t *obj,
    const char *key, json_t *list, const char *what)
{
    u_char      buf[NGX_HTTP_PRIVACY_QUOTE_SIZE];
    size_t      i, old;
    json_t     *v, *e;
    ngx_str_t   q;

    v = json_object_get(obj, key);
    if (v == NULL) {
        return NGX_CONF_OK;
    }

    old = ngx_http_privacy_path_key(ck, key);

    if (json_is_string(v)) {
        if (ngx_http_privacy_list_find(list, json_string_value(v)) == NULL) {
            q = ngx_http_privacy_quote(buf, json_string_value(v));
            return ngx_http_privacy_check_error(ck, "unknown %s \"%V\"",
                                                what, &q);
        }

        ck->len = old;
        return NGX_CONF_OK;
    }

    json_array_foreach(v, i, e) {
        if (ngx_http_privacy_list_find(list, json_string_value(e)) == NULL) {
            (void) ngx_http_privacy_path_index(ck, i);
            q = ngx_http_privacy_quote(buf, json_string_value(e));
            return ngx_http_privacy_check_error(ck, "unknown %s \"%V\"",
                                                what, &q);
        }
    }

    ck->len = old;
    return NGX_CONF_OK;
}


/* SPEC section 7: "nginx -t" fails if the policy names a category with no
 * retention */

static char *
ngx_http_privacy_check_retention(ngx_http_privacy_check_t *ck,
    const char *name)
{
    u_char     buf[NGX_HTTP_PRIVACY_QUOTE_SIZE];
    ngx_str_t  q;

    if (ngx_http_privacy_retention_find(ck->pmcf, name)) {
        return NGX_CONF_OK;
    }

    q = ngx_http_privacy_quote(buf, name);

    if (ngx_http_privacy_term(ngx_http_privacy_retention_terms, name)) {
        return ngx_http_privacy_check_error(ck, "retention category \"%V\" "
                                            "has no \"privacy_retention\"",
                                            &q);
    }

    return ngx_http_privacy_check_error(ck, "unknown retention category "
                                        "\"%V\"", &q);
}


static char *
ngx_http_privacy_check_error(ngx_http_privacy_check_t *ck, const char *fmt,
    ...)
{
    u_char   *p, msg[NGX_MAX_CONF_ERRSTR];
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    ngx_conf_log_error(NGX_LOG_EMERG, ck->cf, 0,
                       "privacy_policy \"%V\": %*s: %*s",
                       &ck->pmcf->policy_file, ck->len, ck->path,
                       (size_t) (p - msg), msg);

    return NGX_CONF_ERROR;
}


/* appends ".key", or ["key"] for an unusual key; returns the old length */

static size_t
ngx_http_privacy_path_key(ngx_http_privacy_check_t *ck, const char *key)
{
    u_char      *p, *last, c;
    size_t       old, len, i;
    ngx_uint_t   plain;

    old = ck->len;
    p = ck->path + ck->len;
    last = ck->path + sizeof(ck->path);
    len = ngx_strlen(key);

    plain = (len > 0);

    for (i = 0; plain && i < len; i++) {
        c = (u_char) key[i];
        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_';
    }

    if (plain) {
        p = ngx_slprintf(p, last, ".%s", key);

    } else {
        p = ngx_slprintf(p, last, "[\"");
        p = ngx_http_privacy_quote_copy(p, last, (u_char *) key, len);
        p = ngx_slprintf(p, last, "\"]");
    }

    ck->len = p - ck->path;

    return old;
}


static size_t
ngx_http_privacy_path_index(ngx_http_privacy_check_t *ck, size_t i)
{
    u_char  *p;
    size_t   old;

    old = ck->len;

    p = ngx_slprintf(ck->path + ck->len, ck->path + sizeof(ck->path),
                     "[%uz]", i);
    ck->len = p - ck->path;

    return old;
}


/* a value from the document, safe for the error log, in a QUOTE_SIZE buf */

static ngx_str_t
ngx_http_privacy_quote(u_char *buf, const char *s)
{
    ngx_str_t  q;

    if (s == NULL) {
        s = "";
    }

    q.data = buf;
    q.len = ngx_http_privacy_quote_copy(buf, buf + NGX_HTTP_PRIVACY_QUOTE_SIZE,
                                        (u_char *) s, ngx_strlen(s))
            - buf;

    return q;
}


static u_char *
ngx_http_privacy_quote_copy(u_char *p, u_char *last, const u_char *s,
    size_t len)
{
    size_t  i, n;

    n = ngx_min(len, NGX_HTTP_PRIVACY_QUOTE_MAX);

    /* never cut a UTF-8 sequence */
    while (n < len && n > 0 && (s[n] & 0xc0) == 0x80) {
        n--;
    }

    for (i = 0; i < n && p < last; i++) {
        *p++ = (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\')
               ? '?' : s[i];
    }

    if (n < len) {
        p = ngx_slprintf(p, last, "...");
    }

    return p;
}


static ngx_uint_t
ngx_http_privacy_blank(const char *s)
{
    if (s == NULL) {
        return 1;
    }

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
        s++;
    }

    return *s == '\0';
}


/* "sv", "en", "de", "se-FI": letters, then subtags of letters and digits */

static ngx_uint_t
ngx_http_privacy_lang_tag(const char *s)
{
    size_t  n;

    for (n = 0; s[n] >= 'a' && s[n] <= 'z'; n++) { /* void */ }

    if (n < 2 || n > 3) {
        return 0;
    }

    s += n;

    while (*s == '-') {
        s++;

        for (n = 0; (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')
                    || (s[n] >= '0' && s[n] <= '9'); n++)
        {
            /* void */
        }

        if (n == 0 || n > 8) {
            return 0;
        }

        s += n;
    }

    return *s == '\0';
}


static ngx_uint_t
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


static const ngx_http_privacy_term_t *
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


/* the configuration and the document, as the pages read them */

static ngx_http_privacy_retention_t *
ngx_http_privacy_retention_find(ngx_http_privacy_main_conf_t *pmcf,
    const char *name)
{
    size_t                         len;
    ngx_uint_t                     i;
    ngx_http_privacy_retention_t  *rt;

    if (name == NULL) {
        return NULL;
    }

    len = ngx_strlen(name);
    rt = pmcf->retention.elts;

    for (i = 0; i < pmcf->retention.nelts; i++) {
        if (rt[i].category.len == len
            && ngx_strncmp(rt[i].category.data, name, len) == 0)
        {
            return &rt[i];
        }
    }

    return NULL;
}


/* "24 månader": the period as configured, in words; out: DURATION_MAX */

static size_t
ngx_http_privacy_retention_words(ngx_http_privacy_retention_t *rt,
    ngx_uint_t lang, u_char *out)
{
    size_t    n;
    unsigned  dl;

    dl = (lang == NGX_HTTP_PRIVACY_LANG_SV) ? NGX_HTTP_PRIVACY_DURATION_SV
                                            : NGX_HTTP_PRIVACY_DURATION_EN;

    n = ngx_http_privacy_duration_words(rt->text.data, rt->text.len, dl, out,
                                        NGX_HTTP_PRIVACY_DURATION_MAX);
    if (n) {
        return n;
    }

    return ngx_http_privacy_duration_seconds(rt->period, dl, out,
                                             NGX_HTTP_PRIVACY_DURATION_MAX);
}


static json_t *
ngx_http_privacy_list_find(json_t *list, const char *id)
{
    size_t       i;
    json_t      *e;
    const char  *s;

    if (id == NULL) {
        return NULL;
    }

    json_array_foreach(list, i, e) {
        s = json_string_value(json_object_get(e, "id"));

        if (s && ngx_strcmp(s, id) == 0) {
            return e;
        }
    }

    return NULL;
}


/* obj[key] (or obj itself when key is NULL) in the page's language */

static ngx_int_t
ngx_http_privacy_text(json_t *obj, const char *key, ngx_uint_t lang,
    ngx_str_t *s)
{
    json_t  *v;

    if (key) {
        obj = json_object_get(obj, key);
    }

    v = json_object_get(obj, lang == NGX_HTTP_PRIVACY_LANG_SV ? "sv" : "en");

    if (!json_is_string(v)) {
        ngx_str_null(s);
        return NGX_DECLINED;
    }

    s->data = (u_char *) json_string_value(v);
    s->len = json_string_length(v);

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_header(ngx_http_request_t *r, const char *key,
    const char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


/* the URL of a portal page: the location's prefix and the page name */

static void
ngx_http_privacy_policy_url(ngx_http_request_t *r, const char *name,
    ngx_str_t *url)
{
    u_char                    *p;
    size_t                     n;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    n = ngx_strlen(name);

    p = ngx_pnalloc(r->pool, clcf->name.len + 1 + n);
    if (p == NULL) {
        ngx_str_set(url, "/");
        return;
    }

    url->data = p;
    p = ngx_cpymem(p, clcf->name.data, clcf->name.len);

    if (p == url->data || p[-1] != '/') {
        *p++ = '/';
    }

    p = ngx_cpymem(p, name, n);
    url->len = p - url->data;
}


void
ngx_http_privacy_category_info(ngx_http_privacy_main_conf_t *pmcf,
    ngx_uint_t i, ngx_uint_t lang, ngx_http_privacy_category_info_t *info)
{
    json_t                            *doc;
    ngx_str_t                          title, text;
    ngx_http_privacy_category_text_t  *c;

    c = &ngx_http_privacy_categories[i];

    info->bit = c->bit;
    info->name = c->name;

    if (lang == NGX_HTTP_PRIVACY_LANG_SV) {
        info->title.data = (u_char *) c->title_sv;
        info->text.data = (u_char *) c->text_sv;

    } else {
        info->title.data = (u_char *) c->title_en;
        info->text.data = (u_char *) c->text_en;
    }

    info->title.len = ngx_strlen(info->title.data);
    info->text.len = ngx_strlen(info->text.data);

    /* the operator's own words, when the document has them */

    if (pmcf == NULL || pmcf->policy == NULL) {
        return;
    }

    doc = json_object_get(json_object_get(pmcf->policy, "cookie_categories"),
                          c->name);

    if (ngx_http_privacy_text(doc, "title", lang, &title) == NGX_OK
        && ngx_http_privacy_text(doc, "text", lang, &text) == NGX_OK)
    {
        info->title = title;
        info->text = text;
    }
}


/* the pages */

ngx_int_t
ngx_http_privacy_policy_handler(ngx_http_request_t *r, ngx_str_t *page)
{
    ngx_int_t                      rc;
    ngx_uint_t                     which;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_main_conf_t  *pmcf;

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

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (which == NGX_HTTP_PRIVACY_PAGE_COOKIES) {
        return ngx_http_privacy_cookies_page(r, pmcf, plcf);
    }

    /* without a document there is no policy to show */

    if (pmcf->policy == NULL) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (which == NGX_HTTP_PRIVACY_PAGE_POLICY) {
        return ngx_http_privacy_policy_page(r, pmcf, plcf);
    }

    return ngx_http_privacy_policy_json(r, pmcf, plcf);
}


static ngx_int_t
ngx_http_privacy_policy_page(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf)
{
    json_t                         *doc, *v;
    ngx_uint_t                      i;
    ngx_http_privacy_page_t         page;
    const ngx_http_privacy_term_t  *s;

    doc = pmcf->policy;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Integritetspolicy", "Privacy policy"));
    ngx_http_privacy_html_style(&page);

    /* the version visitors consent under, and the document's date */

    ngx_http_privacy_page_raw(&page, "<p class=\"meta\">Version ");
    ngx_http_privacy_html_str(&page, &pmcf->version);

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
    ngx_http_privacy_policy_purposes(&page, pmcf, doc);
    ngx_http_privacy_policy_recipients(&page, doc);
    ngx_http_privacy_policy_retention(&page, pmcf, doc);
    ngx_http_privacy_policy_cookies(&page, pmcf, plcf);
    ngx_http_privacy_policy_rights(&page, doc);
    ngx_http_privacy_policy_security(&page, doc);
    ngx_http_privacy_policy_contact(&page, doc);

    ngx_http_privacy_page_foot(&page);

    /* the same URL answers in Swedish or English */
    if (ngx_http_privacy_header(r, "Vary", "Accept-Language") != NGX_OK) {
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
    ngx_http_privacy_main_conf_t *pmcf, json_t *doc)
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

            rt = ngx_http_privacy_retention_find(pmcf, json_string_value(v));
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
            ngx_http_privacy_policy_url(page->request, "consent", &url);

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
    ngx_http_privacy_main_conf_t *pmcf, json_t *doc)
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

    rt = pmcf->retention.elts;

    for (i = 0; i < pmcf->retention.nelts; i++) {
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
                                 "name", page->lang, &s)
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
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf)
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
        ngx_http_privacy_category_info(pmcf, i, page->lang, &c);

        ngx_http_privacy_page_raw(page, "<li><strong>");
        ngx_http_privacy_html_str(page, &c.title);
        ngx_http_privacy_page_raw(page, "</strong>: ");
        ngx_http_privacy_html_str(page, &c.text);
        ngx_http_privacy_page_raw(page, "<br>Cookies: ");
        ngx_http_privacy_cookie_names(page, plcf, c.bit, 0);
        ngx_http_privacy_page_raw(page, "</li>\n");
    }

    ngx_http_privacy_page_raw(page, "</ul>\n<p><a href=\"");
    ngx_http_privacy_policy_url(page->request, "cookies", &url);
    ngx_http_privacy_html_str(page, &url);
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
                              "Alla cookies och vad de gör",
                              "All cookies and what they do"));
    ngx_http_privacy_page_raw(page, "</a> · <a href=\"");
    ngx_http_privacy_policy_url(page->request, "consent", &url);
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

    ngx_http_privacy_policy_url(page->request, "rights", &url);

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
                                  right->name, page->lang, &s)
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
            ngx_http_privacy_policy_url(page->request, right->link, &url);

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


static ngx_int_t
ngx_http_privacy_cookies_page(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_str_t                         url;
    ngx_uint_t                        i;
    ngx_http_privacy_page_t           page;
    ngx_http_privacy_category_info_t  c;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Cookies på webbplatsen",
                               "Cookies on this site"));
    ngx_http_privacy_html_style(&page);

    ngx_http_privacy_policy_url(r, "consent", &url);

    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>En cookie är en liten textfil som webbplatsen sparar i din "
        "webbläsare. Här är alla cookies som webbplatsen använder, ordnade "
        "efter kategori. Nödvändiga cookies används alltid, alla andra bara "
        "om du har tillåtit dem: <a href=\"",
        "<p>A cookie is a small text file that the site stores in your "
        "browser. These are all the cookies the site uses, by category. "
        "Necessary cookies are always used, all others only if you have "
        "allowed them: <a href=\""));
    ngx_http_privacy_html_str(&page, &url);
    ngx_http_privacy_page_raw(&page, "\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "ändra dina cookieval",
                              "change your cookie choices"));
    ngx_http_privacy_page_raw(&page, "</a>.</p>\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pmcf, i, page.lang, &c);

        ngx_http_privacy_page_raw(&page, "<h2 id=\"");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_html_str(&page, &c.title);
        ngx_http_privacy_page_raw(&page, "</h2>\n<p>");
        ngx_http_privacy_html_str(&page, &c.text);
        ngx_http_privacy_page_raw(&page, "</p>\n");

        ngx_http_privacy_cookie_names(&page, plcf, c.bit, 1);
    }

    if (plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP) {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
            "<p>Cookies som inte finns med här tas bort.</p>\n",
            "<p>Cookies not listed here are removed.</p>\n"));
    }

    if (pmcf->policy) {
        ngx_http_privacy_policy_url(r, "policy", &url);

        ngx_http_privacy_page_raw(&page, "<p><a href=\"");
        ngx_http_privacy_html_str(&page, &url);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  "Integritetspolicy", "Privacy policy"));
        ngx_http_privacy_page_raw(&page, "</a></p>\n");
    }

    ngx_http_privacy_page_foot(&page);

    if (ngx_http_privacy_header(r, "Vary", "Accept-Language") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


/*
 * The cookies of a category as the classification names them: our consent
 * cookie first (necessary), then each pattern; as a list or inline.
 */

static void
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


/*
 * policy.json: the version, the date, a content hash, and what the HTML
 * page is made of.  The hash is SHA-256 over the canonical JSON (compact,
 * keys sorted) of {"document", "retention", "cookies"}, so that it changes
 * exactly when what the policy says changes.
 */

static ngx_int_t
ngx_http_privacy_policy_json(ngx_http_request_t *r,
    ngx_http_privacy_main_conf_t *pmcf, ngx_http_privacy_loc_conf_t *plcf)
{
    int            rc;
    char          *s;
    u_char        *p, md[EVP_MAX_MD_SIZE], hex[2 * EVP_MAX_MD_SIZE];
    size_t         len;
    json_t        *content, *out, *v;
    ngx_int_t      n;
    ngx_buf_t     *b;
    ngx_chain_t    cl;
    unsigned int   md_len;

    content = ngx_http_privacy_policy_content(pmcf, plcf);
    if (content == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    s = json_dumps(content, JSON_COMPACT|JSON_SORT_KEYS);
    if (s == NULL) {
        json_decref(content);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = EVP_Digest(s, ngx_strlen(s), md, &md_len, EVP_sha256(), NULL);
    free(s);

    if (rc != 1) {
        json_decref(content);
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy: EVP_Digest() failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_hex_dump(hex, md, md_len);

    out = json_object();
    rc = json_object_set_new(out, "version",
                             ngx_http_privacy_json_str(pmcf->version.data,
                                                       pmcf->version.len));

    v = json_object_get(pmcf->policy, "updated");
    if (v) {
        rc |= json_object_set(out, "updated", v);
    }

    rc |= json_object_set_new(out, "content_hash",
                              json_stringn((char *) hex, p - hex));
    rc |= json_object_update(out, content);

    json_decref(content);

    if (rc != 0) {
        json_decref(out);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    s = json_dumps(out, JSON_INDENT(2));
    json_decref(out);

    if (s == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_strlen(s);

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        free(s);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, s, len);
    p[len++] = '\n';
    free(s);

    if (ngx_http_privacy_header(r, "X-Content-Type-Options", "nosniff")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (r->method == NGX_HTTP_HEAD) {
        r->header_only = 1;
    }

    n = ngx_http_send_header(r);

    if (n == NGX_ERROR || n > NGX_OK || r->header_only) {
        return n;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = p;
    b->last = p + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    cl.buf = b;
    cl.next = NULL;

    return ngx_http_output_filter(r, &cl);
}


/* {"document": ..., "retention": [...], "cookies": {...}}, or NULL */

static json_t *
ngx_http_privacy_policy_content(ngx_http_privacy_main_conf_t *pmcf,
    ngx_http_privacy_loc_conf_t *plcf)
{
    int                                rc;
    u_char                             sv[NGX_HTTP_PRIVACY_DURATION_MAX];
    u_char                             en[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t                             i, n, sv_len, en_len, len;
    json_t                            *content, *retention, *cookies;
    json_t                            *o, *list;
    unsigned                           cat;
    const u_char                      *pattern;
    ngx_http_privacy_retention_t      *rt;
    ngx_http_privacy_category_info_t   csv, cen;

    content = json_object();
    rc = json_object_set(content, "document", pmcf->policy);

    /* what the sweeps enforce */

    retention = json_array();
    rt = pmcf->retention.elts;

    for (i = 0; i < pmcf->retention.nelts; i++) {
        sv_len = ngx_http_privacy_retention_words(&rt[i],
                                                  NGX_HTTP_PRIVACY_LANG_SV, sv);
        en_len = ngx_http_privacy_retention_words(&rt[i],
                                                  NGX_HTTP_PRIVACY_LANG_EN, en);

        o = json_object();
        rc |= json_object_set_new(o, "category",
                   ngx_http_privacy_json_str(rt[i].category.data,
                                             rt[i].category.len));
        rc |= json_object_set_new(o, "period",
                   ngx_http_privacy_json_str(rt[i].text.data,
                                             rt[i].text.len));
        rc |= json_object_set_new(o, "seconds",
                                  json_integer((json_int_t) rt[i].period));
        rc |= json_object_set_new(o, "text",
                   ngx_http_privacy_json_text(sv, sv_len, en, en_len));
        rc |= json_array_append_new(retention, o);
    }

    rc |= json_object_set_new(content, "retention", retention);

    /* the classification this location applies */

    cookies = json_object();

    o = json_object();
    rc |= json_object_set_new(o, "name",
              ngx_http_privacy_json_str(plcf->cookie_name.data,
                                        plcf->cookie_name.len));
    rc |= json_object_set_new(o, "category", json_string("necessary"));
    rc |= json_object_set_new(o, "max_age",
                              json_integer((json_int_t) plcf->cookie_max_age));
    rc |= json_object_set_new(cookies, "consent_cookie", o);

    list = json_object();

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pmcf, i, NGX_HTTP_PRIVACY_LANG_SV,
                                       &csv);
        ngx_http_privacy_category_info(pmcf, i, NGX_HTTP_PRIVACY_LANG_EN,
                                       &cen);

        o = json_object();
        rc |= json_object_set_new(o, "title",
                  ngx_http_privacy_json_text(csv.title.data, csv.title.len,
                                             cen.title.data, cen.title.len));
        rc |= json_object_set_new(o, "text",
                  ngx_http_privacy_json_text(csv.text.data, csv.text.len,
                                             cen.text.data, cen.text.len));
        rc |= json_object_set_new(list, csv.name, o);
    }

    rc |= json_object_set_new(cookies, "categories", list);

    list = json_array();
    n = ngx_http_privacy_classifier_count(plcf->classifier);

    for (i = 0; i < n; i++) {
        ngx_http_privacy_classifier_pattern(plcf->classifier, i, &cat,
                                            &pattern, &len);
        o = json_object();
        rc |= json_object_set_new(o, "category",
                  json_string(ngx_http_privacy_category_name(cat)));
        rc |= json_object_set_new(o, "pattern",
                                  ngx_http_privacy_json_str(pattern, len));
        rc |= json_array_append_new(list, o);
    }

    rc |= json_object_set_new(cookies, "patterns", list);
    rc |= json_object_set_new(cookies, "unclassified", json_string(
              plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP
              ? "strip" : "keep"));

    rc |= json_object_set_new(content, "cookies", cookies);

    if (rc != 0) {
        json_decref(content);
        return NULL;
    }

    return content;
}


static const char *
ngx_http_privacy_category_name(unsigned bit)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        if (ngx_http_privacy_categories[i].bit == bit) {
            return ngx_http_privacy_categories[i].name;
        }
    }

    return "unknown";
}


/* a JSON string of configuration bytes: invalid UTF-8 becomes "?" */

static json_t *
ngx_http_privacy_json_str(const u_char *s, size_t len)
{
    u_char  *copy;
    size_t   i;
    json_t  *v;

    v = json_stringn((const char *) s, len);
    if (v || len == 0) {
        return v;
    }

    copy = ngx_alloc(len, ngx_cycle->log);
    if (copy == NULL) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        copy[i] = (s[i] < 0x80 && s[i] != '\0') ? s[i] : '?';
    }

    v = json_stringn((const char *) copy, len);
    ngx_free(copy);

    return v;
}


static json_t *
ngx_http_privacy_json_text(const u_char *sv, size_t sv_len, const u_char *en,
    size_t en_len)
{
    int      rc;
    json_t  *o;

    o = json_object();
    rc = json_object_set_new(o, "sv", ngx_http_privacy_json_str(sv, sv_len));
    rc |= json_object_set_new(o, "en", ngx_http_privacy_json_str(en, en_len));

    if (rc != 0) {
        json_decref(o);
        return NULL;
    }

    return o;
}


/* HTML from the document: every value escaped */

static void
ngx_http_privacy_html_text(ngx_http_privacy_page_t *page, json_t *obj,
    const char *key)
{
    ngx_str_t  s;

    if (ngx_http_privacy_text(obj, key, page->lang, &s) == NGX_OK) {
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

    if (ngx_http_privacy_text(obj, key, page->lang, &s) != NGX_OK) {
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


static void
ngx_http_privacy_html_str(ngx_http_privacy_page_t *page, ngx_str_t *s)
{
    ngx_http_privacy_page_text(page, s->data, s->len);
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

    if (label && ngx_http_privacy_text(label, NULL, page->lang, &s) == NGX_OK)
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


static void
ngx_http_privacy_html_style(ngx_http_privacy_page_t *page)
{
    ngx_http_privacy_page_raw(page, "<style nonce=\"");
    ngx_http_privacy_page_rawn(page, page->nonce, sizeof(page->nonce));
    ngx_http_privacy_page_raw(page, "\">");
    ngx_http_privacy_page_raw(page, ngx_http_privacy_policy_style);
    ngx_http_privacy_page_raw(page, "</style>\n");
}
