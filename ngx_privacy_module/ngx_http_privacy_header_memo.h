/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The per-worker memo of Cookie headers (ngx_http_privacy_header_memo.c).
 */

#ifndef _NGX_HTTP_PRIVACY_HEADER_MEMO_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_HEADER_MEMO_H_INCLUDED_


#include "ngx_http_privacy_conf.h"

ngx_http_privacy_header_memo_t *ngx_http_privacy_memo_lookup(
    ngx_http_request_t *r, ngx_http_privacy_loc_conf_t *plcf,
    ngx_table_elt_t *h);
void ngx_http_privacy_memo_store(ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_http_privacy_header_memo_t *m, ngx_uint_t first,
    size_t stripped_before, u_char *out, size_t len, size_t dropped);
ngx_http_privacy_header_memo_t *ngx_http_privacy_memo_of(
    ngx_http_privacy_ctx_t *ctx, ngx_http_privacy_loc_conf_t *plcf);

/*
 * A request's one Cookie header and the slot holding it: the slot's
 * generation tells later whether it still does.
 */
static ngx_inline void
ngx_http_privacy_memo_hold(ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_header_memo_t *m, ngx_table_elt_t *h)
{
    ctx->memo = m;

    if (m) {
        ctx->memo_gen = m->gen;
        ctx->memo_value = h->value;
    }
}

/* the slot held for this request, if it still holds the same header */
static ngx_inline ngx_http_privacy_header_memo_t *
ngx_http_privacy_memo_held(ngx_http_privacy_ctx_t *ctx)
{
    ngx_http_privacy_header_memo_t  *m;

    m = ctx->memo;

    return (m && m->gen == ctx->memo_gen) ? m : NULL;
}


#endif /* _NGX_HTTP_PRIVACY_HEADER_MEMO_H_INCLUDED_ */
