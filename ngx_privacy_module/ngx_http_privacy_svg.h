/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Charts for the DPO's pages as inline SVG drawn by the module (no
 * script, no external file, nothing a Content-Security-Policy of
 * default-src 'none' blocks): bars for one series, a line for a second,
 * over the same days.  The chart is an image with a title and a
 * description (WCAG 1.1.1); the page shows the same numbers in a table.
 * Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_SVG_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SVG_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "ngx_http_privacy_report.h"


typedef struct {
    const char           *id;          /* unique on the page: [a-z0-9-] */
    const char           *title;       /* our words, escaped when drawn */
    const char           *desc;
    const char          **labels;      /* x labels, n of them */
    const int64_t        *bars;        /* n values, or NULL */
    const int64_t        *line;        /* n values, or NULL */
    const char           *bars_name;
    const char           *line_name;
    size_t                n;
} ngx_http_privacy_chart_t;


/* appends the <svg> element (nothing when n is 0) */
void ngx_http_privacy_svg_chart(ngx_http_privacy_rbuf_t *b,
    const ngx_http_privacy_chart_t *c);


#endif /* _NGX_HTTP_PRIVACY_SVG_H_INCLUDED_ */
