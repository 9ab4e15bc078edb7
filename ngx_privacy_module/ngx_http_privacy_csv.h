/*
 * Copyright (C) ngx_privacy_module authors
 *
 * CSV cells for the DPO's exports (RFC 4180, UTF-8), made inert for
 * spreadsheets: a value that a spreadsheet would take for a formula
 * (starting with "=", "+", "-", "@", a tab or a carriage return, after
 * any blanks) gets a leading apostrophe (OWASP, "CSV Injection").  Pure
 * C: no nginx headers, never allocates.
 */

#ifndef _NGX_HTTP_PRIVACY_CSV_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CSV_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* 1 if a spreadsheet would evaluate s as a formula */
int ngx_http_privacy_csv_risky(const u_char *s, size_t len);

/* the length of s as one quoted, neutralised cell */
size_t ngx_http_privacy_csv_cell_len(const u_char *s, size_t len);

/*
 * writes s as one cell: in double quotes, each quote doubled, an
 * apostrophe first if risky; returns the end of what was written
 */
u_char *ngx_http_privacy_csv_cell(u_char *dst, const u_char *s,
    size_t len);


#endif /* _NGX_HTTP_PRIVACY_CSV_H_INCLUDED_ */
