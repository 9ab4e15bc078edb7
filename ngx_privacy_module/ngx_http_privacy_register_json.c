/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's JSON bodies (docs/api.md): jansson parses, this file
 * checks every field into plain structs.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_json_arena.h"
#include "ngx_http_privacy_register_fields.h"
#include "ngx_http_privacy_register_json.h"


typedef struct {
    const char  *name;
    size_t       max;
    int          newlines;      /* a postal address spans lines */
} ngx_http_privacy_rj_text_t;


static int ngx_http_privacy_rj_order_object(json_t *o,
    ngx_http_privacy_rj_order_t *order, char *error);
static int ngx_http_privacy_rj_items(json_t *v, char **out, char *error);


int
ngx_http_privacy_rj_subject(const u_char *buf, size_t len, int with_orders,
    const ngx_http_privacy_rj_today_t *today,
    ngx_http_privacy_rj_subject_t *s)
{
    size_t       i;
    json_t      *v, *o;
    const char  *key;

    memset(s, 0, sizeof(*s));

    s->root = ngx_http_privacy_rj_load(buf, len, s->error);
    if (s->root == NULL) {
        return -1;
    }

    json_object_foreach(s->root, key, v) {

        if (strcmp(key, "external_id") == 0) {
            if (ngx_http_privacy_rj_id(v, key, &s->external_id, s->error)) {
                return -1;
            }

        } else if (strcmp(key, "kind") == 0) {
            if (ngx_http_privacy_rj_kinds(v, &s->kinds, s->error)) {
                return -1;
            }

        } else if (strcmp(key, "name") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 200, 0, 1, &s->name,
                                           s->error))
            {
                return -1;
            }

        } else if (strcmp(key, "address") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 500, 1, 1, &s->address,
                                           s->error))
            {
                return -1;
            }

        } else if (strcmp(key, "phone") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 40, 0, 1, &s->phone,
                                           s->error))
            {
                return -1;
            }

            if (s->phone.state == NGX_HTTP_PRIVACY_RJ_VALUE
                && !ngx_http_privacy_rj_phone(&s->phone))
            {
                ngx_http_privacy_rj_fail(s->error, "phone: not a telephone "
                                         "number");
            }

        } else if (strcmp(key, "email") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 254, 0, 1, &s->email,
                                           s->error))
            {
                return -1;
            }

            if (s->email.state == NGX_HTTP_PRIVACY_RJ_VALUE
                && !ngx_http_privacy_rj_email(&s->email))
            {
                ngx_http_privacy_rj_fail(s->error, "email: not an e-mail "
                                         "address");
            }

        } else if (strcmp(key, "personnummer") == 0) {
            if (json_is_null(v)) {
                s->pnr_state = NGX_HTTP_PRIVACY_RJ_NULL;
                continue;
            }

            /* the message never repeats the number */
            if (!json_is_string(v)
                || ngx_http_privacy_pnr_parse(
                       (const u_char *) json_string_value(v),
                       json_string_length(v), today->year, today->month,
                       today->day, &s->pnr)
                   != 0)
            {
                ngx_http_privacy_rj_fail(s->error, "personnummer: not a "
                                         "valid personnummer or "
                                         "samordningsnummer");
            }

            s->pnr_state = NGX_HTTP_PRIVACY_RJ_VALUE;

        } else if (strcmp(key, "last_activity") == 0) {
            if (ngx_http_privacy_rj_time(v, key, 1, &s->last_activity,
                                         s->error))
            {
                return -1;
            }

        } else if (strcmp(key, "relationship_ended") == 0) {
            if (ngx_http_privacy_rj_time(v, key, 1, &s->relationship_ended,
                                         s->error))
            {
                return -1;
            }

        } else if (with_orders && strcmp(key, "orders") == 0) {
            if (!json_is_array(v)
                || json_array_size(v) > NGX_HTTP_PRIVACY_RJ_ORDERS_MAX)
            {
                ngx_http_privacy_rj_fail(s->error, "orders: an array of at "
                                         "most %d orders is expected",
                                         NGX_HTTP_PRIVACY_RJ_ORDERS_MAX);
            }

            if (json_array_size(v) == 0) {
                continue;
            }

            s->orders = calloc(json_array_size(v),
                               sizeof(ngx_http_privacy_rj_order_t));
            if (s->orders == NULL) {
                ngx_http_privacy_rj_fail(s->error, "out of memory");
            }

            json_array_foreach(v, i, o) {
                s->norders = i + 1;

                if (ngx_http_privacy_rj_order_object(o, &s->orders[i],
                                                     s->error))
                {
                    return -1;
                }
            }

        } else {
            ngx_http_privacy_rj_fail(s->error, "unknown field");
        }
    }

    if (s->external_id.state != NGX_HTTP_PRIVACY_RJ_VALUE) {
        ngx_http_privacy_rj_fail(s->error, "external_id: required");
    }

    return 0;
}


void
ngx_http_privacy_rj_subject_free(ngx_http_privacy_rj_subject_t *s)
{
    size_t  i;

    for (i = 0; i < s->norders; i++) {
        ngx_http_privacy_json_free(s->orders[i].items);
    }

    free(s->orders);

    if (s->root) {
        json_decref(s->root);
    }

    s->orders = NULL;
    s->norders = 0;
    s->root = NULL;
}


int
ngx_http_privacy_rj_order(const u_char *buf, size_t len,
    ngx_http_privacy_rj_order_t *o, json_t **root, char *error)
{
    memset(o, 0, sizeof(*o));

    *root = ngx_http_privacy_rj_load(buf, len, error);
    if (*root == NULL) {
        return -1;
    }

    return ngx_http_privacy_rj_order_object(*root, o, error);
}


void
ngx_http_privacy_rj_order_free(ngx_http_privacy_rj_order_t *o, json_t *root)
{
    ngx_http_privacy_json_free(o->items);
    o->items = NULL;

    if (root) {
        json_decref(root);
    }
}


int
ngx_http_privacy_rj_event(const u_char *buf, size_t len, int with_kind,
    ngx_http_privacy_rj_event_t *e)
{
    int          rc;
    json_t      *root, *v;
    const char  *key;

    memset(e, 0, sizeof(*e));

    if (len == 0) {
        return 0;
    }

    root = ngx_http_privacy_rj_load(buf, len, e->error);
    if (root == NULL) {
        return -1;
    }

    rc = 0;

    json_object_foreach(root, key, v) {

        if (strcmp(key, "at") == 0) {
            rc = ngx_http_privacy_rj_time(v, key, 0, &e->at, e->error);

        } else if (with_kind && strcmp(key, "kind") == 0) {
            rc = ngx_http_privacy_rj_kinds(v, &e->kinds, e->error);

        } else {
            snprintf(e->error, sizeof(e->error), "unknown field");
            rc = -1;
        }

        if (rc) {
            break;
        }
    }

    json_decref(root);

    return rc;
}


int
ngx_http_privacy_rj_record(const u_char *buf, size_t len,
    ngx_http_privacy_rj_record_t *rec)
{
    size_t                      i;
    json_t                     *v;
    const char                 *key;
    ngx_http_privacy_rj_time_t  t;

    memset(rec, 0, sizeof(*rec));

    rec->root = ngx_http_privacy_rj_load(buf, len, rec->error);
    if (rec->root == NULL) {
        return -1;
    }

    t.state = NGX_HTTP_PRIVACY_RJ_ABSENT;

    json_object_foreach(rec->root, key, v) {

        if (strcmp(key, "external_id") == 0) {
            if (ngx_http_privacy_rj_id(v, key, &rec->external_id,
                                       rec->error))
            {
                return -1;
            }

        } else if (strcmp(key, "category") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 32, 0, 0, &rec->category,
                                           rec->error))
            {
                return -1;
            }

            /* a category is a word, as in privacy_retention */
            for (i = 0; i < rec->category.len; i++) {
                if (!((rec->category.data[i] >= 'a'
                       && rec->category.data[i] <= 'z')
                      || rec->category.data[i] == '_'))
                {
                    ngx_http_privacy_rj_fail(rec->error, "category: "
                                             "lowercase letters and \"_\" "
                                             "only");
                }
            }

        } else if (strcmp(key, "reference") == 0) {
            if (ngx_http_privacy_rj_string(v, key, 256, 0, 0,
                                           &rec->reference, rec->error))
            {
                return -1;
            }

        } else if (strcmp(key, "reference_date") == 0) {
            if (ngx_http_privacy_rj_time(v, key, 0, &t, rec->error)) {
                return -1;
            }

            rec->reference_date = t.t;

        } else {
            ngx_http_privacy_rj_fail(rec->error, "unknown field");
        }
    }

    if (rec->category.state != NGX_HTTP_PRIVACY_RJ_VALUE
        || rec->category.len == 0)
    {
        ngx_http_privacy_rj_fail(rec->error, "category: required");
    }

    if (rec->reference.state != NGX_HTTP_PRIVACY_RJ_VALUE
        || rec->reference.len == 0)
    {
        ngx_http_privacy_rj_fail(rec->error, "reference: required");
    }

    if (t.state != NGX_HTTP_PRIVACY_RJ_VALUE) {
        ngx_http_privacy_rj_fail(rec->error, "reference_date: required");
    }

    return 0;
}


void
ngx_http_privacy_rj_record_free(ngx_http_privacy_rj_record_t *rec)
{
    if (rec->root) {
        json_decref(rec->root);
        rec->root = NULL;
    }
}


static int
ngx_http_privacy_rj_order_object(json_t *o,
    ngx_http_privacy_rj_order_t *order, char *error)
{
    int                         seen_date, seen_total;
    size_t                      i, n;
    json_t                     *v;
    const char                 *key, *s;
    ngx_http_privacy_rj_str_t   cur;
    ngx_http_privacy_rj_time_t  t;

    if (!json_is_object(o)) {
        ngx_http_privacy_rj_fail(error, "orders: objects are expected");
    }

    seen_date = seen_total = 0;

    json_object_foreach(o, key, v) {

        if (strcmp(key, "order_id") == 0) {
            if (ngx_http_privacy_rj_id(v, "order_id", &order->order_id,
                                       error))
            {
                return -1;
            }

        } else if (strcmp(key, "date") == 0) {
            if (ngx_http_privacy_rj_time(v, "date", 0, &t, error)) {
                return -1;
            }

            order->placed = t.t;
            seen_date = 1;

        } else if (strcmp(key, "total") == 0) {
            /* a decimal string or number: kept as sent, never rounded */
            if (json_is_integer(v)) {
                snprintf(order->total, sizeof(order->total), "%lld",
                         (long long) json_integer_value(v));

            } else if (json_is_string(v)) {
                s = json_string_value(v);
                n = json_string_length(v);

                if (n == 0 || n >= sizeof(order->total)) {
                    goto bad_total;
                }

                for (i = 0; i < n; i++) {
                    if (!((s[i] >= '0' && s[i] <= '9')
                          || (s[i] == '.' && i > 0 && i + 1 < n)
                          || (s[i] == '-' && i == 0 && n > 1)))
                    {
                        goto bad_total;
                    }
                }

                if (strchr(s, '.') != strrchr(s, '.')) {
                    goto bad_total;
                }

                memcpy(order->total, s, n + 1);

            } else if (json_is_real(v)) {
                snprintf(order->total, sizeof(order->total), "%.2f",
                         json_real_value(v));

            } else {
                goto bad_total;
            }

            seen_total = 1;

        } else if (strcmp(key, "currency") == 0) {
            if (ngx_http_privacy_rj_string(v, "currency", 3, 0, 0, &cur,
                                           error))
            {
                return -1;
            }

            /* ISO 4217 alphabetic code */
            if (cur.len != 3
                || cur.data[0] < 'A' || cur.data[0] > 'Z'
                || cur.data[1] < 'A' || cur.data[1] > 'Z'
                || cur.data[2] < 'A' || cur.data[2] > 'Z')
            {
                ngx_http_privacy_rj_fail(error, "currency: an ISO 4217 "
                                         "code such as \"SEK\" expected");
            }

            memcpy(order->currency, cur.data, 3);
            order->currency[3] = '\0';

        } else if (strcmp(key, "items") == 0) {
            if (order->items == NULL
                && ngx_http_privacy_rj_items(v, &order->items, error))
            {
                return -1;
            }

        } else {
            ngx_http_privacy_rj_fail(error, "orders: unknown field");
        }
    }

    if (order->order_id.state != NGX_HTTP_PRIVACY_RJ_VALUE) {
        ngx_http_privacy_rj_fail(error, "order_id: required");
    }

    if (!seen_date || !seen_total || order->currency[0] == '\0') {
        ngx_http_privacy_rj_fail(error, "orders: order_id, date, total and "
                                 "currency are required");
    }

    if (order->items == NULL) {
        order->items = strdup("[]");
        if (order->items == NULL) {
            ngx_http_privacy_rj_fail(error, "out of memory");
        }
    }

    return 0;

bad_total:

    ngx_http_privacy_rj_fail(error, "total: a decimal number expected");
}


/* items: [{"sku", "name", "quantity", "price"}], stored as compact JSON */

static int
ngx_http_privacy_rj_items(json_t *v, char **out, char *error)
{
    size_t                      i;
    json_t                     *item, *f;
    const char                 *key;
    ngx_http_privacy_rj_str_t   s;

    if (!json_is_array(v) || json_array_size(v) > 1000) {
        ngx_http_privacy_rj_fail(error, "items: an array of at most 1000 "
                                 "items expected");
    }

    json_array_foreach(v, i, item) {
        if (!json_is_object(item)) {
            ngx_http_privacy_rj_fail(error, "items: objects expected");
        }

        json_object_foreach(item, key, f) {
            if (strcmp(key, "sku") == 0 || strcmp(key, "name") == 0) {
                if (ngx_http_privacy_rj_string(f, key, 200, 0, 0, &s,
                                               error))
                {
                    return -1;
                }

            } else if (strcmp(key, "quantity") == 0) {
                if (!json_is_integer(f) || json_integer_value(f) < 0
                    || json_integer_value(f) > 1000000)
                {
                    ngx_http_privacy_rj_fail(error, "quantity: a whole "
                                             "number expected");
                }

            } else if (strcmp(key, "price") == 0) {
                if (!json_is_number(f) && !json_is_string(f)) {
                    ngx_http_privacy_rj_fail(error, "price: a number "
                                             "expected");
                }

                if (json_is_string(f)
                    && ngx_http_privacy_rj_string(f, key, 31, 0, 0, &s,
                                                  error))
                {
                    return -1;
                }

            } else {
                ngx_http_privacy_rj_fail(error, "items: unknown field");
            }
        }
    }

    *out = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (*out == NULL) {
        ngx_http_privacy_rj_fail(error, "out of memory");
    }

    return 0;
}
