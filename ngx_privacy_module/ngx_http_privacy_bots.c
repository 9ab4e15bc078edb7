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
 * The patterns are compiled once at configuration time into a few
 * hundred JIT-compiled alternations (see ngx_http_privacy_bots_t), so a
 * User-Agent is scanned once, not once per pattern; the analytics
 * handler also remembers recent verdicts.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>

#include "ngx_http_privacy_bots.h"


/* a JSON file larger than this is not a list of User-Agent patterns */
#define NGX_HTTP_PRIVACY_BOTS_FILE_MAX  (16 * 1024 * 1024)


/*
 * One alternation over 1,500 patterns costs some 800 us per User-Agent
 * (PCRE2 tries every alternative at every position; measured in
 * tests/test_bots.c).  Nearly all patterns start with two literal bytes
 * ("Googlebot\\/" with "Go"), so they are grouped by those: one anchored
 * alternation per pair, tried only at the positions where the pair
 * occurs, found with a table of all 65,536 pairs.  The few patterns
 * without such a start ("^curl", "[wW]get", the supplement) make one
 * more alternation, scanned as usual.  Same verdicts, a few
 * microseconds.
 */
typedef struct {
    pcre2_code           *re;
    char                 *src;          /* the alternation, being built */
    size_t                len;
    size_t                size;
} ngx_http_privacy_bots_group_t;


struct ngx_http_privacy_bots_s {
    /* group number + 1 by the first two bytes, 0: none */
    uint16_t                        *pair;
    ngx_http_privacy_bots_group_t   *groups;
    size_t                           ngroups;
    ngx_http_privacy_bots_group_t    rest;
    pcre2_match_data                *md;
    pcre2_match_context             *mctx;
    pcre2_jit_stack                 *stack;
    size_t                           n;
};


static int ngx_http_privacy_bots_check(const char *pattern, size_t i,
    char *err, size_t err_len);
static int ngx_http_privacy_bots_add(ngx_http_privacy_bots_t *b,
    const char *pattern);
static int ngx_http_privacy_bots_head(const char *p, u_char *head);
static int ngx_http_privacy_bots_append(ngx_http_privacy_bots_group_t *g,
    const char *pattern);
static int ngx_http_privacy_bots_compile(ngx_http_privacy_bots_group_t *g,
    uint32_t options, char *err, size_t err_len);


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
    size_t                    i, nfile;
    json_t                   *root, *entry, *pattern;
    const char               *p;
    json_error_t              jerr;
    ngx_http_privacy_bots_t  *b;

    root = NULL;
    nfile = 0;

    b = calloc(1, sizeof(ngx_http_privacy_bots_t));
    if (b == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }

    b->pair = calloc(65536, sizeof(uint16_t));
    if (b->pair == NULL) {
        goto nomem;
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

            if (!ngx_http_privacy_bots_add(b, p)) {
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

            if (!ngx_http_privacy_bots_add(b, p)) {
                goto nomem;
            }

            nfile++;
        }
    }

    for (i = 0; ngx_http_privacy_bots_supplement[i] != NULL; i++) {
        if (!ngx_http_privacy_bots_append(&b->rest,
                                          ngx_http_privacy_bots_supplement[i]))
        {
            goto nomem;
        }
    }

    b->n = nfile + i;

    for (i = 0; i < b->ngroups; i++) {
        if (!ngx_http_privacy_bots_compile(&b->groups[i], PCRE2_ANCHORED,
                                           err, err_len))
        {
            goto failed;
        }
    }

    if (!ngx_http_privacy_bots_compile(&b->rest, 0, err, err_len)) {
        goto failed;
    }

    b->md = pcre2_match_data_create(1, NULL);
    b->mctx = pcre2_match_context_create(NULL);
    b->stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);

    if (b->md == NULL || b->mctx == NULL || b->stack == NULL) {
        goto nomem;
    }

    pcre2_jit_stack_assign(b->mctx, NULL, b->stack);

    json_decref(root);

    return b;

nomem:

    snprintf(err, err_len, "out of memory");

failed:

    json_decref(root);
    ngx_http_privacy_bots_destroy(b);

    return NULL;
}


/* files its pattern under its first two bytes, or with the rest */
static int
ngx_http_privacy_bots_add(ngx_http_privacy_bots_t *b, const char *pattern)
{
    u_char                          head[2];
    uint16_t                       *slot;
    ngx_http_privacy_bots_group_t  *g;

    if (!ngx_http_privacy_bots_head(pattern, head)) {
        return ngx_http_privacy_bots_append(&b->rest, pattern);
    }

    slot = &b->pair[head[0] << 8 | head[1]];

    if (*slot == 0) {
        /* at most 65,536 pairs: the group numbers fit */
        g = realloc(b->groups, (b->ngroups + 1) * sizeof(*g));
        if (g == NULL) {
            return 0;
        }

        b->groups = g;
        memset(&g[b->ngroups], 0, sizeof(*g));
        *slot = (uint16_t) ++b->ngroups;
    }

    return ngx_http_privacy_bots_append(&b->groups[*slot - 1], pattern);
}


/*
 * The first two bytes every match of p starts with, if p says so
 * plainly: literal characters (or escaped punctuation) at its start,
 * neither of them optional, and no "|" outside parentheses.
 */
static int
ngx_http_privacy_bots_head(const char *p, u_char *head)
{
    int     depth, cls;
    size_t  i, n;
    u_char  c;

    depth = 0;
    cls = 0;

    for (i = 0; p[i]; i++) {
        if (p[i] == '\\') {
            if (p[++i] == '\0') {
                return 0;
            }

        } else if (cls) {
            cls = (p[i] != ']');

        } else if (p[i] == '[') {
            cls = 1;

        } else if (p[i] == '(') {
            depth++;

        } else if (p[i] == ')') {
            depth--;

        } else if (p[i] == '|' && depth == 0) {
            return 0;
        }
    }

    n = 0;
    i = 0;

    while (n < 2) {
        c = (u_char) p[i];

        if (c == '\\') {
            c = (u_char) p[i + 1];

            /* \d, \b, \x41...: not one literal byte */
            if (c == '\0' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z') || c >= 0x80)
            {
                return 0;
            }

            i += 2;

        } else if (c == '\0' || strchr(".[()|*+?{^$", c) != NULL) {
            return 0;

        } else {
            i++;
        }

        /* "ab?" or "ab{0,1}": b may be absent */
        if (p[i] == '?' || p[i] == '*' || p[i] == '{') {
            return 0;
        }

        head[n++] = c;
    }

    return 1;
}


/* "(?:pattern)" joined by "|" */
static int
ngx_http_privacy_bots_append(ngx_http_privacy_bots_group_t *g,
    const char *pattern)
{
    char    *nb;
    size_t   plen, need;

    plen = strlen(pattern);
    need = g->len + plen + sizeof("|(?:)");

    if (need > g->size) {
        if (need > NGX_HTTP_PRIVACY_BOTS_FILE_MAX) {
            return 0;
        }

        nb = realloc(g->src, need * 2);
        if (nb == NULL) {
            return 0;
        }

        g->src = nb;
        g->size = need * 2;
    }

    if (g->len > 0) {
        g->src[g->len++] = '|';
    }

    memcpy(g->src + g->len, "(?:", 3);
    g->len += 3;
    memcpy(g->src + g->len, pattern, plen);
    g->len += plen;
    g->src[g->len++] = ')';

    return 1;
}


static int
ngx_http_privacy_bots_compile(ngx_http_privacy_bots_group_t *g,
    uint32_t options, char *err, size_t err_len)
{
    int          errcode;
    PCRE2_SIZE   erroffset;
    PCRE2_UCHAR  msg[128];

    /*
     * Not PCRE2_UTF: a User-Agent is bytes, and one that is not UTF-8
     * must still be matched, not make the match fail.
     */
    g->re = pcre2_compile((PCRE2_SPTR) g->src, g->len,
                          options | PCRE2_NO_AUTO_CAPTURE,
                          &errcode, &erroffset, NULL);
    if (g->re == NULL) {
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(err, err_len, "the patterns together: %s at offset %zu",
                 (char *) msg, (size_t) erroffset);
        return 0;
    }

    /* without JIT PCRE2 interprets the same pattern, only slower */
    (void) pcre2_jit_compile(g->re, PCRE2_JIT_COMPLETE);

    free(g->src);
    g->src = NULL;

    return 1;
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


void
ngx_http_privacy_bots_destroy(ngx_http_privacy_bots_t *b)
{
    size_t  i;

    if (b == NULL) {
        return;
    }

    for (i = 0; i < b->ngroups; i++) {
        pcre2_code_free(b->groups[i].re);
        free(b->groups[i].src);
    }

    pcre2_code_free(b->rest.re);
    free(b->rest.src);
    free(b->groups);
    free(b->pair);
    pcre2_match_data_free(b->md);
    pcre2_match_context_free(b->mctx);
    pcre2_jit_stack_free(b->stack);
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
    int       rc;
    size_t    i;
    uint16_t  g;

    if (len == 0) {
        return 1;
    }

    /* a bot names itself early; an 8 KB header is not scanned whole */
    if (len > NGX_HTTP_PRIVACY_BOTS_UA_MAX) {
        len = NGX_HTTP_PRIVACY_BOTS_UA_MAX;
    }

    rc = pcre2_match(b->rest.re, (PCRE2_SPTR) ua, len, 0, 0, b->md, b->mctx);

    if (rc != PCRE2_ERROR_NOMATCH) {
        /* a match, or an error such as a resource limit */
        return 1;
    }

    for (i = 0; i + 1 < len; i++) {
        g = b->pair[ua[i] << 8 | ua[i + 1]];

        if (g == 0) {
            continue;
        }

        rc = pcre2_match(b->groups[g - 1].re, (PCRE2_SPTR) ua, len, i, 0,
                         b->md, b->mctx);

        if (rc != PCRE2_ERROR_NOMATCH) {
            return 1;
        }
    }

    return 0;
}
