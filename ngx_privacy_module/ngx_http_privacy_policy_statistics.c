/*
 * Copyright (C) ngx_privacy_module authors
 *
 * How visits are counted, as the policy page and the consent page say
 * it to the visitor who reads them: with cookies, without, or not at
 * all, and which applies to them now.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_state.h"


/*
 * Visit statistics with and without cookies (docs/policy-document.md):
 * without a statistics consent a page view is counted under a daily
 * pseudonym, with one under the consent cookie's id (so the portal can
 * export and erase it), after an objection (or with Sec-GPC and
 * privacy_analytics_gpc) not at all.  The visitor reads which applies
 * now, on the policy page and the consent page, as
 * ngx_http_privacy_analytics_handler() decides it.
 */

void
ngx_http_privacy_cookies_statistics(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(page->request,
                                        ngx_http_privacy_module);

    if (!pscf->analytics) {
        return;
    }

    ctx = ngx_http_privacy_get_ctx(page->request);

    ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
        "<p id=\"statistics-cookies\"><strong>Besöksstatistik</strong>: Har "
        "du inte tillåtit statistikcookies räknas dina sidvisningar och "
        "sökningar utan cookies, med en pseudonym som byts varje dygn och "
        "inte kan kopplas till dig. Har du tillåtit statistik sparas de i "
        "stället med id:t i din samtyckescookie, så att du själv kan ladda "
        "ner eller radera dem under dina rättigheter. Din IP-adress sparas "
        "aldrig i statistiken. ",
        "<p id=\"statistics-cookies\"><strong>Visit statistics</strong>: if "
        "you have not allowed statistics cookies, your page views and "
        "searches are counted without cookies, with a pseudonym that "
        "changes every day and cannot be linked to you. If you have "
        "allowed statistics, they are stored with the id in your consent "
        "cookie instead, so that you can download or erase them yourself "
        "under your rights. Your IP address is never stored in the "
        "statistics. "));

    if (ctx && (ctx->consent.flags & NGX_HTTP_PRIVACY_FLAG_NO_ANALYTICS)) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "Just nu räknas den här webbläsaren inte alls: du har invänt "
            "mot besöksstatistiken.",
            "Right now this browser is not counted at all: you have "
            "objected to the visit statistics."));

    } else if (ctx && ctx->gpc && plcf->analytics_gpc) {
        ngx_http_privacy_page_raw(page, ngx_http_privacy_t(page,
            "Just nu räknas den här webbläsaren inte alls: den skickar "
            "Global Privacy Control.",
            "Right now this browser is not counted at all: it sends "
            "Global Privacy Control."));

    } else {
        ngx_http_privacy_page_raw(page,
            (ctx && ctx->decided
             && (ctx->categories & NGX_HTTP_PRIVACY_CAT_STATISTICS))
            ? ngx_http_privacy_t(page, "Just nu har du tillåtit statistik.",
                                 "Right now you have allowed statistics.")
            : ngx_http_privacy_t(page,
                                 "Just nu har du inte tillåtit statistik.",
                                 "Right now you have not allowed "
                                 "statistics."));
    }

    ngx_http_privacy_page_raw(page, "</p>\n");
}
