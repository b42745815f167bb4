/*
 * notify_smtp.c - notify over an SMTP relay: the journal around smtp.h.
 *
 * Three threads. The composer (its own read connection to the case) takes
 * the journal's due messages after a cursor, so that none is taken twice,
 * into free slots of a pool, composes each (records unsealed, templates
 * rendered, MIME, the final dot) and puts it on the ready queue, waking the
 * engine through an eventfd. The main thread runs the engine (smtp.h): it
 * asks for messages (next), says which payloads it is about to write
 * (sending: an in-flight mark) and then asks for a commit (commit), and
 * reports each outcome (done) with the server's reply (addresses
 * removed). The journal thread (its own connection) is the only writer of
 * the journal: it takes every update queued so far, writes them in one
 * transaction and tells the engine which commit requests are durable
 * (committed); the engine writes a payload only then, and serves the other
 * connections meanwhile. The requests that come while a transaction is
 * being written go into the next one: the busier the engine, the larger
 * the groups. Outcomes ride with the next group, or the tick's (100 ms).
 * A message that could not be composed goes back to the main thread on a
 * queue of its own and is failed in the journal with the reason. A 4xx
 * defers with exponential backoff and jitter; deferred messages that come
 * due within NOTIFY_WAIT_MAX seconds are waited for in the same run.
 *
 * The composer's queues and the free list are under one mutex, the
 * journal's queue under another; composing, sending and writing the
 * journal never hold them. A journal update is copied into the queue with
 * the strings it points at, since its slot may be reused before it is
 * written.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "mime.h"
#include "notify_int.h"
#include "ratelimit.h"
#include "smtp.h"
#include "../util/grow.h"
#include "../util/str.h"

#define NOTIFY_MAX_ATTEMPTS 8    /* deferred this often: failed */
#define NOTIFY_BACKOFF_S    60   /* first wait after a 4xx */
#define NOTIFY_BACKOFF_MAX  3600 /* longest wait between attempts */
#define NOTIFY_WAIT_MAX     300  /* wait in a run for deferred ones due */
#define NOTIFY_TAKE         64   /* messages the composer takes at once */
#define NOTIFY_GROUP_US     200  /* a commit waits this long for others */

/* A journal update queued for the journal thread: its strings are in the
 * queue's bytes (offsets plus one; 0 for NULL) until it is written. */
struct nupd {
    struct store_msg_update u;
    size_t domain, vcode, subject, rcpt_mask, reply, brand, from_domain;
};

struct njq {
    struct nupd *v;
    size_t n, cap;
    struct buf bytes;
};

/* A FIFO of slot indexes (capacity: the pool). */
struct nfifo {
    size_t *v;
    size_t head, len, cap;
};

struct nsmtp {
    struct notify_ctx *x;
    struct nmsg *slot;
    size_t nslot;

    /* under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* the composer waits here */
    struct nfifo ready;  /* composed, in journal order */
    struct nfifo failed; /* could not be composed: to be journaled */
    size_t *free_slots;
    size_t nfree;
    int64_t cursor; /* the composer's: the last id taken */
    int exhausted;  /* the composer found nothing due after the cursor */
    int qdone;      /* the queue is done (the journal thread queues) */
    int rescan;     /* main asks: from the start (deferred ones due) */
    int quit;       /* main asks the composer to stop */
    int cfail;      /* the composer's error, 0 if none */
    int busy;       /* the composer holds slots it is composing */

    /* the journal: under jmu */
    pthread_mutex_t jmu;
    pthread_cond_t jcv; /* the journal thread waits here */
    struct njq jq;      /* updates to write, in order */
    uint64_t asked;     /* the engine's commit requests */
    uint64_t durable;   /* of them written */
    int jflush;         /* the tick asks: write what is queued */
    int jquit;          /* main asks the journal thread to finish */
    int jbusy;          /* the journal thread is writing */
    int jfail;          /* its error, 0 if none */

    /* the journal thread's */
    struct store *js;
    struct njq jw;               /* the group being written */
    struct store_msg_update *ju; /* its updates, strings in place */
    size_t jucap;

    /* the main thread's */
    uint64_t handed, outstanding;
    double t0, last_rescan;
    struct progress *prog;
    struct rlim *rlim; /* per recipient domain */
    int fail;          /* a journal error: stop */
    int wake;          /* eventfd: the composer wakes the engine */

    /* the composer's */
    struct ncompose w;
    struct store *cs;
    size_t take[NOTIFY_TAKE];
    size_t ntake, nfilled;
};

static int nsmtp_composer_due(const struct nsmtp *n);

static void
nfifo_push(struct nfifo *q, size_t k)
{
    q->v[(q->head + q->len) % q->cap] = k;
    q->len++;
}

static size_t
nfifo_pop(struct nfifo *q)
{
    size_t k = q->v[q->head];

    q->head = (q->head + 1) % q->cap;
    q->len--;
    return k;
}

/* ---- the journal queue ---- */

/* Copy len bytes of p into q's bytes: the offset plus one, 0 for NULL p,
 * or -1 out of memory. */
static long long
njq_bytes(struct njq *q, const void *p, size_t len)
{
    size_t at = buf_len(&q->bytes);

    if (p == NULL)
        return 0;
    if (buf_append(&q->bytes, p, len) != TOCSIN_OK)
        return -1;
    return (long long)at + 1;
}

/* Queue a copy of u with its strings: 0 or TOCSIN_ENOMEM. */
static int
njq_add(struct njq *q, const struct store_msg_update *u)
{
    struct nupd *d;
    long long o[7];
    size_t k;
    void *p;

    if ((p = grow(q->v, &q->cap, q->n + 1, sizeof(*q->v), 256)) == NULL)
        return TOCSIN_ENOMEM;
    q->v = p;
    /* strings with their NUL */
    o[0] = njq_bytes(q, u->domain, u->domain ? strlen(u->domain) + 1 : 0);
    o[1] = njq_bytes(q, u->vcode, u->vcode_len);
    o[2] = njq_bytes(q, u->subject, u->subject_len);
    o[3] = njq_bytes(q, u->rcpt_mask,
                     u->rcpt_mask ? strlen(u->rcpt_mask) + 1 : 0);
    o[4] = njq_bytes(q, u->reply, u->reply ? strlen(u->reply) + 1 : 0);
    o[5] = njq_bytes(q, u->brand, u->brand ? strlen(u->brand) + 1 : 0);
    o[6] = njq_bytes(q, u->from_domain,
                     u->from_domain ? strlen(u->from_domain) + 1 : 0);
    for (k = 0; k < 7; k++)
        if (o[k] < 0)
            return TOCSIN_ENOMEM;
    d = &q->v[q->n++];
    d->u = *u;
    d->domain = (size_t)o[0];
    d->vcode = (size_t)o[1];
    d->subject = (size_t)o[2];
    d->rcpt_mask = (size_t)o[3];
    d->reply = (size_t)o[4];
    d->brand = (size_t)o[5];
    d->from_domain = (size_t)o[6];
    return TOCSIN_OK;
}

static const void *
njq_at(const struct njq *q, size_t off)
{
    return off ? buf_str(&q->bytes) + off - 1 : NULL;
}

static void
njq_clear(struct njq *q)
{
    q->n = 0;
    buf_scrub(&q->bytes);
}

static void
njq_free(struct njq *q)
{
    free(q->v);
    buf_free(&q->bytes);
}

/* ---- the journal thread ---- */

/* Write the group in n->jw in one transaction. */
static int
nsmtp_write(struct nsmtp *n)
{
    const struct njq *q = &n->jw;
    size_t i;
    void *p;

    if (q->n == 0)
        return TOCSIN_OK;
    if ((p = grow(n->ju, &n->jucap, q->n, sizeof(*n->ju), 256)) == NULL)
        return TOCSIN_ENOMEM;
    n->ju = p;
    for (i = 0; i < q->n; i++) {
        const struct nupd *d = &q->v[i];
        struct store_msg_update *u = &n->ju[i];

        *u = d->u;
        u->domain = njq_at(q, d->domain);
        u->vcode = njq_at(q, d->vcode);
        u->subject = njq_at(q, d->subject);
        u->rcpt_mask = njq_at(q, d->rcpt_mask);
        u->reply = njq_at(q, d->reply);
        u->brand = njq_at(q, d->brand);
        u->from_domain = njq_at(q, d->from_domain);
    }
    return notify_journal(n->js, n->ju, q->n);
}

/* Queue the next part of the first queue, or (end) build the index that a
 * queue stopping before it is done leaves out, in a transaction of its
 * own; after a part the composer may find more. */
static int
nsmtp_queue_part(struct nsmtp *n, int end)
{
    struct store_queue *q = n->x->queue;
    int rc;

    if ((rc = notify_begin(n->js)) != TOCSIN_OK)
        return rc;
    rc = end ? store_msg_queue_end(n->js, q)
             : store_msg_queue(n->js, q, NOTIFY_QUEUE_PART);
    if (rc != TOCSIN_OK) {
        store_rollback(n->js);
        return rc;
    }
    if ((rc = store_commit(n->js)) != TOCSIN_OK || end)
        return rc;
    pthread_mutex_lock(&n->mu);
    n->exhausted = 0;
    n->qdone = q->done;
    if (nsmtp_composer_due(n))
        pthread_cond_signal(&n->cv);
    pthread_mutex_unlock(&n->mu);
    return TOCSIN_OK;
}

static void *
nsmtp_journal(void *arg)
{
    struct nsmtp *n = arg;
    struct njq t;
    uint64_t one = 1, take;
    int rc, queue = n->x->queue != NULL && !n->x->queue->done, parted = 0;

    pthread_mutex_lock(&n->jmu);
    for (;;) {
        while (!n->jquit && n->asked == n->durable &&
               !(n->jflush && n->jq.n > 0) && !(queue && n->jfail == 0))
            pthread_cond_wait(&n->jcv, &n->jmu);
        if (n->jfail != 0) {
            /* nothing more is written: the run stops */
            njq_clear(&n->jq);
            if (n->jquit)
                break;
            n->durable = n->asked;
            continue;
        }
        if (n->jquit && n->jq.n == 0 && n->asked == n->durable) {
            pthread_mutex_unlock(&n->jmu);
            rc = queue ? nsmtp_queue_part(n, 1) : TOCSIN_OK;
            pthread_mutex_lock(&n->jmu);
            if (rc != TOCSIN_OK)
                n->jfail = rc;
            break;
        }
        /* A part of the queue (a few milliseconds) after each commit, and
         * more while nothing else is to be written. */
        if (queue && !n->jquit &&
            (!parted ||
             (n->asked == n->durable && !(n->jflush && n->jq.n > 0)))) {
            pthread_mutex_unlock(&n->jmu);
            rc = nsmtp_queue_part(n, 0);
            queue = !n->x->queue->done;
            parted = 1;
            pthread_mutex_lock(&n->jmu);
            if (rc != TOCSIN_OK)
                n->jfail = rc;
            continue;
        }
        parted = 0;
        /* Group commit (as PostgreSQL's commit_delay): a moment for more
         * requests to join before the commit. Each commit costs as much
         * as a dozen updates (the WAL's pages, its locks, and a checkpoint
         * every thousand pages): 18 268 messages took 2 414 commits
         * without it and 933 with it, and a tenth less time and CPU, for
         * 0.2 ms more before a payload goes out (a round trip is 1-2 ms
         * under load). */
        if (n->asked > n->durable && !n->jquit) {
            struct timespec ts = {0, NOTIFY_GROUP_US * 1000L};

            pthread_mutex_unlock(&n->jmu);
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&n->jmu);
        }
        t = n->jw;
        n->jw = n->jq;
        n->jq = t;
        take = n->asked;
        n->jflush = 0;
        n->jbusy = 1;
        pthread_mutex_unlock(&n->jmu);
        rc = nsmtp_write(n);
        njq_clear(&n->jw);
        pthread_mutex_lock(&n->jmu);
        n->jbusy = 0;
        if (rc != TOCSIN_OK)
            n->jfail = rc;
        else
            n->durable = take;
        pthread_mutex_unlock(&n->jmu);
        if (write(n->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
            log_debug("notify: journal: cannot wake the engine");
        pthread_mutex_lock(&n->jmu);
    }
    pthread_mutex_unlock(&n->jmu);
    return NULL;
}

/* Ask the journal thread to write what is queued and end; wait for it. */
static void
nsmtp_journal_end(struct nsmtp *n, pthread_t th)
{
    pthread_mutex_lock(&n->jmu);
    n->jquit = 1;
    pthread_cond_signal(&n->jcv);
    pthread_mutex_unlock(&n->jmu);
    pthread_join(th, NULL);
}

/* ---- the journal (main thread) ---- */

/* Message m moves to state: the update, with the row as the journal has
 * it (the summaries need not read it). */
static struct store_msg_update
nsmtp_update(struct nmsg *m, int state)
{
    struct store_msg_update u;

    memset(&u, 0, sizeof(u));
    u.id = m->id;
    u.state = state;
    u.attempts = m->attempts;
    u.known = 1;
    u.from = m->jstate;
    u.brand = m->brand;
    u.kind = m->kind;
    u.from_domain = m->jdomain[0] != '\0' ? m->jdomain : NULL;
    m->jstate = state;
    return u;
}

/* Queue u for the journal thread. */
static void
nsmtp_put(struct nsmtp *n, const struct store_msg_update *u)
{
    int rc;

    pthread_mutex_lock(&n->jmu);
    rc = njq_add(&n->jq, u);
    pthread_mutex_unlock(&n->jmu);
    if (rc != TOCSIN_OK && n->fail == 0)
        n->fail = rc;
}

/* The composer has work (under mu): free slots, and either enough of
 * them for a whole take or a ready queue running short. Each take is a
 * read transaction, which after a journal commit starts cold (SQLite drops
 * its cache and mapping of the file then): the fewer, the better. */
static int
nsmtp_composer_due(const struct nsmtp *n)
{
    return n->nfree > 0 &&
           (n->nfree >= NOTIFY_TAKE || n->ready.len < n->nslot / 4);
}

/* Slot k is free again: wipe it, give it to the composer. */
static void
nsmtp_release(struct nsmtp *n, size_t k)
{
    struct nmsg *m = &n->slot[k];

    sodium_memzero(m->rcpt, sizeof(m->rcpt));
    buf_scrub(&m->mime);
    pthread_mutex_lock(&n->mu);
    n->free_slots[n->nfree++] = k;
    if (nsmtp_composer_due(n))
        pthread_cond_signal(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

/* Journal the messages the composer could not compose: failed, with the
 * reason (static text). */
static void
nsmtp_failed(struct nsmtp *n)
{
    struct store_msg_update u;
    size_t k;

    for (;;) {
        pthread_mutex_lock(&n->mu);
        if (n->failed.len == 0) {
            pthread_mutex_unlock(&n->mu);
            return;
        }
        k = nfifo_pop(&n->failed);
        pthread_mutex_unlock(&n->mu);
        u = nsmtp_update(&n->slot[k], STORE_MSG_FAILED);
        u.reply = n->slot[k].reason;
        nsmtp_put(n, &u);
        n->x->res->failed++;
        nsmtp_release(n, k);
        notify_progress_note(n->x);
    }
}

/* ---- the composer (its own thread and connection) ---- */

static int
nsmtp_due_cb(void *ctx, const struct store_msg *sm)
{
    struct nsmtp *n = ctx;

    if (n->nfilled == n->ntake)
        return 1;
    return notify_take(&n->slot[n->take[n->nfilled++]], sm);
}

/* Compose slot k's message for SMTP: 0, or an error that stops the run
 * (the database, the key). */
static int
nsmtp_compose(struct nsmtp *n, struct nmsg *m)
{
    int rc = notify_compose(n->x, &n->w, m);

    if (rc != TOCSIN_OK)
        return rc;
    /* No line mime_write() writes starts with a '.' (mime.h): the DATA
     * form is the message and the final dot. */
    assert(!m->composed ||
           (buf_len(&m->mime) >= 2 && buf_str(&m->mime)[0] != '.' &&
            memmem(buf_str(&m->mime), buf_len(&m->mime), "\n.", 2) == NULL));
    if (m->composed && buf_append(&m->mime, ".\r\n", 3) != TOCSIN_OK) {
        m->composed = 0;
        m->reason = "the message could not be prepared for SMTP";
        buf_scrub(&m->mime);
    }
    return TOCSIN_OK;
}

static void *
nsmtp_composer(void *arg)
{
    struct nsmtp *n = arg;
    const struct notify_options *o = n->x->o;
    uint64_t one = 1;
    size_t i;
    int rc = TOCSIN_OK;

    pthread_mutex_lock(&n->mu);
    for (;;) {
        while (!n->quit && (n->exhausted ? !n->rescan || n->nfree == 0
                                         : !nsmtp_composer_due(n)))
            pthread_cond_wait(&n->cv, &n->mu);
        if (n->quit)
            break;
        if (n->rescan) {
            n->cursor = 0;
            n->exhausted = 0;
            n->rescan = 0;
        }
        n->ntake = n->nfree < NOTIFY_TAKE ? n->nfree : NOTIFY_TAKE;
        for (i = 0; i < n->ntake; i++)
            n->take[i] = n->free_slots[--n->nfree];
        n->busy = 1;
        pthread_mutex_unlock(&n->mu);

        n->nfilled = 0;
        rc = store_msg_due(n->cs, (int64_t)time(NULL), n->cursor,
                           o->answers_only ? STORE_MSG_ANSWER : -1, n->ntake,
                           nsmtp_due_cb, n);
        if (rc == 1)
            rc = TOCSIN_OK;
        for (i = 0; i < n->nfilled && rc == TOCSIN_OK; i++)
            rc = nsmtp_compose(n, &n->slot[n->take[i]]);

        pthread_mutex_lock(&n->mu);
        n->busy = 0;
        if (rc != TOCSIN_OK) {
            for (i = 0; i < n->ntake; i++)
                n->free_slots[n->nfree++] = n->take[i];
            n->cfail = rc;
            break;
        }
        if (n->nfilled > 0)
            n->cursor = n->slot[n->take[n->nfilled - 1]].id;
        for (i = 0; i < n->nfilled; i++) {
            size_t k = n->take[i];

            nfifo_push(n->slot[k].composed ? &n->ready : &n->failed, k);
        }
        for (; i < n->ntake; i++)
            n->free_slots[n->nfree++] = n->take[i];
        if (n->nfilled < n->ntake)
            n->exhausted = 1;
        pthread_mutex_unlock(&n->mu);
        if (write(n->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
            rc = TOCSIN_EIO;
        pthread_mutex_lock(&n->mu);
        if (rc != TOCSIN_OK) {
            n->cfail = rc;
            break;
        }
    }
    pthread_mutex_unlock(&n->mu);
    if (rc != TOCSIN_OK && write(n->wake, &one, sizeof(one)) < 0)
        log_debug("notify: composer: cannot wake the engine");
    return NULL;
}

/* ---- the engine's callbacks (main thread) ---- */

static int
nsmtp_next(void *ctx, struct smtp_msg *sm)
{
    struct nsmtp *n = ctx;
    const struct notify_options *o = n->x->o;
    struct nmsg *m;
    double now = clock_now();
    int64_t t = 0;
    size_t k = 0, i, j;
    int found = 0, more;

    nsmtp_failed(n);
    if (n->fail != 0 || (o->stop != NULL && *o->stop) ||
        (o->limit > 0 && n->handed >= o->limit))
        return n->outstanding > 0 ? 0 : -1;
    if (o->rate > 0 &&
        (double)n->handed >= (clock_now() - n->t0) * o->rate + 1)
        return 0;
    pthread_mutex_lock(&n->mu);
    if (n->cfail != 0 && n->fail == 0)
        n->fail = n->cfail;
    /* the first ready message whose domain may get one now; the others
     * keep their order behind it */
    for (i = 0; i < n->ready.len && n->fail == 0; i++) {
        size_t at = (n->ready.head + i) % n->ready.cap;
        int ok = rlim_take(n->rlim, n->slot[n->ready.v[at]].domain, now);

        if (ok < 0) {
            n->fail = TOCSIN_ENOMEM;
            break;
        }
        if (ok == 0)
            continue;
        k = n->ready.v[at];
        for (j = i; j > 0; j--) /* close the gap */
            n->ready.v[(n->ready.head + j) % n->ready.cap] =
                n->ready.v[(n->ready.head + j - 1) % n->ready.cap];
        n->ready.head = (n->ready.head + 1) % n->ready.cap;
        n->ready.len--;
        found = 1;
        break;
    }
    /* more may come: the composer is at work, or has slots to fill */
    more = n->ready.len > 0 || n->failed.len > 0 || n->busy ||
           (!n->exhausted && n->nfree > 0) || n->rescan || !n->qdone;
    pthread_mutex_unlock(&n->mu);
    if (n->fail != 0)
        return n->outstanding > 0 ? 0 : -1;
    if (!found) {
        if (more || n->outstanding > 0)
            return 0;
        /* deferred ones due soon: wait for them in this run */
        if (store_msg_next_at(n->x->s, &t) == TOCSIN_OK && t > 0 &&
            t - (int64_t)time(NULL) <= NOTIFY_WAIT_MAX)
            return 0;
        return -1;
    }
    m = &n->slot[k];
    sm->id = k;
    sm->mail_from = m->mail_from;
    sm->rcpt = m->rcpt;
    sm->data = buf_str(&m->mime);
    sm->len = buf_len(&m->mime);
    n->handed++;
    n->outstanding++;
    return 1;
}

static void
nsmtp_sending(void *ctx, uint64_t id)
{
    struct nsmtp *n = ctx;
    struct nmsg *m = &n->slot[id];
    struct store_msg_update u;

    m->attempts++;
    u = nsmtp_update(m, STORE_MSG_IN_FLIGHT);
    notify_inflight(&u, m);
    nsmtp_put(n, &u); /* copies u's strings: now jdomain may change */
    if (u.domain != NULL)
        str_copy(m->jdomain, sizeof(m->jdomain), u.domain);
}

static int
nsmtp_commit(void *ctx)
{
    struct nsmtp *n = ctx;
    int fail;

    pthread_mutex_lock(&n->jmu);
    n->asked++;
    pthread_cond_signal(&n->jcv);
    fail = n->jfail;
    pthread_mutex_unlock(&n->jmu);
    return fail != 0 || n->fail != 0;
}

static int64_t
nsmtp_committed(void *ctx)
{
    struct nsmtp *n = ctx;
    int64_t d;

    pthread_mutex_lock(&n->jmu);
    d = n->jfail != 0 ? -1 : (int64_t)n->durable;
    pthread_mutex_unlock(&n->jmu);
    return d;
}

/* The reply text with every word that holds an '@' replaced: servers
 * quote the recipient ("550 5.1.1 <a@b.nl>: ..."). */
static void
nsmtp_clean(const char *text, char *out, size_t size)
{
    static const char mark[] = "<address>";
    size_t i = 0, o = 0, w, k;

    while (text[i] != '\0' && o + 1 < size) {
        for (w = i; text[w] != '\0' && text[w] != ' '; w++)
            ;
        if (memchr(text + i, '@', w - i) != NULL) {
            for (k = 0; mark[k] != '\0' && o + 1 < size; k++)
                out[o++] = mark[k];
            i = w;
        } else {
            for (; i < w && o + 1 < size; i++)
                out[o++] = text[i];
        }
        if (text[i] == ' ' && o + 1 < size)
            out[o++] = text[i++];
        else if (text[i] == ' ')
            break;
    }
    out[o] = '\0';
}

static void
nsmtp_done(void *ctx, uint64_t id, enum smtp_outcome oc, int code,
           const char *enhanced, const char *text)
{
    struct nsmtp *n = ctx;
    struct nmsg *m = &n->slot[id];
    struct notify_result *res = n->x->res;
    struct store_msg_update u;
    char reply[LIMIT_SMTP_REPLY_TEXT + 32], clean[LIMIT_SMTP_REPLY_TEXT + 32];
    int64_t wait;

    n->outstanding--;
    snprintf(reply, sizeof(reply), "%s%s%s", enhanced != NULL ? enhanced : "",
             enhanced != NULL && enhanced[0] != '\0' ? " " : "",
             text != NULL ? text : "");
    nsmtp_clean(reply, clean, sizeof(clean));
    switch (oc) {
    case SMTP_ACCEPTED:
        u = nsmtp_update(m, STORE_MSG_ACCEPTED);
        rlim_accepted(n->rlim, m->domain);
        res->sent++;
        break;
    case SMTP_RETRY:
        /* never reached the server's DATA: back to the queue, first; no
         * attempt */
        if (m->attempts > 0)
            m->attempts--;
        u = nsmtp_update(m, STORE_MSG_QUEUED);
        u.reply = "the connection was lost before the message: again";
        nsmtp_put(n, &u);
        n->handed--;
        pthread_mutex_lock(&n->mu);
        n->ready.head = (n->ready.head + n->ready.cap - 1) % n->ready.cap;
        n->ready.v[n->ready.head] = id;
        n->ready.len++;
        pthread_mutex_unlock(&n->mu);
        return;
    case SMTP_UNCERTAIN:
        u = nsmtp_update(m, STORE_MSG_UNCERTAIN);
        res->uncertain_now++;
        break;
    case SMTP_DEFERRED:
        if (m->attempts >= NOTIFY_MAX_ATTEMPTS) {
            u = nsmtp_update(m, STORE_MSG_FAILED);
            res->failed++;
            break;
        }
        u = nsmtp_update(m, STORE_MSG_DEFERRED);
        rlim_deferred(n->rlim, m->domain, clock_now());
        wait = (int64_t)NOTIFY_BACKOFF_S
               << (m->attempts > 7 ? 6 : m->attempts - 1);
        if (wait > NOTIFY_BACKOFF_MAX)
            wait = NOTIFY_BACKOFF_MAX;
        wait = wait * (80 + (int64_t)randombytes_uniform(41)) / 100;
        u.next_at = (int64_t)time(NULL) + wait;
        res->deferred++;
        break;
    default:
        u = nsmtp_update(m, STORE_MSG_FAILED);
        res->failed++;
        break;
    }
    u.code = code;
    u.reply = clean;
    nsmtp_put(n, &u);
    nsmtp_release(n, id);
    if (oc != SMTP_ACCEPTED)
        notify_progress_note(n->x);
    progress_update(n->prog, res->sent + res->failed);
}

static int
nsmtp_tick(void *ctx)
{
    struct nsmtp *n = ctx;
    const struct notify_options *o = n->x->o;
    int idle;

    nsmtp_failed(n);
    pthread_mutex_lock(&n->jmu);
    if (n->jq.n > 0) {
        n->jflush = 1; /* the outcomes since the last group */
        pthread_cond_signal(&n->jcv);
    }
    idle = n->jq.n == 0 && !n->jbusy;
    if (n->jfail != 0 && n->fail == 0)
        n->fail = n->jfail;
    pthread_mutex_unlock(&n->jmu);
    progress_update(n->prog, n->x->res->sent + n->x->res->failed);
    pthread_mutex_lock(&n->mu);
    /* Deferred ones may be due now: look again from the start, but only
     * when no slot holds a message whose journal state is still queued
     * (ready, or handed out and waiting for the server's go-ahead: its
     * in-flight mark comes later), so that none is taken twice. */
    if (n->exhausted && n->qdone && !n->busy && n->ready.len == 0 &&
        n->failed.len == 0 && n->outstanding == 0 && idle &&
        clock_now() - n->last_rescan > 5) {
        n->rescan = 1;
        n->last_rescan = clock_now();
        pthread_cond_signal(&n->cv);
    }
    if (n->cfail != 0 && n->fail == 0)
        n->fail = n->cfail;
    pthread_mutex_unlock(&n->mu);
    if (n->fail != 0)
        return 1;
    if (o->stop != NULL && *o->stop) {
        n->x->res->stopped = 1;
        return 1;
    }
    return 0;
}

int
notify_smtp(struct notify_ctx *x, struct progress *prog, struct buf *why)
{
    const struct notify_options *o = x->o;
    struct smtp_callbacks cb = {nsmtp_next, nsmtp_sending, nsmtp_commit,
                                nsmtp_done, nsmtp_tick,    nsmtp_committed};
    struct smtp_options so = *o->smtp;
    struct smtp_stats st;
    struct nsmtp n;
    pthread_t th, jth;
    char path[4200];
    size_t k;
    int rc, started = 0, jstarted = 0, sync_ok = 0, jsync_ok = 0;

    memset(&n, 0, sizeof(n));
    n.x = x;
    n.prog = prog;
    n.wake = -1;
    n.t0 = n.last_rescan = clock_now();
    n.qdone = x->queue == NULL || x->queue->done;
    buf_init(&n.jq.bytes, SIZE_MAX);
    buf_init(&n.jw.bytes, SIZE_MAX);
    n.nslot = NOTIFY_BATCH + 4 * (size_t)o->smtp->connections;
    n.slot = calloc(n.nslot, sizeof(*n.slot));
    n.ready.v = calloc(n.nslot, sizeof(*n.ready.v));
    n.failed.v = calloc(n.nslot, sizeof(*n.failed.v));
    n.ready.cap = n.failed.cap = n.nslot;
    n.free_slots = calloc(n.nslot, sizeof(*n.free_slots));
    notify_compose_init(&n.w, NULL);
    if (rlim_new(o->domain_rate >= 0 ? o->domain_rate
                                     : x->cfg->smtp_domain_rate,
                 60.0 * x->cfg->smtp_warmup_minutes,
                 x->cfg->smtp_domain_backoff, &n.rlim) != TOCSIN_OK ||
        n.slot == NULL || n.ready.v == NULL || n.failed.v == NULL ||
        n.free_slots == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    for (k = 0; k < n.nslot; k++) {
        notify_msg_init(&n.slot[k]);
        n.free_slots[n.nfree++] = n.nslot - 1 - k;
    }
    /* the composer's own connection: it reads while this thread writes */
    snprintf(path, sizeof(path), "%s/case.db", casedir_path(x->c));
    if ((rc = store_open(path, STORE_READONLY, &n.cs)) != TOCSIN_OK) {
        buf_setf(why, "cannot open the case database a second time: %s",
                 tocsin_strerror(rc));
        goto out;
    }
    n.w.s = n.cs;
    /* the journal thread's: the only writer while the engine runs */
    if ((rc = store_open(path, 0, &n.js)) != TOCSIN_OK) {
        buf_setf(why, "cannot open the case database a third time: %s",
                 tocsin_strerror(rc));
        goto out;
    }
    if ((n.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        rc = TOCSIN_EIO;
        buf_setf(why, "eventfd: %s", strerror(errno));
        goto out;
    }
    so.wake_fd = n.wake;
    if (pthread_mutex_init(&n.mu, NULL) != 0 ||
        (sync_ok = 1, pthread_cond_init(&n.cv, NULL)) != 0) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    sync_ok = 2;
    if (pthread_mutex_init(&n.jmu, NULL) != 0 ||
        (jsync_ok = 1, pthread_cond_init(&n.jcv, NULL)) != 0) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    jsync_ok = 2;
    if (pthread_create(&jth, NULL, nsmtp_journal, &n) != 0) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    jstarted = 1;
    if (pthread_create(&th, NULL, nsmtp_composer, &n) != 0) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    started = 1;
    rc = smtp_run(&so, &cb, &n, &st, why);
    pthread_mutex_lock(&n.mu);
    n.quit = 1;
    pthread_cond_signal(&n.cv);
    pthread_mutex_unlock(&n.mu);
    pthread_join(th, NULL);
    started = 0;
    /* what the composer could not compose after the engine stopped */
    nsmtp_failed(&n);
    /* the journal thread writes what is queued, then ends */
    nsmtp_journal_end(&n, jth);
    jstarted = 0;
    if (rc == TOCSIN_OK && n.jfail != 0)
        rc = n.jfail;
    if (rc == TOCSIN_OK && n.fail != 0)
        rc = n.fail;
    if (rc == TOCSIN_OK && n.cfail != 0)
        rc = n.cfail;
    /* composed but never handed out: still queued in the journal */
out:
    if (started) {
        pthread_mutex_lock(&n.mu);
        n.quit = 1;
        pthread_cond_signal(&n.cv);
        pthread_mutex_unlock(&n.mu);
        pthread_join(th, NULL);
    }
    if (jstarted)
        nsmtp_journal_end(&n, jth);
    if (jsync_ok >= 1)
        pthread_mutex_destroy(&n.jmu);
    if (jsync_ok >= 2)
        pthread_cond_destroy(&n.jcv);
    if (sync_ok >= 1)
        pthread_mutex_destroy(&n.mu);
    if (sync_ok >= 2)
        pthread_cond_destroy(&n.cv);
    if (n.wake >= 0)
        close(n.wake);
    if (n.slot != NULL)
        for (k = 0; k < n.nslot; k++)
            notify_msg_free(&n.slot[k]);
    notify_compose_free(&n.w);
    if (n.cs != NULL)
        store_close(n.cs);
    if (n.js != NULL)
        store_close(n.js);
    njq_free(&n.jq);
    njq_free(&n.jw);
    free(n.ju);
    free(n.slot);
    free(n.ready.v);
    free(n.failed.v);
    free(n.free_slots);
    rlim_free(n.rlim);
    return rc;
}
