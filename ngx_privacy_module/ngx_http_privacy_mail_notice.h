/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Notices to a person, as RFC 5322 messages for the outbox
 * (ngx_http_privacy_mail.h): to one affected by a personal-data breach
 * (GDPR art. 34(2): in clear language, what happened, its likely
 * consequences, the measures taken, and whom to contact), and to one
 * whose request takes longer than a month (art. 12(3): the new date and
 * the reason).  Pure C: no nginx headers.
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

/*
 * The extension of a rights request of type ("access", "erasure", ...)
 * received at received, now due at due, for the DPO's reason; in Swedish
 * and English, as the subject's language is not recorded.  Returns a
 * malloc'd message and its length, or NULL.
 */
char *ngx_http_privacy_mail_extension(const char *from, const char *to,
    const char *type, int64_t received, int64_t due,
    ngx_http_privacy_mail_text_t *reason, int64_t now, size_t *len);


#endif /* _NGX_HTTP_PRIVACY_MAIL_NOTICE_H_INCLUDED_ */
