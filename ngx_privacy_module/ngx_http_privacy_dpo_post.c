/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The dashboard's POSTs: a sweep now, a request extended or closed.  A
 * browser sends stored Basic credentials with another site's form too,
 * so each needs the site's own Origin and the form token of the page
 * (docs/security.md).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_dpo_int.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_report_analytics.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_store.h"


#define NGX_HTTP_PRIVACY_DPO_CSRF  "privacy_dpo_csrf"


static ngx_int_t ngx_http_privacy_dpo_post(ngx_http_request_t *r,
    u_char *body, size_t len);
static ngx_uint_t ngx_http_privacy_dpo_incident_field(
    ngx_http_privacy_dpo_incident_t *in, u_char *k, size_t klen, u_char *v,
    size_t n, ngx_str_t *occurred, ngx_str_t *discovered);
static ngx_int_t ngx_http_privacy_dpo_incident_act(ngx_http_request_t *r,
    ngx_int_t action, ngx_str_t *id, ngx_http_privacy_dpo_incident_t *in,
    ngx_str_t *occurred, ngx_str_t *discovered);
static ngx_int_t ngx_http_privacy_dpo_request_act(ngx_http_request_t *r,
    ngx_int_t action, ngx_str_t *id, ngx_int_t months, ngx_str_t *text);
static const char *ngx_http_privacy_dpo_mail_from(ngx_http_request_t *r);


/*
 * The form token: a MAC of the browser's binding cookie (scoped to the
 * DPO's location) under the form key, so that another site's form cannot
 * carry one (docs/security.md).  The binding is prefixed, so that a
 * token of the rights portal never passes here.
 */

ngx_int_t
ngx_http_privacy_dpo_token(ngx_http_request_t *r, u_char *out,
    ngx_uint_t set)
{
    u_char                          *p, rnd[18], bind[4 + 24];
    ngx_str_t                        csrf, v;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *conf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    conf = pmcf->rights;

    if (conf == NULL || !conf->keyed) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_rights_cookie(r, NGX_HTTP_PRIVACY_DPO_CSRF, &csrf)
        != NGX_OK
        || csrf.len != 24)
    {
        if (!set) {
            return NGX_DECLINED;
        }

        csrf.data = ngx_pnalloc(r->pool, 24);
        if (csrf.data == NULL
            || ngx_http_privacy_random(rnd, sizeof(rnd)) != 0)
        {
            return NGX_ERROR;
        }

        csrf.len = ngx_http_privacy_base64url_encode(rnd, sizeof(rnd),
                                                     csrf.data);

        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        p = ngx_pnalloc(r->pool, sizeof(NGX_HTTP_PRIVACY_DPO_CSRF "=")
                                 + 24 + sizeof("; Path=") + clcf->name.len
                                 + sizeof("; HttpOnly; SameSite=Strict"
                                          "; Secure"));
        if (p == NULL) {
            return NGX_ERROR;
        }

        v.data = p;
        p = ngx_sprintf(p, NGX_HTTP_PRIVACY_DPO_CSRF "=%V; Path=%V; "
                        "HttpOnly; SameSite=Strict", &csrf, &clcf->name);
#if (NGX_HTTP_SSL)
        if (r->connection->ssl) {
            p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
        }
#endif
        v.len = p - v.data;

        if (ngx_http_privacy_add_header(r, "Set-Cookie", &v) == NULL) {
            return NGX_ERROR;
        }
    }

    p = ngx_cpymem(bind, "dpo:", 4);
    ngx_memcpy(p, csrf.data, 24);

    return ngx_http_privacy_rights_form_token(conf->keys.form, bind,
                                              sizeof(bind), out) == 0
           ? NGX_OK : NGX_ERROR;
}


void
ngx_http_privacy_dpo_body(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  body;

    /* an incident's form is the largest: some kilobytes */
    rc = ngx_http_privacy_form_body(r, 65536, &body);

    if (rc == NGX_OK) {
        rc = ngx_http_privacy_dpo_post(r, body.data, body.len);
    }

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


static ngx_int_t
ngx_http_privacy_dpo_post(ngx_http_request_t *r, u_char *body, size_t len)
{
    u_char                        *k, *v;
    u_char                         want[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];
    size_t                         klen, vlen, n;
    ngx_int_t                      rc;
    ngx_int_t                      months, action;
    ngx_str_t                      token, arg, page, id, text;
    ngx_str_t                      occurred, discovered;
    ngx_uint_t                     dry;
    ngx_http_privacy_form_iter_t   it;
    ngx_http_privacy_dpo_incident_t  in;
    ngx_http_privacy_main_conf_t  *pmcf;

    /* CSRF: the site's own Origin, and a token bound to this browser */

    if (ngx_http_privacy_same_origin(r) == 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "privacy: DPO POST from another origin refused");
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret kom från en annan webbplats och togs inte emot.",
            "The form came from another site and was not accepted.");
    }

    ngx_str_null(&token);
    ngx_str_null(&id);
    ngx_str_null(&text);
    ngx_str_null(&occurred);
    ngx_str_null(&discovered);
    ngx_memzero(&in, sizeof(ngx_http_privacy_dpo_incident_t));
    dry = 0;
    months = 0;

    if (ngx_http_arg(r, (u_char *) "dry_run", 7, &arg) == NGX_OK
        && arg.len == 1 && arg.data[0] == '1')
    {
        dry = 1;
    }

    ngx_http_privacy_form_iter_init(&it, body, len);

    while (ngx_http_privacy_form_next(&it, (const u_char **) &k, &klen,
                                      (const u_char **) &v, &vlen))
    {
        n = ngx_http_privacy_form_decode(v, vlen, v);

        if (ngx_http_privacy_form_key_is(k, klen, "token")) {
            token.data = v;
            token.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "dry_run")) {
            dry = (n == 1 && v[0] == '1');

        } else if (ngx_http_privacy_dpo_incident_field(&in, k, klen, v, n,
                                                       &occurred,
                                                       &discovered))
        {
            /* void: an incident's field */

        } else if (ngx_http_privacy_form_key_is(k, klen, "request_id")
                   || ngx_http_privacy_form_key_is(k, klen, "incident_id"))
        {
            id.data = v;
            id.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "months")) {
            months = (n == 1 && (v[0] == '1' || v[0] == '2')) ? v[0] - '0'
                                                              : -1;

        } else if (ngx_http_privacy_form_key_is(k, klen, "reason")
                   || ngx_http_privacy_form_key_is(k, klen, "outcome"))
        {
            text.data = v;
            text.len = n;
        }
    }

    rc = ngx_http_privacy_dpo_token(r, want, 0);

    if (rc != NGX_OK || token.len != sizeof(want)
        || !ngx_http_privacy_ct_equal(want, token.data, sizeof(want)))
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "privacy: DPO POST without a valid form token "
                      "refused");
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret har gått ut. Ladda om sidan och försök igen.",
            "The form has expired. Reload the page and try again.");
    }

    ngx_http_privacy_dpo_below(r, &page);
    action = ngx_http_privacy_dpo_action(&page);

    if (action >= NGX_HTTP_PRIVACY_DPO_INCIDENT) {
        return ngx_http_privacy_dpo_incident_act(r, action, &id, &in,
                                                 &occurred, &discovered);
    }

    if (action != NGX_HTTP_PRIVACY_DPO_SHOW) {
        return ngx_http_privacy_dpo_request_act(r, action, &id, months,
                                                &text);
    }

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->store == NULL
        || ngx_http_privacy_store_sweep_now(pmcf->store, dry) != NGX_OK)
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_CONFLICT,
            "Ingen kategori gallras här: ange privacy_retention för "
            "analytics, analytics_aggregate eller consent.",
            "No category is swept here: set privacy_retention for "
            "analytics, analytics_aggregate or consent.");
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "privacy: the DPO asked for a retention sweep%s",
                  dry ? " (dry run)" : "");

    return ngx_http_privacy_dpo_redirect(r, "retention.html");
}


/*
 * notices to persons go out from the rights portal's address
 * (privacy_mail_command), NULL-terminated; NULL without one
 */

static const char *
ngx_http_privacy_dpo_mail_from(ngx_http_request_t *r)
{
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *rc;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    rc = pmcf->rights;

    if (rc && rc->mail_from.len) {
        return (const char *) rc->mail_from.data;
    }

    return NULL;
}


/* POST requests/extend and requests/close: checked, then a pool thread */

static ngx_int_t
ngx_http_privacy_dpo_request_act(ngx_http_request_t *r, ngx_int_t action,
    ngx_str_t *id, ngx_int_t months, ngx_str_t *text)
{
    ngx_http_privacy_dpo_task_t  *t;

    if (id->len == 0 || id->len >= sizeof(t->op.id)
        || ngx_strlchr(id->data, id->data + id->len, '\0') != NULL
        || text->len == 0 || text->len > 1000
        || (action == NGX_HTTP_PRIVACY_DPO_EXTEND && months <= 0))
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_BAD_REQUEST,
            "Välj ett ärende och fyll i skälet eller utfallet (högst 1000 "
            "tecken); en tidsfrist förlängs med en eller två månader.",
            "Choose a request and fill in the reason or the outcome (at "
            "most 1000 characters); a due date is extended by one or two "
            "months.");
    }

    t = ngx_http_privacy_dpo_task(r, NGX_HTTP_PRIVACY_DPO_REQUESTS,
                                  NGX_HTTP_PRIVACY_REPORT_HTML);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->op.action = (int) action;
    t->op.months = (int) months;
    ngx_memcpy(t->op.id, id->data, id->len);
    ngx_memcpy(t->op.text, text->data, text->len);
    t->op.text_len = text->len;
    t->op.mail_from = ngx_http_privacy_dpo_mail_from(r);

    return ngx_http_privacy_dpo_start(r, t);
}


/* a field of the incident form: 1 if it was one (kept in *in) */

static ngx_uint_t
ngx_http_privacy_dpo_incident_field(ngx_http_privacy_dpo_incident_t *in,
    u_char *k, size_t klen, u_char *v, size_t n, ngx_str_t *occurred,
    ngx_str_t *discovered)
{
    ngx_uint_t                     i;
    ngx_http_privacy_mail_text_t  *to;

    static const char  *names[] = { "what", "data_categories",
                                    "data_subjects", "consequences",
                                    "measures", "notify" };

    if (ngx_http_privacy_form_key_is(k, klen, "occurred")) {
        occurred->data = v;
        occurred->len = n;
        return 1;
    }

    if (ngx_http_privacy_form_key_is(k, klen, "discovered")) {
        discovered->data = v;
        discovered->len = n;
        return 1;
    }

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (ngx_http_privacy_form_key_is(k, klen, names[i])) {
            break;
        }
    }

    switch (i) {
    case 0: to = &in->what; break;
    case 1: to = &in->categories; break;
    case 2: to = &in->subjects; break;
    case 3: to = &in->consequences; break;
    case 4: to = &in->measures; break;
    case 5: to = &in->notify; break;
    default: return 0;
    }

    to->data = (char *) v;
    to->len = n;

    return 1;
}


/*
 * POST incidents (a breach registered, its notices queued),
 * incidents/reported and incidents/close: checked, then a pool thread
 */

static ngx_int_t
ngx_http_privacy_dpo_incident_act(ngx_http_request_t *r, ngx_int_t action,
    ngx_str_t *id, ngx_http_privacy_dpo_incident_t *in, ngx_str_t *occurred,
    ngx_str_t *discovered)
{
    ngx_http_privacy_dpo_task_t  *t;

    t = ngx_http_privacy_dpo_task(r, NGX_HTTP_PRIVACY_DPO_INCIDENTS,
                                  NGX_HTTP_PRIVACY_REPORT_HTML);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->op.action = (int) action;

    if (action != NGX_HTTP_PRIVACY_DPO_INCIDENT) {
        if (id->len == 0 || id->len >= sizeof(t->op.id)
            || ngx_strlchr(id->data, id->data + id->len, '\0') != NULL)
        {
            return ngx_http_privacy_dpo_message(r, NGX_HTTP_BAD_REQUEST,
                "Välj en incident.", "Choose an incident.");
        }

        ngx_memcpy(t->op.id, id->data, id->len);

        return ngx_http_privacy_dpo_start(r, t);
    }

    /* what art. 33(3) asks of a notification, all of it required */
    in->occurred = -1;
    in->discovered = ngx_time();

    if (in->what.len == 0 || in->categories.len == 0
        || in->subjects.len == 0 || in->consequences.len == 0
        || in->measures.len == 0
        || in->what.len > 8000 || in->categories.len > 8000
        || in->subjects.len > 8000 || in->consequences.len > 8000
        || in->measures.len > 8000
        || (occurred->len
            && ngx_http_privacy_datetime_parse(occurred->data, occurred->len,
                                               &in->occurred) != 0)
        || (discovered->len
            && ngx_http_privacy_datetime_parse(discovered->data,
                                               discovered->len,
                                               &in->discovered) != 0)
        || in->discovered > ngx_time() + 60)
    {
        return ngx_http_privacy_dpo_message(r, NGX_HTTP_BAD_REQUEST,
            "Beskriv vad som hände, vilka uppgifter och personer som berörs,"
            " troliga följder och åtgärder; tider skrivs "
            "ÅÅÅÅ-MM-DDTHH:MM (UTC), upptäckten inte i framtiden.",
            "Describe what happened, which data and persons are affected, "
            "the likely consequences and the measures; times are written "
            "YYYY-MM-DDTHH:MM (UTC), the discovery not in the future.");
    }

    t->op.incident = ngx_palloc(r->pool,
                                sizeof(ngx_http_privacy_dpo_incident_t));
    if (t->op.incident == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *t->op.incident = *in;

    t->op.mail_from = ngx_http_privacy_dpo_mail_from(r);

    return ngx_http_privacy_dpo_start(r, t);
}
