/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's operations; see the header and docs/api.md.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_register_ops.h"


/* the import's answer, grown with realloc */
typedef struct {
    char                                *data;
    size_t                               len;
    size_t                               size;
    int                                  failed;
} ngx_http_privacy_rop_buf_t;


static void ngx_http_privacy_rop_import(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body);
static void ngx_http_privacy_rop_answer(ngx_http_privacy_rop_t *t,
    unsigned status, json_t *o);
static void ngx_http_privacy_rop_append(ngx_http_privacy_rop_buf_t *b,
    const char *s, size_t len);


void
ngx_http_privacy_rop_run(ngx_http_privacy_rop_t *t,
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

    if (t->op == NGX_HTTP_PRIVACY_ROP_IMPORT) {
        ngx_http_privacy_rop_import(t, rdb, body);
        return;
    }

    if (t->op == NGX_HTTP_PRIVACY_ROP_HOLD
        || t->op == NGX_HTTP_PRIVACY_ROP_RELEASE)
    {
        ngx_http_privacy_rop_hold(t, rdb, body);
        return;
    }

    id = (char *) t->id;
    o = NULL;
    root = NULL;
    err = 0;

    /* decode first: a refused body never opens a transaction */
    switch (t->op) {

    case NGX_HTTP_PRIVACY_ROP_UPSERT:
        if (ngx_http_privacy_rj_subject(body, t->body_len, 0, &t->today, &s)
            != 0)
        {
            ngx_http_privacy_rop_fail(t, 400, s.error);
            ngx_http_privacy_rj_subject_free(&s);
            return;
        }

        memcpy(t->id, s.external_id.data, s.external_id.len);
        t->id_len = s.external_id.len;
        break;

    case NGX_HTTP_PRIVACY_ROP_ACTIVITY:
    case NGX_HTTP_PRIVACY_ROP_END:
        if (ngx_http_privacy_rj_event(body, t->body_len,
                                      t->op == NGX_HTTP_PRIVACY_ROP_END, &ev)
            != 0)
        {
            ngx_http_privacy_rop_fail(t, 400, ev.error);
            return;
        }

        if (ev.at.state != NGX_HTTP_PRIVACY_RJ_VALUE) {
            ev.at.t = t->now;
        }

        break;

    case NGX_HTTP_PRIVACY_ROP_ORDER:
        if (ngx_http_privacy_rj_order(body, t->body_len, &order, &root,
                                      ev.error)
            != 0)
        {
            ngx_http_privacy_rop_fail(t, 400, ev.error);
            ngx_http_privacy_rj_order_free(&order, root);
            return;
        }

        break;

    case NGX_HTTP_PRIVACY_ROP_RECORD:
        if (ngx_http_privacy_rj_record(body, t->body_len, &rec) != 0) {
            ngx_http_privacy_rop_fail(t, 400, rec.error);
            ngx_http_privacy_rj_record_free(&rec);
            return;
        }

        break;

    default:
        break;
    }

    if (t->op == NGX_HTTP_PRIVACY_ROP_VERIFY) {
        if (ngx_http_privacy_rdb_audit_verify(rdb, &entries, &broken)
            != NGX_HTTP_PRIVACY_RDB_OK)
        {
            ngx_http_privacy_rop_fail(t, 503,
                                      "the register is unavailable");
            return;
        }

        o = json_pack("{s:b, s:I}", "ok", broken == 0, "entries",
                      (json_int_t) entries);

        if (broken) {
            json_object_set_new(o, "first_broken", json_integer(broken));
        }

        ngx_http_privacy_rop_answer(t, 200, o);
        return;
    }

    if (ngx_http_privacy_rdb_begin(rdb) != SQLITE_OK) {
        rc = NGX_HTTP_PRIVACY_RDB_ERROR;
        goto done;
    }

    switch (t->op) {

    case NGX_HTTP_PRIVACY_ROP_UPSERT:
        rc = ngx_http_privacy_rdb_upsert(rdb, &s, t->now, "api");
        ngx_http_privacy_rj_subject_free(&s);
        break;

    case NGX_HTTP_PRIVACY_ROP_ACTIVITY:
        rc = ngx_http_privacy_rdb_activity(rdb, id, t->id_len, ev.at.t,
                                           t->now);
        break;

    case NGX_HTTP_PRIVACY_ROP_END:
        rc = ngx_http_privacy_rdb_end(rdb, id, t->id_len, ev.kinds, ev.at.t,
                                      t->now);
        break;

    case NGX_HTTP_PRIVACY_ROP_ORDER:
        rc = ngx_http_privacy_rdb_order(rdb, id, t->id_len, &order, t->now);
        ngx_http_privacy_rj_order_free(&order, root);
        break;

    case NGX_HTTP_PRIVACY_ROP_RECORD:
        rc = ngx_http_privacy_rdb_record(rdb, &rec, t->now);
        ngx_http_privacy_rj_record_free(&rec);

        if (rc == NGX_HTTP_PRIVACY_RDB_OK) {
            o = json_pack("{s:b}", "ok", 1);
        }

        break;

    default: /* NGX_HTTP_PRIVACY_ROP_GET */
        rc = ngx_http_privacy_rdb_get(rdb, id, t->id_len, &o);

        if (rc == NGX_HTTP_PRIVACY_RDB_OK) {
            char  sid[NGX_HTTP_PRIVACY_SUBJECT_ID_LEN + 1];

            snprintf(sid, sizeof(sid), "%s", json_string_value(
                                                 json_object_get(o,
                                                     "subject_id")));
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
        ngx_http_privacy_rop_answer(t, rc == NGX_HTTP_PRIVACY_RDB_CREATED
                                       ? 201 : 200, o);
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
        ngx_http_privacy_rop_fail(t, 404, "no such subject");
        break;

    case NGX_HTTP_PRIVACY_RDB_CONFLICT:
        ngx_http_privacy_rop_fail(t, 409,
                                  "order_id belongs to another subject");
        break;

    default:
        snprintf(t->log, sizeof(t->log), "register write failed: %s",
                 sqlite3_errmsg(ngx_http_privacy_rdb_handle(rdb)));
        ngx_http_privacy_rop_fail(t, 503,
                                  "the register is unavailable; nothing "
                                  "was written");
        break;
    }
}


/*
 * NDJSON, one subject per line.  Each line is decoded in full before it
 * touches the database, and the upsert refuses a conflict before it
 * writes, so a bad line is skipped whole without a savepoint (whose page
 * copies cost ~10 % of an import); lines commit in batches.  A database
 * failure stops the import and rolls back its batch: the batches before
 * it stay, the answer says how many lines.
 */

static void
ngx_http_privacy_rop_import(ngx_http_privacy_rop_t *t,
    ngx_http_privacy_rdb_t *rdb, u_char *body)
{
    int                            rc;
    char                           line_buf[64], *msg;
    u_char                        *p, *last, *nl;
    size_t                         line, in_batch;
    json_t                        *e;
    size_t                         created, updated, failed, committed;
    ngx_http_privacy_rop_buf_t     b;
    ngx_http_privacy_rj_subject_t  s;

    memset(&b, 0, sizeof(b));
    ngx_http_privacy_rop_append(&b, "{\"results\":[", 12);

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

            rc = ngx_http_privacy_rdb_upsert(rdb, &s, t->now, "api");

            if (rc == NGX_HTTP_PRIVACY_RDB_ERROR) {
                ngx_http_privacy_rj_subject_free(&s);
                break;
            }

            if (rc == NGX_HTTP_PRIVACY_RDB_CONFLICT) {
                msg = "order_id belongs to another subject";
            }
        }

        if (b.len > 12) {
            ngx_http_privacy_rop_append(&b, ",", 1);
        }

        if (msg) {
            failed++;
            e = json_pack("{s:I, s:i, s:s}", "line", (json_int_t) line,
                          "status", 400, "error", msg);
            msg = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER)
                    : NULL;

            if (msg) {
                ngx_http_privacy_rop_append(&b, msg, strlen(msg));
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
            ngx_http_privacy_rop_append(&b, line_buf, strlen(line_buf));
            ngx_http_privacy_rop_append(&b, s.external_id.data,
                                        s.external_id.len);
            ngx_http_privacy_rop_append(&b, "\"}", 2);

            if (rc == NGX_HTTP_PRIVACY_RDB_CREATED) {
                created++;

            } else {
                updated++;
            }
        }

        ngx_http_privacy_rj_subject_free(&s);
        rc = NGX_HTTP_PRIVACY_RDB_OK;

        if (in_batch >= NGX_HTTP_PRIVACY_ROP_BATCH) {
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

        memset(&b, 0, sizeof(b));
        snprintf(line_buf, sizeof(line_buf), "{\"error\":\"the register is "
                 "unavailable\",\"lines_committed\":%zu}\n",
                 (size_t) committed);
        ngx_http_privacy_rop_append(&b, line_buf, strlen(line_buf));
        t->status = 503;

    } else {
        snprintf(line_buf, sizeof(line_buf), "],\"lines\":%zu,\"created\":",
                 line);
        ngx_http_privacy_rop_append(&b, line_buf, strlen(line_buf));
        snprintf(line_buf, sizeof(line_buf), "%zu,\"updated\":%zu,"
                 "\"failed\":%zu}\n", (size_t) created, (size_t) updated,
                 (size_t) failed);
        ngx_http_privacy_rop_append(&b, line_buf, strlen(line_buf));
        t->status = 200;
    }

    if (b.failed) {
        free(b.data);
        b.data = NULL;
    }

    t->out = b.data;
    t->out_len = b.len;
}


static void
ngx_http_privacy_rop_answer(ngx_http_privacy_rop_t *t,
    unsigned status, json_t *o)
{
    t->status = status;
    t->out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    t->out_len = t->out ? strlen(t->out) : 0;

    if (o) {
        json_decref(o);
    }
}


void
ngx_http_privacy_rop_fail(ngx_http_privacy_rop_t *t, unsigned status,
    const char *message)
{
    ngx_http_privacy_rop_answer(t, status,
                                json_pack("{s:s}", "error", message));
}


static void
ngx_http_privacy_rop_append(ngx_http_privacy_rop_buf_t *b, const char *s,
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
