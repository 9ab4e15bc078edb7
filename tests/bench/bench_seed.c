/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The subject register of a large shop, written straight into SQLite for
 * the DPO reports' benchmark (tests/bench/report.sh): importing a million
 * customers through the register API takes a quarter of an hour, this
 * takes a minute or two.  The schema is the module's own
 * (ngx_http_privacy_register_schema.c); what the API would compute is
 * computed here with the module's code and the keys derived from the
 * server's secret file, so that the module reads the rows as its own:
 *
 *   subjects        N, with a random subject id, a name, an address, an
 *                   e-mail and its lookup hash; a quarter with a
 *                   personnummer, as a random blob of the encrypted
 *                   field's size (never decrypted by a report); created
 *                   over the last 4 years, active since, a tenth ended
 *   subject_kinds   90 % customers, 25 % newsletter (a tenth of them
 *                   unsubscribed), 5 % club, 0.5 % suppliers
 *   orders          1 or 2 per customer
 *   records         chat transcripts for 5 %, CCTV for 1 %
 *   requests        one per 50 subjects, of every type, a third closed
 *   holds           one per 10,000 subjects
 *   incidents       10, three of them with 1,000 subjects each
 *   outbox          one mail per 100 subjects
 *   audit_log       what the API and the DPO would have logged: each
 *                   subject's creation, each order, each request,
 *                   chained with the module's MAC (ngx_http_privacy_audit.c)
 *                   under the register's audit key, so the chain verifies
 *
 *   bench_seed -f register.db -s secret-file [-n subjects] [-t now]
 *
 * Deterministic (a fixed pseudo-random sequence) except the clock.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "ngx_http_privacy_audit.h"
#include "ngx_http_privacy_crypto.h"
#include "ngx_http_privacy_field_crypto.h"
#include "ngx_http_privacy_register_db.h"
#include "ngx_http_privacy_register_schema.h"
#include "bench_time.h"


#define DAY   86400
#define YEAR  (365 * DAY)


typedef struct {
    sqlite3                 *db;
    ngx_http_privacy_mac_t  *lookup;
    ngx_http_privacy_mac_t  *audit;
    sqlite3_stmt            *audit_st;
    int64_t                  audit_id;
    u_char                   audit_prev[NGX_HTTP_PRIVACY_MAC_LEN];
    uint64_t                 rng;
} seed_t;


static void
seed_fail(seed_t *s, const char *what)
{
    fprintf(stderr, "bench_seed: %s: %s\n", what,
            s->db ? sqlite3_errmsg(s->db) : "");
    exit(1);
}


/* xorshift64*: the same register every run */

static uint64_t
seed_rand(seed_t *s)
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;

    return s->rng * 2685821657736338717ULL;
}


static void
seed_bytes(seed_t *s, u_char *p, size_t n)
{
    size_t    i;
    uint64_t  r;

    r = 0;

    for (i = 0; i < n; i++) {
        if (i % 8 == 0) {
            r = seed_rand(s);
        }

        p[i] = (u_char) (r >> (8 * (i % 8)));
    }
}


static sqlite3_stmt *
seed_prepare(seed_t *s, const char *sql)
{
    sqlite3_stmt  *st;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        seed_fail(s, sql);
    }

    return st;
}


static void
seed_step(seed_t *s, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        seed_fail(s, sqlite3_sql(st));
    }

    sqlite3_reset(st);
}


static void
seed_exec(seed_t *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        seed_fail(s, sql);
    }
}


/* one entry of the chain, as ngx_http_privacy_audit_append() writes it */

static void
seed_audit(seed_t *s, int64_t ts, const char *actor, const char *action,
    const char *subject_id)
{
    u_char  mac[NGX_HTTP_PRIVACY_MAC_LEN];

    s->audit_id++;

    if (ngx_http_privacy_audit_mac(s->audit, s->audit_prev, s->audit_id, ts,
                                   actor, action, subject_id, mac)
        != 0)
    {
        seed_fail(s, "audit mac");
    }

    sqlite3_bind_int64(s->audit_st, 1, s->audit_id);
    sqlite3_bind_int64(s->audit_st, 2, ts);
    sqlite3_bind_text(s->audit_st, 3, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->audit_st, 4, action, -1, SQLITE_STATIC);

    if (subject_id) {
        sqlite3_bind_text(s->audit_st, 5, subject_id, -1, SQLITE_STATIC);

    } else {
        sqlite3_bind_null(s->audit_st, 5);
    }

    sqlite3_bind_blob(s->audit_st, 6, mac, sizeof(mac), SQLITE_STATIC);
    seed_step(s, s->audit_st);

    memcpy(s->audit_prev, mac, sizeof(mac));
}


static void
seed_keys(seed_t *s, const char *secret_file)
{
    FILE                              *f;
    u_char                             secret[1024];
    size_t                             n;
    ngx_http_privacy_register_keys_t   keys;

    f = fopen(secret_file, "rb");
    if (f == NULL) {
        perror(secret_file);
        exit(1);
    }

    n = fread(secret, 1, sizeof(secret), f);
    fclose(f);

    if (n < NGX_HTTP_PRIVACY_SECRET_MIN
        || ngx_http_privacy_register_keys(secret, n, &keys) != 0)
    {
        fprintf(stderr, "bench_seed: %s: not a usable secret\n", secret_file);
        exit(1);
    }

    s->lookup = ngx_http_privacy_mac_create(keys.lookup, sizeof(keys.lookup));
    s->audit = ngx_http_privacy_mac_create(keys.audit, sizeof(keys.audit));

    if (s->lookup == NULL || s->audit == NULL) {
        seed_fail(s, "HMAC setup");
    }
}


int
main(int argc, char **argv)
{
    int            i, k;
    char           err[256], sid[33], ext[32], name[32], email[64];
    char           addr[64], ref[32], order[32], items[96], total[16];
    u_char         raw[16], hash[NGX_HTTP_PRIVACY_MAC_LEN];
    u_char         pnr[12 + NGX_HTTP_PRIVACY_FIELD_OVERHEAD];
    u_char         pnr_hash[NGX_HTTP_PRIVACY_MAC_LEN];
    long           n, id, orders, requests;
    int64_t        now, created, active, ended, t;
    double         t0;
    const char    *file, *secret;
    sqlite3_stmt  *subject, *kind, *ord, *rec, *req, *hold, *inc, *incs;
    sqlite3_stmt  *mail;
    seed_t         s;

    static const char  *types[] = { "access", "portability",
        "rectification", "erasure", "restriction", "objection" };

    memset(&s, 0, sizeof(s));
    s.rng = 0x9e3779b97f4a7c15ULL;

    file = NULL;
    secret = NULL;
    n = 1000000;
    now = time(NULL);

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-f") == 0) {
            file = argv[i + 1];

        } else if (strcmp(argv[i], "-s") == 0) {
            secret = argv[i + 1];

        } else if (strcmp(argv[i], "-n") == 0) {
            n = atol(argv[i + 1]);

        } else if (strcmp(argv[i], "-t") == 0) {
            now = atoll(argv[i + 1]);

        } else {
            break;
        }
    }

    if (file == NULL || secret == NULL || i < argc || n < 1000) {
        fprintf(stderr, "usage: bench_seed -f register.db -s secret-file "
                "[-n subjects (>= 1000)] [-t now]\n");
        return 2;
    }

    seed_keys(&s, secret);

    if (sqlite3_open(file, &s.db) != SQLITE_OK) {
        seed_fail(&s, "open");
    }

    sqlite3_busy_timeout(s.db, 10000);
    seed_exec(&s, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");

    if (ngx_http_privacy_register_schema_migrate(s.db, err, sizeof(err))
        != SQLITE_OK)
    {
        fprintf(stderr, "bench_seed: %s\n", err);
        return 1;
    }

    /* a fill, not a shop: a crash loses the file anyway */
    seed_exec(&s, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
                  "BEGIN");

    /* the chain goes on from whatever is there (nothing, normally) */
    {
        sqlite3_stmt  *st;

        st = seed_prepare(&s, "SELECT id, mac FROM audit_log"
                              " ORDER BY id DESC LIMIT 1");

        if (sqlite3_step(st) == SQLITE_ROW
            && sqlite3_column_bytes(st, 1) == NGX_HTTP_PRIVACY_MAC_LEN)
        {
            s.audit_id = sqlite3_column_int64(st, 0);
            memcpy(s.audit_prev, sqlite3_column_blob(st, 1),
                   NGX_HTTP_PRIVACY_MAC_LEN);
        }

        sqlite3_finalize(st);
    }

    s.audit_st = seed_prepare(&s, "INSERT INTO audit_log (id, ts, actor,"
                                  " action, subject_id, mac)"
                                  " VALUES (?, ?, ?, ?, ?, ?)");
    subject = seed_prepare(&s, "INSERT INTO subjects (id, subject_id,"
                               " external_id, name, address, email,"
                               " email_hash, pnr, pnr_hash, created, updated,"
                               " last_activity, relationship_ended)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                               " ?)");
    kind = seed_prepare(&s, "INSERT INTO subject_kinds (subject, kind, since,"
                            " ended) VALUES (?, ?, ?, ?)");
    ord = seed_prepare(&s, "INSERT INTO orders (subject, order_id, placed,"
                           " total, currency, items)"
                           " VALUES (?, ?, ?, ?, 'SEK', ?)");
    rec = seed_prepare(&s, "INSERT INTO records (subject, category,"
                           " reference, reference_date, created)"
                           " VALUES (?, ?, ?, ?, ?)");
    req = seed_prepare(&s, "INSERT INTO requests (request_id, subject, type,"
                           " status, received, due, closed, outcome)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    hold = seed_prepare(&s, "INSERT INTO holds (subject, reason, created,"
                            " until) VALUES (?, 'Tvist om leverans', ?, ?)");
    mail = seed_prepare(&s, "INSERT INTO outbox (subject, purpose, recipient,"
                            " message, created, next_attempt, attempts, sent)"
                            " VALUES (?, 'code', ?, zeroblob(600), ?, ?, 1,"
                            " ?)");

    t0 = bench_now();
    orders = 0;
    requests = 0;

    for (id = 1; id <= n; id++) {
        seed_bytes(&s, raw, sizeof(raw));
        ngx_http_privacy_hex(raw, sizeof(raw), (u_char *) sid);
        sid[32] = '\0';

        snprintf(ext, sizeof(ext), "k%ld", id);
        snprintf(name, sizeof(name), "Kund %ld", id);
        snprintf(addr, sizeof(addr), "Storgatan %ld, 123 45 Staden",
                 id % 997);
        snprintf(email, sizeof(email), "k%ld@example.se", id);

        if (ngx_http_privacy_mac_compute(s.lookup, (u_char *) email,
                                         strlen(email), hash)
            != 0)
        {
            seed_fail(&s, "lookup hash");
        }

        /* creation spread over 4 years, in id order: the audit log's too */
        created = now - 4 * YEAR + (int64_t) ((double) id / n * 4 * YEAR)
                  - DAY;
        active = created + (int64_t) (seed_rand(&s) % (now - created));
        ended = (id % 10 == 5) ? active + DAY : 0;

        sqlite3_bind_int64(subject, 1, id);
        sqlite3_bind_text(subject, 2, sid, 32, SQLITE_STATIC);
        sqlite3_bind_text(subject, 3, ext, -1, SQLITE_STATIC);
        sqlite3_bind_text(subject, 4, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(subject, 5, addr, -1, SQLITE_STATIC);
        sqlite3_bind_text(subject, 6, email, -1, SQLITE_STATIC);
        sqlite3_bind_blob(subject, 7, hash, sizeof(hash), SQLITE_STATIC);

        if (id % 4 == 0) {
            seed_bytes(&s, pnr, sizeof(pnr));
            pnr[0] = NGX_HTTP_PRIVACY_FIELD_VERSION;
            seed_bytes(&s, pnr_hash, sizeof(pnr_hash));
            sqlite3_bind_blob(subject, 8, pnr, sizeof(pnr), SQLITE_STATIC);
            sqlite3_bind_blob(subject, 9, pnr_hash, sizeof(pnr_hash),
                              SQLITE_STATIC);

        } else {
            sqlite3_bind_null(subject, 8);
            sqlite3_bind_null(subject, 9);
        }

        sqlite3_bind_int64(subject, 10, created);
        sqlite3_bind_int64(subject, 11, active);
        sqlite3_bind_int64(subject, 12, active);

        if (ended) {
            sqlite3_bind_int64(subject, 13, ended);

        } else {
            sqlite3_bind_null(subject, 13);
        }

        seed_step(&s, subject);
        seed_audit(&s, created, "api", "subject.create", sid);

        /* kinds */
        for (k = 0; k < 4; k++) {
            static const char  *kinds[] = { "customer", "newsletter", "club",
                                            "supplier" };
            static const int    every[] = { 0, 4, 20, 200 };

            if (k == 0 ? id % 10 == 0 : id % every[k] != 1) {
                continue;
            }

            sqlite3_bind_int64(kind, 1, id);
            sqlite3_bind_text(kind, 2, kinds[k], -1, SQLITE_STATIC);
            sqlite3_bind_int64(kind, 3, created);

            if (k == 1 && id % 40 == 1) {
                sqlite3_bind_int64(kind, 4, active);

            } else {
                sqlite3_bind_null(kind, 4);
            }

            seed_step(&s, kind);
        }

        /* 1 or 2 orders per customer */
        for (k = 0; id % 10 != 0 && k < 1 + (int) (id % 2); k++) {
            orders++;
            t = created + (int64_t) (seed_rand(&s) % (active - created + 1));
            snprintf(order, sizeof(order), "o%ld", orders);
            snprintf(items, sizeof(items),
                     "[{\"sku\":\"%ld\",\"qty\":%d,\"price\":\"%ld.00\"}]",
                     (long) (seed_rand(&s) % 5000), 1 + k,
                     (long) (seed_rand(&s) % 2000));

            sqlite3_bind_int64(ord, 1, id);
            sqlite3_bind_text(ord, 2, order, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ord, 3, t);
            snprintf(total, sizeof(total), "%ld.00",
                     (long) (seed_rand(&s) % 5000));
            sqlite3_bind_text(ord, 4, total, -1, SQLITE_STATIC);
            sqlite3_bind_text(ord, 5, items, -1, SQLITE_STATIC);
            seed_step(&s, ord);
            seed_audit(&s, created, "api", "order.upsert", sid);
        }

        /* records in other systems */
        if (id % 20 == 3 || id % 100 == 7) {
            snprintf(ref, sizeof(ref), "ref-%ld", id);
            sqlite3_bind_int64(rec, 1, id);
            sqlite3_bind_text(rec, 2, id % 20 == 3 ? "chat" : "cctv", -1,
                              SQLITE_STATIC);
            sqlite3_bind_text(rec, 3, ref, -1, SQLITE_STATIC);
            sqlite3_bind_int64(rec, 4, active);
            sqlite3_bind_int64(rec, 5, active);
            seed_step(&s, rec);
            seed_audit(&s, created, "api", "record.upsert", sid);
        }

        /* a request per 50 subjects, received in the last 90 days */
        if (id % 50 == 0) {
            requests++;
            snprintf(ref, sizeof(ref), "r%ld", requests);
            t = now - (int64_t) (seed_rand(&s) % (90 * DAY));

            sqlite3_bind_text(req, 1, ref, -1, SQLITE_STATIC);
            sqlite3_bind_int64(req, 2, id);
            sqlite3_bind_text(req, 3, types[requests % 6], -1,
                              SQLITE_STATIC);
            sqlite3_bind_int64(req, 5, t);
            sqlite3_bind_int64(req, 6, t + 30 * DAY);

            if (requests % 3 == 0) {
                sqlite3_bind_text(req, 4, "closed", -1, SQLITE_STATIC);
                sqlite3_bind_int64(req, 7, t + 10 * DAY);
                sqlite3_bind_text(req, 8, "Utdrag skickat", -1,
                                  SQLITE_STATIC);

            } else {
                sqlite3_bind_text(req, 4, requests % 3 == 1 ? "open"
                                                            : "verifying",
                                  -1, SQLITE_STATIC);
                sqlite3_bind_null(req, 7);
                sqlite3_bind_null(req, 8);
            }

            seed_step(&s, req);
            seed_audit(&s, created, "portal", "request.create", sid);
        }

        if (id % 10000 == 5) {
            sqlite3_bind_int64(hold, 1, id);
            sqlite3_bind_int64(hold, 2, now - 30 * DAY);
            sqlite3_bind_int64(hold, 3, now + YEAR);
            seed_step(&s, hold);
        }

        if (id % 100 == 11) {
            sqlite3_bind_int64(mail, 1, id);
            sqlite3_bind_text(mail, 2, email, -1, SQLITE_STATIC);
            sqlite3_bind_int64(mail, 3, active);
            sqlite3_bind_int64(mail, 4, active);
            sqlite3_bind_int64(mail, 5, active + 60);
            seed_step(&s, mail);
        }

        if (id % 100000 == 0) {
            seed_exec(&s, "COMMIT; BEGIN");
            fprintf(stderr, "\rbench_seed: %ld subjects, %.0f s", id,
                    bench_now() - t0);
        }
    }

    /* ten breaches, three with a thousand subjects each */
    inc = seed_prepare(&s, "INSERT INTO incidents (id, incident_id, what,"
                           " occurred, discovered, reported, categories,"
                           " consequences, measures, closed)"
                           " VALUES (?, ?, 'Borttappad dator', ?, ?, ?,"
                           " 'customer', 'Risk för bedrägeri',"
                           " 'Lösenord bytta', ?)");
    incs = seed_prepare(&s, "INSERT INTO incident_subjects (incident,"
                            " subject) VALUES (?, ?)");

    for (k = 1; k <= 10; k++) {
        snprintf(ref, sizeof(ref), "inc-%d", k);
        t = now - (int64_t) k * 30 * DAY;

        sqlite3_bind_int64(inc, 1, k);
        sqlite3_bind_text(inc, 2, ref, -1, SQLITE_STATIC);
        sqlite3_bind_int64(inc, 3, t - DAY);
        sqlite3_bind_int64(inc, 4, t);

        if (k > 2) {
            sqlite3_bind_int64(inc, 5, t + DAY);
            sqlite3_bind_int64(inc, 6, t + 10 * DAY);

        } else {
            sqlite3_bind_null(inc, 5);
            sqlite3_bind_null(inc, 6);
        }

        seed_step(&s, inc);
        seed_audit(&s, t, "dpo", "incident.register", NULL);

        for (id = 0; k <= 3 && id < 1000; id++) {
            sqlite3_bind_int64(incs, 1, k);
            sqlite3_bind_int64(incs, 2, id * (n / 1000) + k);
            seed_step(&s, incs);
        }
    }

    sqlite3_finalize(inc);
    sqlite3_finalize(incs);
    sqlite3_finalize(subject);
    sqlite3_finalize(kind);
    sqlite3_finalize(ord);
    sqlite3_finalize(rec);
    sqlite3_finalize(req);
    sqlite3_finalize(hold);
    sqlite3_finalize(mail);
    sqlite3_finalize(s.audit_st);

    seed_exec(&s, "COMMIT");
    seed_exec(&s, "PRAGMA wal_checkpoint(TRUNCATE)");

    fprintf(stderr, "\rbench_seed: %ld subjects, %ld orders, %ld requests, "
            "%lld audit entries in %.0f s\n", n, orders, requests,
            (long long) s.audit_id, bench_now() - t0);

    sqlite3_close(s.db);
    ngx_http_privacy_mac_destroy(s.lookup);
    ngx_http_privacy_mac_destroy(s.audit);

    return 0;
}
