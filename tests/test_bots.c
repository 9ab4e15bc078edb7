/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the bot matcher (issue 15, item 8; docs/operator-guide.md
 * "Bots"): the built-in crawler-user-agents list and our supplement, a
 * list loaded from a file (the vendored JSON, whose every "instances"
 * example must match), real browsers that must not, and files that
 * must be refused.  Run from the repository root (make unit).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "ngx_http_privacy_bots.h"


#define JSON_FILE  "data/crawler-user-agents/crawler-user-agents.json"


static ngx_http_privacy_bots_t  *builtin;


/* the clients the issue found counted as visitors */
static const char  *issue_bots[] = {
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.199 Mobile "
    "Safari/537.36 (compatible; Google-InspectionTool/1.0;)",
    "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)",
    "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; "
    "1 subscribers; feed-id=1)",
    "Mediapartners-Google",
    "Scrapy/2.11.0 (+https://scrapy.org)",
    "okhttp/4.12.0",
    "axios/1.6.2",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "node-fetch",
    "PostmanRuntime/7.36.0",
    "HTTPie/3.2.2",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "libcurl/8.4.0",
    "Dart/3.2 (dart:io)",
    "WhatsApp/2.23.20.0 A",
    /* what t/20-analytics.t and the module's earlier list catch */
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/"
    "bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0)",
    "Mozilla/5.0 AppleWebKit (KHTML) HeadlessChrome/120.0 Safari",
    "curl/8.5.0", "Wget/1.21", "python-requests/2.31",
    "facebookexternalhit/1.1", "Slackbot-LinkExpanding 1.0",
    "Mozilla/5.0 (compatible; Yahoo! Slurp)", "UptimeRobot-Monitor",
    "Chrome-Lighthouse", "Baiduspider", "SiteCrawler/1.0",
    NULL
};


/* people's browsers, and the test suite's */
static const char  *browsers[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
    "Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 "
    "Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, "
    "like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
    "Firefox/128.0 PrivacyTestBrowser/20",
    "PrivacyTest/1",
    NULL
};


static int
match_str(ngx_http_privacy_bots_t *b, const char *ua)
{
    u_char  *copy;
    size_t   len;
    int      rc;

    /* an exact-size heap copy: AddressSanitizer sees any over-read */
    len = strlen(ua);
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, ua, len);

    rc = ngx_http_privacy_bots_match(b, copy, len);

    free(copy);

    return rc;
}


static int
setup(void **state)
{
    char  err[256];

    (void) state;

    builtin = ngx_http_privacy_bots_create(NULL, err, sizeof(err));
    if (builtin == NULL) {
        fprintf(stderr, "bots_create: %s\n", err);
        return -1;
    }

    return 0;
}


static int
teardown(void **state)
{
    (void) state;

    ngx_http_privacy_bots_destroy(builtin);

    return 0;
}


static void
test_issue_bots(void **state)
{
    size_t  i;

    (void) state;

    assert_true(ngx_http_privacy_bots_count(builtin)
                > ngx_http_privacy_bots_list_n);
    assert_true(ngx_http_privacy_bots_list_n >= 1000);

    for (i = 0; issue_bots[i] != NULL; i++) {
        if (match_str(builtin, issue_bots[i]) != 1) {
            fail_msg("not a bot: \"%s\"", issue_bots[i]);
        }
    }
}


static void
test_browsers(void **state)
{
    size_t  i;

    (void) state;

    for (i = 0; browsers[i] != NULL; i++) {
        if (match_str(builtin, browsers[i]) != 0) {
            fail_msg("a bot: \"%s\"", browsers[i]);
        }
    }
}


static void
test_edges(void **state)
{
    (void) state;

    assert_int_equal(ngx_http_privacy_bots_match(builtin,
                                                 (const u_char *) "", 0), 1);

    /* not UTF-8: still matched, no error */
    assert_int_equal(match_str(builtin, "Mozilla/5.0 \xff\xfe\xc3"), 0);
    assert_int_equal(match_str(builtin, "\xff Googlebot/2.1 \xc3"), 1);

    /* the supplement ignores case, the list does not need to */
    assert_int_equal(match_str(builtin, "LIBCURL/8"), 1);
    assert_int_equal(match_str(builtin, "postmanruntime/7"), 1);

    /* "Dart" only as Dart's own client says it */
    assert_int_equal(match_str(builtin, "Mozilla/5.0 Dartmouth Browser"), 0);
}


/* the vendored file gives the built-in list, and all its examples match */
static void
test_file(void **state)
{
    char                      err[256];
    size_t                    i, k, n;
    json_t                   *root, *entry, *inst, *ua;
    json_error_t              jerr;
    ngx_http_privacy_bots_t  *b;

    (void) state;

    b = ngx_http_privacy_bots_create(JSON_FILE, err, sizeof(err));
    if (b == NULL) {
        fail_msg("%s", err);
    }

    assert_int_equal(ngx_http_privacy_bots_count(b),
                     ngx_http_privacy_bots_count(builtin));

    root = json_load_file(JSON_FILE, 0, &jerr);
    assert_non_null(root);

    n = 0;

    json_array_foreach(root, i, entry) {
        inst = json_object_get(entry, "instances");

        json_array_foreach(inst, k, ua) {
            if (match_str(b, json_string_value(ua)) != 1
                || match_str(builtin, json_string_value(ua)) != 1)
            {
                fail_msg("instance of pattern %zu not matched: \"%s\"", i,
                         json_string_value(ua));
            }

            n++;
        }
    }

    assert_true(n > 1000);

    json_decref(root);
    ngx_http_privacy_bots_destroy(b);
}


static void
expect_refused(const char *json, const char *msg)
{
    char                      err[256], path[] = "/tmp/test_bots_XXXXXX";
    int                       fd;
    ngx_http_privacy_bots_t  *b;

    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t) strlen(json));
    close(fd);

    err[0] = '\0';
    b = ngx_http_privacy_bots_create(path, err, sizeof(err));
    unlink(path);

    if (b != NULL) {
        ngx_http_privacy_bots_destroy(b);
        fail_msg("accepted: %s", json);
    }

    if (strstr(err, msg) == NULL) {
        fail_msg("error \"%s\" does not say \"%s\"", err, msg);
    }
}


static void
test_bad_files(void **state)
{
    char                      err[256];
    ngx_http_privacy_bots_t  *b;

    (void) state;

    b = ngx_http_privacy_bots_create("/nonexistent/bots.json", err,
                                     sizeof(err));
    assert_null(b);
    assert_non_null(strstr(err, "/nonexistent/bots.json"));

    expect_refused("[", "");
    expect_refused("{}", "non-empty array");
    expect_refused("[]", "non-empty array");
    expect_refused("[{\"pattern\": \"ok\"}, {\"url\": \"x\"}]",
                   "entry 1 has no pattern");
    expect_refused("[{\"pattern\": \"\"}]", "entry 0 has no pattern");
    expect_refused("[{\"pattern\": \"a\\u0000b\"}]", "u0000");
    expect_refused("[{\"pattern\": \"ok\"}, {\"pattern\": \"Bad(\"}]",
                   "pattern 1 \"Bad(\"");
}


/* a small list of one's own works, with the supplement added */
static void
test_own_file(void **state)
{
    char                      err[256], path[] = "/tmp/test_bots_XXXXXX";
    const char               *json = "[{\"pattern\": \"^MyMonitor\\\\/\"}]";
    int                       fd;
    ngx_http_privacy_bots_t  *b;

    (void) state;

    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t) strlen(json));
    close(fd);

    b = ngx_http_privacy_bots_create(path, err, sizeof(err));
    unlink(path);
    assert_non_null(b);

    assert_int_equal(match_str(b, "MyMonitor/1"), 1);
    assert_int_equal(match_str(b, "libcurl/8"), 1);          /* supplement */
    assert_int_equal(match_str(b, "Scrapy/2.11"), 0);        /* not listed */
    assert_int_equal(match_str(b, browsers[0]), 0);

    ngx_http_privacy_bots_destroy(b);
}


/* how long one unremembered verdict takes (printed, not asserted) */
static void
test_cost(void **state)
{
    size_t           i, n;
    double           ns;
    struct timespec  t0, t1;

    (void) state;

    n = 2000;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    for (i = 0; i < n; i++) {
        assert_int_equal(match_str(builtin, browsers[i % 7]), 0);
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);

    ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
    printf("    one browser User-Agent against %zu patterns: %.1f us "
           "(this build)\n", ngx_http_privacy_bots_count(builtin),
           ns / 1000);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_bots),
        cmocka_unit_test(test_browsers),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_own_file),
        cmocka_unit_test(test_cost),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
