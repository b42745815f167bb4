/*
 * progress.h - a progress line on a terminal.
 *
 * Draws "what: done/total (pct) rate/s, ETA m:ss" on standard error, at
 * most ten times a second, and only when standard error is a terminal and the
 * log level is at least LOG_LEVEL_INFO; otherwise every call is a cheap no-op.
 */
#ifndef TOCSIN_UTIL_PROGRESS_H
#define TOCSIN_UTIL_PROGRESS_H

#include <stdint.h>

struct progress;

/* Start a progress line; total 0 means unknown. Caller ends it with
 * progress_end(). Never NULL. */
struct progress *progress_start(const char *what, uint64_t total);

/* Report that done units are finished (p NULL: nothing). */
void progress_update(struct progress *p, uint64_t done);

/* Clear the line and free p (NULL is fine). */
void progress_end(struct progress *p);

#endif
