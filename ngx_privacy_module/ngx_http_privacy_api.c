/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API (docs/api.md): a content handler, so nginx's own
 * access control (allow/deny, auth_basic) runs first; an optional bearer
 * token compared in constant time; the body is read on the event loop
 * and all SQLite work runs in a thread-pool task, whose completion event
 * answers.  The thread touches only SQLite, libc and the task's own
 * memory (STYLE.md trap 5); the request is held with blocked++ until the
 * completion handler runs.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <pthread.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ngx_http_privacy_conf.h"
#include "ngx_http_privacy_headers.h"
#include "ngx_http_privacy_api.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_ops.h"
#include "ngx_http_privacy_worker.h"




static ngx_str_t  ngx_http_privacy_api_no_store = ngx_string("no-store");


/* a piece of the body: in memory, or in the request body's temp file */
typedef struct {
    u_char                              *pos;
    ngx_fd_t                             fd;
    off_t                                offset;
    size_t                               len;
} ngx_http_privacy_api_piece_t;


typedef struct {
    ngx_http_request_t                  *request;
    ngx_http_privacy_worker_rdb_t       *conn;         /* the worker's */
    ngx_http_privacy_register_keys_t    *keys;
    char                                *path;         /* privacy_db */

    ngx_http_privacy_api_piece_t        *pieces;
    ngx_uint_t                           npieces;

    /* what to do, and the answer (see ngx_http_privacy_register_ops.h) */
    ngx_http_privacy_rop_t               rop;
} ngx_http_privacy_api_task_t;




static void ngx_http_privacy_api_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_api_route(ngx_http_request_t *r,
    ngx_http_privacy_api_task_t *t);
static ngx_int_t ngx_http_privacy_api_authorized(ngx_http_request_t *r,
    u_char *token_hash);
static ngx_int_t ngx_http_privacy_api_json_type(ngx_http_request_t *r,
    ngx_uint_t ndjson);
static ngx_int_t ngx_http_privacy_api_post(ngx_http_request_t *r,
    ngx_http_privacy_api_task_t *t);
static ngx_int_t ngx_http_privacy_api_busy(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_api_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);
static ngx_int_t ngx_http_privacy_api_send(ngx_http_request_t *r,
    ngx_uint_t status, u_char *data, size_t len);
static void ngx_http_privacy_api_thread(void *data, ngx_log_t *log);
static void ngx_http_privacy_api_done(ngx_event_t *ev);
static u_char *ngx_http_privacy_api_read(ngx_http_privacy_api_task_t *t);


ngx_int_t
ngx_http_privacy_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_http_privacy_loc_conf_t   *plcf;
    ngx_http_privacy_main_conf_t  *pmcf;
    ngx_http_privacy_api_task_t   *t;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    if (plcf->register_token
        && ngx_http_privacy_api_authorized(r, plcf->register_token)
           != NGX_OK)
    {
        ngx_http_discard_request_body(r);
        return ngx_http_privacy_api_error(r, NGX_HTTP_UNAUTHORIZED,
                                          "a valid bearer token is "
                                          "required");
    }

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_api_task_t));
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_privacy_api_route(r, t);
    if (rc != NGX_OK) {
        ngx_http_discard_request_body(r);
        return rc;
    }

    if (pmcf->thread_pool == NULL || pmcf->register_keys == NULL
        || !pmcf->register_api)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy_register_api needs privacy_db and "
                      "privacy_secret_file");
        ngx_http_discard_request_body(r);
        return ngx_http_privacy_api_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                          "the register is not configured");
    }

    if (r->method == NGX_HTTP_GET) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_privacy_api_post(r, t) != NGX_OK) {
            return ngx_http_privacy_api_busy(r);
        }

        r->main->count++;
        return NGX_DONE;
    }

    /* empty bodies are fine for activity and end; others fail decoding */
    if (r->headers_in.content_length_n > 0 || r->headers_in.chunked) {
        rc = ngx_http_privacy_api_json_type(r, t->rop.op
                                               == NGX_HTTP_PRIVACY_ROP_IMPORT);
        if (rc != NGX_OK) {
            ngx_http_discard_request_body(r);
            return ngx_http_privacy_api_error(r,
                       NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                       t->rop.op == NGX_HTTP_PRIVACY_ROP_IMPORT
                       ? "Content-Type: application/x-ndjson expected"
                       : "Content-Type: application/json expected");
        }
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_privacy_api_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/* the body is in: route again (cheap) and hand the work to a thread */

static void
ngx_http_privacy_api_body(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_uint_t                    n;
    ngx_chain_t                  *cl;
    ngx_http_privacy_api_task_t  *t;
    ngx_http_privacy_api_piece_t *p;

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_api_task_t));
    if (t == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_privacy_api_route(r, t);
    if (rc != NGX_OK) {
        ngx_http_finalize_request(r, rc);
        return;
    }

    n = 0;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            n++;
        }
    }

    t->pieces = ngx_pcalloc(r->pool,
                            (n + 1) * sizeof(ngx_http_privacy_api_piece_t));
    if (t->pieces == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    /*
     * The pieces stay valid while the task runs: the request (and its
     * pool and temp file) is held until the completion handler.  Bodies
     * past client_body_buffer_size are in the temp file, read by the
     * thread, not here.
     */
    for (cl = r->request_body ? r->request_body->bufs : NULL;
         cl;
         cl = cl->next)
    {
        p = &t->pieces[t->npieces];

        if (cl->buf->in_file) {
            p->fd = cl->buf->file->fd;
            p->offset = cl->buf->file_pos;
            p->len = cl->buf->file_last - cl->buf->file_pos;

        } else {
            p->pos = cl->buf->pos;
            p->len = cl->buf->last - cl->buf->pos;
        }

        if (p->len) {
            t->rop.body_len += p->len;
            t->npieces++;
        }
    }

    if (ngx_http_privacy_api_post(r, t) != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_privacy_api_busy(r));
    }
}


/* the thread pool's queue is full: nothing was written, retry later */

static ngx_int_t
ngx_http_privacy_api_busy(ngx_http_request_t *r)
{
    return ngx_http_privacy_api_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "the register is busy, retry");
}


static ngx_int_t
ngx_http_privacy_api_post(ngx_http_request_t *r,
    ngx_http_privacy_api_task_t *t)
{
    struct tm                      tm;
    ngx_thread_task_t             *task;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    t->request = r;
    t->conn = &ngx_http_privacy_worker->api_rdb;
    t->keys = pmcf->register_keys;
    t->path = (char *) pmcf->db.data;
    t->rop.now = ngx_time();

    ngx_libc_gmtime(t->rop.now, &tm);
    t->rop.today.year = tm.tm_year + 1900;
    t->rop.today.month = tm.tm_mon + 1;
    t->rop.today.day = tm.tm_mday;

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    task->ctx = t;
    task->handler = ngx_http_privacy_api_thread;
    task->event.handler = ngx_http_privacy_api_done;
    task->event.data = t;

    if (ngx_thread_task_post(pmcf->thread_pool, task) != NGX_OK) {
        return NGX_BUSY;
    }

    r->main->blocked++;
    r->aio = 1;

    return NGX_OK;
}


/* back on the event loop: answer and let the request go */

static void
ngx_http_privacy_api_done(ngx_event_t *ev)
{
    ngx_int_t                     rc;
    ngx_connection_t             *c;
    ngx_http_request_t           *r;
    ngx_http_privacy_api_task_t  *t;

    t = ev->data;
    r = t->request;
    c = r->connection;

    r->main->blocked--;
    r->aio = 0;

    if (t->rop.log[0]) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0, "privacy_register_api: %s",
                      t->rop.log);
    }

    if (t->rop.out == NULL) {
        rc = ngx_http_privacy_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                        "out of memory");

    } else {
        rc = ngx_http_privacy_api_send(r, t->rop.status, (u_char *) t->rop.out,
                                       t->rop.out_len);
        free(t->rop.out);
        t->rop.out = NULL;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * What the path below the location asks for:
 *   POST subjects, GET subjects/ID, POST subjects/ID/(activity|orders|end),
 *   POST subjects/ID/hold, POST subjects/ID/hold/release,
 *   POST records, POST import, GET audit/verify
 */

static ngx_int_t
ngx_http_privacy_api_route(ngx_http_request_t *r,
    ngx_http_privacy_api_task_t *t)
{
    u_char                    *p, *last, *slash;
    size_t                     len;
    ngx_uint_t                 post;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    p = r->uri.data;
    last = r->uri.data + r->uri.len;

    if (clcf->name.len <= r->uri.len
        && ngx_strncmp(r->uri.data, clcf->name.data, clcf->name.len) == 0)
    {
        p += clcf->name.len;
    }

    while (p < last && *p == '/') {
        p++;
    }

    len = last - p;
    post = (r->method == NGX_HTTP_POST);

    if (r->method != NGX_HTTP_POST && r->method != NGX_HTTP_GET) {
        goto not_allowed;
    }

#define ngx_http_privacy_api_is(s)                                            \
    (len == sizeof(s) - 1 && ngx_strncmp(p, s, sizeof(s) - 1) == 0)

    if (ngx_http_privacy_api_is("subjects")) {
        t->rop.op = NGX_HTTP_PRIVACY_ROP_UPSERT;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("records")) {
        t->rop.op = NGX_HTTP_PRIVACY_ROP_RECORD;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("import")) {
        t->rop.op = NGX_HTTP_PRIVACY_ROP_IMPORT;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("audit/verify")) {
        t->rop.op = NGX_HTTP_PRIVACY_ROP_VERIFY;
        return post ? ngx_http_privacy_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                                 "use GET")
                    : NGX_OK;
    }

    if (len > sizeof("subjects/") - 1
        && ngx_strncmp(p, "subjects/", sizeof("subjects/") - 1) == 0)
    {
        p += sizeof("subjects/") - 1;

        slash = ngx_strlchr(p, last, '/');

        t->rop.id_len = (slash ? slash : last) - p;

        if (!ngx_http_privacy_rj_valid_id((char *) p, t->rop.id_len)) {
            return ngx_http_privacy_api_error(r, NGX_HTTP_BAD_REQUEST,
                                              "external_id in the path: 1 "
                                              "to 128 letters, digits or "
                                              "-._~!$&'()*+,;=:@ expected");
        }

        ngx_memcpy(t->rop.id, p, t->rop.id_len);

        if (slash == NULL) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_GET;
            return post ? ngx_http_privacy_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                                     "use GET")
                        : NGX_OK;
        }

        p = slash + 1;
        len = last - p;

        if (ngx_http_privacy_api_is("activity")) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_ACTIVITY;

        } else if (ngx_http_privacy_api_is("orders")) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_ORDER;

        } else if (ngx_http_privacy_api_is("end")) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_END;

        } else if (ngx_http_privacy_api_is("hold")) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_HOLD;

        } else if (ngx_http_privacy_api_is("hold/release")) {
            t->rop.op = NGX_HTTP_PRIVACY_ROP_RELEASE;

        } else {
            goto not_found;
        }

        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

#undef ngx_http_privacy_api_is

not_found:

    return ngx_http_privacy_api_error(r, NGX_HTTP_NOT_FOUND,
                                      "no such endpoint");

not_allowed:

    return ngx_http_privacy_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                      "use GET or POST");
}


static ngx_int_t
ngx_http_privacy_api_authorized(ngx_http_request_t *r, u_char *token_hash)
{
    u_char            hash[32];
    ngx_str_t         v;
    ngx_table_elt_t  *h;

    h = r->headers_in.authorization;

    if (h == NULL || h->value.len <= sizeof("Bearer ") - 1
        || ngx_strncasecmp(h->value.data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1) != 0)
    {
        return NGX_DECLINED;
    }

    v.data = h->value.data + sizeof("Bearer ") - 1;
    v.len = h->value.len - (sizeof("Bearer ") - 1);

    /* digests of equal length: the time says nothing of the token */
    if (EVP_Digest(v.data, v.len, hash, NULL, EVP_sha256(), NULL) != 1) {
        return NGX_ERROR;
    }

    return CRYPTO_memcmp(hash, token_hash, 32) == 0 ? NGX_OK : NGX_DECLINED;
}


static ngx_int_t
ngx_http_privacy_api_json_type(ngx_http_request_t *r, ngx_uint_t ndjson)
{
    size_t      len;
    u_char     *semi;
    ngx_str_t  *ct;

    if (r->headers_in.content_type == NULL) {
        return NGX_DECLINED;
    }

    ct = &r->headers_in.content_type->value;

    semi = ngx_strlchr(ct->data, ct->data + ct->len, ';');
    len = (semi ? semi : ct->data + ct->len) - ct->data;

    while (len && ct->data[len - 1] == ' ') {
        len--;
    }

#define ngx_http_privacy_api_type(s)                                          \
    (len == sizeof(s) - 1 && ngx_strncasecmp(ct->data, (u_char *) s, len) == 0)

    if (ngx_http_privacy_api_type("application/json")) {
        return NGX_OK;
    }

    if (ndjson && (ngx_http_privacy_api_type("application/x-ndjson")
                   || ngx_http_privacy_api_type("application/jsonl")))
    {
        return NGX_OK;
    }

#undef ngx_http_privacy_api_type

    return NGX_DECLINED;
}


/* an error answered on the event loop: {"error": "..."} */

static ngx_int_t
ngx_http_privacy_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    u_char  *p, *q;
    size_t   len;

    len = ngx_strlen(message);

    p = ngx_pnalloc(r->pool, sizeof("{\"error\":\"\"}\n") - 1 + 2 * len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* our own messages: only quotes need escaping */
    q = ngx_cpymem(p, "{\"error\":\"", sizeof("{\"error\":\"") - 1);

    while (*message) {
        if (*message == '"' || *message == '\\') {
            *q++ = '\\';
        }

        *q++ = *message++;
    }

    q = ngx_cpymem(q, "\"}\n", 3);

    if (status == NGX_HTTP_UNAUTHORIZED) {
        r->headers_out.www_authenticate = ngx_list_push(&r->headers_out.headers);
        if (r->headers_out.www_authenticate == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        r->headers_out.www_authenticate->hash = 1;
        ngx_str_set(&r->headers_out.www_authenticate->key,
                    "WWW-Authenticate");
        ngx_str_set(&r->headers_out.www_authenticate->value, "Bearer");
    }

    return ngx_http_privacy_api_send(r, status, p, q - p);
}


static ngx_int_t
ngx_http_privacy_api_send(ngx_http_request_t *r, ngx_uint_t status,
    u_char *data, size_t len)
{
    ngx_buf_t    *b;
    ngx_int_t     rc;
    ngx_chain_t   out;

    if (r->header_sent) {
        return NGX_ERROR;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, data, len);
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    /* answers about people are not for shared caches */
    if (ngx_http_privacy_add_header_n(r, (u_char *) "Cache-Control",
                                      sizeof("Cache-Control") - 1,
                                      &ngx_http_privacy_api_no_store)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* in a pool thread: SQLite, libc and the task's memory only */

static void
ngx_http_privacy_api_thread(void *data, ngx_log_t *log)
{
    ngx_http_privacy_api_task_t *t = data;

    u_char                         *body;
    ngx_http_privacy_worker_rdb_t  *wr;

    wr = t->conn;

    body = ngx_http_privacy_api_read(t);
    if (body == NULL) {
        ngx_http_privacy_rop_fail(&t->rop, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "the body could not be read");
        return;
    }

    pthread_mutex_lock(&wr->lock);

    if (wr->rdb == NULL) {
        wr->rdb = ngx_http_privacy_rdb_open(t->path, t->keys, t->rop.log,
                                            sizeof(t->rop.log));
    }

    if (wr->rdb == NULL) {
        ngx_http_privacy_rop_fail(&t->rop, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "the register is unavailable");

    } else if (t->rop.op == NGX_HTTP_PRIVACY_ROP_HOLD
               || t->rop.op == NGX_HTTP_PRIVACY_ROP_RELEASE)
    {
        /* its own file, which answers through the operations' helpers */
        ngx_http_privacy_rop_hold(&t->rop, wr->rdb, body);

    } else {
        ngx_http_privacy_rop_run(&t->rop, wr->rdb, body);
    }

    /* a failed connection is opened anew by the next task */
    if (t->rop.status == NGX_HTTP_SERVICE_UNAVAILABLE && wr->rdb) {
        ngx_http_privacy_rdb_close(wr->rdb);
        wr->rdb = NULL;
    }

    pthread_mutex_unlock(&wr->lock);

    free(body);
}


/* the body in one malloc'd buffer (NUL-terminated), from memory or file */

static u_char *
ngx_http_privacy_api_read(ngx_http_privacy_api_task_t *t)
{
    u_char                        *body, *p;
    size_t                         got;
    ssize_t                        n;
    ngx_uint_t                     i;
    ngx_http_privacy_api_piece_t  *piece;

    body = malloc(t->rop.body_len + 1);
    if (body == NULL) {
        return NULL;
    }

    p = body;

    for (i = 0; i < t->npieces; i++) {
        piece = &t->pieces[i];

        if (piece->pos) {
            memcpy(p, piece->pos, piece->len);
            p += piece->len;
            continue;
        }

        for (got = 0; got < piece->len; got += n) {
            n = pread(piece->fd, p + got, piece->len - got,
                      piece->offset + got);
            if (n <= 0) {
                free(body);
                return NULL;
            }
        }

        p += piece->len;
    }

    *p = '\0';

    return body;
}

