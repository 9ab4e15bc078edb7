/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The audit log's HMAC chain; see the header.
 */


#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_audit.h"


struct ngx_http_privacy_audit_s {
    sqlite3       *db;
    sqlite3_stmt  *last;
    sqlite3_stmt  *anchor;
    sqlite3_stmt  *insert;

    /*
     * The row this connection appended last, while its write transaction
     * is open: no other connection can append meanwhile, so the next row
     * chains to it without reading it back (an import appends one row per
     * subject).  Any commit or rollback forgets it.
     */
    int64_t        head_id;
    u_char         head_mac[NGX_HTTP_PRIVACY_MAC_LEN];
    unsigned       head_valid;
};


static int ngx_http_privacy_audit_range(sqlite3 *db,
    ngx_http_privacy_mac_t *mac, int64_t from, const u_char *prev,
    int64_t limit, int64_t *checked, int64_t *broken, u_char *last);
static int ngx_http_privacy_audit_checks(sqlite3 *db,
    ngx_http_privacy_mac_t *mac, ngx_http_privacy_audit_state_t *st,
    int64_t budget, int64_t now, ngx_http_privacy_audit_check_t *res);
static int ngx_http_privacy_audit_row_mac(sqlite3 *db, int64_t id,
    u_char *out);
static size_t ngx_http_privacy_audit_put(u_char *p, size_t room,
    const char *s);
static void ngx_http_privacy_audit_be64(u_char *p, int64_t v);
static int ngx_http_privacy_audit_commit_hook(void *data);
static void ngx_http_privacy_audit_rollback_hook(void *data);


int
ngx_http_privacy_audit_mac(ngx_http_privacy_mac_t *mac,
    const u_char prev[NGX_HTTP_PRIVACY_MAC_LEN], int64_t id, int64_t ts,
    const char *actor, const char *action, const char *subject_id,
    u_char out[NGX_HTTP_PRIVACY_MAC_LEN])
{
    u_char  buf[NGX_HTTP_PRIVACY_MAC_LEN + 16 + 3 * (4 + 128)], *p;
    size_t  n;

    /* length-prefixed fields: no two different rows read the same */
    p = buf;
    memcpy(p, prev, NGX_HTTP_PRIVACY_MAC_LEN);
    p += NGX_HTTP_PRIVACY_MAC_LEN;
    ngx_http_privacy_audit_be64(p, id);
    ngx_http_privacy_audit_be64(p + 8, ts);
    p += 16;

    n = buf + sizeof(buf) - p;
    p += ngx_http_privacy_audit_put(p, n, actor);
    n = buf + sizeof(buf) - p;
    p += ngx_http_privacy_audit_put(p, n, action);
    n = buf + sizeof(buf) - p;
    p += ngx_http_privacy_audit_put(p, n, subject_id);

    return ngx_http_privacy_mac_compute(mac, buf, p - buf, out);
}


ngx_http_privacy_audit_t *
ngx_http_privacy_audit_open(sqlite3 *db)
{
    ngx_http_privacy_audit_t  *a;

    a = calloc(1, sizeof(ngx_http_privacy_audit_t));
    if (a == NULL) {
        return NULL;
    }

    /* the newest row by rowid is one b-tree step, not a scan */
    if (sqlite3_prepare_v3(db, "SELECT id, mac FROM audit_log"
                               " ORDER BY id DESC LIMIT 1", -1,
                           SQLITE_PREPARE_PERSISTENT, &a->last, NULL)
            != SQLITE_OK
        || sqlite3_prepare_v3(db, "SELECT last_id, mac FROM audit_anchor",
                              -1, SQLITE_PREPARE_PERSISTENT, &a->anchor,
                              NULL)
           != SQLITE_OK
        || sqlite3_prepare_v3(db, "INSERT INTO audit_log (id, ts, actor,"
                                  " action, subject_id, mac)"
                                  " VALUES (?, ?, ?, ?, ?, ?)", -1,
                              SQLITE_PREPARE_PERSISTENT, &a->insert, NULL)
           != SQLITE_OK)
    {
        ngx_http_privacy_audit_close(a);
        return NULL;
    }

    a->db = db;
    sqlite3_commit_hook(db, ngx_http_privacy_audit_commit_hook, a);
    sqlite3_rollback_hook(db, ngx_http_privacy_audit_rollback_hook, a);

    return a;
}


void
ngx_http_privacy_audit_close(ngx_http_privacy_audit_t *a)
{
    if (a) {
        if (a->db) {
            sqlite3_commit_hook(a->db, NULL, NULL);
            sqlite3_rollback_hook(a->db, NULL, NULL);
        }

        sqlite3_finalize(a->last);
        sqlite3_finalize(a->anchor);
        sqlite3_finalize(a->insert);
        free(a);
    }
}


int
ngx_http_privacy_audit_append(ngx_http_privacy_audit_t *a,
    ngx_http_privacy_mac_t *mac, int64_t ts, const char *actor,
    const char *action, const char *subject_id)
{
    int            rc, i;
    u_char         prev[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char         out[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t        id;
    sqlite3_stmt  *st;

    memset(prev, 0, sizeof(prev));
    id = 1;

    if (a->head_valid) {
        id = a->head_id + 1;
        memcpy(prev, a->head_mac, NGX_HTTP_PRIVACY_MAC_LEN);
        goto chained;
    }

    /* the newest row, else the anchor left by a sweep of old rows */
    for (i = 0; i < 2; i++) {
        st = i ? a->anchor : a->last;

        rc = sqlite3_step(st);

        if (rc == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0) + 1;

            if (sqlite3_column_bytes(st, 1) == NGX_HTTP_PRIVACY_MAC_LEN) {
                memcpy(prev, sqlite3_column_blob(st, 1),
                       NGX_HTTP_PRIVACY_MAC_LEN);
            }
        }

        sqlite3_reset(st);

        if (rc == SQLITE_ROW) {
            break;
        }

        if (rc != SQLITE_DONE) {
            return rc;
        }
    }

chained:

    a->head_valid = 0;

    if (ngx_http_privacy_audit_mac(mac, prev, id, ts, actor, action,
                                   subject_id, out)
        != 0)
    {
        return SQLITE_ERROR;
    }

    st = a->insert;

    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ts);
    sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);

    if (subject_id) {
        sqlite3_bind_text(st, 5, subject_id, -1, SQLITE_STATIC);

    } else {
        sqlite3_bind_null(st, 5);
    }

    sqlite3_bind_blob(st, 6, out, sizeof(out), SQLITE_STATIC);

    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);

    if (rc != SQLITE_DONE) {
        return rc;
    }

    a->head_id = id;
    memcpy(a->head_mac, out, NGX_HTTP_PRIVACY_MAC_LEN);
    a->head_valid = 1;

    return SQLITE_OK;
}


int
ngx_http_privacy_audit_verify(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_audit_result_t *res)
{
    int            rc;
    u_char         prev[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char         out[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t        id, next;
    sqlite3_stmt  *st;

    res->entries = 0;
    res->first_broken = 0;

    memset(prev, 0, sizeof(prev));
    next = 1;

    rc = sqlite3_prepare_v2(db, "SELECT last_id, mac FROM audit_anchor", -1,
                            &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    if (sqlite3_step(st) == SQLITE_ROW
        && sqlite3_column_bytes(st, 1) == NGX_HTTP_PRIVACY_MAC_LEN)
    {
        next = sqlite3_column_int64(st, 0) + 1;
        memcpy(prev, sqlite3_column_blob(st, 1), NGX_HTTP_PRIVACY_MAC_LEN);
    }

    sqlite3_finalize(st);

    rc = sqlite3_prepare_v2(db, "SELECT id, ts, actor, action, subject_id,"
                                " mac FROM audit_log ORDER BY id", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        res->entries++;

        /* ids are consecutive: a removed row is a gap */
        if (id != next
            || ngx_http_privacy_audit_mac(mac, prev, id,
                   sqlite3_column_int64(st, 1),
                   (const char *) sqlite3_column_text(st, 2),
                   (const char *) sqlite3_column_text(st, 3),
                   (const char *) sqlite3_column_text(st, 4), out)
               != 0
            || sqlite3_column_bytes(st, 5) != NGX_HTTP_PRIVACY_MAC_LEN
            || !ngx_http_privacy_ct_equal(out, sqlite3_column_blob(st, 5),
                                          NGX_HTTP_PRIVACY_MAC_LEN))
        {
            res->first_broken = id;
            break;
        }

        memcpy(prev, out, sizeof(prev));
        next = id + 1;
    }

    sqlite3_finalize(st);

    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
}


int
ngx_http_privacy_audit_check(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_audit_state_t *st, int64_t budget, int64_t now,
    ngx_http_privacy_audit_check_t *res)
{
    int  rc, own;

    memset(res, 0, sizeof(*res));

    /* one snapshot: the writers append meanwhile */
    own = sqlite3_get_autocommit(db);

    if (own) {
        rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            return rc;
        }
    }

    rc = ngx_http_privacy_audit_checks(db, mac, st, budget, now, res);

    if (own) {
        (void) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }

    return rc;
}


static int
ngx_http_privacy_audit_checks(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    ngx_http_privacy_audit_state_t *st, int64_t budget, int64_t now,
    ngx_http_privacy_audit_check_t *res)
{
    int            rc;
    u_char         anchor_mac[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char         prev[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char         last[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t        anchor, newest, n, broken, limit;
    sqlite3_stmt  *q;

    memset(anchor_mac, 0, sizeof(anchor_mac));
    anchor = 0;

    rc = sqlite3_prepare_v2(db, "SELECT last_id, mac FROM audit_anchor", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    if (sqlite3_step(q) == SQLITE_ROW
        && sqlite3_column_bytes(q, 1) == NGX_HTTP_PRIVACY_MAC_LEN)
    {
        anchor = sqlite3_column_int64(q, 0);
        memcpy(anchor_mac, sqlite3_column_blob(q, 1), sizeof(anchor_mac));
    }

    sqlite3_finalize(q);

    /* the newest row by rowid: one b-tree step */
    rc = sqlite3_prepare_v2(db, "SELECT max(id) FROM audit_log", -1, &q,
                            NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    newest = (sqlite3_step(q) == SQLITE_ROW) ? sqlite3_column_int64(q, 0)
                                              : 0;
    sqlite3_finalize(q);

    if (newest < anchor) {
        newest = anchor;
    }

    if (!st->started || st->head_id < anchor) {
        /* new, or a sweep took every row checked: the whole chain */
        memset(st, 0, sizeof(*st));
        st->started = 1;
        st->head_id = anchor;
        memcpy(st->head_mac, anchor_mac, sizeof(anchor_mac));

    } else if (st->cursor && st->cursor <= anchor) {
        /* a sweep removed rows the round had still to check */
        st->cursor = anchor + 1;
    }

    st->anchor_id = anchor;
    res->entries = newest - anchor;
    res->full_at = st->full_at;

    /* the row the head ends at is still there, unchanged (or truncated) */
    if (st->head_id > anchor) {
        rc = ngx_http_privacy_audit_row_mac(db, st->head_id, last);

        if (rc == SQLITE_DONE
            || (rc == SQLITE_ROW
                && !ngx_http_privacy_ct_equal(last, st->head_mac,
                                              sizeof(last))))
        {
            res->first_broken = st->head_id;
            res->through = st->head_id - 1;
            return SQLITE_OK;
        }

        if (rc != SQLITE_ROW) {
            return rc;
        }
    }

    /* the rows appended since, chained to the MAC held in memory */
    if (newest > st->head_id) {
        rc = ngx_http_privacy_audit_range(db, mac, st->head_id + 1,
                                          st->head_mac, budget, &n, &broken,
                                          last);
        if (rc != SQLITE_OK) {
            return rc;
        }

        res->checked += n;
        budget -= n;

        if (broken) {
            res->first_broken = broken;
            res->through = broken - 1;
            return SQLITE_OK;
        }

        st->head_id += n;
        memcpy(st->head_mac, last, sizeof(last));
    }

    res->through = st->head_id;

    if (!st->caught_up) {
        if (st->head_id < newest) {
            /* the first pass goes on at the next call */
            return SQLITE_OK;
        }

        /* the first pass, in order from the anchor, is complete */
        st->caught_up = 1;
        st->full_at = now;
        res->full_at = now;
        return SQLITE_OK;
    }

    /* the round through the older rows, each against the row before */
    if (budget <= 0 || st->head_id <= anchor) {
        return SQLITE_OK;
    }

    if (st->cursor == 0) {
        st->cursor = anchor + 1;
    }

    if (st->cursor - 1 == anchor) {
        memcpy(prev, anchor_mac, sizeof(prev));

    } else {
        rc = ngx_http_privacy_audit_row_mac(db, st->cursor - 1, prev);

        if (rc == SQLITE_DONE) {
            /* removed: the row after the gap is the first broken one */
            res->first_broken = st->cursor;
            return SQLITE_OK;
        }

        if (rc != SQLITE_ROW) {
            return rc;
        }
    }

    limit = st->head_id - st->cursor + 1;

    if (limit > budget) {
        limit = budget;
    }

    rc = ngx_http_privacy_audit_range(db, mac, st->cursor, prev, limit, &n,
                                      &broken, last);
    if (rc != SQLITE_OK) {
        return rc;
    }

    res->checked += n;

    if (broken) {
        /* the round stays where it is: the next call finds it again */
        res->first_broken = broken;
        return SQLITE_OK;
    }

    st->cursor += n;

    if (st->cursor > st->head_id) {
        st->cursor = 0;
        st->full_at = now;
        res->full_at = now;
    }

    return SQLITE_OK;
}


/*
 * Checks up to limit rows from id from on, chained from prev: *checked
 * rows, *broken the first bad one (a gap names the row after it, a
 * missing row from the first expected one) or 0, last the MAC of the
 * last good row.
 */

static int
ngx_http_privacy_audit_range(sqlite3 *db, ngx_http_privacy_mac_t *mac,
    int64_t from, const u_char *prev, int64_t limit, int64_t *checked,
    int64_t *broken, u_char *last)
{
    int            rc;
    u_char         out[NGX_HTTP_PRIVACY_MAC_LEN];
    int64_t        id, next;
    sqlite3_stmt  *st;

    *checked = 0;
    *broken = 0;
    memcpy(last, prev, NGX_HTTP_PRIVACY_MAC_LEN);

    rc = sqlite3_prepare_v2(db, "SELECT id, ts, actor, action, subject_id,"
                                " mac FROM audit_log WHERE id >= ?1"
                                " ORDER BY id LIMIT ?2", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, limit);

    next = from;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);

        if (id != next
            || ngx_http_privacy_audit_mac(mac, last, id,
                   sqlite3_column_int64(st, 1),
                   (const char *) sqlite3_column_text(st, 2),
                   (const char *) sqlite3_column_text(st, 3),
                   (const char *) sqlite3_column_text(st, 4), out)
               != 0
            || sqlite3_column_bytes(st, 5) != NGX_HTTP_PRIVACY_MAC_LEN
            || !ngx_http_privacy_ct_equal(out, sqlite3_column_blob(st, 5),
                                          NGX_HTTP_PRIVACY_MAC_LEN))
        {
            *broken = id;
            break;
        }

        memcpy(last, out, NGX_HTTP_PRIVACY_MAC_LEN);
        (*checked)++;
        next = id + 1;
    }

    sqlite3_finalize(st);

    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
}


/* SQLITE_ROW and out, SQLITE_DONE if the row is gone, or an error */

static int
ngx_http_privacy_audit_row_mac(sqlite3 *db, int64_t id, u_char *out)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, "SELECT mac FROM audit_log WHERE id = ?1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    sqlite3_bind_int64(st, 1, id);

    rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) == NGX_HTTP_PRIVACY_MAC_LEN) {
            memcpy(out, sqlite3_column_blob(st, 0), NGX_HTTP_PRIVACY_MAC_LEN);

        } else {
            /* no MAC of the right size: nothing can match it */
            memset(out, 0, NGX_HTTP_PRIVACY_MAC_LEN);
            out[0] = 1;
        }
    }

    sqlite3_finalize(st);

    return rc;
}


static size_t
ngx_http_privacy_audit_put(u_char *p, size_t room, const char *s)
{
    size_t  n;

    n = s ? strlen(s) : 0;

    if (n > 128 || n + 4 > room) {
        n = 0;
    }

    p[0] = (u_char) (n >> 24);
    p[1] = (u_char) (n >> 16);
    p[2] = (u_char) (n >> 8);
    p[3] = (u_char) n;

    if (n) {
        memcpy(p + 4, s, n);
    }

    return n + 4;
}


static void
ngx_http_privacy_audit_be64(u_char *p, int64_t v)
{
    int       i;
    uint64_t  u;

    u = (uint64_t) v;

    for (i = 7; i >= 0; i--) {
        p[i] = (u_char) u;
        u >>= 8;
    }
}


/* the transaction ends: another connection may append next */

static int
ngx_http_privacy_audit_commit_hook(void *data)
{
    ngx_http_privacy_audit_t *a = data;

    a->head_valid = 0;

    return 0;
}


static void
ngx_http_privacy_audit_rollback_hook(void *data)
{
    ngx_http_privacy_audit_t *a = data;

    a->head_valid = 0;
}
