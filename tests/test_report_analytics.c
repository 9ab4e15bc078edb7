/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the analytics report's own decisions: the days of a
 * range, and the k-threshold on search terms (by visitors, not
 * searches); and of the SVG chart drawn for it.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_report_analytics.h"
#include "ngx_http_privacy_svg.h"


static const ngx_http_privacy_rcol_t  cols[] = {
    { "term", { "Sökord", "Term" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "searches", { "Sökningar", "Searches" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "visitors", { "Besökare", "Visitors" }, NGX_HTTP_PRIVACY_RCOL_INT },
};

static const ngx_http_privacy_rdef_t  def = {
    "top_search_terms", { "", "" }, { "", "" }, cols, 3
};


static int64_t
day(const char *s)
{
    int64_t  t;

    assert_int_equal(ngx_http_privacy_day_parse((u_char *) s, strlen(s),
                                                &t), 0);
    return t;
}


static int
bad(const char *s)
{
    int64_t  t;

    return ngx_http_privacy_day_parse((u_char *) s, strlen(s), &t) == -1;
}


static void
test_days(void **state)
{
    char  out[11];

    (void) state;

    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("2026-12-03"), 1796256000);
    assert_int_equal(day("2024-02-29"), 1709164800);
    assert_int_equal(day("2000-03-01") - day("2000-02-28"), 2 * 86400);
    assert_int_equal(day("2100-03-01") - day("2100-02-28"), 86400);

    assert_true(bad("2026-02-29"));
    assert_true(bad("2026-13-01"));
    assert_true(bad("2026-00-10"));
    assert_true(bad("2026-04-31"));
    assert_true(bad("2026-4-1"));
    assert_true(bad("2026-04-01 "));
    assert_true(bad("1969-12-31"));
    assert_true(bad("<script>"));
    assert_true(bad(""));

    ngx_http_privacy_day_format(1796256000 + 3600, out);
    assert_string_equal(out, "2026-12-03");
}


static void
add(ngx_http_privacy_rtable_t *t, const char *term, int64_t searches,
    int64_t visitors)
{
    assert_int_equal(ngx_http_privacy_rtable_row(t), 0);
    ngx_http_privacy_rtable_text(t, 0, (u_char *) term, strlen(term));
    ngx_http_privacy_rtable_int(t, 1, searches);
    ngx_http_privacy_rtable_int(t, 2, visitors);
}


static void
test_k(void **state)
{
    ngx_http_privacy_rare_t    rare;
    ngx_http_privacy_report_t  rp;
    ngx_http_privacy_rtable_t *t;

    (void) state;

    memset(&rp, 0, sizeof(rp));
    t = ngx_http_privacy_report_table(&rp, &def);

    add(t, "skruv", 6, 6);
    add(t, "rarename", 20, 2);      /* many searches, few visitors */
    add(t, "spik", 9, 5);
    add(t, "tapet", 5, 5);
    add(t, "fog", 1, 1);

    ngx_http_privacy_report_k(t, 1, 2, 5, 2, &rare);

    /* at most 2 shown, in order; the others above k are not rare */
    assert_int_equal(t->nrows, 2);
    assert_memory_equal(ngx_http_privacy_rtable_cell(t, 0, 0)->s, "skruv",
                        5);
    assert_memory_equal(ngx_http_privacy_rtable_cell(t, 1, 0)->s, "spik",
                        4);
    assert_int_equal(rare.terms, 2);
    assert_int_equal(rare.searches, 21);
    assert_int_equal(rare.visitors, 3);

    ngx_http_privacy_report_free(&rp);

    /* a threshold nobody reaches: nothing named, everything counted */
    memset(&rp, 0, sizeof(rp));
    t = ngx_http_privacy_report_table(&rp, &def);
    add(t, "skruv", 6, 6);
    add(t, "rarename", 20, 2);
    assert_int_equal(ngx_http_privacy_rtable_row(t), 0);   /* NULLs */

    ngx_http_privacy_report_k(t, 1, 2, 7, 50, &rare);

    assert_int_equal(t->nrows, 0);
    assert_int_equal(rare.terms, 3);
    assert_int_equal(rare.searches, 26);

    ngx_http_privacy_report_free(&rp);
}


static void
test_svg(void **state)
{
    char                      *s;
    int64_t                    bars[] = { 10, 0, 35 }, line[] = { 4, 0, 9 };
    const char                *labels[] = { "2026-12-01", NULL,
                                            "2026-12-03" };
    ngx_http_privacy_rbuf_t    b;
    ngx_http_privacy_chart_t   c;

    (void) state;

    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    c.id = "v";
    c.title = "Views & <visitors>";
    c.desc = "35 on \"2026-12-03\"";
    c.labels = labels;
    c.bars = bars;
    c.line = line;
    c.bars_name = "Page views";
    c.line_name = "Visitors";
    c.n = 3;

    ngx_http_privacy_svg_chart(&b, &c);
    ngx_http_privacy_rbuf_add(&b, "", 1);
    assert_false(b.failed);
    s = (char *) b.data;

    assert_non_null(strstr(s, "role=\"img\" aria-labelledby=\"v-t v-d\""));
    assert_non_null(strstr(s, "<title id=\"v-t\">Views &amp; &lt;visitors"
                              "&gt;</title>"));
    assert_non_null(strstr(s, "<desc id=\"v-d\">35 on &quot;2026-12-03"
                              "&quot;</desc>"));
    /* the axis tops at 50, the next round number above 35 */
    assert_non_null(strstr(s, ">50</text>"));
    /* three bars, the empty one of height 0 */
    assert_non_null(strstr(s, "height=\"0.0\""));
    assert_non_null(strstr(s, "<polyline"));
    assert_non_null(strstr(s, ">2026-12-01</text>"));
    assert_non_null(strstr(s, ">2026-12-03</text>"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "style="));

    ngx_http_privacy_rbuf_free(&b);

    /* nothing to draw: nothing drawn */
    c.n = 0;
    ngx_http_privacy_svg_chart(&b, &c);
    assert_int_equal(b.len, 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_k),
        cmocka_unit_test(test_svg),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
