/*
 * Copyright (C) ngx_privacy_module authors
 *
 * libFuzzer target for the rights portal's session cookie and form token
 * checks (make fuzz): whatever a browser sends, a value is accepted only
 * if it is one the key signed, and an accepted session names a subject
 * id of 32 lowercase hex digits.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ngx_http_privacy_rights_token.h"


#define check(e)  do { if (!(e)) { abort(); } } while (0)


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                                    i;
    char                                   sid[33];
    static int                             init;
    static ngx_http_privacy_rights_keys_t  keys;

    if (!init) {
        u_char  secret[32];

        memset(secret, 9, sizeof(secret));
        check(ngx_http_privacy_rights_keys(secret, 32, &keys) == 0);
        init = 1;
    }

    if (ngx_http_privacy_rights_session_decode(keys.session, data, size, 0,
                                               sid)
        == 0)
    {
        /* the only accepted values are the ones encode makes */
        check(size == NGX_HTTP_PRIVACY_SESSION_LEN);

        for (i = 0; i < 32; i++) {
            check((sid[i] >= '0' && sid[i] <= '9')
                  || (sid[i] >= 'a' && sid[i] <= 'f'));
        }
    }

    /* the first half as the cookie, the second as the token */
    (void) ngx_http_privacy_rights_form_check(keys.form, data, size / 2,
                                              data + size / 2,
                                              size - size / 2);
    return 0;
}
