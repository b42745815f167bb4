/*
 * serve_lookup.c - "am I affected?": POST /lookup (the page) and POST
 * /api/lookup (JSON), the queue, the worker that looks addresses up and
 * the delivery of the answers.
 *
 * The page must never become an oracle. The handler only checks the
 * address, takes a token from two rate limits (per client address and per
 * looked-up address) and puts the normalised address on a bounded queue;
 * it never touches the database, so the response is the same, in bytes and
 * in time, whether the address is in the data or not. The worker thread
 * (its own writable connection) hashes the address as ingest did
 * (email_key, seal_hash "email"), finds the persons with a record of that
 * hash and queues one answer per person and brand in the journal, to the
 * address typed (sealed): the result reaches only whoever reads that
 * mailbox, as Have I Been Pwned does for sensitive breaches. A delivery
 * thread sends the answers due through notify_run() every few seconds.
 *
 * Phone numbers: tocsin has no SMS transport, and a lookup by phone would
 * have nowhere private to send its answer. The page recognises a phone
 * number and asks for an e-mail address instead; no lookup is made and
 * only a count is kept.
 *
 * Nothing here logs an address: counts only.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../assess/assess.h"
#include "../ingest/email.h"
#include "../ingest/phone.h"
#include "../notify/notify.h"
#include "../notify/smtp.h"
#include "../store/seal.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "serve_int.h"

#define T(nl, en) SERVE_T(lang, nl, en)

/* Slots looked at for a key (linear probing). */
#define SERVE_PROBE 8

/* ---- token buckets ---- */

int
serve_limiter_init(struct serve_limiter *l, double burst, double period_s)
{
    l->b = calloc(LIMIT_SERVE_BUCKETS, sizeof(*l->b));
    if (l->b == NULL)
        return TOCSIN_ENOMEM;
    if (pthread_mutex_init(&l->lock, NULL) != 0) {
        free(l->b);
        l->b = NULL;
        return TOCSIN_ENOMEM;
    }
    l->burst = burst;
    l->per_s = burst / period_s;
    return TOCSIN_OK;
}

void
serve_limiter_free(struct serve_limiter *l)
{
    if (l->b == NULL)
        return;
    sodium_memzero(l->b, LIMIT_SERVE_BUCKETS * sizeof(*l->b));
    free(l->b);
    l->b = NULL;
    pthread_mutex_destroy(&l->lock);
}

/* Bring bucket k's tokens up to time now. */
static double
serve_bucket_tokens(const struct serve_limiter *l,
                    const struct serve_bucket *k, double now)
{
    double t = k->tokens + (now - k->at) * l->per_s;

    return t > l->burst ? l->burst : t;
}

int
serve_limiter_take(struct serve_limiter *l, const unsigned char key[16],
                   double now)
{
    struct serve_bucket *k = NULL, *spare = NULL;
    uint32_t h;
    double best = -1;
    size_t i;
    int ok;

    /* the keys are addresses or keyed hashes: mix them anyway */
    h = (uint32_t)key[0] * 2654435761u;
    for (i = 1; i < 16; i++)
        h = (h ^ key[i]) * 16777619u;
    pthread_mutex_lock(&l->lock);
    for (i = 0; i < SERVE_PROBE; i++) {
        struct serve_bucket *c = &l->b[(h + i) & (LIMIT_SERVE_BUCKETS - 1)];
        double t;

        if (c->used && memcmp(c->key, key, 16) == 0) {
            k = c;
            break;
        }
        /* a free slot, or else the fullest bucket (a full one is as good
         * as none): evicted for the new key */
        t = c->used ? serve_bucket_tokens(l, c, now) : l->burst + 1;
        if (t > best) {
            best = t;
            spare = c;
        }
    }
    if (k == NULL) {
        k = spare;
        memcpy(k->key, key, 16);
        k->used = 1;
        k->tokens = l->burst;
        k->at = now;
    }
    k->tokens = serve_bucket_tokens(l, k, now);
    k->at = now;
    ok = k->tokens >= 1.0;
    if (ok)
        k->tokens -= 1.0;
    pthread_mutex_unlock(&l->lock);
    return ok;
}

/* ---- the handler ---- */

enum lookup_outcome {
    L_ACCEPTED,
    L_EMPTY,
    L_INVALID,
    L_PHONE,
    L_LIMITED,
    L_BUSY,
};

static const char *const serve_lookup_names[] = {
    "accepted",     "empty", "invalid", "phone_not_supported",
    "rate_limited", "busy",
};

/* Put addr on the queue: 1, or 0 when it is full. */
static int
serve_enqueue(struct serve *sv, const char *addr, size_t len)
{
    struct serve_lookup *l;

    pthread_mutex_lock(&sv->qlock);
    if (sv->qlen >= LIMIT_SERVE_QUEUE) {
        pthread_mutex_unlock(&sv->qlock);
        return 0;
    }
    l = &sv->queue[(sv->qhead + sv->qlen) % LIMIT_SERVE_QUEUE];
    memcpy(l->addr, addr, len);
    l->addr[len] = '\0';
    l->len = len;
    sv->qlen++;
    pthread_cond_signal(&sv->qcond);
    pthread_mutex_unlock(&sv->qlock);
    return 1;
}

/* The address field of the request into x->param: 1, 0 when absent or
 * unreadable, or an error status for the response. */
static int
serve_lookup_field(const struct serve_request *rq, struct serve_ctx *x,
                   int json, int *status)
{
    const char *ct = rq->content_type;
    int found;

    *status = 0;
    if (json && ct != NULL && strncasecmp(ct, "application/json", 16) == 0) {
        /* {"address":"..."}: a flat object of strings, read by hand into
         * the form reader's rules: only this shape is accepted */
        const char *p = rq->body != NULL ? rq->body : "";
        const char *e = p + (rq->body != NULL ? rq->body_len : 0);
        struct buf *o = &x->param;

        buf_reset(o);
        while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
            p++;
        if (e - p < 13 || memcmp(p, "{\"address\":", 11) != 0)
            return 0;
        p += 11;
        while (p < e && *p == ' ')
            p++;
        if (p >= e || *p++ != '"')
            return 0;
        while (p < e && *p != '"') {
            unsigned char c = (unsigned char)*p++;

            if (c == '\\' || c < 0x20 || buf_len(o) >= LIMIT_SERVE_PARAM ||
                buf_appendc(o, (char)c) != TOCSIN_OK) {
                buf_reset(o);
                return 0; /* escapes: not needed for an address */
            }
        }
        if (p >= e)
            return 0;
        for (p++; p < e && (*p == ' ' || *p == '\n' || *p == '\r'); p++)
            ;
        if (p >= e || *p != '}') {
            buf_reset(o);
            return 0;
        }
        return 1;
    }
    if (ct != NULL &&
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        *status = 415;
        return 0;
    }
    found = serve_param(rq->body != NULL ? rq->body : "", rq->body_len,
                        "address", &x->param);
    return found == 1;
}

/* Whether s looks like a phone number rather than an e-mail address. */
static int
serve_is_phone(const char *s, size_t n)
{
    struct phone ph;

    return memchr(s, '@', n) == NULL && n <= LIMIT_PHONE_INPUT &&
           phone_normalize(s, n, &ph) == TOCSIN_OK;
}

static int
serve_lookup_decide(struct serve *sv, struct serve_ctx *x,
                    const struct serve_request *rq, int json, int *outcome,
                    int *status)
{
    unsigned char ckey[16], akey[SEAL_HASH_BYTES];
    double now = rq->now > 0 ? rq->now : clock_now();
    const char *in;
    size_t n;
    unsigned flags = 0;
    int rc;

    if (!serve_lookup_field(rq, x, json, status)) {
        if (*status != 0)
            return TOCSIN_OK;
        *outcome = L_EMPTY;
        return TOCSIN_OK;
    }
    in = buf_str(&x->param);
    n = buf_len(&x->param);
    if (n == 0) {
        *outcome = L_EMPTY;
        return TOCSIN_OK;
    }
    if (serve_is_phone(in, n)) {
        *outcome = L_PHONE;
        serve_count(sv, SC_LOOKUP_PHONE);
        return TOCSIN_OK;
    }
    buf_scrub(&x->plain);
    if (n > LIMIT_EMAIL_INPUT ||
        email_normalize(in, n, &x->plain, &flags) != TOCSIN_OK ||
        buf_len(&x->plain) > LIMIT_EMAIL_ADDRESS) {
        *outcome = L_INVALID;
        serve_count(sv, SC_LOOKUP_INVALID);
        return TOCSIN_OK;
    }
    /* the limits: the client first, then the address (a keyed hash of its
     * matching key, so that the table holds no address) */
    serve_client_key(rq, sv->cfg->serve_trust_proxy, ckey);
    if (!serve_limiter_take(&sv->by_client, ckey, now)) {
        *outcome = L_LIMITED;
        serve_count(sv, SC_LOOKUP_LIMITED_CLIENT);
        return TOCSIN_OK;
    }
    buf_scrub(&x->scratch);
    if ((rc = email_key(buf_str(&x->plain), buf_len(&x->plain),
                        &x->scratch)) != TOCSIN_OK) {
        *outcome = L_INVALID;
        serve_count(sv, SC_LOOKUP_INVALID);
        return TOCSIN_OK;
    }
    seal_hash(sv->seal, "serve lookup", buf_str(&x->scratch),
              buf_len(&x->scratch), akey);
    buf_scrub(&x->scratch);
    if (!serve_limiter_take(&sv->by_address, akey, now)) {
        *outcome = L_LIMITED;
        serve_count(sv, SC_LOOKUP_LIMITED_ADDRESS);
        return TOCSIN_OK;
    }
    if (!serve_enqueue(sv, buf_str(&x->plain), buf_len(&x->plain))) {
        *outcome = L_BUSY;
        serve_count(sv, SC_LOOKUP_BUSY);
        return TOCSIN_OK;
    }
    *outcome = L_ACCEPTED;
    serve_count(sv, SC_LOOKUP_ACCEPTED);
    return TOCSIN_OK;
}

static int
serve_lookup_html(struct serve *sv, int outcome, int lang, struct buf *b)
{
    const char *cls = "notice", *h = NULL, *text = NULL;
    int rc;

    switch (outcome) {
    case L_ACCEPTED:
    case L_LIMITED:
        h = T("Bedankt. Kijk in je mailbox", "Thank you. Check your mailbox");
        text = T("Als dit e-mailadres in de gegevens van het datalek "
                 "staat, sturen we binnen enkele minuten een bericht naar "
                 "dat adres met wat er van jou is uitgelekt en wat je kunt "
                 "doen. Dit bericht heeft een controlecode die je hier kunt "
                 "controleren. Staat het adres er niet in, dan krijg je "
                 "geen bericht; andere gegevens van je kunnen er wel in "
                 "staan, bijvoorbeeld met een ander e-mailadres. Kijk ook "
                 "in je map met ongewenste e-mail.",
                 "If this e-mail address is in the data of the breach, we "
                 "send a message to that address within a few minutes, "
                 "with what of yours was taken and what you can do. It "
                 "carries a verification code you can check here. If the "
                 "address is not in the data, no message comes; other data "
                 "of yours may still be in it, for instance with another "
                 "e-mail address. Look in your junk mail folder too.");
        break;
    case L_PHONE:
        h = T("Vul je e-mailadres in", "Please enter your e-mail address");
        text = T("We sturen het antwoord alleen per e-mail, zodat alleen de "
                 "eigenaar van het adres het leest. Op telefoonnummer "
                 "kunnen we niet zoeken.",
                 "We send the answer by e-mail only, so that only the owner "
                 "of the address reads it. We cannot look up phone "
                 "numbers.");
        break;
    case L_INVALID:
        h = T("Dit is geen geldig e-mailadres",
              "This is not a valid e-mail address");
        text = T("Controleer het adres en probeer het opnieuw, bijvoorbeeld "
                 "naam@voorbeeld.nl.",
                 "Check the address and try again, for instance "
                 "name@example.org.");
        break;
    case L_BUSY:
        h = T("Even geduld", "Please wait");
        text = T("Het is nu erg druk. Probeer het over een paar minuten "
                 "opnieuw.",
                 "We are very busy right now. Please try again in a few "
                 "minutes.");
        break;
    default:
        cls = NULL;
        break;
    }
    if ((rc = serve_page_begin(sv, b, lang,
                               T("Ben ik getroffen?", "Am I affected?"),
                               "/lookup")) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h1>%s</h1>\n",
                         T("Ben ik getroffen?", "Am I affected?"))) !=
            TOCSIN_OK)
        return rc;
    if (h != NULL &&
        (rc = buf_printf(b,
                         "<section class=\"verdict %s\"><h2>%s</h2>"
                         "<p>%s</p>%s%s%s</section>\n",
                         cls, h, text, outcome == L_LIMITED ? "<p>" : "",
                         outcome == L_LIMITED
                             ? T("Er zijn veel aanvragen gedaan vanaf jouw "
                                 "verbinding of voor dit adres. Een nieuwe "
                                 "aanvraag kan over een uur.",
                                 "Many requests came from your connection "
                                 "or for this address. You can ask again in "
                                 "an hour.")
                             : "",
                         outcome == L_LIMITED ? "</p>" : "")) != TOCSIN_OK)
        return rc;
    if (outcome != L_ACCEPTED && outcome != L_LIMITED) {
        if (outcome == L_EMPTY &&
            (rc = buf_printf(b, "<p>%s</p>\n",
                             T("Vul je e-mailadres in. Zit het in de "
                               "gegevens van het datalek, dan sturen we het "
                               "antwoord naar dat adres, nooit naar deze "
                               "pagina.",
                               "Enter your e-mail address. If it is in the "
                               "data of the breach, we send the answer to "
                               "that address, never to this page."))) !=
                TOCSIN_OK)
            return rc;
        if ((rc = serve_form_lookup(b, lang)) != TOCSIN_OK)
            return rc;
    }
    return serve_page_end(sv, b, lang);
}

int
serve_lookup(struct serve *sv, struct serve_ctx *x,
             const struct serve_request *rq, int lang, int json,
             struct serve_response *rs)
{
    int outcome = L_EMPTY, status = 0, rc;

    if (rq->method != SERVE_POST) {
        /* GET /lookup: the form */
        rs->status = 200;
        rc = serve_lookup_html(sv, L_EMPTY, lang, &rs->body);
        return rc;
    }
    rc = serve_lookup_decide(sv, x, rq, json, &outcome, &status);
    buf_scrub(&x->param);
    buf_scrub(&x->plain);
    if (rc != TOCSIN_OK)
        return rc;
    if (status != 0) {
        serve_page_error(sv, status, lang, json, rs);
        return TOCSIN_OK;
    }
    switch (outcome) {
    case L_ACCEPTED:
    case L_PHONE:
        rs->status = 200;
        break;
    case L_LIMITED:
        rs->status = 429;
        rs->retry_after = 3600;
        break;
    case L_BUSY:
        rs->status = 503;
        rs->retry_after = 120;
        break;
    default:
        rs->status = 400;
        break;
    }
    if (!json)
        return serve_lookup_html(sv, outcome, lang, &rs->body);
    rs->content_type = "application/json";
    return buf_printf(&rs->body, "{\"result\":\"%s\",\"message\":\"%s\"}\n",
                      serve_lookup_names[outcome],
                      outcome == L_ACCEPTED || outcome == L_LIMITED
                          ? "If this address is in the data of the breach, "
                            "a message with the details goes to it."
                      : outcome == L_PHONE
                          ? "Answers go by e-mail only: enter an e-mail "
                            "address."
                      : outcome == L_BUSY ? "Busy: try again in a few minutes."
                                          : "Enter a valid e-mail address.");
}

/* ---- the worker ---- */

struct serve_found {
    int64_t person;
    char brand[LIMIT_BRAND_NAME + 1];
};

struct serve_found_list {
    struct serve_found f[LIMIT_SERVE_PERSONS * LIMIT_BRANDS];
    size_t n;
};

static int
serve_exposure_cb(void *ctx, const struct store_exposure *e)
{
    struct serve_found_list *l = ctx;

    if (l->n >= sizeof(l->f) / sizeof(l->f[0]) ||
        strlen(e->brand) > LIMIT_BRAND_NAME)
        return 0;
    l->f[l->n].person = e->person_id;
    memcpy(l->f[l->n].brand, e->brand, strlen(e->brand) + 1);
    l->n++;
    return 0;
}

/* Look one address up and queue its answers; *answers += how many. */
static int
serve_lookup_one(struct serve *sv, const struct serve_lookup *l,
                 uint64_t *answers)
{
    struct store *s = casedir_store(sv->wc);
    unsigned char hash[SEAL_HASH_BYTES];
    int64_t persons[LIMIT_SERVE_PERSONS];
    struct serve_found_list *found;
    struct buf key, box;
    size_t np = 0, i;
    int64_t id;
    int rc;

    found = calloc(1, sizeof(*found));
    if (found == NULL)
        return TOCSIN_ENOMEM;
    buf_init(&key, LIMIT_EMAIL_ADDRESS * 2);
    buf_init(&box, LIMIT_EMAIL_ADDRESS + 128);
    rc = email_key(l->addr, l->len, &key);
    if (rc != TOCSIN_OK) {
        rc = TOCSIN_OK; /* checked by the handler already */
        goto out;
    }
    seal_hash(sv->seal, "email", buf_str(&key), buf_len(&key), hash);
    rc = store_serve_persons_by_email(sv->wq, hash, persons,
                                      LIMIT_SERVE_PERSONS, &np);
    if (rc != TOCSIN_OK)
        goto out;
    if (np > LIMIT_SERVE_PERSONS) {
        /* an address shared by very many persons (an office's): answered
         * for the first ones only */
        log_warn("serve: a looked-up address matches more than %d persons; "
                 "answered for %d",
                 LIMIT_SERVE_PERSONS, LIMIT_SERVE_PERSONS);
        np = LIMIT_SERVE_PERSONS;
    }
    for (i = 0; i < np; i++)
        if ((rc = store_person_exposures_each(s, persons[i], serve_exposure_cb,
                                              found)) != TOCSIN_OK)
            goto out;
    if (found->n == 0)
        goto out;
    if ((rc = store_begin(s)) != TOCSIN_OK)
        goto out;
    for (i = 0; i < found->n && rc == TOCSIN_OK; i++) {
        buf_reset(&box);
        rc = seal_encrypt(sv->seal, STORE_MSG_RCPT_CONTEXT, l->addr, l->len,
                          &box);
        if (rc == TOCSIN_OK)
            rc = store_msg_answer(s, found->f[i].person, found->f[i].brand,
                                  buf_str(&box), buf_len(&box), &id);
    }
    if (rc == TOCSIN_OK)
        rc = store_commit(s);
    else
        store_rollback(s);
    if (rc == TOCSIN_OK)
        *answers += found->n;
out:
    buf_wipe(&key);
    buf_free(&box);
    sodium_memzero(hash, sizeof(hash));
    free(found);
    return rc;
}

/* Send the answers due (notify_run, answers only). */
static int
serve_deliver(struct serve *sv, struct buf *why)
{
    struct store *s = casedir_store(sv->dc);
    struct notify_options o;
    struct notify_result res;
    struct smtp_options so;
    struct buf summary;
    uint64_t due = 0;
    int64_t run_id = 0;
    int rc;

    rc = store_serve_answers_due(sv->dq, (int64_t)time(NULL), &due);
    if (rc != TOCSIN_OK || due == 0) {
        if (rc != TOCSIN_OK)
            buf_setf(why, "%s", store_errmsg(s));
        return rc;
    }
    memset(&o, 0, sizeof(o));
    memset(&so, 0, sizeof(so));
    o.maildir = sv->o.maildir;
    o.domain_rate = -1;
    o.answers_only = 1;
    o.stop = &sv->stop;
    if (sv->have_smtp) {
        const struct case_config *cfg = sv->cfg;

        so.host = sv->smtp_host;
        so.port = sv->smtp_port;
        so.tls = sv->smtp_tls;
        so.tls_verify = 1;
        so.ca_file = cfg->smtp_ca_file;
        so.user = cfg->smtp_user;
        so.password = cfg->smtp_password;
        so.helo = cfg->smtp_helo;
        so.connections = 2;
        o.smtp = &so;
    }
    buf_init(&summary, 4096);
    if ((rc = store_run_begin(s, "serve", &run_id)) != TOCSIN_OK) {
        buf_setf(why, "%s", store_errmsg(s));
        goto out;
    }
    o.run_id = run_id;
    rc = notify_run(sv->dc, &o, &res, &summary, why);
    if (rc == TOCSIN_EBUSY) {
        /* a tocsin notify is sending: it sends the answers too (every
         * kind), or the next round does */
        log_debug("serve: answers: another sender is at work");
        buf_reset(why);
        rc = TOCSIN_OK;
    } else if (rc == TOCSIN_OK) {
        atomic_fetch_add(&sv->count[SC_ANSWERS_SENT], res.sent);
        atomic_fetch_add(&sv->count[SC_ANSWERS_FAILED], res.failed);
        log_info("serve: answers: %llu sent, %llu failed, %llu deferred",
                 (unsigned long long)res.sent, (unsigned long long)res.failed,
                 (unsigned long long)res.deferred);
    }
    {
        struct buf js;

        buf_init(&js, 8192);
        if (buf_printf(&js, "{%s}",
                       buf_len(&summary) > 0 ? buf_str(&summary) + 1 : "") !=
                TOCSIN_OK ||
            store_run_end(s, run_id, rc, buf_str(&js)) != TOCSIN_OK)
            log_warn("serve: cannot record the delivery in the run log");
        buf_free(&js);
    }
out:
    buf_free(&summary);
    return rc;
}

/* Take one lookup off the queue into *l: 1, or 0 when stopping (wait) or
 * empty (no wait). */
static int
serve_dequeue(struct serve *sv, struct serve_lookup *l, int wait)
{
    pthread_mutex_lock(&sv->qlock);
    while (wait && sv->qlen == 0 && !sv->stop)
        pthread_cond_wait(&sv->qcond, &sv->qlock);
    if (sv->qlen == 0 || (wait && sv->stop)) {
        pthread_mutex_unlock(&sv->qlock);
        return 0;
    }
    *l = sv->queue[sv->qhead];
    sodium_memzero(&sv->queue[sv->qhead], sizeof(*l));
    sv->qhead = (sv->qhead + 1) % LIMIT_SERVE_QUEUE;
    sv->qlen--;
    sv->busy = 1;
    pthread_mutex_unlock(&sv->qlock);
    return 1;
}

static void
serve_done_one(struct serve *sv, uint64_t answers)
{
    pthread_mutex_lock(&sv->qlock);
    sv->busy = 0;
    if (answers > 0) {
        sv->deliver_now = 1;
        pthread_cond_signal(&sv->dcond);
    }
    pthread_cond_broadcast(&sv->qidle);
    pthread_mutex_unlock(&sv->qlock);
}

static void *
serve_worker(void *arg)
{
    struct serve *sv = arg;
    struct serve_lookup l;
    uint64_t answers;
    int rc;

    /* The lookup side's indexes, to find records by hash: made once, here
     * rather than before listening, since on millions of records they
     * take a minute; verification is up at once, and the lookups that
     * come meanwhile wait in the queue (their page does not depend on
     * them). */
    atomic_store(&sv->indexing, 1);
    if (store_ingest_indexes(casedir_store(sv->wc)) != TOCSIN_OK && !sv->stop)
        log_warn("serve: cannot index the records (%s): lookups will be "
                 "slow",
                 store_errmsg(casedir_store(sv->wc)));
    atomic_store(&sv->indexing, 0);
    while (serve_dequeue(sv, &l, 1)) {
        answers = 0;
        rc = serve_lookup_one(sv, &l, &answers);
        sodium_memzero(&l, sizeof(l));
        if (rc != TOCSIN_OK)
            log_error("serve: a lookup failed: %s",
                      store_errmsg(casedir_store(sv->wc)));
        serve_count(sv, SC_LOOKUP_DONE);
        atomic_fetch_add(&sv->count[SC_ANSWERS_QUEUED], answers);
        serve_done_one(sv, answers);
    }
    return NULL;
}

static void *
serve_delivery(void *arg)
{
    struct serve *sv = arg;
    struct timespec until;
    struct buf why;

    buf_init(&why, 4096);
    for (;;) {
        pthread_mutex_lock(&sv->qlock);
        if (!sv->deliver_now && !sv->stop) {
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += sv->o.delivery_s;
            pthread_cond_timedwait(&sv->dcond, &sv->qlock, &until);
        }
        sv->deliver_now = 0;
        pthread_mutex_unlock(&sv->qlock);
        if (sv->stop)
            break;
        buf_reset(&why);
        if (serve_deliver(sv, &why) != TOCSIN_OK)
            log_error("serve: delivering answers: %s",
                      buf_len(&why) > 0 ? buf_str(&why) : "failed");
    }
    buf_free(&why);
    return NULL;
}

int
serve_lookup_start(struct serve *sv, struct buf *why)
{
    if (pthread_create(&sv->worker, NULL, serve_worker, sv) != 0) {
        buf_setf(why, "cannot start the lookup worker: %s", strerror(errno));
        return TOCSIN_ENOMEM;
    }
    if (pthread_create(&sv->delivery, NULL, serve_delivery, sv) != 0) {
        buf_setf(why, "cannot start the delivery thread: %s", strerror(errno));
        pthread_mutex_lock(&sv->qlock);
        sv->stop = 1;
        pthread_cond_broadcast(&sv->qcond);
        pthread_mutex_unlock(&sv->qlock);
        pthread_join(sv->worker, NULL);
        return TOCSIN_ENOMEM;
    }
    sv->threads_up = 1;
    return TOCSIN_OK;
}

void
serve_lookup_stop(struct serve *sv)
{
    if (!sv->threads_up)
        return;
    pthread_mutex_lock(&sv->qlock);
    sv->stop = 1;
    pthread_cond_broadcast(&sv->qcond);
    pthread_cond_broadcast(&sv->dcond);
    pthread_mutex_unlock(&sv->qlock);
    /* an index build of a minute would hold the stop up: it is made
     * again at the next start */
    if (atomic_load(&sv->indexing))
        store_interrupt(casedir_store(sv->wc));
    pthread_join(sv->worker, NULL);
    pthread_join(sv->delivery, NULL);
    sv->threads_up = 0;
}

int
serve_lookup_flush(struct serve *sv, uint64_t *answers, struct buf *why)
{
    struct serve_lookup l;
    uint64_t n = 0, one;
    int rc = TOCSIN_OK;

    if (sv->threads_up) {
        /* the worker's job: wait until it is done */
        pthread_mutex_lock(&sv->qlock);
        while (sv->qlen > 0 || sv->busy)
            pthread_cond_wait(&sv->qidle, &sv->qlock);
        pthread_mutex_unlock(&sv->qlock);
        if (answers != NULL)
            *answers = 0;
        return TOCSIN_OK;
    }
    while (rc == TOCSIN_OK && serve_dequeue(sv, &l, 0)) {
        one = 0;
        rc = serve_lookup_one(sv, &l, &one);
        sodium_memzero(&l, sizeof(l));
        serve_count(sv, SC_LOOKUP_DONE);
        atomic_fetch_add(&sv->count[SC_ANSWERS_QUEUED], one);
        serve_done_one(sv, one);
        n += one;
    }
    if (rc != TOCSIN_OK)
        buf_setf(why, "%s", store_errmsg(casedir_store(sv->wc)));
    else
        rc = serve_deliver(sv, why);
    if (answers != NULL)
        *answers = n;
    return rc;
}
