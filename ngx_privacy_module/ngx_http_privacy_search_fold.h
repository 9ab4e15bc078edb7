/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Folding a search term (ngx_http_privacy_search_fold.c).  Pure C.
 */

#ifndef _NGX_HTTP_PRIVACY_SEARCH_FOLD_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SEARCH_FOLD_H_INCLUDED_


#include <locale.h>
#include <stddef.h>
#include <sys/types.h>


/*
 * Spaces collapsed and trimmed, format characters removed, digits folded
 * to ASCII, letters lowercased (under locale, C.UTF-8).  Returns the
 * length, or -1 if the text does not fit in cap bytes.
 */
ssize_t ngx_http_privacy_search_fold(locale_t locale, const u_char *in,
    size_t len, u_char *out, size_t cap);


#endif /* _NGX_HTTP_PRIVACY_SEARCH_FOLD_H_INCLUDED_ */
