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

    if (p->total > 0 && rate > 0 && p->done <= p->total) {
        double eta = (double)(p->total - p->done) / rate;

        fprintf(stderr, "\r\033[K%s: %llu/%llu (%.0f%%) %.0f/s, ETA %d:%02d",
                p->what, (unsigned long long)p->done,
                (unsigned long long)p->total,
                100.0 * (double)p->done / (double)p->total, rate,
                (int)(eta / 60), (int)eta % 60);
    } else
        fprintf(stderr, "\r\033[K%s: %llu %.0f/s", p->what,
                (unsigned long long)p->done, rate);
    fflush(stderr);
    p->drawn = now;
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
