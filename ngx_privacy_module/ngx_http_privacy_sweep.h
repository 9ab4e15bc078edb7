/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Retention sweeps: what is past its period is deleted in short
 * transactions, in a pool thread, and each sweep leaves a record in the
 * register (docs/database.md).  Plain SQLite, no nginx calls.
 */

#ifndef _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_


#include <stddef.h>
#include <time.h>
#include <sqlite3.h>

#include "ngx_http_privacy_calendar.h"


/* the categories swept, in the order a sweep takes them */
#define NGX_HTTP_PRIVACY_SWEEP_ANALYTICS    0   /* raw page views */
#define NGX_HTTP_PRIVACY_SWEEP_AGGREGATE    1   /* daily roll-ups */
#define NGX_HTTP_PRIVACY_SWEEP_CONSENT      2   /* consent receipts */
/* the subject register's (ngx_http_privacy_sweep_register.c) */
#define NGX_HTTP_PRIVACY_SWEEP_CUSTOMER     3
#define NGX_HTTP_PRIVACY_SWEEP_SUPPLIER     4
#define NGX_HTTP_PRIVACY_SWEEP_CLUB         5
#define NGX_HTTP_PRIVACY_SWEEP_NEWSLETTER   6
#define NGX_HTTP_PRIVACY_SWEEP_BOOKKEEPING  7   /* orders */
#define NGX_HTTP_PRIVACY_SWEEP_REQUESTS     8
/* the audit log's (ngx_http_privacy_sweep_audit.c) */
#define NGX_HTTP_PRIVACY_SWEEP_AUDIT        9
/* records held elsewhere (ngx_http_privacy_sweep_records.c) */
#define NGX_HTTP_PRIVACY_SWEEP_CHAT         10
#define NGX_HTTP_PRIVACY_SWEEP_CCTV         11
#define NGX_HTTP_PRIVACY_SWEEP_NCATEGORIES  12

#define NGX_HTTP_PRIVACY_SWEEP_RECORDS(c)                                     \
    ((c) == NGX_HTTP_PRIVACY_SWEEP_CHAT || (c) == NGX_HTTP_PRIVACY_SWEEP_CCTV)

#define NGX_HTTP_PRIVACY_SWEEP_REGISTER(c)                                    \
    ((c) >= NGX_HTTP_PRIVACY_SWEEP_CUSTOMER                                   \
     && (c) <= NGX_HTTP_PRIVACY_SWEEP_REQUESTS)


/* per category and sweep, as the sweep record keeps them */
typedef struct {
    sqlite3_int64   examined;       /* rows found past their period */
    sqlite3_int64   deleted;
    sqlite3_int64   held;           /* kept under a legal hold */
    sqlite3_int64   asked;          /* deletion asked of other systems */
} ngx_http_privacy_sweep_count_t;


typedef struct {
    int             category;       /* NGX_HTTP_PRIVACY_SWEEP_* */
    time_t          cutoff;         /* reference dates before it go */
    time_t          max_age;        /* consent: the consent cookie's */
    time_t          now;            /* whether a legal hold has ended */
    unsigned        fiscal_month;   /* the last day of the fiscal year */
    unsigned        fiscal_day;
    /* privacy_retention bookkeeping, NULL: seven years */
    const ngx_http_privacy_period_t  *bookkeeping;
    /* records held elsewhere: privacy_erase_command, or NULL */
    const char     *erase_command;
    time_t          started;        /* the sweep's: asked once per sweep */
    int             batch;          /* rows per transaction */
    int             max_batches;    /* transactions per call */
    int             max_ms;         /* none begun after, 0: no limit */
    int             dry_run;        /* count, delete nothing */
} ngx_http_privacy_sweep_t;


/*
 * "analytics", "analytics_aggregate", "consent", "customer", ...
 * (ngx_http_privacy_sweep_names.c)
 */
extern const char  *ngx_http_privacy_sweep_names[];


/*
 * The cutoff of the page views at time now under a retention period
 * (calendar months and years, ngx_http_privacy_calendar.h): a midnight
 * (UTC), and never later than the days a roll-up computes again.
 */
time_t ngx_http_privacy_sweep_cutoff(time_t now,
    const ngx_http_privacy_period_t *period);

/*
 * The cutoffs of every category at time now (cutoffs[c] where set[c]):
 * the calendar cutoff of its period, page views as above, and the
 * aggregates never before the page views they are computed from.  The
 * sweep and the DPO's retention report both take them from here.
 */
void ngx_http_privacy_sweep_cutoffs(time_t now,
    const ngx_http_privacy_period_t *periods, const int *set,
    time_t *cutoffs);

/*
 * Sweeps one category: at most max_batches transactions of batch rows,
 * pausing after each as long as it took, so that the workers' writers get
 * the register in between.  The counts are added to *count (also on
 * failure); *more: whether rows may be left.  A dry run counts what is
 * past its period in one read and deletes nothing.  SQLITE_OK, or an
 * error code with err set.
 */
int ngx_http_privacy_sweep_category(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len);

/*
 * As ngx_http_privacy_sweep_category(), for a category of the subject
 * register; the rows of subjects under a legal hold are kept and counted
 * in held (a dry run counts them too).
 */
int ngx_http_privacy_sweep_register(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len);

/*
 * As ngx_http_privacy_sweep_category(), for the audit log: the oldest
 * entries past their period go, and audit_anchor keeps the chain
 * verifiable from the first entry left.
 */
int ngx_http_privacy_sweep_audit(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len);

/*
 * As ngx_http_privacy_sweep_category(), for records held in other
 * systems: their owner is asked through erase_command to erase those past
 * their period, and the rows go when it confirms (exit status 0).  A
 * command that did not confirm is no failure of the sweep: err says why
 * and SQLITE_OK is returned.
 */
int ngx_http_privacy_sweep_records(sqlite3 *db,
    const ngx_http_privacy_sweep_t *sw, ngx_http_privacy_sweep_count_t *count,
    int *more, char *err, size_t err_len);

/*
 * The orders placed before the result are past a bookkeeping period
 * whose cutoff is given: their fiscal year (ending month-day) ended in a
 * calendar year whose last day is before the cutoff.
 */
time_t ngx_http_privacy_sweep_fiscal_limit(time_t cutoff, unsigned month,
    unsigned day);

/* page views before cutoff, as above without a dry run */
int ngx_http_privacy_sweep_analytics(sqlite3 *db, time_t cutoff, int batch,
    int max_batches, sqlite3_int64 *deleted, int *more, char *err,
    size_t err_len);

/*
 * The sweep record.  _due: whether a sweep is due at now, the last one
 * that finished (of the same kind: a sweep or a dry run) having started
 * interval seconds ago or more; *next: when one is due.  _begin: a new
 * record, its id in *id.  _count: adds a category's counts.  _end: the
 * record is finished.
 */
int ngx_http_privacy_sweep_due(sqlite3 *db, time_t now, time_t interval,
    int dry_run, int *due, time_t *next, char *err, size_t err_len);
int ngx_http_privacy_sweep_begin(sqlite3 *db, time_t now, int dry_run,
    long pid, sqlite3_int64 *id, char *err, size_t err_len);
int ngx_http_privacy_sweep_count(sqlite3 *db, sqlite3_int64 id,
    int category, const char *period, time_t cutoff,
    const ngx_http_privacy_sweep_count_t *count, char *err, size_t err_len);
int ngx_http_privacy_sweep_end(sqlite3 *db, sqlite3_int64 id, time_t now,
    char *err, size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_SWEEP_H_INCLUDED_ */
