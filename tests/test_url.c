/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of URL authorities and portal paths
 * (ngx_http_privacy_url.c): what the consent and rights pages accept as
 * their own origin, what analytics keeps of a Referer, the portal's URLs.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_url.h"


/* the authority of url under scheme, or NULL */
static const char *
authority(const char *url, const char *scheme)
{
    size_t         len;
    const u_char  *auth;
    static char    buf[256];

    if (!ngx_http_privacy_url_authority((const u_char *) url, strlen(url),
                                        scheme, &auth, &len))
    {
        return NULL;
    }

    assert_true(auth >= (const u_char *) url);
    assert_true(auth + len <= (const u_char *) url + strlen(url));
    assert_true(len < sizeof(buf));

    memcpy(buf, auth, len);
    buf[len] = '\0';

    return buf;
}


static void
test_authority(void **state)
{
    (void) state;

    assert_string_equal(authority("https://shop.example/a?b#c", NULL),
                        "shop.example");
    assert_string_equal(authority("http://shop.example", NULL),
                        "shop.example");
    assert_string_equal(authority("http://shop.example:8080?q", NULL),
                        "shop.example:8080");
    assert_string_equal(authority("http://[::1]:81/", NULL), "[::1]:81");
    assert_string_equal(authority("HTTPS://Shop.example#x", "https"),
                        "Shop.example");
    assert_string_equal(authority("svn+ssh://h/", NULL), "h");
    assert_string_equal(authority("http://", NULL), "");
}


static void
test_authority_refused(void **state)
{
    (void) state;

    /* the opaque origin, relative references, no scheme */
    assert_null(authority("null", NULL));
    assert_null(authority("", NULL));
    assert_null(authority("/path://x", NULL));
    assert_null(authority("//host/", NULL));
    assert_null(authority("://host/", NULL));
    assert_null(authority("1http://host/", NULL));
    assert_null(authority("ht tp://host/", NULL));
    assert_null(authority("http:/host", NULL));
    assert_null(authority("http:", NULL));

    /* userinfo: no origin has one, and a Referer with one is not kept */
    assert_null(authority("http://u:p@h/", NULL));
    assert_null(authority("http://shop.example@evil.example/", NULL));

    /* another scheme than the one asked for */
    assert_null(authority("https://host/", "http"));
    assert_null(authority("http://host/", "https"));
    assert_null(authority("httpx://host/", "http"));
}


static ssize_t
host(const char *auth, unsigned dflt, unsigned *port)
{
    return ngx_http_privacy_url_host((const u_char *) auth, strlen(auth),
                                     dflt, port);
}


static void
test_host(void **state)
{
    unsigned  port;

    (void) state;

    assert_int_equal(host("shop.example", 80, &port), 12);
    assert_int_equal(port, 80);
    assert_int_equal(host("shop.example:8443", 443, &port), 12);
    assert_int_equal(port, 8443);
    assert_int_equal(host("[::1]", 80, &port), 5);
    assert_int_equal(port, 80);
    assert_int_equal(host("[::1]:65535", 80, &port), 5);
    assert_int_equal(port, 65535);

    assert_int_equal(host("", 80, &port), -1);
    assert_int_equal(host(":80", 80, &port), -1);
    assert_int_equal(host("h:", 80, &port), -1);
    assert_int_equal(host("h:0", 80, &port), -1);
    assert_int_equal(host("h:65536", 80, &port), -1);
    assert_int_equal(host("h:8a", 80, &port), -1);
    assert_int_equal(host("h:123456", 80, &port), -1);
}


static int
same(const char *a, const char *b, unsigned dflt)
{
    return ngx_http_privacy_url_same_authority((const u_char *) a,
                                               strlen(a),
                                               (const u_char *) b,
                                               strlen(b), dflt);
}


static void
test_same_authority(void **state)
{
    (void) state;

    assert_true(same("shop.example", "shop.example", 80));
    assert_true(same("Shop.Example", "shop.example", 80));
    assert_true(same("shop.example:80", "shop.example", 80));
    assert_true(same("shop.example", "shop.example:443", 443));
    assert_true(same("[::1]:8080", "[::1]:8080", 80));

    assert_false(same("shop.example:8080", "shop.example", 80));
    assert_false(same("shop.example", "shop.example:443", 80));
    assert_false(same("evil.example", "shop.example", 80));
    assert_false(same("shop.example.evil", "shop.example", 80));
    assert_false(same("", "", 80));
    assert_false(same("shop.example:x", "shop.example:x", 80));
}


static const char *
join(const char *prefix, const char *page)
{
    size_t       n;
    static char  buf[256];

    n = ngx_http_privacy_url_join((u_char *) buf, (const u_char *) prefix,
                                  strlen(prefix), (const u_char *) page,
                                  strlen(page));

    assert_true(n <= NGX_HTTP_PRIVACY_URL_JOIN_LEN(strlen(prefix),
                                                   strlen(page)));
    buf[n] = '\0';

    return buf;
}


static void
test_join(void **state)
{
    (void) state;

    assert_string_equal(join("/privacy/", "consent"), "/privacy/consent");
    assert_string_equal(join("/privacy", "consent"), "/privacy/consent");
    assert_string_equal(join("/", "consent"), "/consent");
    assert_string_equal(join("", "consent"), "/consent");
    assert_string_equal(join("/privacy", ""), "/privacy/");
    assert_string_equal(join("/privacy/", ""), "/privacy/");
    assert_string_equal(join("/p/", "rights/account"), "/p/rights/account");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_authority),
        cmocka_unit_test(test_authority_refused),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_same_authority),
        cmocka_unit_test(test_join),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
