/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The handlers of the directives that need more than nginx's own setters
 * (the table is ngx_http_privacy_module.c's): cookie patterns, the
 * consent cookie, the portal, the secret, the policy, enumerations,
 * search arguments, the fiscal year, retention periods.
 */


#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_lang.h"
#include "ngx_http_privacy_state.h"
#include "ngx_http_privacy_request.h"
#include "ngx_http_privacy_filter.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_analytics.h"
#include "ngx_http_privacy_portal.h"
#include "ngx_http_privacy_worker.h"
#include "ngx_http_privacy_rights.h"
#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_calendar.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_policy.h"
#include "ngx_http_privacy_api_conf.h"
#include "ngx_http_privacy_dpo.h"
#include "ngx_http_privacy_site.h"
#include "ngx_http_privacy_directives.h"


static const char *ngx_http_privacy_time_hint(ngx_str_t *value);
static ngx_http_privacy_cookie_cap_t *ngx_http_privacy_cookie_cap_parse(
    ngx_conf_t *cf, ngx_command_t *cmd, ngx_str_t *value);
static void ngx_http_privacy_classifier_cleanup(void *data);


char *
ngx_http_privacy_cookie_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    char                            err[256];
    unsigned                        category;
    ngx_str_t                      *value, s;
    ngx_http_privacy_cookie_cap_t  *cap;

    value = cf->args->elts;
    cap = NULL;

    if (cf->args->nelts == 4) {
        if (value[3].len <= sizeof("max_age=") - 1
            || ngx_strncmp(value[3].data, "max_age=", sizeof("max_age=") - 1)
               != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\" in \"%V\", "
                               "expected max_age=TIME", &value[3],
                               &cmd->name);
            return NGX_CONF_ERROR;
        }

        s.data = value[3].data + sizeof("max_age=") - 1;
        s.len = value[3].len - (sizeof("max_age=") - 1);

        cap = ngx_http_privacy_cookie_cap_parse(cf, cmd, &s);
        if (cap == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    category = ngx_http_privacy_category_parse(value[1].data, value[1].len);
    if (category == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cookie category \"%V\" in \"%V\", "
                           "expected necessary, preferences, statistics "
                           "or marketing", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (value[2].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty pattern in \"%V\"", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (plcf->own == NULL) {
        plcf->own = ngx_http_privacy_classifier(cf);
        if (plcf->own == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_privacy_classifier_add(plcf->own, category, value[2].data,
                                        value[2].len, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": %s",
                           &cmd->name, err);
        return NGX_CONF_ERROR;
    }

    ngx_http_privacy_classifier_set_data(plcf->own, cap);

    return NGX_CONF_OK;
}


/* privacy_cookie_max_age CATEGORY TIME: the category's cookies' lifetime */

char *
ngx_http_privacy_cookie_max_age(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    unsigned                        category;
    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_privacy_cookie_cap_t  *cap;

    value = cf->args->elts;

    category = ngx_http_privacy_category_parse(value[1].data, value[1].len);
    if (category == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cookie category \"%V\" in \"%V\", "
                           "expected necessary, preferences, statistics "
                           "or marketing", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    for (i = 0; category != (1u << i); i++) { /* void */ }

    if (plcf->category_caps[i]) {
        return "is duplicate";
    }

    cap = ngx_http_privacy_cookie_cap_parse(cf, cmd, &value[2]);
    if (cap == NULL) {
        return NGX_CONF_ERROR;
    }

    plcf->category_caps[i] = cap;

    return NGX_CONF_OK;
}


static ngx_http_privacy_cookie_cap_t *
ngx_http_privacy_cookie_cap_parse(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *value)
{
    ngx_http_privacy_cookie_cap_t  *cap;

    cap = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_cookie_cap_t));
    if (cap == NULL) {
        return NULL;
    }

    if (ngx_parse_time(value, 1) <= 0
        || ngx_http_privacy_period_parse(value->data, value->len,
                                         &cap->period)
           != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid max_age \"%V\" in \"%V\"%s", value,
                           &cmd->name, ngx_http_privacy_time_hint(value));
        return NULL;
    }

    cap->text = *value;

    return cap;
}


char *
ngx_http_privacy_consent_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    time_t       age;
    ngx_str_t   *value, s;
    ngx_uint_t   i;

    if (plcf->cookie_name.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!ngx_http_privacy_cookie_name_valid(value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cookie name \"%V\" in \"%V\"",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    plcf->cookie_name = value[1];

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            age = ngx_parse_time(&s, 1);
            if (age <= 0) {
                goto invalid;
            }

            plcf->cookie_max_age = age;
            continue;
        }

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            plcf->cookie_domain.data = value[i].data + 7;
            plcf->cookie_domain.len = value[i].len - 7;

            if (plcf->cookie_domain.len == 0
                || ngx_strlchr(plcf->cookie_domain.data,
                               plcf->cookie_domain.data
                               + plcf->cookie_domain.len, ';'))
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            plcf->cookie_path.data = value[i].data + 5;
            plcf->cookie_path.len = value[i].len - 5;

            if (plcf->cookie_path.len == 0
                || plcf->cookie_path.data[0] != '/'
                || ngx_strlchr(plcf->cookie_path.data,
                               plcf->cookie_path.data
                               + plcf->cookie_path.len, ';'))
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "secure") == 0) {
            plcf->cookie_secure = 1;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=lax") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_LAX;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=strict") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_STRICT;
            continue;
        }

        if (ngx_strcasecmp(value[i].data, (u_char *) "samesite=none") == 0) {
            plcf->cookie_samesite = NGX_HTTP_PRIVACY_SAMESITE_NONE;
            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" in \"%V\"",
                       &value[i], &cmd->name);
    return NGX_CONF_ERROR;
}


char *
ngx_http_privacy_portal(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->portal != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    plcf->portal = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_portal_handler;

    return NGX_CONF_OK;
}


/* the keys are derived at once, so that errors point at this line */

char *
ngx_http_privacy_secret_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    char  *rv;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    return ngx_http_privacy_read_secret(cf, pscf);
}


char *
ngx_http_privacy_policy_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    char  *rv;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    pscf->policy_conf = cf->conf_file->file.name;
    pscf->policy_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* ngx_conf_set_enum_slot(), with a message that names the directive */

char *
ngx_http_privacy_enum(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char           *p, *last, list[128];
    ngx_str_t        *value;
    ngx_conf_enum_t  *e;

    value = cf->args->elts;

    for (e = cmd->post; e->name.len; e++) {
        if (e->name.len == value[1].len
            && ngx_strcasecmp(e->name.data, value[1].data) == 0)
        {
            return ngx_conf_set_enum_slot(cf, cmd, conf);
        }
    }

    p = list;
    last = list + sizeof(list);

    for (e = cmd->post; e->name.len; e++) {
        p = ngx_slprintf(p, last, "%s%V", p == list ? "" : " or ", &e->name);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\", expected %*s",
                       &value[1], &cmd->name, p - list, list);

    return NGX_CONF_ERROR;
}


char *
ngx_http_privacy_search_args(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *s;
    ngx_uint_t   i;

    if (plcf->search_args != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    plcf->search_args = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                         sizeof(ngx_str_t));
    if (plcf->search_args == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = ngx_array_push(plcf->search_args);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/* "privacy_fiscal_year_end MM-DD": the last day of the fiscal year */

char *
ngx_http_privacy_fiscal_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_main_conf_t *pmcf = conf;

    unsigned    month, day;
    ngx_str_t  *value;

    if (pmcf->fiscal_month) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_privacy_fiscal_parse(value[1].data, value[1].len, &month,
                                      &day)
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid fiscal year end \"%V\" in \"%V\", "
                           "MM-DD of a day every year has", &value[1],
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    pmcf->fiscal_month = month;
    pmcf->fiscal_day = day;

    return NGX_CONF_OK;
}


/*
 * nginx time units are single letters: "M" is months, "m" minutes, so
 * "13mo" or "2months" fail; say what was probably meant.
 */

static const char *
ngx_http_privacy_time_hint(ngx_str_t *value)
{
    u_char  *p, *last;

    p = value->data;
    last = p + value->len;

    while (p < last && *p >= '0' && *p <= '9') {
        p++;
    }

    if (p == value->data || p == last) {
        return "";
    }

    switch (*p) {
    case 'm':
    case 'M':
        if (last - p > 1 && (p[1] == 'o' || p[1] == 'O')) {
            return ", months are \"M\" (e.g. \"13M\"), \"m\" is minutes";
        }
        break;
    case 'y':
    case 'Y':
        return ", years are \"y\" (e.g. \"7y\")";
    case 'd':
    case 'D':
        return ", days are \"d\" (e.g. \"30d\")";
    case 'w':
    case 'W':
        return ", weeks are \"w\" (e.g. \"4w\")";
    }

    return ", units are y, M, w, d, h, m, s (e.g. \"13M\", \"7y\")";
}


char *
ngx_http_privacy_retention(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    u_char                         *p, *last, list[160];
    time_t                          period;
    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_privacy_retention_t   *rt;
    const ngx_http_privacy_term_t  *known;

    value = cf->args->elts;

    /* the names the policy document's "retention" uses too */
    for (known = ngx_http_privacy_retention_terms; known->name; known++) {
        if (ngx_strlen(known->name) == value[1].len
            && ngx_strncmp(known->name, value[1].data, value[1].len) == 0)
        {
            break;
        }
    }

    if (known->name == NULL) {
        p = list;
        last = list + sizeof(list);

        for (known = ngx_http_privacy_retention_terms;
             known->name;
             known++)
        {
            p = ngx_slprintf(p, last, "%s%s",
                             p == list ? ""
                                       : (known[1].name ? ", " : " or "),
                             known->name);
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown retention category \"%V\" in \"%V\", "
                           "expected %*s", &value[1], &cmd->name,
                           p - list, list);
        return NGX_CONF_ERROR;
    }

    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        if (rt[i].category.len == value[1].len
            && ngx_strncmp(rt[i].category.data, value[1].data,
                           value[1].len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate retention category \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    /* negative: NGX_ERROR, or NGX_PARSE_LARGE_TIME for a huge value */
    period = ngx_parse_time(&value[2], 1);
    if (period <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid retention time \"%V\" in \"%V\"%s",
                           &value[2], &cmd->name,
                           ngx_http_privacy_time_hint(&value[2]));
        return NGX_CONF_ERROR;
    }

    rt = ngx_array_push(&pscf->retention);
    if (rt == NULL) {
        return NGX_CONF_ERROR;
    }

    rt->category = value[1];
    rt->text = value[2];
    rt->period = period;

    return NGX_CONF_OK;
}


/*
 * A location's cookie classification at merge: its own patterns, then
 * those it inherits; the lifetimes of its categories, and whether the
 * Set-Cookie filter has any lifetime to look for.
 */

ngx_int_t
ngx_http_privacy_classifier_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf, ngx_http_privacy_loc_conf_t *prev)
{
    ngx_uint_t                      i;
    ngx_http_privacy_classifier_t  *inherited;

    /*
     * Patterns add up: a level's own patterns are tried first, then those
     * it inherits.  The http level is never merged, hence "own" there.
     */

    inherited = prev->classifier ? prev->classifier : prev->own;

    if (conf->own == NULL) {
        conf->classifier = inherited;

    } else if (inherited == NULL) {
        conf->classifier = conf->own;

    } else {
        conf->classifier = ngx_http_privacy_classifier(cf);
        if (conf->classifier == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_privacy_classifier_append(conf->classifier, conf->own)
            != 0
            || ngx_http_privacy_classifier_append(conf->classifier,
                                                  inherited)
               != 0)
        {
            return NGX_ERROR;
        }
    }

    if (conf->classifier == NULL) {
        conf->classifier = ngx_http_privacy_classifier(cf);
        if (conf->classifier == NULL) {
            return NGX_ERROR;
        }
    }

    /* cookie lifetimes: the Set-Cookie filter looks only when one applies */

    conf->caps = ngx_http_privacy_classifier_has_data(conf->classifier);

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        if (conf->category_caps[i] == NULL) {
            conf->category_caps[i] = prev->category_caps[i];
        }

        if (conf->category_caps[i]) {
            conf->caps = 1;
        }
    }

    return NGX_OK;
}


ngx_http_privacy_classifier_t *
ngx_http_privacy_classifier(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_privacy_classifier_t  *c;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    c = ngx_http_privacy_classifier_create();
    if (c == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_classifier_cleanup;
    cln->data = c;

    return c;
}


static void
ngx_http_privacy_classifier_cleanup(void *data)
{
    ngx_http_privacy_classifier_destroy(data);
}
