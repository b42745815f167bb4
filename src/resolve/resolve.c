/*
 * resolve.c - records into persons (see resolve.h): blocking, comparing,
 * learning, scoring, clustering, and the tables.
 */
#include "resolve.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/store.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/progress.h"
#include "../util/rng.h"
#include "resolve_int.h"

#define RESOLVE_THREADS 2
#define LINK_WITHIN     2    /* a link inside one person already: not kept */
#define PERSON_MAX      1000 /* records one person may hold */
#define CMP_AHEAD       16   /* pairs whose records are prefetched ahead */

/* ------------------------------------------------------------------ */
/* Radix sorts.                                                        */

/* LSD radix sorts with 11-bit digits: 2048 buckets keep the scatter in
 * the caches, where 16-bit digits (65536 buckets) thrash them on arrays
 * of millions. Passes where every value has the same digit are
 * skipped. */
#define RADIX_BITS   11
#define RADIX_SIZE   (1u << RADIX_BITS)
#define RADIX_MASK   (RADIX_SIZE - 1)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)

/*
 * RADIX_SORT(name, type, KEY): void name(type *v, type *tmp, size_t n)
 * sorts v[0..n) by the 64-bit KEY(element) (tmp: n more elements). The
 * counts of every pass come from one read; a pass where every element
 * has the same digit is skipped. The count table (about 100 KiB) is on
 * the stack: nothing can fail.
 */
#define RADIX_SORT(name, type, KEY)                                           \
    static void name(type *v, type *tmp, size_t n)                            \
    {                                                                         \
        size_t cnt[RADIX_PASSES][RADIX_SIZE];                                 \
        type *src = v, *dst = tmp, *t;                                        \
        unsigned pass;                                                        \
        size_t i, sum;                                                        \
                                                                              \
        if (n < 2)                                                            \
            return;                                                           \
        memset(cnt, 0, sizeof(cnt));                                          \
        for (i = 0; i < n; i++)                                               \
            for (pass = 0; pass < RADIX_PASSES; pass++)                       \
                cnt[pass]                                                     \
                   [(KEY(src[i]) >> (pass * RADIX_BITS)) & RADIX_MASK]++;     \
        for (pass = 0; pass < RADIX_PASSES; pass++) {                         \
            unsigned shift = pass * RADIX_BITS;                               \
            size_t *c = cnt[pass];                                            \
                                                                              \
            if (c[(KEY(src[0]) >> shift) & RADIX_MASK] == n)                  \
                continue;                                                     \
            for (i = 0, sum = 0; i < RADIX_SIZE; i++) {                       \
                size_t x = c[i];                                              \
                                                                              \
                c[i] = sum;                                                   \
                sum += x;                                                     \
            }                                                                 \
            for (i = 0; i < n; i++)                                           \
                dst[c[(KEY(src[i]) >> shift) & RADIX_MASK]++] = src[i];       \
            t = src;                                                          \
            src = dst;                                                        \
            dst = t;                                                          \
        }                                                                     \
        if (src != v)                                                         \
            memcpy(v, src, n * sizeof(*v));                                   \
    }

/* A blocking key entry: the key, the record, which of its keys. */
struct bentry {
    uint64_t key;
    uint32_t idx;
    uint32_t which;
};

#define KEY_VALUE(x) (x)
#define KEY_FIELD(x) ((x).key)
RADIX_SORT(radix_u64, uint64_t, KEY_VALUE)
RADIX_SORT(radix_entries, struct bentry, KEY_FIELD)

/* The part of a job that split_run() fills: first in every job. */
struct span {
    size_t from, to;
    pthread_t th;
};

/* Run fn over [0, n) split between the threads; jobs is an array of
 * RESOLVE_THREADS jobs of stride bytes, each starting with a struct span. */
static void
split_run(void *jobs, size_t stride, size_t n, void *(*fn)(void *))
{
    int k, started = 0;

    for (k = 0; k < RESOLVE_THREADS; k++) {
        struct span *sp = (struct span *)((char *)jobs + stride * (size_t)k);

        sp->from = n * (size_t)k / RESOLVE_THREADS;
        sp->to = n * (size_t)(k + 1) / RESOLVE_THREADS;
    }
    for (k = 1; k < RESOLVE_THREADS; k++) {
        struct span *sp = (struct span *)((char *)jobs + stride * (size_t)k);

        if (pthread_create(&sp->th, NULL, fn, sp) != 0)
            break;
        started++;
    }
    fn(jobs);
    for (k = 1; k <= started; k++)
        pthread_join(((struct span *)((char *)jobs + stride * (size_t)k))->th,
                     NULL);
    for (k = started + 1; k < RESOLVE_THREADS; k++)
        fn((char *)jobs + stride * (size_t)k);
}

/* ------------------------------------------------------------------ */
/* Blocking.                                                           */

enum bkind {
    B_EMAIL,
    B_MOBILE,
    B_LANDLINE,
    B_IBAN,
    B_ADDR,
    B_DOC,
    B_NID,
    B_CUST,
    B_DOB_LAST,
    B_DOB_FULL,
    B_DOB_FIRST,
    B_NAME,
    B_LAST_PC,
    B_FIRST_PC,
    B_DOB_FINIT,
    B_LAST_FINIT,
    B_FIRST_LINIT,
    B_DOB_PC,
    B_DOB, /* the last three only count term frequencies */
    B_FIRST,
    B_LAST,
    B_COUNT
};

static const char *const bkind_names[B_COUNT] = {
    "email",
    "mobile",
    "landline",
    "iban",
    "address",
    "id_document",
    "national_id",
    "customer",
    "birth_surname",
    "birth_full_name",
    "birth_first",
    "name",
    "surname_postcode",
    "first_postcode",
    "birth_first_initial",
    "surname_first_initial",
    "first_surname_initial",
    "birth_postcode",
    "birth_date",
    "first_name",
    "surname",
};

/* The hash whose term frequency a kind counts, or -1. */
static const int bkind_tf[B_COUNT] = {
    [B_EMAIL] = RH_EMAIL, [B_MOBILE] = RH_MOBILE, [B_LANDLINE] = RH_LANDLINE,
    [B_IBAN] = RH_IBAN,   [B_ADDR] = RH_ADDR,     [B_DOC] = RH_DOC,
    [B_NID] = RH_NID,     [B_CUST] = RH_CUST,     [B_DOB_LAST] = -1,
    [B_DOB_FULL] = -1,    [B_DOB_FIRST] = -1,     [B_NAME] = -1,
    [B_LAST_PC] = -1,     [B_FIRST_PC] = -1,      [B_DOB] = RH_DOB,
    [B_FIRST] = RH_FIRST, [B_LAST] = RH_LAST,     [B_DOB_FINIT] = -1,
    [B_LAST_FINIT] = -1,  [B_FIRST_LINIT] = -1,   [B_DOB_PC] = -1,
};

/* Kinds that pair records up: all but the single weak fields, whose
 * blocks would be mostly random pairs (they count term frequencies). */
static int
bkind_pairs(enum bkind kind)
{
    return kind != B_DOB && kind != B_FIRST && kind != B_LAST;
}

/* Kinds that hold one letter of a name: they find records with a typo
 * in the other name, and are mostly random pairs otherwise. */
static int
bkind_weak(enum bkind kind)
{
    return kind >= B_DOB_FINIT && kind <= B_FIRST_LINIT;
}

/* The pairs a kind may make: two per record for identifiers (an address
 * holds a household), one for names, one per two records for the keys
 * of one letter. */
static uint64_t
bkind_budget(enum bkind kind, size_t records)
{
    if (bkind_weak(kind))
        return RESOLVE_KEY_PAIRS * (uint64_t)records / 4;
    if (kind >= B_DOB_LAST)
        return RESOLVE_KEY_PAIRS * (uint64_t)records / 2;
    return RESOLVE_KEY_PAIRS * (uint64_t)records;
}

/* The first byte of a string of f, as a hash (0: none). */
static uint64_t
binitial(const struct rload *l, const struct rfeat *f, enum rstr k)
{
    size_t len;
    const char *p = rfeat_str(l->arena[f->arena], f, k, &len);

    return len > 0 ? 0x100u | (unsigned char)p[0] : 0;
}

/* Two hashes into one key (both non-zero), never 0. */
static uint64_t
bmix(uint64_t a, uint64_t b, unsigned kind)
{
    uint64_t x;

    if (a == 0 || b == 0)
        return 0;
    x = a ^ (b * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)kind << 56);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return x != 0 ? x : 1;
}

/* The keys of record f for a kind into k[0..2); how many. */
static unsigned
bkeys(enum bkind kind, const struct rload *l, const struct rfeat *f,
      uint64_t k[2])
{
    static const enum rhash single[B_COUNT] = {
        [B_EMAIL] = RH_EMAIL, [B_LANDLINE] = RH_LANDLINE, [B_IBAN] = RH_IBAN,
        [B_ADDR] = RH_ADDR,   [B_DOC] = RH_DOC,           [B_NID] = RH_NID,
        [B_CUST] = RH_CUST,   [B_DOB] = RH_DOB,           [B_FIRST] = RH_FIRST,
        [B_LAST] = RH_LAST,
    };
    unsigned n = 0;

    switch (kind) {
    case B_MOBILE:
        if (f->h[RH_MOBILE] != 0)
            k[n++] = f->h[RH_MOBILE];
        if (f->h[RH_MOBILE2] != 0)
            k[n++] = f->h[RH_MOBILE2];
        return n;
    case B_DOB_LAST:
        k[0] = bmix(f->h[RH_DOB], f->h[RH_LAST], kind);
        break;
    case B_DOB_FULL:
        k[0] = bmix(f->h[RH_DOB], f->h[RH_FULL], kind);
        break;
    case B_DOB_FIRST:
        k[0] = bmix(f->h[RH_DOB], f->h[RH_FCANON], kind);
        break;
    case B_NAME:
        k[0] = bmix(f->h[RH_FIRST], f->h[RH_LAST], kind);
        break;
    case B_LAST_PC:
        k[0] = bmix(f->h[RH_LAST], f->h[RH_POSTCODE], kind);
        break;
    case B_FIRST_PC:
        k[0] = bmix(f->h[RH_FIRST], f->h[RH_POSTCODE], kind);
        break;
    case B_DOB_FINIT:
        k[0] = bmix(f->h[RH_DOB], binitial(l, f, RS_INIT), kind);
        break;
    case B_LAST_FINIT:
        k[0] = bmix(f->h[RH_LAST], binitial(l, f, RS_INIT), kind);
        break;
    case B_FIRST_LINIT:
        k[0] = bmix(f->h[RH_FIRST], binitial(l, f, RS_LAST), kind);
        break;
    case B_DOB_PC:
        k[0] = bmix(f->h[RH_DOB], f->h[RH_POSTCODE], kind);
        break;
    default:
        k[0] = f->h[single[kind]];
        break;
    }
    return k[0] != 0;
}

/* A pair of records i < j as one number that sorts by i, then j. */
#define PAIR_MAKE(i, j) ((uint64_t)(i) << 32 | (uint64_t)(j))
#define PAIR_A(x)       ((size_t)((x) >> 32))
#define PAIR_B(x)       ((size_t)((x)&0xffffffffu))

/* A growable vector of pairs (PAIR_MAKE). */
struct pairvec {
    uint64_t *v;
    size_t n, cap;
};

static int
pairvec_push(struct pairvec *p, uint64_t x)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1 << 20;
        uint64_t *v;

        if (cap > LIMIT_RESOLVE_PAIRS)
            cap = LIMIT_RESOLVE_PAIRS;
        if (p->n == cap)
            return TOCSIN_ELIMIT;
        v = realloc(p->v, cap * sizeof(*v));
        if (v == NULL)
            return TOCSIN_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = x;
    return TOCSIN_OK;
}

struct block_worker;

struct block_shared {
    struct rload *l;
    struct progress *prog;      /* drawn by the first worker only */
    struct block_worker *first; /* that worker */
    atomic_uint kinds_done;
    uint64_t *keys; /* keys[kind * n + i]: record i's key of a kind; 0 */
    uint64_t *key2; /* a record's second mobile key; 0 */
    atomic_uint next_kind;
    uint64_t skipped[B_COUNT]; /* blocks too large */
    uint64_t pairs[B_COUNT];   /* pairs made (before de-duplication) */
    size_t block_max[B_COUNT]; /* the largest block that made pairs */
};

struct block_worker {
    struct block_shared *sh;
    struct pairvec pv;
    int rc;
    pthread_t th;
};

/* Make the entries of one kind, sort them, count term frequencies and
 * emit the pairs of every block. */
static int
block_kind(struct block_worker *w, enum bkind kind, struct bentry **ent,
           struct bentry **tmp, size_t *cap)
{
    struct rload *l = w->sh->l;
    size_t n = 0, i, s, e, a, b, g, bmax;
    uint64_t hist[RESOLVE_BLOCK_MAX + 1], total;
    const uint64_t *keys;
    int tf = bkind_tf[kind], rc;

    if (*cap < 2 * l->n) {
        free(*ent);
        free(*tmp);
        *cap = 2 * l->n;
        *ent = malloc(*cap * sizeof(**ent));
        *tmp = malloc(*cap * sizeof(**tmp));
        if (*ent == NULL || *tmp == NULL) {
            *cap = 0;
            return TOCSIN_ENOMEM;
        }
    }
    keys = w->sh->keys + (size_t)kind * l->n;
    for (i = 0; i < l->n; i++) {
        if (keys[i] == 0)
            continue;
        (*ent)[n].key = keys[i];
        (*ent)[n].idx = (uint32_t)i;
        (*ent)[n].which = 0;
        n++;
        if (kind == B_MOBILE && w->sh->key2[i] != 0) {
            (*ent)[n].key = w->sh->key2[i];
            (*ent)[n].idx = (uint32_t)i;
            (*ent)[n].which = 1;
            n++;
        }
    }
    radix_entries(*ent, *tmp, n);

    /* The largest block that still makes pairs: RESOLVE_BLOCK_MAX, or
     * less when the key would make more than RESOLVE_KEY_PAIRS pairs per
     * record; its largest blocks are the least telling, so they go
     * first. */
    memset(hist, 0, sizeof(hist));
    for (s = 0; s < n; s = e) {
        for (e = s + 1; e < n && (*ent)[e].key == (*ent)[s].key; e++)
            ;
        if (e - s <= RESOLVE_BLOCK_MAX)
            hist[e - s]++;
    }
    for (g = 2, total = 0; g <= RESOLVE_BLOCK_MAX; g++)
        total += hist[g] * (g * (g - 1) / 2);
    for (bmax = RESOLVE_BLOCK_MAX;
         bmax > 2 && total > bkind_budget(kind, l->n); bmax--)
        total -= hist[bmax] * (bmax * (bmax - 1) / 2);
    w->sh->block_max[kind] = bmax;

    for (s = 0; s < n; s = e) {
        for (e = s + 1; e < n && (*ent)[e].key == (*ent)[s].key; e++)
            ;
        g = e - s;
        if (tf >= 0)
            for (a = s; a < e; a++)
                if ((*ent)[a].which == 0)
                    l->f[(*ent)[a].idx].tf[tf] = (uint32_t)g;
        if (g < 2 || !bkind_pairs(kind))
            continue;
        if (g > bmax) {
            w->sh->skipped[kind]++;
            continue;
        }
        for (a = s; a < e; a++)
            for (b = a + 1; b < e; b++) {
                uint64_t x = (*ent)[a].idx, y = (*ent)[b].idx;

                if (x == y)
                    continue;
                if ((rc = pairvec_push(&w->pv, x < y ? PAIR_MAKE(x, y)
                                                     : PAIR_MAKE(y, x))) !=
                    TOCSIN_OK)
                    return rc;
                w->sh->pairs[kind]++;
            }
    }
    return TOCSIN_OK;
}

static void *
block_work(void *arg)
{
    struct block_worker *w = arg;
    struct bentry *ent = NULL, *tmp = NULL;
    size_t cap = 0;
    unsigned kind;

    w->rc = TOCSIN_OK;
    while (w->rc == TOCSIN_OK &&
           (kind = atomic_fetch_add(&w->sh->next_kind, 1)) < B_COUNT) {
        w->rc = block_kind(w, (enum bkind)kind, &ent, &tmp, &cap);
        kind = atomic_fetch_add(&w->sh->kinds_done, 1) + 1;
        if (w == w->sh->first)
            progress_update(w->sh->prog, kind);
    }
    free(ent);
    free(tmp);
    return NULL;
}

struct sort_half {
    uint64_t *v, *tmp;
    size_t n;
    pthread_t th;
};

static void *
sort_half_work(void *arg)
{
    struct sort_half *h = arg;

    radix_u64(h->v, h->tmp, h->n);
    return NULL;
}

/* Sort the pairs v[0..n) into tmp (v is scratch after): split by their
 * first record into two halves, each sorted on its own core. */
static void
sort_pairs(uint64_t *v, uint64_t *tmp, size_t n, size_t records)
{
    struct sort_half h[2];
    size_t lo = 0, hi, i;

    for (i = 0; i < n; i++)
        lo += PAIR_A(v[i]) < records / 2;
    hi = lo;
    for (i = 0, lo = 0; i < n; i++) {
        if (PAIR_A(v[i]) < records / 2)
            tmp[lo++] = v[i];
        else
            tmp[hi++] = v[i];
    }
    h[0].v = tmp;
    h[0].tmp = v;
    h[0].n = lo;
    h[1].v = tmp + lo;
    h[1].tmp = v + lo;
    h[1].n = n - lo;
    if (pthread_create(&h[1].th, NULL, sort_half_work, &h[1]) != 0) {
        sort_half_work(&h[1]);
        sort_half_work(&h[0]);
        return;
    }
    sort_half_work(&h[0]);
    pthread_join(h[1].th, NULL);
}

struct key_job {
    struct span sp;
    struct block_shared *sh;
};

/* The keys of every kind for a range of records: one pass over their
 * features instead of one per kind. */
static void *
key_work(void *arg)
{
    struct key_job *j = arg;
    struct rload *l = j->sh->l;
    uint64_t k[2];
    size_t i;
    int kind;

    for (i = j->sp.from; i < j->sp.to; i++)
        for (kind = 0; kind < B_COUNT; kind++) {
            unsigned m = bkeys((enum bkind)kind, l, &l->f[i], k);

            j->sh->keys[(size_t)kind * l->n + i] = m > 0 ? k[0] : 0;
            if (kind == B_MOBILE)
                j->sh->key2[i] = m > 1 ? k[1] : 0;
        }
    return NULL;
}

/* All candidate pairs, sorted and distinct, into *out. */
static int
block_run(struct rload *l, int progress, struct pairvec *out,
          uint64_t *skipped)
{
    struct block_shared sh;
    struct block_worker w[RESOLVE_THREADS];
    uint64_t *tmp;
    int k, started = 0, rc = TOCSIN_OK;
    size_t i, n;

    memset(&sh, 0, sizeof(sh));
    memset(w, 0, sizeof(w));
    memset(out, 0, sizeof(*out));
    sh.l = l;
    sh.first = &w[0];
    atomic_init(&sh.next_kind, 0);
    atomic_init(&sh.kinds_done, 0);
    sh.keys = malloc(((size_t)B_COUNT * l->n + 1) * sizeof(*sh.keys));
    sh.key2 = malloc((l->n + 1) * sizeof(*sh.key2));
    if (sh.keys == NULL || sh.key2 == NULL) {
        free(sh.keys);
        free(sh.key2);
        return TOCSIN_ENOMEM;
    }
    {
        struct key_job kj[RESOLVE_THREADS];

        for (k = 0; k < RESOLVE_THREADS; k++)
            kj[k].sh = &sh;
        split_run(kj, sizeof(kj[0]), l->n, key_work);
    }
    if (progress)
        sh.prog = progress_start("resolve: blocking keys", B_COUNT);
    for (k = 0; k < RESOLVE_THREADS; k++) {
        w[k].sh = &sh;
        if (pthread_create(&w[k].th, NULL, block_work, &w[k]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        block_work(&w[0]);
        started = -1;
    }
    for (k = 0; k < started; k++)
        pthread_join(w[k].th, NULL);
    progress_end(sh.prog);
    for (k = 0; k < RESOLVE_THREADS; k++)
        if (w[k].rc != TOCSIN_OK)
            rc = w[k].rc;
    free(sh.keys);
    free(sh.key2);
    *skipped = 0;
    for (k = 0; k < B_COUNT; k++) {
        *skipped += sh.skipped[k];
        log_debug("resolve: key %s: %llu pairs, %llu blocks larger than %zu",
                  bkind_names[k], (unsigned long long)sh.pairs[k],
                  (unsigned long long)sh.skipped[k], sh.block_max[k]);
    }
    /* one vector: the first worker's grows to hold the second's */
    if (rc == TOCSIN_OK && w[1].pv.n > 0) {
        n = w[0].pv.n + w[1].pv.n;
        if (n > LIMIT_RESOLVE_PAIRS) {
            rc = TOCSIN_ELIMIT;
        } else {
            uint64_t *v = realloc(w[0].pv.v, (n ? n : 1) * sizeof(*v));

            if (v == NULL) {
                rc = TOCSIN_ENOMEM;
            } else {
                memcpy(v + w[0].pv.n, w[1].pv.v, w[1].pv.n * sizeof(*v));
                w[0].pv.v = v;
                w[0].pv.n = w[0].pv.cap = n;
            }
        }
    }
    free(w[1].pv.v);
    if (rc != TOCSIN_OK) {
        free(w[0].pv.v);
        return rc;
    }
    *out = w[0].pv;
    tmp = malloc((out->n ? out->n : 1) * sizeof(*tmp));
    if (tmp == NULL) {
        free(out->v);
        memset(out, 0, sizeof(*out));
        return TOCSIN_ENOMEM;
    }
    sort_pairs(out->v, tmp, out->n, l->n);
    free(out->v);
    out->v = tmp;
    /* one of each pair */
    for (i = 0, n = 0; i < out->n; i++)
        if (n == 0 || out->v[n - 1] != out->v[i])
            out->v[n++] = out->v[i];
    out->n = n;
    return TOCSIN_OK;
}

/* ------------------------------------------------------------------ */
/* Comparing and scoring, on both cores.                               */

static inline const char *
rarena(const struct rload *l, const struct rfeat *f)
{
    return l->arena[f->arena];
}

struct cmp_job {
    struct span sp;
    const struct rload *l;
    const uint64_t *pairs;
    uint64_t *pat; /* out: pattern per pair */
    atomic_size_t *done;
    struct progress *prog; /* drawn by the job on the calling thread */
};

static void *
cmp_work(void *arg)
{
    struct cmp_job *j = arg;
    const struct rload *l = j->l;
    size_t i;

    for (i = j->sp.from; i < j->sp.to; i++) {
        const struct rfeat *a = &l->f[PAIR_A(j->pairs[i])];
        const struct rfeat *b = &l->f[PAIR_B(j->pairs[i])];
        uint64_t p;

        /* The second records of the pairs are all over memory: ask for
         * them well before they are needed, then for their strings. */
        if (i + CMP_AHEAD < j->sp.to) {
            const char *f =
                (const char *)&l->f[PAIR_B(j->pairs[i + CMP_AHEAD])];
            size_t c;

            for (c = 0; c < sizeof(struct rfeat); c += 64)
                __builtin_prefetch(f + c);
        }
        if (i + CMP_AHEAD / 2 < j->sp.to) {
            const struct rfeat *f = &l->f[PAIR_B(j->pairs[i + CMP_AHEAD / 2])];

            __builtin_prefetch(rarena(l, f) + f->str);
        }
        p = rcmp_pattern(rarena(l, a), a, rarena(l, b), b);
        j->pat[i] = p;
        if (((i - j->sp.from) & 0xffff) == 0xffff) {
            size_t d = atomic_fetch_add(j->done, 0x10000) + 0x10000;

            if (j->prog != NULL)
                progress_update(j->prog, d);
        }
    }
    return NULL;
}

/* Count the distinct patterns into *out. */
static int
pattern_count(const uint64_t *pat, size_t n, struct rpattern **out,
              size_t *nout)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
    uint64_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));
    struct rpattern *p = NULL;
    size_t i, m = 0;
    int rc = TOCSIN_ENOMEM;

    if (v == NULL || tmp == NULL)
        goto out;
    memcpy(v, pat, n * sizeof(*v));
    radix_u64(v, tmp, n);
    for (i = 0; i < n; i++)
        if (i == 0 || v[i] != v[i - 1])
            m++;
    p = calloc(m ? m : 1, sizeof(*p));
    if (p == NULL)
        goto out;
    m = 0;
    for (i = 0; i < n; i++) {
        if (i == 0 || v[i] != v[i - 1])
            p[m++].pattern = v[i];
        p[m - 1].count++;
    }
    *out = p;
    *nout = m;
    rc = TOCSIN_OK;
out:
    free(v);
    free(tmp);
    return rc;
}

struct score_job {
    struct span sp;
    const struct rload *l;
    const struct rmodel *model;
    const uint64_t *pairs, *pat;
    double min_weight;
    size_t n;      /* out: links found, at idx[sp.from..] */
    uint32_t *idx; /* out: pair indexes above the threshold */
    float *w;      /* out: their weights */
};

static void *
score_work(void *arg)
{
    struct score_job *j = arg;
    size_t i;

    j->n = 0;
    for (i = j->sp.from; i < j->sp.to; i++) {
        const struct rfeat *a = &j->l->f[PAIR_A(j->pairs[i])];
        double w = rmodel_score(j->model, j->pat[i], a);

        if (w >= j->min_weight) {
            j->idx[j->sp.from + j->n] = (uint32_t)i;
            j->w[j->sp.from + j->n] = (float)w;
            j->n++;
        }
    }
    return NULL;
}

/* A float's bits, ordered like the floats, then reversed (strongest
 * first). */
static uint32_t
weight_key(float w)
{
    uint32_t u;

    memcpy(&u, &w, sizeof(u));
    u = (u & 0x80000000u) ? ~u : u | 0x80000000u;
    return ~u;
}

/* The weight a weight_key() came from. */
static float
weight_of_key(uint32_t k)
{
    uint32_t u = ~k;
    float w;

    u = (u & 0x80000000u) ? u & 0x7fffffffu : ~u;
    memcpy(&w, &u, sizeof(w));
    return w;
}

/* ------------------------------------------------------------------ */
/* Clustering.                                                         */

struct clusters {
    uint32_t *parent, *next, *size, *min;
    float *conf;
};

static uint32_t
cl_find(struct clusters *c, uint32_t x)
{
    while (c->parent[x] != x) {
        c->parent[x] = c->parent[c->parent[x]];
        x = c->parent[x];
    }
    return x;
}

/* Which differences are strong contradictions in this data. */
static unsigned
cl_strong(const struct rmodel *m)
{
    unsigned s = 0;

    /* first names alike at their first letter may be one name badly
     * typed; only names that differ from the first letter on count */
    if (m->m[RC_FIRST][RL_FIRST_OTHER] < RESOLVE_STRONG_M)
        s |= RCMP_STRONG_FIRST_OTHER;
    if (m->m[RC_DOB][RL_DOB_DIFF] < RESOLVE_STRONG_M)
        s |= RCMP_STRONG_DOB_DIFF;
    return s;
}

/* Whether the persons of roots ra and rb hold contradicting records. */
static int
cl_conflict(const struct rload *l, const struct rmodel *m,
            const struct clusters *c, double min_weight, uint32_t ra,
            uint32_t rb)
{
    unsigned strong = cl_strong(m);
    uint32_t x = ra, y;

    do {
        const struct rfeat *a = &l->f[x];

        y = rb;
        do {
            const struct rfeat *b = &l->f[y];
            uint64_t p;
            int checked = (a->flags & b->flags & RF_NID_CHECKED) != 0;

            if (!rcmp_may_conflict(rarena(l, a), a, rarena(l, b), b)) {
                y = c->next[y];
                continue;
            }
            p = rcmp_pattern(rarena(l, a), a, rarena(l, b), b);
            if (rcmp_conflict(p, checked, rmodel_score(m, p, a) >= min_weight,
                              strong))
                return 1;
            y = c->next[y];
        } while (y != rb);
        x = c->next[x];
    } while (x != ra);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The stage.                                                          */

struct resolve_state {
    struct rload l;
    struct pairvec pairs;
    uint64_t *pat;
    struct rmodel model;
    uint32_t *eidx; /* links: pair index, strongest first */
    float *ew;      /* their weights, same order */
    uint8_t *status;
    size_t nlinks;
    struct clusters c;
};

static void
state_free(struct resolve_state *st)
{
    rload_free(&st->l);
    free(st->pairs.v);
    free(st->pat);
    free(st->eidx);
    free(st->ew);
    free(st->status);
    free(st->c.parent);
    free(st->c.next);
    free(st->c.size);
    free(st->c.min);
    free(st->c.conf);
}

/*
 * u: the levels of random pairs of records, RESOLVE_U_PAIRS of them (all
 * pairs when there are fewer), drawn from a fixed seed so that a resolve
 * is repeatable.
 */
static int
resolve_u(struct resolve_state *st)
{
    struct cmp_job cj[RESOLVE_THREADS];
    uint64_t n = st->l.n, all = n * (n > 0 ? n - 1 : 0) / 2, s, i, j, x;
    uint64_t cnt[RC_COUNT][RL_MAX];
    uint64_t *pairs, *pat;
    atomic_size_t done;
    struct rng r;
    int k;

    s = all < RESOLVE_U_PAIRS ? all : RESOLVE_U_PAIRS;
    pairs = malloc((s ? s : 1) * sizeof(*pairs));
    pat = malloc((s ? s : 1) * sizeof(*pat));
    if (pairs == NULL || pat == NULL) {
        free(pairs);
        free(pat);
        return TOCSIN_ENOMEM;
    }
    if (s == all) {
        for (i = 0, x = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                pairs[x++] = PAIR_MAKE(i, j);
    } else {
        rng_seed(&r, 0x746f6373696e2d75ull);
        for (x = 0; x < s; x++) {
            do {
                i = rng_below(&r, n);
                j = rng_below(&r, n);
            } while (i == j);
            pairs[x] = i < j ? PAIR_MAKE(i, j) : PAIR_MAKE(j, i);
        }
    }
    atomic_init(&done, 0);
    memset(cj, 0, sizeof(cj));
    for (k = 0; k < RESOLVE_THREADS; k++) {
        cj[k].l = &st->l;
        cj[k].pairs = pairs;
        cj[k].pat = pat;
        cj[k].done = &done;
    }
    split_run(cj, sizeof(cj[0]), (size_t)s, cmp_work);
    memset(cnt, 0, sizeof(cnt));
    for (x = 0; x < s; x++)
        for (k = 0; k < RC_COUNT; k++)
            cnt[k][RPAT_LEVEL(pat[x], k)]++;
    rmodel_set_u(&st->model, (const uint64_t(*)[RL_MAX])cnt, s, st->pairs.n,
                 n);
    free(pairs);
    free(pat);
    return TOCSIN_OK;
}

/* Compare every pair, learn the model, keep the links above min_weight,
 * strongest first. */
static int
resolve_score(struct resolve_state *st, double threshold, int progress)
{
    struct cmp_job cj[RESOLVE_THREADS];
    struct score_job sj[RESOLVE_THREADS];
    struct rpattern *pats = NULL;
    size_t npats = 0, i, n = st->pairs.n, m;
    atomic_size_t done;
    struct progress *prog = NULL;
    uint64_t *keys = NULL, *tmp = NULL;
    double min_weight;
    int k, rc;

    st->pat = malloc((n ? n : 1) * sizeof(*st->pat));
    if (st->pat == NULL)
        return TOCSIN_ENOMEM;
    atomic_init(&done, 0);
    memset(cj, 0, sizeof(cj));
    for (k = 0; k < RESOLVE_THREADS; k++) {
        cj[k].l = &st->l;
        cj[k].pairs = st->pairs.v;
        cj[k].pat = st->pat;
        cj[k].done = &done;
    }
    if (progress)
        prog = progress_start("resolve: comparing pairs", n);
    cj[0].prog = prog; /* the job split_run() runs on this thread */
    split_run(cj, sizeof(cj[0]), n, cmp_work);
    progress_end(prog);
    if ((rc = pattern_count(st->pat, n, &pats, &npats)) != TOCSIN_OK)
        return rc;
    rmodel_em(&st->model, pats, npats);
    if ((rc = resolve_u(st)) != TOCSIN_OK)
        goto out;
    log_debug("resolve: %zu distinct patterns, EM: %u iterations, match "
              "share %.4f",
              npats, st->model.iterations, st->model.lambda_candidates);
    free(pats);

    /* score; keep what is above the threshold */
    min_weight = log2(threshold / (1.0 - threshold));
    st->eidx = malloc((n ? n : 1) * sizeof(*st->eidx));
    st->ew = malloc((n ? n : 1) * sizeof(*st->ew));
    if (st->eidx == NULL || st->ew == NULL)
        return TOCSIN_ENOMEM;
    memset(sj, 0, sizeof(sj));
    for (k = 0; k < RESOLVE_THREADS; k++) {
        sj[k].l = &st->l;
        sj[k].model = &st->model;
        sj[k].pairs = st->pairs.v;
        sj[k].pat = st->pat;
        sj[k].min_weight = min_weight;
        sj[k].idx = st->eidx;
        sj[k].w = st->ew;
    }
    split_run(sj, sizeof(sj[0]), n, score_work);

    /* gather the links, strongest first */
    m = 0;
    for (k = 0; k < RESOLVE_THREADS; k++)
        m += sj[k].n;
    keys = malloc((m ? m : 1) * sizeof(*keys));
    tmp = malloc((m ? m : 1) * sizeof(*tmp));
    if (keys == NULL || tmp == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    m = 0;
    for (k = 0; k < RESOLVE_THREADS; k++)
        for (i = 0; i < sj[k].n; i++) {
            size_t at = sj[k].sp.from + i;

            keys[m++] = (uint64_t)weight_key(st->ew[at]) << 32 | st->eidx[at];
        }
    radix_u64(keys, tmp, m);
    for (i = 0; i < m; i++) {
        st->eidx[i] = (uint32_t)(keys[i] & 0xffffffffu);
        st->ew[i] = weight_of_key((uint32_t)(keys[i] >> 32));
    }
    st->nlinks = m;
    rc = TOCSIN_OK;
out:
    free(keys);
    free(tmp);
    return rc;
}

/* Join the persons link by link, strongest first, refusing a link whose
 * two persons contradict each other. */
static int
resolve_cluster(struct resolve_state *st, double min_weight, int progress,
                struct resolve_result *res)
{
    struct progress *prog = NULL;
    struct clusters *c = &st->c;
    size_t n = st->l.n, i;
    uint32_t x;

    c->parent = malloc((n ? n : 1) * sizeof(*c->parent));
    c->next = malloc((n ? n : 1) * sizeof(*c->next));
    c->size = malloc((n ? n : 1) * sizeof(*c->size));
    c->min = malloc((n ? n : 1) * sizeof(*c->min));
    c->conf = malloc((n ? n : 1) * sizeof(*c->conf));
    st->status = malloc(st->nlinks ? st->nlinks : 1);
    if (c->parent == NULL || c->next == NULL || c->size == NULL ||
        c->min == NULL || c->conf == NULL || st->status == NULL)
        return TOCSIN_ENOMEM;
    for (x = 0; x < (uint32_t)n; x++) {
        c->parent[x] = c->next[x] = c->min[x] = x;
        c->size[x] = 1;
        c->conf[x] = 1.0f;
    }
    if (progress)
        prog = progress_start("resolve: joining persons", st->nlinks);
    for (i = 0; i < st->nlinks; i++) {
        uint64_t pr = st->pairs.v[st->eidx[i]];

        if ((i & 0xffff) == 0)
            progress_update(prog, i);
        uint32_t ra = cl_find(c, (uint32_t)PAIR_A(pr));
        uint32_t rb = cl_find(c, (uint32_t)PAIR_B(pr));
        float p = (float)rmodel_probability(&st->model, st->ew[i]);

        if (ra == rb) {
            st->status[i] = LINK_WITHIN;
            continue;
        }
        if (c->size[ra] + c->size[rb] > PERSON_MAX ||
            cl_conflict(&st->l, &st->model, c, min_weight, ra, rb)) {
            st->status[i] = STORE_LINK_REFUSED;
            res->refused++;
            continue;
        }
        st->status[i] = STORE_LINK_JOINED;
        res->joined++;
        if (c->size[ra] < c->size[rb]) {
            uint32_t t = ra;

            ra = rb;
            rb = t;
        }
        c->parent[rb] = ra;
        c->size[ra] += c->size[rb];
        if (c->min[rb] < c->min[ra])
            c->min[ra] = c->min[rb];
        c->conf[ra] = c->conf[ra] < c->conf[rb] ? c->conf[ra] : c->conf[rb];
        if (p < c->conf[ra])
            c->conf[ra] = p;
        /* splice the two circular member lists */
        {
            uint32_t t = c->next[ra];

            c->next[ra] = c->next[rb];
            c->next[rb] = t;
        }
    }
    progress_end(prog);
    for (x = 0; x < (uint32_t)n; x++)
        if (c->parent[x] == x) {
            res->persons++;
            if (c->size[x] > 1)
                res->multi++;
            if (c->conf[x] < 0.99f)
                res->uncertain++;
        }
    return TOCSIN_OK;
}

/* The per-comparison weights of a link, int16 centibits, little endian. */
static void
link_weights(const struct resolve_state *st, uint64_t pattern,
             const struct rfeat *a, unsigned char out[2 * RC_COUNT])
{
    int k;

    for (k = 0; k < RC_COUNT; k++) {
        double w = rmodel_weight(&st->model, (enum rcmp)k, pattern, a) * 100.0;
        int v = (int)lround(w < -32767 ? -32767 : w > 32767 ? 32767 : w);
        uint16_t u = (uint16_t)v;

        out[2 * k] = (unsigned char)(u & 0xff);
        out[2 * k + 1] = (unsigned char)(u >> 8);
    }
}

#define WRITE_CHUNK 4096 /* rows handed to the store at once */

/* Write the persons and links, replacing what was there. */

/* Mark this resolve: meta resolved_at (UTC) and resolve_stamp (the time
 * and a random part), which later stages keep to tell whether their
 * result is of the persons now in the case. */
static int
resolve_stamp(struct store *s)
{
    unsigned char rnd[8];
    char now[32], hex[2 * sizeof(rnd) + 1], stamp[64];
    time_t t = time(NULL);
    struct tm tm;
    int rc;

    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(stamp, sizeof(stamp), "%s %s", now, hex);
    if ((rc = store_meta_set(s, "resolved_at", now)) != TOCSIN_OK)
        return rc;
    return store_meta_set(s, "resolve_stamp", stamp);
}

static int
resolve_write(struct casedir *cd, struct resolve_state *st, int progress,
              struct buf *why)
{
    struct store *s = casedir_store(cd);
    struct clusters *c = &st->c;
    struct progress *prog = NULL;
    struct store_person_record *pr = NULL;
    struct store_link *lk = NULL;
    unsigned char(*wt)[2 * RC_COUNT] = NULL;
    uint64_t *ord = NULL, *tmp = NULL;
    struct buf model;
    size_t i, j, n;
    int rc;

    buf_init(&model, 1 << 20);
    pr = malloc(WRITE_CHUNK * sizeof(*pr));
    lk = malloc(WRITE_CHUNK * sizeof(*lk));
    wt = malloc(WRITE_CHUNK * sizeof(*wt));
    ord = malloc((st->nlinks ? st->nlinks : 1) * sizeof(*ord));
    tmp = malloc((st->nlinks ? st->nlinks : 1) * sizeof(*tmp));
    if (pr == NULL || lk == NULL || wt == NULL || ord == NULL || tmp == NULL) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }
    if ((rc = store_resolve_clear(s)) != TOCSIN_OK)
        goto fail;
    if (progress)
        prog = progress_start("resolve: writing", st->l.n + st->nlinks);
    for (i = 0; i < st->l.n; i += n) {
        n = st->l.n - i < WRITE_CHUNK ? st->l.n - i : WRITE_CHUNK;
        for (j = 0; j < n; j++) {
            uint32_t r = cl_find(c, (uint32_t)(i + j));

            pr[j].record_id = st->l.f[i + j].id;
            pr[j].person_id = st->l.f[c->min[r]].id;
            pr[j].confidence = c->conf[r];
        }
        if ((rc = store_person_records_add(s, pr, n)) != TOCSIN_OK)
            goto fail;
        progress_update(prog, i + n);
    }

    /* the links that joined or were refused, in (a, b) order */
    for (i = 0, n = 0; i < st->nlinks; i++)
        if (st->status[i] != LINK_WITHIN)
            ord[n++] = (uint64_t)st->eidx[i] << 32 | i;
    radix_u64(ord, tmp, n);
    for (i = 0; i < n; i += j) {
        size_t m = n - i < WRITE_CHUNK ? n - i : WRITE_CHUNK;

        for (j = 0; j < m; j++) {
            size_t li = (size_t)(ord[i + j] & 0xffffffffu);
            uint64_t p = st->pairs.v[st->eidx[li]];
            const struct rfeat *a = &st->l.f[PAIR_A(p)];

            link_weights(st, st->pat[st->eidx[li]], a, wt[j]);
            lk[j].a = a->id;
            lk[j].b = st->l.f[PAIR_B(p)].id;
            lk[j].status = st->status[li];
            lk[j].weight = st->ew[li];
            lk[j].probability = rmodel_probability(&st->model, st->ew[li]);
            lk[j].levels = st->pat[st->eidx[li]];
            lk[j].weights = wt[j];
            lk[j].weights_len = sizeof(wt[j]);
        }
        if ((rc = store_links_add(s, lk, m)) != TOCSIN_OK)
            goto fail;
        progress_update(prog, st->l.n + i + m);
    }
    if ((rc = rmodel_json(&st->model, &model)) != TOCSIN_OK ||
        (rc = store_meta_set(s, "resolve_model", buf_str(&model))) !=
            TOCSIN_OK ||
        (rc = resolve_stamp(s)) != TOCSIN_OK)
        goto fail;
    rc = TOCSIN_OK;
    goto out;
fail:
    buf_setf(why, "writing the persons: %s",
             rc == TOCSIN_EDB ? store_errmsg(s) : tocsin_strerror(rc));
out:
    progress_end(prog);
    buf_free(&model);
    free(pr);
    free(lk);
    free(wt);
    free(ord);
    free(tmp);
    return rc;
}

int
resolve_run(struct casedir *cd, const struct resolve_options *o,
            struct resolve_result *res, struct buf *summary, struct buf *why)
{
    struct store *s = casedir_store(cd);
    struct resolve_state st;
    double t0 = clock_now(), threshold;
    char num[32];
    int rc, in_tx = 0;

    memset(res, 0, sizeof(*res));
    memset(&st, 0, sizeof(st));
    threshold = o->threshold > 0 ? o->threshold : RESOLVE_THRESHOLD_DEFAULT;
    if (!(threshold > 0 && threshold < 1)) {
        buf_setf(why, "the threshold must be a probability between 0 "
                      "and 1");
        return TOCSIN_EINVAL;
    }
    /* one transaction: the records read are the records resolved, and
     * readers see the old persons or the new ones */
    if ((rc = store_begin(s)) != TOCSIN_OK) {
        buf_setf(why, "%s", store_errmsg(s));
        return rc;
    }
    in_tx = 1;
    if ((rc = rload_run(cd, o->progress, &st.l, why)) != TOCSIN_OK)
        goto out;
    res->records = st.l.n;
    log_debug("resolve: %zu records read in %.1f s", st.l.n, clock_now() - t0);
    if ((rc = block_run(&st.l, o->progress, &st.pairs,
                        &res->blocks_skipped)) != TOCSIN_OK) {
        buf_setf(why, "making candidate pairs: %s", tocsin_strerror(rc));
        goto out;
    }
    res->candidates = st.pairs.n;
    log_debug("resolve: %zu candidate pairs (%.1f s)", st.pairs.n,
              clock_now() - t0);
    if ((rc = resolve_score(&st, threshold, o->progress)) != TOCSIN_OK) {
        buf_setf(why, "comparing: %s", tocsin_strerror(rc));
        goto out;
    }
    res->links = st.nlinks;
    res->em_iterations = st.model.iterations;
    res->match_share = st.pairs.n > 0 ? st.model.lambda_candidates : 0.0;
    if ((rc = resolve_cluster(&st, log2(threshold / (1.0 - threshold)),
                              o->progress, res)) != TOCSIN_OK) {
        buf_setf(why, "clustering: %s", tocsin_strerror(rc));
        goto out;
    }
    log_debug("resolve: %llu persons (%.1f s)",
              (unsigned long long)res->persons, clock_now() - t0);
    if ((rc = resolve_write(cd, &st, o->progress, why)) != TOCSIN_OK)
        goto out;
    res->seconds = clock_now() - t0;
    if (summary != NULL &&
        (rc = buf_printf(
             summary,
             ",\"resolve\":{\"records\":%llu,\"persons\":%llu,"
             "\"persons_with_several_records\":%llu,\"candidate_pairs\":%llu,"
             "\"links\":%llu,\"joined\":%llu,\"refused\":%llu,"
             "\"blocks_skipped\":%llu,\"uncertain_persons\":%llu,"
             "\"em_iterations\":%u,\"match_share\":%.6g,"
             "\"threshold\":%.6g}",
             (unsigned long long)res->records,
             (unsigned long long)res->persons, (unsigned long long)res->multi,
             (unsigned long long)res->candidates,
             (unsigned long long)res->links, (unsigned long long)res->joined,
             (unsigned long long)res->refused,
             (unsigned long long)res->blocks_skipped,
             (unsigned long long)res->uncertain, res->em_iterations,
             res->match_share, threshold)) != TOCSIN_OK)
        goto out;
    snprintf(num, sizeof(num), "%.6g", threshold);
    if ((rc = store_meta_set(s, "resolve_threshold", num)) != TOCSIN_OK ||
        (rc = store_commit(s)) != TOCSIN_OK) {
        buf_setf(why, "%s", store_errmsg(s));
        goto out;
    }
    in_tx = 0;
out:
    if (in_tx)
        store_rollback(s);
    state_free(&st);
    return rc;
}
