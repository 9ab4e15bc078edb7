/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Where the consent banner may enter an HTML page (docs/banner.md).  The
 * tokenizer follows the states of the HTML Living Standard's tokenizer
 * (section 13.2.5) only as far as needed to tell a real <body> tag from
 * one in a comment, an attribute value or the text of <script>, <style>
 * and the like; it keeps its whole state in the struct, so a tag, a
 * comment or a "</script" may be split across buffers anywhere.
 */


#include <string.h>

#include "ngx_http_privacy_html_scan.h"


enum {
    ngx_http_privacy_html_text = 0,
    ngx_http_privacy_html_lt,               /* "<" */
    ngx_http_privacy_html_end_start,        /* "</" */
    ngx_http_privacy_html_bang,             /* "<!" */
    ngx_http_privacy_html_bang_dash,        /* "<!-" */
    ngx_http_privacy_html_doctype,          /* "<!D", "<!DO"... */
    ngx_http_privacy_html_comment,          /* "<!--" ... "-->" */
    ngx_http_privacy_html_bogus,            /* "<!DOCTYPE", "<?" ... ">" */
    ngx_http_privacy_html_name,             /* tag name */
    ngx_http_privacy_html_attr,             /* inside a tag */
    ngx_http_privacy_html_attr_eq,          /* after "=" */
    ngx_http_privacy_html_attr_quoted,      /* in a quoted value */
    ngx_http_privacy_html_raw,              /* <script>, <style>... text */
    ngx_http_privacy_html_raw_lt,
    ngx_http_privacy_html_raw_name,
    ngx_http_privacy_html_never             /* <plaintext>, not ASCII */
};


typedef struct {
    const char  *name;
    size_t       len;
} ngx_http_privacy_html_name_t;


#define ngx_http_privacy_html_space(ch)                                       \
    ((ch) == ' ' || (ch) == '\t' || (ch) == '\n' || (ch) == '\r'              \
     || (ch) == '\f')

#define ngx_http_privacy_html_alpha(ch)                                       \
    (((ch) | 0x20) >= 'a' && ((ch) | 0x20) <= 'z')

#define ngx_http_privacy_html_lower(ch)                                       \
    (u_char) (((ch) >= 'A' && (ch) <= 'Z') ? ((ch) | 0x20) : (ch))

#define ngx_http_privacy_html_is(s, lit)                                      \
    ((s)->name_len == sizeof(lit) - 1                                         \
     && memcmp((s)->name, lit, sizeof(lit) - 1) == 0)


static int ngx_http_privacy_html_tag_end(ngx_http_privacy_html_scan_t *s);


/* elements whose content is text: a "<body>" in them is not a tag */
static const ngx_http_privacy_html_name_t  ngx_http_privacy_html_raw_names[]
    = {
    { "script", 6 },
    { "style", 5 },
    { "title", 5 },
    { "textarea", 8 },
    { "noscript", 8 },
    { "iframe", 6 },
    { "noembed", 7 },
    { "noframes", 8 },
    { "xmp", 3 },
    { NULL, 0 }
};


/*
 * Labels of the WHATWG Encoding Standard whose decoders do not map the
 * bytes 0x00-0x7F to ASCII one for one (UTF-16BE/LE, ISO-2022-JP and the
 * "replacement" encoding), exact and lower case.
 */
static const ngx_http_privacy_html_name_t  ngx_http_privacy_html_wide[] = {
    { "unicodefffe", 11 },
    { "csunicode", 9 },
    { "unicode", 7 },
    { "unicodefeff", 11 },
    { "csiso2022jp", 11 },
    { "csiso2022kr", 11 },
    { "hz-gb-2312", 10 },
    { "replacement", 11 },
    { NULL, 0 }
};


/*
 * Prefixes of labels of the same kind and of charsets browsers do not
 * decode at all but a backend may still write (UTF-32, UTF-7, UCS-2/4,
 * EBCDIC code pages): a banner in ASCII would be garbage there.
 */
static const ngx_http_privacy_html_name_t  ngx_http_privacy_html_wide_prefix[]
    = {
    { "utf-16", 6 },
    { "utf16", 5 },
    { "utf-32", 6 },
    { "utf32", 5 },
    { "utf-7", 5 },
    { "utf7", 4 },
    { "ucs-", 4 },
    { "ucs2", 4 },
    { "ucs4", 4 },
    { "iso-10646-", 10 },
    { "iso-2022-", 9 },
    { "ebcdic", 6 },
    { "x-ebcdic", 8 },
    { "cp037", 5 },
    { "ibm037", 6 },
    { "cp500", 5 },
    { "ibm500", 6 },
    { "cp1047", 6 },
    { "ibm1047", 7 },
    { "cp114", 5 },
    { "ibm0114", 7 },
    { NULL, 0 }
};


void
ngx_http_privacy_html_scan_init(ngx_http_privacy_html_scan_t *s)
{
    memset(s, 0, sizeof(ngx_http_privacy_html_scan_t));
}


int
ngx_http_privacy_html_scan(ngx_http_privacy_html_scan_t *s, const u_char *p,
    size_t len, size_t *pos)
{
    u_char  ch;
    size_t  i;

    if (s->state == ngx_http_privacy_html_never) {
        return NGX_HTTP_PRIVACY_HTML_NEVER;
    }

    for (i = 0; i < len; i++) {
        ch = p[i];

        if (s->seen < 2) {
            /* a UTF-16 byte order mark decides the encoding (HTML 13.2.3) */
            if (s->seen++ == 0) {
                s->first = ch;

            } else if ((s->first == 0xfe && ch == 0xff)
                       || (s->first == 0xff && ch == 0xfe))
            {
                s->state = ngx_http_privacy_html_never;
                return NGX_HTTP_PRIVACY_HTML_NEVER;
            }
        }

        if (ch == '\0') {
            /*
             * ASCII text in UTF-16 or UTF-32 is half or more NUL bytes;
             * an ASCII-compatible page has none (they are parse errors)
             */
            s->state = ngx_http_privacy_html_never;
            return NGX_HTTP_PRIVACY_HTML_NEVER;
        }

        switch (s->state) {

        case ngx_http_privacy_html_text:
            if (ch == '<') {
                s->state = ngx_http_privacy_html_lt;
            }
            break;

        case ngx_http_privacy_html_lt:
            if (ngx_http_privacy_html_alpha(ch)) {
                s->end_tag = 0;
                s->name[0] = ngx_http_privacy_html_lower(ch);
                s->name_len = 1;
                s->state = ngx_http_privacy_html_name;

            } else if (ch == '/') {
                s->state = ngx_http_privacy_html_end_start;

            } else if (ch == '!') {
                s->state = ngx_http_privacy_html_bang;

            } else if (ch == '?') {
                s->state = ngx_http_privacy_html_bogus;

            } else if (ch != '<') {
                s->state = ngx_http_privacy_html_text;
            }
            break;

        case ngx_http_privacy_html_end_start:
            if (ngx_http_privacy_html_alpha(ch)) {
                s->end_tag = 1;
                s->name[0] = ngx_http_privacy_html_lower(ch);
                s->name_len = 1;
                s->state = ngx_http_privacy_html_name;

            } else {
                s->state = (ch == '>') ? ngx_http_privacy_html_text
                                       : ngx_http_privacy_html_bogus;
            }
            break;

        case ngx_http_privacy_html_bang:
            if (ch == '-') {
                s->state = ngx_http_privacy_html_bang_dash;

            } else if ((ch | 0x20) == 'd') {
                s->matched = 1;
                s->state = ngx_http_privacy_html_doctype;

            } else {
                s->state = (ch == '>') ? ngx_http_privacy_html_text
                                       : ngx_http_privacy_html_bogus;
            }
            break;

        case ngx_http_privacy_html_doctype:
            if (ngx_http_privacy_html_lower(ch)
                == (u_char) "doctype"[s->matched])
            {
                if (++s->matched == sizeof("doctype") - 1) {
                    s->document = 1;
                    s->state = ngx_http_privacy_html_bogus;
                }

            } else {
                s->state = (ch == '>') ? ngx_http_privacy_html_text
                                       : ngx_http_privacy_html_bogus;
            }
            break;

        case ngx_http_privacy_html_bang_dash:
            if (ch == '-') {
                /* two dashes already count: "<!-->" is a whole comment */
                s->dashes = 2;
                s->state = ngx_http_privacy_html_comment;

            } else {
                s->state = (ch == '>') ? ngx_http_privacy_html_text
                                       : ngx_http_privacy_html_bogus;
            }
            break;

        case ngx_http_privacy_html_comment:
            if (ch == '>' && s->dashes >= 2) {
                s->state = ngx_http_privacy_html_text;

            } else if (ch == '-') {
                s->dashes++;

            } else {
                s->dashes = 0;
            }
            break;

        case ngx_http_privacy_html_bogus:
            if (ch == '>') {
                s->state = ngx_http_privacy_html_text;
            }
            break;

        case ngx_http_privacy_html_name:
            if (ch == '>') {
                goto tag_end;
            }

            if (ngx_http_privacy_html_space(ch) || ch == '/') {
                s->state = ngx_http_privacy_html_attr;
                break;
            }

            /* a longer name than any we look for stays too long */

            if (s->name_len < sizeof(s->name)) {
                s->name[s->name_len] = ngx_http_privacy_html_lower(ch);
            }

            if (s->name_len <= sizeof(s->name)) {
                s->name_len++;
            }
            break;

        case ngx_http_privacy_html_attr:
            if (ch == '>') {
                goto tag_end;
            }

            if (ch == '=') {
                s->state = ngx_http_privacy_html_attr_eq;
            }
            break;

        case ngx_http_privacy_html_attr_eq:
            if (ch == '"' || ch == '\'') {
                s->quote = ch;
                s->state = ngx_http_privacy_html_attr_quoted;

            } else if (ch == '>') {
                goto tag_end;

            } else if (!ngx_http_privacy_html_space(ch)) {
                s->state = ngx_http_privacy_html_attr;
            }
            break;

        case ngx_http_privacy_html_attr_quoted:
            if (ch == s->quote) {
                s->state = ngx_http_privacy_html_attr;
            }
            break;

        case ngx_http_privacy_html_raw:
            if (ch == '<') {
                s->state = ngx_http_privacy_html_raw_lt;
            }
            break;

        case ngx_http_privacy_html_raw_lt:
            if (ch == '/') {
                s->matched = 0;
                s->state = ngx_http_privacy_html_raw_name;

            } else if (ch != '<') {
                s->state = ngx_http_privacy_html_raw;
            }
            break;

        case ngx_http_privacy_html_raw_name:
            if (s->matched < s->raw_len) {
                if (ngx_http_privacy_html_lower(ch)
                    == (u_char) s->raw[s->matched])
                {
                    s->matched++;

                } else {
                    s->state = (ch == '<') ? ngx_http_privacy_html_raw_lt
                                           : ngx_http_privacy_html_raw;
                }

                break;
            }

            /* "</script" seen: its end tag if a delimiter follows */

            if (ch == '>') {
                s->state = ngx_http_privacy_html_text;

            } else if (ngx_http_privacy_html_space(ch) || ch == '/') {
                s->end_tag = 1;
                s->name_len = 0;
                s->state = ngx_http_privacy_html_attr;

            } else {
                s->state = (ch == '<') ? ngx_http_privacy_html_raw_lt
                                       : ngx_http_privacy_html_raw;
            }
            break;

        default: /* never */
            return NGX_HTTP_PRIVACY_HTML_NEVER;
        }

        continue;

    tag_end:

        /* p[i] is the tag's '>' */

        switch (ngx_http_privacy_html_tag_end(s)) {

        case NGX_HTTP_PRIVACY_HTML_HERE:
            *pos = i + 1;
            return NGX_HTTP_PRIVACY_HTML_HERE;

        case NGX_HTTP_PRIVACY_HTML_NEVER:
            return NGX_HTTP_PRIVACY_HTML_NEVER;

        default:
            break;
        }
    }

    return NGX_HTTP_PRIVACY_HTML_MORE;
}


static int
ngx_http_privacy_html_tag_end(ngx_http_privacy_html_scan_t *s)
{
    const ngx_http_privacy_html_name_t  *raw;

    s->state = ngx_http_privacy_html_text;

    if (ngx_http_privacy_html_is(s, "body")) {
        s->document = 1;
        return NGX_HTTP_PRIVACY_HTML_HERE;
    }

    if (s->end_tag) {
        if (ngx_http_privacy_html_is(s, "html")) {
            s->document = 1;
            return NGX_HTTP_PRIVACY_HTML_HERE;
        }

        return NGX_HTTP_PRIVACY_HTML_MORE;
    }

    if (ngx_http_privacy_html_is(s, "html")) {
        s->document = 1;
        return NGX_HTTP_PRIVACY_HTML_MORE;
    }

    if (ngx_http_privacy_html_is(s, "plaintext")) {
        /* the rest of the page is text, "</plaintext>" included */
        s->state = ngx_http_privacy_html_never;
        return NGX_HTTP_PRIVACY_HTML_NEVER;
    }

    for (raw = ngx_http_privacy_html_raw_names; raw->name; raw++) {
        if (raw->len == s->name_len
            && memcmp(raw->name, s->name, raw->len) == 0)
        {
            s->raw = raw->name;
            s->raw_len = raw->len;
            s->state = ngx_http_privacy_html_raw;
            break;
        }
    }

    return NGX_HTTP_PRIVACY_HTML_MORE;
}


int
ngx_http_privacy_html_scan_document(const ngx_http_privacy_html_scan_t *s)
{
    return s->document && s->state != ngx_http_privacy_html_never;
}


int
ngx_http_privacy_html_charset_ok(const u_char *label, size_t len)
{
    size_t                               i;
    u_char                               lower[32];
    const ngx_http_privacy_html_name_t  *n;

    /* leading and trailing ASCII whitespace, as the standard strips it */

    while (len && ngx_http_privacy_html_space(label[0])) {
        label++;
        len--;
    }

    while (len && ngx_http_privacy_html_space(label[len - 1])) {
        len--;
    }

    if (len == 0) {
        return 1;
    }

    if (len > sizeof(lower)) {
        /* no label is this long: an unknown one, which browsers ignore */
        return 1;
    }

    for (i = 0; i < len; i++) {
        lower[i] = ngx_http_privacy_html_lower(label[i]);
    }

    for (n = ngx_http_privacy_html_wide; n->name; n++) {
        if (n->len == len && memcmp(n->name, lower, len) == 0) {
            return 0;
        }
    }

    for (n = ngx_http_privacy_html_wide_prefix; n->name; n++) {
        if (n->len <= len && memcmp(n->name, lower, n->len) == 0) {
            return 0;
        }
    }

    return 1;
}
