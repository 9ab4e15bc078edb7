/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Where the consent banner may enter an HTML page: a tokenizer just good
 * enough to tell tags from text, fed the page buffer by buffer, and the
 * charsets a banner of ASCII bytes may be spliced into.  The rules are
 * those of docs/banner.md ("Where the banner goes").  Pure C: no nginx
 * headers, never allocates.
 */

#ifndef _NGX_HTTP_PRIVACY_HTML_SCAN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_HTML_SCAN_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* ngx_http_privacy_html_scan() results */
#define NGX_HTTP_PRIVACY_HTML_MORE   0   /* nothing yet: feed more */
#define NGX_HTTP_PRIVACY_HTML_HERE   1   /* insert at *pos */
#define NGX_HTTP_PRIVACY_HTML_NEVER  2   /* not into this page */


typedef struct {
    unsigned       state;
    unsigned       dashes;
    size_t         matched;
    const char    *raw;             /* the open <script>, <style>... */
    size_t         raw_len;
    u_char         name[10];        /* lower case, "plaintext" fits */
    size_t         name_len;
    u_char         quote;
    u_char         first;           /* the page's first byte */
    u_char         seen;            /* bytes seen, up to 2 */

    unsigned       end_tag:1;
    unsigned       document:1;      /* <!DOCTYPE>, <html>, </body> ... */
} ngx_http_privacy_html_scan_t;


/* a fresh scanner: all zero bytes is one too */
void ngx_http_privacy_html_scan_init(ngx_http_privacy_html_scan_t *s);

/*
 * Scans the next len bytes of the page.  HERE: the banner goes before
 * byte *pos of this piece (right after the first <body ...> start tag, or
 * after a </body> or </html> end tag seen before one); NEVER: the page is
 * not ASCII-compatible (a UTF-16 byte order mark or a NUL byte) or a
 * <plaintext> element began, after which nothing is markup; every later
 * call says NEVER too.  MORE: neither yet.
 */
int ngx_http_privacy_html_scan(ngx_http_privacy_html_scan_t *s,
    const u_char *p, size_t len, size_t *pos);

/*
 * At the end of a page without an insertion point: 1 if it was a whole
 * document (a <!DOCTYPE> or an <html> start tag), where browsers put
 * trailing content into the body; 0 for a fragment, which must stay as
 * it is, or after NEVER.
 */
int ngx_http_privacy_html_scan_document(
    const ngx_http_privacy_html_scan_t *s);

/*
 * 1 if a page in the charset with this label (a Content-Type "charset"
 * parameter, quotes removed) keeps ASCII bytes as ASCII, so that the
 * banner's ASCII markup reads right; 0 for UTF-16, UTF-32, UTF-7,
 * ISO-2022 and the other labels the WHATWG Encoding Standard does not
 * decode byte for byte as ASCII.  An empty label is ASCII-compatible.
 */
int ngx_http_privacy_html_charset_ok(const u_char *label, size_t len);


#endif /* _NGX_HTTP_PRIVACY_HTML_SCAN_H_INCLUDED_ */
