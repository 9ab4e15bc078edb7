/*
 * Copyright (C) ngx_privacy_module authors
 */


#include <string.h>

#include "ngx_http_privacy_cookie.h"
#include "ngx_http_privacy_cookie_scope.h"


/* slots probed from a scope's own before the memo is taken for full */
#define NGX_HTTP_PRIVACY_SCOPE_PROBES  16


static size_t ngx_http_privacy_scope_copy(const u_char *v, size_t len,
    int domain, u_char *out);
static size_t ngx_http_privacy_scope_byte(u_char c, int domain, u_char *out);
static uint32_t ngx_http_privacy_scope_hash(uint32_t h, const u_char *p,
    size_t len);


void
ngx_http_privacy_cookie_scope(const u_char *value, size_t len,
    ngx_http_privacy_cookie_scope_t *scope)
{
    size_t         n;
    const u_char  *v;

    scope->path_len = 0;
    scope->domain_len = 0;

    /* RFC 6265 5.2.4: a path not starting with '/' is the default-path */
    if (ngx_http_privacy_set_cookie_attr(value, len, "Path", &v, &n)
        && n > 0 && v[0] == '/')
    {
        scope->path_len = ngx_http_privacy_scope_copy(v, n, 0, scope->path);
    }

    /* RFC 6265 5.2.3: a leading '.' is ignored, the rest lower-cased */
    if (ngx_http_privacy_set_cookie_attr(value, len, "Domain", &v, &n)) {
        if (n > 0 && v[0] == '.') {
            v++;
            n--;
        }

        scope->domain_len = ngx_http_privacy_scope_copy(v, n, 1,
                                                        scope->domain);
    }
}


/*
 * v as stored: each byte as itself or %XX, cut at a byte's boundary with
 * "..." when the whole would not fit in SCOPE_MAX bytes.
 */

static size_t
ngx_http_privacy_scope_copy(const u_char *v, size_t len, int domain,
    u_char *out)
{
    size_t  i, n, total, room;
    u_char  piece[3];

    total = 0;

    for (i = 0; i < len; i++) {
        total += ngx_http_privacy_scope_byte(v[i], domain, piece);
    }

    room = (total <= NGX_HTTP_PRIVACY_SCOPE_MAX)
           ? NGX_HTTP_PRIVACY_SCOPE_MAX : NGX_HTTP_PRIVACY_SCOPE_MAX - 3;

    n = 0;

    for (i = 0; i < len; i++) {
        total = ngx_http_privacy_scope_byte(v[i], domain, piece);

        if (n + total > room) {
            memcpy(out + n, "...", 3);
            return n + 3;
        }

        memcpy(out + n, piece, total);
        n += total;
    }

    return n;
}


static size_t
ngx_http_privacy_scope_byte(u_char c, int domain, u_char *out)
{
    static const char  hex[] = "0123456789ABCDEF";

    if (domain) {
        if (c >= 'A' && c <= 'Z') {
            out[0] = (u_char) (c | 0x20);
            return 1;
        }

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '.' || c == '-' || c == '_')
        {
            out[0] = c;
            return 1;
        }

    } else if (c > 0x20 && c < 0x7f) {
        out[0] = c;
        return 1;
    }

    out[0] = '%';
    out[1] = (u_char) hex[c >> 4];
    out[2] = (u_char) hex[c & 0x0f];

    return 3;
}


int
ngx_http_privacy_scope_memo_first(ngx_http_privacy_scope_memo_t *m,
    const u_char *name, size_t name_len,
    const ngx_http_privacy_cookie_scope_t *scope)
{
    size_t                          i, count, start;
    uint32_t                        hn, hs;
    ngx_http_privacy_scope_slot_t  *s, *free;

    hn = ngx_http_privacy_scope_hash(2166136261u, name, name_len);

    hs = ngx_http_privacy_scope_hash(2166136261u, scope->path,
                                     scope->path_len);
    /* a separator: "/a" + "b" differs from "/ab" + "" */
    hs = ngx_http_privacy_scope_hash(hs, (const u_char *) "", 1);
    hs = ngx_http_privacy_scope_hash(hs, scope->domain, scope->domain_len);

    /* never the all-zero pair of an unused slot */
    hs |= 1;

    start = (hn ^ (hs * 0x9e3779b1u)) % NGX_HTTP_PRIVACY_SCOPE_MEMO;
    free = NULL;

    for (i = 0; i < NGX_HTTP_PRIVACY_SCOPE_PROBES; i++) {
        s = &m->slots[(start + i) % NGX_HTTP_PRIVACY_SCOPE_MEMO];

        if (s->name == 0 && s->scope == 0) {
            free = s;
            break;
        }

        if (s->name == hn && s->scope == hs) {
            return 0;
        }
    }

    /*
     * A new scope (rare: a backend sets a cookie the same way every
     * time).  A name set with ever new paths (a per-user Path, say) is
     * bounded here, not in the memo's room alone: the name's scopes are
     * counted, once per miss.
     */

    if (free == NULL || m->used >= NGX_HTTP_PRIVACY_SCOPE_MEMO / 4 * 3) {
        return 0;
    }

    count = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_SCOPE_MEMO; i++) {
        if (m->slots[i].name == hn && m->slots[i].scope != 0) {
            count++;
        }
    }

    if (count >= NGX_HTTP_PRIVACY_SCOPE_PER_NAME) {
        return 0;
    }

    free->name = hn;
    free->scope = hs;
    m->used++;

    return 1;
}


/* FNV-1a: a false match only loses a sighting */

static uint32_t
ngx_http_privacy_scope_hash(uint32_t h, const u_char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }

    return h;
}
