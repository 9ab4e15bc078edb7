/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document: loaded and validated at configuration time, and
 * served as the portal's "policy", "policy.json" and "cookies" pages.
 */


#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_page.h"


typedef struct {
    unsigned     bit;
    const char  *name;
    const char  *title_sv;
    const char  *title_en;
    const char  *text_sv;
    const char  *text_en;
} ngx_http_privacy_category_text_t;


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




char *
ngx_http_privacy_policy_load(ngx_conf_t *cf,
    ngx_http_privacy_main_conf_t *pmcf)
{
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"privacy_policy\" is not supported yet");
    return NGX_CONF_ERROR;
}


ngx_int_t
ngx_http_privacy_policy_handler(ngx_http_request_t *r, ngx_str_t *page)
{
    return NGX_DECLINED;
}


void
ngx_http_privacy_category_info(ngx_http_privacy_main_conf_t *pmcf,
    ngx_uint_t i, ngx_uint_t lang, ngx_http_privacy_category_info_t *info)
{
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
}
