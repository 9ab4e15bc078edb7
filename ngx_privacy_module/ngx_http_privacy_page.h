/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Building and sending the module's own HTML pages: an append-only
 * buffer with escaping, the language choice, and a response carrying a
 * strict Content-Security-Policy whose nonce allows our inline style.
 */

#ifndef _NGX_HTTP_PRIVACY_PAGE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_PAGE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_PRIVACY_LANG_SV  0
#define NGX_HTTP_PRIVACY_LANG_EN  1

#define NGX_HTTP_PRIVACY_NONCE_LEN  22      /* base64url of 16 bytes */


typedef struct {
    ngx_http_request_t  *request;
    u_char              *data;
    size_t               len;
    size_t               size;
    ngx_uint_t           lang;              /* our words: sv or en */
    ngx_uint_t           text_lang;         /* the policy's texts */
    u_char               nonce[NGX_HTTP_PRIVACY_NONCE_LEN];
    ngx_uint_t           failed;            /* out of memory: send 500 */
} ngx_http_privacy_page_t;


/* picks the language (?lang=, then Accept-Language) and a fresh nonce */
ngx_int_t ngx_http_privacy_page_init(ngx_http_privacy_page_t *page,
    ngx_http_request_t *r);

void ngx_http_privacy_page_raw(ngx_http_privacy_page_t *page,
    const char *s);
void ngx_http_privacy_page_rawn(ngx_http_privacy_page_t *page,
    const u_char *s, size_t len);
/* HTML-escaped text, for anything not written by us */
void ngx_http_privacy_page_text(ngx_http_privacy_page_t *page,
    const u_char *s, size_t len);

/* <!DOCTYPE html> ... <main>, with our stylesheet under the nonce */
void ngx_http_privacy_page_head(ngx_http_privacy_page_t *page,
    const char *title);
/* the same with css added to the stylesheet (a page's own rules) */
void ngx_http_privacy_page_head_css(ngx_http_privacy_page_t *page,
    const char *title, const char *css);
void ngx_http_privacy_page_foot(ngx_http_privacy_page_t *page);

/* sends the page with security headers and finalizes nothing */
ngx_int_t ngx_http_privacy_page_send(ngx_http_privacy_page_t *page,
    ngx_uint_t status);

/* "sv" or "en" text, by the page's language */
#define ngx_http_privacy_t(page, sv, en)                                      \
    ((page)->lang == NGX_HTTP_PRIVACY_LANG_SV ? (sv) : (en))

/* text from a string (escaped); the policy pages' <style> element */
void ngx_http_privacy_html_str(ngx_http_privacy_page_t *page,
    ngx_str_t *s);
void ngx_http_privacy_html_style(ngx_http_privacy_page_t *page);


#endif /* _NGX_HTTP_PRIVACY_PAGE_H_INCLUDED_ */
