/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Unit tests of the site-search term scrubber.  Inputs are raw query
 * argument values (percent-encoded as browsers send them, or literal);
 * each is copied to a heap buffer of exactly its length so that
 * AddressSanitizer reports any read past len, and the output buffer is
 * exactly NGX_HTTP_PRIVACY_SEARCH_MAX bytes for the same reason.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ngx_http_privacy_search.h"
#include "unit_scrubber.h"


#define OK       NGX_HTTP_PRIVACY_SEARCH_OK
#define EMPTY    NGX_HTTP_PRIVACY_SEARCH_EMPTY
#define INVALID  NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8

#define NTHREADS  4


typedef struct {
    const char  *raw;
    const char  *expect;        /* NULL unless rc is OK */
} term_t;


typedef struct {
    const ngx_http_privacy_scrubber_t  *s;
    size_t                              failures;
} thread_arg_t;


/* normalises the first len bytes of raw, from an exact-size heap copy */
static ngx_http_privacy_search_rc_e
run_n(const void *raw, size_t len, char *res, size_t *res_len)
{
    u_char                        *in, *out;
    size_t                         n;
    ngx_http_privacy_search_rc_e   rc;

    in = malloc(len ? len : 1);
    out = malloc(NGX_HTTP_PRIVACY_SEARCH_MAX);
    assert_non_null(in);
    assert_non_null(out);
    if (len) {
        memcpy(in, raw, len);
    }

    n = 12345;
    rc = ngx_http_privacy_search_normalize(scrubber, in, len, out, &n);

    assert_true(n <= NGX_HTTP_PRIVACY_SEARCH_MAX);
    if (rc != OK) {
        assert_int_equal(n, 0);
    } else {
        assert_true(n > 0);
    }

    memcpy(res, out, n);
    res[n] = '\0';
    *res_len = n;

    free(out);
    free(in);

    return rc;
}


static void
expect_n(const void *raw, size_t len, ngx_http_privacy_search_rc_e rc,
    const char *expect)
{
    char                           res[NGX_HTTP_PRIVACY_SEARCH_MAX + 1];
    size_t                         n;
    ngx_http_privacy_search_rc_e   got;

    got = run_n(raw, len, res, &n);

    if (got != rc || (rc == OK && strcmp(res, expect) != 0)) {
        fail_msg("input \"%.*s\": expected rc %d \"%s\", got rc %d \"%s\"",
                 (int) len, (const char *) raw, rc, expect ? expect : "",
                 got, res);
    }
}


static void
expect_term(const char *raw, const char *expect)
{
    expect_n(raw, strlen(raw), OK, expect);
}


static void
expect_rc(const char *raw, ngx_http_privacy_search_rc_e rc)
{
    expect_n(raw, strlen(raw), rc, NULL);
}


static void
expect_table(const term_t *t, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        expect_term(t[i].raw, t[i].expect);
    }
}


#define EXPECT_TABLE(t)  expect_table(t, sizeof(t) / sizeof(t[0]))


/* the acceptance bar of the issue, as a browser sends it and as typed */
static void
test_bar_example(void **state)
{
    (void) state;

    expect_term("Anna+Svensson+anna.s%40example.se+19811218-9876",
                "anna svensson [email] [personnummer]");
    expect_term("Anna Svensson anna.s@example.se 19811218-9876",
                "anna svensson [email] [personnummer]");
    expect_term("Ring+mig+p%C3%A5+070-123+45+67+eller+mejla+"
                "Lisa.Berg%40firma.se+ang.+order+88812345",
                "ring mig på [phone] eller mejla [email] ang. order "
                "[number]");
}


static void
test_personnummer(void **state)
{
    static const term_t  t[] = {
        { "811218-9876", "[personnummer]" },
        { "8112189876", "[personnummer]" },
        { "198112189876", "[personnummer]" },
        { "19811218-9876", "[personnummer]" },
        /* "+" for the over-100s; a browser sends it as %2B */
        { "811218%2B9876", "[personnummer]" },
        { "811218+9876", "[personnummer]" },   /* '+' is a space here */
        { "pnr 121212-1212 tolvan", "pnr [personnummer] tolvan" },
        { "20121212-1212", "[personnummer]" },
        { "(811218-9876)", "([personnummer])" },
        /* samordningsnummer: day + 60 */
        { "811278-9873", "[personnummer]" },
        { "19700671-2348", "[personnummer]" },
        { "7006712348", "[personnummer]" },
        /* Luhn fails: the next rules see it */
        { "811218-9875", "[number]" },
        { "198112189875", "[number]" },
        { "kund 8112189875", "kund [number]" },
        /* month 13 and day 32 are no dates: still a long number */
        { "811318-9876", "[number]" },
        { "811232-9876", "[number]" },
        /* a longer run is not a personnummer, but is a number */
        { "19811218-98761", "[number]" },
        { "x8112189876", "x[personnummer]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_email(void **state)
{
    static const term_t  t[] = {
        { "anna.s%40example.se", "[email]" },
        { "kontakt%3A+Per.Olof%2Btest%40Mail.Example.co.uk",
          "kontakt: [email]" },
        { "mail anna_b-2@sub.domain.se tack", "mail [email] tack" },
        { "bj%C3%B6rn%40f%C3%B6retag.se", "[email]" },          /* IDN */
        { "ANNA@EXAMPLE.SE?", "[email]?" },
        { "<anna@example.se>", "<[email]>" },
        { "a@b.se+c@d.se", "[email] [email]" },
        { "a@b.se%2Bc@d.se", "[email][email]" },
        { "x@y.z@w.com", "[email]@w.com" },
        /* not address syntax: kept */
        { "@home", "@home" },
        { "kaffe@", "kaffe@" },
        { "anna@localhost", "anna@localhost" },
        /* the address wins over the personnummer inside it */
        { "811218-9876@example.se", "[email]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_phone(void **state)
{
    static const term_t  t[] = {
        { "070-123 45 67", "[phone]" },
        { "070-123+45+67", "[phone]" },
        { "0701234567", "[phone]" },
        { "070 123 45 67", "[phone]" },
        { "08-123 456 78", "[phone]" },
        { "031-12 34 56", "[phone]" },
        { "0771-123 456", "[phone]" },
        { "%2B46+70+123+45+67", "[phone]" },
        /* a literal '+' is a space: what is left is still scrubbed */
        { "+46 70 123 45 67", "[number]" },
        { "%2B46701234567", "[phone]" },
        { "%2B46-70-1234567", "[phone]" },
        { "%2B46+(0)70-123+45+67", "[phone]" },
        { "0046 70 123 45 67", "[phone]" },
        { "(08) 123 456 78", "[phone]" },
        { "%2B44 20 7946 0958", "[phone]" },
        { "%2B44 (0)20 7946 0958", "[phone]" },
        { "%2B1 (555) 123-4567", "[phone]" },
        { "%2B49 30 1234567", "[phone]" },
        { "ring 070-123 45 67 efter 17", "ring [phone] efter 17" },
        { "tel:%2B46701234567", "tel:[phone]" },
        /* "+4" and a short group are no phone number */
        { "skruv %2B4 mm", "skruv +4 mm" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_numbers(void **state)
{
    static const term_t  t[] = {
        { "123456", "[number]" },
        { "order 1234567", "order [number]" },
        { "sku123456789", "sku[number]" },
        { "ordernr:88812345!", "ordernr:[number]!" },
        { "1981-12-18", "[number]" },
        { "18/12/1981", "[number]" },
        { "192.168.1.10", "[number]" },
        { "4111 1111 1111 1111", "[number]" },
        { "kort 4111-1111-1111-1111", "kort [number]" },
        { "12 34 56", "[number]" },
        { "12345 6789", "[number]" },
        { "konto 8327-9 123 456 789-0", "konto [number]" },
        { "iban SE45 5000 0000 0583 9825 7466", "iban se[number]" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/* what a builder's merchant is searched for must not be scrubbed */
static void
test_shop_survivors(void **state)
{
    static const term_t  t[] = {
        { "iphone+15", "iphone 15" },
        { "45x95+regel", "45x95 regel" },
        { "2x4", "2x4" },
        { "reglar+45+x+70+mm", "reglar 45 x 70 mm" },
        { "skruv+4%2C2x35", "skruv 4,2x35" },
        { "trall+28x120", "trall 28x120" },
        { "%C3%85r+2024", "år 2024" },
        { "art+nr+12345", "art nr 12345" },
        { "regel 45x95 3600", "regel 45x95 3600" },
        { "trall 28x120 4800", "trall 28x120 4800" },
        { "iphone 15 128 gb", "iphone 15 128 gb" },
        { "år 2024 2025", "år 2024 2025" },
        { "ip44 3000k 12v", "ip44 3000k 12v" },
        { "c%2B%2B", "c++" },
        { "100%25+ull", "100% ull" },
        { "50%+rabatt", "50% rabatt" },
        { "k%C3%B6p 3 betala f%C3%B6r 2", "köp 3 betala för 2" },
        { "5,5 kg", "5,5 kg" },
        { "m8 x 1,25 x 40", "m8 x 1,25 x 40" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_letters(void **state)
{
    static const term_t  t[] = {
        { "GOLVSP%C3%85NAD+Ektr%C3%A4", "golvspånad ekträ" },
        { "GOLVSPÅNAD Ekträ", "golvspånad ekträ" },
        { "%C3%85ngstr%C3%B6m", "ångström" },
        { "ÅÄÖÉ", "åäöé" },
        { "ÆBLE ØL", "æble øl" },
        { "ÉCOLE Über", "école über" },
        { "GROẞ straße", "groß straße" },
        { "ΑΘΗΝΑ", "αθηνα" },
        { "МОСКВА", "москва" },
        { "ŁÓDŹ ČESKÝ", "łódź český" },
        { "Ⱥ", "ⱥ" },                    /* two bytes become three */
        { "İ", "i" },                    /* two bytes become one */
        /* digits of other scripts are folded to ASCII */
        { "iphone １５", "iphone 15" },
        { "１９８１１２１８-９８７６", "[personnummer]" },
        { "٠٧٠١٢٣٤٥٦٧", "[phone]" },
        /* invisible characters do not hide an address or a number */
        { "anna%E2%80%8B%40example.se", "[email]" },
        { "811218%C2%AD-9876", "[personnummer]" },
        { "%EF%BB%BFgolv", "golv" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


static void
test_decoding(void **state)
{
    static const term_t  t[] = {
        { "tr%C3%A4+golv", "trä golv" },
        { "tr%c3%a4", "trä" },                  /* lowercase hex */
        { "%zz", "%zz" },
        { "a%", "a%" },
        { "a%4", "a%4" },
        { "a%4g", "a%4g" },
        { "%%41", "%a" },
        { "%2525", "%" },                       /* nested encoding undone */
        { "%2B", "+" },
    };

    (void) state;

    EXPECT_TABLE(t);
}


/*
 * Disguised addresses that reached the database before (issue 15, item
 * 7; docs/security.md "Scrubber variants"): each once as a browser sends
 * it and once as typed.
 */
static void
test_variants(void **state)
{
    static const term_t  t[] = {
        /* quoted local part (RFC 5322 quoted-string) */
        { "%22anna.s%22%40example.se", "[email]" },
        { "\"anna.s\"@example.se", "[email]" },
        { "\"anna s\"@example.se x", "[email] x" },
        { "mail \"anna.s\"@example.se now", "mail [email] now" },
        /* full-width forms (NFKC), and the ideographic space */
        { "anna%EF%BC%A0example.se", "[email]" },
        { "anna\xef\xbc\xa0" "example\xef\xbc\x8e" "se", "[email]" },
        { "\xef\xbc\xa1\xef\xbd\x8e\xef\xbd\x8e\xef\xbd\x81"
          "@example.se", "[email]" },
        { "\xef\xbc\xa1\xef\xbc\xa2\xe3\x80\x80" "c", "ab c" },
        { "\xef\xbc\x81\xef\xbd\x9e", "!~" },
        /* spaces around the @ */
        { "anna.s+%40+example.se", "[email]" },
        { "anna.s @ example.se", "[email]" },
        { "anna.s @example.se", "[email]" },
        { "anna.s@ example.se", "[email]" },
        /* (at), [at] and friends */
        { "anna(at)example.se", "[email]" },
        { "anna%5Bat%5Dexample.se", "[email]" },
        { "anna [at] example.se", "[email]" },
        { "anna{at}example(dot)se", "[email]" },
        { "anna <AT> example [dot] se", "[email]" },
        { "anna%EF%BC%88at%EF%BC%89example.se", "[email]" },
        { "cat (at) home", "cat@home" },      /* no domain: kept */
        /* nested percent-encoding, up to the bound */
        { "anna%2540example.se", "[email]" },
        { "anna%252540example.se", "[email]" },
        { "19121212%25252D1212", "[personnummer]" },
        { "50%25", "50%" },
        { "100%2525 off", "100% off" },
        { "%25FF", "%ff" },                     /* not text: kept */
        /* each escape on its own: a "%FF" does not stop the others */
        { "anna%2540example.se+%25FF", "[email] %ff" },
        { "%25FF+19121212%252D1212", "%ff [personnummer]" },
        /* a stray quote does not hide an address */
        { "aa.s%22%40example.se", "[email]" },
        /* escapes the fold makes are decoded too */
        { "%25%EF%BC%94%EF%BC%91", "a" },
        { "%EF%BC%85%EF%BC%94%EF%BC%90", "@" },
        { "anna%EF%BC%85%EF%BC%94%EF%BC%90example.se", "[email]" },
    };

    (void) state;

    EXPECT_TABLE(t);

    /* deeper than the bound: nothing is stored */
    expect_rc("anna%252525252540example.se", EMPTY);
    expect_term("anna%2525252540example.se", "[email]");
    expect_rc("%252525252541", EMPTY);

    /* the bound itself still decodes */
    expect_term("a%25252541", "aa");
}


static void
test_invalid_utf8(void **state)
{
    (void) state;

    expect_rc("%C3%28", INVALID);               /* bad continuation */
    expect_rc("%ED%A0%80", INVALID);            /* surrogate U+D800 */
    expect_rc("%F4%90%80%80", INVALID);         /* above U+10FFFF */
    expect_rc("%C0%AF", INVALID);               /* overlong '/' */
    expect_rc("%E0%80%AF", INVALID);            /* overlong, 3 bytes */
    expect_rc("%F0%80%80%AF", INVALID);         /* overlong, 4 bytes */
    expect_rc("%80", INVALID);                  /* lone continuation */
    expect_rc("golv%E2%82", INVALID);           /* truncated */
    expect_rc("%FF", INVALID);
    expect_rc("%F5%80%80%80", INVALID);
    expect_rc("anna %C3", INVALID);
    expect_n("golv\xc3\x28", 6, INVALID, NULL); /* raw bytes too */
    expect_n("\xed\xbf\xbf", 3, INVALID, NULL);

    /* the edges of the valid ranges */
    expect_term("%F4%8F%BF%BF", "\xf4\x8f\xbf\xbf");    /* U+10FFFF */
    expect_term("%ED%9F%BF", "\xed\x9f\xbf");           /* U+D7FF */
    expect_term("%EE%80%80", "\xee\x80\x80");           /* U+E000 */
    expect_term("%C2%A9", "\xc2\xa9");                  /* U+00A9 */
}


static void
test_whitespace(void **state)
{
    (void) state;

    expect_term("++golv+++skruv++", "golv skruv");
    expect_term("  golv   skruv  ", "golv skruv");
    expect_term("golv%09%0A%0D+skruv", "golv skruv");
    expect_term("golv%C2%A0skruv", "golv skruv");       /* no-break */
    expect_term("golv%E3%80%80skruv", "golv skruv");    /* ideographic */
    expect_term("golv%E2%80%AFskruv", "golv skruv");    /* narrow nbsp */
    expect_term("golv%C2%85skruv", "golv skruv");       /* C1 NEL */
    expect_term("golv%00skruv", "golv skruv");
    expect_term("golv%7Fskruv", "golv skruv");
    expect_n("golv\0skruv", 10, OK, "golv skruv");

    expect_rc("", EMPTY);
    expect_rc("+", EMPTY);
    expect_rc("+++", EMPTY);
    expect_rc("%20%09%0A", EMPTY);
    expect_rc("%C2%A0%E2%80%83", EMPTY);
    expect_rc("%E2%80%8B", EMPTY);                      /* only a ZWSP */
    expect_n(NULL, 0, EMPTY, NULL);
}


static void
test_cap(void **state)
{
    char    raw[2048], res[NGX_HTTP_PRIVACY_SEARCH_MAX + 1], expect[256];
    size_t  i, n;

    (void) state;

    /* 300 bytes of 'å' (literal and encoded): 50 characters */
    for (n = 0, i = 0; i < 150; i++) {
        memcpy(raw + n, "\xc3\x85", 2);
        n += 2;
    }

    assert_int_equal(run_n(raw, n, res, &n), OK);
    assert_int_equal(n, 100);
    for (i = 0; i < 100; i += 2) {
        assert_memory_equal(res + i, "\xc3\xa5", 2);
    }

    for (n = 0, i = 0; i < 150; i++) {
        memcpy(raw + n, "%C3%A5", 6);
        n += 6;
    }

    assert_int_equal(run_n(raw, n, res, &n), OK);
    assert_int_equal(n, 100);

    /* an odd start: byte 100 would split an 'å', so 99 are kept */
    raw[0] = 'a';
    for (n = 1, i = 0; i < 150; i++) {
        memcpy(raw + n, "%C3%A5", 6);
        n += 6;
    }

    assert_int_equal(run_n(raw, n, res, &n), OK);
    assert_int_equal(n, 99);
    assert_int_equal(res[0], 'a');
    assert_memory_equal(res + 97, "\xc3\xa5", 2);

    /* a space at the cut is not kept */
    memset(raw, 'a', 99);
    memcpy(raw + 99, "+bbbb", 5);
    assert_int_equal(run_n(raw, 104, res, &n), OK);
    assert_int_equal(n, 99);

    /* exactly the cap */
    memset(raw, 'a', 100);
    assert_int_equal(run_n(raw, 100, res, &n), OK);
    assert_int_equal(n, 100);

    /*
     * A personnummer across the cap is replaced whole, and the cut does
     * not leave half a placeholder behind
     */
    memset(expect, 'x', 95);
    expect[95] = '\0';
    memset(raw, 'x', 95);
    memcpy(raw + 95, "+811218-9876", 13);
    expect_term(raw, expect);

    memset(raw, 'x', 80);
    memcpy(raw + 80, "+811218-9876", 13);
    memset(expect, 'x', 80);
    memcpy(expect + 80, " [personnummer]", 16);
    expect_term(raw, expect);

    /* a user's own '[' is cut like any text */
    memset(raw, 'x', 98);
    memcpy(raw + 98, "+[abc", 6);
    memset(expect, 'x', 98);
    memcpy(expect + 98, " [", 3);
    expect_term(raw, expect);
}


static void
test_raw_max(void **state)
{
    char    *raw, res[NGX_HTTP_PRIVACY_SEARCH_MAX + 1];
    size_t   n;

    (void) state;

    raw = malloc(4 * NGX_HTTP_PRIVACY_SEARCH_RAW_MAX);
    assert_non_null(raw);

    /* exactly RAW_MAX: nothing is dropped before the cap */
    memset(raw, 'a', NGX_HTTP_PRIVACY_SEARCH_RAW_MAX);
    assert_int_equal(run_n(raw, NGX_HTTP_PRIVACY_SEARCH_RAW_MAX, res, &n),
                     OK);
    assert_int_equal(n, 100);

    /* over RAW_MAX: the word cut by the limit goes, the rest stays */
    memcpy(raw, "golv+", 5);
    memset(raw + 5, 'x', 2000);
    expect_n(raw, 2005, OK, "golv");

    memset(raw, 'x', 2000);
    expect_n(raw, 2000, EMPTY, NULL);

    /*
     * At exactly RAW_MAX the last word is whole; beyond, the word at the
     * limit goes even if it happens to end there
     */
    memset(raw, '+', 1000);
    memcpy(raw + 1000, "anna.s%40example.se", 19);
    memcpy(raw + 1019, "+golv+bar", 9);
    expect_n(raw, 1024, OK, "[email] golv");
    expect_n(raw, 1025, OK, "[email]");
    memcpy(raw + 995, "anna.s%40example.se+golv+bar+baz", 32);
    expect_n(raw, 1027, OK, "[email] golv bar");

    /* an address or personnummer cut in two by the limit is dropped */
    memset(raw, '+', 1015);
    memcpy(raw + 1015, "anna.s%40example.se", 19);
    expect_n(raw, 1034, EMPTY, NULL);

    memset(raw, '+', 1015);
    memcpy(raw + 1015, "198112189876", 12);
    expect_n(raw, 1027, EMPTY, NULL);

    memset(raw, '+', 1000);
    memcpy(raw + 1000, "golv+", 5);
    memset(raw + 1005, '+', 15);
    memcpy(raw + 1020, "anna.s%40example.se", 19);
    expect_n(raw, 1039, OK, "golv");

    /* a cut escape or character is dropped too, not reported invalid */
    memset(raw, '+', 1020);
    memcpy(raw + 1020, "golv%C3%A5", 10);
    expect_n(raw, 1030, EMPTY, NULL);
    memcpy(raw, "tak", 3);
    expect_n(raw, 1030, OK, "tak");

    /* invalid UTF-8 before the limit still is */
    memcpy(raw, "%C3%28", 6);
    expect_n(raw, 1030, INVALID, NULL);

    free(raw);
}


/*
 * Every decimal digit PCRE2 knows (\d with PCRE2_UCP) is folded to the
 * right ASCII digit, so the [0-9] patterns see all of them.  Runs of
 * digits start at a zero (the mathematical digits run for 50).
 */
static void
test_digit_table(void **state)
{
    int                errcode;
    char               enc[16], res[NGX_HTTP_PRIVACY_SEARCH_MAX + 1];
    size_t             n, count;
    uint32_t           cp, run;
    PCRE2_SIZE         erroffset;
    pcre2_code        *re;
    pcre2_match_data  *md;
    u_char             utf[4];

    (void) state;

    re = pcre2_compile((PCRE2_SPTR) "^\\d$", PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_UCP, &errcode, &erroffset, NULL);
    assert_non_null(re);
    md = pcre2_match_data_create_from_pattern(re, NULL);
    assert_non_null(md);

    count = 0;
    run = 0;

    for (cp = 0x80; cp <= 0x10ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) {
            continue;
        }

        if (cp < 0x800) {
            utf[0] = 0xc0 | cp >> 6;
            utf[1] = 0x80 | (cp & 0x3f);
            n = 2;
        } else if (cp < 0x10000) {
            utf[0] = 0xe0 | cp >> 12;
            utf[1] = 0x80 | (cp >> 6 & 0x3f);
            utf[2] = 0x80 | (cp & 0x3f);
            n = 3;
        } else {
            utf[0] = 0xf0 | cp >> 18;
            utf[1] = 0x80 | (cp >> 12 & 0x3f);
            utf[2] = 0x80 | (cp >> 6 & 0x3f);
            utf[3] = 0x80 | (cp & 0x3f);
            n = 4;
        }

        if (pcre2_match(re, utf, n, 0, 0, md, NULL) < 0) {
            run = 0;
            continue;
        }

        if (run == 0) {
            run = cp;
        }

        count++;
        snprintf(enc, sizeof(enc), "%c", '0' + (int) ((cp - run) % 10));
        expect_n(utf, n, OK, enc);
    }

    /* Unicode 14 has 650 non-ASCII decimal digits */
    assert_true(count >= 650);

    assert_int_equal(run_n("\xd9\xa9", 2, res, &n), OK);     /* U+0669 */
    assert_string_equal(res, "9");

    pcre2_match_data_free(md);
    pcre2_code_free(re);
}


static const term_t  thread_terms[] = {
    { "Anna+Svensson+anna.s%40example.se+19811218-9876",
      "anna svensson [email] [personnummer]" },
    { "%2B46+70+123+45+67", "[phone]" },
    { "GOLVSP%C3%85NAD+Ektr%C3%A4", "golvspånad ekträ" },
    { "reglar+45+x+70+mm", "reglar 45 x 70 mm" },
    { "order+88812345", "order [number]" },
};


static void *
thread_main(void *data)
{
    u_char         out[NGX_HTTP_PRIVACY_SEARCH_MAX];
    size_t         i, j, n, len;
    thread_arg_t  *arg;

    arg = data;

    for (i = 0; i < 2000; i++) {
        j = i % (sizeof(thread_terms) / sizeof(thread_terms[0]));
        len = strlen(thread_terms[j].raw);

        if (ngx_http_privacy_search_normalize(arg->s,
                (const u_char *) thread_terms[j].raw, len, out, &n)
            != OK
            || n != strlen(thread_terms[j].expect)
            || memcmp(out, thread_terms[j].expect, n) != 0)
        {
            arg->failures++;
        }
    }

    return NULL;
}


/* one scrubber, used by several threads at once, as in thread pools */
static void
test_threads(void **state)
{
    size_t        i;
    pthread_t     tid[NTHREADS];
    thread_arg_t  arg[NTHREADS];

    (void) state;

    for (i = 0; i < NTHREADS; i++) {
        arg[i].s = scrubber;
        arg[i].failures = 0;
        assert_int_equal(pthread_create(&tid[i], NULL, thread_main, &arg[i]),
                         0);
    }

    for (i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(arg[i].failures, 0);
    }
}


static void
test_create_destroy(void **state)
{
    char                          err[8];
    ngx_http_privacy_scrubber_t  *s;

    (void) state;

    /* a second scrubber is independent; a short err buffer is fine */
    s = ngx_http_privacy_scrubber_create(err, sizeof(err));
    assert_non_null(s);
    ngx_http_privacy_scrubber_destroy(s);

    ngx_http_privacy_scrubber_destroy(NULL);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_bar_example),
        cmocka_unit_test(test_personnummer),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_shop_survivors),
        cmocka_unit_test(test_letters),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_raw_max),
        cmocka_unit_test(test_digit_table),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_create_destroy),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
