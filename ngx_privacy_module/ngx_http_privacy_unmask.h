/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Undoing the disguises that carry personal data past the scrubber
 * (docs/security.md, "Scrubber variants"): nested percent-encoding and
 * e-mail addresses written with "(at)" or "[at]".  Pure C over buffers,
 * no nginx headers, used by the search term and path scrubbers.
 */

#ifndef _NGX_HTTP_PRIVACY_UNMASK_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_UNMASK_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/* percent-decoding rounds after the first (the form or URI decoder's) */
#define NGX_HTTP_PRIVACY_UNMASK_ROUNDS  4


/*
 * Percent-decodes p (valid UTF-8) in place, again and again, while a
 * round changes something ('+' stays a '+'); escapes of bytes that do
 * not make a whole UTF-8 sequence ("%FF") stay as they are.  Returns the
 * new length, or -1 if the text would still decode after
 * NGX_HTTP_PRIVACY_UNMASK_ROUNDS rounds: encoded deeper than any client
 * does by mistake, so it is not stored at all.  tmp must hold len bytes.
 */
ssize_t ngx_http_privacy_unmask_decode(u_char *p, size_t len, u_char *tmp);

/*
 * In place, on lowercased text: "(at)", "[at]", "{at}", "<at>" become
 * "@", and "(dot)", "[dot]", "{dot}", "<dot>" become ".", with a space
 * either side of them.  Returns the new length (never longer).
 */
size_t ngx_http_privacy_unmask_at(u_char *p, size_t len);

/* 1 if p holds strict UTF-8 (RFC 3629) */
int ngx_http_privacy_unmask_valid_utf8(const u_char *p, size_t len);


#endif /* _NGX_HTTP_PRIVACY_UNMASK_H_INCLUDED_ */
