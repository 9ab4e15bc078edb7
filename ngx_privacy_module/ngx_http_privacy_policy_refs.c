/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the schema of the policy document cannot say: ids unique within a
 * list, references between parts that name existing elements, retention
 * categories that privacy_retention gives a period.
 */


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_policy_check.h"


static char *ngx_http_privacy_check_unique(ngx_http_privacy_check_t *ck,
    json_t *doc, const char *list);
static char *ngx_http_privacy_check_ids(ngx_http_privacy_check_t *ck,
    json_t *obj, const char *key, json_t *list, const char *what);
static char *ngx_http_privacy_check_retention(ngx_http_privacy_check_t *ck,
    const char *name);


/* what the schema cannot say: references between parts, and retention */

char *
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

    list = json_object_get(doc, "cookie_categories");
    old = ngx_http_privacy_path_key(ck, "cookie_categories");

    json_object_foreach(list, key, e) {

        if (key[0] == '_') {
            continue;
        }

        old2 = ngx_http_privacy_path_key(ck, key);

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
