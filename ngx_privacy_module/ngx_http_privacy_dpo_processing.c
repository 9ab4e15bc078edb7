/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The record of processing activities (GDPR art. 30(1)) for the DPO's
 * dashboard (docs/dpo-guide.md): the controller and its DPO, each
 * purpose with its legal basis, the data subjects, the data categories,
 * the recipients and transfers from the site's policy document, and the
 * retention the live privacy_retention periods enforce.  On the event
 * loop: the document is this worker's configuration (the thread never
 * touches it) and nothing here reads the register.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_dpo_int.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_activities_cols[] =
{
    { "purpose", { "Ändamål", "Purpose" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "legal_basis", { "Rättslig grund", "Legal basis" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "data_subjects", { "Registrerade", "Data subjects" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "data_categories", { "Personuppgifter", "Personal data" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "recipients", { "Mottagare", "Recipients" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "transfers", { "Överföring till tredje land", "Third-country transfers" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "retention", { "Lagringstid", "Retention" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_activities = {
    "activities",
    { "Behandlingar", "Processing activities" },
    { "Policydokumentet (privacy_policy) beskriver inga ändamål.",
      "The policy document (privacy_policy) describes no purposes." },
    ngx_http_privacy_dpo_activities_cols,
    sizeof(ngx_http_privacy_dpo_activities_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static const ngx_http_privacy_rcol_t  ngx_http_privacy_dpo_periods_cols[] = {
    { "category", { "Kategori", "Category" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "retention", { "Lagringstid", "Retention" },
      NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "in_words", { "I ord", "In words" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
};

static const ngx_http_privacy_rdef_t  ngx_http_privacy_dpo_periods = {
    "retention",
    { "Lagringstider som tillämpas", "Retention as enforced" },
    { "Inga lagringstider är inställda (privacy_retention).",
      "No retention is configured (privacy_retention)." },
    ngx_http_privacy_dpo_periods_cols,
    sizeof(ngx_http_privacy_dpo_periods_cols)
        / sizeof(ngx_http_privacy_rcol_t)
};


static void ngx_http_privacy_dpo_names_of(ngx_http_privacy_rbuf_t *b,
    json_t *ids, json_t *list, ngx_uint_t lang);
static void ngx_http_privacy_dpo_party(ngx_http_privacy_report_t *rp,
    json_t *policy, const char *key, const char *sv, const char *en,
    ngx_uint_t lang);
static void ngx_http_privacy_dpo_cell(ngx_http_privacy_rtable_t *t,
    size_t col, ngx_http_privacy_rbuf_t *b);


/* builds the report into t->op.out, as the pool thread does the others */

ngx_int_t
ngx_http_privacy_dpo_processing(ngx_http_request_t *r,
    ngx_http_privacy_dpo_task_t *t)
{
    u_char                          words[128];
    size_t                          i, j, k, m, n;
    json_t                         *policy, *purposes, *p, *v, *x, *tr;
    json_t                         *rids;
    ngx_str_t                       s;
    ngx_uint_t                      lang, hit;
    ngx_http_privacy_rbuf_t         b;
    ngx_http_privacy_report_t       rp;
    ngx_http_privacy_rtable_t      *at, *pt;
    ngx_http_privacy_srv_conf_t    *pscf;
    ngx_http_privacy_retention_t   *rt;
    const ngx_http_privacy_term_t  *term;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);
    policy = pscf->policy;
    lang = t->page.lang;

    ngx_memzero(&rp, sizeof(rp));
    ngx_memzero(&b, sizeof(b));
    rp.lang = (int) t->op.lang;

    if (policy) {
        ngx_http_privacy_dpo_party(&rp, policy, "controller",
                                   "Personuppgiftsansvarig", "Controller",
                                   lang);
        ngx_http_privacy_dpo_party(&rp, policy, "dpo", "Dataskyddsombud",
                                   "Data protection officer", lang);
        ngx_http_privacy_dpo_party(&rp, policy, "supervisory_authority",
                                   "Tillsynsmyndighet",
                                   "Supervisory authority", lang);

    } else {
        ngx_http_privacy_rbuf_str(&rp.html, t->op.lang
            ? "<p class=\"alert box\">No policy document is configured "
              "(privacy_policy): the record lists the retention only.</p>\n"
            : "<p class=\"alert box\">Inget policydokument är inställt "
              "(privacy_policy): förteckningen visar bara "
              "lagringstiderna.</p>\n");
    }

    at = ngx_http_privacy_report_table(&rp,
                                       &ngx_http_privacy_dpo_activities);
    purposes = policy ? json_object_get(policy, "purposes") : NULL;

    for (i = 0; i < json_array_size(purposes); i++) {
        p = json_array_get(purposes, i);

        if (ngx_http_privacy_rtable_row(at) != 0) {
            break;
        }

        /* the purpose: its name and what it is for */
        b.len = 0;

        if (ngx_http_privacy_text(p, "name", lang, &s) == NGX_OK) {
            ngx_http_privacy_rbuf_add(&b, s.data, s.len);
        }

        if (ngx_http_privacy_text(p, "description", lang, &s) == NGX_OK) {
            ngx_http_privacy_rbuf_str(&b, ": ");
            ngx_http_privacy_rbuf_add(&b, s.data, s.len);
        }

        ngx_http_privacy_dpo_cell(at, 0, &b);

        v = json_object_get(p, "legal_basis");
        term = json_is_string(v)
               ? ngx_http_privacy_term(ngx_http_privacy_legal_bases,
                                       json_string_value(v))
               : NULL;

        if (term) {
            ngx_http_privacy_rtable_text(at, 1,
                (u_char *) term->title[ngx_min(lang, 1)],
                ngx_strlen(term->title[ngx_min(lang, 1)]));
        }

        if (ngx_http_privacy_text(p, "subjects", lang, &s) == NGX_OK) {
            ngx_http_privacy_rtable_text(at, 2, s.data, s.len);
        }

        b.len = 0;
        ngx_http_privacy_dpo_names_of(&b, json_object_get(p,
                                                          "data_categories"),
                                      json_object_get(policy,
                                                      "data_categories"),
                                      lang);
        ngx_http_privacy_dpo_cell(at, 3, &b);

        b.len = 0;
        ngx_http_privacy_dpo_names_of(&b, json_object_get(p, "recipients"),
                                      json_object_get(policy, "recipients"),
                                      lang);
        ngx_http_privacy_dpo_cell(at, 4, &b);

        /* the transfers that name one of the purpose's recipients */
        b.len = 0;
        tr = json_object_get(policy, "transfers");

        for (j = 0; j < json_array_size(tr); j++) {
            x = json_array_get(tr, j);
            rids = json_object_get(x, "recipients");
            hit = 0;

            for (k = 0; k < json_array_size(rids) && !hit; k++) {
                v = json_object_get(p, "recipients");

                for (m = 0; m < json_array_size(v); m++) {
                    if (json_equal(json_array_get(v, m),
                                   json_array_get(rids, k)))
                    {
                        hit = 1;
                        break;
                    }
                }
            }

            if (!hit) {
                continue;
            }

            if (b.len) {
                ngx_http_privacy_rbuf_str(&b, "; ");
            }

            if (ngx_http_privacy_text(x, "countries", lang, &s) == NGX_OK) {
                ngx_http_privacy_rbuf_add(&b, s.data, s.len);
            }

            v = json_object_get(x, "safeguard");
            term = json_is_string(v)
                   ? ngx_http_privacy_term(ngx_http_privacy_safeguards,
                                           json_string_value(v))
                   : NULL;

            if (term) {
                ngx_http_privacy_rbuf_str(&b, t->op.lang ? ", under "
                                                         : ", med stöd av ");
                ngx_http_privacy_rbuf_str(&b, term->title[ngx_min(lang, 1)]);
            }
        }

        if (b.len == 0) {
            ngx_http_privacy_rbuf_str(&b, t->op.lang ? "none" : "ingen");
        }

        ngx_http_privacy_dpo_cell(at, 5, &b);

        /* the periods as configured, not as the document words them */
        b.len = 0;
        v = json_object_get(p, "retention");

        for (j = 0; j < json_array_size(v); j++) {
            x = json_array_get(v, j);

            if (!json_is_string(x)) {
                continue;
            }

            if (b.len) {
                ngx_http_privacy_rbuf_str(&b, ", ");
            }

            ngx_http_privacy_rbuf_str(&b, json_string_value(x));
            rt = ngx_http_privacy_retention_find(pscf, json_string_value(x));

            if (rt) {
                n = ngx_http_privacy_duration_words(rt->text.data,
                                                    rt->text.len,
                                                    (unsigned) t->op.lang,
                                                    words, sizeof(words));
                ngx_http_privacy_rbuf_str(&b, " ");
                ngx_http_privacy_rbuf_add(&b, words, n);

            } else {
                ngx_http_privacy_rbuf_str(&b, t->op.lang
                                              ? " (no period configured)"
                                              : " (ingen tid inställd)");
            }
        }

        ngx_http_privacy_dpo_cell(at, 6, &b);
    }

    pt = ngx_http_privacy_report_table(&rp, &ngx_http_privacy_dpo_periods);
    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        if (ngx_http_privacy_rtable_row(pt) != 0) {
            break;
        }

        ngx_http_privacy_rtable_text(pt, 0, rt[i].category.data,
                                     rt[i].category.len);
        ngx_http_privacy_rtable_text(pt, 1, rt[i].text.data, rt[i].text.len);

        n = ngx_http_privacy_duration_words(rt[i].text.data, rt[i].text.len,
                                            (unsigned) t->op.lang, words,
                                            sizeof(words));
        ngx_http_privacy_rtable_text(pt, 2, words, n);
    }

    if (policy
        && ngx_http_privacy_text(json_object_get(policy, "security"), "text",
                                 lang, &s)
           == NGX_OK)
    {
        ngx_http_privacy_rbuf_str(&rp.json, "\"security\":");
        ngx_http_privacy_rbuf_json(&rp.json, s.data, s.len);
        ngx_http_privacy_rbuf_str(&rp.json, ",");
    }

    ngx_http_privacy_rbuf_printf(&rp.json, "\"policy_version\":");
    ngx_http_privacy_rbuf_json(&rp.json, pscf->version.data,
                               pscf->version.len);
    ngx_http_privacy_rbuf_str(&rp.json, ",");

    ngx_http_privacy_rbuf_free(&b);

    if (ngx_http_privacy_report_render(&rp, (int) t->op.format, t->op.csv,
                                       &t->op.out)
        != 0)
    {
        if (!t->op.out.failed) {
            t->op.not_found = 1;
        }
    }

    ngx_http_privacy_report_free(&rp);

    return ngx_http_privacy_dpo_answer(r, t);
}


static void
ngx_http_privacy_dpo_cell(ngx_http_privacy_rtable_t *t, size_t col,
    ngx_http_privacy_rbuf_t *b)
{
    if (b->failed) {
        t->failed = 1;
        return;
    }

    if (b->len) {
        ngx_http_privacy_rtable_text(t, col, b->data, b->len);
    }
}


/* the names of the ids (a list of strings) found in list, by "id" */

static void
ngx_http_privacy_dpo_names_of(ngx_http_privacy_rbuf_t *b, json_t *ids,
    json_t *list, ngx_uint_t lang)
{
    size_t      i;
    json_t     *id, *item;
    ngx_str_t   s;

    for (i = 0; i < json_array_size(ids); i++) {
        id = json_array_get(ids, i);

        if (!json_is_string(id)) {
            continue;
        }

        if (b->len) {
            ngx_http_privacy_rbuf_str(b, ", ");
        }

        item = ngx_http_privacy_list_find(list, json_string_value(id));

        if (item && ngx_http_privacy_text(item, "name", lang, &s) == NGX_OK)
        {
            ngx_http_privacy_rbuf_add(b, s.data, s.len);

        } else {
            ngx_http_privacy_rbuf_str(b, json_string_value(id));
        }
    }
}


/* the controller, the DPO or the authority: a heading and its contacts */

static void
ngx_http_privacy_dpo_party(ngx_http_privacy_report_t *rp, json_t *policy,
    const char *key, const char *sv, const char *en, ngx_uint_t lang)
{
    size_t       i;
    json_t      *o, *v;
    ngx_str_t    s;
    const char  *field;

    static const char  *fields[] = { "organisation_number", "email", "url",
                                     "phone", NULL };

    o = json_object_get(policy, key);
    if (!json_is_object(o)) {
        return;
    }

    ngx_http_privacy_rbuf_printf(&rp->html, "<h2>%s</h2>\n<p>",
                                 rp->lang ? en : sv);
    ngx_http_privacy_rbuf_printf(&rp->json, "\"%s\":{", key);

    if (ngx_http_privacy_text(o, "name", lang, &s) == NGX_OK) {
        ngx_http_privacy_rbuf_html(&rp->html, s.data, s.len);
        ngx_http_privacy_rbuf_str(&rp->json, "\"name\":");
        ngx_http_privacy_rbuf_json(&rp->json, s.data, s.len);
        ngx_http_privacy_rbuf_str(&rp->json, ",");
    }

    if (ngx_http_privacy_text(o, "address", lang, &s) == NGX_OK) {
        ngx_http_privacy_rbuf_str(&rp->html, "<br>");
        ngx_http_privacy_rbuf_html(&rp->html, s.data, s.len);
        ngx_http_privacy_rbuf_str(&rp->json, "\"address\":");
        ngx_http_privacy_rbuf_json(&rp->json, s.data, s.len);
        ngx_http_privacy_rbuf_str(&rp->json, ",");
    }

    for (i = 0; fields[i]; i++) {
        field = fields[i];
        v = json_object_get(o, field);

        if (!json_is_string(v)) {
            continue;
        }

        ngx_http_privacy_rbuf_str(&rp->html, "<br>");
        ngx_http_privacy_rbuf_html(&rp->html,
                                   (u_char *) json_string_value(v),
                                   json_string_length(v));
        ngx_http_privacy_rbuf_printf(&rp->json, "\"%s\":", field);
        ngx_http_privacy_rbuf_json(&rp->json,
                                   (u_char *) json_string_value(v),
                                   json_string_length(v));
        ngx_http_privacy_rbuf_str(&rp->json, ",");
    }

    /* the object's last comma, if any, and its end */
    if (rp->json.len && rp->json.data[rp->json.len - 1] == ',') {
        rp->json.len--;
    }

    ngx_http_privacy_rbuf_str(&rp->json, "},");
    ngx_http_privacy_rbuf_str(&rp->html, "</p>\n");
}
