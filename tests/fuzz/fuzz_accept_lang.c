/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the Accept-Language reader (a request header is
 * outside input; make fuzz): every step moves forward and stays within
 * the value, a tag lies within its range and holds letters only, and the
 * steps are no more than the ranges the commas make.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_accept_lang.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t         i, len, commas, steps;
    const u_char  *p, *prev, *last, *tag;

    p = data;
    last = data + size;
    commas = 0;
    steps = 0;

    for (i = 0; i < size; i++) {
        commas += (data[i] == ',');
    }

    for ( ;; ) {
        prev = p;

        if (!ngx_http_privacy_accept_lang_next(&p, last, &tag, &len)) {
            check(p == last);
            break;
        }

        steps++;
        check(steps <= commas + 1);
        check(p > prev && p <= last);
        check(tag >= prev && tag + len <= p);
        check(p == last || *p == ',');

        for (i = 0; i < len; i++) {
            check((tag[i] >= 'a' && tag[i] <= 'z')
                  || (tag[i] >= 'A' && tag[i] <= 'Z'));
        }
    }

    return 0;
}
