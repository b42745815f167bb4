/*
 * progress.h - a progress line on a terminal.
 *
 * Draws "what: done/total, rate/s, pct%, ETA m:ss[, note]" on standard
 * error, at most ten times a second, and only when standard error is a
 * terminal and the log level is at least LOG_LEVEL_INFO; otherwise every
 * call is a cheap no-op, unless progress_lines() asked for a line every
 * few seconds.
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

/*
 * Count something else than the units of the total, e.g. rows while the
 * total is in bytes: the line then shows "what: items unit, rate/s" with
 * the percentage and ETA still from done/total. unit is borrowed.
 */
void progress_items(struct progress *p, uint64_t items, const char *unit);

/*
 * Text shown after the figures, e.g. "12 deferred, 3 failed" (counts only:
 * never personal data); printf-style, cut at 160 bytes. p NULL: nothing.
 */
void progress_note(struct progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * When standard error is not a terminal (a log file, a service manager),
 * write the line as a whole line every `seconds` instead of nothing (at
 * the log level's condition above). 0 turns it off (the default).
 */
void progress_lines(struct progress *p, double seconds);

/* Clear the line and free p (NULL is fine). */
void progress_end(struct progress *p);

#endif
