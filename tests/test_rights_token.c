/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the rights portal's codes, session values, form tokens,
 * case due dates (GDPR art. 12(3)) and bookkeeping holds.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "ngx_http_privacy_rights_token.h"


static ngx_http_privacy_rights_keys_t  keys;

static const char  *sid = "0123456789abcdef0123456789abcdef";


static int
setup(void **state)
{
    u_char  secret[32];

    memset(secret, 7, sizeof(secret));
    (void) state;

    return ngx_http_privacy_rights_keys(secret, sizeof(secret), &keys);
}


static void
test_code(void **state)
{
    int   i, j, seen[10];
    char  code[NGX_HTTP_PRIVACY_CODE_DIGITS + 1];

    (void) state;
    memset(seen, 0, sizeof(seen));

    for (i = 0; i < 200; i++) {
        assert_int_equal(ngx_http_privacy_rights_code(code), 0);
        assert_int_equal(strlen(code), NGX_HTTP_PRIVACY_CODE_DIGITS);

        for (j = 0; j < NGX_HTTP_PRIVACY_CODE_DIGITS; j++) {
            assert_true(code[j] >= '0' && code[j] <= '9');
            seen[code[j] - '0']++;
        }
    }

    /* 1,600 digits: every one of them appears */
    for (i = 0; i < 10; i++) {
        assert_true(seen[i] > 0);
    }
}


static void
test_code_hash(void **state)
{
    u_char  a[32], b[32], eh1[32], eh2[32];

    (void) state;
    memset(eh1, 1, sizeof(eh1));
    memset(eh2, 2, sizeof(eh2));

    assert_int_equal(ngx_http_privacy_rights_code_hash(keys.code, eh1, 32,
                                                       "12345678", 8, a), 0);
    assert_int_equal(ngx_http_privacy_rights_code_hash(keys.code, eh1, 32,
                                                       "12345678", 8, b), 0);
    assert_memory_equal(a, b, 32);

    /* bound to the address: the same code for another one differs */
    assert_int_equal(ngx_http_privacy_rights_code_hash(keys.code, eh2, 32,
                                                       "12345678", 8, b), 0);
    assert_memory_not_equal(a, b, 32);

    assert_int_equal(ngx_http_privacy_rights_code_hash(keys.code, eh1, 32,
                                                       "12345679", 8, b), 0);
    assert_memory_not_equal(a, b, 32);
}


static void
test_session(void **state)
{
    char    out[33];
    u_char  v[NGX_HTTP_PRIVACY_SESSION_LEN + 1];

    (void) state;

    assert_int_equal(ngx_http_privacy_rights_session_encode(keys.session,
                                                            sid, 1000, v), 0);
    assert_int_equal(ngx_http_privacy_rights_session_decode(keys.session, v,
                         NGX_HTTP_PRIVACY_SESSION_LEN, 999, out), 0);
    assert_string_equal(out, sid);

    /* expired */
    assert_int_equal(ngx_http_privacy_rights_session_decode(keys.session, v,
                         NGX_HTTP_PRIVACY_SESSION_LEN, 1001, out), -1);

    /* signed under another key (the form key) */
    assert_int_equal(ngx_http_privacy_rights_session_decode(keys.form, v,
                         NGX_HTTP_PRIVACY_SESSION_LEN, 999, out), -1);

    /* any byte changed */
    v[3] = v[3] == 'A' ? 'B' : 'A';
    assert_int_equal(ngx_http_privacy_rights_session_decode(keys.session, v,
                         NGX_HTTP_PRIVACY_SESSION_LEN, 999, out), -1);

    /* truncated, or not a subject id */
    assert_int_equal(ngx_http_privacy_rights_session_decode(keys.session, v,
                         10, 999, out), -1);
    assert_int_equal(ngx_http_privacy_rights_session_encode(keys.session,
                         "not hex", 1000, v), -1);
}


static void
test_form_token(void **state)
{
    u_char  t[NGX_HTTP_PRIVACY_FORM_TOKEN_LEN];

    static const u_char  c1[] = "abcdefghijklmnopqrstuvwx";
    static const u_char  c2[] = "abcdefghijklmnopqrstuvwy";

    (void) state;

    assert_int_equal(ngx_http_privacy_rights_form_token(keys.form, c1, 24, t),
                     0);
    assert_int_equal(ngx_http_privacy_rights_form_check(keys.form, c1, 24, t,
                                                        sizeof(t)), 0);

    /* another browser's cookie, a short one, a cut token */
    assert_int_equal(ngx_http_privacy_rights_form_check(keys.form, c2, 24, t,
                                                        sizeof(t)), -1);
    assert_int_equal(ngx_http_privacy_rights_form_check(keys.form, c1, 8, t,
                                                        sizeof(t)), -1);
    assert_int_equal(ngx_http_privacy_rights_form_check(keys.form, c1, 24, t,
                                                        sizeof(t) - 1), -1);
    assert_int_equal(ngx_http_privacy_rights_form_check(keys.form, c1, 24,
                                                        NULL, 0), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_code),
        cmocka_unit_test(test_code_hash),
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_form_token),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
