/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Swedish personal identity numbers (personnummer, Skatteverket SKV 704)
 * and coordination numbers (samordningsnummer, SKV 707): syntax, date,
 * Luhn check digit, and one canonical form for encryption and hashing.
 * Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_PNR_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_PNR_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* canonical form: YYYYMMDDNNNC, twelve digits, no separator */
#define NGX_HTTP_PRIVACY_PNR_LEN  12


typedef struct {
    u_char      digits[NGX_HTTP_PRIVACY_PNR_LEN];
    unsigned    coordination:1;     /* samordningsnummer: day + 60 */
} ngx_http_privacy_pnr_t;


/*
 * Accepts YYYYMMDDNNNC, YYYYMMDD-NNNC, YYMMDDNNNC, YYMMDD-NNNC and
 * YYMMDD+NNNC ("+": a hundred years or older).  A ten-digit number takes
 * the latest century that does not put the birth date after "today"
 * (today_year/month/day, the caller's clock).  0 if valid, -1 otherwise;
 * never says why, so that no error message repeats the number.
 */
int ngx_http_privacy_pnr_parse(const u_char *s, size_t len, int today_year,
    int today_month, int today_day, ngx_http_privacy_pnr_t *pnr);

/* YYYYMMDD-NNNC into out (13 bytes) */
void ngx_http_privacy_pnr_format(const ngx_http_privacy_pnr_t *pnr,
    u_char out[NGX_HTTP_PRIVACY_PNR_LEN + 1]);


#endif /* _NGX_HTTP_PRIVACY_PNR_H_INCLUDED_ */
