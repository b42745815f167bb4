/*
 * notify_smtp.c - notify over an SMTP relay: the journal around smtp.h.
 *
 * A pool of slots holds composed messages (dot-stuffed, with their
 * recipient) from the journal's due messages, taken after a cursor so
 * that none is taken twice. smtp.h asks for messages (next), says which
 * payloads it is about to write (sending) and then commits them (commit:
 * the journal marks them in flight in one transaction before any byte
 * goes out), and reports each outcome (done) with the server's reply
 * (addresses removed), committed with the next group or tick (100 ms). A 4xx
 * defers with exponential backoff and jitter; deferred messages that come due
 * within NOTIFY_WAIT_MAX seconds are waited for in the same run.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "notify_int.h"
#include "ratelimit.h"
#include "smtp.h"

#define NOTIFY_MAX_ATTEMPTS 8    /* deferred this often: failed */
#define NOTIFY_BACKOFF_S    60   /* first wait after a 4xx */
#define NOTIFY_BACKOFF_MAX  3600 /* longest wait between attempts */
#define NOTIFY_WAIT_MAX     300  /* wait in a run for deferred ones due */

struct nsmtp {
    struct notify_ctx *x;
    struct nmsg *slot;
    size_t nslot;
    size_t *ready; /* slot indexes, FIFO */
    size_t rhead, rlen;
    size_t *free_slots;
    size_t nfree;
    struct store_msg_update *up; /* journal updates not yet committed */
    char (*reply)[LIMIT_SMTP_REPLY_TEXT + 32]; /* their reply texts */
    size_t nup, maxup;
    int64_t cursor;
    int exhausted;
    uint64_t handed, outstanding;
    double t0, last_refill;
    struct progress *prog;
    struct rlim *rlim; /* per recipient domain */
    int fail;          /* a journal error: stop */
};

static void
nsmtp_ready_push(struct nsmtp *n, size_t k)
{
    n->ready[(n->rhead + n->rlen) % n->nslot] = k;
    n->rlen++;
}

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

static void
nsmtp_release(struct nsmtp *n, size_t k)
{
    struct nmsg *m = &n->slot[k];

    sodium_memzero(m->rcpt, sizeof(m->rcpt));
    buf_scrub(&m->mime);
    buf_scrub(&m->wire);
    n->free_slots[n->nfree++] = k;
}

static int
nsmtp_due_cb(void *ctx, const struct store_msg *sm)
{
    struct nsmtp *n = ctx;
    struct nmsg *m;
    size_t k;
    int rc;

    if (n->nfree == 0)
        return 1; /* the pool is full: the rest next time */
    k = n->free_slots[--n->nfree];
    m = &n->slot[k];
    notify_take(m, sm);
    n->cursor = sm->id;
    if ((rc = notify_compose(n->x, m)) != TOCSIN_OK) {
        n->free_slots[n->nfree++] = k;
        return rc;
    }
    buf_reset(&m->wire);
    if (m->composed && mime_dot_stuff(buf_str(&m->mime), buf_len(&m->mime),
                                      &m->wire) != TOCSIN_OK) {
        m->composed = 0;
        m->reason = "the message could not be prepared for SMTP";
    }
    buf_scrub(&m->mime);
    if (!m->composed) {
        struct store_msg_update *u = nsmtp_update(n, m, STORE_MSG_FAILED);

        u->reply = m->reason; /* static text */
        n->x->res->failed++;
        nsmtp_release(n, k);
        return 0;
    }
    n->x->res->composed++;
    nsmtp_ready_push(n, k);
    return 0;
}

/* Fill the pool with the messages due after the cursor. */
static int
nsmtp_refill(struct nsmtp *n)
{
    struct notify_ctx *x = n->x;
    size_t before = n->rlen;
    uint64_t failed = x->res->failed;
    int rc;

    if (n->exhausted || n->nfree == 0)
        return TOCSIN_OK;
    rc = store_msg_due(x->s, (int64_t)time(NULL), n->cursor,
                       x->o->answers_only ? STORE_MSG_ANSWER : -1, n->nfree,
                       nsmtp_due_cb, n);
    if (rc == 1)
        rc = TOCSIN_OK;
    if (rc != TOCSIN_OK) {
        if (n->fail == 0)
            n->fail = rc;
        return rc;
    }
    (void)nsmtp_flush(n); /* the failed ones */
    if (n->rlen == before && x->res->failed == failed)
        n->exhausted = 1;
    return TOCSIN_OK;
}

static int
nsmtp_next(void *ctx, struct smtp_msg *sm)
{
    struct nsmtp *n = ctx;
    const struct notify_options *o = n->x->o;
    struct nmsg *m;
    double now = notify_now();
    int64_t t = 0;
    size_t k = 0, i, j;
    int found = 0;

    if (n->fail != 0 || (o->stop != NULL && *o->stop) ||
        (o->limit > 0 && n->handed >= o->limit))
        return n->outstanding > 0 ? 0 : -1;
    if (o->rate > 0 &&
        (double)n->handed >= (notify_now() - n->t0) * o->rate + 1)
        return 0;
    /* refill in chunks: when the pool runs empty, or low with room */
    while (!n->exhausted && n->nfree > 0 &&
           (n->rlen == 0 || (n->rlen < n->nslot / 4 && n->nfree >= 64)))
        if (nsmtp_refill(n) != TOCSIN_OK)
            return n->outstanding > 0 ? 0 : -1;
    if (n->rlen == 0) {
        if (n->outstanding > 0 || n->nfree == 0)
            return 0;
        /* deferred ones due soon: wait for them in this run */
        if (store_msg_next_at(n->x->s, &t) == TOCSIN_OK && t > 0 &&
            t - (int64_t)time(NULL) <= NOTIFY_WAIT_MAX)
            return 0;
        return -1;
    }
    /* the first ready message whose domain may get one now; the others
     * keep their order behind it */
    for (i = 0; i < n->rlen; i++) {
        size_t at = (n->rhead + i) % n->nslot;
        int ok = rlim_take(n->rlim, n->slot[n->ready[at]].domain, now);

        if (ok < 0) {
            n->fail = TOCSIN_ENOMEM;
            return n->outstanding > 0 ? 0 : -1;
        }
        if (ok == 0)
            continue;
        k = n->ready[at];
        for (j = i; j > 0; j--) /* close the gap */
            n->ready[(n->rhead + j) % n->nslot] =
                n->ready[(n->rhead + j - 1) % n->nslot];
        found = 1;
        break;
    }
    if (!found)
        return 0; /* every ready domain is at its limit or paused */
    n->rhead = (n->rhead + 1) % n->nslot;
    n->rlen--;
    m = &n->slot[k];
    sm->id = k;
    sm->mail_from = m->mail_from;
    sm->rcpt = m->rcpt;
    sm->data = buf_str(&m->wire);
    sm->len = buf_len(&m->wire);
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
    u->domain = m->domain;
    u->vcode = m->vcode;
    u->vcode_len = sizeof(m->vcode);
    u->subject = buf_str(&m->subject_box);
    u->subject_len = buf_len(&m->subject_box);
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
        /* never reached the server's DATA: back to the queue */
        u = nsmtp_update(n, m, STORE_MSG_QUEUED);
        u->reply = "the connection was lost before the message: again";
        n->handed--;
        nsmtp_ready_push(n, id);
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
        rlim_deferred(n->rlim, m->domain, notify_now());
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
    progress_update(n->prog, res->sent + res->failed);
}

static int
nsmtp_tick(void *ctx)
{
    struct nsmtp *n = ctx;
    const struct notify_options *o = n->x->o;

    (void)nsmtp_flush(n);
    if (n->exhausted && n->rlen == 0 && notify_now() - n->last_refill > 5) {
        /* deferred ones may be due now: look again from the start (no
         * slot holds a queued message: none is taken twice) */
        n->exhausted = 0;
        n->cursor = 0;
        n->last_refill = notify_now();
    }
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
    struct smtp_stats st;
    struct nsmtp n;
    size_t k;
    int rc;

    memset(&n, 0, sizeof(n));
    n.x = x;
    n.prog = prog;
    n.t0 = n.last_refill = notify_now();
    n.nslot = NOTIFY_BATCH + 4 * (size_t)o->smtp->connections;
    n.maxup = n.nslot;
    n.slot = calloc(n.nslot, sizeof(*n.slot));
    n.ready = calloc(n.nslot, sizeof(*n.ready));
    n.free_slots = calloc(n.nslot, sizeof(*n.free_slots));
    n.up = calloc(n.maxup, sizeof(*n.up));
    n.reply = calloc(n.maxup, sizeof(*n.reply));
    if (rlim_new(o->domain_rate >= 0 ? o->domain_rate
                                     : x->cfg->smtp_domain_rate,
                 60.0 * x->cfg->smtp_warmup_minutes,
                 x->cfg->smtp_domain_backoff, &n.rlim) != TOCSIN_OK ||
        n.slot == NULL || n.ready == NULL || n.free_slots == NULL ||
        n.up == NULL || n.reply == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    for (k = 0; k < n.nslot; k++) {
        buf_init(&n.slot[k].mime, 8u * LIMIT_MIME_TEXT);
        buf_init(&n.slot[k].wire, 8u * LIMIT_MIME_TEXT);
        buf_init(&n.slot[k].subject_box, 4u * LIMIT_MIME_SUBJECT);
        n.free_slots[n.nfree++] = n.nslot - 1 - k;
    }
    rc = smtp_run(o->smtp, &cb, &n, &st, why);
    if (nsmtp_flush(&n) != TOCSIN_OK && rc == TOCSIN_OK)
        rc = n.fail;
    if (rc == TOCSIN_OK && n.fail != 0)
        rc = n.fail;
    /* composed but never handed out: still queued in the journal */
out:
    if (n.slot != NULL)
        for (k = 0; k < n.nslot; k++) {
            sodium_memzero(n.slot[k].rcpt, sizeof(n.slot[k].rcpt));
            buf_wipe(&n.slot[k].mime);
            buf_wipe(&n.slot[k].wire);
            buf_free(&n.slot[k].subject_box);
        }
    free(n.slot);
    free(n.ready);
    free(n.free_slots);
    free(n.up);
    free(n.reply);
    rlim_free(n.rlim);
    return rc;
}
