/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The bot matcher.  Analytics count visitors under legitimate interest
 * (GDPR art. 6(1)(f)); clients that are programs inflate the counts and
 * the page views of a crawler are nobody's.  The list of what programs
 * call themselves changes monthly, so it is not ours to keep: the
 * patterns come from crawler-user-agents (data/crawler-user-agents/,
 * docs/operator-guide.md "Bots"), and an operator can point
 * privacy_analytics_bots at a newer copy without a new build.
 *
 * All patterns become one alternation, compiled once at configuration
 * time and JIT-compiled, so a User-Agent is scanned once, not once per
 * pattern; the analytics handler also remembers recent verdicts.
 */


#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>

#include "ngx_http_privacy_bots.h"


/* a JSON file larger than this is not a list of User-Agent patterns */
#define NGX_HTTP_PRIVACY_BOTS_FILE_MAX  (16 * 1024 * 1024)


struct ngx_http_privacy_bots_s {
    pcre2_code           *re;
    pcre2_match_data     *md;
    pcre2_match_context  *mctx;
    pcre2_jit_stack      *stack;
    size_t                n;
};


static int ngx_http_privacy_bots_check(const char *pattern, size_t i,
    char *err, size_t err_len);
static int ngx_http_privacy_bots_append(char **buf, size_t *len,
    size_t *size, const char *pattern);


/*
 * Our supplement, case-insensitive, added to any list:
 *
 *  - clients crawler-user-agents 1.60.0 does not list (or lists with
 *    another capitalisation): FeedFetcher-Google, PostmanRuntime,
 *    libcurl, Dart's HttpClient ("Dart/3.2 (dart:io)");
 *  - the generic markers the module used before the list, which also
 *    catch programs too new or too obscure for any list ("SiteCrawler",
 *    "UptimeRobot-Monitor", headless browsers, link previews).
 */
static const char  *ngx_http_privacy_bots_supplement[] = {
    "(?i)feedfetcher-google",
    "(?i)postmanruntime",
    "(?i)libcurl",
    "(?i)^dart/",
    "(?i)\\(dart:io\\)",
    "(?i)bot",
    "(?i)crawl",
    "(?i)spider",
    "(?i)slurp",
    "(?i)preview",
    "(?i)headless",
    "(?i)lighthouse",
    "(?i)facebookexternalhit",
    "(?i)curl/",
    "(?i)wget/",
    "(?i)python-",
    "(?i)go-http-client",
    "(?i)java/",
    "(?i)libwww-perl",
    "(?i)monitor",
    NULL
};


ngx_http_privacy_bots_t *
ngx_http_privacy_bots_create(const char *file, char *err, size_t err_len)
{
    int                       errcode;
    char                     *buf;
    size_t                    i, len, size, nfile;
    json_t                   *root, *entry, *pattern;
    const char               *p;
    PCRE2_SIZE                erroffset;
    PCRE2_UCHAR               msg[128];
    json_error_t              jerr;
    ngx_http_privacy_bots_t  *b;

    buf = NULL;
    len = 0;
    size = 0;
    root = NULL;
    nfile = 0;

    b = calloc(1, sizeof(ngx_http_privacy_bots_t));
    if (b == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }

    if (file != NULL) {
        root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
        if (root == NULL) {
            snprintf(err, err_len, "%s:%d: %s", file, jerr.line, jerr.text);
            goto failed;
        }

        if (!json_is_array(root) || json_array_size(root) == 0) {
            snprintf(err, err_len, "%s: not a non-empty array of "
                     "{\"pattern\": ...} objects", file);
            goto failed;
        }

        json_array_foreach(root, i, entry) {
            pattern = json_object_get(entry, "pattern");

            if (!json_is_string(pattern) || json_string_length(pattern) == 0
                || strlen(json_string_value(pattern))
                   != json_string_length(pattern))
            {
                snprintf(err, err_len, "%s: entry %zu has no pattern "
                         "string", file, i);
                goto failed;
            }

            p = json_string_value(pattern);

            if (!ngx_http_privacy_bots_check(p, i, err, err_len)) {
                goto failed;
            }

            if (!ngx_http_privacy_bots_append(&buf, &len, &size, p)) {
                goto nomem;
            }

            nfile++;
        }

    } else {
        for (i = 0; ngx_http_privacy_bots_list[i] != NULL; i++) {
            p = ngx_http_privacy_bots_list[i];

            if (!ngx_http_privacy_bots_check(p, i, err, err_len)) {
                goto failed;
            }

            if (!ngx_http_privacy_bots_append(&buf, &len, &size, p)) {
                goto nomem;
            }

            nfile++;
        }
    }

    for (i = 0; ngx_http_privacy_bots_supplement[i] != NULL; i++) {
        if (!ngx_http_privacy_bots_append(&buf, &len, &size,
                                          ngx_http_privacy_bots_supplement[i]))
        {
            goto nomem;
        }
    }

    b->n = nfile + i;

    /*
     * Not PCRE2_UTF: a User-Agent is bytes, and one that is not UTF-8
     * must still be matched, not make the match fail.
     */
    b->re = pcre2_compile((PCRE2_SPTR) buf, len, PCRE2_NO_AUTO_CAPTURE,
                          &errcode, &erroffset, NULL);
    if (b->re == NULL) {
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, err_len, "the patterns together: %s at offset %zu",
                 (char *) msg, (size_t) erroffset);
        goto failed;
    }

    /* without JIT PCRE2 interprets the same pattern, only slower */
    (void) pcre2_jit_compile(b->re, PCRE2_JIT_COMPLETE);

    b->md = pcre2_match_data_create(1, NULL);
    b->mctx = pcre2_match_context_create(NULL);
    b->stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);

    if (b->md == NULL || b->mctx == NULL || b->stack == NULL) {
        goto nomem;
    }

    pcre2_jit_stack_assign(b->mctx, NULL, b->stack);

    free(buf);
    json_decref(root);

    return b;

nomem:

    snprintf(err, err_len, "out of memory");

failed:

    free(buf);
    json_decref(root);
    ngx_http_privacy_bots_destroy(b);

    return NULL;
}


/* each pattern on its own first, so that an error names it */
static int
ngx_http_privacy_bots_check(const char *pattern, size_t i, char *err,
    size_t err_len)
{
    int          errcode;
    PCRE2_SIZE   erroffset;
    PCRE2_UCHAR  msg[128];
    pcre2_code  *re;

    re = pcre2_compile((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED,
                       PCRE2_NO_AUTO_CAPTURE, &errcode, &erroffset, NULL);
    if (re == NULL) {
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, err_len, "pattern %zu \"%.64s\": %s at offset %zu",
                 i, pattern, (char *) msg, (size_t) erroffset);
        return 0;
    }

    pcre2_code_free(re);

    return 1;
}


/* appends "|(?:pattern)" (no "|" before the first) */
static int
ngx_http_privacy_bots_append(char **buf, size_t *len, size_t *size,
    const char *pattern)
{
    char    *nb;
    size_t   plen, need;

    plen = strlen(pattern);
    need = *len + plen + sizeof("|(?:)");

    if (need > *size) {
        if (need > NGX_HTTP_PRIVACY_BOTS_FILE_MAX) {
            return 0;
        }

        nb = realloc(*buf, need * 2);
        if (nb == NULL) {
            return 0;
        }

        *buf = nb;
        *size = need * 2;
    }

    if (*len > 0) {
        (*buf)[(*len)++] = '|';
    }

    memcpy(*buf + *len, "(?:", 3);
    *len += 3;
    memcpy(*buf + *len, pattern, plen);
    *len += plen;
    (*buf)[(*len)++] = ')';

    return 1;
}


void
ngx_http_privacy_bots_destroy(ngx_http_privacy_bots_t *b)
{
    if (b == NULL) {
        return;
    }

    pcre2_match_data_free(b->md);
    pcre2_match_context_free(b->mctx);
    pcre2_jit_stack_free(b->stack);
    pcre2_code_free(b->re);
    free(b);
}


size_t
ngx_http_privacy_bots_count(const ngx_http_privacy_bots_t *b)
{
    return b->n;
}


int
ngx_http_privacy_bots_match(ngx_http_privacy_bots_t *b, const u_char *ua,
    size_t len)
{
    int  rc;

    if (len == 0) {
        return 1;
    }

    rc = pcre2_match(b->re, (PCRE2_SPTR) ua, len, 0, 0, b->md, b->mctx);

    if (rc == PCRE2_ERROR_NOMATCH) {
        return 0;
    }

    /* a match, or an error such as a resource limit */
    return 1;
}
