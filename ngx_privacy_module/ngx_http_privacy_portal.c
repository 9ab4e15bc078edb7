/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The visitor pages under a "privacy_portal" location.  For now: the
 * consent page (GET shows the choice, POST records it) and an index.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_portal.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_page.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_html.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_rights.h"


#define NGX_HTTP_PRIVACY_RETURN_MAX  2048
#define NGX_HTTP_PRIVACY_TOKEN_RAW   16
#define NGX_HTTP_PRIVACY_UA_MAX      512     /* of the UA in the token */


static ngx_int_t ngx_http_privacy_portal_index(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_consent_page(ngx_http_request_t *r,
    ngx_str_t *ret);
static void ngx_http_privacy_consent_post(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_consent_decide(ngx_http_request_t *r,
    u_char *body, size_t len);
static ngx_int_t ngx_http_privacy_token_at(ngx_http_request_t *r,
    time_t day, u_char *out);
static ngx_int_t ngx_http_privacy_token_valid(ngx_http_request_t *r,
    ngx_str_t *token);
static void ngx_http_privacy_page_token(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_redirect(ngx_http_request_t *r,
    ngx_str_t *to);


ngx_int_t
ngx_http_privacy_portal_handler(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_str_t                  page, ret;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    page = r->uri;

    if (page.len >= clcf->name.len
        && ngx_strncmp(page.data, clcf->name.data, clcf->name.len) == 0)
    {
        page.data += clcf->name.len;
        page.len -= clcf->name.len;
    }

    while (page.len && page.data[0] == '/') {
        page.data++;
        page.len--;
    }

    if (page.len == sizeof("consent") - 1
        && ngx_strncmp(page.data, "consent", page.len) == 0)
    {
        if (r->method == NGX_HTTP_POST) {
            rc = ngx_http_read_client_request_body(r,
                                             ngx_http_privacy_consent_post);
            if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
                return rc;
            }

            return NGX_DONE;
        }

        if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
            return NGX_HTTP_NOT_ALLOWED;
        }

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_arg(r, (u_char *) "return", 6, &ret) != NGX_OK) {
            ngx_str_null(&ret);
        }

        return ngx_http_privacy_consent_page(r, &ret);
    }

    /* the rights portal (docs/rights.md) has its own routes and POSTs */
    if (page.len >= sizeof("rights") - 1
        && ngx_strncmp(page.data, "rights", sizeof("rights") - 1) == 0
        && (page.len == sizeof("rights") - 1
            || page.data[sizeof("rights") - 1] == '/'))
    {
        return ngx_http_privacy_rights_handler(r, &page);
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_privacy_policy_handler(r, &page);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (page.len == 0) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_privacy_portal_index(r);
    }

    return NGX_HTTP_NOT_FOUND;
}


static ngx_int_t
ngx_http_privacy_portal_index(ngx_http_request_t *r)
{
    ngx_str_t                      url;
    ngx_uint_t                     i;
    ngx_http_privacy_page_t        page;
    ngx_http_privacy_srv_conf_t   *pscf;

    static struct {
        char        *name;
        const char  *sv;
        const char  *en;
        ngx_uint_t   policy;     /* needs privacy_policy */
    } links[] = {
        { "policy", "Integritetspolicy", "Privacy policy", 1 },
        { "cookies", "Cookies som används", "Cookies we use", 0 },
        { "consent", "Cookieinställningar", "Cookie settings", 0 },
        { "rights", "Dina rättigheter", "Your rights", 0 },
    };

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Integritet", "Privacy"));

    ngx_http_privacy_page_raw(&page, "<ul>");

    for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        if (links[i].policy && pscf->policy == NULL) {
            continue;
        }

        ngx_http_privacy_portal_url(r, links[i].name, &url);

        ngx_http_privacy_page_raw(&page, "<li><a href=\"");
        ngx_http_privacy_page_text(&page, url.data, url.len);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  links[i].sv, links[i].en));
        ngx_http_privacy_page_raw(&page, "</a></li>");
    }

    ngx_http_privacy_page_raw(&page, "</ul>\n");

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


static ngx_int_t
ngx_http_privacy_consent_page(ngx_http_request_t *r, ngx_str_t *ret)
{
    u_char                            *dec;
    size_t                             len;
    ngx_str_t                          url;
    ngx_uint_t                         i;
    ngx_http_privacy_ctx_t            *ctx;
    ngx_http_privacy_page_t            page;
    ngx_http_privacy_srv_conf_t       *pscf;
    ngx_http_privacy_loc_conf_t       *plcf;
    ngx_http_privacy_category_info_t   c;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Cookieinställningar", "Cookie settings"));

    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<p>Vi använder de cookies som krävs för att webbplatsen ska "
        "fungera. Cookies i de andra kategorierna använder vi bara om du "
        "säger ja. Du kan ändra eller återkalla ditt val när som helst "
        "här. ",
        "<p>We use the cookies the site needs to work. Cookies of the "
        "other categories are used only if you say yes. You can change or "
        "withdraw your choice here at any time. "));
    ngx_http_privacy_unclassified_words(&page, plcf);
    ngx_http_privacy_page_raw(&page, "</p>\n");

    ngx_http_privacy_page_raw(&page, "<p class=\"note\" role=\"status\">");

    if (ctx->decided) {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                                  "Ditt val just nu: ", "Your choice now: "));

        for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
            ngx_http_privacy_category_info(pscf, i, page.text_lang, &c);

            if (!(ctx->consent.categories & c.bit)) {
                continue;
            }

            if (c.bit != NGX_HTTP_PRIVACY_CAT_NECESSARY) {
                ngx_http_privacy_page_raw(&page, ", ");
            }

            ngx_http_privacy_page_text(&page, c.title.data, c.title.len);
        }

        ngx_http_privacy_page_raw(&page, ".");

    } else {
        ngx_http_privacy_page_raw(&page,
            plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP
            ? ngx_http_privacy_t(&page,
                  "Du har inte gjort något val ännu: bara nödvändiga "
                  "cookies används.",
                  "You have not made a choice yet: only necessary cookies "
                  "are used.")
            : ngx_http_privacy_t(&page,
                  "Du har inte gjort något val ännu: bara nödvändiga "
                  "cookies och cookies utan kategori används.",
                  "You have not made a choice yet: only necessary cookies "
                  "and cookies without a category are used."));
    }

    ngx_http_privacy_page_raw(&page, "</p>\n");

    if (ctx->gpc) {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
            "<p class=\"note\">Din webbläsare skickar Global Privacy Control "
            "(Sec-GPC): vi använder inga marknadsföringscookies.</p>\n",
            "<p class=\"note\">Your browser sends Global Privacy Control "
            "(Sec-GPC): we use no marketing cookies.</p>\n"));
    }

    ngx_http_privacy_portal_url(r, "consent", &url);

    ngx_http_privacy_page_raw(&page, "<form method=\"post\" action=\"");
    ngx_http_privacy_page_text(&page, url.data, url.len);
    ngx_http_privacy_page_raw(&page, "\">\n");
    ngx_http_privacy_page_token(&page, r);

    /* the page to go back to, if it is one of ours */

    if (ret->len && ret->len <= NGX_HTTP_PRIVACY_RETURN_MAX) {
        dec = ngx_pnalloc(r->pool, ret->len);
        if (dec == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        len = ngx_http_privacy_form_decode(ret->data, ret->len, dec);

        if (ngx_http_privacy_local_path(dec, len)) {
            ngx_http_privacy_page_raw(&page, "<input type=\"hidden\" "
                                      "name=\"return\" value=\"");
            ngx_http_privacy_page_text(&page, dec, len);
            ngx_http_privacy_page_raw(&page, "\">\n");
        }
    }

    ngx_http_privacy_page_raw(&page, "<fieldset><legend>");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "Kategorier", "Categories"));
    ngx_http_privacy_page_raw(&page, "</legend>\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pscf, i, page.text_lang, &c);

        ngx_http_privacy_page_raw(&page, "<div class=\"cat\"><input "
                                  "type=\"checkbox\" id=\"privacy-");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "\" aria-describedby=\"privacy-");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "-text\"");

        if (c.bit == NGX_HTTP_PRIVACY_CAT_NECESSARY) {
            ngx_http_privacy_page_raw(&page, " checked disabled");

        } else {
            ngx_http_privacy_page_raw(&page, " name=\"category\" value=\"");
            ngx_http_privacy_page_raw(&page, c.name);
            ngx_http_privacy_page_raw(&page, "\"");

            /* nothing is ticked before the visitor has ticked it */
            if (ctx->decided && (ctx->consent.categories & c.bit)) {
                ngx_http_privacy_page_raw(&page, " checked");
            }
        }

        ngx_http_privacy_page_raw(&page, "> <label for=\"privacy-");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "\">");
        ngx_http_privacy_page_text(&page, c.title.data, c.title.len);
        ngx_http_privacy_page_raw(&page, "</label><p id=\"privacy-");
        ngx_http_privacy_page_raw(&page, c.name);
        ngx_http_privacy_page_raw(&page, "-text\">");
        ngx_http_privacy_page_text(&page, c.text.data, c.text.len);
        ngx_http_privacy_page_raw(&page, "</p></div>\n");
    }

    ngx_http_privacy_page_raw(&page, "</fieldset>\n<div class=\"actions\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<button type=\"submit\" name=\"action\" value=\"accept_all\">"
        "Godkänn alla</button>"
        "<button type=\"submit\" name=\"action\" value=\"reject_all\">"
        "Avvisa alla</button>"
        "<button type=\"submit\" name=\"action\" value=\"save\">"
        "Spara mina val</button>",
        "<button type=\"submit\" name=\"action\" value=\"accept_all\">"
        "Accept all</button>"
        "<button type=\"submit\" name=\"action\" value=\"reject_all\">"
        "Reject all</button>"
        "<button type=\"submit\" name=\"action\" value=\"save\">"
        "Save my choices</button>"));
    ngx_http_privacy_page_raw(&page, "</div>\n</form>\n");

    /*
     * GDPR art. 21: analytics under legitimate interest and the right to
     * object; with or without cookies as the policy page says it, for
     * the visitor's choice of now
     */

    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "<h2>Besöksstatistik</h2>\n<p>Vi räknar sidvisningar och sökord för "
        "att förbättra webbplatsen och sortimentet, med stöd av berättigat "
        "intresse, och du har rätt att invända.</p>\n",
        "<h2>Visit statistics</h2>\n<p>We count page views and search words "
        "to improve the site and the assortment, based on legitimate "
        "interest, and you have the right to object.</p>\n"));
    ngx_http_privacy_cookies_statistics(&page, plcf);

    ngx_http_privacy_page_raw(&page, "<form method=\"post\" action=\"");
    ngx_http_privacy_page_text(&page, url.data, url.len);
    ngx_http_privacy_page_raw(&page, "\">");
    ngx_http_privacy_page_token(&page, r);
    ngx_http_privacy_page_raw(&page, "<div class=\"actions\">");

    if (ctx->consent.flags & NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS) {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
            "<p class=\"note\">Du har invänt: den här webbläsaren räknas "
            "inte.</p><button type=\"submit\" name=\"action\" "
            "value=\"allow_analytics\">Räkna mig igen</button>",
            "<p class=\"note\">You have objected: this browser is not "
            "counted.</p><button type=\"submit\" name=\"action\" "
            "value=\"allow_analytics\">Count me again</button>"));

    } else {
        ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
            "<button type=\"submit\" name=\"action\" "
            "value=\"object_analytics\">Jag invänder mot "
            "besöksstatistik</button>",
            "<button type=\"submit\" name=\"action\" "
            "value=\"object_analytics\">I object to visitor "
            "statistics</button>"));
    }

    ngx_http_privacy_page_raw(&page, "</div></form>\n");

    /* the rights portal: access, erasure, ... (docs/rights.md) */
    ngx_http_privacy_portal_url(r, "rights", &url);
    ngx_http_privacy_page_raw(&page, "<p><a href=\"");
    ngx_http_privacy_page_text(&page, url.data, url.len);
    ngx_http_privacy_page_raw(&page, "\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
        "Dina rättigheter: se, rätta eller radera dina uppgifter",
        "Your rights: see, correct or erase your data"));
    ngx_http_privacy_page_raw(&page, "</a></p>\n");

    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, NGX_HTTP_OK);
}


static void
ngx_http_privacy_consent_post(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  body;

    /* the form is a few hundred bytes; nginx's buffer bounds it */
    rc = ngx_http_privacy_form_body(r, NGX_MAX_SIZE_T_VALUE, &body);

    if (rc == NGX_OK) {
        rc = ngx_http_privacy_consent_decide(r, body.data, body.len);
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_http_privacy_consent_decide(ngx_http_request_t *r, u_char *body,
    size_t len)
{
    u_char                        *k, *v;
    size_t                         klen, vlen, n;
    unsigned                       cat, granted;
    ngx_int_t                      origin;
    ngx_uint_t                     objection;
    ngx_str_t                      ret, action, token;
    const char                    *method;
    ngx_http_privacy_ctx_t        *ctx;
    ngx_http_privacy_receipt_t     receipt;
    ngx_http_privacy_consent_t     consent;
    ngx_http_privacy_form_iter_t   it;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_srv_conf_t   *pscf;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    origin = ngx_http_privacy_same_origin(r);

    if (origin == 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy: consent from another origin refused");
        return NGX_HTTP_FORBIDDEN;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_null(&ret);
    ngx_str_null(&action);
    ngx_str_null(&token);
    granted = NGX_HTTP_PRIVACY_CAT_NECESSARY;
    method = NGX_HTTP_PRIVACY_METHOD_PAGE;
    objection = NGX_CONF_UNSET_UINT;

    ngx_http_privacy_form_iter_init(&it, body, len);

    while (ngx_http_privacy_form_next(&it, (const u_char **) &k, &klen,
                                      (const u_char **) &v, &vlen))
    {
        /* decoding in place is safe: the body is ours and not reused */
        n = ngx_http_privacy_form_decode(v, vlen, v);

        if (ngx_http_privacy_form_key_is(k, klen, "action")) {
            action.data = v;
            action.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "category")) {
            cat = ngx_http_privacy_category_parse(v, n);
            if (cat == 0) {
                return NGX_HTTP_BAD_REQUEST;
            }

            granted |= cat;

        } else if (ngx_http_privacy_form_key_is(k, klen, "return")) {
            ret.data = v;
            ret.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "token")) {
            token.data = v;
            token.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "source")
                   && n == sizeof("banner") - 1
                   && ngx_strncmp(v, "banner", n) == 0)
        {
            method = NGX_HTTP_PRIVACY_METHOD_BANNER;
        }
    }

    if (origin == NGX_DECLINED && !ngx_http_privacy_token_valid(r, &token)) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy: consent without Origin, Referer or a valid "
                      "form token refused");
        return NGX_HTTP_FORBIDDEN;
    }

    if (action.len == sizeof("accept_all") - 1
        && ngx_strncmp(action.data, "accept_all", action.len) == 0)
    {
        granted = NGX_HTTP_PRIVACY_CAT_ALL;

    } else if (action.len == sizeof("reject_all") - 1
               && ngx_strncmp(action.data, "reject_all", action.len) == 0)
    {
        granted = NGX_HTTP_PRIVACY_CAT_NECESSARY;

    } else if (action.len == sizeof("object_analytics") - 1
               && ngx_strncmp(action.data, "object_analytics", action.len)
                  == 0)
    {
        objection = 1;

    } else if (action.len == sizeof("allow_analytics") - 1
               && ngx_strncmp(action.data, "allow_analytics", action.len)
                  == 0)
    {
        objection = 0;

    } else if (!(action.len == sizeof("save") - 1
                 && ngx_strncmp(action.data, "save", action.len) == 0))
    {
        return NGX_HTTP_BAD_REQUEST;
    }

    ngx_memzero(&consent, sizeof(ngx_http_privacy_consent_t));

    if (ctx->valid) {
        /* the same browser keeps its id: its receipts form one history */
        ngx_memcpy(consent.id, ctx->consent.id, sizeof(consent.id));
        consent.flags = ctx->consent.flags;

    } else if (ngx_http_privacy_random(consent.id, sizeof(consent.id)) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (objection != NGX_CONF_UNSET_UINT) {
        /* an objection changes the flag only, not the cookie choice */
        granted = ctx->decided ? ctx->consent.categories
                               : NGX_HTTP_PRIVACY_CAT_NECESSARY;

        if (!ctx->decided) {
            consent.flags |= NGX_HTTP_PRIVACY_FLAG_UNDECIDED;
        }

        if (objection) {
            consent.flags |= NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
            method = NGX_HTTP_PRIVACY_METHOD_OBJECTION;

        } else {
            consent.flags &= ~NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS;
            method = NGX_HTTP_PRIVACY_METHOD_UNOBJECTION;
        }

    } else {
        consent.flags &= ~NGX_HTTP_PRIVACY_FLAG_UNDECIDED;

        if (ctx->decided && (ctx->consent.categories & ~granted)) {
            method = NGX_HTTP_PRIVACY_METHOD_WITHDRAWAL;
        }
    }

    if (pscf->version.len > NGX_HTTP_PRIVACY_VERSION_MAX) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(consent.version, pscf->version.data, pscf->version.len);
    consent.version_len = pscf->version.len;
    consent.categories = granted;
    consent.decided = ngx_time();

    if (ngx_http_privacy_set_consent_cookie(r, &consent) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (pmcf->store) {
        ngx_memzero(&receipt, sizeof(ngx_http_privacy_receipt_t));
        ngx_http_privacy_hex(consent.id, sizeof(consent.id),
                             receipt.consent_id);
        receipt.decided = consent.decided;
        ngx_memcpy(receipt.version, consent.version, consent.version_len);
        receipt.version_len = consent.version_len;
        receipt.categories = granted;
        receipt.method = method;
        receipt.site_len = ngx_min(pscf->site.len, sizeof(receipt.site));
        ngx_memcpy(receipt.site, pscf->site.data, receipt.site_len);

        if (ngx_http_privacy_client_pseudonym(r, receipt.client) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* a full queue is logged by the store; the choice still holds */
        (void) ngx_http_privacy_store_receipt(pmcf->store, &receipt);
    }

    /* the list as judged under the old choice, before it changes */
    if (ngx_http_privacy_presented_get(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* this very response already follows the new choice */
    ctx->consent = consent;
    ctx->valid = 1;
    ctx->decided = !(consent.flags & NGX_HTTP_PRIVACY_FLAG_UNDECIDED);
    ctx->decision_made = 1;
    ctx->categories = ngx_http_privacy_consent_effective(&consent,
                          ctx->gpc && plcf->gpc);

    if (ret.len == 0 || !ngx_http_privacy_local_path(ret.data, ret.len)) {
        ngx_http_privacy_portal_url(r, "consent", &ret);
    }

    return ngx_http_privacy_redirect(r, &ret);
}


/*
 * The form token, for the few POSTs without Origin and Referer: a MAC,
 * under this site's consent key, of the day, the client's address and
 * its User-Agent.  Another client cannot make the victim's token; a
 * token lasts until the day after (docs/security.md).
 */

static ngx_int_t
ngx_http_privacy_token_at(ngx_http_request_t *r, time_t day, u_char *out)
{
    u_char                       *buf, *p, mac[NGX_HTTP_PRIVACY_MAC_LEN];
    size_t                        ua_len;
    ngx_str_t                    *addr;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (pscf->cookie_mac == NULL) {
        return NGX_ERROR;
    }

    addr = &r->connection->addr_text;
    ua_len = r->headers_in.user_agent
             ? ngx_min(r->headers_in.user_agent->value.len,
                       NGX_HTTP_PRIVACY_UA_MAX)
             : 0;

    buf = ngx_pnalloc(r->pool, sizeof("form token ") - 1 + NGX_TIME_T_LEN
                               + 1 + addr->len + 1 + ua_len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(buf, "form token %T", day);
    *p++ = '\0';
    p = ngx_cpymem(p, addr->data, addr->len);
    *p++ = '\0';

    if (ua_len) {
        p = ngx_cpymem(p, r->headers_in.user_agent->value.data, ua_len);
    }

    if (ngx_http_privacy_mac_compute(pscf->cookie_mac, buf, p - buf, mac)
        != 0)
    {
        return NGX_ERROR;
    }

    (void) ngx_http_privacy_base64url_encode(mac, NGX_HTTP_PRIVACY_TOKEN_RAW,
                                             out);

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_token_valid(ngx_http_request_t *r, ngx_str_t *token)
{
    u_char      want[NGX_HTTP_PRIVACY_TOKEN_LEN];
    time_t      day;
    ngx_uint_t  i;

    if (token->len != NGX_HTTP_PRIVACY_TOKEN_LEN) {
        return 0;
    }

    day = ngx_time() / 86400;

    /* today's, or yesterday's for a page opened before midnight */
    for (i = 0; i < 2; i++) {
        if (ngx_http_privacy_token_at(r, day - i, want) == NGX_OK
            && ngx_http_privacy_ct_equal(want, token->data,
                                         NGX_HTTP_PRIVACY_TOKEN_LEN))
        {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_http_privacy_portal_token(ngx_http_request_t *r, u_char *out)
{
    return ngx_http_privacy_token_at(r, ngx_time() / 86400, out);
}


static void
ngx_http_privacy_page_token(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r)
{
    u_char  token[NGX_HTTP_PRIVACY_TOKEN_LEN];

    if (ngx_http_privacy_portal_token(r, token) != NGX_OK) {
        return;
    }

    ngx_http_privacy_page_raw(page, "<input type=\"hidden\" name=\"token\" "
                              "value=\"");
    ngx_http_privacy_page_text(page, token, sizeof(token));
    ngx_http_privacy_page_raw(page, "\">");
}


static ngx_int_t
ngx_http_privacy_redirect(ngx_http_request_t *r, ngx_str_t *to)
{
    ngx_table_elt_t          *h;
    ngx_http_privacy_page_t   page;

    h = ngx_http_privacy_add_header(r, "Location", to);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.location = h;

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_privacy_page_head(&page, ngx_http_privacy_t(&page,
                               "Ditt val är sparat", "Your choice is saved"));
    ngx_http_privacy_page_raw(&page, "<p><a href=\"");
    ngx_http_privacy_page_text(&page, to->data, to->len);
    ngx_http_privacy_page_raw(&page, "\">");
    ngx_http_privacy_page_raw(&page, ngx_http_privacy_t(&page,
                              "Fortsätt", "Continue"));
    ngx_http_privacy_page_raw(&page, "</a></p>\n");
    ngx_http_privacy_page_foot(&page);

    return ngx_http_privacy_page_send(&page, NGX_HTTP_SEE_OTHER);
}
