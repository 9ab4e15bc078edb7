/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The policy document: what the rest of the glue uses (the categories'
 * words, loading at configuration time), then what its own files share:
 * the schema and the words the pages show
 * (ngx_http_privacy_policy_schema.c), loading (ngx_http_privacy_policy.c),
 * checking (ngx_http_privacy_policy_check.c, _policy_refs.c,
 * _policy_where.c), and serving it as the portal's "policy"
 * (ngx_http_privacy_policy_page.c), "cookies"
 * (ngx_http_privacy_policy_cookies.c) and "policy.json"
 * (ngx_http_privacy_policy_json.c) pages.  The languages are
 * ngx_http_privacy_lang.h's.
 */

#ifndef _NGX_HTTP_PRIVACY_POLICY_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_POLICY_H_INCLUDED_


#include <jansson.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_page.h"


/* the types of values in the document */
#define NGX_HTTP_PRIVACY_JSON_TEXT      0   /* {"sv": "...", "en": "..."} */
#define NGX_HTTP_PRIVACY_JSON_STRING    1
#define NGX_HTTP_PRIVACY_JSON_ID        2   /* [a-z0-9_-]: a reference */
#define NGX_HTTP_PRIVACY_JSON_EMAIL     3
#define NGX_HTTP_PRIVACY_JSON_URL       4   /* http: and https: only */
#define NGX_HTTP_PRIVACY_JSON_DATE      5   /* YYYY-MM-DD */
#define NGX_HTTP_PRIVACY_JSON_ENUM      6   /* one of terms */
#define NGX_HTTP_PRIVACY_JSON_IDS       7   /* an id or an array of ids */
#define NGX_HTTP_PRIVACY_JSON_OBJECT    8   /* with fields */
#define NGX_HTTP_PRIVACY_JSON_LIST      9   /* an array of objects */
#define NGX_HTTP_PRIVACY_JSON_MAP       10  /* name: object, or name: text */

#define NGX_HTTP_PRIVACY_REQUIRED       0x01
#define NGX_HTTP_PRIVACY_NONEMPTY       0x02


typedef struct {
    unsigned     bit;
    const char  *name;
    const char  *title_sv;
    const char  *title_en;
    const char  *text_sv;
    const char  *text_en;
} ngx_http_privacy_category_text_t;


/* a name the document may use, with the words the pages show for it */
typedef struct {
    const char  *name;
    const char  *title[2];              /* by NGX_HTTP_PRIVACY_LANG_* */
    const char  *text[2];
    const char  *link;                  /* a portal page, or NULL */
} ngx_http_privacy_term_t;


typedef struct ngx_http_privacy_field_s  ngx_http_privacy_field_t;

struct ngx_http_privacy_field_s {
    const char                      *key;
    ngx_uint_t                       type;
    ngx_uint_t                       flags;
    const ngx_http_privacy_field_t  *fields;    /* OBJECT, LIST, MAP */
    const ngx_http_privacy_term_t   *terms;     /* ENUM values, MAP keys */
    const char                      *what;      /* ENUM, MAP: for errors */
};


/* ngx_http_privacy_policy_schema.c */

extern const ngx_http_privacy_category_text_t  ngx_http_privacy_categories[];
extern const ngx_http_privacy_term_t  ngx_http_privacy_legal_bases[];
extern const ngx_http_privacy_term_t  ngx_http_privacy_recipient_kinds[];
extern const ngx_http_privacy_term_t  ngx_http_privacy_safeguards[];
extern const ngx_http_privacy_term_t  ngx_http_privacy_rights[];
extern const ngx_http_privacy_term_t  ngx_http_privacy_retention_terms[];
extern const ngx_http_privacy_field_t  ngx_http_privacy_document_fields[];


/* ngx_http_privacy_policy.c, _policy_load.c: for the rest of the glue */

/*
 * Category i (0 .. NGX_HTTP_PRIVACY_CAT_COUNT - 1, in the order necessary,
 * preferences, statistics, marketing) in language lang
 * (NGX_HTTP_PRIVACY_LANG_*): from the policy document when it describes
 * the category, else the module's own words.
 */
void ngx_http_privacy_category_info(ngx_http_privacy_srv_conf_t *pscf,
    ngx_uint_t i, ngx_uint_t lang, ngx_http_privacy_category_info_t *info);
char *ngx_http_privacy_policy_load(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf);
/* "24 månader": the period as configured, in words; out: DURATION_MAX */
size_t ngx_http_privacy_retention_words(
    ngx_http_privacy_retention_t *rt, ngx_uint_t lang, u_char *out);

/* ngx_http_privacy_policy_check.c */

char *ngx_http_privacy_policy_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, json_t *doc);

/* ngx_http_privacy_policy_schema.c: YYYY-MM-DD; a name among terms */
ngx_uint_t ngx_http_privacy_valid_date(const char *s);
const ngx_http_privacy_term_t *ngx_http_privacy_term(
    const ngx_http_privacy_term_t *terms, const char *name);

/* ngx_http_privacy_policy.c: for the policy files */
ngx_http_privacy_retention_t *ngx_http_privacy_retention_find(
    ngx_http_privacy_srv_conf_t *pscf, const char *name);
json_t *ngx_http_privacy_list_find(json_t *list, const char *id);
ngx_int_t ngx_http_privacy_text(json_t *obj, const char *key,
    ngx_uint_t lang, ngx_str_t *s);


/* ngx_http_privacy_policy_cookies.c */

ngx_int_t ngx_http_privacy_cookies_page(ngx_http_request_t *r,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
void ngx_http_privacy_unclassified_words(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf);
void ngx_http_privacy_cookie_recipients(ngx_http_privacy_page_t *page,
    ngx_http_privacy_srv_conf_t *pscf, const char *category);
void ngx_http_privacy_cookie_recipients_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
void ngx_http_privacy_cookie_words_check(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
void ngx_http_privacy_cap_words(ngx_http_privacy_page_t *page,
    const ngx_http_privacy_cookie_cap_t *cap, ngx_uint_t sentence);
void ngx_http_privacy_cookie_names(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf, unsigned category, ngx_uint_t list);


/* ngx_http_privacy_policy_statistics.c */

void ngx_http_privacy_cookies_statistics(ngx_http_privacy_page_t *page,
    ngx_http_privacy_loc_conf_t *plcf);


/* ngx_http_privacy_policy_json.c */

ngx_int_t ngx_http_privacy_policy_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);
/* at merge: plcf->policy_json and plcf->policy_etag for a portal */
ngx_int_t ngx_http_privacy_policy_json_build(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);


#endif /* _NGX_HTTP_PRIVACY_POLICY_H_INCLUDED_ */
