/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the DPO exports' escaping (make fuzz):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ingx_privacy_module \
 *       tests/fuzz/fuzz_csv.c ngx_privacy_module/ngx_http_privacy_csv.c \
 *       ngx_privacy_module/ngx_http_privacy_report.c \
 *       ngx_privacy_module/ngx_http_privacy_html.c -ljansson \
 *       -o tests/bin/fuzz_csv
 *
 * A CSV cell read back by an RFC 4180 reader gives the value, with an
 * apostrophe first exactly when it is risky, and the apostrophe makes
 * it safe; the JSON string parses and carries no markup character; the
 * HTML text holds no "<", ">" or quote.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "ngx_http_privacy_csv.h"
#include "ngx_http_privacy_report.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                   *cell, *end, *back;
    size_t                    n, i, m, risky;
    json_t                   *j;
    json_error_t              err;
    ngx_http_privacy_rbuf_t   b;

    /* CSV: quoted, quotes doubled, read back */

    n = ngx_http_privacy_csv_cell_len(data, size);
    cell = malloc(n);
    back = malloc(n);
    check(cell && back);

    end = ngx_http_privacy_csv_cell(cell, data, size);
    check((size_t) (end - cell) == n);
    check(n >= 2 && cell[0] == '"' && cell[n - 1] == '"');

    m = 0;

    for (i = 1; i < n - 1; i++) {
        if (cell[i] == '"') {
            check(i + 1 < n - 1 && cell[i + 1] == '"');
            i++;
        }

        back[m++] = cell[i];
    }

    risky = ngx_http_privacy_csv_risky(data, size);
    check(m == size + risky);
    check(!risky || back[0] == '\'');
    check(memcmp(back + risky, data, size) == 0);
    check(!ngx_http_privacy_csv_risky(back, m));

    free(back);
    free(cell);

    /* JSON: valid, no markup, and the value when it was valid UTF-8 */

    memset(&b, 0, sizeof(b));
    ngx_http_privacy_rbuf_json(&b, data, size);
    check(!b.failed);
    check(memchr(b.data, '<', b.len) == NULL);
    check(memchr(b.data, '>', b.len) == NULL);

    j = json_loadb((char *) b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                   &err);
    check(j != NULL && json_is_string(j));
    check(json_string_length(j) >= size
          || memchr(b.data, '\\', b.len) != NULL);
    json_decref(j);
    ngx_http_privacy_rbuf_free(&b);

    /* HTML text */

    memset(&b, 0, sizeof(b));
    ngx_http_privacy_rbuf_html(&b, data, size);
    check(!b.failed);
    check(b.len == 0 || (memchr(b.data, '<', b.len) == NULL
                         && memchr(b.data, '>', b.len) == NULL
                         && memchr(b.data, '"', b.len) == NULL));
    ngx_http_privacy_rbuf_free(&b);

    return 0;
}
