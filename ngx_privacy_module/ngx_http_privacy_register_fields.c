/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's fields, one check each; see the header.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_register_fields.h"


static const char  *ngx_http_privacy_rj_kinds_names[] = {
    "customer", "supplier", "club", "newsletter"
};


int
ngx_http_privacy_rj_valid_id(const char *s, size_t len)
{
    size_t  i;
    u_char  c;

    if (len == 0 || len > NGX_HTTP_PRIVACY_RJ_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = (u_char) s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=:@", c))
        {
            if (c != '\0') {
                continue;
            }
        }

        return 0;
    }

    return 1;
}


const char *
ngx_http_privacy_rj_kind_name(unsigned i)
{
    return i < NGX_HTTP_PRIVACY_KIND_COUNT
           ? ngx_http_privacy_rj_kinds_names[i] : NULL;
}


json_t *
ngx_http_privacy_rj_load(const u_char *buf, size_t len, char *error)
{
    json_t        *root;
    json_error_t   je;

    /* no duplicate keys: which of two values counts would be a guess */
    root = json_loadb((const char *) buf, len, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        /* jansson's text names a position, never the input */
        snprintf(error, NGX_HTTP_PRIVACY_RJ_ERROR_LEN,
                 "malformed JSON at line %d, column %d", je.line,
                 je.column);
        return NULL;
    }

    if (!json_is_object(root)) {
        json_decref(root);
        snprintf(error, NGX_HTTP_PRIVACY_RJ_ERROR_LEN,
                 "a JSON object is expected");
        return NULL;
    }

    return root;
}


int
ngx_http_privacy_rj_string(json_t *v, const char *name, size_t max,
    int newlines, int nullable, ngx_http_privacy_rj_str_t *out, char *error)
{
    size_t       i;
    const char  *s;

    if (nullable && json_is_null(v)) {
        out->state = NGX_HTTP_PRIVACY_RJ_NULL;
        return 0;
    }

    if (!json_is_string(v)) {
        ngx_http_privacy_rj_fail(error, "%s: a string is expected", name);
    }

    s = json_string_value(v);
    out->len = json_string_length(v);

    if (out->len > max) {
        ngx_http_privacy_rj_fail(error, "%s: longer than %zu bytes", name,
                                 max);
    }

    /* jansson checked UTF-8; control characters have no place here */
    for (i = 0; i < out->len; i++) {
        if (((u_char) s[i] < 0x20 && !(newlines && s[i] == '\n'))
            || s[i] == 0x7f)
        {
            ngx_http_privacy_rj_fail(error, "%s: control characters are "
                                     "not allowed", name);
        }
    }

    out->data = s;
    out->state = NGX_HTTP_PRIVACY_RJ_VALUE;

    return 0;
}


int
ngx_http_privacy_rj_id(json_t *v, const char *name,
    ngx_http_privacy_rj_str_t *out, char *error)
{
    if (!json_is_string(v)
        || !ngx_http_privacy_rj_valid_id(json_string_value(v),
                                         json_string_length(v)))
    {
        ngx_http_privacy_rj_fail(error, "%s: 1 to %d letters, digits or "
                                 "-._~!$&'()*+,;=:@ expected", name,
                                 NGX_HTTP_PRIVACY_RJ_ID_MAX);
    }

    out->data = json_string_value(v);
    out->len = json_string_length(v);
    out->state = NGX_HTTP_PRIVACY_RJ_VALUE;

    return 0;
}


int
ngx_http_privacy_rj_time(json_t *v, const char *name, int nullable,
    ngx_http_privacy_rj_time_t *out, char *error)
{
    if (nullable && json_is_null(v)) {
        out->state = NGX_HTTP_PRIVACY_RJ_NULL;
        return 0;
    }

    if (!json_is_string(v)
        || ngx_http_privacy_rfc3339_parse(json_string_value(v),
                                          json_string_length(v), &out->t)
           != 0)
    {
        ngx_http_privacy_rj_fail(error, "%s: an RFC 3339 date or date-time "
                                 "is expected", name);
    }

    out->state = NGX_HTTP_PRIVACY_RJ_VALUE;

    return 0;
}


/* "kind": one name or an array of names */

int
ngx_http_privacy_rj_kinds(json_t *v, unsigned *kinds, char *error)
{
    size_t       i, n;
    json_t      *e;
    unsigned     k;
    const char  *s;

    n = json_is_array(v) ? json_array_size(v) : 1;

    if (n == 0 || n > NGX_HTTP_PRIVACY_KIND_COUNT) {
        goto invalid;
    }

    for (i = 0; i < n; i++) {
        e = json_is_array(v) ? json_array_get(v, i) : v;

        if (!json_is_string(e)) {
            goto invalid;
        }

        s = json_string_value(e);

        for (k = 0; k < NGX_HTTP_PRIVACY_KIND_COUNT; k++) {
            if (strcmp(s, ngx_http_privacy_rj_kinds_names[k]) == 0
                && strlen(s) == json_string_length(e))
            {
                *kinds |= 1u << k;
                break;
            }
        }

        if (k == NGX_HTTP_PRIVACY_KIND_COUNT) {
            goto invalid;
        }
    }

    return 0;

invalid:

    ngx_http_privacy_rj_fail(error, "kind: \"customer\", \"supplier\", "
                             "\"club\" or \"newsletter\" (or an array of "
                             "them) expected");
}


/* an addr-spec shape (RFC 5322 3.4.1), not a deliverability check */

int
ngx_http_privacy_rj_email(const ngx_http_privacy_rj_str_t *s)
{
    size_t  i, at;

    at = s->len;

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == ' ' || s->data[i] == '<' || s->data[i] == '>'
            || s->data[i] == ',' || s->data[i] == '"')
        {
            return 0;
        }

        if (s->data[i] == '@') {
            if (at != s->len) {
                return 0;
            }

            at = i;
        }
    }

    return at > 0 && at + 1 < s->len;
}


int
ngx_http_privacy_rj_phone(const ngx_http_privacy_rj_str_t *s)
{
    size_t  i;

    for (i = 0; i < s->len; i++) {
        if (!((s->data[i] >= '0' && s->data[i] <= '9')
              || strchr("+-() ", s->data[i])))
        {
            return 0;
        }
    }

    return s->len > 0;
}
