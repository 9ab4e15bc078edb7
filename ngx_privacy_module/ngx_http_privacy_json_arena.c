/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A bump arena for jansson; see the header.  jansson allocates each
 * value, each object's hash table and each key on its own, and an
 * import line of ~700 bytes makes ~100 allocations: with malloc() and
 * free() they were most of the decoder's time (docs/performance.md).
 */


#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

#include "ngx_http_privacy_json_arena.h"


#define NGX_HTTP_PRIVACY_JSON_ARENA_ALIGN  16


static void ngx_http_privacy_json_arena_set(void);
static void *ngx_http_privacy_json_arena_malloc(size_t size);


static __thread ngx_http_privacy_json_arena_t  *ngx_http_privacy_json_arena;
static pthread_once_t  ngx_http_privacy_json_arena_once = PTHREAD_ONCE_INIT;


void
ngx_http_privacy_json_arena_hooks(void)
{
    (void) pthread_once(&ngx_http_privacy_json_arena_once,
                        ngx_http_privacy_json_arena_set);
}


static void
ngx_http_privacy_json_arena_set(void)
{
    json_set_alloc_funcs(ngx_http_privacy_json_arena_malloc,
                         ngx_http_privacy_json_free);
}


int
ngx_http_privacy_json_arena_init(ngx_http_privacy_json_arena_t *a,
    size_t size)
{
    /* malloc() maps a large block: pages come as the arena first grows */
    a->base = malloc(size);
    a->last = a->base;
    a->end = a->base ? a->base + size : NULL;
    a->spilled = 0;

    return a->base ? 0 : -1;
}


void
ngx_http_privacy_json_arena_destroy(ngx_http_privacy_json_arena_t *a)
{
    free(a->base);
    a->base = NULL;
    a->last = NULL;
    a->end = NULL;
}


void
ngx_http_privacy_json_arena_reset(ngx_http_privacy_json_arena_t *a)
{
    a->last = a->base;
}


ngx_http_privacy_json_arena_t *
ngx_http_privacy_json_arena_use(ngx_http_privacy_json_arena_t *a)
{
    ngx_http_privacy_json_arena_t  *was;

    ngx_http_privacy_json_arena_hooks();

    was = ngx_http_privacy_json_arena;
    ngx_http_privacy_json_arena = a;

    return was;
}


static void *
ngx_http_privacy_json_arena_malloc(size_t size)
{
    u_char                         *p;
    ngx_http_privacy_json_arena_t  *a;

    a = ngx_http_privacy_json_arena;

    if (a != NULL) {
        size = (size + NGX_HTTP_PRIVACY_JSON_ARENA_ALIGN - 1)
               & ~((size_t) NGX_HTTP_PRIVACY_JSON_ARENA_ALIGN - 1);

        if (size == 0) {
            /* a pointer of its own, never the arena's end */
            size = NGX_HTTP_PRIVACY_JSON_ARENA_ALIGN;
        }

        if (size <= (size_t) (a->end - a->last)) {
            p = a->last;
            a->last += size;
            return p;
        }

        a->spilled++;
    }

    return malloc(size);
}


void
ngx_http_privacy_json_free(void *p)
{
    ngx_http_privacy_json_arena_t  *a;

    a = ngx_http_privacy_json_arena;

    /* the arena's memory goes back at its reset */
    if (a != NULL && (u_char *) p >= a->base && (u_char *) p < a->end) {
        return;
    }

    free(p);
}
