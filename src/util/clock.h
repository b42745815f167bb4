/*
 * clock.h - the monotonic clock, for durations and rates (never for
 * dates: it does not follow the wall clock).
 */
#ifndef TOCSIN_UTIL_CLOCK_H
#define TOCSIN_UTIL_CLOCK_H

/* Seconds of CLOCK_MONOTONIC, with nanosecond resolution (as far as a
 * double keeps it). Never fails on Linux. */
double clock_now(void);

#endif
