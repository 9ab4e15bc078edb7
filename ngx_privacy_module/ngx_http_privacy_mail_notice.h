/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The notice to a person affected by a personal-data breach (GDPR art.
 * 34(2)): in clear language, what happened, its likely consequences,
 * the measures taken, and whom to contact, as an RFC 5322 message for
 * the outbox (ngx_http_privacy_mail.h).  Pure C: no nginx headers.
 */

#ifndef _NGX_HTTP_PRIVACY_MAIL_NOTICE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_MAIL_NOTICE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


typedef struct {
    const char  *data;
    size_t       len;
} ngx_http_privacy_mail_text_t;


/*
 * lang 0 sv, 1 en; from and to must pass
 * ngx_http_privacy_mail_address_ok(); the texts are the DPO's, put in the
 * body only, with their line breaks made CRLF and long lines broken.
 * Returns a malloc'd message and its length, or NULL.
 */
char *ngx_http_privacy_mail_notice(int lang, const char *from,
    const char *to, ngx_http_privacy_mail_text_t *what,
    ngx_http_privacy_mail_text_t *consequences,
    ngx_http_privacy_mail_text_t *measures, int64_t now, size_t *len);


#endif /* _NGX_HTTP_PRIVACY_MAIL_NOTICE_H_INCLUDED_ */
