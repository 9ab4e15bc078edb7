/*
 * Copyright (C) ngx_privacy_module authors
 *
 * A bump arena for jansson, used by one thread at a time: the register
 * import's decoder (docs/performance.md, "The register API").
 */


#ifndef _NGX_HTTP_PRIVACY_JSON_ARENA_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_JSON_ARENA_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


typedef struct {
    u_char                          *base;
    u_char                          *last;
    u_char                          *end;
    size_t                           spilled;   /* malloc'd: no room */
} ngx_http_privacy_json_arena_t;


/*
 * jansson's allocation functions are process-wide: these hooks allocate
 * from the arena the calling thread uses, or else with malloc(), and
 * free what lies outside that arena with free().  Set once, before
 * other threads run (a worker's start; _use also sets them).
 */
void ngx_http_privacy_json_arena_hooks(void);

/* size bytes; 0 or -1 (then every allocation spills to malloc) */
int ngx_http_privacy_json_arena_init(ngx_http_privacy_json_arena_t *a,
    size_t size);
void ngx_http_privacy_json_arena_destroy(ngx_http_privacy_json_arena_t *a);

/* nothing allocated from it may be referenced any more */
void ngx_http_privacy_json_arena_reset(ngx_http_privacy_json_arena_t *a);

/*
 * The calling thread's jansson values come from a (NULL: malloc) until
 * the next call; returns the arena used before.  Values from an arena
 * must be freed (json_decref, ngx_http_privacy_json_free) while it is
 * the thread's arena, or not at all: its reset frees them.
 */
ngx_http_privacy_json_arena_t *ngx_http_privacy_json_arena_use(
    ngx_http_privacy_json_arena_t *a);

/* frees what jansson allocated (json_dumps() results) */
void ngx_http_privacy_json_free(void *p);


#endif /* _NGX_HTTP_PRIVACY_JSON_ARENA_H_INCLUDED_ */
