/*
 * ratelimit.c - per-domain token buckets with warm-up and backoff (see
 * ratelimit.h). The domains live in an open-addressing table that doubles
 * when half full.
 */
#include "ratelimit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/limits.h"

struct rdom {
    char name[LIMIT_EMAIL_DOMAIN + 1]; /* "" : free slot */
    double first;                      /* first message: the ramp's start */
    double tokens, last;
    double paused_until, pause; /* the current pause, 0: none */
};

struct rlim {
    double rate, warmup, backoff;
    struct rdom *tab;
    size_t cap, n;
};

int
rlim_new(double rate, double warmup, double backoff, struct rlim **out)
{
    struct rlim *r;

    *out = NULL;
    if (!(rate >= 0) || !(warmup >= 0) || !(backoff >= 0))
        return TOCSIN_EINVAL;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return TOCSIN_ENOMEM;
    r->rate = rate;
    r->warmup = warmup;
    r->backoff = backoff;
    r->cap = 64;
    if ((r->tab = calloc(r->cap, sizeof(*r->tab))) == NULL) {
        free(r);
        return TOCSIN_ENOMEM;
    }
    *out = r;
    return TOCSIN_OK;
}

void
rlim_free(struct rlim *r)
{
    if (r == NULL)
        return;
    free(r->tab);
    free(r);
}

size_t
rlim_domains(const struct rlim *r)
{
    return r->n;
}

/* The domain in lower case, cut to the table's width, into out. */
static void
rlim_key(const char *domain, char *out)
{
    size_t i;

    for (i = 0; domain[i] != '\0' && i < LIMIT_EMAIL_DOMAIN; i++)
        out[i] = (char)(domain[i] >= 'A' && domain[i] <= 'Z' ? domain[i] + 32
                                                             : domain[i]);
    out[i] = '\0';
}

static size_t
rlim_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;

    for (; *key != '\0'; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of key in tab[0..cap): its own, or the free one it goes to. */
static struct rdom *
rlim_slot(struct rdom *tab, size_t cap, const char *key)
{
    size_t i = rlim_hash(key) & (cap - 1);

    while (tab[i].name[0] != '\0' && strcmp(tab[i].name, key) != 0)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static int
rlim_grow(struct rlim *r)
{
    struct rdom *tab;
    size_t i, cap = r->cap * 2;

    if (cap > LIMIT_NOTIFY_DOMAINS * 2)
        return TOCSIN_ENOMEM;
    if ((tab = calloc(cap, sizeof(*tab))) == NULL)
        return TOCSIN_ENOMEM;
    for (i = 0; i < r->cap; i++)
        if (r->tab[i].name[0] != '\0')
            *rlim_slot(tab, cap, r->tab[i].name) = r->tab[i];
    free(r->tab);
    r->tab = tab;
    r->cap = cap;
    return TOCSIN_OK;
}

/* The entry of domain, made when new (NULL: out of memory). */
static struct rdom *
rlim_find(struct rlim *r, const char *domain, double now, int make)
{
    char key[LIMIT_EMAIL_DOMAIN + 1];
    struct rdom *d;

    rlim_key(domain, key);
    d = rlim_slot(r->tab, r->cap, key);
    if (d->name[0] != '\0' || !make)
        return d->name[0] != '\0' ? d : NULL;
    if ((r->n + 1) * 2 > r->cap) {
        if (rlim_grow(r) != TOCSIN_OK)
            return NULL;
        d = rlim_slot(r->tab, r->cap, key);
    }
    memcpy(d->name, key, sizeof(key));
    d->first = d->last = now;
    d->tokens = 1; /* the first message goes at once */
    r->n++;
    return d;
}

int
rlim_take(struct rlim *r, const char *domain, double now)
{
    struct rdom *d = rlim_find(r, domain, now, 1);
    double rate, share;

    if (d == NULL)
        return TOCSIN_ENOMEM;
    if (now < d->paused_until)
        return 0;
    if (r->rate <= 0)
        return 1;
    share = 1;
    if (r->warmup > 0 && now - d->first < r->warmup)
        share = RLIM_WARMUP_START +
                (1 - RLIM_WARMUP_START) * (now - d->first) / r->warmup;
    rate = r->rate * share;
    if (now > d->last) {
        d->tokens += (now - d->last) * rate;
        if (d->tokens > (rate > 1 ? rate : 1))
            d->tokens = rate > 1 ? rate : 1;
        d->last = now;
    }
    if (d->tokens < 1)
        return 0;
    d->tokens -= 1;
    return 1;
}

void
rlim_deferred(struct rlim *r, const char *domain, double now)
{
    struct rdom *d = rlim_find(r, domain, now, 1);

    if (d == NULL || r->backoff <= 0)
        return;
    d->pause = d->pause > 0 ? d->pause * 2 : r->backoff;
    if (d->pause > RLIM_BACKOFF_MAX)
        d->pause = RLIM_BACKOFF_MAX;
    d->paused_until = now + d->pause;
}

void
rlim_accepted(struct rlim *r, const char *domain)
{
    struct rdom *d = rlim_find(r, domain, 0, 0);

    if (d != NULL) {
        d->pause = 0;
        d->paused_until = 0;
    }
}
