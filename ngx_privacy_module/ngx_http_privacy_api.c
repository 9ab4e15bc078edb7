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

#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_api.h"
#include "ngx_http_privacy_register_db.h"


/* an import commits every this many lines: the write lock is never long */
#define NGX_HTTP_PRIVACY_API_BATCH  2000


typedef enum {
    NGX_HTTP_PRIVACY_API_UPSERT = 0,
    NGX_HTTP_PRIVACY_API_GET,
    NGX_HTTP_PRIVACY_API_ACTIVITY,
    NGX_HTTP_PRIVACY_API_ORDER,
    NGX_HTTP_PRIVACY_API_END,
    NGX_HTTP_PRIVACY_API_RECORD,
    NGX_HTTP_PRIVACY_API_IMPORT,
    NGX_HTTP_PRIVACY_API_VERIFY
} ngx_http_privacy_api_op_e;


static ngx_str_t  ngx_http_privacy_api_no_store = ngx_string("no-store");


/* per worker (each has its copy after fork): one connection, one user */
typedef struct {
    pthread_mutex_t                      lock;
    ngx_http_privacy_rdb_t              *rdb;
} ngx_http_privacy_api_state_t;


/* a piece of the body: in memory, or in the request body's temp file */
typedef struct {
    u_char                              *pos;
    ngx_fd_t                             fd;
    off_t                                offset;
    size_t                               len;
} ngx_http_privacy_api_piece_t;


typedef struct {
    ngx_http_request_t                  *request;
    ngx_http_privacy_api_state_t        *state;
    ngx_http_privacy_register_keys_t    *keys;
    char                                *path;         /* privacy_db */

    ngx_http_privacy_api_op_e            op;
    u_char                               id[NGX_HTTP_PRIVACY_RJ_ID_MAX];
    size_t                               id_len;

    ngx_http_privacy_api_piece_t        *pieces;
    ngx_uint_t                           npieces;
    size_t                               body_len;

    int64_t                              now;
    ngx_http_privacy_rj_today_t          today;

    /* the answer, malloc'd by the thread, freed on completion */
    ngx_uint_t                           status;
    char                                *out;
    size_t                               out_len;
    char                                 log[128];    /* no personal data */
} ngx_http_privacy_api_task_t;


/* the import's answer, grown with realloc in the thread */
typedef struct {
    char                                *data;
    size_t                               len;
    size_t                               size;
    int                                  failed;
} ngx_http_privacy_api_buf_t;


static ngx_int_t ngx_http_privacy_api_handler(ngx_http_request_t *r);
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
static void ngx_http_privacy_api_run(ngx_http_privacy_api_task_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);
static void ngx_http_privacy_api_import(ngx_http_privacy_api_task_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);
static void ngx_http_privacy_api_answer(ngx_http_privacy_api_task_t *t,
    ngx_uint_t status, json_t *o);
static void ngx_http_privacy_api_fail(ngx_http_privacy_api_task_t *t,
    ngx_uint_t status, const char *message);
static void ngx_http_privacy_api_append(ngx_http_privacy_api_buf_t *b,
    const char *s, size_t len);


char *
ngx_http_privacy_register_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_privacy_main_conf_t  *pmcf;
    ngx_http_privacy_api_state_t  *state;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    if (pmcf->register_api == NULL) {
        state = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_api_state_t));
        if (state == NULL) {
            return NGX_CONF_ERROR;
        }

        if (pthread_mutex_init(&state->lock, NULL) != 0) {
            return NGX_CONF_ERROR;
        }

        pmcf->register_api = state;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_privacy_api_handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_http_privacy_api_handler;

    return NGX_CONF_OK;
}


char *
ngx_http_privacy_register_api_token(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char     buf[1024], *hash;
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_str_t *value, name;

    if (plcf->register_token) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "privacy_register_api_token \"%V\" cannot be "
                           "opened", &name);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_fd(fd, buf, sizeof(buf));
    ngx_close_file(fd);

    /* a trailing newline is the editor's, not the token's */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'
                     || buf[n - 1] == ' '))
    {
        n--;
    }

    if (n < 16 || n == (ssize_t) sizeof(buf)) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "privacy_register_api_token \"%V\" must hold "
                           "16 to 1000 bytes (e.g. \"openssl rand -hex "
                           "32\")", &name);
        return NGX_CONF_ERROR;
    }

    hash = ngx_palloc(cf->pool, 32);
    if (hash == NULL) {
        return NGX_CONF_ERROR;
    }

    /* kept as a digest: compared in constant time whatever the length */
    if (EVP_Digest(buf, n, hash, NULL, EVP_sha256(), NULL) != 1) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    ngx_explicit_memzero(buf, sizeof(buf));
    plcf->register_token = hash;

    return NGX_CONF_OK;
}


void *
ngx_http_privacy_register_api_keys(ngx_conf_t *cf, u_char *secret,
    size_t len)
{
    ngx_http_privacy_register_keys_t  *keys;

    keys = ngx_palloc(cf->pool, sizeof(ngx_http_privacy_register_keys_t));
    if (keys == NULL) {
        return NULL;
    }

    if (ngx_http_privacy_register_keys(secret, len, keys) != 0) {
        return NULL;
    }

    return keys;
}


static ngx_int_t
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
        || pmcf->register_api == NULL)
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
        rc = ngx_http_privacy_api_json_type(r, t->op
                                               == NGX_HTTP_PRIVACY_API_IMPORT);
        if (rc != NGX_OK) {
            ngx_http_discard_request_body(r);
            return ngx_http_privacy_api_error(r,
                       NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                       t->op == NGX_HTTP_PRIVACY_API_IMPORT
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
            t->body_len += p->len;
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
    t->state = pmcf->register_api;
    t->keys = pmcf->register_keys;
    t->path = (char *) pmcf->db.data;
    t->now = ngx_time();

    ngx_libc_gmtime(t->now, &tm);
    t->today.year = tm.tm_year + 1900;
    t->today.month = tm.tm_mon + 1;
    t->today.day = tm.tm_mday;

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

    if (t->log[0]) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0, "privacy_register_api: %s",
                      t->log);
    }

    if (t->out == NULL) {
        rc = ngx_http_privacy_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                        "out of memory");

    } else {
        rc = ngx_http_privacy_api_send(r, t->status, (u_char *) t->out,
                                       t->out_len);
        free(t->out);
        t->out = NULL;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * What the path below the location asks for:
 *   POST subjects, GET subjects/ID, POST subjects/ID/(activity|orders|end),
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
        t->op = NGX_HTTP_PRIVACY_API_UPSERT;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("records")) {
        t->op = NGX_HTTP_PRIVACY_API_RECORD;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("import")) {
        t->op = NGX_HTTP_PRIVACY_API_IMPORT;
        return post ? NGX_OK : ngx_http_privacy_api_error(r,
                   NGX_HTTP_NOT_ALLOWED, "use POST");
    }

    if (ngx_http_privacy_api_is("audit/verify")) {
        t->op = NGX_HTTP_PRIVACY_API_VERIFY;
        return post ? ngx_http_privacy_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                                 "use GET")
                    : NGX_OK;
    }

    if (len > sizeof("subjects/") - 1
        && ngx_strncmp(p, "subjects/", sizeof("subjects/") - 1) == 0)
    {
        p += sizeof("subjects/") - 1;
        len = last - p;

        slash = ngx_strlchr(p, last, '/');

        t->id_len = (slash ? slash : last) - p;

        if (!ngx_http_privacy_rj_valid_id((char *) p, t->id_len)) {
            return ngx_http_privacy_api_error(r, NGX_HTTP_BAD_REQUEST,
                                              "external_id in the path: 1 "
                                              "to 128 letters, digits or "
                                              "-._~!$&'()*+,;=:@ expected");
        }

        ngx_memcpy(t->id, p, t->id_len);

        if (slash == NULL) {
            t->op = NGX_HTTP_PRIVACY_API_GET;
            return post ? ngx_http_privacy_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                                     "use GET")
                        : NGX_OK;
        }

        p = slash + 1;
        len = last - p;

        if (ngx_http_privacy_api_is("activity")) {
            t->op = NGX_HTTP_PRIVACY_API_ACTIVITY;

        } else if (ngx_http_privacy_api_is("orders")) {
            t->op = NGX_HTTP_PRIVACY_API_ORDER;

        } else if (ngx_http_privacy_api_is("end")) {
            t->op = NGX_HTTP_PRIVACY_API_END;

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

    u_char                        *body;
    ngx_http_privacy_api_state_t  *state;

    state = t->state;

    body = ngx_http_privacy_api_read(t);
    if (body == NULL) {
        ngx_http_privacy_api_fail(t, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "the body could not be read");
        return;
    }

    pthread_mutex_lock(&state->lock);

    if (state->rdb == NULL) {
        state->rdb = ngx_http_privacy_rdb_open(t->path, t->keys, t->log,
                                               sizeof(t->log));
    }

    if (state->rdb == NULL) {
        ngx_http_privacy_api_fail(t, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "the register is unavailable");

    } else if (t->op == NGX_HTTP_PRIVACY_API_IMPORT) {
        ngx_http_privacy_api_import(t, state->rdb, body);

    } else {
        ngx_http_privacy_api_run(t, state->rdb, body);
    }

    /* a failed connection is opened anew by the next task */
    if (t->status == NGX_HTTP_SERVICE_UNAVAILABLE && state->rdb) {
        ngx_http_privacy_rdb_close(state->rdb);
        state->rdb = NULL;
    }

    pthread_mutex_unlock(&state->lock);

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

    body = malloc(t->body_len + 1);
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


static void
ngx_http_privacy_api_run(ngx_http_privacy_api_task_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body)
{
    int                            rc, err;
    char                          *id;
    json_t                        *o, *root;
    int64_t                        entries, broken;
    ngx_http_privacy_rj_event_t    ev;
    ngx_http_privacy_rj_order_t    order;
    ngx_http_privacy_rj_record_t   rec;
    ngx_http_privacy_rj_subject_t  s;

    id = (char *) t->id;
    o = NULL;
    root = NULL;
    err = 0;

    /* decode first: a refused body never opens a transaction */
    switch (t->op) {

    case NGX_HTTP_PRIVACY_API_UPSERT:
        if (ngx_http_privacy_rj_subject(body, t->body_len, 0, &t->today, &s)
            != 0)
        {
            ngx_http_privacy_api_fail(t, NGX_HTTP_BAD_REQUEST, s.error);
            ngx_http_privacy_rj_subject_free(&s);
            return;
        }

        memcpy(t->id, s.external_id.data, s.external_id.len);
        t->id_len = s.external_id.len;
        break;

    case NGX_HTTP_PRIVACY_API_ACTIVITY:
    case NGX_HTTP_PRIVACY_API_END:
        if (ngx_http_privacy_rj_event(body, t->body_len,
                                      t->op == NGX_HTTP_PRIVACY_API_END, &ev)
            != 0)
        {
            ngx_http_privacy_api_fail(t, NGX_HTTP_BAD_REQUEST, ev.error);
            return;
        }

        if (ev.at.state != NGX_HTTP_PRIVACY_RJ_VALUE) {
            ev.at.t = t->now;
        }

        break;

    case NGX_HTTP_PRIVACY_API_ORDER:
        if (ngx_http_privacy_rj_order(body, t->body_len, &order, &root,
                                      ev.error)
            != 0)
        {
            ngx_http_privacy_api_fail(t, NGX_HTTP_BAD_REQUEST, ev.error);
            ngx_http_privacy_rj_order_free(&order, root);
            return;
        }

        break;

    case NGX_HTTP_PRIVACY_API_RECORD:
        if (ngx_http_privacy_rj_record(body, t->body_len, &rec) != 0) {
            ngx_http_privacy_api_fail(t, NGX_HTTP_BAD_REQUEST, rec.error);
            ngx_http_privacy_rj_record_free(&rec);
            return;
        }

        break;

    default:
        break;
    }

    if (t->op == NGX_HTTP_PRIVACY_API_VERIFY) {
        if (ngx_http_privacy_rdb_audit_verify(rdb, &entries, &broken)
            != NGX_HTTP_PRIVACY_RDB_OK)
        {
            ngx_http_privacy_api_fail(t, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "the register is unavailable");
            return;
        }

        o = json_pack("{s:b, s:I}", "ok", broken == 0, "entries",
                      (json_int_t) entries);

        if (broken) {
            json_object_set_new(o, "first_broken", json_integer(broken));
        }

        ngx_http_privacy_api_answer(t, NGX_HTTP_OK, o);
        return;
    }

    if (ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK) {
        rc = NGX_HTTP_PRIVACY_RDB_ERROR;
        goto done;
    }

    switch (t->op) {

    case NGX_HTTP_PRIVACY_API_UPSERT:
        rc = ngx_http_privacy_rdb_upsert(rdb, &s, t->now, "api");
        ngx_http_privacy_rj_subject_free(&s);
        break;

    case NGX_HTTP_PRIVACY_API_ACTIVITY:
        rc = ngx_http_privacy_rdb_activity(rdb, id, t->id_len, ev.at.t,
                                           t->now);
        break;

    case NGX_HTTP_PRIVACY_API_END:
        rc = ngx_http_privacy_rdb_end(rdb, id, t->id_len, ev.kinds, ev.at.t,
                                      t->now);
        break;

    case NGX_HTTP_PRIVACY_API_ORDER:
        rc = ngx_http_privacy_rdb_order(rdb, id, t->id_len, &order, t->now);
        ngx_http_privacy_rj_order_free(&order, root);
        break;

    case NGX_HTTP_PRIVACY_API_RECORD:
        rc = ngx_http_privacy_rdb_record(rdb, &rec, t->now);
        ngx_http_privacy_rj_record_free(&rec);

        if (rc == NGX_HTTP_PRIVACY_RDB_OK) {
            o = json_pack("{s:b}", "ok", 1);
        }

        break;

    default: /* NGX_HTTP_PRIVACY_API_GET */
        rc = ngx_http_privacy_rdb_get(rdb, id, t->id_len, &o);

        if (rc == NGX_HTTP_PRIVACY_RDB_OK) {
            char  sid[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];

            ngx_cpystrn((u_char *) sid,
                        (u_char *) json_string_value(
                                       json_object_get(o, "subject_id")),
                        sizeof(sid));
            rc = ngx_http_privacy_rdb_audit(rdb, "api", "subject.read", sid,
                                            t->now);
        }

        break;
    }

    /* the subject as it now is, read inside the same transaction */
    if ((rc == NGX_HTTP_PRIVACY_RDB_OK || rc == NGX_HTTP_PRIVACY_RDB_CREATED)
        && o == NULL)
    {
        err = ngx_http_privacy_rdb_get(rdb, id, t->id_len, &o);
    }

    if ((rc == NGX_HTTP_PRIVACY_RDB_OK || rc == NGX_HTTP_PRIVACY_RDB_CREATED)
        && err == NGX_HTTP_PRIVACY_RDB_OK
        && ngx_http_privacy_rdb_commit(rdb) == SQLITE_OK)
    {
        ngx_http_privacy_api_answer(t, rc == NGX_HTTP_PRIVACY_RDB_CREATED
                                       ? NGX_HTTP_CREATED : NGX_HTTP_OK, o);
        return;
    }

    if (o) {
        json_decref(o);
    }

    if (err != 0) {
        rc = err;
    }

done:

    ngx_http_privacy_rdb_rollback(rdb);

    switch (rc) {

    case NGX_HTTP_PRIVACY_RDB_NOT_FOUND:
        ngx_http_privacy_api_fail(t, NGX_HTTP_NOT_FOUND, "no such subject");
        break;

    case NGX_HTTP_PRIVACY_RDB_CONFLICT:
        ngx_http_privacy_api_fail(t, NGX_HTTP_CONFLICT,
                                  "order_id belongs to another subject");
        break;

    default:
        snprintf(t->log, sizeof(t->log), "register write failed: %s",
                 sqlite3_errmsg(ngx_http_privacy_rdb_handle(rdb)));
        ngx_http_privacy_api_fail(t, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "the register is unavailable; nothing "
                                  "was written");
        break;
    }
}


/*
 * NDJSON, one subject per line.  Each line is decoded in full before it
 * touches the database, and applied under a savepoint, so a bad line is
 * skipped whole; lines commit in batches.  A database failure stops the
 * import: the batches before it stay, the answer says how many lines.
 */

static void
ngx_http_privacy_api_import(ngx_http_privacy_api_task_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body)
{
    int                            rc;
    char                           line_buf[64], *msg;
    u_char                        *p, *last, *nl;
    size_t                         line, in_batch;
    json_t                        *e;
    ngx_uint_t                     created, updated, failed, committed;
    ngx_http_privacy_api_buf_t     b;
    ngx_http_privacy_rj_subject_t  s;

    ngx_memzero(&b, sizeof(b));
    ngx_http_privacy_api_append(&b, "{\"results\":[", 12);

    p = body;
    last = body + t->body_len;
    line = 0;
    in_batch = 0;
    created = updated = failed = committed = 0;
    rc = NGX_HTTP_PRIVACY_RDB_OK;

    while (p < last) {
        nl = memchr(p, '\n', last - p);
        if (nl == NULL) {
            nl = last;
        }

        line++;

        if (nl == p || (nl - p == 1 && *p == '\r')) {
            p = nl + 1;
            continue;
        }

        msg = NULL;

        if (ngx_http_privacy_rj_subject(p, nl - p, 1, &t->today, &s) != 0) {
            msg = s.error;

        } else {
            if (in_batch == 0 && ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK)
            {
                ngx_http_privacy_rj_subject_free(&s);
                rc = NGX_HTTP_PRIVACY_RDB_ERROR;
                break;
            }

            in_batch++;

            if (ngx_http_privacy_rdb_savepoint(rdb) != SQLITE_OK) {
                ngx_http_privacy_rj_subject_free(&s);
                rc = NGX_HTTP_PRIVACY_RDB_ERROR;
                break;
            }

            rc = ngx_http_privacy_rdb_upsert(rdb, &s, t->now, "api");

            if (rc == NGX_HTTP_PRIVACY_RDB_ERROR) {
                ngx_http_privacy_rj_subject_free(&s);
                break;
            }

            ngx_http_privacy_rdb_release(rdb,
                                         rc == NGX_HTTP_PRIVACY_RDB_CONFLICT);

            if (rc == NGX_HTTP_PRIVACY_RDB_CONFLICT) {
                msg = "order_id belongs to another subject";
            }
        }

        if (b.len > 12) {
            ngx_http_privacy_api_append(&b, ",", 1);
        }

        if (msg) {
            failed++;
            e = json_pack("{s:I, s:i, s:s}", "line", (json_int_t) line,
                          "status", 400, "error", msg);
            msg = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER)
                    : NULL;

            if (msg) {
                ngx_http_privacy_api_append(&b, msg, strlen(msg));
                free(msg);
            }

            if (e) {
                json_decref(e);
            }

        } else {
            /* external_id's characters need no escaping in JSON */
            snprintf(line_buf, sizeof(line_buf),
                     "{\"line\":%zu,\"status\":%d,\"external_id\":\"", line,
                     rc == NGX_HTTP_PRIVACY_RDB_CREATED ? 201 : 200);
            ngx_http_privacy_api_append(&b, line_buf, strlen(line_buf));
            ngx_http_privacy_api_append(&b, s.external_id.data,
                                        s.external_id.len);
            ngx_http_privacy_api_append(&b, "\"}", 2);

            if (rc == NGX_HTTP_PRIVACY_RDB_CREATED) {
                created++;

            } else {
                updated++;
            }
        }

        ngx_http_privacy_rj_subject_free(&s);
        rc = NGX_HTTP_PRIVACY_RDB_OK;

        if (in_batch >= NGX_HTTP_PRIVACY_API_BATCH) {
            if (ngx_http_privacy_rdb_commit(rdb) != SQLITE_OK) {
                rc = NGX_HTTP_PRIVACY_RDB_ERROR;
                break;
            }

            committed = line;
            in_batch = 0;
        }

        p = nl + 1;
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

        ngx_memzero(&b, sizeof(b));
        snprintf(line_buf, sizeof(line_buf), "{\"error\":\"the register is "
                 "unavailable\",\"lines_committed\":%zu}\n",
                 (size_t) committed);
        ngx_http_privacy_api_append(&b, line_buf, strlen(line_buf));
        t->status = NGX_HTTP_SERVICE_UNAVAILABLE;

    } else {
        snprintf(line_buf, sizeof(line_buf), "],\"lines\":%zu,\"created\":",
                 line);
        ngx_http_privacy_api_append(&b, line_buf, strlen(line_buf));
        snprintf(line_buf, sizeof(line_buf), "%zu,\"updated\":%zu,"
                 "\"failed\":%zu}\n", (size_t) created, (size_t) updated,
                 (size_t) failed);
        ngx_http_privacy_api_append(&b, line_buf, strlen(line_buf));
        t->status = NGX_HTTP_OK;
    }

    if (b.failed) {
        free(b.data);
        b.data = NULL;
    }

    t->out = b.data;
    t->out_len = b.len;
}


static void
ngx_http_privacy_api_answer(ngx_http_privacy_api_task_t *t,
    ngx_uint_t status, json_t *o)
{
    t->status = status;
    t->out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    t->out_len = t->out ? strlen(t->out) : 0;

    if (o) {
        json_decref(o);
    }
}


static void
ngx_http_privacy_api_fail(ngx_http_privacy_api_task_t *t, ngx_uint_t status,
    const char *message)
{
    ngx_http_privacy_api_answer(t, status,
                                json_pack("{s:s}", "error", message));
}


static void
ngx_http_privacy_api_append(ngx_http_privacy_api_buf_t *b, const char *s,
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

    memcpy(b->data + b->len, s, len);
    b->len += len;
}
