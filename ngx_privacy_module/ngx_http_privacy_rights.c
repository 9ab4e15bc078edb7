/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Routes under <portal>/rights, the portal's cookies (a signed session
 * scoped to the portal path, a CSRF binding cookie), the CSRF checks of
 * every POST (Origin and a form token), and the thread-pool tasks whose
 * completion events answer.  The thread touches only SQLite, libc and
 * the task's own memory (STYLE.md trap 5).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <pthread.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_compat.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_origin.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_rights_ops.h"


static ngx_int_t ngx_http_privacy_rights_is(ngx_str_t *page,
    const char *name);
static void ngx_http_privacy_rights_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_rights_post(ngx_http_request_t *r,
    u_char *body, size_t len);
static ngx_http_privacy_rights_task_t *ngx_http_privacy_rights_task(
    ngx_http_request_t *r, ngx_http_privacy_rights_e op);
static ngx_int_t ngx_http_privacy_rights_start(ngx_http_request_t *r,
    ngx_http_privacy_rights_task_t *t);
static ngx_int_t ngx_http_privacy_rights_answer(ngx_http_request_t *r,
    ngx_http_privacy_rights_task_t *t);


ngx_int_t
ngx_http_privacy_rights_handler(ngx_http_request_t *r, ngx_str_t *page)
{
    char                             sid[33];
    ngx_int_t                        rc;
    ngx_http_privacy_rights_task_t  *t;
    ngx_http_privacy_rights_form_t   f;

    if (r->method == NGX_HTTP_POST) {
        if (!ngx_http_privacy_rights_is(page, "rights")
            && !ngx_http_privacy_rights_is(page, "rights/verify")
            && !ngx_http_privacy_rights_is(page, "rights/erase")
            && !ngx_http_privacy_rights_is(page, "rights/rectify")
            && !ngx_http_privacy_rights_is(page, "rights/restrict")
            && !ngx_http_privacy_rights_is(page, "rights/object")
            && !ngx_http_privacy_rights_is(page, "rights/analytics/erase"))
        {
            return NGX_HTTP_NOT_FOUND;
        }

        rc = ngx_http_read_client_request_body(r,
                                               ngx_http_privacy_rights_body);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_memzero(&f, sizeof(f));

    /* pages: a GET shows, never changes anything */

    if (ngx_http_privacy_rights_is(page, "rights")) {
        return ngx_http_privacy_rights_page_start(r, &f);
    }

    if (ngx_http_privacy_rights_is(page, "rights/verify")) {
        return ngx_http_privacy_rights_page_verify(r, &f, NGX_HTTP_OK,
                                                   NULL, NULL);
    }

    if (ngx_http_privacy_rights_is(page, "rights/analytics.json")) {
        t = ngx_http_privacy_rights_task(r,
                                         NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS);
        if (t == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ngx_http_privacy_rights_consent_id(r, t->op.consent_id)
            != NGX_OK)
        {
            return ngx_http_privacy_rights_page_message(r,
                NGX_HTTP_FORBIDDEN,
                "Den här webbläsaren har inte godkänt statistikcookies, så "
                "ingen besöksstatistik är kopplad till den.",
                "This browser has not consented to statistics cookies, so "
                "no visitor statistics are linked to it.");
        }

        return ngx_http_privacy_rights_start(r, t);
    }

    if (!ngx_http_privacy_rights_is(page, "rights/account")
        && !ngx_http_privacy_rights_is(page, "rights/export")
        && !ngx_http_privacy_rights_is(page, "rights/export.json"))
    {
        return NGX_HTTP_NOT_FOUND;
    }

    if (ngx_http_privacy_rights_session(r, sid) != NGX_OK) {
        return ngx_http_privacy_rights_page_message(r, NGX_HTTP_FORBIDDEN,
            "Du är inte inloggad, eller så har inloggningen gått ut. Be om "
            "en ny kod.",
            "You are not signed in, or your session has ended. Ask for a "
            "new code.");
    }

    if (ngx_http_privacy_rights_is(page, "rights/account")) {
        return ngx_http_privacy_rights_page_account(r, &f,
                   ngx_http_privacy_rights_consent_id(r, sid) == NGX_OK);
    }

    t = ngx_http_privacy_rights_task(r, NGX_HTTP_PRIVACY_RIGHTS_EXPORT);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(t->op.subject_id, sid, sizeof(sid));
    t->html = ngx_http_privacy_rights_is(page, "rights/export");

    return ngx_http_privacy_rights_start(r, t);
}


static ngx_int_t
ngx_http_privacy_rights_is(ngx_str_t *page, const char *name)
{
    size_t  n;

    n = ngx_strlen(name);

    return page->len == n && ngx_strncmp(page->data, name, n) == 0;
}


static void
ngx_http_privacy_rights_body(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  body;

    /* the largest form (rectify) is a few kilobytes */
    rc = ngx_http_privacy_form_body(r, 8192, &body);

    if (rc == NGX_OK) {
        rc = ngx_http_privacy_rights_post(r, body.data, body.len);
    }

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


static ngx_int_t
ngx_http_privacy_rights_post(ngx_http_request_t *r, u_char *body,
    size_t len)
{
    u_char                          *k, *v;
    size_t                           klen, vlen, n;
    ngx_str_t                        page, token, csrf;
    ngx_uint_t                       i, which, objections, restricted;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_form_iter_t     it;
    ngx_http_privacy_rights_e        op;
    ngx_http_privacy_rights_conf_t  *conf;
    ngx_http_privacy_rights_task_t  *t;
    ngx_http_privacy_rights_str_t   *f;

    static const char  *fields[] = { "name", "address", "phone", "email" };

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    conf = pmcf->rights;

    page = r->uri;

    if (page.len >= clcf->name.len) {
        page.data += clcf->name.len;
        page.len -= clcf->name.len;
    }

    while (page.len && page.data[0] == '/') {
        page.data++;
        page.len--;
    }

    /* CSRF: the site's own Origin, and a token bound to this browser */

    if (!ngx_http_privacy_rights_same_origin(r)) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy: rights POST from another origin refused");
        return ngx_http_privacy_rights_page_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret kom från en annan webbplats och togs inte emot.",
            "The form came from another site and was not accepted.");
    }

    ngx_str_null(&token);

    op = NGX_HTTP_PRIVACY_RIGHTS_CODE;

    if (ngx_http_privacy_rights_is(&page, "rights/verify")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_VERIFY;

    } else if (ngx_http_privacy_rights_is(&page, "rights/erase")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_ERASE;

    } else if (ngx_http_privacy_rights_is(&page, "rights/rectify")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_RECTIFY;

    } else if (ngx_http_privacy_rights_is(&page, "rights/restrict")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_RESTRICT;

    } else if (ngx_http_privacy_rights_is(&page, "rights/object")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_OBJECT;

    } else if (ngx_http_privacy_rights_is(&page, "rights/analytics/erase")) {
        op = NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE;
    }

    t = ngx_http_privacy_rights_task(r, op);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    objections = 0;
    restricted = 0;

    ngx_http_privacy_form_iter_init(&it, body, len);

    while (ngx_http_privacy_form_next(&it, (const u_char **) &k, &klen,
                                      (const u_char **) &v, &vlen))
    {
        n = ngx_http_privacy_form_decode(v, vlen, v);

        if (ngx_http_privacy_form_key_is(k, klen, "token")) {
            token.data = v;
            token.len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "email")
                   && op != NGX_HTTP_PRIVACY_RIGHTS_RECTIFY)
        {
            /* surrounding blanks are the keyboard's */
            while (n && (*v == ' ' || *v == '\t')) {
                v++;
                n--;
            }

            while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
                n--;
            }

            if (n >= sizeof(t->op.email)
                || !ngx_http_privacy_mail_address_ok((char *) v, n))
            {
                return ngx_http_privacy_rights_page_message(r,
                    NGX_HTTP_BAD_REQUEST,
                    "Skriv en e-postadress, till exempel namn@example.se.",
                    "Enter an e-mail address, for example "
                    "name@example.com.");
            }

            ngx_memcpy(t->op.email, v, n);
            t->op.email_len = n;

        } else if (ngx_http_privacy_form_key_is(k, klen, "code")) {
            /* digits only: spaces a mail client adds are dropped */
            for (i = 0; i < n; i++) {
                if (v[i] >= '0' && v[i] <= '9'
                    && t->op.code_len < sizeof(t->op.code) - 1)
                {
                    t->op.code[t->op.code_len++] = v[i];
                }
            }

        } else if (ngx_http_privacy_form_key_is(k, klen, "restricted")) {
            /* anything but 0 or 1 is refused, not read as "lift it" */
            if (n != 1 || (v[0] != '0' && v[0] != '1')) {
                return NGX_HTTP_BAD_REQUEST;
            }

            restricted = (v[0] == '1');

        } else if (ngx_http_privacy_form_key_is(k, klen, "objection")) {
            if (n == sizeof("direct_marketing") - 1
                && ngx_strncmp(v, "direct_marketing", n) == 0)
            {
                objections |= 1;

            } else if (n == sizeof("analytics") - 1
                       && ngx_strncmp(v, "analytics", n) == 0)
            {
                objections |= 2;

            } else if (n == sizeof("profiling") - 1
                       && ngx_strncmp(v, "profiling", n) == 0)
            {
                objections |= 4;

            } else {
                return NGX_HTTP_BAD_REQUEST;
            }

        } else if (op == NGX_HTTP_PRIVACY_RIGHTS_RECTIFY) {
            for (which = 0; which < 4; which++) {
                if (ngx_http_privacy_form_key_is(k, klen, fields[which])) {
                    break;
                }
            }

            if (which == 4 || n > NGX_HTTP_PRIVACY_RIGHTS_FIELD_MAX) {
                continue;
            }

            f = &t->op.fields[which];

            /* an empty field leaves the value as it is */
            if (n == 0) {
                continue;
            }

            if (which == 3 && !ngx_http_privacy_mail_address_ok((char *) v,
                                                                 n))
            {
                return ngx_http_privacy_rights_page_message(r,
                    NGX_HTTP_BAD_REQUEST,
                    "Skriv en e-postadress, till exempel namn@example.se.",
                    "Enter an e-mail address, for example "
                    "name@example.com.");
            }

            f->data = (char *) v;
            f->len = n;
            f->set = 1;
        }
    }

    if (ngx_http_privacy_rights_cookie(r, NGX_HTTP_PRIVACY_RIGHTS_CSRF,
                                       &csrf)
        != NGX_OK
        || ngx_http_privacy_rights_form_check(conf->keys.form, csrf.data,
                                              csrf.len, token.data,
                                              token.len)
           != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy: rights POST without a valid form token "
                      "refused");
        return ngx_http_privacy_rights_page_message(r, NGX_HTTP_FORBIDDEN,
            "Formuläret har gått ut. Ladda om sidan och försök igen.",
            "The form has expired. Reload the page and try again.");
    }

    switch (op) {

    case NGX_HTTP_PRIVACY_RIGHTS_CODE:
    case NGX_HTTP_PRIVACY_RIGHTS_VERIFY:
        if (t->op.email_len == 0
            || (op == NGX_HTTP_PRIVACY_RIGHTS_VERIFY && t->op.code_len == 0))
        {
            return ngx_http_privacy_rights_page_message(r,
                NGX_HTTP_BAD_REQUEST,
                "Fyll i e-postadressen (och koden).",
                "Fill in the e-mail address (and the code).");
        }

        if (ngx_http_privacy_client_pseudonym(r, (u_char *) t->op.client)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        t->op.client[32] = '\0';
        break;

    case NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE:
        if (ngx_http_privacy_rights_consent_id(r, t->op.consent_id)
            != NGX_OK)
        {
            return ngx_http_privacy_rights_page_message(r,
                NGX_HTTP_FORBIDDEN,
                "Den här webbläsaren har inte godkänt statistikcookies, så "
                "ingen besöksstatistik är kopplad till den.",
                "This browser has not consented to statistics cookies, so "
                "no visitor statistics are linked to it.");
        }

        break;

    default:
        if (ngx_http_privacy_rights_session(r, t->op.subject_id) != NGX_OK) {
            return ngx_http_privacy_rights_page_message(r,
                NGX_HTTP_FORBIDDEN,
                "Du är inte inloggad, eller så har inloggningen gått ut. Be "
                "om en ny kod.",
                "You are not signed in, or your session has ended. Ask for "
                "a new code.");
        }

        t->op.restricted = restricted;
        t->op.objections = objections;
    }

    return ngx_http_privacy_rights_start(r, t);
}


static ngx_http_privacy_rights_task_t *
ngx_http_privacy_rights_task(ngx_http_request_t *r,
    ngx_http_privacy_rights_e op)
{
    ngx_http_privacy_page_t          page;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_conf_t  *conf;
    ngx_http_privacy_rights_task_t  *t;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    conf = pmcf->rights;

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_rights_task_t));
    if (t == NULL) {
        return NULL;
    }

    if (ngx_http_privacy_page_init(&page, r) != NGX_OK) {
        return NULL;
    }

    t->request = r;
    t->conf = conf;
    t->conn = &ngx_http_privacy_worker->rights_rdb;
    t->rkeys = pmcf->register_keys;
    t->path = (char *) pmcf->db.data;
    t->op.op = op;
    t->op.now = ngx_time();
    t->op.lang = page.lang == NGX_HTTP_PRIVACY_LANG_SV ? 0 : 1;
    t->op.fiscal_month = (unsigned) pmcf->fiscal_month;
    t->op.fiscal_day = (unsigned) pmcf->fiscal_day;

    /* the orders of an erased person are kept as the sweep keeps them */
    t->op.book_set = (int) pmcf->book_set;
    t->op.book_period = pmcf->book_period;

    if (conf) {
        t->op.mail_command = (char *) conf->mail_command.data;
        t->op.mail_from = (char *) conf->mail_from.data;
    }

    return t;
}


static ngx_int_t
ngx_http_privacy_rights_start(ngx_http_request_t *r,
    ngx_http_privacy_rights_task_t *t)
{
    ngx_thread_task_t             *task;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (pmcf->thread_pool == NULL || pmcf->register_keys == NULL
        || t->conf == NULL || !t->conf->keyed)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: the rights portal needs privacy_db and "
                      "privacy_secret_file");
        return ngx_http_privacy_rights_page_message(r,
            NGX_HTTP_SERVICE_UNAVAILABLE,
            "Tjänsten är inte tillgänglig just nu.",
            "The service is not available right now.");
    }

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    task->ctx = t;
    task->handler = ngx_http_privacy_rights_thread;
    task->event.handler = ngx_http_privacy_rights_done;
    task->event.data = t;

    if (ngx_thread_task_post(pmcf->thread_pool, task) != NGX_OK) {
        return ngx_http_privacy_rights_page_message(r,
            NGX_HTTP_SERVICE_UNAVAILABLE,
            "Tjänsten är upptagen. Försök igen om en stund.",
            "The service is busy. Try again in a moment.");
    }

    r->main->blocked++;
    r->aio = 1;

    /* a GET handler returns NGX_DONE with a reference of its own */
    if (r->method != NGX_HTTP_POST) {
        r->main->count++;
    }

    return NGX_DONE;
}


void
ngx_http_privacy_rights_done(ngx_event_t *ev)
{
    ngx_int_t                        rc;
    ngx_connection_t                *c;
    ngx_http_request_t              *r;
    ngx_http_privacy_main_conf_t    *pmcf;
    ngx_http_privacy_rights_task_t  *t;

    t = ev->data;
    r = t->request;

    c = r->connection;

    r->main->blocked--;
    r->aio = 0;

    if (t->op.log[0] && t->op.result == NGX_HTTP_PRIVACY_RIGHTS_ERROR) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0, "privacy rights: %s",
                      t->op.log);
    }

    rc = ngx_http_privacy_rights_answer(r, t);

    if (t->op.out) {
        ngx_explicit_memzero(t->op.out, t->op.out_len);
        free(t->op.out);
        t->op.out = NULL;
    }

    /* a code waits in the outbox: send it now rather than at the timer */
    if (t->op.op == NGX_HTTP_PRIVACY_RIGHTS_CODE
        && t->op.result == NGX_HTTP_PRIVACY_RIGHTS_OK)
    {
        pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
        ngx_http_privacy_rights_mail((ngx_cycle_t *) ngx_cycle, pmcf);
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static ngx_int_t
ngx_http_privacy_rights_answer(ngx_http_request_t *r,
    ngx_http_privacy_rights_task_t *t)
{
    u_char                           value[NGX_HTTP_PRIVACY_SESSION_LEN];
    ngx_int_t                        result;
    ngx_http_privacy_rights_form_t   f;

    result = t->op.result;
    ngx_memzero(&f, sizeof(f));

    if (result == NGX_HTTP_PRIVACY_RIGHTS_ERROR) {
        return ngx_http_privacy_rights_page_message(r,
            NGX_HTTP_SERVICE_UNAVAILABLE,
            "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
            "The service is not available right now. Try again in a "
            "moment.");
    }

    switch (t->op.op) {

    case NGX_HTTP_PRIVACY_RIGHTS_CODE:
        /* the same page whether the address is known or not */
        return ngx_http_privacy_rights_page_sent(r, &f,
                   result == NGX_HTTP_PRIVACY_RIGHTS_LIMITED);

    case NGX_HTTP_PRIVACY_RIGHTS_VERIFY:
        if (result == NGX_HTTP_PRIVACY_RIGHTS_OK) {
            if (ngx_http_privacy_rights_session_encode(
                    t->conf->keys.session, t->op.subject_id,
                    t->op.now + NGX_HTTP_PRIVACY_SESSION_TTL, value)
                != 0
                || ngx_http_privacy_rights_set_cookie(r,
                       NGX_HTTP_PRIVACY_RIGHTS_SESSION, value, sizeof(value),
                       NGX_HTTP_PRIVACY_SESSION_TTL)
                   != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            return ngx_http_privacy_rights_redirect(r, "rights/account");
        }

        if (result == NGX_HTTP_PRIVACY_RIGHTS_LOCKED) {
            return ngx_http_privacy_rights_page_verify(r, &f,
                NGX_HTTP_FORBIDDEN,
                "För många felaktiga försök: koden är spärrad. Be om en ny "
                "kod.",
                "Too many wrong attempts: the code is locked. Ask for a new "
                "code.");
        }

        return ngx_http_privacy_rights_page_verify(r, &f, NGX_HTTP_FORBIDDEN,
            "Koden stämmer inte, har redan använts eller har gått ut.",
            "The code is wrong, has been used already or has expired.");

    case NGX_HTTP_PRIVACY_RIGHTS_EXPORT:
    case NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS:
        if (t->op.out == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (t->op.op == NGX_HTTP_PRIVACY_RIGHTS_EXPORT
            && result == NGX_HTTP_PRIVACY_RIGHTS_OK)
        {
            ngx_http_privacy_rights_processing(r, &t->op.out,
                                               &t->op.out_len);
        }

        if (t->html) {
            return ngx_http_privacy_rights_page_json(r,
                "Det här har vi om dig", "What we hold about you",
                (u_char *) t->op.out, t->op.out_len, NGX_HTTP_OK);
        }

        return ngx_http_privacy_rights_json(r, (u_char *) t->op.out,
                                            t->op.out_len);

    case NGX_HTTP_PRIVACY_RIGHTS_ERASE:
        if (result == NGX_HTTP_PRIVACY_RIGHTS_GONE || t->op.out == NULL) {
            return ngx_http_privacy_rights_page_message(r, NGX_HTTP_OK,
                "Vi har inga uppgifter om dig.",
                "We hold no data about you.");
        }

        if (result == NGX_HTTP_PRIVACY_RIGHTS_OK
            && ngx_http_privacy_rights_set_cookie(r,
                   NGX_HTTP_PRIVACY_RIGHTS_SESSION, (u_char *) "", 0, 0)
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_privacy_rights_page_json(r,
            result == NGX_HTTP_PRIVACY_RIGHTS_OK
            ? "Dina uppgifter är raderade" : "Radering inte möjlig än",
            result == NGX_HTTP_PRIVACY_RIGHTS_OK
            ? "Your data is erased" : "Erasure not possible yet",
            (u_char *) t->op.out, t->op.out_len, NGX_HTTP_OK);

    case NGX_HTTP_PRIVACY_RIGHTS_ANALYTICS_ERASE:
        return ngx_http_privacy_rights_page_message(r, NGX_HTTP_OK,
            "Besöksstatistiken som var kopplad till den här webbläsaren är "
            "raderad.",
            "The visitor statistics linked to this browser are erased.");

    default:
        if (t->op.op == NGX_HTTP_PRIVACY_RIGHTS_OBJECT
            && result == NGX_HTTP_PRIVACY_RIGHTS_OK
            && (t->op.objections & 2)
            && ngx_http_privacy_rights_no_analytics(r) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (result == NGX_HTTP_PRIVACY_RIGHTS_GONE) {
            return ngx_http_privacy_rights_page_message(r, NGX_HTTP_OK,
                "Vi har inga uppgifter om dig.",
                "We hold no data about you.");
        }

        return ngx_http_privacy_rights_redirect(r, "rights/account");
    }
}
