/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <string.h>

#include "ngx_http_privacy_svg.h"


/* the drawing's own units; the element scales to the page's width */
#define NGX_HTTP_PRIVACY_SVG_W       720
#define NGX_HTTP_PRIVACY_SVG_H       260
#define NGX_HTTP_PRIVACY_SVG_LEFT    64
#define NGX_HTTP_PRIVACY_SVG_RIGHT   12
#define NGX_HTTP_PRIVACY_SVG_TOP     28
#define NGX_HTTP_PRIVACY_SVG_BOTTOM  36


static void ngx_http_privacy_svg_text(ngx_http_privacy_rbuf_t *b,
    const char *s);


static void
ngx_http_privacy_svg_text(ngx_http_privacy_rbuf_t *b, const char *s)
{
    ngx_http_privacy_rbuf_html(b, (const u_char *) s, strlen(s));
}


void
ngx_http_privacy_svg_chart(ngx_http_privacy_rbuf_t *b,
    const ngx_http_privacy_chart_t *c)
{
    size_t   i;
    double   pw, ph, slot, x, y, h, max;
    int64_t  top;

    if (c->n == 0) {
        return;
    }

    max = 0;

    for (i = 0; i < c->n; i++) {
        if (c->bars && c->bars[i] > max) {
            max = (double) c->bars[i];
        }

        if (c->line && c->line[i] > max) {
            max = (double) c->line[i];
        }
    }

    /* a round top for the axis: 1, 2 or 5 times a power of ten */
    top = 1;

    while ((double) top < max) {
        if ((double) (top * 2) >= max) {
            top *= 2;
            break;
        }

        if ((double) (top * 5) >= max) {
            top *= 5;
            break;
        }

        top *= 10;
    }

    pw = NGX_HTTP_PRIVACY_SVG_W - NGX_HTTP_PRIVACY_SVG_LEFT
         - NGX_HTTP_PRIVACY_SVG_RIGHT;
    ph = NGX_HTTP_PRIVACY_SVG_H - NGX_HTTP_PRIVACY_SVG_TOP
         - NGX_HTTP_PRIVACY_SVG_BOTTOM;
    slot = pw / (double) c->n;

    ngx_http_privacy_rbuf_printf(b,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
        "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
        "font-family=\"system-ui,sans-serif\" font-size=\"12\">"
        "<title id=\"%s-t\">",
        NGX_HTTP_PRIVACY_SVG_W, NGX_HTTP_PRIVACY_SVG_H, c->id, c->id, c->id);
    ngx_http_privacy_svg_text(b, c->title);
    ngx_http_privacy_rbuf_printf(b, "</title><desc id=\"%s-d\">", c->id);
    ngx_http_privacy_svg_text(b, c->desc);
    ngx_http_privacy_rbuf_str(b, "</desc>");

    /* axes: 0 and the top, with a faint line at each */
    ngx_http_privacy_rbuf_printf(b,
        "<g fill=\"#1a1a1a\" text-anchor=\"end\">"
        "<text x=\"%d\" y=\"%d\">0</text>"
        "<text x=\"%d\" y=\"%d\">%lld</text></g>"
        "<g stroke=\"#767676\" stroke-width=\"1\">"
        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
        "stroke-dasharray=\"4 4\"/></g>",
        NGX_HTTP_PRIVACY_SVG_LEFT - 6,
        NGX_HTTP_PRIVACY_SVG_TOP + (int) ph + 4,
        NGX_HTTP_PRIVACY_SVG_LEFT - 6, NGX_HTTP_PRIVACY_SVG_TOP + 4,
        (long long) top,
        NGX_HTTP_PRIVACY_SVG_LEFT, NGX_HTTP_PRIVACY_SVG_TOP + ph,
        NGX_HTTP_PRIVACY_SVG_W - NGX_HTTP_PRIVACY_SVG_RIGHT,
        NGX_HTTP_PRIVACY_SVG_TOP + ph,
        NGX_HTTP_PRIVACY_SVG_LEFT, NGX_HTTP_PRIVACY_SVG_TOP,
        NGX_HTTP_PRIVACY_SVG_W - NGX_HTTP_PRIVACY_SVG_RIGHT,
        NGX_HTTP_PRIVACY_SVG_TOP);

    if (c->bars) {
        ngx_http_privacy_rbuf_str(b, "<g fill=\"#0b57a4\">");

        for (i = 0; i < c->n; i++) {
            h = c->bars[i] > 0 ? ph * (double) c->bars[i] / (double) top
                               : 0;
            x = NGX_HTTP_PRIVACY_SVG_LEFT + slot * (double) i + slot * 0.15;

            ngx_http_privacy_rbuf_printf(b,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\"/>", x, NGX_HTTP_PRIVACY_SVG_TOP + ph - h,
                slot * 0.7, h);
        }

        ngx_http_privacy_rbuf_str(b, "</g>");
    }

    if (c->line) {
        ngx_http_privacy_rbuf_str(b, "<polyline fill=\"none\" "
                                     "stroke=\"#a00000\" stroke-width=\"2\" "
                                     "points=\"");

        for (i = 0; i < c->n; i++) {
            y = NGX_HTTP_PRIVACY_SVG_TOP + ph
                - (c->line[i] > 0 ? ph * (double) c->line[i] / (double) top
                                  : 0);
            x = NGX_HTTP_PRIVACY_SVG_LEFT + slot * ((double) i + 0.5);

            ngx_http_privacy_rbuf_printf(b, "%s%.1f,%.1f", i ? " " : "",
                                         x, y);
        }

        ngx_http_privacy_rbuf_str(b, "\"/>");
    }

    /* the first and the last day under the axis */
    if (c->labels) {
        ngx_http_privacy_rbuf_printf(b, "<g fill=\"#1a1a1a\">"
                                     "<text x=\"%d\" y=\"%d\">",
                                     NGX_HTTP_PRIVACY_SVG_LEFT,
                                     NGX_HTTP_PRIVACY_SVG_H - 14);
        ngx_http_privacy_svg_text(b, c->labels[0]);
        ngx_http_privacy_rbuf_printf(b, "</text><text x=\"%d\" y=\"%d\" "
                                     "text-anchor=\"end\">",
                                     NGX_HTTP_PRIVACY_SVG_W
                                     - NGX_HTTP_PRIVACY_SVG_RIGHT,
                                     NGX_HTTP_PRIVACY_SVG_H - 14);
        ngx_http_privacy_svg_text(b, c->labels[c->n - 1]);
        ngx_http_privacy_rbuf_str(b, "</text></g>");
    }

    /* the legend: a swatch and a name per series */
    ngx_http_privacy_rbuf_str(b, "<g fill=\"#1a1a1a\">");

    if (c->bars) {
        ngx_http_privacy_rbuf_printf(b, "<rect x=\"%d\" y=\"6\" width=\"14\" "
                                     "height=\"12\" fill=\"#0b57a4\"/>"
                                     "<text x=\"%d\" y=\"16\">",
                                     NGX_HTTP_PRIVACY_SVG_LEFT,
                                     NGX_HTTP_PRIVACY_SVG_LEFT + 20);
        ngx_http_privacy_svg_text(b, c->bars_name);
        ngx_http_privacy_rbuf_str(b, "</text>");
    }

    if (c->line) {
        ngx_http_privacy_rbuf_printf(b, "<line x1=\"%d\" y1=\"12\" x2=\"%d\" "
                                     "y2=\"12\" stroke=\"#a00000\" "
                                     "stroke-width=\"2\"/>"
                                     "<text x=\"%d\" y=\"16\">",
                                     NGX_HTTP_PRIVACY_SVG_LEFT + 240,
                                     NGX_HTTP_PRIVACY_SVG_LEFT + 256,
                                     NGX_HTTP_PRIVACY_SVG_LEFT + 262);
        ngx_http_privacy_svg_text(b, c->line_name);
        ngx_http_privacy_rbuf_str(b, "</text>");
    }

    ngx_http_privacy_rbuf_str(b, "</g></svg></figure>\n");
}
