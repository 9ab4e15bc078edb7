/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of where the banner may enter a page: the insertion point,
 * markup that only looks like a <body> tag, input split anywhere, and the
 * pages it must never enter (docs/banner.md).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ngx_http_privacy_html_scan.h"


#define HERE   NGX_HTTP_PRIVACY_HTML_HERE
#define MORE   NGX_HTTP_PRIVACY_HTML_MORE
#define NEVER  NGX_HTTP_PRIVACY_HTML_NEVER


static const char  tricky[] =
    "<!DOCTYPE html><html><head>"
    "<!-- <body class=\"in-comment\"> -->"
    "<!--[if IE]><body class=\"ie\"><![endif]-->"
    "<!-- a -- b --><?xml <body> ?><!x <body>>";

static const char  tricky_rest[] =
    "<script>document.write(\"<body class=in-script>\");</script>"
    "<style>/* <body> */</style>"
    "<title>&lt;body&gt;</title>"
    "<textarea></textareax><body></textarea >"
    "<meta name=\"x\" content=\"<body class=in-attr>\">"
    "<meta name='y' content='<body>'>"
    "<bodyx><BODY data-x='a>b' class=\"real\">"
    "<p>content</p></BODY></html>";


/* the scan of n bytes in pieces of at most step bytes: result, offset */
static int
scan_steps(const char *page, size_t n, size_t step, size_t *at,
    int *document)
{
    int                            rc;
    size_t                         off, len, pos;
    ngx_http_privacy_html_scan_t   s;

    ngx_http_privacy_html_scan_init(&s);

    rc = MORE;

    for (off = 0; off < n; off += len) {
        len = (n - off < step) ? n - off : step;
        pos = (size_t) -1;

        rc = ngx_http_privacy_html_scan(&s, (const u_char *) page + off, len,
                                        &pos);
        if (rc == HERE) {
            assert_true(pos >= 1 && pos <= len);
            *at = off + pos;
            break;
        }

        if (rc == NEVER) {
            /* and it stays so */
            assert_int_equal(ngx_http_privacy_html_scan(&s,
                                 (const u_char *) "<body>", 6, &pos), NEVER);
            break;
        }
    }

    if (document) {
        *document = ngx_http_privacy_html_scan_document(&s);
    }

    return rc;
}


static int
scan(const char *page, size_t *at)
{
    return scan_steps(page, strlen(page), (size_t) -1, at, NULL);
}


/* the offset right after the first occurrence of "after" in page */
static size_t
after(const char *page, const char *tag)
{
    const char  *p;

    p = strstr(page, tag);
    assert_non_null(p);

    return (size_t) (p - page) + strlen(tag);
}


static void
test_body(void **state)
{
    size_t  at;

    (void) state;

    assert_int_equal(scan("<html><body><h1>x</h1>", &at), HERE);
    assert_int_equal(at, sizeof("<html><body>") - 1);

    assert_int_equal(scan("<body\n class=\"a\"\n>", &at), HERE);
    assert_int_equal(at, sizeof("<body\n class=\"a\"\n>") - 1);

    assert_int_equal(scan("<BoDy/>x", &at), HERE);
    assert_int_equal(at, 7);

    assert_int_equal(scan("<body a=b c='>' d=\">\">x", &at), HERE);
    assert_int_equal(at, sizeof("<body a=b c='>' d=\">\">") - 1);

    /* "<!-->" and "<!--->" are whole (empty) comments (HTML 13.2.5.44) */
    assert_int_equal(scan("<!--><body>", &at), HERE);
    assert_int_equal(at, sizeof("<!--><body>") - 1);
    assert_int_equal(scan("<!---><body>", &at), HERE);
}


static void
test_lookalikes(void **state)
{
    char    page[sizeof(tricky) + sizeof(tricky_rest)];
    size_t  at, want, step, n;

    (void) state;

    strcpy(page, tricky);
    strcat(page, tricky_rest);
    n = strlen(page);
    want = after(page, "class=\"real\">");

    assert_int_equal(scan(page, &at), HERE);
    assert_int_equal(at, want);

    /* split anywhere, down to one byte at a time */

    for (step = 1; step < n; step++) {
        at = 0;
        assert_int_equal(scan_steps(page, n, step, &at, NULL), HERE);
        assert_int_equal(at, want);
    }
}


static void
test_end_tags(void **state)
{
    size_t  at;
    int     doc;

    (void) state;

    assert_int_equal(scan("text only</body>tail", &at), HERE);
    assert_int_equal(at, sizeof("text only</body>") - 1);

    assert_int_equal(scan("<html><p>x</html >tail", &at), HERE);
    assert_int_equal(at, sizeof("<html><p>x</html >") - 1);

    /* other end tags are no insertion point */
    assert_int_equal(scan_steps("<p>x</p></div></bodyx>", 22, 100, &at,
                                &doc), MORE);
    assert_int_equal(doc, 0);
}


static void
test_documents_and_fragments(void **state)
{
    size_t       at;
    int          doc;
    unsigned     i;
    const char  *p;

    static const char  *documents[] = {
        "<!DOCTYPE html><title>t</title><p>x",
        "<!doctype html>",
        "<html lang=\"en\"><head></head><p>no body tag",
        "<!-- c --><HTML>",
    };

    static const char  *fragments[] = {
        "",
        "<p>just a fragment",
        "<div hx-swap-oob=\"true\"><p>x</p></div>",
        "<!-- <html> --><p>x",
        "<!doctypo><p>x",
        "<htmlx><p>",
        "<head><title>x</title></head>",
        "<script>\"<html>\"</script>",
        "<turbo-frame id=\"f\"><p>x</p></turbo-frame>",
    };

    (void) state;

    for (i = 0; i < sizeof(documents) / sizeof(documents[0]); i++) {
        p = documents[i];
        assert_int_equal(scan_steps(p, strlen(p), 3, &at, &doc), MORE);
        assert_int_equal(doc, 1);
    }

    for (i = 0; i < sizeof(fragments) / sizeof(fragments[0]); i++) {
        p = fragments[i];
        assert_int_equal(scan_steps(p, strlen(p), 2, &at, &doc), MORE);
        assert_int_equal(doc, 0);
    }
}


static void
test_plaintext(void **state)
{
    size_t  at;
    int     doc;

    (void) state;

    /* everything after <plaintext> is text, "<body>" included */
    assert_int_equal(scan_steps("<html><plaintext><body></plaintext>", 35, 4,
                                &at, &doc), NEVER);
    assert_int_equal(doc, 0);

    assert_int_equal(scan("<!DOCTYPE html><PLAINTEXT class=x>x</html>", &at),
                     NEVER);

    /* only the element itself */
    assert_int_equal(scan("<plaintextx><body>", &at), HERE);
    assert_int_equal(scan("<script>'<plaintext>'</script><body>", &at), HERE);
    assert_int_equal(scan("<!-- <plaintext> --><body>", &at), HERE);

    /* after the insertion point it does not matter */
    assert_int_equal(scan("<body><plaintext>", &at), HERE);
    assert_int_equal(at, 6);
}


static void
test_not_ascii(void **state)
{
    size_t  at;

    static const char  utf16le[] = "<\0h\0t\0m\0l\0>\0<\0b\0o\0d\0y\0>\0";
    static const char  utf16be[] = "\0<\0b\0o\0d\0y\0>";
    static const char  bom16[] = "\xff\xfe<body>";
    static const char  bom16be[] = "\xfe\xff<body>";
    static const char  utf32[] = "<\0\0\0b\0\0\0o\0\0\0d\0\0\0y\0\0\0>\0\0\0";
    static const char  utf8bom[] = "\xef\xbb\xbf<body>";

    (void) state;

    assert_int_equal(scan_steps(utf16le, sizeof(utf16le) - 1, 5, &at, NULL),
                     NEVER);
    assert_int_equal(scan_steps(utf16be, sizeof(utf16be) - 1, 100, &at,
                                NULL), NEVER);
    assert_int_equal(scan_steps(bom16, sizeof(bom16) - 1, 100, &at, NULL),
                     NEVER);
    assert_int_equal(scan_steps(bom16be, sizeof(bom16be) - 1, 100, &at,
                                NULL), NEVER);

    /* the mark split between two buffers (found by the fuzzer) */
    assert_int_equal(scan_steps(bom16, sizeof(bom16) - 1, 1, &at, NULL),
                     NEVER);
    assert_int_equal(scan_steps(utf32, sizeof(utf32) - 1, 7, &at, NULL),
                     NEVER);

    /* UTF-8 is ASCII-compatible, with or without its mark */
    assert_int_equal(scan(utf8bom, &at), HERE);
    assert_int_equal(at, sizeof(utf8bom) - 1);
    assert_int_equal(scan("<body>\xc3\xa5\xe2\x82\xac", &at), HERE);
}


static int
charset(const char *label)
{
    return ngx_http_privacy_html_charset_ok((const u_char *) label,
                                            strlen(label));
}


static void
test_charsets(void **state)
{
    unsigned  i;

    static const char  *ok[] = {
        "", "utf-8", "UTF-8", "utf8", "us-ascii", "iso-8859-1",
        "ISO-8859-15", "windows-1252", "koi8-r", "shift_jis", "euc-jp",
        "gbk", "gb18030", "big5", "euc-kr", " utf-8 ",
        "a-label-longer-than-any-known-charset-name",
    };

    static const char  *wide[] = {
        "utf-16", "UTF-16", "utf-16le", "UTF-16BE", "utf16", "utf-32",
        "UTF-32LE", "utf32", "ucs-2", "UCS-4", "ucs2", "unicode",
        "unicodefeff", "unicodefffe", "csunicode", "iso-10646-ucs-2",
        "utf-7", "iso-2022-jp", "ISO-2022-KR", "csiso2022jp",
        "hz-gb-2312", "replacement", "cp037", "IBM037", "cp1140",
        "ebcdic-us", " utf-16\t",
    };

    (void) state;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (!charset(ok[i])) {
            fail_msg("\"%s\" should be ASCII-compatible", ok[i]);
        }
    }

    for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
        if (charset(wide[i])) {
            fail_msg("\"%s\" should not be ASCII-compatible", wide[i]);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_end_tags),
        cmocka_unit_test(test_documents_and_fragments),
        cmocka_unit_test(test_plaintext),
        cmocka_unit_test(test_not_ascii),
        cmocka_unit_test(test_charsets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
