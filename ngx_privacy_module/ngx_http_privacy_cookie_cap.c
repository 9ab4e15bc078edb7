/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Set-Cookie lifetimes capped as declared: a passing cookie whose
 * pattern (privacy_cookie ... max_age=) or category
 * (privacy_cookie_max_age) has a lifetime gets its Max-Age and Expires
 * cut to it, so that the cookie page's "at most 13 months" holds even
 * for HttpOnly cookies no script in the page could shorten.  Months and
 * years are calendar ones, counted from now (docs/directives.md).
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_set_cookie.h"
#include "ngx_http_privacy_cookie_cap.h"


const ngx_http_privacy_cookie_cap_t *
ngx_http_privacy_cookie_cap_of(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len, unsigned category)
{
    ngx_uint_t                            i;
    const ngx_http_privacy_cookie_cap_t  *cap;

    cap = NULL;

    if (ngx_http_privacy_classifier_has_data(plcf->classifier)) {
        cap = ngx_http_privacy_classifier_data(plcf->classifier, name, len);
    }

    if (cap != NULL || category == 0) {
        return cap;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        if (category == (1u << i)) {
            return plcf->category_caps[i];
        }
    }

    return NULL;
}


ngx_int_t
ngx_http_privacy_cookie_cap(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h,
    const u_char *name, size_t len, unsigned category)
{
    u_char                               *p;
    size_t                                n;
    time_t                                now, max_age;
    const ngx_http_privacy_cookie_cap_t  *cap;

    cap = ngx_http_privacy_cookie_cap_of(plcf, name, len, category);
    if (cap == NULL) {
        return NGX_OK;
    }

    now = ngx_time();
    max_age = ngx_http_privacy_calendar_add_months(now,
                                                   (int) cap->period.months)
              + cap->period.seconds - now;

    /* a rewritten header is never longer than twice the original */
    p = ngx_pnalloc(r->pool, 2 * h->value.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    n = ngx_http_privacy_set_cookie_cap(h->value.data, h->value.len, now,
                                        max_age, p);
    if (n == 0) {
        return NGX_OK;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy: Set-Cookie \"%*s\" capped at %T s",
                   len, name, max_age);

    h->value.data = p;
    h->value.len = n;

    return NGX_OK;
}
