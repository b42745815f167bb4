/*
 * unseal.c - every record of a case, unsealed and decoded on two threads
 * (see unseal.h).
 *
 * The calling thread reads the sealed boxes in id order into a ring of
 * batches; each worker takes the oldest full batch, opens and decodes its
 * records one by one and calls the stage's function. A failure anywhere
 * stops the others at their next batch.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/progress.h"
#include "config.h"
#include "seal.h"
#include "store.h"
#include "unseal.h"

#define UNSEAL_BATCH 4096
#define UNSEAL_RING  8

struct unseal_batch {
    size_t first; /* index of its first record */
    size_t n;
    struct unseal_item item[UNSEAL_BATCH];
    size_t off[UNSEAL_BATCH + 1]; /* sealed boxes in data */
    struct buf data;
    int state; /* 0 free, 1 full, 2 taken, 3 being filled */
};

struct unseal_shared {
    const struct seal *seal;
    const struct case_config *cfg;
    unseal_fn fn;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct unseal_batch ring[UNSEAL_RING];
    int done; /* the reader is finished */
    int fail; /* the first failure */
    int64_t fail_id;
    uint64_t passed;
};

struct unseal_worker {
    struct unseal_shared *sh;
    int index;
    struct buf plain;
    pthread_t th;
};

/* "record:ID", the context records are sealed with (ingest.c). */
static void
unseal_context(char out[32], int64_t id)
{
    char num[24];
    size_t n = sizeof(num);
    uint64_t v = (uint64_t)id;

    do {
        num[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    memcpy(out, "record:", 7);
    memcpy(out + 7, num + n, sizeof(num) - n);
    out[7 + sizeof(num) - n] = '\0';
}

int
unseal_record(const struct seal *seal, int64_t id, const void *sealed,
              size_t len, struct buf *plain, struct record *r)
{
    char ctx[32];
    int rc;

    buf_reset(plain);
    unseal_context(ctx, id);
    rc = seal_decrypt(seal, ctx, sealed, len, plain);
    if (rc == TOCSIN_OK)
        rc = record_decode(buf_str(plain), buf_len(plain), r);
    return rc;
}

static int
unseal_one(struct unseal_worker *w, struct unseal_batch *b, size_t i)
{
    struct unseal_shared *sh = w->sh;
    struct record r;
    int rc;

    rc = unseal_record(sh->seal, b->item[i].id, buf_str(&b->data) + b->off[i],
                       b->off[i + 1] - b->off[i], &w->plain, &r);
    if (rc == TOCSIN_OK)
        rc = sh->fn(sh->ctx, w->index, &b->item[i], &r);
    buf_scrub(&w->plain);
    return rc;
}

static void *
unseal_work(void *arg)
{
    struct unseal_worker *w = arg;
    struct unseal_shared *sh = w->sh;
    size_t k, i;
    int rc;

    for (;;) {
        struct unseal_batch *b = NULL;

        pthread_mutex_lock(&sh->mu);
        for (;;) {
            for (k = 0; k < UNSEAL_RING; k++)
                if (sh->ring[k].state == 1 &&
                    (b == NULL || sh->ring[k].first < b->first))
                    b = &sh->ring[k];
            if (b != NULL || sh->done || sh->fail != 0)
                break;
            pthread_cond_wait(&sh->cv, &sh->mu);
        }
        if (b == NULL || sh->fail != 0) {
            pthread_mutex_unlock(&sh->mu);
            return NULL;
        }
        b->state = 2;
        pthread_mutex_unlock(&sh->mu);

        rc = TOCSIN_OK;
        for (i = 0; i < b->n && rc == TOCSIN_OK; i++)
            rc = unseal_one(w, b, i);

        pthread_mutex_lock(&sh->mu);
        if (rc != TOCSIN_OK && sh->fail == 0) {
            sh->fail = rc;
            sh->fail_id = b->item[i - 1].id;
        }
        sh->passed += b->n;
        buf_reset(&b->data); /* ciphertext: nothing to wipe */
        b->state = 0;
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
    }
}

struct unseal_reader {
    struct unseal_shared *sh;
    struct unseal_batch *cur;
    size_t next; /* index of the next record */
    uint64_t expected;
    struct progress *prog;
};

/* Hand the batch being filled to the workers; take a free one. */
static int
unseal_flush(struct unseal_reader *rd)
{
    struct unseal_shared *sh = rd->sh;
    size_t k;

    pthread_mutex_lock(&sh->mu);
    if (rd->cur != NULL)
        rd->cur->state = rd->cur->n > 0 ? 1 : 0;
    pthread_cond_broadcast(&sh->cv);
    rd->cur = NULL;
    while (sh->fail == 0) {
        for (k = 0; k < UNSEAL_RING; k++)
            if (sh->ring[k].state == 0) {
                rd->cur = &sh->ring[k];
                break;
            }
        if (rd->cur != NULL)
            break;
        pthread_cond_wait(&sh->cv, &sh->mu);
    }
    if (rd->cur != NULL) {
        rd->cur->state = 3;
        rd->cur->n = 0;
        rd->cur->first = rd->next;
        rd->cur->off[0] = 0;
        buf_reset(&rd->cur->data);
    }
    progress_update(rd->prog, sh->passed);
    pthread_mutex_unlock(&sh->mu);
    return rd->cur != NULL ? TOCSIN_OK : sh->fail;
}

static unsigned
unseal_brand(const struct case_config *cfg, const char *brand)
{
    size_t i;

    if (brand == NULL)
        return 0;
    for (i = 0; i < cfg->nbrands; i++)
        if (strcmp(cfg->brands[i].id, brand) == 0)
            return (unsigned)(i + 1);
    return 0;
}

static int
unseal_row(void *ctx, const struct store_record_view *v)
{
    struct unseal_reader *rd = ctx;
    struct unseal_batch *b = rd->cur;
    struct unseal_item *it = &b->item[b->n];
    int rc;

    if (rd->next >= rd->expected)
        return TOCSIN_EDB; /* more records than counted: not one read
                              transaction */
    if ((rc = buf_append(&b->data, v->sealed, v->sealed_len)) != TOCSIN_OK)
        return rc;
    it->index = rd->next;
    it->id = v->id;
    it->person_id = v->person_id;
    it->brand = unseal_brand(rd->sh->cfg, v->brand);
    it->present = v->present;
    b->n++;
    b->off[b->n] = buf_len(&b->data);
    rd->next++;
    if (b->n == UNSEAL_BATCH)
        return unseal_flush(rd);
    return TOCSIN_OK;
}

int
unseal_each(struct casedir *c, const struct unseal_options *o, unseal_fn fn,
            void *ctx, uint64_t *count, struct buf *why)
{
    struct unseal_shared *sh;
    struct unseal_worker w[UNSEAL_WORKERS];
    struct unseal_reader rd;
    int rc = TOCSIN_OK, k, started = 0;

    *count = 0;
    /* the ring is a few MB: not on the stack */
    if ((sh = calloc(1, sizeof(*sh))) == NULL)
        return TOCSIN_ENOMEM;
    memset(&rd, 0, sizeof(rd));
    sh->seal = casedir_seal(c);
    sh->cfg = casedir_config(c);
    sh->fn = fn;
    sh->ctx = ctx;
    pthread_mutex_init(&sh->mu, NULL);
    pthread_cond_init(&sh->cv, NULL);
    for (k = 0; k < UNSEAL_RING; k++)
        buf_init(&sh->ring[k].data, SIZE_MAX);
    for (k = 0; k < UNSEAL_WORKERS; k++) {
        w[k].sh = sh;
        w[k].index = k;
        buf_init(&w[k].plain, SIZE_MAX);
    }
    for (k = 0; k < UNSEAL_WORKERS; k++) {
        if (pthread_create(&w[k].th, NULL, unseal_work, &w[k]) != 0)
            break;
        started++;
    }
    if (started == 0)
        rc = TOCSIN_ENOMEM;
    rd.sh = sh;
    rd.expected = o->expected;
    rd.prog = o->label != NULL ? progress_start(o->label, o->expected) : NULL;
    if (rc == TOCSIN_OK)
        rc = unseal_flush(&rd);
    if (rc == TOCSIN_OK)
        rc = store_records_each(
            casedir_store(c),
            (o->flags & UNSEAL_PERSONS) != 0 ? STORE_EACH_PERSONS : 0,
            unseal_row, &rd);
    if (rc == TOCSIN_OK)
        rc = unseal_flush(&rd);

    pthread_mutex_lock(&sh->mu);
    if (rd.cur != NULL)
        rd.cur->state = 0;
    sh->done = 1;
    if (rc != TOCSIN_OK && sh->fail == 0)
        sh->fail = rc;
    pthread_cond_broadcast(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
    for (k = 0; k < started; k++)
        pthread_join(w[k].th, NULL);
    progress_end(rd.prog);
    if (rc == TOCSIN_OK)
        rc = sh->fail;
    if (rc != TOCSIN_OK && sh->fail_id != 0)
        buf_setf(why, "record %lld: %s", (long long)sh->fail_id,
                 tocsin_strerror(rc));
    else if (rc != TOCSIN_OK)
        buf_setf(why, "reading the records: %s",
                 rc == TOCSIN_EDB ? store_errmsg(casedir_store(c))
                                  : tocsin_strerror(rc));
    for (k = 0; k < UNSEAL_RING; k++)
        buf_free(&sh->ring[k].data);
    for (k = 0; k < UNSEAL_WORKERS; k++)
        buf_wipe(&w[k].plain);
    pthread_mutex_destroy(&sh->mu);
    pthread_cond_destroy(&sh->cv);
    *count = rd.next;
    free(sh);
    return rc;
}
