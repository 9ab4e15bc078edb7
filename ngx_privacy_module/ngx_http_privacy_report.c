/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_csv.h"
#include "ngx_http_privacy_html.h"
#include "ngx_http_privacy_report.h"


static int ngx_http_privacy_rbuf_reserve(ngx_http_privacy_rbuf_t *b,
    size_t n);
static size_t ngx_http_privacy_utf8_seq(const u_char *s, size_t len);
static void ngx_http_privacy_rtable_html(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t, int lang);
static void ngx_http_privacy_rtable_json(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t);
static void ngx_http_privacy_rtable_csv(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t);


static int
ngx_http_privacy_rbuf_reserve(ngx_http_privacy_rbuf_t *b, size_t n)
{
    u_char  *p;
    size_t   size;

    if (b->failed) {
        return 0;
    }

    if (b->len + n <= b->size) {
        return 1;
    }

    size = b->size * 2;

    if (size < b->len + n + 4096) {
        size = b->len + n + 4096;
    }

    p = realloc(b->data, size);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }

    b->data = p;
    b->size = size;

    return 1;
}


void
ngx_http_privacy_rbuf_add(ngx_http_privacy_rbuf_t *b, const void *s,
    size_t len)
{
    if (len && ngx_http_privacy_rbuf_reserve(b, len)) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
    }
}


void
ngx_http_privacy_rbuf_str(ngx_http_privacy_rbuf_t *b, const char *s)
{
    ngx_http_privacy_rbuf_add(b, s, strlen(s));
}


void
ngx_http_privacy_rbuf_printf(ngx_http_privacy_rbuf_t *b, const char *fmt,
    ...)
{
    int      n;
    va_list  args;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    if (n < 0 || !ngx_http_privacy_rbuf_reserve(b, (size_t) n + 1)) {
        b->failed = 1;
        return;
    }

    va_start(args, fmt);
    (void) vsnprintf((char *) b->data + b->len, (size_t) n + 1, fmt, args);
    va_end(args);

    b->len += n;
}


void
ngx_http_privacy_rbuf_html(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len)
{
    size_t  n;

    n = ngx_http_privacy_html_escaped_len(s, len);

    if (ngx_http_privacy_rbuf_reserve(b, n)) {
        b->len = ngx_http_privacy_html_escape(b->data + b->len, s, len)
                 - b->data;
    }
}


/* the length of the valid UTF-8 sequence at s (RFC 3629), or 0 */

static size_t
ngx_http_privacy_utf8_seq(const u_char *s, size_t len)
{
    size_t    n, i;
    uint32_t  c, min;

    if (s[0] < 0x80) {
        return 1;

    } else if ((s[0] & 0xe0) == 0xc0) {
        n = 2; c = s[0] & 0x1f; min = 0x80;

    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3; c = s[0] & 0x0f; min = 0x800;

    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4; c = s[0] & 0x07; min = 0x10000;

    } else {
        return 0;
    }

    if (n > len) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }

        c = (c << 6) | (s[i] & 0x3f);
    }

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }

    return n;
}


void
ngx_http_privacy_rbuf_json(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len)
{
    char    esc[8];
    size_t  i, n;

    ngx_http_privacy_rbuf_add(b, "\"", 1);

    for (i = 0; i < len; i += n) {
        n = ngx_http_privacy_utf8_seq(s + i, len - i);

        if (n == 0) {
            /* U+FFFD for a byte that starts no valid sequence */
            ngx_http_privacy_rbuf_add(b, "\\ufffd", 6);
            n = 1;
            continue;
        }

        if (n > 1) {
            ngx_http_privacy_rbuf_add(b, s + i, n);
            continue;
        }

        switch (s[i]) {
        case '"':
            ngx_http_privacy_rbuf_add(b, "\\\"", 2);
            break;
        case '\\':
            ngx_http_privacy_rbuf_add(b, "\\\\", 2);
            break;
        case '\n':
            ngx_http_privacy_rbuf_add(b, "\\n", 2);
            break;
        case '\r':
            ngx_http_privacy_rbuf_add(b, "\\r", 2);
            break;
        case '\t':
            ngx_http_privacy_rbuf_add(b, "\\t", 2);
            break;
        default:
            /* markup characters too: the JSON stays inert in any page */
            if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '<' || s[i] == '>'
                || s[i] == '&' || s[i] == '\'')
            {
                snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
                ngx_http_privacy_rbuf_add(b, esc, 6);

            } else {
                ngx_http_privacy_rbuf_add(b, s + i, 1);
            }
        }
    }

    ngx_http_privacy_rbuf_add(b, "\"", 1);
}


void
ngx_http_privacy_rbuf_csv(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len)
{
    size_t  n;

    n = ngx_http_privacy_csv_cell_len(s, len);

    if (ngx_http_privacy_rbuf_reserve(b, n)) {
        b->len = ngx_http_privacy_csv_cell(b->data + b->len, s, len)
                 - b->data;
    }
}


void
ngx_http_privacy_rbuf_time(ngx_http_privacy_rbuf_t *b, int64_t t, int iso)
{
    time_t     tt;
    struct tm  tm;

    tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL) {
        ngx_http_privacy_rbuf_str(b, "?");
        return;
    }

    if (iso) {
        ngx_http_privacy_rbuf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                                     tm.tm_year + 1900, tm.tm_mon + 1,
                                     tm.tm_mday, tm.tm_hour, tm.tm_min,
                                     tm.tm_sec);
        return;
    }

    ngx_http_privacy_rbuf_printf(b, "%04d-%02d-%02d %02d:%02d UTC",
                                 tm.tm_year + 1900, tm.tm_mon + 1,
                                 tm.tm_mday, tm.tm_hour, tm.tm_min);
}


void
ngx_http_privacy_rbuf_free(ngx_http_privacy_rbuf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->size = 0;
}


ngx_http_privacy_rtable_t *
ngx_http_privacy_report_table(ngx_http_privacy_report_t *rp,
    const ngx_http_privacy_rdef_t *def)
{
    ngx_http_privacy_rtable_t  *t;

    if (rp->ntables == NGX_HTTP_PRIVACY_REPORT_TABLES) {
        return NULL;
    }

    t = &rp->tables[rp->ntables++];
    memset(t, 0, sizeof(ngx_http_privacy_rtable_t));
    t->def = def;

    return t;
}


int
ngx_http_privacy_rtable_row(ngx_http_privacy_rtable_t *t)
{
    size_t                     i, cap, n;
    ngx_http_privacy_rcell_t  *cells;

    if (t->failed) {
        return -1;
    }

    n = t->def->ncols;

    if (t->nrows == t->cap) {
        cap = t->cap ? t->cap * 2 : 16;

        cells = realloc(t->cells, cap * n * sizeof(ngx_http_privacy_rcell_t));
        if (cells == NULL) {
            t->failed = 1;
            return -1;
        }

        t->cells = cells;
        t->cap = cap;
    }

    cells = &t->cells[t->nrows * n];

    for (i = 0; i < n; i++) {
        memset(&cells[i], 0, sizeof(ngx_http_privacy_rcell_t));
        cells[i].null = 1;
    }

    t->nrows++;

    return 0;
}


ngx_http_privacy_rcell_t *
ngx_http_privacy_rtable_cell(ngx_http_privacy_rtable_t *t, size_t row,
    size_t col)
{
    if (row >= t->nrows || col >= t->def->ncols) {
        return NULL;
    }

    return &t->cells[row * t->def->ncols + col];
}


void
ngx_http_privacy_rtable_int(ngx_http_privacy_rtable_t *t, size_t col,
    int64_t n)
{
    ngx_http_privacy_rcell_t  *c;

    if (t->nrows == 0) {
        return;
    }

    c = ngx_http_privacy_rtable_cell(t, t->nrows - 1, col);

    if (c) {
        c->n = n;
        c->null = 0;
    }
}


void
ngx_http_privacy_rtable_text(ngx_http_privacy_rtable_t *t, size_t col,
    const u_char *s, size_t len)
{
    ngx_http_privacy_rcell_t  *c;

    if (t->nrows == 0) {
        return;
    }

    c = ngx_http_privacy_rtable_cell(t, t->nrows - 1, col);
    if (c == NULL || s == NULL) {
        return;
    }

    free(c->s);

    c->s = malloc(len ? len : 1);
    if (c->s == NULL) {
        t->failed = 1;
        return;
    }

    memcpy(c->s, s, len);
    c->len = len;
    c->null = 0;
}


static void
ngx_http_privacy_rtable_html(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t, int lang)
{
    size_t                          i, j;
    const char                     *title;
    ngx_http_privacy_rcell_t       *c;
    const ngx_http_privacy_rcol_t  *col;

    title = t->def->title[lang];

    /* the table's scrolling region is the landmark named by the h2 */
    ngx_http_privacy_rbuf_str(b, "<section><h2 id=\"t-");
    ngx_http_privacy_rbuf_str(b, t->def->key);
    ngx_http_privacy_rbuf_str(b, "\">");
    ngx_http_privacy_rbuf_html(b, (u_char *) title, strlen(title));
    ngx_http_privacy_rbuf_str(b, "</h2>\n");

    if (t->nrows == 0) {
        ngx_http_privacy_rbuf_str(b, "<p>");
        ngx_http_privacy_rbuf_str(b, t->def->empty[lang]);
        ngx_http_privacy_rbuf_str(b, "</p></section>\n");
        return;
    }

    /* a wide table scrolls: by keyboard too (a focusable region) */
    ngx_http_privacy_rbuf_str(b, "<div class=\"scroll\" tabindex=\"0\" "
                                 "role=\"region\" aria-labelledby=\"t-");
    ngx_http_privacy_rbuf_str(b, t->def->key);
    ngx_http_privacy_rbuf_str(b, "\"><table><thead><tr>");

    for (j = 0; j < t->def->ncols; j++) {
        col = &t->def->cols[j];
        ngx_http_privacy_rbuf_str(b, col->type == NGX_HTTP_PRIVACY_RCOL_INT
                                     || col->type
                                        == NGX_HTTP_PRIVACY_RCOL_ALERT
                                     ? "<th scope=\"col\" class=\"n\">"
                                     : "<th scope=\"col\">");
        ngx_http_privacy_rbuf_str(b, col->title[lang]);
        ngx_http_privacy_rbuf_str(b, "</th>");
    }

    ngx_http_privacy_rbuf_str(b, "</tr></thead>\n<tbody>\n");

    for (i = 0; i < t->nrows; i++) {
        ngx_http_privacy_rbuf_str(b, "<tr>");

        for (j = 0; j < t->def->ncols; j++) {
            col = &t->def->cols[j];
            c = ngx_http_privacy_rtable_cell(t, i, j);

            switch (col->type) {

            case NGX_HTTP_PRIVACY_RCOL_INT:
                ngx_http_privacy_rbuf_str(b, "<td class=\"n\">");
                break;

            case NGX_HTTP_PRIVACY_RCOL_ALERT:
                ngx_http_privacy_rbuf_str(b, !c->null && c->s == NULL
                                             && c->n > 0
                                             ? "<td class=\"n alert\">"
                                             : "<td class=\"n\">");
                break;

            default:
                ngx_http_privacy_rbuf_str(b, "<td>");
            }

            if (c->null) {
                ngx_http_privacy_rbuf_str(b, "&#8211;");

            } else if (c->s) {
                ngx_http_privacy_rbuf_html(b, c->s, c->len);

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_TIME) {
                ngx_http_privacy_rbuf_time(b, c->n, 0);

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_BOOL) {
                ngx_http_privacy_rbuf_str(b, c->n ? (lang ? "yes" : "ja")
                                                  : (lang ? "no" : "nej"));

            } else {
                ngx_http_privacy_rbuf_printf(b, "%lld", (long long) c->n);
            }

            ngx_http_privacy_rbuf_str(b, "</td>");
        }

        ngx_http_privacy_rbuf_str(b, "</tr>\n");
    }

    ngx_http_privacy_rbuf_str(b, "</tbody></table></div></section>\n");
}


static void
ngx_http_privacy_rtable_json(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t)
{
    size_t                          i, j;
    ngx_http_privacy_rcell_t       *c;
    const ngx_http_privacy_rcol_t  *col;

    ngx_http_privacy_rbuf_printf(b, "\"%s\":[", t->def->key);

    for (i = 0; i < t->nrows; i++) {
        ngx_http_privacy_rbuf_str(b, i ? ",\n{" : "\n{");

        for (j = 0; j < t->def->ncols; j++) {
            col = &t->def->cols[j];
            c = ngx_http_privacy_rtable_cell(t, i, j);

            ngx_http_privacy_rbuf_printf(b, "%s\"%s\":", j ? "," : "",
                                         col->key);

            if (c->null) {
                ngx_http_privacy_rbuf_str(b, "null");

            } else if (c->s) {
                ngx_http_privacy_rbuf_json(b, c->s, c->len);

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_TIME) {
                ngx_http_privacy_rbuf_str(b, "\"");
                ngx_http_privacy_rbuf_time(b, c->n, 1);
                ngx_http_privacy_rbuf_str(b, "\"");

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_BOOL) {
                ngx_http_privacy_rbuf_str(b, c->n ? "true" : "false");

            } else {
                ngx_http_privacy_rbuf_printf(b, "%lld", (long long) c->n);
            }
        }

        ngx_http_privacy_rbuf_str(b, "}");
    }

    ngx_http_privacy_rbuf_str(b, "]");
}


static void
ngx_http_privacy_rtable_csv(ngx_http_privacy_rbuf_t *b,
    ngx_http_privacy_rtable_t *t)
{
    size_t                          i, j;
    const char                     *key;
    ngx_http_privacy_rcell_t       *c;
    const ngx_http_privacy_rcol_t  *col;

    /* a byte order mark: spreadsheets then read the file as UTF-8 */
    ngx_http_privacy_rbuf_str(b, "\xef\xbb\xbf");

    for (j = 0; j < t->def->ncols; j++) {
        key = t->def->cols[j].key;
        ngx_http_privacy_rbuf_str(b, j ? "," : "");
        ngx_http_privacy_rbuf_csv(b, (u_char *) key, strlen(key));
    }

    ngx_http_privacy_rbuf_str(b, "\r\n");

    for (i = 0; i < t->nrows; i++) {
        for (j = 0; j < t->def->ncols; j++) {
            col = &t->def->cols[j];
            c = ngx_http_privacy_rtable_cell(t, i, j);

            if (j) {
                ngx_http_privacy_rbuf_str(b, ",");
            }

            if (c->null) {
                continue;
            }

            if (c->s) {
                ngx_http_privacy_rbuf_csv(b, c->s, c->len);

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_TIME) {
                ngx_http_privacy_rbuf_time(b, c->n, 1);

            } else if (col->type == NGX_HTTP_PRIVACY_RCOL_BOOL) {
                ngx_http_privacy_rbuf_str(b, c->n ? "1" : "0");

            } else {
                ngx_http_privacy_rbuf_printf(b, "%lld", (long long) c->n);
            }
        }

        ngx_http_privacy_rbuf_str(b, "\r\n");
    }
}


int
ngx_http_privacy_report_render(ngx_http_privacy_report_t *rp, int format,
    const char *csv, ngx_http_privacy_rbuf_t *out)
{
    size_t  i;

    for (i = 0; i < rp->ntables; i++) {
        if (rp->tables[i].failed) {
            return -1;
        }
    }

    if (rp->html.failed || rp->json.failed) {
        return -1;
    }

    switch (format) {

    case NGX_HTTP_PRIVACY_REPORT_HTML:
        ngx_http_privacy_rbuf_add(out, rp->html.data, rp->html.len);

        for (i = 0; i < rp->ntables && !rp->cards; i++) {
            ngx_http_privacy_rtable_html(out, &rp->tables[i], rp->lang);
        }

        break;

    case NGX_HTTP_PRIVACY_REPORT_JSON:
        ngx_http_privacy_rbuf_str(out, "{");
        ngx_http_privacy_rbuf_add(out, rp->json.data, rp->json.len);

        for (i = 0; i < rp->ntables; i++) {
            ngx_http_privacy_rbuf_str(out, i ? ",\n" : "\n");
            ngx_http_privacy_rtable_json(out, &rp->tables[i]);
        }

        if (rp->ntables == 0 && rp->json.len) {
            /* the members' last comma */
            out->len--;
        }

        ngx_http_privacy_rbuf_str(out, "}\n");
        break;

    default:
        for (i = 0; i < rp->ntables; i++) {
            if (csv == NULL || csv[0] == '\0'
                || strcmp(csv, rp->tables[i].def->key) == 0)
            {
                break;
            }
        }

        if (i == rp->ntables) {
            return -1;
        }

        ngx_http_privacy_rtable_csv(out, &rp->tables[i]);
    }

    return out->failed ? -1 : 0;
}


void
ngx_http_privacy_report_free(ngx_http_privacy_report_t *rp)
{
    size_t                      i, n;
    ngx_http_privacy_rtable_t  *t;

    for (i = 0; i < rp->ntables; i++) {
        t = &rp->tables[i];

        for (n = 0; n < t->nrows * t->def->ncols; n++) {
            free(t->cells[n].s);
        }

        free(t->cells);
        t->cells = NULL;
        t->nrows = 0;
    }

    rp->ntables = 0;
    ngx_http_privacy_rbuf_free(&rp->html);
    ngx_http_privacy_rbuf_free(&rp->json);
}
