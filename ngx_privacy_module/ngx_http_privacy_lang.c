/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The languages of the pages (ngx_http_privacy_lang.h): sv and en, the
 * module's own words, and those policy documents add.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_lang.h"


/*
 * Languages beyond sv and en that policy documents carry, by index - 2.
 * Per process and only ever added to (at configuration time), so that an
 * index stays valid across reloads; a few bytes each.
 */
#define NGX_HTTP_PRIVACY_LANGS_MAX      32

static u_char      ngx_http_privacy_langs[NGX_HTTP_PRIVACY_LANGS_MAX][4];
static ngx_uint_t  ngx_http_privacy_nlangs;


ngx_int_t
ngx_http_privacy_lang_index(const u_char *code, size_t len, ngx_uint_t add)
{
    ngx_uint_t  i;

    if (len == 2 && ngx_strncasecmp((u_char *) code, (u_char *) "sv", 2) == 0)
    {
        return NGX_HTTP_PRIVACY_LANG_SV;
    }

    if (len == 2 && ngx_strncasecmp((u_char *) code, (u_char *) "en", 2) == 0)
    {
        return NGX_HTTP_PRIVACY_LANG_EN;
    }

    if (len < 2 || len > 3) {
        return NGX_ERROR;
    }

    for (i = 0; i < ngx_http_privacy_nlangs; i++) {
        if (ngx_strlen(ngx_http_privacy_langs[i]) == len
            && ngx_strncasecmp(ngx_http_privacy_langs[i], (u_char *) code,
                               len) == 0)
        {
            return NGX_HTTP_PRIVACY_LANG_EN + 1 + i;
        }
    }

    if (!add || ngx_http_privacy_nlangs == NGX_HTTP_PRIVACY_LANGS_MAX) {
        return NGX_ERROR;
    }

    ngx_strlow(ngx_http_privacy_langs[i], (u_char *) code, len);
    ngx_http_privacy_langs[i][len] = '\0';
    ngx_http_privacy_nlangs++;

    return NGX_HTTP_PRIVACY_LANG_EN + 1 + i;
}


const char *
ngx_http_privacy_lang_code(ngx_uint_t lang)
{
    if (lang == NGX_HTTP_PRIVACY_LANG_SV) {
        return "sv";
    }

    if (lang == NGX_HTTP_PRIVACY_LANG_EN
        || lang - NGX_HTTP_PRIVACY_LANG_EN - 1 >= ngx_http_privacy_nlangs)
    {
        return "en";
    }

    return (const char *) ngx_http_privacy_langs[lang
                                                 - NGX_HTTP_PRIVACY_LANG_EN
                                                 - 1];
}


ngx_int_t
ngx_http_privacy_site_lang(ngx_http_privacy_srv_conf_t *pscf,
    const u_char *code, size_t len)
{
    ngx_int_t   lang;
    ngx_uint_t  i;

    lang = ngx_http_privacy_lang_index(code, len, 0);
    if (lang == NGX_ERROR) {
        return NGX_DECLINED;
    }

    for (i = 0; i < pscf->nlangs; i++) {
        if (pscf->langs[i] == (ngx_uint_t) lang) {
            return lang;
        }
    }

    return NGX_DECLINED;
}
