/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the breach notice (GDPR art. 34) and the extension notice
 * (art. 12(3)): RFC 5322 messages whose headers the DPO's texts never
 * reach, with ASCII headers, CRLF line ends and no line over 998 bytes;
 * of the times the incident form accepts; and of the address check every
 * message's To: passes.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_mail.h"
#include "ngx_http_privacy_mail_notice.h"
#include "ngx_http_privacy_report_analytics.h"


/* every line ends in CRLF and fits (RFC 5322 2.1.1); headers ASCII */

static void
check_lines(const char *m)
{
    size_t       line;
    const char  *p, *body;

    body = strstr(m, "\r\n\r\n");
    assert_non_null(body);

    line = 0;

    for (p = m; *p; p++) {
        if (p < body) {
            assert_true((unsigned char) *p < 0x80);
        }

        if (*p == '\n') {
            assert_true(p > m && p[-1] == '\r');
            line = 0;
            continue;
        }

        assert_true(++line <= 998);
    }
}


static void
test_notice(void **state)
{
    char                          *m, *body, *long_line;
    size_t                         len;
    ngx_http_privacy_mail_text_t   what, cons, meas;

    (void) state;

    long_line = malloc(3000);
    assert_non_null(long_line);
    memset(long_line, 'x', 3000);

    what.data = "Stulen dator\nBcc: victim@example.com\r\nTo: x@y";
    what.len = strlen(what.data);
    cons.data = long_line;
    cons.len = 3000;
    meas.data = "Krypterad.\n\nL\xc3\xb6senord bytta.";
    meas.len = strlen(meas.data);

    m = ngx_http_privacy_mail_notice(0, "dpo@shop.example",
                                     "anna@example.se", &what, &cons, &meas,
                                     1796256000, &len);
    assert_non_null(m);
    assert_int_equal(strlen(m), len);

    body = strstr(m, "\r\n\r\n");
    assert_non_null(body);

    /* the headers are ours alone */
    assert_memory_equal(m, "From: dpo@shop.example\r\nTo: anna@example.se\r\n"
                        "Subject: Information om en personuppgiftsincident"
                        "\r\nDate: Thu, 03 Dec 2026 00:00:00 +0000\r\n",
                        strlen("From: dpo@shop.example\r\nTo: anna@example.se"
                               "\r\nSubject: Information om en "
                               "personuppgiftsincident\r\nDate: Thu, 03 Dec "
                               "2026 00:00:00 +0000\r\n"));
    assert_true(strstr(m, "Bcc:") > body);

    check_lines(m);

    assert_non_null(strstr(body, "Stulen dator\r\nBcc: victim@example.com"
                                 "\r\nTo: x@y\r\n"));
    assert_non_null(strstr(body, "Krypterad.\r\n\r\nL\xc3\xb6senord "
                                 "bytta."));
    assert_non_null(strstr(body, "dpo@shop.example\r\n"));

    free(m);
    free(long_line);
}


static void
test_extension(void **state)
{
    char                          *m, *body;
    size_t                         len;
    ngx_http_privacy_mail_text_t   reason;

    (void) state;

    reason.data = "M\xc3\xa5nga \xc3\xa4renden.\nSubject: spoofed\r\n";
    reason.len = strlen(reason.data);

    /* received 2026-01-31, due three calendar months later */
    m = ngx_http_privacy_mail_extension("dpo@shop.example",
                                        "anna@example.se", "erasure",
                                        1769817600, 1777507200, &reason,
                                        1796256000, &len);
    assert_non_null(m);
    assert_int_equal(strlen(m), len);
    check_lines(m);

    body = strstr(m, "\r\n\r\n");
    assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(m, "\r\nContent-Language: sv, en\r\n"));
    assert_true(strstr(m, "Subject: spoofed") > body);

    assert_non_null(strstr(body, "om radering, som vi tog emot 2026-01-31"));
    assert_non_null(strstr(body, "senast 2026-04-30."));
    assert_non_null(strstr(body, "for erasure, which we received on "
                                 "2026-01-31"));
    assert_non_null(strstr(body, "by 2026-04-30."));
    assert_non_null(strstr(body, "M\xc3\xa5nga \xc3\xa4renden.\r\n"
                                 "Subject: spoofed\r\n"));

    free(m);

    /* an unknown type is named as it is */
    m = ngx_http_privacy_mail_extension("dpo@shop.example",
                                        "anna@example.se", "other",
                                        1769817600, 1777507200, &reason,
                                        1796256000, &len);
    assert_non_null(m);
    assert_non_null(strstr(m, "request for other,"));
    free(m);
}


static int64_t
when(const char *s)
{
    int64_t  t;

    t = -1;

    if (ngx_http_privacy_datetime_parse((const u_char *) s, strlen(s), &t)
        != 0)
    {
        return -1;
    }

    return t;
}


static void
test_datetime(void **state)
{
    (void) state;

    assert_int_equal(when("2026-12-03"), 1796256000);
    assert_int_equal(when("2026-12-03T14:30"), 1796256000 + 52200);
    assert_int_equal(when("2026-12-03 14:30:15"), 1796256000 + 52215);
    assert_int_equal(when("2026-12-03T24:00"), -1);
    assert_int_equal(when("2026-12-03T14:60"), -1);
    assert_int_equal(when("2026-12-03T1430"), -1);
    assert_int_equal(when("2026-12-03X14:30"), -1);
    assert_int_equal(when("2026-02-30T10:00"), -1);
    assert_int_equal(when(""), -1);
}


#define ok(s)  ngx_http_privacy_mail_address_ok(s, sizeof(s) - 1)

/* exactly one '@' with text either side, nothing that could end a header */

static void
test_address(void **state)
{
    (void) state;

    assert_true(ok("a@b"));
    assert_true(ok("anna.svensson+kvitto@shop.example"));

    assert_false(ok("ab"));
    assert_false(ok("@ab"));
    assert_false(ok("ab@"));
    assert_false(ok("a@b@c"));
    /* the fuzzer's finding: an '@' first must count (tests/fuzz) */
    assert_false(ok("@a@b"));
    assert_false(ok("a@@b"));
    assert_false(ok("a b@c"));
    assert_false(ok("a@b\r\nBcc: x@y"));
    assert_false(ok("a@b,c@d"));
    assert_false(ok("<a@b>"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_notice),
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_address),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
