/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The register API's operations; see the header and docs/api.md.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_register_events.h"
#include "ngx_http_privacy_register_import.h"
#include "ngx_http_privacy_register_ops.h"


static void ngx_http_privacy_rop_answer(ngx_http_privacy_rop_t *t,
    unsigned status, json_t *o);


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
        ngx_http_privacy_rim_run(t, rdb, body);
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
        rc = ngx_http_privacy_rdb_upsert(rdb, &s, NULL, t->now, "api");
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
