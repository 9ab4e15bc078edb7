/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The portal's "policy.json" page: the policy document with a content
 * hash over what the policy says.
 */


#include <jansson.h>
#include <openssl/evp.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_page.h"
#include "ngx_http_privacy_duration.h"
#include "ngx_http_privacy_policy.h"


static json_t *ngx_http_privacy_policy_content(
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf);
static const char *ngx_http_privacy_category_name(unsigned bit);
static json_t *ngx_http_privacy_json_str(const u_char *s, size_t len);
static json_t *ngx_http_privacy_json_text(const u_char *sv, size_t sv_len,
    const u_char *en, size_t en_len);


/*
 * policy.json: the version, the date, a content hash, and what the HTML
 * page is made of.  The hash is SHA-256 over the canonical JSON (compact,
 * keys sorted) of {"document", "retention", "cookies"}, so that it changes
 * exactly when what the policy says changes.  It depends on the
 * configuration only, so it is built once, at merge, with an ETag over
 * the bytes served (nginx's not-modified filter answers If-None-Match).
 */

ngx_int_t
ngx_http_privacy_policy_json_build(ngx_conf_t *cf,
    ngx_http_privacy_srv_conf_t *pscf, ngx_http_privacy_loc_conf_t *plcf)
{
    int            rc;
    char          *s;
    u_char        *p, md[EVP_MAX_MD_SIZE], hex[2 * EVP_MAX_MD_SIZE];
    size_t         len;
    json_t        *content, *out, *v;
    unsigned int   md_len;

    content = ngx_http_privacy_policy_content(pscf, plcf);
    if (content == NULL) {
        return NGX_ERROR;
    }

    s = json_dumps(content, JSON_COMPACT|JSON_SORT_KEYS);
    if (s == NULL) {
        json_decref(content);
        return NGX_ERROR;
    }

    rc = EVP_Digest(s, ngx_strlen(s), md, &md_len, EVP_sha256(), NULL);
    free(s);

    if (rc != 1) {
        json_decref(content);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "EVP_Digest() failed");
        return NGX_ERROR;
    }

    p = ngx_hex_dump(hex, md, md_len);

    out = json_object();
    rc = json_object_set_new(out, "version",
                             ngx_http_privacy_json_str(pscf->version.data,
                                                       pscf->version.len));

    v = json_object_get(pscf->policy, "updated");
    if (v) {
        rc |= json_object_set(out, "updated", v);
    }

    rc |= json_object_set_new(out, "content_hash",
                              json_stringn((char *) hex, p - hex));
    rc |= json_object_update(out, content);

    json_decref(content);

    if (rc != 0) {
        json_decref(out);
        return NGX_ERROR;
    }

    s = json_dumps(out, JSON_INDENT(2));
    json_decref(out);

    if (s == NULL) {
        return NGX_ERROR;
    }

    len = ngx_strlen(s);

    p = ngx_pnalloc(cf->pool, len + 1);
    if (p == NULL) {
        free(s);
        return NGX_ERROR;
    }

    ngx_memcpy(p, s, len);
    p[len++] = '\n';
    free(s);

    plcf->policy_json.data = p;
    plcf->policy_json.len = len;

    /* a strong ETag: the first 128 bits of SHA-256 over the bytes served */

    if (EVP_Digest(p, len, md, &md_len, EVP_sha256(), NULL) != 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "EVP_Digest() failed");
        return NGX_ERROR;
    }

    p = ngx_pnalloc(cf->pool, 2 + 32);
    if (p == NULL) {
        return NGX_ERROR;
    }

    plcf->policy_etag.data = p;
    *p++ = '"';
    p = ngx_hex_dump(p, md, 16);
    *p++ = '"';
    plcf->policy_etag.len = p - plcf->policy_etag.data;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_policy_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    u_char           *p;
    size_t            len;
    ngx_int_t         n;
    ngx_buf_t        *b;
    ngx_chain_t       cl;
    ngx_table_elt_t  *etag;

    static ngx_str_t  nosniff = ngx_string("nosniff");

    if (plcf->policy_json.len == 0) {
        return NGX_HTTP_NOT_FOUND;
    }

    p = plcf->policy_json.data;
    len = plcf->policy_json.len;

    etag = ngx_http_privacy_add_header(r, "ETag", &plcf->policy_etag);
    if (etag == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.etag = etag;

    if (ngx_http_privacy_add_header(r, "X-Content-Type-Options", &nosniff)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (r->method == NGX_HTTP_HEAD) {
        r->header_only = 1;
    }

    n = ngx_http_send_header(r);

    if (n == NGX_ERROR || n > NGX_OK || r->header_only) {
        return n;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = p;
    b->last = p + len;
    b->memory = 1;      /* the configuration's: never written to */
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    cl.buf = b;
    cl.next = NULL;

    return ngx_http_output_filter(r, &cl);
}


/* {"document": ..., "retention": [...], "cookies": {...}}, or NULL */

static json_t *
ngx_http_privacy_policy_content(ngx_http_privacy_srv_conf_t *pscf,
    ngx_http_privacy_loc_conf_t *plcf)
{
    int                                rc;
    u_char                             sv[NGX_HTTP_PRIVACY_DURATION_MAX];
    u_char                             en[NGX_HTTP_PRIVACY_DURATION_MAX];
    size_t                             i, n, sv_len, en_len, len;
    json_t                            *content, *retention, *cookies;
    json_t                            *o, *list;
    unsigned                           cat;
    const u_char                      *pattern;
    ngx_http_privacy_retention_t      *rt;
    const ngx_http_privacy_cookie_cap_t  *cap;
    ngx_http_privacy_category_info_t   csv, cen;

    content = json_object();
    rc = json_object_set(content, "document", pscf->policy);

    /* what the sweeps enforce */

    retention = json_array();
    rt = pscf->retention.elts;

    for (i = 0; i < pscf->retention.nelts; i++) {
        sv_len = ngx_http_privacy_retention_words(&rt[i],
                                                  NGX_HTTP_PRIVACY_LANG_SV, sv);
        en_len = ngx_http_privacy_retention_words(&rt[i],
                                                  NGX_HTTP_PRIVACY_LANG_EN, en);

        o = json_object();
        rc |= json_object_set_new(o, "category",
                   ngx_http_privacy_json_str(rt[i].category.data,
                                             rt[i].category.len));
        rc |= json_object_set_new(o, "period",
                   ngx_http_privacy_json_str(rt[i].text.data,
                                             rt[i].text.len));
        rc |= json_object_set_new(o, "seconds",
                                  json_integer((json_int_t) rt[i].period));
        rc |= json_object_set_new(o, "text",
                   ngx_http_privacy_json_text(sv, sv_len, en, en_len));
        rc |= json_array_append_new(retention, o);
    }

    rc |= json_object_set_new(content, "retention", retention);

    /* the classification this location applies */

    cookies = json_object();

    o = json_object();
    rc |= json_object_set_new(o, "name",
              ngx_http_privacy_json_str(plcf->cookie_name.data,
                                        plcf->cookie_name.len));
    rc |= json_object_set_new(o, "category", json_string("necessary"));
    rc |= json_object_set_new(o, "max_age",
                              json_integer((json_int_t) plcf->cookie_max_age));
    rc |= json_object_set_new(cookies, "consent_cookie", o);

    list = json_object();

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        ngx_http_privacy_category_info(pscf, i, NGX_HTTP_PRIVACY_LANG_SV,
                                       &csv);
        ngx_http_privacy_category_info(pscf, i, NGX_HTTP_PRIVACY_LANG_EN,
                                       &cen);

        o = json_object();
        rc |= json_object_set_new(o, "title",
                  ngx_http_privacy_json_text(csv.title.data, csv.title.len,
                                             cen.title.data, cen.title.len));
        rc |= json_object_set_new(o, "text",
                  ngx_http_privacy_json_text(csv.text.data, csv.text.len,
                                             cen.text.data, cen.text.len));

        /* privacy_cookie_max_age, as written (calendar months) */
        if (plcf->category_caps[i]) {
            cap = plcf->category_caps[i];
            rc |= json_object_set_new(o, "max_age",
                      ngx_http_privacy_json_str(cap->text.data,
                                                cap->text.len));
        }

        rc |= json_object_set_new(list, csv.name, o);
    }

    rc |= json_object_set_new(cookies, "categories", list);

    list = json_array();
    n = ngx_http_privacy_classifier_count(plcf->classifier);

    for (i = 0; i < n; i++) {
        ngx_http_privacy_classifier_pattern(plcf->classifier, i, &cat,
                                            &pattern, &len);
        o = json_object();
        rc |= json_object_set_new(o, "category",
                  json_string(ngx_http_privacy_category_name(cat)));
        rc |= json_object_set_new(o, "pattern",
                                  ngx_http_privacy_json_str(pattern, len));

        cap = ngx_http_privacy_classifier_pattern_data(plcf->classifier, i);

        if (cap) {
            rc |= json_object_set_new(o, "max_age",
                      ngx_http_privacy_json_str(cap->text.data,
                                                cap->text.len));
        }

        rc |= json_array_append_new(list, o);
    }

    rc |= json_object_set_new(cookies, "patterns", list);
    rc |= json_object_set_new(cookies, "unclassified", json_string(
              plcf->unclassified == NGX_HTTP_PRIVACY_UNCLASSIFIED_STRIP
              ? "strip" : "keep"));

    rc |= json_object_set_new(content, "cookies", cookies);

    if (rc != 0) {
        json_decref(content);
        return NULL;
    }

    return content;
}


static const char *
ngx_http_privacy_category_name(unsigned bit)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PRIVACY_CAT_COUNT; i++) {
        if (ngx_http_privacy_categories[i].bit == bit) {
            return ngx_http_privacy_categories[i].name;
        }
    }

    return "unknown";
}


/* a JSON string of configuration bytes: invalid UTF-8 becomes "?" */

static json_t *
ngx_http_privacy_json_str(const u_char *s, size_t len)
{
    u_char  *copy;
    size_t   i;
    json_t  *v;

    v = json_stringn((const char *) s, len);
    if (v || len == 0) {
        return v;
    }

    copy = ngx_alloc(len, ngx_cycle->log);
    if (copy == NULL) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        copy[i] = (s[i] < 0x80 && s[i] != '\0') ? s[i] : '?';
    }

    v = json_stringn((const char *) copy, len);
    ngx_free(copy);

    return v;
}


static json_t *
ngx_http_privacy_json_text(const u_char *sv, size_t sv_len, const u_char *en,
    size_t en_len)
{
    int      rc;
    json_t  *o;

    o = json_object();
    rc = json_object_set_new(o, "sv", ngx_http_privacy_json_str(sv, sv_len));
    rc |= json_object_set_new(o, "en", ngx_http_privacy_json_str(en, en_len));

    if (rc != 0) {
        json_decref(o);
        return NULL;
    }

    return o;
}
