/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Site-search term normalisation and scrubbing.  Analytics run under
 * legitimate interest, so a term must not carry personal data typed into
 * the search box when it leaves the worker.  The pipeline:
 *
 *   1. the raw value is cut at NGX_HTTP_PRIVACY_SEARCH_RAW_MAX bytes;
 *   2. percent-decoding (the form decoder: '+' is a space, malformed
 *      escapes stay literal);
 *   3. strict UTF-8 validation (overlongs, surrogates and code points
 *      above U+10FFFF are invalid): the whole term is dropped;
 *   4. per character: controls and Unicode spaces become one space
 *      (runs collapsed, ends trimmed), invisible format characters are
 *      removed, decimal digits of any script become ASCII digits and
 *      everything else is lowercased with the C.UTF-8 locale;
 *   5. scrubbing, most specific first: e-mail addresses, personnummer
 *      and samordningsnummer (Luhn-checked), phone numbers, long numbers;
 *   6. the cap at NGX_HTTP_PRIVACY_SEARCH_MAX bytes, at a character
 *      boundary and never inside a placeholder.
 *
 * Steps 4 and 5 see the whole (decoded) term and the cap comes last, so a
 * number or address straddling the cap is replaced, not cut in two.
 *
 * Thread safety: the scrubber is written only by create and destroy.
 * pcre2_match() on shared compiled (and JIT-compiled) code is safe; match
 * data and all buffers belong to the call.  towlower_l() only reads the
 * locale object.
 */


#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* newlocale(), towlower_l(), u_char */
#endif

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ngx_http_privacy_search.h"
#include "ngx_http_privacy_form.h"
#include "ngx_http_privacy_unmask.h"
#include "ngx_http_privacy_utf8.h"
#include "ngx_http_privacy_search_fold.h"


/*
 * Buffer sizes.  Decoding never grows the text; lowercasing grows it by
 * at most half (U+023A, two bytes, lowercases to U+2C65, three bytes);
 * scrubbing by at most 7/5 (the shortest address "a@b.c" becomes
 * "[email]", ten digits become "[personnummer]").  So 1024 bytes of raw
 * input need at most 1024 * 1.5 * 1.4 = 2150 bytes; the bounds are still
 * checked on every write.
 */
/* NGX_HTTP_PRIVACY_SEARCH_BUF, in the header, is that with room to spare */

/* the longest placeholder, "[personnummer]" */
#define NGX_HTTP_PRIVACY_SEARCH_PH_MAX  14

#define NGX_HTTP_PRIVACY_SEARCH_NRULES  4

/*
 * Rounds of all rules.  A second round is needed only when text left by
 * a rejected match becomes a match once a later rule replaced part of
 * it ("+123 (5555) (5555) 12 34 56" has too many digits for a phone
 * number until "12 34 56" is a [number]).  Running to a fixed point makes
 * normalising a stored term again give the same term.  Every replacement
 * removes a digit or an '@', so it ends; the bound is for safety.
 */
#define NGX_HTTP_PRIVACY_SEARCH_ROUNDS  8


/*
 * 1 if the whole match is really what the rule is after; 0 lets the text
 * through to the later rules
 */
typedef int (*ngx_http_privacy_search_check_pt)(const u_char *p,
    size_t len, unsigned flags);


typedef struct {
    const char                        *name;
    const char                        *pattern;
    const char                        *placeholder;
    size_t                             placeholder_len;
    int                                needs_digit;
    ngx_http_privacy_search_check_pt   check;
} ngx_http_privacy_search_rule_t;


struct ngx_http_privacy_scrubber_s {
    pcre2_code  *re[NGX_HTTP_PRIVACY_SEARCH_NRULES];
    locale_t     locale;
};


static ssize_t ngx_http_privacy_search_scrub(const pcre2_code *re,
    const ngx_http_privacy_search_rule_t *rule, unsigned flags,
    pcre2_match_data *md,
    const u_char *in, size_t len, u_char *out, size_t cap,
    size_t *replaced);
static size_t ngx_http_privacy_search_cut(const u_char *p, size_t len);
static size_t ngx_http_privacy_search_digits(const u_char *p, size_t len,
    u_char *d, size_t max);
static int ngx_http_privacy_search_check_pnr(const u_char *p, size_t len,
    unsigned flags);
static int ngx_http_privacy_search_check_phone(const u_char *p, size_t len,
    unsigned flags);
static int ngx_http_privacy_search_check_number(const u_char *p,
    size_t len, unsigned flags);


/*
 * Character classes shared by the e-mail pattern: what may appear in the
 * local part (RFC 5322 atext, dots, and letters, digits and marks of any
 * script for internationalised addresses) and in a domain label.
 */
#define NGX_HTTP_PRIVACY_SEARCH_ATEXT                                        \
    "[\\p{L}\\p{N}\\p{M}._%+!#$&'*/=?^`{|}~-]"
#define NGX_HTTP_PRIVACY_SEARCH_LABEL  "[\\p{L}\\p{N}\\p{M}_-]"
/* the local part may hold quotes too ('"anna.s"@', or a stray '"') */
#define NGX_HTTP_PRIVACY_SEARCH_LOCAL                                        \
    "[\\p{L}\\p{N}\\p{M}._%+!#$&'*/=?^`{|}~\"-]"


/*
 * The rules, applied one after the other over the whole term, so the
 * most specific placeholder wins.  Quantifiers are possessive wherever
 * that does not change what matches: the patterns then never backtrack
 * into repeated groups, which keeps them linear and within the default
 * 32K JIT stack on a term of any length.  The input is lowercased and has
 * single spaces only, and its digits are ASCII ([0-9], never \d, which
 * with PCRE2_UCP would also match digits the checks do not count).
 */
static const ngx_http_privacy_search_rule_t  ngx_http_privacy_search_rules[]
    = {

    /*
     * E-mail addresses: atext "@" label ("." label)+.  No top-level
     * domain check: over-matching a non-address costs nothing.  The
     * local part may be quoted (RFC 5322 quoted-string, '"anna.s"@...'),
     * and a space either side of the "@" ("anna.s @ example.se") does
     * not make it another thing to a reader.  A match
     * starts only where the local part starts, which keeps the search
     * linear.
     */
    { "e-mail",
      "(?<!" NGX_HTTP_PRIVACY_SEARCH_LOCAL ")"
      "(?:" NGX_HTTP_PRIVACY_SEARCH_LOCAL "++"
      "|\"[^\"]{1,64}+\"" NGX_HTTP_PRIVACY_SEARCH_LOCAL "*+)"
      " ?+@ ?+" NGX_HTTP_PRIVACY_SEARCH_LABEL "++"
      "(?:\\." NGX_HTTP_PRIVACY_SEARCH_LABEL "++)++",
      "[email]", sizeof("[email]") - 1, 0, NULL },

    /*
     * Personnummer and samordningsnummer: [CC]YYMMDD, optional "-", "+"
     * or space, NNNN; month 01-12; day 01-31, or 61-91 (day + 60) for a
     * samordningsnummer.  The Luhn check over the ten-digit form is in
     * ngx_http_privacy_search_check_pnr().
     */
    { "personnummer",
      "(?<![0-9])"
      "(?:(?:18|19|20)[0-9]{2}|[0-9]{2})"
      "(?:0[1-9]|1[0-2])"
      "(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
      "[-+ ]?[0-9]{4}"
      "(?![0-9])",
      "[personnummer]", sizeof("[personnummer]") - 1, 1,
      ngx_http_privacy_search_check_pnr },

    /*
     * Phone numbers.  International: "+" or "00", a country code, then
     * groups of digits, any of them in parentheses ("+1 (555) 123-4567",
     * "+44 (0)20 7946 0958").  Swedish national: an area code
     * with its trunk 0, possibly in parentheses ("(08)"), then groups.
     * Groups are separated by nothing, a space or a dash; the digit
     * count is checked in ngx_http_privacy_search_check_phone().
     */
    { "phone",
      "(?<![0-9+])"
      "(?:"
          "(?:\\+|00)[1-9][0-9]{0,2}+"
          "(?:[ -]?+(?:\\([0-9]{1,4}+\\)|[0-9]{1,5}+)){1,8}+"
      "|"
          "(?:\\(0[0-9]{1,3}+\\)|0[1-9][0-9]{0,2}+)"
          "(?:[ -]?+[0-9]{1,5}+){1,6}+"
      ")"
      "(?![0-9])",
      "[phone]", sizeof("[phone]") - 1, 1,
      ngx_http_privacy_search_check_phone },

    /*
     * Other long numbers: a chain of tokens separated by single spaces,
     * a token being digits joined by single "-", "." or "/" (dates, IP
     * addresses, account and card numbers); which chains are long enough
     * is decided in ngx_http_privacy_search_check_number().
     */
    { "number",
      "(?<![0-9])"
      "[0-9]++(?:[-./][0-9]++)*+"
      "(?: [0-9]++(?:[-./][0-9]++)*+)*+",
      "[number]", sizeof("[number]") - 1, 1,
      ngx_http_privacy_search_check_number }
};


ngx_http_privacy_scrubber_t *
ngx_http_privacy_scrubber_create(char *err, size_t err_len)
{
    int                                    errcode;
    size_t                                 i;
    PCRE2_SIZE                             erroffset;
    PCRE2_UCHAR                            msg[128];
    ngx_http_privacy_scrubber_t           *s;
    const ngx_http_privacy_search_rule_t  *rule;

    s = calloc(1, sizeof(ngx_http_privacy_scrubber_t));
    if (s == NULL) {
        snprintf(err, err_len, "search scrubber: out of memory");
        return NULL;
    }

    /*
     * C.UTF-8 is built into glibc since 2.35; a locale object of our own
     * leaves the process locale (which nginx never sets) alone
     */
    s->locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
    if (s->locale == (locale_t) 0) {
        snprintf(err, err_len, "search scrubber: the C.UTF-8 locale "
                 "is not available for Unicode lowercasing");
        ngx_http_privacy_scrubber_destroy(s);
        return NULL;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_SEARCH_NRULES; i++) {
        rule = &ngx_http_privacy_search_rules[i];

        s->re[i] = pcre2_compile((PCRE2_SPTR) rule->pattern,
                                 PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP,
                                 &errcode, &erroffset, NULL);

        if (s->re[i] == NULL) {
            pcre2_get_error_message(errcode, msg, sizeof(msg));
            snprintf(err, err_len, "search scrubber: %s pattern: %s at "
                     "offset %zu", rule->name, (char *) msg,
                     (size_t) erroffset);
            ngx_http_privacy_scrubber_destroy(s);
            return NULL;
        }

        /*
         * without JIT (unsupported CPU, no executable memory) PCRE2
         * interprets the same pattern, only slower
         */
        (void) pcre2_jit_compile(s->re[i], PCRE2_JIT_COMPLETE);
    }

    return s;
}


void
ngx_http_privacy_scrubber_destroy(ngx_http_privacy_scrubber_t *s)
{
    size_t  i;

    if (s == NULL) {
        return;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_SEARCH_NRULES; i++) {
        pcre2_code_free(s->re[i]);
    }

    if (s->locale != (locale_t) 0) {
        freelocale(s->locale);
    }

    free(s);
}


ngx_http_privacy_search_rc_e
ngx_http_privacy_search_normalize(const ngx_http_privacy_scrubber_t *s,
    const u_char *raw, size_t len, u_char *out, size_t *out_len)
{
    size_t                         n;
    ngx_http_privacy_search_rc_e   rc;
    u_char                         buf[NGX_HTTP_PRIVACY_SEARCH_BUF];

    *out_len = 0;

    if (len == 0) {
        return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
    }

    if (len > NGX_HTTP_PRIVACY_SEARCH_RAW_MAX) {
        n = ngx_http_privacy_form_decode(raw,
                                         NGX_HTTP_PRIVACY_SEARCH_RAW_MAX,
                                         buf);

        /*
         * The last word may be cut in two: half an address or half a
         * personnummer would pass the patterns.  Drop it, back to the
         * last ASCII space or control byte (always a character
         * boundary, so a cut multi-byte character goes with it).
         */
        while (n > 0 && buf[n - 1] > 0x20 && buf[n - 1] != 0x7f) {
            n--;
        }

    } else {
        n = ngx_http_privacy_form_decode(raw, len, buf);
    }

    rc = ngx_http_privacy_search_clean(s, 0, buf, n, buf, &n, NULL);
    if (rc != NGX_HTTP_PRIVACY_SEARCH_OK) {
        return rc;
    }

    n = ngx_http_privacy_search_cut(buf, n);
    if (n == 0) {
        return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
    }

    memcpy(out, buf, n);
    *out_len = n;

    return NGX_HTTP_PRIVACY_SEARCH_OK;
}


ngx_http_privacy_search_rc_e
ngx_http_privacy_search_clean(const ngx_http_privacy_scrubber_t *s,
    unsigned flags, const u_char *in, size_t len, u_char *out,
    size_t *out_len, size_t *replacements)
{
    int                                    has_digit, changed;
    size_t                                 i, k, n, iter, replaced, total;
    ssize_t                                m, d;
    u_char                                *a, *b, *t;
    pcre2_match_data                      *md;
    const ngx_http_privacy_search_rule_t  *rule;
    u_char                                 buf1[NGX_HTTP_PRIVACY_SEARCH_BUF];
    u_char                                 buf2[NGX_HTTP_PRIVACY_SEARCH_BUF];
    u_char                                 buf3[NGX_HTTP_PRIVACY_SEARCH_BUF];

    *out_len = 0;
    total = 0;

    if (replacements != NULL) {
        *replacements = 0;
    }

    if (len == 0 || len > NGX_HTTP_PRIVACY_SEARCH_RAW_MAX) {
        return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
    }

    if (!ngx_http_privacy_unmask_valid_utf8(in, len)) {
        return NGX_HTTP_PRIVACY_SEARCH_INVALID_UTF8;
    }

    memcpy(buf1, in, len);
    m = len;

    for (k = 0; /* void */; k++) {

        /* "anna%2540example.se": encoded once more than the decoder undid */
        m = ngx_http_privacy_unmask_decode(buf1, m, buf3);
        if (m < 0) {
            return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
        }

        m = ngx_http_privacy_search_fold(s->locale, buf1, m, buf2,
                                          sizeof(buf2));
        if (m <= 0) {
            return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
        }

        /*
         * The fold may have made an escape ("%\uff14\uff11" is "%41"
         * now): decode and fold again, so that a stored term is what it
         * would be if sent again
         */
        if (memchr(buf2, '%', m) == NULL) {
            break;
        }

        memcpy(buf1, buf2, m);
        d = ngx_http_privacy_unmask_decode(buf1, m, buf3);

        if (d == m) {
            break;
        }

        if (d < 0 || k == NGX_HTTP_PRIVACY_UNMASK_ROUNDS) {
            return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
        }

        m = d;
    }

    /* "anna(at)example.se" (lowercased by the fold) */
    n = ngx_http_privacy_unmask_at(buf2, m);
    a = buf2;
    b = buf1;

    has_digit = 0;
    for (i = 0; i < n; i++) {
        if (a[i] >= '0' && a[i] <= '9') {
            has_digit = 1;
            break;
        }
    }

    md = NULL;

    for (iter = 0; iter < NGX_HTTP_PRIVACY_SEARCH_ROUNDS; iter++) {
        changed = 0;

        for (i = 0; i < NGX_HTTP_PRIVACY_SEARCH_NRULES; i++) {
            rule = &ngx_http_privacy_search_rules[i];

            /* most terms have neither: skip the passes that cannot match */
            if (rule->needs_digit ? !has_digit : memchr(a, '@', n) == NULL)
            {
                continue;
            }

            if (md == NULL) {
                /* ovector[0..1] is all the rules use */
                md = pcre2_match_data_create(1, NULL);
                if (md == NULL) {
                    return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
                }
            }

            m = ngx_http_privacy_search_scrub(s->re[i], rule, flags, md,
                                              a, n, b,
                                              NGX_HTTP_PRIVACY_SEARCH_BUF,
                                              &replaced);
            if (m < 0) {
                /*
                 * A match error (out of memory, a PCRE2 limit): the term
                 * cannot be shown to be clean, so nothing is stored.
                 */
                pcre2_match_data_free(md);
                return NGX_HTTP_PRIVACY_SEARCH_EMPTY;
            }

            if (replaced) {
                total += replaced;
                changed = 1;
                n = m;
                t = a;
                a = b;
                b = t;
            }
        }

        if (!changed) {
            break;
        }
    }

    pcre2_match_data_free(md);

    if (replacements != NULL) {
        *replacements = total;
    }

    /* out may be in: the text lives in a or b until here */
    memmove(out, a, n);
    *out_len = n;

    return NGX_HTTP_PRIVACY_SEARCH_OK;
}


/*
 * Step 5 for one rule: copies in to out with each accepted match replaced
 * by the rule's placeholder; *replaced is the number of replacements (out
 * is only meaningful if it is not 0).  Returns the new length, or -1 on a
 * match error or if out is too small.
 */
static ssize_t
ngx_http_privacy_search_scrub(const pcre2_code *re,
    const ngx_http_privacy_search_rule_t *rule, unsigned flags,
    pcre2_match_data *md, const u_char *in, size_t len, u_char *out,
    size_t cap, size_t *replaced)
{
    int          rc;
    size_t       n, copied, start, base, ms, me;
    PCRE2_SIZE  *ov;

    n = 0;
    copied = 0;
    start = 0;
    base = 0;
    *replaced = 0;

    ov = pcre2_get_ovector_pointer(md);

    while (start < len) {

        /*
         * The subject starts after the last replacement: the lookbehinds
         * must see there what the stored term will have, a placeholder
         * (whose ']' none of them rejects), not the replaced text.  The
         * text was validated and rebuilt from scalar values, so no UTF
         * check.
         */
        rc = pcre2_match(re, in + base, len - base, start - base,
                         PCRE2_NO_UTF_CHECK, md, NULL);

        if (rc == PCRE2_ERROR_NOMATCH) {
            break;
        }

        if (rc < 0) {
            return -1;
        }

        ms = base + ov[0];
        me = base + ov[1];

        if (me <= ms
            || (rule->check != NULL && !rule->check(in + ms, me - ms, flags)))
        {
            /* rejected: search again from the next character */
            start = ms + 1;
            while (start < len && (in[start] & 0xc0) == 0x80) {
                start++;
            }

            continue;
        }

        if (cap - n < (ms - copied) + rule->placeholder_len) {
            return -1;
        }

        memcpy(out + n, in + copied, ms - copied);
        n += ms - copied;
        memcpy(out + n, rule->placeholder, rule->placeholder_len);
        n += rule->placeholder_len;

        copied = me;
        start = me;
        base = me;
        (*replaced)++;
    }

    if (*replaced == 0) {
        return len;
    }

    if (cap - n < len - copied) {
        return -1;
    }

    memcpy(out + n, in + copied, len - copied);
    n += len - copied;

    return n;
}


/*
 * Step 6: the length to keep of the scrubbed text: at most
 * NGX_HTTP_PRIVACY_SEARCH_MAX bytes, not inside a character, not inside
 * a placeholder (half a "[personnummer]" would only confuse the reports),
 * no trailing space.
 */
static size_t
ngx_http_privacy_search_cut(const u_char *p, size_t len)
{
    size_t                                 i, cut, at;
    const ngx_http_privacy_search_rule_t  *rule;

    if (len <= NGX_HTTP_PRIVACY_SEARCH_MAX) {
        return len;
    }

    cut = NGX_HTTP_PRIVACY_SEARCH_MAX;

    /* a '[' within a placeholder's length before the cut, no ']' between */
    for (at = cut; at > 0 && cut - at < NGX_HTTP_PRIVACY_SEARCH_PH_MAX; at--) {
        if (p[at - 1] == ']') {
            break;
        }

        if (p[at - 1] != '[') {
            continue;
        }

        for (i = 0; i < NGX_HTTP_PRIVACY_SEARCH_NRULES; i++) {
            rule = &ngx_http_privacy_search_rules[i];

            if (at - 1 + rule->placeholder_len > cut
                && len - (at - 1) >= rule->placeholder_len
                && memcmp(p + at - 1, rule->placeholder,
                          rule->placeholder_len) == 0)
            {
                cut = at - 1;
                break;
            }
        }

        break;
    }

    cut = ngx_http_privacy_utf8_cut(p, len, cut);

    while (cut > 0 && p[cut - 1] == ' ') {
        cut--;
    }

    return cut;
}


/* the digits of p, at most max of them; returns how many there were */
static size_t
ngx_http_privacy_search_digits(const u_char *p, size_t len, u_char *d,
    size_t max)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (n < max) {
                d[n] = p[i] - '0';
            }
            n++;
        }
    }

    return n;
}


/*
 * The Luhn check (as on Skatteverket's personnummer) over YYMMDDNNNN:
 * weights 2, 1, 2, 1... from the left, digits of products summed, the
 * total a multiple of ten.  The century of the twelve-digit form is not
 * part of it.
 */
static int
ngx_http_privacy_search_check_pnr(const u_char *p, size_t len,
    unsigned flags)
{
    int      sum, v;
    size_t   i, n;
    u_char   d[12], *ten;

    (void) flags;

    n = ngx_http_privacy_search_digits(p, len, d, sizeof(d));
    if (n != 10 && n != 12) {
        return 0;
    }

    ten = d + (n - 10);
    sum = 0;

    for (i = 0; i < 10; i++) {
        v = ten[i] * ((i % 2 == 0) ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }

    return sum % 10 == 0;
}


/*
 * International numbers: 7 to 15 digits after "+" or "00" (E.164 allows
 * at most 15, country code included; a "(0)" trunk prefix may add one).
 * Swedish national numbers: 8 to 11 digits with the leading 0 ("08-12 34
 * 56" is the shortest common form).  Anything else falls through to the
 * [number] rule.
 */
static int
ngx_http_privacy_search_check_phone(const u_char *p, size_t len,
    unsigned flags)
{
    size_t  n;

    (void) flags;

    n = ngx_http_privacy_search_digits(p, len, NULL, 0);

    if (p[0] == '+') {
        return n >= 7 && n <= 16;
    }

    if (len >= 2 && p[0] == '0' && p[1] == '0') {
        return n >= 9 && n <= 18;
    }

    return n >= 8 && n <= 11;
}


/*
 * Which digit chains are [number]s.  A token (digits joined by "-", "."
 * or "/") of 6 or more digits always is: dates, account numbers, IP
 * addresses, unchecked personnummer.  Tokens separated by single spaces
 * are one number if there are 3 or more of them with 6 or more digits in
 * all ("4111 1111 1111 1111", "12 34 56") or 2 of them with 9 or more
 * ("12345 6789").  That keeps what a shop search needs, such as "45x95
 * 3600" (a dimension and a length), "iphone 15 128" or "2024 2025",
 * and costs the rare list of small numbers ("55 65 75" becomes
 * [number]).  In a path segment only a token of
 * NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS digits is (card, account and
 * customer numbers): shorter ids and dates are what reports group by,
 * and privacy_analytics_path collapses them (docs/directives.md).
 */
static int
ngx_http_privacy_search_check_number(const u_char *p, size_t len,
    unsigned flags)
{
    size_t  i, tokens, digits, tok, maxtok;

    tokens = 1;
    digits = 0;
    tok = 0;
    maxtok = 0;

    for (i = 0; i < len; i++) {

        if (p[i] == ' ') {
            tokens++;
            tok = 0;
            continue;
        }

        if (p[i] >= '0' && p[i] <= '9') {
            digits++;
            tok++;

            if (tok > maxtok) {
                maxtok = tok;
            }
        }
    }

    if (flags & NGX_HTTP_PRIVACY_SEARCH_PATH) {
        return maxtok >= NGX_HTTP_PRIVACY_SEARCH_PATH_DIGITS;
    }

    return maxtok >= 6 || (tokens >= 3 && digits >= 6)
           || (tokens == 2 && digits >= 9);
}
