/*
 * Copyright (C) ngx_privacy_module authors
 *
 * What the DPO's analytics report decides besides its queries: the days
 * of its range, and the threshold that keeps rare search terms out of it
 * (privacy_report_min_visitors): a term is named only when at least k
 * distinct visitors searched it, counted by visitors, not by searches,
 * so that one person searching their own name many times stays hidden.
 * Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_REPORT_ANALYTICS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REPORT_ANALYTICS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ngx_http_privacy_report.h"


/* the longest range a report covers, in days */
#define NGX_HTTP_PRIVACY_REPORT_MAX_DAYS  366


/* "YYYY-MM-DD" (a real date) to the unix time of its midnight, UTC */
int ngx_http_privacy_day_parse(const u_char *s, size_t len, int64_t *t);

/*
 * "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a "T" or a
 * space; the form of <input type="datetime-local">) as UTC
 */
int ngx_http_privacy_datetime_parse(const u_char *s, size_t len,
    int64_t *t);

/* the day of t as "YYYY-MM-DD" and NUL, in out[11] */
void ngx_http_privacy_day_format(int64_t t, char *out);


typedef struct {
    int64_t   terms;        /* terms left out */
    int64_t   searches;     /* their searches */
    int64_t   visitors;     /* their visitors, summed over the days */
} ngx_http_privacy_rare_t;


/*
 * Removes from t the rows whose column visitors is below k (counting
 * them, and their column searches, in *rare) and keeps at most limit of
 * the others, in their order.
 */
void ngx_http_privacy_report_k(ngx_http_privacy_rtable_t *t,
    size_t searches, size_t visitors, int64_t k, size_t limit,
    ngx_http_privacy_rare_t *rare);


#endif /* _NGX_HTTP_PRIVACY_REPORT_ANALYTICS_H_INCLUDED_ */
