/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Checking the policy document at configuration time, against the tables
 * of ngx_http_privacy_policy_schema.c: types, required fields, texts in
 * every language, references between parts, and retention categories
 * that privacy_retention gives a period ("nginx -t" fails otherwise).
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_lang.h"
#include "ngx_http_privacy_policy_check.h"


static char *ngx_http_privacy_check_fields(ngx_http_privacy_check_t *ck,
    json_t *obj, const ngx_http_privacy_field_t *fields);
static char *ngx_http_privacy_check_value(ngx_http_privacy_check_t *ck,
    json_t *v, const ngx_http_privacy_field_t *f);
static char *ngx_http_privacy_check_text(ngx_http_privacy_check_t *ck,
    json_t *v);
static char *ngx_http_privacy_check_string(ngx_http_privacy_check_t *ck,
    json_t *v, ngx_uint_t type);
static ngx_uint_t ngx_http_privacy_blank(const char *s);
static ngx_uint_t ngx_http_privacy_lang_tag(const char *s);
static char *ngx_http_privacy_check_languages(ngx_http_privacy_check_t *ck,
    json_t *doc);


/*
 * The document against the schema (docs/policy-document.md): the
 * languages first (every text is checked for each of them), the fields,
 * then what the schema cannot say.  Errors name the place in the
 * document: "$.purposes[2].retention".
 */

char *
ngx_http_privacy_policy_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc)
{
    char                      *rv;
    ngx_http_privacy_check_t   ck;

    ck.cf = cf;
    ck.pscf = pscf;
    ck.path[0] = '$';
    ck.len = 1;

    if (!json_is_object(doc)) {
        return ngx_http_privacy_check_error(&ck, "must be an object");
    }

    /* the languages first: every text is checked for each of them */
    rv = ngx_http_privacy_check_languages(&ck, doc);
    if (rv != NGX_CONF_OK) {
        return rv;
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

    return NGX_CONF_OK;
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

    for (i = 0; i < ck->pscf->nlangs; i++) {
        key = ngx_http_privacy_lang_code(ck->pscf->langs[i]);
        old = ngx_http_privacy_path_key(ck, key);

        s = json_object_get(v, key);

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


/*
 * "languages": the languages every text of the document carries, primary
 * language codes as ["sv", "en", "de"]; without it, sv and en.  Each is
 * one the pages can be shown in (docs/policy-document.md).
 */

static char *
ngx_http_privacy_check_languages(ngx_http_privacy_check_t *ck, json_t *doc)
{
    size_t        i, j, n;
    json_t       *v, *e;
    ngx_int_t     lang;
    const char   *code;

    ck->pscf->nlangs = 0;

    v = json_object_get(doc, "languages");

    if (v == NULL) {
        ck->pscf->langs[0] = NGX_HTTP_PRIVACY_LANG_SV;
        ck->pscf->langs[1] = NGX_HTTP_PRIVACY_LANG_EN;
        ck->pscf->nlangs = 2;
        return NGX_CONF_OK;
    }

    (void) ngx_http_privacy_path_key(ck, "languages");

    if (!json_is_array(v) || json_array_size(v) == 0
        || json_array_size(v) > NGX_HTTP_PRIVACY_SITE_LANGS)
    {
        return ngx_http_privacy_check_error(ck, "must be an array of 1 to "
                                            "%d language codes, as "
                                            "[\"sv\", \"en\"]",
                                            NGX_HTTP_PRIVACY_SITE_LANGS);
    }

    json_array_foreach(v, i, e) {
        (void) ngx_http_privacy_path_index(ck, i);

        code = json_string_value(e);
        n = code ? ngx_strlen(code) : 0;

        for (j = 0; j < n && code[j] >= 'a' && code[j] <= 'z'; j++) {
            /* void */
        }

        if (code == NULL || n < 2 || n > 3 || j != n) {
            return ngx_http_privacy_check_error(ck, "must be a language "
                                                "code of 2 or 3 lower case "
                                                "letters, as \"de\"");
        }

        lang = ngx_http_privacy_lang_index((u_char *) code, n, 1);
        if (lang == NGX_ERROR) {
            return ngx_http_privacy_check_error(ck, "too many languages "
                                                "in all policy documents");
        }

        for (j = 0; j < ck->pscf->nlangs; j++) {
            if (ck->pscf->langs[j] == (ngx_uint_t) lang) {
                return ngx_http_privacy_check_error(ck, "duplicate");
            }
        }

        ck->pscf->langs[ck->pscf->nlangs++] = lang;
        ck->len = sizeof("$.languages") - 1;
    }

    ck->len = 1;

    return NGX_CONF_OK;
}


