/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The categories a sweep takes, by the names privacy_retention, the
 * sweep record and privacy_erase_command's JSON give them
 * (docs/database.md, "Retention"), in the order of the
 * NGX_HTTP_PRIVACY_SWEEP_* numbers.  Below every sweep file, which all
 * name categories.
 */


#include "ngx_http_privacy_sweep.h"


const char  *ngx_http_privacy_sweep_names[] = {
    "analytics",
    "analytics_aggregate",
    "consent",
    "customer",
    "supplier",
    "club",
    "newsletter",
    "bookkeeping",
    "requests",
    "audit",
    "chat",
    "cctv",
};
