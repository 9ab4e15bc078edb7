/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The retention sweep of records held in other systems (docs/database.md,
 * "Retention sweeps"): chat transcripts, CCTV recordings, registered
 * through the register API (POST records) with the date their period
 * counts from.  The module cannot delete them: when one is past its
 * period, the sweep asks its owner through privacy_erase_command, a JSON
 * document on the command's stdin,
 *
 *     {"category": "chat", "references": ["chat/2024/1234", ...]}
 *
 * and the command's exit status 0 confirms that they are erased: the
 * rows go.  Until then they stay listed as due (records.erase_asked says
 * when the owner was last asked), and each sweep asks again, once.  A
 * record of a subject under a legal hold is not asked for (GDPR art.
 * 17(3)(e)); it is counted as kept under hold.
 *
 * When the command did not confirm, err says why and SQLITE_OK is
 * returned: the sweep goes on.
 *
 * Runs in a pool thread on the upkeep connection: the command runs
 * outside any transaction (it may take its time, up to the limit of
 * ngx_http_privacy_command.c), and what it confirmed is written in a short
 * one.  No nginx calls here.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ngx_http_privacy_command.h"
#include "ngx_http_privacy_sweep.h"


/* references per command: the JSON stays well under a megabyte */
#define NGX_HTTP_PRIVACY_ERASE_BATCH  500


/* ?1 cutoff, ?2 now, ?3 category; a hold ends when released or at until */
#define NGX_HTTP_PRIVACY_RECORDS_DUE                                          \
    " FROM records r WHERE r.category = ?3 AND r.erased IS NULL"              \
    " AND r.reference_date < ?1"

#define NGX_HTTP_PRIVACY_RECORDS_HELD                                         \
    " AND EXISTS (SELECT 1 FROM holds h WHERE h.subject = r.subject"          \
    " AND h.released IS NULL AND h.until > ?2)"

#define NGX_HTTP_PRIVACY_RECORDS_FREE                                         \
    " AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.subject = r.subject"      \
    " AND h.released IS NULL AND h.until > ?2)"


static int ngx_http_privacy_sweep_records_ask(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, sqlite3_stmt *pick,
    ngx_http_privacy_sweep_count_t *count, int *n, char *err,
    size_t err_len);
static int ngx_http_privacy_sweep_records_count(sqlite3 *db,
    const char *sql, const ngx_http_privacy_sweep_t *sw, sqlite3_int64 *n);
static int ngx_http_privacy_sweep_records_bind(sqlite3_stmt *st,
    const ngx_http_privacy_sweep_t *sw);


int
ngx_http_privacy_sweep_records(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len)
{
    int            rc, n, batches;
    sqlite3_int64  due, held;
    sqlite3_stmt  *pick;

    *more = 1;
    pick = NULL;

    if (sw->dry_run || sw->erase_command == NULL) {
        /*
         * a dry run, or no one to ask: the counts only (the DPO's report
         * lists them as not erased)
         */
        rc = ngx_http_privacy_sweep_records_count(db, "SELECT count(*)"
                 NGX_HTTP_PRIVACY_RECORDS_DUE, sw, &due);

        if (rc == SQLITE_OK) {
            rc = ngx_http_privacy_sweep_records_count(db, "SELECT count(*)"
                     NGX_HTTP_PRIVACY_RECORDS_DUE
                     NGX_HTTP_PRIVACY_RECORDS_HELD, sw, &held);
        }

        if (rc != SQLITE_OK) {
            goto failed;
        }

        count->examined += due;
        count->held += held;
        *more = 0;

        return SQLITE_OK;
    }

    /* not asked yet in this sweep (?5: its start), oldest first */
    rc = sqlite3_prepare_v2(db, "SELECT r.id, r.reference"
                                NGX_HTTP_PRIVACY_RECORDS_DUE
                                NGX_HTTP_PRIVACY_RECORDS_FREE
                                " AND (r.erase_asked IS NULL"
                                " OR r.erase_asked < ?5)"
                                " ORDER BY r.reference_date LIMIT ?4",
                            -1, &pick, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    ngx_http_privacy_sweep_records_bind(pick, sw);

    for (batches = 0; batches < sw->max_batches; batches++) {

        rc = ngx_http_privacy_sweep_records_ask(db, sw, pick, count, &n, err,
                                                err_len);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(pick);
            return rc;
        }

        if (n < NGX_HTTP_PRIVACY_ERASE_BATCH) {
            *more = 0;
            break;
        }
    }

    sqlite3_finalize(pick);
    pick = NULL;

    if (*more == 0) {
        /* what is left past its period and not asked for: held */
        rc = ngx_http_privacy_sweep_records_count(db, "SELECT count(*)"
                 NGX_HTTP_PRIVACY_RECORDS_DUE
                 NGX_HTTP_PRIVACY_RECORDS_HELD, sw, &held);
        if (rc != SQLITE_OK) {
            goto failed;
        }

        count->examined += held;
        count->held += held;
    }

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));
    sqlite3_finalize(pick);

    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}


/*
 * One command: a batch of references read, the owner asked, and the
 * answer written (confirmed: the rows go; else: asked, still due).
 */

static int
ngx_http_privacy_sweep_records_ask(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, sqlite3_stmt *pick,
    ngx_http_privacy_sweep_count_t *count, int *n, char *err, size_t err_len)
{
    int            rc, i, ok;
    char          *doc, why[256];
    json_t        *o, *refs;
    sqlite3_int64  ids[NGX_HTTP_PRIVACY_ERASE_BATCH];
    sqlite3_stmt  *up;

    *n = 0;
    up = NULL;

    o = json_object();
    refs = json_array();

    if (o == NULL || refs == NULL
        || json_object_set_new(o, "category",
               json_string(ngx_http_privacy_sweep_names[sw->category])) != 0)
    {
        json_decref(o);
        json_decref(refs);
        snprintf(err, err_len, "retention sweep: out of memory");
        return SQLITE_NOMEM;
    }

    (void) json_object_set_new(o, "references", refs);

    rc = SQLITE_DONE;

    while (*n < NGX_HTTP_PRIVACY_ERASE_BATCH
           && (rc = sqlite3_step(pick)) == SQLITE_ROW)
    {
        ids[*n] = sqlite3_column_int64(pick, 0);

        if (json_array_append_new(refs, json_stringn(
                (const char *) sqlite3_column_text(pick, 1),
                sqlite3_column_bytes(pick, 1))) != 0)
        {
            rc = SQLITE_NOMEM;
            break;
        }

        (*n)++;
    }

    sqlite3_reset(pick);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        json_decref(o);
        snprintf(err, err_len, "retention sweep failed: %s",
                 sqlite3_errmsg(db));
        return rc == SQLITE_OK ? SQLITE_ERROR : rc;
    }

    if (*n == 0) {
        json_decref(o);
        return SQLITE_OK;
    }

    doc = json_dumps(o, JSON_COMPACT);
    json_decref(o);

    if (doc == NULL) {
        snprintf(err, err_len, "retention sweep: out of memory");
        return SQLITE_NOMEM;
    }

    why[0] = '\0';
    ok = ngx_http_privacy_command_run("privacy_erase_command",
                                      sw->erase_command, doc, strlen(doc),
                                      why, sizeof(why)) == 0;
    free(doc);

    count->examined += *n;
    count->asked += *n;

    /* confirmed: the rows go; else they stay due, asked at now */
    rc = sqlite3_prepare_v2(db, ok ? "DELETE FROM records WHERE id = ?1"
                                   : "UPDATE records SET erase_asked = ?2"
                                     " WHERE id = ?1", -1, &up, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    for (i = 0; i < *n; i++) {
        sqlite3_bind_int64(up, 1, ids[i]);
        (void) sqlite3_bind_int64(up, 2, (sqlite3_int64) sw->now);

        rc = sqlite3_step(up);
        sqlite3_reset(up);

        if (rc != SQLITE_DONE) {
            goto failed;
        }
    }

    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        goto failed;
    }

    sqlite3_finalize(up);

    if (ok) {
        count->deleted += *n;

    } else {
        /* not a failure of the sweep: err says why, for the log */
        snprintf(err, err_len, "%s", why[0] ? why : "not confirmed");
    }

    return SQLITE_OK;

failed:

    snprintf(err, err_len, "retention sweep failed: %s", sqlite3_errmsg(db));

    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }

    sqlite3_finalize(up);

    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}


static int
ngx_http_privacy_sweep_records_count(sqlite3 *db, const char *sql,
    const ngx_http_privacy_sweep_t *sw, sqlite3_int64 *n)
{
    int            rc;
    sqlite3_stmt  *st;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }

    ngx_http_privacy_sweep_records_bind(st, sw);

    rc = sqlite3_step(st);
    *n = (rc == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);

    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}


static int
ngx_http_privacy_sweep_records_bind(sqlite3_stmt *st,
    const ngx_http_privacy_sweep_t *sw)
{
    /* a statement without some of them ignores them (SQLITE_RANGE) */
    (void) sqlite3_bind_int64(st, 1, (sqlite3_int64) sw->cutoff);
    (void) sqlite3_bind_int64(st, 2, (sqlite3_int64) sw->now);
    (void) sqlite3_bind_text(st, 3, ngx_http_privacy_sweep_names[sw->category],
                             -1, SQLITE_STATIC);
    (void) sqlite3_bind_int(st, 4, NGX_HTTP_PRIVACY_ERASE_BATCH);
    (void) sqlite3_bind_int64(st, 5, (sqlite3_int64) sw->started);

    return SQLITE_OK;
}
