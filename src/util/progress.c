#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "xalloc.h"

struct progress {
    const char *what;
    uint64_t total;
    uint64_t done;
    uint64_t items;   /* progress_items(): what is counted and shown */
    const char *unit; /* NULL: show done/total */
    double started;
    double drawn;
    int active;
    int quiet;    /* the log level hides it */
    double every; /* not a terminal: a whole line this often; 0: none */
    char note[160];
};

struct progress *
progress_start(const char *what, uint64_t total)
{
    struct progress *p = xcalloc(1, sizeof(*p));

    p->what = what;
    p->total = total;
    p->quiet = log_get_level() < LOG_LEVEL_INFO;
    p->active = isatty(STDERR_FILENO) && !p->quiet;
    p->started = clock_now();
    p->drawn = p->started;
    return p;
}

/* The line; end is "" (redrawn in place) or "\n" (a whole line). */
static void
progress_draw(struct progress *p, double now, const char *start,
              const char *end)
{
    double secs = now - p->started;
    double rate = secs > 0 ? (double)p->done / secs : 0;
    double eta = -1;

    if (p->total > 0 && rate > 0 && p->done <= p->total)
        eta = (double)(p->total - p->done) / rate;
    if (p->unit != NULL)
        fprintf(stderr, "%s%s: %llu %s, %.0f/s", start, p->what,
                (unsigned long long)p->items, p->unit,
                secs > 0 ? (double)p->items / secs : 0);
    else if (p->total > 0)
        fprintf(stderr, "%s%s: %llu/%llu, %.0f/s", start, p->what,
                (unsigned long long)p->done, (unsigned long long)p->total,
                rate);
    else
        fprintf(stderr, "%s%s: %llu, %.0f/s", start, p->what,
                (unsigned long long)p->done, rate);
    if (eta >= 0)
        fprintf(stderr, ", %.0f%%, ETA %d:%02d",
                100.0 * (double)p->done / (double)p->total, (int)(eta / 60),
                (int)eta % 60);
    if (p->note[0] != '\0')
        fprintf(stderr, ", %s", p->note);
    fputs(end, stderr);
    fflush(stderr);
    p->drawn = now;
}

void
progress_note(struct progress *p, const char *fmt, ...)
{
    va_list ap;

    if (p == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(p->note, sizeof(p->note), fmt, ap);
    va_end(ap);
}

void
progress_lines(struct progress *p, double seconds)
{
    if (p != NULL)
        p->every = seconds > 0 && !p->active && !p->quiet ? seconds : 0;
}

void
progress_items(struct progress *p, uint64_t items, const char *unit)
{
    if (p == NULL)
        return;
    p->items = items;
    p->unit = unit;
}

void
progress_update(struct progress *p, uint64_t done)
{
    double now;

    if (p == NULL)
        return;
    p->done = done;
    if (!p->active && p->every <= 0)
        return;
    now = clock_now();
    if (p->active && now - p->drawn >= 0.1)
        progress_draw(p, now, "\r\033[K", "");
    else if (!p->active && now - p->drawn >= p->every)
        progress_draw(p, now, "", "\n");
}

void
progress_end(struct progress *p)
{
    if (p == NULL)
        return;
    if (p->active && p->drawn > p->started) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    free(p);
}
