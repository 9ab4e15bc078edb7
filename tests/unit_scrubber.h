/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The fixture of the unit tests of the scrubbers (test_log_uri.c,
 * test_path.c, test_search.c): one scrubber for the group, made by
 * setup() and freed by teardown(); include after <cmocka.h>.
 */

#ifndef _UNIT_SCRUBBER_H_INCLUDED_
#define _UNIT_SCRUBBER_H_INCLUDED_


#include <stdio.h>

#include "ngx_http_privacy_search.h"


static ngx_http_privacy_scrubber_t  *scrubber;


static int
setup(void **state)
{
    char  err[256];

    (void) state;

    err[0] = '\0';
    scrubber = ngx_http_privacy_scrubber_create(err, sizeof(err));
    if (scrubber == NULL) {
        fprintf(stderr, "scrubber_create: %s\n", err);
        return -1;
    }

    return 0;
}


static int
teardown(void **state)
{
    (void) state;

    ngx_http_privacy_scrubber_destroy(scrubber);
    scrubber = NULL;

    return 0;
}


#endif /* _UNIT_SCRUBBER_H_INCLUDED_ */
