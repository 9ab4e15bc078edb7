/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The clock of the C micro-benchmarks: monotonic seconds.
 */

#ifndef _BENCH_TIME_H_INCLUDED_
#define _BENCH_TIME_H_INCLUDED_


#include <time.h>


static inline double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


#endif /* _BENCH_TIME_H_INCLUDED_ */
