/*
 * Copyright (C) ngx_privacy_module authors
 *
 * POST import (docs/api.md); see the header.
 */


#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ngx_http_privacy_json_arena.h"
#include "ngx_http_privacy_register_import.h"


/* lines handed from the decoder to the writer at a time */
#define NGX_HTTP_PRIVACY_RIM_CHUNK   128
/* chunks between them: the decoder runs this far ahead at most */
#define NGX_HTTP_PRIVACY_RIM_CHUNKS  4
/* a smaller body is decoded by the writer itself: no thread to start */
#define NGX_HTTP_PRIVACY_RIM_THREAD  (256 * 1024)
/*
 * a chunk's jansson values (an import line of 700 bytes takes ~8 KB);
 * what does not fit is malloc'd
 */
#define NGX_HTTP_PRIVACY_RIM_ARENA   (2 * 1024 * 1024)


typedef struct {
    size_t                               line;
    int                                  rc;        /* decoding: 0, -1 */
    int                                  sealed;    /* by the decoder */
    ngx_http_privacy_rj_subject_t        s;
    ngx_http_privacy_sealed_t            seal;
} ngx_http_privacy_rim_line_t;

/*
 * A chunk's lines are freed by the thread that decoded them, as it
 * refills the chunk (or at the end): the writer, the slower of the two,
 * spends no time in free(), and malloc's per-thread caches stay warm.
 * In a large body, a chunk's jansson values come from an arena of its
 * own, which the refill resets instead of freeing each value.
 */
typedef struct {
    ngx_http_privacy_rim_line_t          lines[NGX_HTTP_PRIVACY_RIM_CHUNK];
    size_t                               n;
    int                                  ready;     /* decoded, not yet used */
    ngx_http_privacy_json_arena_t        arena;
} ngx_http_privacy_rim_chunk_t;

/* the body as the decoder walks it, and the chunks it fills */
typedef struct {
    u_char                              *p;
    u_char                              *last;
    size_t                               line;
    const ngx_http_privacy_rj_today_t   *today;
    ngx_http_privacy_sealer_t           *sealer;    /* the decoder's */

    ngx_http_privacy_rim_chunk_t         chunks[NGX_HTTP_PRIVACY_RIM_CHUNKS];

    pthread_mutex_t                      lock;
    pthread_cond_t                       cond;
    int                                  threaded;
    int                                  stop;      /* the writer gave up */
} ngx_http_privacy_rim_t;

/* the answer, grown with realloc */
typedef struct {
    char                                *data;
    size_t                               len;
    size_t                               size;
    int                                  failed;
} ngx_http_privacy_rim_buf_t;


static void *ngx_http_privacy_rim_decoder(void *data);
static void ngx_http_privacy_rim_fill(ngx_http_privacy_rim_t *im,
    ngx_http_privacy_rim_chunk_t *c);
static ngx_http_privacy_rim_chunk_t *ngx_http_privacy_rim_next(
    ngx_http_privacy_rim_t *im, size_t i);
static void ngx_http_privacy_rim_release(ngx_http_privacy_rim_t *im,
    ngx_http_privacy_rim_chunk_t *c);
static void ngx_http_privacy_rim_free(ngx_http_privacy_rim_chunk_t *c);
static int64_t ngx_http_privacy_rim_ms(void);
static void ngx_http_privacy_rim_result(ngx_http_privacy_rim_buf_t *b,
    size_t line, int rc, const char *msg, ngx_http_privacy_rj_str_t *id);
static void ngx_http_privacy_rim_append(ngx_http_privacy_rim_buf_t *b,
    const char *s, size_t len);


/*
 * NDJSON, one subject per line.  Each line is decoded in full before it
 * touches the database, and the upsert refuses a conflict before it
 * writes, so a bad line is skipped whole without a savepoint (whose page
 * copies cost ~10 % of an import); lines commit in batches.  A database
 * failure stops the import and rolls back its batch: the batches before
 * it stay, the answer says how many lines.
 *
 * A large body is decoded by a thread of its own while this one writes:
 * jansson's work per line is a fifth of the whole, and the two run on
 * two cores.  The decoder also computes each subject's keyed hashes and
 * encrypts its personnummer (a sealer of its own), so that this thread
 * only binds and steps (docs/performance.md).  The decoder touches only
 * the body, the chunks and its sealer.
 */

void
ngx_http_privacy_rim_run(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body)
{
    int                            rc;
    char                           line_buf[96];
    size_t                         i, k, in_batch, line;
    size_t                         created, updated, failed, committed;
    int64_t                        started;
    pthread_t                      decoder;
    ngx_http_privacy_rim_t         im;
    ngx_http_privacy_rim_buf_t     b;
    ngx_http_privacy_rim_line_t   *l;
    ngx_http_privacy_rim_chunk_t  *c;

    memset(&b, 0, sizeof(b));
    ngx_http_privacy_rim_append(&b, "{\"results\":[", 12);

    memset(&im, 0, sizeof(im));
    memset(&decoder, 0, sizeof(decoder));
    im.p = body;
    im.last = body + t->body_len;
    im.today = &t->today;

    if (t->body_len >= NGX_HTTP_PRIVACY_RIM_THREAD) {
        /* without it, the writer computes them: slower, not wrong */
        im.sealer = ngx_http_privacy_rdb_sealer(rdb);

        for (k = 0; k < NGX_HTTP_PRIVACY_RIM_CHUNKS; k++) {
            /* without it, jansson mallocs: slower, not wrong */
            (void) ngx_http_privacy_json_arena_init(&im.chunks[k].arena,
                                                    NGX_HTTP_PRIVACY_RIM_ARENA);
        }
    }

    if (t->body_len >= NGX_HTTP_PRIVACY_RIM_THREAD
        && pthread_mutex_init(&im.lock, NULL) == 0)
    {
        if (pthread_cond_init(&im.cond, NULL) == 0) {
            im.threaded = (pthread_create(&decoder, NULL,
                                          ngx_http_privacy_rim_decoder, &im)
                           == 0);

            if (!im.threaded) {
                pthread_cond_destroy(&im.cond);
            }
        }

        if (!im.threaded) {
            pthread_mutex_destroy(&im.lock);
        }
    }

    if (!im.threaded) {
        ngx_http_privacy_sealer_destroy(im.sealer);
        im.sealer = NULL;
    }

    if (im.threaded) {
        ngx_http_privacy_rdb_bulk(rdb, 1);
    }

    line = 0;
    in_batch = 0;
    started = 0;
    created = updated = failed = committed = 0;
    rc = NGX_HTTP_PRIVACY_RDB_OK;

    for (k = 0; /* void */; k++) {
        c = ngx_http_privacy_rim_next(&im, k);
        if (c == NULL) {
            break;
        }

        for (i = 0; i < c->n; i++) {
            l = &c->lines[i];
            line = l->line;

            if (l->rc != 0) {
                failed++;
                ngx_http_privacy_rim_result(&b, line, 400, l->s.error, NULL);
                continue;
            }

            if (in_batch == 0) {
                if (ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK) {
                    rc = NGX_HTTP_PRIVACY_RDB_ERROR;
                    break;
                }

                started = ngx_http_privacy_rim_ms();
            }

            in_batch++;

            rc = ngx_http_privacy_rdb_upsert(rdb, &l->s,
                                             l->sealed ? &l->seal : NULL,
                                             t->now, "api");

            if (rc == NGX_HTTP_PRIVACY_RDB_ERROR) {
                break;
            }

            if (rc == NGX_HTTP_PRIVACY_RDB_CONFLICT) {
                failed++;
                ngx_http_privacy_rim_result(&b, line, 400,
                                            "order_id belongs to another "
                                            "subject", NULL);

            } else {
                if (rc == NGX_HTTP_PRIVACY_RDB_CREATED) {
                    created++;

                } else {
                    updated++;
                }

                ngx_http_privacy_rim_result(&b, line,
                                            rc == NGX_HTTP_PRIVACY_RDB_CREATED
                                            ? 201 : 200, NULL,
                                            &l->s.external_id);
            }

            rc = NGX_HTTP_PRIVACY_RDB_OK;

            if (in_batch >= NGX_HTTP_PRIVACY_ROP_BATCH
                || (in_batch >= NGX_HTTP_PRIVACY_ROP_BATCH_MIN
                    && in_batch % 64 == 0
                    && ngx_http_privacy_rim_ms() - started
                       >= NGX_HTTP_PRIVACY_ROP_BATCH_MS))
            {
                if (ngx_http_privacy_rdb_commit(rdb) != SQLITE_OK) {
                    rc = NGX_HTTP_PRIVACY_RDB_ERROR;
                    break;
                }

                committed = line;
                in_batch = 0;
            }
        }

        ngx_http_privacy_rim_release(&im, c);

        if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
            break;
        }
    }

    if (im.threaded) {
        /* a failure stops the decoder; what it decoded is freed here */
        pthread_mutex_lock(&im.lock);
        im.stop = 1;
        pthread_cond_broadcast(&im.cond);
        pthread_mutex_unlock(&im.lock);

        pthread_join(decoder, NULL);

        pthread_cond_destroy(&im.cond);
        pthread_mutex_destroy(&im.lock);
    }

    for (k = 0; k < NGX_HTTP_PRIVACY_RIM_CHUNKS; k++) {
        ngx_http_privacy_rim_free(&im.chunks[k]);
        ngx_http_privacy_json_arena_destroy(&im.chunks[k].arena);
    }

    ngx_http_privacy_sealer_destroy(im.sealer);

    /* the line count includes blank lines after the last subject */
    if (im.line > line && rc == NGX_HTTP_PRIVACY_RDB_OK) {
        line = im.line;
    }

    if (rc == NGX_HTTP_PRIVACY_RDB_OK && in_batch) {
        if (ngx_http_privacy_rdb_commit(rdb) != SQLITE_OK) {
            rc = NGX_HTTP_PRIVACY_RDB_ERROR;

        } else {
            committed = line;
        }
    }

    if (rc != NGX_HTTP_PRIVACY_RDB_OK) {
        snprintf(t->log, sizeof(t->log), "import failed: %s",
                 sqlite3_errmsg(ngx_http_privacy_rdb_handle(rdb)));
        ngx_http_privacy_rdb_rollback(rdb);
        free(b.data);

        memset(&b, 0, sizeof(b));
        snprintf(line_buf, sizeof(line_buf), "{\"error\":\"the register is "
                 "unavailable\",\"lines_committed\":%zu}\n",
                 (size_t) committed);
        ngx_http_privacy_rim_append(&b, line_buf, strlen(line_buf));
        t->status = 503;

    } else {
        snprintf(line_buf, sizeof(line_buf), "],\"lines\":%zu,\"created\":",
                 line);
        ngx_http_privacy_rim_append(&b, line_buf, strlen(line_buf));
        snprintf(line_buf, sizeof(line_buf), "%zu,\"updated\":%zu,"
                 "\"failed\":%zu}\n", (size_t) created, (size_t) updated,
                 (size_t) failed);
        ngx_http_privacy_rim_append(&b, line_buf, strlen(line_buf));
        t->status = 200;
    }

    if (im.threaded) {
        ngx_http_privacy_rdb_bulk(rdb, 0);
    }

    if (b.failed) {
        free(b.data);
        b.data = NULL;
    }

    t->out = b.data;
    t->out_len = b.len;
}


/* the decoder thread: fills each chunk in turn, until the end or a stop */

static void *
ngx_http_privacy_rim_decoder(void *data)
{
    ngx_http_privacy_rim_t *im = data;

    size_t                         k, n;
    ngx_http_privacy_rim_chunk_t  *c;

    for (k = 0; /* void */; k++) {
        c = &im->chunks[k % NGX_HTTP_PRIVACY_RIM_CHUNKS];

        pthread_mutex_lock(&im->lock);

        while (c->ready && !im->stop) {
            pthread_cond_wait(&im->cond, &im->lock);
        }

        if (im->stop) {
            pthread_mutex_unlock(&im->lock);
            break;
        }

        pthread_mutex_unlock(&im->lock);

        ngx_http_privacy_rim_fill(im, c);

        /* once ready, the chunk is the writer's: its n is read before */
        n = c->n;

        pthread_mutex_lock(&im->lock);
        c->ready = 1;
        pthread_cond_broadcast(&im->cond);
        pthread_mutex_unlock(&im->lock);

        if (n == 0) {
            break;
        }
    }

    return NULL;
}


/* decodes up to a chunk of lines; c->n == 0 at the end of the body */

static void
ngx_http_privacy_rim_fill(ngx_http_privacy_rim_t *im,
    ngx_http_privacy_rim_chunk_t *c)
{
    u_char                         *nl;
    ngx_http_privacy_rim_line_t    *l;
    ngx_http_privacy_json_arena_t  *was;

    ngx_http_privacy_rim_free(c);

    was = ngx_http_privacy_json_arena_use(c->arena.base ? &c->arena : NULL);

    while (im->p < im->last && c->n < NGX_HTTP_PRIVACY_RIM_CHUNK) {
        nl = memchr(im->p, '\n', im->last - im->p);
        if (nl == NULL) {
            nl = im->last;
        }

        im->line++;

        if (nl == im->p || (nl - im->p == 1 && *im->p == '\r')) {
            im->p = nl + 1;
            continue;
        }

        l = &c->lines[c->n++];
        l->line = im->line;
        l->rc = ngx_http_privacy_rj_subject(im->p, nl - im->p, 1, im->today,
                                            &l->s);
        l->sealed = (l->rc == 0 && im->sealer
                     && ngx_http_privacy_seal(im->sealer, &l->s, &l->seal)
                        == 0);
        im->p = nl + 1;
    }

    (void) ngx_http_privacy_json_arena_use(was);
}


/* the k-th chunk, decoded (here, or waited for); NULL at the end */

static ngx_http_privacy_rim_chunk_t *
ngx_http_privacy_rim_next(ngx_http_privacy_rim_t *im, size_t k)
{
    ngx_http_privacy_rim_chunk_t  *c;

    c = &im->chunks[k % NGX_HTTP_PRIVACY_RIM_CHUNKS];

    if (!im->threaded) {
        ngx_http_privacy_rim_fill(im, c);
        c->ready = 1;

    } else {
        pthread_mutex_lock(&im->lock);

        while (!c->ready) {
            pthread_cond_wait(&im->cond, &im->lock);
        }

        pthread_mutex_unlock(&im->lock);
    }

    if (c->n == 0) {
        return NULL;
    }

    return c;
}


/* the writer is done with a chunk: the decoder may refill it */

static void
ngx_http_privacy_rim_release(ngx_http_privacy_rim_t *im,
    ngx_http_privacy_rim_chunk_t *c)
{
    if (!im->threaded) {
        c->ready = 0;
        return;
    }

    pthread_mutex_lock(&im->lock);
    c->ready = 0;
    pthread_cond_broadcast(&im->cond);
    pthread_mutex_unlock(&im->lock);
}


static void
ngx_http_privacy_rim_free(ngx_http_privacy_rim_chunk_t *c)
{
    size_t                          i;
    ngx_http_privacy_json_arena_t  *was;

    was = ngx_http_privacy_json_arena_use(c->arena.base ? &c->arena : NULL);

    for (i = 0; i < c->n; i++) {
        if (c->arena.base && c->arena.spilled == 0) {
            /* every value is in the arena: its reset frees them */
            c->lines[i].s.root = NULL;
        }

        ngx_http_privacy_rj_subject_free(&c->lines[i].s);

        if (c->lines[i].sealed) {
            ngx_http_privacy_sealed_wipe(&c->lines[i].seal);
            c->lines[i].sealed = 0;
        }
    }

    (void) ngx_http_privacy_json_arena_use(was);

    c->n = 0;

    if (c->arena.base) {
        ngx_http_privacy_json_arena_reset(&c->arena);
        c->arena.spilled = 0;
    }
}


static int64_t
ngx_http_privacy_rim_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* one line's result: {"line":N,"status":S,"external_id":...|"error":...} */

static void
ngx_http_privacy_rim_result(ngx_http_privacy_rim_buf_t *b, size_t line,
    int status, const char *msg, ngx_http_privacy_rj_str_t *id)
{
    char        buf[64];
    char       *e, *p;
    json_t     *o;

    if (b->len > 12) {
        ngx_http_privacy_rim_append(b, ",", 1);
    }

    if (id) {
        /* once per line: digits by hand, no snprintf() */
        p = buf + sizeof(buf);

        do {
            *--p = (char) ('0' + line % 10);
            line /= 10;
        } while (line);

        ngx_http_privacy_rim_append(b, "{\"line\":", 8);
        ngx_http_privacy_rim_append(b, p, buf + sizeof(buf) - p);
        ngx_http_privacy_rim_append(b, status == 201
                                       ? ",\"status\":201,\"external_id\":\""
                                       : ",\"status\":200,\"external_id\":\"",
                                    sizeof(",\"status\":200,\"external_id\":\"")
                                    - 1);

        /* external_id's characters need no escaping in JSON */
        ngx_http_privacy_rim_append(b, id->data, id->len);
        ngx_http_privacy_rim_append(b, "\"}", 2);
        return;
    }

    /* a message names a field, never a value, but is escaped all the same */
    o = json_pack("{s:I, s:i, s:s}", "line", (json_int_t) line, "status",
                  status, "error", msg);
    e = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    if (e) {
        ngx_http_privacy_rim_append(b, e, strlen(e));
        free(e);

    } else {
        b->failed = 1;
    }

    if (o) {
        json_decref(o);
    }
}


static void
ngx_http_privacy_rim_append(ngx_http_privacy_rim_buf_t *b, const char *s,
    size_t len)
{
    char    *n;
    size_t   size;

    if (b->failed) {
        return;
    }

    if (b->len + len > b->size) {
        size = (b->size ? b->size * 2 : 4096);

        while (size < b->len + len) {
            size *= 2;
        }

        n = realloc(b->data, size);
        if (n == NULL) {
            b->failed = 1;
            return;
        }

        b->data = n;
        b->size = size;
    }

    if (len) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
    }
}
