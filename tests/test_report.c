/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the DPO's report tables: the same rows as HTML, JSON and
 * CSV, with hostile values (markup, quotes, commas, line breaks,
 * formulas, bad UTF-8) inert in each.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "ngx_http_privacy_report.h"


static const ngx_http_privacy_rcol_t  cols[] = {
    { "term", { "Sökord", "Term" }, NGX_HTTP_PRIVACY_RCOL_TEXT },
    { "searches", { "Sökningar", "Searches" }, NGX_HTTP_PRIVACY_RCOL_INT },
    { "seen", { "Sedd", "Seen" }, NGX_HTTP_PRIVACY_RCOL_TIME },
    { "overdue", { "Över tiden", "Overdue" }, NGX_HTTP_PRIVACY_RCOL_ALERT },
    { "swept", { "Gallras", "Swept" }, NGX_HTTP_PRIVACY_RCOL_BOOL },
};

static const ngx_http_privacy_rdef_t  def = {
    "terms", { "Sökord", "Terms" }, { "Inga.", "None." },
    cols, sizeof(cols) / sizeof(cols[0])
};

static const char  evil[] =
    "=HYPERLINK(\"http://x\"),<script>alert('1')</script>\n&";


static char *
render(ngx_http_privacy_report_t *rp, int format, const char *csv)
{
    char                     *s;
    ngx_http_privacy_rbuf_t   out;

    memset(&out, 0, sizeof(out));

    if (ngx_http_privacy_report_render(rp, format, csv, &out) != 0) {
        ngx_http_privacy_rbuf_free(&out);
        return NULL;
    }

    s = malloc(out.len + 1);
    assert_non_null(s);
    memcpy(s, out.data, out.len);
    s[out.len] = '\0';
    ngx_http_privacy_rbuf_free(&out);

    return s;
}


static void
fill(ngx_http_privacy_report_t *rp)
{
    ngx_http_privacy_rtable_t  *t;

    memset(rp, 0, sizeof(*rp));
    rp->lang = 1;

    t = ngx_http_privacy_report_table(rp, &def);
    assert_non_null(t);

    assert_int_equal(ngx_http_privacy_rtable_row(t), 0);
    ngx_http_privacy_rtable_text(t, 0, (u_char *) evil, strlen(evil));
    ngx_http_privacy_rtable_int(t, 1, 6);
    ngx_http_privacy_rtable_int(t, 2, 86400);
    ngx_http_privacy_rtable_int(t, 3, 3);
    ngx_http_privacy_rtable_int(t, 4, 1);

    /* a row of NULLs, and a term with a byte that is not UTF-8 */
    assert_int_equal(ngx_http_privacy_rtable_row(t), 0);
    assert_int_equal(ngx_http_privacy_rtable_row(t), 0);
    ngx_http_privacy_rtable_text(t, 0, (u_char *) "k\xf6k", 3);
    ngx_http_privacy_rtable_int(t, 3, 0);
}


static void
test_html(void **state)
{
    char                       *s;
    ngx_http_privacy_report_t   rp;

    (void) state;

    fill(&rp);
    s = render(&rp, NGX_HTTP_PRIVACY_REPORT_HTML, NULL);
    assert_non_null(s);

    assert_null(strstr(s, "<script"));
    assert_non_null(strstr(s, "=HYPERLINK(&quot;http://x&quot;),&lt;script"
                              "&gt;alert(&#39;1&#39;)&lt;/script&gt;\n"
                              "&amp;"));
    assert_non_null(strstr(s, "<h2 id=\"t-terms\">Terms</h2>"));
    assert_non_null(strstr(s, "<td class=\"n\">6</td>"));
    assert_non_null(strstr(s, "<td>1970-01-02 00:00 UTC</td>"));
    assert_non_null(strstr(s, "<td class=\"n alert\">3</td>"));
    assert_non_null(strstr(s, "<td class=\"n\">0</td>"));
    assert_non_null(strstr(s, "<td>yes</td>"));
    assert_non_null(strstr(s, "<td>&#8211;</td>"));

    free(s);
    ngx_http_privacy_report_free(&rp);

    /* no rows: the table's words for it */
    memset(&rp, 0, sizeof(rp));
    assert_non_null(ngx_http_privacy_report_table(&rp, &def));
    s = render(&rp, NGX_HTTP_PRIVACY_REPORT_HTML, NULL);
    assert_non_null(strstr(s, "<p>Inga.</p>"));
    assert_null(strstr(s, "<table"));
    free(s);
    ngx_http_privacy_report_free(&rp);
}


static void
test_json(void **state)
{
    char                       *s;
    json_t                     *j, *rows, *row;
    json_error_t                err;
    ngx_http_privacy_report_t   rp;

    (void) state;

    fill(&rp);
    ngx_http_privacy_rbuf_str(&rp.json, "\"k\":5,");
    s = render(&rp, NGX_HTTP_PRIVACY_REPORT_JSON, NULL);
    assert_non_null(s);

    /* markup characters as escapes, so the bytes hold no tag */
    assert_null(strstr(s, "<"));
    assert_null(strstr(s, ">"));

    j = json_loads(s, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "k")), 5);

    rows = json_object_get(j, "terms");
    assert_int_equal(json_array_size(rows), 3);

    row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "term")),
                        evil);
    assert_int_equal(json_integer_value(json_object_get(row, "searches")),
                     6);
    assert_string_equal(json_string_value(json_object_get(row, "seen")),
                        "1970-01-02T00:00:00Z");
    assert_true(json_is_true(json_object_get(row, "swept")));

    row = json_array_get(rows, 1);
    assert_true(json_is_null(json_object_get(row, "term")));

    /* bad UTF-8 becomes U+FFFD: the document stays valid */
    row = json_array_get(rows, 2);
    assert_string_equal(json_string_value(json_object_get(row, "term")),
                        "k\xef\xbf\xbdk");

    json_decref(j);
    free(s);
    ngx_http_privacy_report_free(&rp);
}


static void
test_csv(void **state)
{
    char                       *s;
    ngx_http_privacy_report_t   rp;

    (void) state;

    fill(&rp);
    s = render(&rp, NGX_HTTP_PRIVACY_REPORT_CSV, NULL);
    assert_non_null(s);

    assert_string_equal(s,
        "\xef\xbb\xbf\"term\",\"searches\",\"seen\",\"overdue\",\"swept\"\r\n"
        "\"'=HYPERLINK(\"\"http://x\"\"),<script>alert('1')</script>\n&\","
        "6,1970-01-02T00:00:00Z,3,1\r\n"
        ",,,,\r\n"
        "\"k\xf6k\",,,0,\r\n");

    free(s);

    assert_non_null(s = render(&rp, NGX_HTTP_PRIVACY_REPORT_CSV, "terms"));
    free(s);
    assert_null(render(&rp, NGX_HTTP_PRIVACY_REPORT_CSV, "other"));

    ngx_http_privacy_report_free(&rp);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_csv),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
