/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the Accept-Language reader.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_accept_lang.h"


/*
 * the primary subtags of value, from an exact-size heap copy (so ASan
 * sees overreads), joined with "|" into out; an unusable range is "_"
 */
static void
tags(const char *value, char *out, size_t size)
{
    u_char        *s;
    size_t         len, n, used;
    const u_char  *p, *tag;

    len = strlen(value);
    s = malloc(len ? len : 1);
    assert_non_null(s);
    memcpy(s, value, len);

    p = s;
    used = 0;
    out[0] = '\0';

    while (ngx_http_privacy_accept_lang_next(&p, s + len, &tag, &n)) {
        assert_true(used + n + 2 < size);

        if (used) {
            out[used++] = '|';
        }

        if (n == 0) {
            out[used++] = '_';

        } else {
            memcpy(out + used, tag, n);
            used += n;
        }

        out[used] = '\0';
    }

    assert_true(p == s + len);
    free(s);
}


static void
test_ranges(void **state)
{
    char  out[128];

    (void) state;

    tags("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7", out, sizeof(out));
    assert_string_equal(out, "sv|sv|en|en");

    tags("en", out, sizeof(out));
    assert_string_equal(out, "en");

    tags("  de , fr;q=0.5", out, sizeof(out));
    assert_string_equal(out, "de|fr");

    tags("EN-gb", out, sizeof(out));
    assert_string_equal(out, "EN");
}


static void
test_unusable(void **state)
{
    char  out[128];

    (void) state;

    tags("", out, sizeof(out));
    assert_string_equal(out, "");

    tags(" , ,", out, sizeof(out));
    assert_string_equal(out, "");

    /* "*", a digit in the subtag, a stray byte: skipped, the rest read */
    tags("*,x1-y,s\xc3\xa5,en", out, sizeof(out));
    assert_string_equal(out, "_|_|_|en");

    tags(";q=1,sv", out, sizeof(out));
    assert_string_equal(out, "_|sv");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_unusable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
