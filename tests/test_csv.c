/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of CSV cells: quoting (RFC 4180) and the neutralisation of
 * what a spreadsheet would evaluate as a formula.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_csv.h"


static void
expect_cell(const char *s, const char *want)
{
    u_char  *dst, *end;
    size_t   n;

    n = ngx_http_privacy_csv_cell_len((u_char *) s, strlen(s));
    assert_int_equal(n, strlen(want));

    dst = malloc(n);
    assert_non_null(dst);

    end = ngx_http_privacy_csv_cell(dst, (u_char *) s, strlen(s));
    assert_ptr_equal(end, dst + n);
    assert_memory_equal(dst, want, n);

    free(dst);
}


static void
test_plain(void **state)
{
    (void) state;

    expect_cell("", "\"\"");
    expect_cell("tapet", "\"tapet\"");
    expect_cell("/sv/kök", "\"/sv/kök\"");
    expect_cell("a,b", "\"a,b\"");
    expect_cell("line\nbreak", "\"line\nbreak\"");
    expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_cell("<script>alert(1)</script>",
                "\"<script>alert(1)</script>\"");
    /* a sign inside a value is no formula */
    expect_cell("a=b", "\"a=b\"");
    expect_cell("e-mail", "\"e-mail\"");
}


static void
test_formulas(void **state)
{
    (void) state;

    expect_cell("=1+1", "\"'=1+1\"");
    expect_cell("+46 70", "\"'+46 70\"");
    expect_cell("-2", "\"'-2\"");
    expect_cell("@SUM(A1)", "\"'@SUM(A1)\"");
    expect_cell("\tx", "\"'\tx\"");
    expect_cell("\rx", "\"'\rx\"");
    expect_cell("=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"");
    /* after blanks some spreadsheets still evaluate */
    expect_cell("  =1", "\"'  =1\"");
    expect_cell("\n=1", "\"'\n=1\"");

    assert_int_equal(ngx_http_privacy_csv_risky((u_char *) "=", 1), 1);
    assert_int_equal(ngx_http_privacy_csv_risky((u_char *) "  ", 2), 0);
    assert_int_equal(ngx_http_privacy_csv_risky((u_char *) "", 0), 0);
    assert_int_equal(ngx_http_privacy_csv_risky((u_char *) "x=", 2), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_formulas),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
