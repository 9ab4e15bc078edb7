/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Reading the policy document (loaded by ngx_http_privacy_policy_load.c):
 * what the pages and the checks look up in it and in the site's
 * configuration, the categories' words, retention periods in words.
 *
 * The pages are built from the document and the live configuration (the
 * "privacy_retention" periods, the cookie classification of the portal's
 * location), so that what the policy says is what the module does; they
 * are served from ngx_http_privacy_policy_page.c.
 * The document's schema is described in docs/policy-document.md.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_lang.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_duration.h"


/* the configuration and the document, as the pages read them */

ngx_http_privacy_retention_t *
ngx_http_privacy_retention_find(ngx_http_privacy_srv_conf_t *pscf,
    const char *name)
{
    size_t                         len;
    ngx_uint_t                     i;
    ngx_http_privacy_retention_t  *rt;

    if (name == NULL) {
        return NULL;
    }

    len = ngx_strlen(name);
    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        if (rt[i].category.len == len
            && ngx_strncmp(rt[i].category.data, name, len) == 0)
        {
            return &rt[i];
        }
    }

    return NULL;
}


json_t *
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

ngx_int_t
ngx_http_privacy_text(json_t *obj, const char *key, ngx_uint_t lang,
    ngx_str_t *s)
{
    json_t  *v;

    if (key) {
        obj = json_object_get(obj, key);
    }

    v = json_object_get(obj, ngx_http_privacy_lang_code(lang));

    /* a module's own text (no document) asked for another language */
    if (!json_is_string(v) && lang > NGX_HTTP_PRIVACY_LANG_EN) {
        v = json_object_get(obj, "en");
    }

    if (!json_is_string(v)) {
        ngx_str_null(s);
        return NGX_DECLINED;
    }

    s->data = (u_char *) json_string_value(v);
    s->len = json_string_length(v);

    return NGX_OK;
}


void
ngx_http_privacy_category_info(ngx_http_privacy_srv_conf_t *pscf,
    ngx_uint_t i, ngx_uint_t lang, ngx_http_privacy_category_info_t *info)
{
    json_t                                  *doc;
    ngx_str_t                                title, text;
    const ngx_http_privacy_category_text_t  *c;

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

    if (pscf == NULL || pscf->policy == NULL) {
        return;
    }

    doc = json_object_get(json_object_get(pscf->policy, "cookie_categories"),
                          c->name);

    if (ngx_http_privacy_text(doc, "title", lang, &title) == NGX_OK
        && ngx_http_privacy_text(doc, "text", lang, &text) == NGX_OK)
    {
        info->title = title;
        info->text = text;
    }
}


/* "24 månader": the period as configured, in words; out: DURATION_MAX */

size_t
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
