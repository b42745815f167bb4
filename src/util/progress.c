#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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
};

static double
progress_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress *
progress_start(const char *what, uint64_t total)
{
    struct progress *p = xcalloc(1, sizeof(*p));

    p->what = what;
    p->total = total;
    p->active = isatty(STDERR_FILENO) && log_get_level() >= LOG_LEVEL_INFO;
    p->started = p->active ? progress_now() : 0;
    return p;
}

static void
progress_draw(struct progress *p, double now)
{
    double secs = now - p->started;
    double rate = secs > 0 ? (double)p->done / secs : 0;
    double eta = -1;

    if (p->total > 0 && rate > 0 && p->done <= p->total)
        eta = (double)(p->total - p->done) / rate;
    if (p->unit != NULL)
        fprintf(stderr, "\r\033[K%s: %llu %s, %.0f/s", p->what,
                (unsigned long long)p->items, p->unit,
                secs > 0 ? (double)p->items / secs : 0);
    else if (p->total > 0)
        fprintf(stderr, "\r\033[K%s: %llu/%llu, %.0f/s", p->what,
                (unsigned long long)p->done, (unsigned long long)p->total,
                rate);
    else
        fprintf(stderr, "\r\033[K%s: %llu, %.0f/s", p->what,
                (unsigned long long)p->done, rate);
    if (eta >= 0)
        fprintf(stderr, ", %.0f%%, ETA %d:%02d",
                100.0 * (double)p->done / (double)p->total, (int)(eta / 60),
                (int)eta % 60);
    fflush(stderr);
    p->drawn = now;
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
    if (!p->active)
        return;
    now = progress_now();
    if (now - p->drawn >= 0.1)
        progress_draw(p, now);
}

void
progress_end(struct progress *p)
{
    if (p == NULL)
        return;
    if (p->active && p->drawn > 0) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    free(p);
}
