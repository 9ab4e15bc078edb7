/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document: loaded and validated at configuration time.
 *
 * The pages are built from the document and the live configuration (the
 * "privacy_retention" periods, the cookie classification of the portal's
 * location), so that what the policy says is what the module does; they
 * are served from ngx_http_privacy_policy_page.c.
 * The document's schema is described in docs/policy-document.md.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_utf8.h"
#include "ngx_http_privacy_duration.h"


#define NGX_HTTP_PRIVACY_PATH_MAX       256
#define NGX_HTTP_PRIVACY_QUOTE_MAX      64  /* bytes of a value in errors */
#define NGX_HTTP_PRIVACY_QUOTE_SIZE     (NGX_HTTP_PRIVACY_QUOTE_MAX + 8)
#define NGX_HTTP_PRIVACY_ID_MAX         64


/* where in the document the validation is: "$.purposes[2].retention" */
typedef struct {
    ngx_conf_t                      *cf;
    ngx_http_privacy_srv_conf_t     *pscf;
    size_t                           len;
    u_char                           path[NGX_HTTP_PRIVACY_PATH_MAX];
} ngx_http_privacy_check_t;


/*
 * Languages beyond sv and en that policy documents carry, by index - 2.
 * Per process and only ever added to (at configuration time), so that an
 * index stays valid across reloads; a few bytes each.
 */
#define NGX_HTTP_PRIVACY_LANGS_MAX      32

static u_char      ngx_http_privacy_langs[NGX_HTTP_PRIVACY_LANGS_MAX][4];
static ngx_uint_t  ngx_http_privacy_nlangs;


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
static char *ngx_http_privacy_check_languages(ngx_http_privacy_check_t *ck,
    json_t *doc);


/* loading and validation */

char *
ngx_http_privacy_policy_load(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf)
{
    char                      *rv;
    json_t                    *doc;
    json_error_t               err;
    ngx_file_info_t            fi;
    ngx_pool_cleanup_t        *cln;
    ngx_http_privacy_check_t   ck;

    if (ngx_conf_full_name(cf->cycle, &pscf->policy_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_file_info(pscf->policy_file.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_policy \"%V\": " ngx_file_info_n
                           " failed", &pscf->policy_file);
        return NGX_CONF_ERROR;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_policy \"%V\": not a regular file",
                           &pscf->policy_file);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    doc = json_load_file((char *) pscf->policy_file.data,
                         JSON_REJECT_DUPLICATES, &err);

    if (doc == NULL) {
        if (err.line > 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": invalid JSON at "
                               "line %d, column %d: %s",
                               &pscf->policy_file, err.line, err.column,
                               err.text);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "privacy_policy \"%V\": %s",
                               &pscf->policy_file, err.text);
        }

        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_privacy_policy_cleanup;
    cln->data = doc;

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

    pscf->policy = doc;

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

    if (ngx_http_privacy_retention_find(ck->pscf, name)) {
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
                       &ck->pscf->policy_file, ck->len, ck->path,
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

    n = ngx_http_privacy_utf8_cut(s, len, NGX_HTTP_PRIVACY_QUOTE_MAX);

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
