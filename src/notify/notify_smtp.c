/*
 * notify_smtp.c - notify over an SMTP relay: the journal around smtp.h.
 *
 * Two threads. The composer (its own read connection to the case) takes
 * the journal's due messages after a cursor, so that none is taken twice,
 * into free slots of a pool, composes each (records unsealed, templates
 * rendered, MIME, the final dot) and puts it on the ready queue, waking the
 * engine through an eventfd. The main thread runs the engine (smtp.h) and
 * is the only writer of the journal: smtp.h asks for messages (next), says
 * which payloads it is about to write (sending) and then commits them
 * (commit: the journal marks them in flight in one transaction before any
 * byte goes out), and reports each outcome (done) with the server's reply
 * (addresses removed), committed with the next group or tick (100 ms). A
 * message that could not be composed goes back to the main thread on a
 * queue of its own and is failed in the journal with the reason. A 4xx
 * defers with exponential backoff and jitter; deferred messages that come
 * due within NOTIFY_WAIT_MAX seconds are waited for in the same run.
 *
 * The queues and the free list are under one mutex; composing and
 * sending never hold it.
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

#define NOTIFY_MAX_ATTEMPTS 8    /* deferred this often: failed */
#define NOTIFY_BACKOFF_S    60   /* first wait after a 4xx */
#define NOTIFY_BACKOFF_MAX  3600 /* longest wait between attempts */
#define NOTIFY_WAIT_MAX     300  /* wait in a run for deferred ones due */
#define NOTIFY_TAKE         64   /* messages the composer takes at once */

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
    int rescan;     /* main asks: from the start (deferred ones due) */
    int quit;       /* main asks the composer to stop */
    int cfail;      /* the composer's error, 0 if none */
    int busy;       /* the composer holds slots it is composing */

    /* the main thread's */
    struct store_msg_update *up; /* journal updates not yet committed */
    char (*reply)[LIMIT_SMTP_REPLY_TEXT + 32]; /* their reply texts */
    size_t nup, maxup;
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

/* ---- the journal (main thread) ---- */

static int
nsmtp_flush(struct nsmtp *n)
{
    int rc;

    if (n->nup == 0)
        return TOCSIN_OK;
    rc = notify_journal(n->x, n->up, n->nup);
    n->nup = 0;
    if (rc != TOCSIN_OK && n->fail == 0)
        n->fail = rc;
    return rc;
}

static struct store_msg_update *
nsmtp_update(struct nsmtp *n, const struct nmsg *m, int state)
{
    struct store_msg_update *u;

    if (n->nup == n->maxup)
        (void)nsmtp_flush(n);
    u = &n->up[n->nup++];
    memset(u, 0, sizeof(*u));
    u->id = m->id;
    u->state = state;
    u->attempts = m->attempts;
    return u;
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
    pthread_cond_signal(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

/* Journal the messages the composer could not compose: failed, with the
 * reason (static text). */
static void
nsmtp_failed(struct nsmtp *n)
{
    size_t k;

    for (;;) {
        pthread_mutex_lock(&n->mu);
        if (n->failed.len == 0) {
            pthread_mutex_unlock(&n->mu);
            return;
        }
        k = nfifo_pop(&n->failed);
        pthread_mutex_unlock(&n->mu);
        nsmtp_update(n, &n->slot[k], STORE_MSG_FAILED)->reply =
            n->slot[k].reason;
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
        while (!n->quit && (n->nfree == 0 || (n->exhausted && !n->rescan)))
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
           (!n->exhausted && n->nfree > 0) || n->rescan;
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
    struct store_msg_update *u;

    m->attempts++;
    u = nsmtp_update(n, m, STORE_MSG_IN_FLIGHT);
    notify_inflight(u, m);
}

static int
nsmtp_commit(void *ctx)
{
    return nsmtp_flush(ctx) != TOCSIN_OK;
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
    struct store_msg_update *u;
    char reply[LIMIT_SMTP_REPLY_TEXT + 32], clean[LIMIT_SMTP_REPLY_TEXT + 32];
    int64_t wait;

    n->outstanding--;
    snprintf(reply, sizeof(reply), "%s%s%s", enhanced != NULL ? enhanced : "",
             enhanced != NULL && enhanced[0] != '\0' ? " " : "",
             text != NULL ? text : "");
    nsmtp_clean(reply, clean, sizeof(clean));
    switch (oc) {
    case SMTP_ACCEPTED:
        u = nsmtp_update(n, m, STORE_MSG_ACCEPTED);
        rlim_accepted(n->rlim, m->domain);
        res->sent++;
        break;
    case SMTP_RETRY:
        /* never reached the server's DATA: back to the queue, first */
        u = nsmtp_update(n, m, STORE_MSG_QUEUED);
        u->reply = "the connection was lost before the message: again";
        n->handed--;
        pthread_mutex_lock(&n->mu);
        n->ready.head = (n->ready.head + n->ready.cap - 1) % n->ready.cap;
        n->ready.v[n->ready.head] = id;
        n->ready.len++;
        pthread_mutex_unlock(&n->mu);
        return;
    case SMTP_UNCERTAIN:
        u = nsmtp_update(n, m, STORE_MSG_UNCERTAIN);
        res->uncertain_now++;
        break;
    case SMTP_DEFERRED:
        if (m->attempts >= NOTIFY_MAX_ATTEMPTS) {
            u = nsmtp_update(n, m, STORE_MSG_FAILED);
            res->failed++;
            break;
        }
        u = nsmtp_update(n, m, STORE_MSG_DEFERRED);
        rlim_deferred(n->rlim, m->domain, clock_now());
        wait = (int64_t)NOTIFY_BACKOFF_S
               << (m->attempts > 7 ? 6 : m->attempts - 1);
        if (wait > NOTIFY_BACKOFF_MAX)
            wait = NOTIFY_BACKOFF_MAX;
        wait = wait * (80 + (int64_t)randombytes_uniform(41)) / 100;
        u->next_at = (int64_t)time(NULL) + wait;
        res->deferred++;
        break;
    default:
        u = nsmtp_update(n, m, STORE_MSG_FAILED);
        res->failed++;
        break;
    }
    u->code = code;
    memcpy(n->reply[u - n->up], clean, sizeof(clean));
    u->reply = n->reply[u - n->up];
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

    nsmtp_failed(n);
    (void)nsmtp_flush(n);
    progress_update(n->prog, n->x->res->sent + n->x->res->failed);
    pthread_mutex_lock(&n->mu);
    /* Deferred ones may be due now: look again from the start, but only
     * when no slot holds a message whose journal state is still queued
     * (ready, or handed out and waiting for the server's go-ahead: its
     * in-flight mark comes later), so that none is taken twice. */
    if (n->exhausted && !n->busy && n->ready.len == 0 && n->failed.len == 0 &&
        n->outstanding == 0 && n->nup == 0 &&
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
                                nsmtp_done, nsmtp_tick};
    struct smtp_options so = *o->smtp;
    struct smtp_stats st;
    struct nsmtp n;
    pthread_t th;
    char path[4200];
    size_t k;
    int rc, started = 0, sync_ok = 0;

    memset(&n, 0, sizeof(n));
    n.x = x;
    n.prog = prog;
    n.wake = -1;
    n.t0 = n.last_rescan = clock_now();
    n.nslot = NOTIFY_BATCH + 4 * (size_t)o->smtp->connections;
    n.maxup = n.nslot;
    n.slot = calloc(n.nslot, sizeof(*n.slot));
    n.ready.v = calloc(n.nslot, sizeof(*n.ready.v));
    n.failed.v = calloc(n.nslot, sizeof(*n.failed.v));
    n.ready.cap = n.failed.cap = n.nslot;
    n.free_slots = calloc(n.nslot, sizeof(*n.free_slots));
    n.up = calloc(n.maxup, sizeof(*n.up));
    n.reply = calloc(n.maxup, sizeof(*n.reply));
    notify_compose_init(&n.w, NULL);
    if (rlim_new(o->domain_rate >= 0 ? o->domain_rate
                                     : x->cfg->smtp_domain_rate,
                 60.0 * x->cfg->smtp_warmup_minutes,
                 x->cfg->smtp_domain_backoff, &n.rlim) != TOCSIN_OK ||
        n.slot == NULL || n.ready.v == NULL || n.failed.v == NULL ||
        n.free_slots == NULL || n.up == NULL || n.reply == NULL) {
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
    if (nsmtp_flush(&n) != TOCSIN_OK && rc == TOCSIN_OK)
        rc = n.fail;
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
    free(n.slot);
    free(n.ready.v);
    free(n.failed.v);
    free(n.free_slots);
    free(n.up);
    free(n.reply);
    rlim_free(n.rlim);
    return rc;
}
