/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the register API's JSON decoding (make fuzz):
 * any bytes, as a subject with orders, an event and a record; whatever
 * is accepted holds a valid external_id and in-range fields.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_register_json.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                          i;
    ngx_http_privacy_rj_event_t     e;
    ngx_http_privacy_rj_record_t    r;
    ngx_http_privacy_rj_subject_t   s;
    ngx_http_privacy_rj_today_t     today = { 2026, 12, 3 };

    if (ngx_http_privacy_rj_subject(data, size, 1, &today, &s) == 0) {
        check(ngx_http_privacy_rj_valid_id(s.external_id.data,
                                           s.external_id.len));
        check(s.kinds < (1u << NGX_HTTP_PRIVACY_KIND_COUNT));

        for (i = 0; i < s.norders; i++) {
            check(s.orders[i].items != NULL);
            check(strlen(s.orders[i].currency) == 3);
        }

    } else {
        check(s.error[0] != '\0');
    }

    ngx_http_privacy_rj_subject_free(&s);

    if (ngx_http_privacy_rj_event(data, size, 1, &e) != 0) {
        check(e.error[0] != '\0');
    }

    if (ngx_http_privacy_rj_record(data, size, &r) == 0) {
        check(r.category.len > 0 && r.reference.len > 0);
    }

    ngx_http_privacy_rj_record_free(&r);

    return 0;
}
