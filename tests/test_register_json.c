/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the register API's JSON decoding and RFC 3339 times.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_json_arena.h"
#include "ngx_http_privacy_register_json.h"


static const ngx_http_privacy_rj_today_t  today = { 2026, 12, 3 };


/* decodes text from an exact-size heap copy, so ASan sees overreads */
static int
subject(const char *text, int with_orders, ngx_http_privacy_rj_subject_t *s)
{
    int      rc;
    u_char  *buf;
    size_t   len;

    len = strlen(text);
    buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, text, len);

    rc = ngx_http_privacy_rj_subject(buf, len, with_orders, &today, s);

    free(buf);

    return rc;
}


static void
expect_refused(const char *text, const char *error_prefix)
{
    ngx_http_privacy_rj_subject_t  s;

    if (subject(text, 1, &s) != -1) {
        fail_msg("accepted %s", text);
    }

    if (strncmp(s.error, error_prefix, strlen(error_prefix)) != 0) {
        fail_msg("%s: error \"%s\", not \"%s...\"", text, s.error,
                 error_prefix);
    }

    ngx_http_privacy_rj_subject_free(&s);
}


static void
test_subject(void **state)
{
    ngx_http_privacy_rj_subject_t  s;

    (void) state;

    assert_int_equal(subject("{\"external_id\": \"c-1\", \"kind\": "
                             "[\"customer\", \"club\"], \"name\": \"Åsa\", "
                             "\"email\": \"a@b.se\", \"phone\": null, "
                             "\"personnummer\": \"811218-9876\", "
                             "\"last_activity\": \"1999-12-31\", "
                             "\"orders\": [{\"order_id\": \"o-1\", "
                             "\"date\": \"2024-03-01T10:00:00Z\", "
                             "\"total\": \"12.50\", \"currency\": \"SEK\", "
                             "\"items\": [{\"sku\": \"x\", \"quantity\": 1}]"
                             "}]}", 1, &s), 0);

    assert_int_equal(s.external_id.len, 3);
    assert_memory_equal(s.external_id.data, "c-1", 3);
    assert_int_equal(s.kinds, NGX_HTTP_PRIVACY_KIND_CUSTOMER
                              | NGX_HTTP_PRIVACY_KIND_CLUB);
    assert_int_equal(s.name.state, NGX_HTTP_PRIVACY_RJ_VALUE);
    assert_int_equal(s.phone.state, NGX_HTTP_PRIVACY_RJ_NULL);
    assert_int_equal(s.address.state, NGX_HTTP_PRIVACY_RJ_ABSENT);
    assert_int_equal(s.pnr_state, NGX_HTTP_PRIVACY_RJ_VALUE);
    assert_memory_equal(s.pnr.digits, "198112189876", 12);
    assert_int_equal(s.last_activity.t, 946598400);
    assert_int_equal(s.norders, 1);
    assert_string_equal(s.orders[0].total, "12.50");
    assert_string_equal(s.orders[0].currency, "SEK");
    assert_string_equal(s.orders[0].items, "[{\"sku\":\"x\",\"quantity\":1}]");

    ngx_http_privacy_rj_subject_free(&s);
}


static void
test_refusals(void **state)
{
    (void) state;

    expect_refused("", "malformed JSON");
    expect_refused("{", "malformed JSON");
    expect_refused("[]", "a JSON object");
    expect_refused("{\"external_id\": \"a\", \"external_id\": \"b\"}",
                   "malformed JSON");
    expect_refused("{\"name\": \"x\"}", "external_id: required");
    expect_refused("{\"external_id\": \"a b\"}", "external_id:");
    expect_refused("{\"external_id\": \"<a>\"}", "external_id:");
    expect_refused("{\"external_id\": \"\"}", "external_id:");
    expect_refused("{\"external_id\": 7}", "external_id:");
    expect_refused("{\"external_id\": \"a\", \"x\": 1}", "unknown field");
    expect_refused("{\"external_id\": \"a\", \"name\": 1}", "name:");
    /* jansson refuses NUL in strings by default */
    expect_refused("{\"external_id\": \"a\", \"name\": \"a\\u0000b\"}",
                   "malformed JSON");
    expect_refused("{\"external_id\": \"a\", \"name\": \"a\\nb\"}",
                   "name: control");
    expect_refused("{\"external_id\": \"a\", \"email\": \"nope\"}",
                   "email:");
    expect_refused("{\"external_id\": \"a\", \"phone\": \"call me\"}",
                   "phone:");
    expect_refused("{\"external_id\": \"a\", \"kind\": \"CUSTOMER\"}",
                   "kind:");
    expect_refused("{\"external_id\": \"a\", \"kind\": []}", "kind:");
    expect_refused("{\"external_id\": \"a\", \"personnummer\": 8112189876}",
                   "personnummer:");
    expect_refused("{\"external_id\": \"a\", \"personnummer\": "
                   "\"811218-9875\"}", "personnummer: not a valid");
    expect_refused("{\"external_id\": \"a\", \"last_activity\": "
                   "\"2024-13-01\"}", "last_activity:");
    expect_refused("{\"external_id\": \"a\", \"orders\": {}}", "orders:");
    expect_refused("{\"external_id\": \"a\", \"orders\": [{\"order_id\": "
                   "\"o\"}]}", "orders: order_id, date");
    expect_refused("{\"external_id\": \"a\", \"orders\": [{\"order_id\": "
                   "\"o\", \"date\": \"2024-01-01\", \"total\": \"1e5\", "
                   "\"currency\": \"SEK\"}]}", "total:");
    expect_refused("{\"external_id\": \"a\", \"orders\": [{\"order_id\": "
                   "\"o\", \"date\": \"2024-01-01\", \"total\": 1, "
                   "\"currency\": \"sek\"}]}", "currency:");
    expect_refused("{\"external_id\": \"a\", \"orders\": [{\"order_id\": "
                   "\"o\", \"date\": \"2024-01-01\", \"total\": 1, "
                   "\"currency\": \"SEK\", \"items\": [{\"colour\": 1}]}]}",
                   "items: unknown");
}


static void
test_no_orders_outside_import(void **state)
{
    ngx_http_privacy_rj_subject_t  s;

    (void) state;

    assert_int_equal(subject("{\"external_id\": \"a\", \"orders\": []}", 0,
                             &s), -1);
    assert_string_equal(s.error, "unknown field");
    ngx_http_privacy_rj_subject_free(&s);
}


static void
test_times(void **state)
{
    char     out[21];
    int64_t  t;

    (void) state;

    assert_int_equal(ngx_http_privacy_rfc3339_parse("1970-01-01", 10, &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(ngx_http_privacy_rfc3339_parse(
                         "2024-02-29T23:59:60.5+01:00", 27, &t), 0);
    assert_int_equal(t, 1709247599);
    assert_int_equal(ngx_http_privacy_rfc3339_parse(
                         "1901-06-01T00:00:00Z", 20, &t), 0);
    ngx_http_privacy_rfc3339_format(t, out);
    assert_string_equal(out, "1901-06-01T00:00:00Z");

    assert_int_equal(ngx_http_privacy_rfc3339_parse("2023-02-29", 10, &t),
                     -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse("2024-04-31", 10, &t),
                     -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse("2024-01-01T24:00:00Z",
                                                    20, &t), -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse("2024-01-01T10:00:00",
                                                    19, &t), -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse("2024-01-01T10:00:00.Z",
                                                    21, &t), -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse("1799-12-31", 10, &t),
                     -1);

    /* the years 1800-9999 in UTC too (found by fuzz_rfc3339) */
    assert_int_equal(ngx_http_privacy_rfc3339_parse(
                         "9999-12-31T23:59:59Z", 20, &t), 0);
    ngx_http_privacy_rfc3339_format(t, out);
    assert_string_equal(out, "9999-12-31T23:59:59Z");
    assert_int_equal(ngx_http_privacy_rfc3339_parse(
                         "9999-12-31T23:59:59-00:01", 25, &t), -1);
    assert_int_equal(ngx_http_privacy_rfc3339_parse(
                         "1800-01-01T00:00:00+00:01", 25, &t), -1);
}


static void
test_event_and_record(void **state)
{
    const char                   *text;
    ngx_http_privacy_rj_event_t   e;
    ngx_http_privacy_rj_record_t  r;

    (void) state;

    assert_int_equal(ngx_http_privacy_rj_event(NULL, 0, 1, &e), 0);
    assert_int_equal(e.at.state, NGX_HTTP_PRIVACY_RJ_ABSENT);

    text = "{\"at\": \"2024-01-01\", \"kind\": \"club\"}";
    assert_int_equal(ngx_http_privacy_rj_event((u_char *) text, strlen(text),
                                               1, &e), 0);
    assert_int_equal(e.kinds, NGX_HTTP_PRIVACY_KIND_CLUB);

    assert_int_equal(ngx_http_privacy_rj_event((u_char *)
                     "{\"kind\": \"club\"}", 16, 0, &e), -1);

    text = "{\"category\": \"cctv\", \"reference\": \"cam1/2024\","
           " \"reference_date\": \"2024-01-01\"}";
    assert_int_equal(ngx_http_privacy_rj_record((u_char *) text,
                                                strlen(text), &r), 0);
    assert_int_equal(r.reference_date, 1704067200);
    ngx_http_privacy_rj_record_free(&r);

    assert_int_equal(ngx_http_privacy_rj_record((u_char *)
                     "{\"category\": \"cctv\"}", 20, &r), -1);
    ngx_http_privacy_rj_record_free(&r);
}


/*
 * The import decoder's arena (docs/performance.md): values come from it
 * while a thread uses it, spill to malloc when it is full, and free()
 * never sees its memory; without an arena jansson mallocs as before.
 */
static void
test_arena(void **state)
{
    char                           *text;
    json_t                         *v;
    ngx_http_privacy_json_arena_t   a, small, *was;
    ngx_http_privacy_rj_subject_t   s;

    static const char  *line =
        "{\"external_id\":\"c-1\",\"kind\":\"customer\","
        "\"name\":\"Kund 1\",\"orders\":[{\"order_id\":\"o-1\","
        "\"date\":\"2023-01-02T10:00:00Z\",\"total\":\"10.50\","
        "\"currency\":\"SEK\",\"items\":[{\"sku\":\"A1\","
        "\"quantity\":1}]}]}";

    (void) state;

    assert_int_equal(ngx_http_privacy_json_arena_init(&a, 64 * 1024), 0);
    assert_int_equal(ngx_http_privacy_json_arena_init(&small, 256), 0);

    was = ngx_http_privacy_json_arena_use(&a);
    assert_null(was);

    assert_int_equal(subject(line, 1, &s), 0);
    assert_true((u_char *) s.root >= a.base && (u_char *) s.root < a.end);
    assert_true((u_char *) s.orders[0].items >= a.base
                && (u_char *) s.orders[0].items < a.end);
    assert_string_equal(s.orders[0].items,
                        "[{\"sku\":\"A1\",\"quantity\":1}]");
    assert_int_equal(a.spilled, 0);
    ngx_http_privacy_rj_subject_free(&s);

    ngx_http_privacy_json_arena_reset(&a);
    assert_ptr_equal(a.last, a.base);

    /* a full arena: the rest is malloc'd, and freed with free() */
    (void) ngx_http_privacy_json_arena_use(&small);
    assert_int_equal(subject(line, 1, &s), 0);
    assert_true(small.spilled > 0);
    assert_string_equal(s.name.data, "Kund 1");
    ngx_http_privacy_rj_subject_free(&s);

    was = ngx_http_privacy_json_arena_use(NULL);
    assert_ptr_equal(was, &small);

    /* no arena: malloc, as jansson does by default */
    v = json_string("x");
    text = json_dumps(v, JSON_ENCODE_ANY);
    assert_false((u_char *) v >= a.base && (u_char *) v < a.end);
    assert_string_equal(text, "\"x\"");
    ngx_http_privacy_json_free(text);
    json_decref(v);

    ngx_http_privacy_json_arena_destroy(&a);
    ngx_http_privacy_json_arena_destroy(&small);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_subject),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_no_orders_outside_import),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_event_and_record),
        cmocka_unit_test(test_arena),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
