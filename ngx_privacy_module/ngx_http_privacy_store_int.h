/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The writer's insides, shared by the queue (ngx_http_privacy_store.c,
 * on the event loop) and its SQL (ngx_http_privacy_store_sql.c, in the
 * pool thread): not for other files.
 */

#ifndef _NGX_HTTP_PRIVACY_STORE_INT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_STORE_INT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_thread_pool.h>

#include <sqlite3.h>

#include "ngx_http_privacy_store.h"
#include "ngx_http_privacy_upkeep.h"


#define NGX_HTTP_PRIVACY_RECORD_RECEIPT   1
#define NGX_HTTP_PRIVACY_RECORD_EVENT     2
#define NGX_HTTP_PRIVACY_RECORD_COOKIE    3
#define NGX_HTTP_PRIVACY_RECORD_SCOPE     4

/*
 * A page view as queued: its strings (host, path, referrer, term, then
 * the visitor's hex digits) follow one another in the batch's arena,
 * so that a view fills the few bytes it needs and a record stays small:
 * the worker writes two cache lines per view instead of a dozen.
 */
typedef struct {
    time_t                           time;
    u_char                          *strings;
    uint32_t                         views;     /* identical ones, counted */
    uint16_t                         status;
    uint16_t                         host_len;
    uint16_t                         path_len;
    uint16_t                         referrer_len;
    uint16_t                         term_len;
    unsigned                         has_term:1;
    unsigned                         identified:1;
} ngx_http_privacy_event_record_t;


typedef struct {
    ngx_uint_t                       type;
    union {
        ngx_http_privacy_receipt_t   receipt;
        ngx_http_privacy_event_record_t  event;
        ngx_http_privacy_cookie_seen_t  cookie;
        ngx_http_privacy_scope_seen_t   scope;
    } u;
} ngx_http_privacy_record_t;


/* the arena of a batch: room for views of 128 bytes of strings on average */
#define NGX_HTTP_PRIVACY_STORE_ARENA  (NGX_HTTP_PRIVACY_STORE_BATCH * 128)

/*
 * The batch's index of its page views by what they say (second, host,
 * path, status, referrer, term, visitor): open addressing, twice as
 * many slots as records, each a record's index plus one (0: empty)
 */
#define NGX_HTTP_PRIVACY_STORE_SLOTS  (NGX_HTTP_PRIVACY_STORE_BATCH * 2)


typedef struct {
    ngx_http_privacy_record_t       *records;
    ngx_uint_t                       n;
    u_char                          *arena;
    size_t                           used;          /* of the arena */
    uint16_t                        *slots;         /* STORE_SLOTS */
    ngx_uint_t                       merged;    /* views counted in others */
    ngx_uint_t                       round;     /* bumped when emptied */
    unsigned                         receipt:1;     /* holds a receipt */

    /* the result, set by the thread */
    int                              rc;
    char                             error[256];
} ngx_http_privacy_batch_t;


typedef struct {
    ngx_http_privacy_store_t        *store;
} ngx_http_privacy_store_task_ctx_t;


struct ngx_http_privacy_store_s {
    ngx_str_t                        path;      /* null-terminated */
    ngx_thread_pool_t               *thread_pool;

    /* touched by the thread only while a task is in flight */
    sqlite3                         *db;
    sqlite3_stmt                    *begin;
    sqlite3_stmt                    *commit;
    sqlite3_stmt                    *insert_receipt;
    sqlite3_stmt                    *insert_event;
    sqlite3_stmt                    *insert_events;    /* STORE_ROWS rows */
    sqlite3_stmt                    *upsert_cookie;
    sqlite3_stmt                    *upsert_scope;
    sqlite3_stmt                    *last_event;       /* in a second */

    /* checkpoints, roll-ups, sweeps: ngx_http_privacy_upkeep.c */
    ngx_http_privacy_upkeep_t        upkeep;

    ngx_http_privacy_batch_t         batches[2];
    ngx_http_privacy_batch_t        *filling;
    ngx_http_privacy_batch_t        *writing;

    ngx_thread_task_t               *task;
    ngx_event_t                      timer;
    ngx_log_t                       *log;

    ngx_uint_t                       dropped;
    ngx_uint_t                       dropped_logged;
    ngx_uint_t                       written;
    unsigned                         busy:1;
    unsigned                         failing:1;
    unsigned                         opened:1;      /* and migrated */
    /* the timer ticked while a batch was being written */
    unsigned                         due:1;
};



/*
 * In the pool thread (or at exit), no nginx calls.  _open: opens and
 * migrates the register and prepares the statements; _write: one batch
 * in one transaction (on failure the connection is closed, to be opened
 * again); all return an SQLite result code with err or b->error set.
 */
int ngx_http_privacy_store_open(ngx_http_privacy_store_t *s, char *err,
    size_t err_len);
int ngx_http_privacy_store_write(ngx_http_privacy_store_t *s,
    ngx_http_privacy_batch_t *b);
void ngx_http_privacy_store_close(ngx_http_privacy_store_t *s);


#endif /* _NGX_HTTP_PRIVACY_STORE_INT_H_INCLUDED_ */
