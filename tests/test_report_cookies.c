/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the pattern the cookie report suggests for an
 * unclassified name.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_report_cookies.h"


static void
expect(const char *name, const char *want)
{
    u_char  out[4 * 64 + 3];
    size_t  n;

    assert_true(strlen(name) <= 64);

    n = ngx_http_privacy_cookie_pattern((u_char *) name, strlen(name), out);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
}


static void
test_pattern(void **state)
{
    (void) state;

    expect("mystery", "^mystery$");
    expect("_ga", "^_ga$");
    /* a generated suffix: letters and digits, with a digit */
    expect("_ga_ABC123", "^_ga_");
    expect("_hjSession_123456", "^_hjSession_");
    expect("wp-settings-1", "^wp-settings-1$");          /* too short */
    expect("wp-settings-time-12", "^wp-settings-time-12$");
    expect("wp_woocommerce_session_0a1b2c", "^wp_woocommerce_session_");
    expect("AMP_TOKEN", "^AMP_TOKEN$");                   /* no digit */
    expect("_1234", "^_1234$");                           /* no prefix */
    /* metacharacters and quotes are escaped, controls as \xHH */
    expect("a.b", "^a\\.b$");
    expect("x(1)|y", "^x\\(1\\)\\|y$");
    expect("it's", "^it\\'s$");
    expect("=x<script>", "^=x<script>$");
    expect("a b", "^a\\x20b$");
    expect("\xc3\xa5", "^\\xc3\\xa5$");
    expect("", "^$");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_pattern),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
