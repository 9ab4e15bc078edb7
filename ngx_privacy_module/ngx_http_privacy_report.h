/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The DPO's reports as data (docs/dpo-guide.md): tables of typed cells,
 * each rendered as an HTML table, a JSON array of objects or CSV with a
 * header row, from the same rows.  Every value is escaped for where it
 * goes: HTML entities, JSON escapes (with "<", ">" and "&" as \u
 * escapes and bad UTF-8 replaced), CSV quoting and formula
 * neutralisation (ngx_http_privacy_csv.h).  Pure C: malloc'd buffers,
 * no nginx headers, so that a pool thread can build a report.
 */

#ifndef _NGX_HTTP_PRIVACY_REPORT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REPORT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define NGX_HTTP_PRIVACY_REPORT_HTML    0
#define NGX_HTTP_PRIVACY_REPORT_JSON    1
#define NGX_HTTP_PRIVACY_REPORT_CSV     2

#define NGX_HTTP_PRIVACY_REPORT_TABLES  8

/* column types */
#define NGX_HTTP_PRIVACY_RCOL_TEXT      0
#define NGX_HTTP_PRIVACY_RCOL_INT       1
#define NGX_HTTP_PRIVACY_RCOL_TIME      2   /* unix seconds (UTC) */
#define NGX_HTTP_PRIVACY_RCOL_ALERT     3   /* an int, flagged when > 0 */
#define NGX_HTTP_PRIVACY_RCOL_BOOL      4   /* an int: 0 no, else yes */


/* an append-only buffer; on failure it stays empty-handed and says so */
typedef struct {
    u_char                              *data;
    size_t                               len;
    size_t                               size;
    int                                  failed;
} ngx_http_privacy_rbuf_t;


typedef struct {
    const char                          *key;       /* JSON, CSV header */
    const char                          *title[2];  /* sv, en */
    int                                  type;
} ngx_http_privacy_rcol_t;


typedef struct {
    const char                          *key;
    const char                          *title[2];
    const char                          *empty[2];  /* when no rows */
    const ngx_http_privacy_rcol_t       *cols;
    size_t                               ncols;
} ngx_http_privacy_rdef_t;


typedef struct {
    int64_t                              n;
    u_char                              *s;         /* malloc'd text */
    size_t                               len;
    int                                  null;
} ngx_http_privacy_rcell_t;


typedef struct {
    const ngx_http_privacy_rdef_t       *def;
    ngx_http_privacy_rcell_t            *cells;
    size_t                               nrows;
    size_t                               cap;
    int                                  failed;
} ngx_http_privacy_rtable_t;


typedef struct {
    int                                  lang;      /* 0 sv, 1 en */
    ngx_http_privacy_rtable_t            tables[NGX_HTTP_PRIVACY_REPORT_TABLES];
    size_t                               ntables;
    /* the report's own parts: HTML before the tables, JSON members */
    ngx_http_privacy_rbuf_t              html;
    ngx_http_privacy_rbuf_t              json;      /* "k":v, each + "," */
    int                                  cards;     /* HTML: no tables */
} ngx_http_privacy_report_t;


void ngx_http_privacy_rbuf_add(ngx_http_privacy_rbuf_t *b, const void *s,
    size_t len);
void ngx_http_privacy_rbuf_str(ngx_http_privacy_rbuf_t *b, const char *s);
void ngx_http_privacy_rbuf_printf(ngx_http_privacy_rbuf_t *b,
    const char *fmt, ...)
#ifdef __GNUC__
    __attribute__ ((format (printf, 2, 3)))
#endif
    ;
/* escaped for HTML text and attribute values */
void ngx_http_privacy_rbuf_html(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len);
/* a quoted JSON string, valid UTF-8 whatever s holds */
void ngx_http_privacy_rbuf_json(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len);
/* one quoted, neutralised CSV cell */
void ngx_http_privacy_rbuf_csv(ngx_http_privacy_rbuf_t *b, const u_char *s,
    size_t len);
/* "2026-12-03 10:15 UTC", or RFC 3339 "2026-12-03T10:15:00Z" (iso) */
void ngx_http_privacy_rbuf_time(ngx_http_privacy_rbuf_t *b, int64_t t,
    int iso);
void ngx_http_privacy_rbuf_free(ngx_http_privacy_rbuf_t *b);


/* a new table of the report; NULL when there are too many */
ngx_http_privacy_rtable_t *ngx_http_privacy_report_table(
    ngx_http_privacy_report_t *rp, const ngx_http_privacy_rdef_t *def);
/* appends a row of NULL cells: 0, or -1 (the table is marked failed) */
int ngx_http_privacy_rtable_row(ngx_http_privacy_rtable_t *t);
/* sets a cell of the last row */
void ngx_http_privacy_rtable_int(ngx_http_privacy_rtable_t *t, size_t col,
    int64_t n);
void ngx_http_privacy_rtable_text(ngx_http_privacy_rtable_t *t, size_t col,
    const u_char *s, size_t len);
ngx_http_privacy_rcell_t *ngx_http_privacy_rtable_cell(
    ngx_http_privacy_rtable_t *t, size_t row, size_t col);

/*
 * The report in one format, appended to out.  HTML: the report's own
 * part, then each table under an <h2>; JSON: one object with the
 * report's members and an array per table; CSV: the table named csv (or
 * the first), with a UTF-8 byte order mark and a header row.
 * Returns 0, or -1 if csv names no table of the report or memory ran out.
 */
int ngx_http_privacy_report_render(ngx_http_privacy_report_t *rp,
    int format, const char *csv, ngx_http_privacy_rbuf_t *out);
void ngx_http_privacy_report_free(ngx_http_privacy_report_t *rp);


#endif /* _NGX_HTTP_PRIVACY_REPORT_H_INCLUDED_ */
