/*
 * smtp.c - the delivery engine's SMTP client (see smtp.h).
 *
 * Each connection keeps a queue of the replies it waits for (what was
 * sent, and for which of its at most two transactions), a queue of output
 * segments (command text in a per-connection buffer, payloads pointing at
 * the caller's message: not copied in the clear) written with one
 * sendmsg() (over TLS: copied into one record), and a fixed input buffer
 * from which reply lines are parsed.
 *
 * A loop iteration: tick, timeouts, reconnects, hand out messages to free
 * connections, QUIT the idle ones, commit() the payloads queued since the
 * last commit, write every queued output, wait for events, read replies.
 * Writes happen only in the write phase, after commit(), so that no
 * payload goes out before the caller's in-flight mark is durable. With a
 * committed() callback the commit runs on the caller's thread while this
 * one goes on: a payload segment carries the number of the commit it
 * waits for, and a connection's output stops in front of it until
 * committed() reaches that number.
 */
#include "smtp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"

#define TICK_MS     100   /* cb->tick() interval */
#define POLL_MS     10    /* next() asked again after it returned 0 */
#define FILL_ROUNDS 64    /* next() calls per connection and iteration */
#define EXQ         16    /* replies a connection may wait for */
#define NSEG        16    /* output segments queued on a connection */
#define TLS_RECORD  16384 /* the most plaintext in one TLS record */
#define NTXN        2     /* transactions of a connection in flight */
#define INBUF       (2 * LIMIT_SMTP_LINE)
#define ENH_MAX     16         /* "5.123.123" and NUL */
#define WAKE_ID     UINT32_MAX /* epoll data of the caller's wake_fd */

enum conn_state {
    CS_WAIT,       /* not connected; connect at c->at */
    CS_CONNECTING, /* TCP connect in progress */
    CS_TLS,        /* TLS handshake */
    CS_SESSION,    /* greeting, EHLO, STARTTLS, AUTH */
    CS_READY,      /* transactions */
    CS_QUIT,       /* QUIT sent */
    CS_DORMANT,    /* closed for idleness, may come back */
    CS_GAVE_UP,    /* too many failures in a row */
    CS_CLOSED,     /* closed for good (the run is draining) */
};

enum expect {
    EX_GREETING,
    EX_EHLO,
    EX_HELO,
    EX_STARTTLS,
    EX_AUTH_PLAIN,
    EX_AUTH_LOGIN,
    EX_AUTH_USER,
    EX_AUTH_PASS,
    EX_MAIL,
    EX_RCPT,
    EX_DATA,
    EX_DOT,
    EX_DOT_IGNORE,
    EX_RSET,
    EX_QUIT,
};

enum quit_reason { QR_NONE, QR_LIMIT, QR_IDLE, QR_DRAIN };

struct txn {
    int used;
    struct smtp_msg m;
    int mail_ok;   /* MAIL got 2xx */
    int fail_code; /* first failed reply of MAIL or RCPT, or 0 */
    char fail_enh[ENH_MAX];
    char fail_text[LIMIT_SMTP_REPLY_TEXT + 1];
    uint64_t gate;      /* the commit after its sending(): the payload
                         * waits for it */
    int payload_queued; /* payload segment queued */
    int dot_written;    /* the payload with its final dot is written */
};

struct seg {
    const char *ptr; /* payload, or NULL for text in c->cmd */
    size_t off;      /* next byte to write (from ptr or c->cmd) */
    size_t len;      /* bytes still to write */
    int txn;         /* transaction whose payload this is, or -1 */
    uint64_t gate;   /* written once commit number gate is durable; 0 */
};

struct conn {
    unsigned idx;
    enum conn_state state;
    int fd;
    SSL *ssl;
    int tls_on;
    int authed;
    unsigned addr_i;
    uint32_t events; /* registered with epoll */
    int want_write;  /* the socket or TLS waits to be writable */
    int writable;    /* epoll said so in this iteration */
    uint64_t deadline, at, idle_since;
    unsigned backoff_ms, fails;
    int reached_ready;
    unsigned started;
    enum quit_reason quit;
    /* what the server offers */
    int esmtp, pipelining, starttls, auth_plain, auth_login, enhanced;
    int size_offered;
    uint64_t size_max;
    /* input and the reply being read */
    char in[INBUF];
    size_t in_start, in_end;
    int r_code;
    unsigned r_lines;
    char r_enh[ENH_MAX];
    char r_text[LIMIT_SMTP_REPLY_TEXT + 1];
    size_t r_text_len;
    /* replies waited for */
    unsigned char ex_kind[EXQ], ex_txn[EXQ];
    unsigned ex_head, ex_n;
    /* output */
    struct buf cmd;
    struct buf tls_out; /* over TLS: the plaintext of the record being sent */
    size_t tls_len;     /* its length while SSL_write() wants a retry */
    struct seg seg[NSEG];
    unsigned seg_head, seg_n;
    struct txn txn[NTXN];
};

struct run {
    const struct smtp_options *o;
    const struct smtp_callbacks *cb;
    void *ctx;
    struct smtp_stats *st;
    struct addrinfo *ai;
    unsigned naddr;
    SSL_CTX *ssl_ctx;
    int ep;
    struct conn *conns;
    unsigned nconn;
    unsigned connect_ms, greeting_ms, command_ms, data_ms, idle_ms;
    unsigned attempts;
    int draining;
    int no_more; /* next() returned -1 */
    int fatal;
    int want_poll; /* some connection got 0 from next() */
    unsigned uncommitted;
    uint64_t commits; /* commit() calls */
    uint64_t durable; /* of them durable */
    uint64_t now;
    struct buf *why;
};

const char *
smtp_outcome_name(enum smtp_outcome o)
{
    switch (o) {
    case SMTP_ACCEPTED:
        return "accepted";
    case SMTP_DEFERRED:
        return "deferred";
    case SMTP_FAILED:
        return "failed";
    case SMTP_RETRY:
        return "retry";
    case SMTP_UNCERTAIN:
        return "uncertain";
    }
    return "unknown";
}

/* Milliseconds of the monotonic clock, for the timers of the loop (a
 * double of seconds keeps the microsecond for 270 years of uptime). */
static uint64_t
mono_ms(void)
{
    return (uint64_t)(clock_now() * 1000.0);
}

/* Stop the run for an error another try cannot mend; the first one wins
 * the why text. */
static void
run_fatal(struct run *r, const char *fmt, ...)
{
    va_list ap;

    if (!r->fatal && r->why != NULL) {
        buf_reset(r->why);
        va_start(ap, fmt);
        if (buf_vprintf(r->why, fmt, ap) != 0)
            buf_reset(r->why);
        va_end(ap);
    }
    r->fatal = 1;
    r->draining = 1;
}

/* ---- epoll interest ---------------------------------------------------- */

static void
conn_events(struct run *r, struct conn *c)
{
    struct epoll_event ev;
    uint32_t want;

    if (c->fd < 0)
        return;
    want = EPOLLIN;
    if (c->state == CS_CONNECTING || c->want_write)
        want |= EPOLLOUT;
    if (want == c->events)
        return;
    memset(&ev, 0, sizeof ev);
    ev.events = want;
    ev.data.u32 = c->idx;
    if (epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = want;
}

/* ---- expected replies -------------------------------------------------- */

static unsigned
ex_timeout(const struct run *r, int kind)
{
    switch (kind) {
    case EX_GREETING:
        return r->greeting_ms;
    case EX_DOT:
    case EX_DOT_IGNORE:
        return r->data_ms;
    default:
        return r->command_ms;
    }
}

static int
ex_front(const struct conn *c)
{
    return c->ex_n ? c->ex_kind[c->ex_head] : -1;
}

static void
ex_push(struct run *r, struct conn *c, int kind, int txn)
{
    unsigned i;

    /* Bounded by NTXN transactions of at most four replies and a RSET. */
    if (c->ex_n >= EXQ)
        abort();
    i = (c->ex_head + c->ex_n) % EXQ;
    c->ex_kind[i] = (unsigned char)kind;
    c->ex_txn[i] = (unsigned char)(txn < 0 ? 0xff : txn);
    if (c->ex_n++ == 0)
        c->deadline = r->now + ex_timeout(r, kind);
}

static void
ex_pop(struct run *r, struct conn *c, int *kind, int *txn)
{
    *kind = c->ex_kind[c->ex_head];
    *txn = c->ex_txn[c->ex_head] == 0xff ? -1 : c->ex_txn[c->ex_head];
    c->ex_head = (c->ex_head + 1) % EXQ;
    c->ex_n--;
    c->deadline = c->ex_n ? r->now + ex_timeout(r, ex_front(c)) : 0;
}

/* ---- output ------------------------------------------------------------ */

static struct seg *
seg_last(struct conn *c)
{
    return c->seg_n ? &c->seg[(c->seg_head + c->seg_n - 1) % NSEG] : NULL;
}

static int
seg_push(struct conn *c, const char *ptr, size_t off, size_t len, int txn)
{
    struct seg *s;

    if (c->seg_n >= NSEG)
        return TOCSIN_ELIMIT;
    s = &c->seg[(c->seg_head + c->seg_n) % NSEG];
    s->ptr = ptr;
    s->off = off;
    s->len = len;
    s->txn = txn;
    s->gate = 0;
    c->seg_n++;
    return 0;
}

/* Queue a command (text with its CRLF) for the write phase. */
static int out_cmd(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
out_cmd(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    size_t off = buf_len(&c->cmd);
    struct seg *last;
    int rc;

    va_start(ap, fmt);
    rc = buf_vprintf(&c->cmd, fmt, ap);
    va_end(ap);
    if (rc != 0)
        return rc;
    last = seg_last(c);
    if (last != NULL && last->ptr == NULL && last->off + last->len == off) {
        last->len += buf_len(&c->cmd) - off;
        return 0;
    }
    rc = seg_push(c, NULL, off, buf_len(&c->cmd) - off, -1);
    if (rc != 0)
        buf_truncate(&c->cmd, off);
    return rc;
}

/* ---- closing ----------------------------------------------------------- */

static void
txn_done(struct run *r, struct conn *c, int t, enum smtp_outcome o, int code,
         const char *enh, const char *text)
{
    struct txn *x = &c->txn[t];
    uint64_t id = x->m.id;

    switch (o) {
    case SMTP_ACCEPTED:
        r->st->accepted++;
        break;
    case SMTP_DEFERRED:
        r->st->deferred++;
        break;
    case SMTP_FAILED:
        r->st->failed++;
        break;
    case SMTP_RETRY:
        r->st->retry++;
        break;
    case SMTP_UNCERTAIN:
        r->st->uncertain++;
        break;
    }
    /* enh and text may point into x: clear it after the call. */
    r->cb->done(r->ctx, id, o, code, enh ? enh : "", text ? text : "");
    memset(x, 0, sizeof *x);
}

static unsigned
conn_txns(const struct conn *c)
{
    unsigned i, n = 0;

    for (i = 0; i < NTXN; i++)
        n += c->txn[i].used != 0;
    return n;
}

/* Close the socket and forget the session; transactions must be gone. */
static void
conn_reset(struct run *r, struct conn *c, int clean)
{
    if (c->ssl != NULL) {
        if (clean && c->tls_on)
            (void)SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        (void)epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    c->tls_on = c->authed = 0;
    c->events = 0;
    c->want_write = c->writable = 0;
    c->deadline = 0;
    c->esmtp = c->pipelining = c->starttls = 0;
    c->auth_plain = c->auth_login = c->enhanced = 0;
    c->size_offered = 0;
    c->size_max = 0;
    c->in_start = c->in_end = 0;
    c->r_lines = 0;
    c->ex_head = c->ex_n = 0;
    c->seg_head = c->seg_n = 0;
    buf_scrub(&c->cmd);
    buf_scrub(&c->tls_out);
    c->tls_len = 0;
    c->started = 0;
    c->quit = QR_NONE;
    c->idle_since = 0;
}

/*
 * The connection failed (lost, timed out, refused, 421, protocol error):
 * its transactions come back as RETRY, or UNCERTAIN when their final dot
 * was written, with code/enh/text (a 421's) or a local reason; then it
 * reconnects after a backoff, or gives up.
 */
static void
conn_fail(struct run *r, struct conn *c, int code, const char *enh,
          const char *text)
{
    int ready = c->state == CS_READY || c->state == CS_QUIT;
    int dot[NTXN], used[NTXN];
    unsigned i;

    /* text is the server's when there is a code (it may echo an
     * address): never logged. Without a code it is a local reason. */
    log_debug("smtp: connection %u: closed: %s (code %d)", c->idx,
              code ? "by a reply" : text, code);
    /* Drop the output first: it may point at the payloads that done()
     * hands back to the caller. */
    for (i = 0; i < NTXN; i++) {
        used[i] = c->txn[i].used;
        dot[i] = c->txn[i].dot_written;
    }
    conn_reset(r, c, 0);
    for (i = 0; i < NTXN; i++) {
        if (used[i])
            txn_done(r, c, (int)i, dot[i] ? SMTP_UNCERTAIN : SMTP_RETRY, code,
                     enh, text);
    }
    if (!c->reached_ready) {
        c->fails++;
        r->st->connect_errors++;
    }
    c->reached_ready = 0;
    if (r->draining) {
        c->state = CS_CLOSED;
        return;
    }
    if (c->fails >= r->attempts) {
        log_warn("smtp: connection %u: giving up after %u failures in a "
                 "row",
                 c->idx, c->fails);
        c->state = CS_GAVE_UP;
        return;
    }
    if (!ready && c->fails > 0) {
        c->at = r->now + c->backoff_ms;
        c->backoff_ms = c->backoff_ms >= SMTP_BACKOFF_MAX_MS / 2
                            ? SMTP_BACKOFF_MAX_MS
                            : c->backoff_ms * 2;
    } else {
        c->at = r->now + SMTP_BACKOFF_MIN_MS;
    }
    c->state = CS_WAIT;
}

/*
 * A session the server or tocsin ends at a command boundary (a refused
 * greeting, EHLO or AUTH; no STARTTLS when TLS is required): say QUIT
 * before closing, as RFC 5321 4.1.1.10 asks, without waiting for the 221.
 * Not after a 421 (the server closes) nor an I/O error.
 */
static int io_flush(struct run *r, struct conn *c);

static void
conn_refuse(struct run *r, struct conn *c, int code, const char *enh,
            const char *text)
{
    if (c->fd >= 0 && c->state == CS_SESSION && c->seg_n == 0 &&
        out_cmd(c, "QUIT\r\n") == 0)
        (void)io_flush(r, c);
    conn_fail(r, c, code, enh, text);
}

/* The session ended with QUIT (or the run stops before a transaction). */
static void
conn_close(struct run *r, struct conn *c)
{
    enum quit_reason q = c->quit;

    conn_reset(r, c, 1);
    c->reached_ready = 0;
    if (r->draining || q == QR_DRAIN)
        c->state = CS_CLOSED;
    else if (q == QR_IDLE)
        c->state = CS_DORMANT;
    else {
        c->state = CS_WAIT;
        c->at = r->now;
    }
}

static void
protocol_error(struct run *r, struct conn *c, const char *what)
{
    log_warn("smtp: connection %u: protocol error: %s", c->idx, what);
    conn_fail(r, c, 0, "", "protocol error");
}

/* ---- connecting -------------------------------------------------------- */

static void send_ehlo(struct run *r, struct conn *c, int helo);
static void tls_step(struct run *r, struct conn *c);
static void send_quit(struct run *r, struct conn *c, enum quit_reason q);

static void
after_connect(struct run *r, struct conn *c)
{
    if (r->o->tls == SMTP_TLS_IMPLICIT) {
        c->ssl = SSL_new(r->ssl_ctx);
        if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
            conn_fail(r, c, 0, "", "TLS setup failed");
            return;
        }
        c->state = CS_TLS;
        c->deadline = r->now + r->connect_ms;
        tls_step(r, c);
        return;
    }
    c->state = CS_SESSION;
    c->deadline = 0;
    ex_push(r, c, EX_GREETING, -1);
    conn_events(r, c);
}

static void
conn_start(struct run *r, struct conn *c)
{
    struct addrinfo *a = r->ai;
    struct epoll_event ev;
    unsigned i;
    int one = 1;

    for (i = 0; i < c->addr_i % r->naddr; i++)
        a = a->ai_next;
    c->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   a->ai_protocol);
    if (c->fd < 0) {
        c->state = CS_CONNECTING;
        conn_fail(r, c, 0, "", "socket() failed");
        return;
    }
    r->st->connections++;
    (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = c->idx;
    if (epoll_ctl(r->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        c->state = CS_CONNECTING;
        conn_fail(r, c, 0, "", "epoll_ctl() failed");
        return;
    }
    c->events = ev.events;
    c->state = CS_CONNECTING;
    c->deadline = r->now + r->connect_ms;
    if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0) {
        after_connect(r, c);
        return;
    }
    if (errno != EINPROGRESS) {
        c->addr_i++;
        conn_fail(r, c, 0, "", "connect failed");
    }
}

static void
on_connected(struct run *r, struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;

    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        if (err == EINPROGRESS)
            return;
        log_debug("smtp: connection %u: connect: %s", c->idx, strerror(err));
        c->addr_i++;
        conn_fail(r, c, 0, "", "connect failed");
        return;
    }
    after_connect(r, c);
}

/* ---- TLS --------------------------------------------------------------- */

static int
host_is_ip(const char *host)
{
    unsigned char a[16];

    return inet_pton(AF_INET, host, a) == 1 ||
           inet_pton(AF_INET6, host, a) == 1;
}

static int tls_context(struct run *r);

static int
tls_new(struct run *r, struct conn *c)
{
    const char *host = r->o->host;

    /* opportunistic STARTTLS sets the context up when a server first
     * offers it: loading the CA store costs tens of milliseconds */
    if (r->ssl_ctx == NULL && tls_context(r) != 0)
        return -1;
    c->ssl = SSL_new(r->ssl_ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
        return -1;
    if (host_is_ip(host)) {
        if (r->o->tls_verify &&
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) != 1)
            return -1;
    } else {
        if (SSL_set_tlsext_host_name(c->ssl, host) != 1)
            return -1;
        if (r->o->tls_verify && SSL_set1_host(c->ssl, host) != 1)
            return -1;
    }
    SSL_set_connect_state(c->ssl);
    return 0;
}

static void
tls_step(struct run *r, struct conn *c)
{
    int rc, err;
    long vr;

    if (c->ssl == NULL && tls_new(r, c) != 0) {
        conn_fail(r, c, 0, "", "TLS setup failed");
        return;
    }
    ERR_clear_error();
    rc = SSL_connect(c->ssl);
    if (rc == 1) {
        c->tls_on = 1;
        c->want_write = 0;
        log_debug("smtp: connection %u: %s, %s", c->idx,
                  SSL_get_version(c->ssl), SSL_get_cipher(c->ssl));
        c->state = CS_SESSION;
        c->deadline = 0;
        if (r->o->tls == SMTP_TLS_IMPLICIT)
            ex_push(r, c, EX_GREETING, -1);
        else if (r->draining)
            send_quit(r, c, QR_DRAIN);
        else
            send_ehlo(r, c, 0);
        conn_events(r, c);
        return;
    }
    err = SSL_get_error(c->ssl, rc);
    if (err == SSL_ERROR_WANT_READ) {
        c->want_write = 0;
        conn_events(r, c);
        return;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        c->want_write = 1;
        conn_events(r, c);
        return;
    }
    vr = SSL_get_verify_result(c->ssl);
    if (r->o->tls_verify && vr != X509_V_OK) {
        run_fatal(r, "TLS: the server certificate does not verify: %s",
                  X509_verify_cert_error_string(vr));
        conn_fail(r, c, 0, "", "TLS certificate does not verify");
        return;
    }
    {
        char e[160];

        ERR_error_string_n(ERR_peek_last_error(), e, sizeof e);
        log_warn("smtp: connection %u: TLS handshake failed: %s", c->idx, e);
    }
    conn_fail(r, c, 0, "", "TLS handshake failed");
}

/* ---- raw I/O ----------------------------------------------------------- */

/* >0 bytes read; 0 end of stream; -1 would block; -2 error. */
static ssize_t
io_read(struct conn *c, char *p, size_t n)
{
    ssize_t k;
    int err;

    if (c->tls_on) {
        ERR_clear_error();
        k = SSL_read(c->ssl, p, (int)(n > INT32_MAX ? INT32_MAX : n));
        if (k > 0)
            return k;
        err = SSL_get_error(c->ssl, (int)k);
        if (err == SSL_ERROR_WANT_READ)
            return -1;
        if (err == SSL_ERROR_WANT_WRITE) {
            c->want_write = 1;
            return -1;
        }
        if (err == SSL_ERROR_ZERO_RETURN)
            return 0;
        return -2;
    }
    for (;;) {
        k = read(c->fd, p, n);
        if (k >= 0)
            return k;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -1;
        return -2;
    }
}

/*
 * Over TLS, the queued segments (the end of one message and the commands
 * of the next, say) go into one record of at most TLS_RECORD bytes, as
 * they go into one sendmsg() in the clear. Written one record each, a
 * server such as Postfix answers the end of the message at once and the
 * next commands in a second small write, which Nagle's algorithm then
 * holds until this side's delayed ACK: 40 ms a message. 0 or -1 (memory).
 */
static int
tls_stage(struct conn *c, const struct iovec *iov, unsigned n)
{
    unsigned i;
    size_t take;

    buf_reset(&c->tls_out);
    for (i = 0; i < n && c->tls_out.len < TLS_RECORD; i++) {
        take = iov[i].iov_len;
        if (take > TLS_RECORD - c->tls_out.len)
            take = TLS_RECORD - c->tls_out.len;
        if (buf_append(&c->tls_out, iov[i].iov_base, take) != 0)
            return -1;
    }
    c->tls_len = c->tls_out.len;
    return 0;
}

/* Write what is queued: 0 all written or would block; -1 error. */
static int
io_flush(struct run *r, struct conn *c)
{
    struct iovec iov[NSEG];
    ssize_t k;
    unsigned i, n;

    while (c->seg_n > 0) {
        n = 0;
        for (i = 0; i < c->seg_n; i++) {
            struct seg *s = &c->seg[(c->seg_head + i) % NSEG];

            if (s->gate > r->durable)
                break; /* its in-flight mark is not durable yet */
            iov[n].iov_base = (char *)(s->ptr ? s->ptr : c->cmd.data) + s->off;
            iov[n].iov_len = s->len;
            n++;
        }
        if (n == 0) {
            c->want_write = 0;
            return 0;
        }
        if (c->tls_on) {
            int err;

            if (c->tls_len == 0 && tls_stage(c, iov, n) != 0)
                return -1;
            ERR_clear_error();
            k = SSL_write(c->ssl, c->tls_out.data, (int)c->tls_len);
            if (k <= 0) {
                err = SSL_get_error(c->ssl, (int)k);
                if (err == SSL_ERROR_WANT_WRITE ||
                    err == SSL_ERROR_WANT_READ) {
                    /* the retry must pass the same bytes */
                    c->want_write = err == SSL_ERROR_WANT_WRITE;
                    return 0;
                }
                return -1;
            }
            c->tls_len = 0;
        } else {
            struct msghdr mh;

            memset(&mh, 0, sizeof mh);
            mh.msg_iov = iov;
            mh.msg_iovlen = n;
            k = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    c->want_write = 1;
                    return 0;
                }
                return -1;
            }
        }
        r->st->bytes_written += (uint64_t)k;
        while (k > 0 && c->seg_n > 0) {
            struct seg *s = &c->seg[c->seg_head];
            size_t d = (size_t)k < s->len ? (size_t)k : s->len;

            s->off += d;
            s->len -= d;
            k -= (ssize_t)d;
            if (s->len == 0) {
                if (s->txn >= 0)
                    c->txn[s->txn].dot_written = 1;
                c->seg_head = (c->seg_head + 1) % NSEG;
                c->seg_n--;
            }
        }
    }
    c->want_write = 0;
    c->seg_head = 0;
    buf_scrub(&c->cmd);
    buf_scrub(&c->tls_out);
    return 0;
}

/* ---- session setup ----------------------------------------------------- */

static void
caps_clear(struct conn *c)
{
    c->esmtp = c->pipelining = c->starttls = 0;
    c->auth_plain = c->auth_login = c->enhanced = 0;
    c->size_offered = 0;
    c->size_max = 0;
}

static void
send_ehlo(struct run *r, struct conn *c, int helo)
{
    const char *name = r->o->helo ? r->o->helo : "localhost";

    caps_clear(c);
    if (out_cmd(c, "%s %s\r\n", helo ? "HELO" : "EHLO", name) != 0) {
        conn_fail(r, c, 0, "", "out of memory");
        return;
    }
    ex_push(r, c, helo ? EX_HELO : EX_EHLO, -1);
}

/* One word of a space separated list, case-insensitively. */
static int
has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    const char *p = list;

    while (*p) {
        while (*p == ' ')
            p++;
        if (strncasecmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

/* One line of the EHLO reply after the first: an extension. */
static void
ehlo_line(struct conn *c, const char *t)
{
    if (strcasecmp(t, "PIPELINING") == 0)
        c->pipelining = 1;
    else if (strcasecmp(t, "STARTTLS") == 0)
        c->starttls = 1;
    else if (strcasecmp(t, "ENHANCEDSTATUSCODES") == 0)
        c->enhanced = 1;
    else if (strncasecmp(t, "SIZE", 4) == 0 && (t[4] == ' ' || !t[4])) {
        char *end;
        unsigned long long v;

        c->size_offered = 1;
        errno = 0;
        v = t[4] ? strtoull(t + 5, &end, 10) : 0;
        if (t[4] && (errno != 0 || end == t + 5 || *end != '\0'))
            v = 0; /* no number we understand: no fixed limit */
        c->size_max = v;
    } else if (strncasecmp(t, "AUTH", 4) == 0 &&
               (t[4] == ' ' || t[4] == '=')) {
        if (has_word(t + 5, "PLAIN"))
            c->auth_plain = 1;
        if (has_word(t + 5, "LOGIN"))
            c->auth_login = 1;
    }
}

static void
ready(struct run *r, struct conn *c)
{
    (void)r;
    c->state = CS_READY;
    c->reached_ready = 1;
    c->fails = 0;
    c->backoff_ms = SMTP_BACKOFF_MIN_MS;
    c->idle_since = 0;
    log_debug("smtp: connection %u: ready (pipelining %d, tls %d)", c->idx,
              c->pipelining, c->tls_on);
}

/* base64 of p[0..n) into out (4 * ceil(n / 3) + 1 bytes). */
static void
b64(const char *p, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)p, (int)n);
}

static void
send_auth(struct run *r, struct conn *c)
{
    const struct smtp_options *o = r->o;
    size_t ul = strlen(o->user), pl = strlen(o->password);
    char raw[2 * LIMIT_SMTP_CREDENTIAL + 2];
    char enc[4 * ((sizeof raw + 2) / 3) + 1];
    int rc;

    if (c->auth_plain) {
        raw[0] = '\0';
        memcpy(raw + 1, o->user, ul);
        raw[1 + ul] = '\0';
        memcpy(raw + 2 + ul, o->password, pl);
        b64(raw, ul + pl + 2, enc);
        rc = out_cmd(c, "AUTH PLAIN %s\r\n", enc);
        ex_push(r, c, EX_AUTH_PLAIN, -1);
    } else {
        rc = out_cmd(c, "AUTH LOGIN\r\n");
        ex_push(r, c, EX_AUTH_LOGIN, -1);
    }
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(enc, sizeof enc);
    if (rc != 0)
        conn_fail(r, c, 0, "", "out of memory");
}

static void
send_login_part(struct run *r, struct conn *c, const char *s, int kind)
{
    char enc[4 * ((LIMIT_SMTP_CREDENTIAL + 2) / 3) + 1];
    int rc;

    b64(s, strlen(s), enc);
    rc = out_cmd(c, "%s\r\n", enc);
    OPENSSL_cleanse(enc, sizeof enc);
    if (rc != 0) {
        conn_fail(r, c, 0, "", "out of memory");
        return;
    }
    ex_push(r, c, kind, -1);
}

/* After EHLO/HELO: STARTTLS, AUTH, or ready; QUIT when the run stops. */
static void
setup_next(struct run *r, struct conn *c)
{
    const struct smtp_options *o = r->o;

    if (r->draining) {
        send_quit(r, c, QR_DRAIN);
        return;
    }

    if (!c->tls_on &&
        (o->tls == SMTP_TLS_STARTTLS || o->tls == SMTP_TLS_REQUIRE)) {
        if (c->starttls) {
            if (out_cmd(c, "STARTTLS\r\n") != 0) {
                conn_fail(r, c, 0, "", "out of memory");
                return;
            }
            ex_push(r, c, EX_STARTTLS, -1);
            return;
        }
        if (o->tls == SMTP_TLS_REQUIRE) {
            run_fatal(r, "TLS required but the server does not offer "
                         "STARTTLS");
            conn_refuse(r, c, 0, "", "no STARTTLS");
            return;
        }
    }
    if (o->user != NULL && !c->authed) {
        if (!c->tls_on && !o->allow_plain_auth) {
            run_fatal(r, "refusing to send the password without TLS");
            conn_refuse(r, c, 0, "", "no TLS for AUTH");
            return;
        }
        if (!c->auth_plain && !c->auth_login) {
            run_fatal(r, "the server offers no AUTH PLAIN or LOGIN");
            conn_refuse(r, c, 0, "", "no AUTH");
            return;
        }
        send_auth(r, c);
        return;
    }
    ready(r, c);
}

/* ---- transactions ------------------------------------------------------ */

static int
addr_ok(const char *a, int empty_ok)
{
    size_t n = 0;

    if (a == NULL)
        return 0;
    for (; a[n]; n++) {
        unsigned char ch = (unsigned char)a[n];

        if (ch <= 0x20 || ch >= 0x7f || ch == '<' || ch == '>')
            return 0;
        if (n >= LIMIT_EMAIL_ADDRESS)
            return 0;
    }
    return n > 0 || empty_ok;
}

static int
data_ok(const struct smtp_msg *m)
{
    if (m->data == NULL)
        return 0;
    if (m->len == 3)
        return memcmp(m->data, ".\r\n", 3) == 0;
    return m->len >= 5 && memcmp(m->data + m->len - 5, "\r\n.\r\n", 5) == 0;
}

/* Give a message to this connection: queue its command group, or finish
 * it at once when it cannot go. 1 started, 0 finished locally. */
static int
txn_start(struct run *r, struct conn *c, const struct smtp_msg *m)
{
    struct txn *x;
    int t, rc;

    t = c->txn[0].used ? 1 : 0;
    x = &c->txn[t];
    memset(x, 0, sizeof *x);
    x->used = 1;
    x->m = *m;
    if (!addr_ok(m->mail_from, 1) || !addr_ok(m->rcpt, 0)) {
        txn_done(r, c, t, SMTP_FAILED, 0, "", "invalid address (local)");
        return 0;
    }
    if (!data_ok(m)) {
        txn_done(r, c, t, SMTP_FAILED, 0, "",
                 "payload does not end in CRLF.CRLF (local)");
        return 0;
    }
    if (c->size_max > 0 && m->len > c->size_max) {
        txn_done(r, c, t, SMTP_FAILED, 552, "5.3.4",
                 "message larger than the server's SIZE limit (local)");
        return 0;
    }
    /* The in-flight mark goes with the command group; the payload waits
     * for the commit after it. By the time the server says 354 (one round
     * trip), that commit is usually done: it costs no time. */
    if (r->cb->sending != NULL)
        r->cb->sending(r->ctx, m->id);
    r->uncommitted++;
    x->gate = r->commits + 1;
    c->started++;
    if (c->size_offered)
        rc = out_cmd(c, "MAIL FROM:<%s> SIZE=%zu\r\n", m->mail_from, m->len);
    else
        rc = out_cmd(c, "MAIL FROM:<%s>\r\n", m->mail_from);
    ex_push(r, c, EX_MAIL, t);
    if (c->pipelining) {
        if (rc == 0)
            rc = out_cmd(c, "RCPT TO:<%s>\r\nDATA\r\n", m->rcpt);
        ex_push(r, c, EX_RCPT, t);
        ex_push(r, c, EX_DATA, t);
    }
    if (rc != 0) {
        conn_fail(r, c, 0, "", "out of memory");
        return 0;
    }
    return 1;
}

/* Can this connection start another transaction now? */
static int
conn_can_start(const struct run *r, const struct conn *c)
{
    unsigned i;

    if (c->state != CS_READY || r->draining || c->quit != QR_NONE)
        return 0;
    if (r->o->per_connection && c->started >= r->o->per_connection)
        return 0;
    if (!c->pipelining)
        return conn_txns(c) == 0 && c->ex_n == 0;
    /* Pipelining: one transaction may wait for its final reply while the
     * next one's command group goes out. */
    for (i = 0; i < NTXN; i++) {
        if (c->txn[i].used && !c->txn[i].payload_queued)
            return 0;
    }
    return conn_txns(c) < NTXN;
}

/* Ask the caller for messages for connection c. */
static void
conn_fill(struct run *r, struct conn *c)
{
    struct smtp_msg m;
    int rounds, got;

    for (rounds = 0; rounds < FILL_ROUNDS && conn_can_start(r, c); rounds++) {
        memset(&m, 0, sizeof m);
        got = r->cb->next(r->ctx, &m);
        if (got < 0) {
            r->no_more = 1;
            r->draining = 1;
            return;
        }
        if (got == 0) {
            r->want_poll = 1;
            if (conn_txns(c) == 0 && c->idle_since == 0)
                c->idle_since = r->now;
            return;
        }
        c->idle_since = 0;
        if (txn_start(r, c, &m) && c->fd < 0)
            return;
        if (c->state != CS_READY)
            return;
    }
}

/* The outcome of a reply code to MAIL, RCPT, DATA or the final dot. */
static enum smtp_outcome
code_outcome(int code)
{
    if (code >= 200 && code < 300)
        return SMTP_ACCEPTED;
    return code >= 500 ? SMTP_FAILED : SMTP_DEFERRED;
}

/* The server refused transaction t (code, with its texts): report it,
 * and reset the session when a MAIL was accepted for it. The texts may
 * point into the transaction: read before txn_done() clears it. */
static void
txn_refused(struct run *r, struct conn *c, int t, int code, const char *enh,
            const char *text)
{
    int mail_ok = c->txn[t].mail_ok;

    txn_done(r, c, t, code_outcome(code), code, enh, text);
    if (!mail_ok)
        return;
    if (out_cmd(c, "RSET\r\n") != 0) {
        conn_fail(r, c, 0, "", "out of memory");
        return;
    }
    ex_push(r, c, EX_RSET, -1);
}

/* MAIL or RCPT got a reply. */
static void
on_envelope(struct run *r, struct conn *c, int kind, int t)
{
    struct txn *x = &c->txn[t];
    int code = c->r_code;

    if (code >= 200 && code < 300) {
        if (kind == EX_MAIL)
            x->mail_ok = 1;
        if (!c->pipelining) {
            int rc = kind == EX_MAIL
                         ? out_cmd(c, "RCPT TO:<%s>\r\n", x->m.rcpt)
                         : out_cmd(c, "DATA\r\n");

            if (rc != 0) {
                conn_fail(r, c, 0, "", "out of memory");
                return;
            }
            ex_push(r, c, kind == EX_MAIL ? EX_RCPT : EX_DATA, t);
        }
        return;
    }
    if (code < 400) {
        protocol_error(r, c, "unexpected reply to MAIL or RCPT");
        return;
    }
    if (x->fail_code == 0) {
        x->fail_code = code;
        memcpy(x->fail_enh, c->r_enh, sizeof x->fail_enh);
        memcpy(x->fail_text, c->r_text, sizeof x->fail_text);
    }
    if (!c->pipelining)
        txn_refused(r, c, t, code, c->r_enh, c->r_text);
}

/* DATA got a reply. */
static void
on_data(struct run *r, struct conn *c, int t)
{
    struct txn *x = &c->txn[t];
    int code = c->r_code;

    if (code == 354) {
        if (x->fail_code != 0) {
            /* MAIL or RCPT failed yet DATA was taken: end the empty
             * message at once (RFC 2920 3.1) and report the failure. */
            if (out_cmd(c, ".\r\n") != 0) {
                conn_fail(r, c, 0, "", "out of memory");
                return;
            }
            ex_push(r, c, EX_DOT_IGNORE, -1);
            txn_done(r, c, t, code_outcome(x->fail_code), x->fail_code,
                     x->fail_enh, x->fail_text);
            return;
        }
        if (seg_push(c, x->m.data, 0, x->m.len, t) != 0) {
            conn_fail(r, c, 0, "", "output queue full");
            return;
        }
        c->seg[(c->seg_head + c->seg_n - 1) % NSEG].gate = x->gate;
        x->payload_queued = 1;
        ex_push(r, c, EX_DOT, t);
        /* The next message's group right behind the payload. */
        if (c->pipelining)
            conn_fill(r, c);
        return;
    }
    if (code < 400) {
        protocol_error(r, c, "unexpected reply to DATA");
        return;
    }
    if (x->fail_code != 0)
        txn_refused(r, c, t, x->fail_code, x->fail_enh, x->fail_text);
    else
        txn_refused(r, c, t, code, c->r_enh, c->r_text);
}

/* ---- replies ----------------------------------------------------------- */

static void
on_reply(struct run *r, struct conn *c)
{
    int kind, t, code = c->r_code;

    if (c->ex_n == 0) {
        if (code == 421)
            conn_fail(r, c, 421, c->r_enh, c->r_text);
        else
            protocol_error(r, c, "reply without a command");
        return;
    }
    ex_pop(r, c, &kind, &t);
    log_debug("smtp: connection %u: reply %d to %d", c->idx, code, kind);
    if (code == 421 && kind != EX_DOT) {
        if (kind == EX_QUIT)
            conn_close(r, c);
        else
            conn_fail(r, c, 421, c->r_enh, c->r_text);
        return;
    }
    switch (kind) {
    case EX_GREETING:
        if (code == 220 && r->draining)
            send_quit(r, c, QR_DRAIN);
        else if (code == 220)
            send_ehlo(r, c, 0);
        else
            conn_refuse(r, c, code, c->r_enh, "greeting refused");
        break;
    case EX_EHLO:
        if (code == 250) {
            c->esmtp = 1;
            setup_next(r, c);
        } else if (code >= 500)
            send_ehlo(r, c, 1);
        else
            conn_refuse(r, c, code, c->r_enh, "EHLO refused");
        break;
    case EX_HELO:
        if (code == 250) {
            caps_clear(c);
            setup_next(r, c);
        } else if (code >= 500) {
            run_fatal(r, "the server refuses EHLO and HELO (%d)", code);
            conn_refuse(r, c, code, c->r_enh, "HELO refused");
        } else
            conn_refuse(r, c, code, c->r_enh, "HELO refused");
        break;
    case EX_STARTTLS:
        if (code == 220) {
            if (c->in_end > c->in_start) {
                /* Plaintext after the 220 would be read as if it came
                 * through TLS (CVE-2011-0411). */
                protocol_error(r, c, "data after the STARTTLS reply");
                return;
            }
            c->state = CS_TLS;
            c->deadline = r->now + r->connect_ms;
            tls_step(r, c);
        } else if (r->o->tls == SMTP_TLS_REQUIRE) {
            if (code >= 500)
                run_fatal(r, "the server refuses STARTTLS (%d)", code);
            conn_refuse(r, c, code, c->r_enh, "STARTTLS refused");
        } else {
            /* Opportunistic: go on without TLS. */
            c->starttls = 0;
            setup_next(r, c);
        }
        break;
    case EX_AUTH_PLAIN:
    case EX_AUTH_PASS:
    case EX_AUTH_LOGIN:
    case EX_AUTH_USER:
        if (code == 235 && (kind == EX_AUTH_PLAIN || kind == EX_AUTH_PASS)) {
            c->authed = 1;
            ready(r, c);
        } else if (code == 334 && kind == EX_AUTH_LOGIN) {
            send_login_part(r, c, r->o->user, EX_AUTH_USER);
        } else if (code == 334 && kind == EX_AUTH_USER) {
            send_login_part(r, c, r->o->password, EX_AUTH_PASS);
        } else if (code >= 500) {
            run_fatal(r, "authentication rejected (%d)", code);
            conn_refuse(r, c, code, c->r_enh, "authentication rejected");
        } else
            conn_refuse(r, c, code, c->r_enh, "authentication failed");
        break;
    case EX_MAIL:
    case EX_RCPT:
        on_envelope(r, c, kind, t);
        break;
    case EX_DATA:
        on_data(r, c, t);
        break;
    case EX_DOT:
        if (!c->txn[t].dot_written) {
            protocol_error(r, c, "reply before the end of the data");
            return;
        }
        if (code < 200 || (code >= 300 && code < 400)) {
            protocol_error(r, c, "unexpected reply to the final dot");
            return;
        }
        txn_done(r, c, t, code_outcome(code), code, c->r_enh, c->r_text);
        if (code == 421)
            conn_fail(r, c, 421, c->r_enh, c->r_text);
        break;
    case EX_DOT_IGNORE:
    case EX_RSET:
        break;
    case EX_QUIT:
        conn_close(r, c);
        break;
    }
}

/* An RFC 3463 code of class cls at the start of t: its length, or 0. */
static size_t
enh_len(const char *t, int cls)
{
    size_t i = 0, k;
    int part;

    if (t[0] != '0' + cls || t[1] != '.')
        return 0;
    i = 2;
    for (part = 0; part < 2; part++) {
        for (k = 0; k < 3 && t[i] >= '0' && t[i] <= '9'; k++)
            i++;
        if (k == 0)
            return 0;
        if (part == 0) {
            if (t[i] != '.')
                return 0;
            i++;
        }
    }
    if (t[i] != ' ' && t[i] != '\0')
        return 0;
    return i;
}

/* Add reply text to c->r_text: printable ASCII, lines joined with a
 * blank, cut at LIMIT_SMTP_REPLY_TEXT. */
static void
text_add(struct conn *c, const char *t, size_t n)
{
    size_t i;

    if (c->r_text_len > 0 && n > 0 && c->r_text_len < LIMIT_SMTP_REPLY_TEXT)
        c->r_text[c->r_text_len++] = ' ';
    for (i = 0; i < n && c->r_text_len < LIMIT_SMTP_REPLY_TEXT; i++) {
        unsigned char ch = (unsigned char)t[i];

        c->r_text[c->r_text_len++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    c->r_text[c->r_text_len] = '\0';
}

/* One reply line (without its line end, NUL-terminated at n). */
static void
on_line(struct run *r, struct conn *c, const char *s, size_t n)
{
    int code, last;
    const char *t;
    size_t e;

    if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
        s[2] < '0' || s[2] > '9' || (n > 3 && s[3] != ' ' && s[3] != '-')) {
        protocol_error(r, c, "malformed reply line");
        return;
    }
    code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    last = n == 3 || s[3] == ' ';
    t = n > 4 ? s + 4 : "";
    if (c->r_lines == 0) {
        c->r_code = code;
        c->r_enh[0] = '\0';
        c->r_text[0] = '\0';
        c->r_text_len = 0;
    } else if (code != c->r_code) {
        protocol_error(r, c, "reply lines with different codes");
        return;
    }
    if (++c->r_lines > LIMIT_SMTP_REPLY_LINES) {
        protocol_error(r, c, "reply with too many lines");
        return;
    }
    if (ex_front(c) == EX_EHLO && code == 250 && c->r_lines > 1)
        ehlo_line(c, t);
    if (c->enhanced && (e = enh_len(t, code / 100)) > 0) {
        if (c->r_lines == 1) {
            memcpy(c->r_enh, t, e); /* e < ENH_MAX: at most 9 */
            c->r_enh[e] = '\0';
        }
        t += e;
        while (*t == ' ')
            t++;
    }
    text_add(c, t, strlen(t));
    if (last) {
        c->r_lines = 0;
        on_reply(r, c);
    }
}

static int
conn_talks(const struct conn *c)
{
    return c->fd >= 0 && (c->state == CS_SESSION || c->state == CS_READY ||
                          c->state == CS_QUIT);
}

/* Parse the complete lines in the input buffer. */
static void
conn_lines(struct run *r, struct conn *c)
{
    while (conn_talks(c)) {
        char *s = c->in + c->in_start, *lf;
        size_t avail = c->in_end - c->in_start, n;

        lf = memchr(s, '\n', avail);
        if (lf == NULL) {
            if (avail >= LIMIT_SMTP_LINE)
                protocol_error(r, c, "reply line too long");
            return;
        }
        n = (size_t)(lf - s);
        if (n + 1 > LIMIT_SMTP_LINE) {
            protocol_error(r, c, "reply line too long");
            return;
        }
        c->in_start += n + 1;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        s[n] = '\0';
        on_line(r, c, s, n);
    }
}

static void
conn_read(struct run *r, struct conn *c)
{
    ssize_t k;
    size_t space;

    while (conn_talks(c)) {
        if (c->in_start == c->in_end)
            c->in_start = c->in_end = 0;
        else if (c->in_start > 0) {
            memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
            c->in_end -= c->in_start;
            c->in_start = 0;
        }
        space = sizeof c->in - c->in_end;
        k = io_read(c, c->in + c->in_end, space);
        if (k == -1)
            break;
        if (k == 0) {
            if (c->state == CS_QUIT)
                conn_close(r, c);
            else
                conn_fail(r, c, 0, "", "connection lost");
            return;
        }
        if (k < 0) {
            conn_fail(r, c, 0, "", "connection lost");
            return;
        }
        c->in_end += (size_t)k;
        conn_lines(r, c);
        /* A short plain read took all there was: epoll (level-triggered)
         * reports more. TLS may hold decrypted bytes epoll cannot see:
         * read on until it would block. */
        if (!c->tls_on && (size_t)k < space)
            break;
    }
    conn_events(r, c);
}

/* ---- the loop ---------------------------------------------------------- */

static int
conn_setup(const struct conn *c)
{
    return c->state == CS_WAIT || c->state == CS_CONNECTING ||
           c->state == CS_TLS || c->state == CS_SESSION;
}

static void
send_quit(struct run *r, struct conn *c, enum quit_reason q)
{
    c->quit = q;
    c->state = CS_QUIT;
    if (out_cmd(c, "QUIT\r\n") != 0) {
        conn_close(r, c);
        return;
    }
    ex_push(r, c, EX_QUIT, -1);
}

/* QUIT what has nothing to do; wake a dormant connection when all others
 * are busy. */
static void
phase_idle(struct run *r)
{
    unsigned i, j, live = 0, free_ready = 0, setup = 0;
    int dormant = -1;

    for (i = 0; i < r->nconn; i++)
        live += r->conns[i].state == CS_READY;
    for (i = 0; i < r->nconn; i++) {
        struct conn *c = &r->conns[i];

        /* A session being set up (TLS, greeting, EHLO, AUTH) goes on to
         * its next command boundary and says QUIT there (setup_next). */
        if (r->draining && (conn_setup(c) || c->state == CS_DORMANT) &&
            c->state != CS_SESSION && c->state != CS_TLS) {
            conn_reset(r, c, 0);
            c->state = CS_CLOSED;
            continue;
        }
        if (c->state != CS_READY || conn_txns(c) != 0 || c->ex_n != 0)
            continue;
        if (r->draining) {
            send_quit(r, c, QR_DRAIN);
        } else if (r->o->per_connection &&
                   c->started >= r->o->per_connection) {
            send_quit(r, c, QR_LIMIT);
        } else if (c->idle_since != 0 &&
                   r->now - c->idle_since >= r->idle_ms && live > 1) {
            log_debug("smtp: connection %u: idle, closing", c->idx);
            live--;
            send_quit(r, c, QR_IDLE);
        }
    }
    if (r->draining)
        return;
    for (j = 0; j < r->nconn; j++) {
        struct conn *c = &r->conns[j];

        if (c->state == CS_READY && conn_can_start(r, c))
            free_ready++;
        else if (conn_setup(c))
            setup++;
        else if (c->state == CS_DORMANT && dormant < 0)
            dormant = (int)j;
    }
    if (dormant >= 0 && free_ready == 0 && setup == 0 && !r->want_poll) {
        r->conns[dormant].state = CS_WAIT;
        r->conns[dormant].at = r->now;
        r->conns[dormant].fails = 0;
    }
}

/* A commit failed: no payload waiting for one goes out; their
 * connections end (the messages come back as RETRY). */
static void
commit_failed(struct run *r)
{
    unsigned i, t;

    run_fatal(r, "the journal commit failed: no payload was sent after it");
    for (i = 0; i < r->nconn; i++) {
        struct conn *c = &r->conns[i];

        for (t = 0; t < NTXN; t++) {
            if (c->txn[t].used && !c->txn[t].dot_written &&
                c->txn[t].gate > r->durable) {
                conn_fail(r, c, 0, "", "journal commit failed");
                break;
            }
        }
    }
}

static void
phase_commit(struct run *r)
{
    if (r->uncommitted == 0)
        return;
    r->uncommitted = 0;
    r->commits++;
    if (r->cb->commit != NULL && r->cb->commit(r->ctx) != 0) {
        commit_failed(r);
        return;
    }
    if (r->cb->committed == NULL)
        r->durable = r->commits;
}

static void
phase_write(struct run *r)
{
    unsigned i;

    if (r->cb->committed != NULL && r->durable < r->commits) {
        int64_t d = r->cb->committed(r->ctx);

        if (d < 0)
            commit_failed(r);
        else if ((uint64_t)d > r->durable)
            r->durable = (uint64_t)d;
    }

    for (i = 0; i < r->nconn; i++) {
        struct conn *c = &r->conns[i];

        if (c->seg_n > 0 && conn_talks(c) && io_flush(r, c) != 0) {
            conn_fail(r, c, 0, "", "connection lost");
            continue;
        }
        conn_events(r, c);
    }
}

static uint64_t
phase_wait_until(const struct run *r, uint64_t next_tick)
{
    uint64_t t = next_tick;
    unsigned i;

    if (r->want_poll && r->now + POLL_MS < t)
        t = r->now + POLL_MS;
    for (i = 0; i < r->nconn; i++) {
        const struct conn *c = &r->conns[i];

        if (c->deadline && c->deadline < t)
            t = c->deadline;
        if (c->state == CS_WAIT && c->at < t)
            t = c->at;
        /* Past the idle time and still open (the last connection): no
         * wake-up for it. */
        if (c->state == CS_READY && c->idle_since &&
            c->idle_since + r->idle_ms > r->now &&
            c->idle_since + r->idle_ms < t)
            t = c->idle_since + r->idle_ms;
    }
    return t;
}

static int
loop(struct run *r)
{
    struct epoll_event ev[64];
    uint64_t next_tick, until;
    unsigned i, done;
    int n, k;

    r->now = mono_ms();
    next_tick = r->now + TICK_MS;
    for (;;) {
        r->now = mono_ms();
        if (r->now >= next_tick) {
            next_tick = r->now + TICK_MS;
            if (r->cb->tick != NULL && r->cb->tick(r->ctx) != 0)
                r->draining = 1;
        }
        for (i = 0; i < r->nconn; i++) {
            struct conn *c = &r->conns[i];

            if (c->deadline == 0 || r->now < c->deadline)
                continue;
            if (c->state == CS_QUIT)
                conn_close(r, c);
            else
                conn_fail(r, c, 0, "", "timeout");
        }
        if (!r->draining) {
            for (i = 0; i < r->nconn; i++) {
                struct conn *c = &r->conns[i];

                if (c->state == CS_WAIT && c->at <= r->now)
                    conn_start(r, c);
            }
        }
        r->want_poll = 0;
        for (i = 0; i < r->nconn && !r->draining; i++) {
            if (r->conns[i].state == CS_READY)
                conn_fill(r, &r->conns[i]);
        }
        phase_idle(r);
        if (!r->draining) {
            for (i = 0, done = 0; i < r->nconn; i++)
                done += r->conns[i].state == CS_GAVE_UP;
            if (done == r->nconn)
                run_fatal(r,
                          "cannot reach the server: every connection "
                          "failed %u times in a row",
                          r->attempts);
        }
        for (i = 0, done = 0; i < r->nconn; i++) {
            enum conn_state s = r->conns[i].state;

            done += s == CS_CLOSED || s == CS_GAVE_UP || s == CS_DORMANT;
        }
        if (r->draining && done == r->nconn)
            return 0;
        phase_commit(r);
        phase_write(r);

        until = phase_wait_until(r, next_tick);
        r->now = mono_ms();
        n = epoll_wait(r->ep, ev, 64,
                       until > r->now ? (int)(until - r->now) : 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            run_fatal(r, "epoll_wait: %s", strerror(errno));
            return TOCSIN_EIO;
        }
        r->now = mono_ms();
        for (k = 0; k < n; k++) {
            struct conn *c;
            uint32_t e = ev[k].events;

            if (ev[k].data.u32 == WAKE_ID) {
                uint64_t v;

                /* messages are ready: the next iteration hands them out */
                if (read(r->o->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                    log_debug("smtp: wake-up read: %s", strerror(errno));
                continue;
            }
            c = &r->conns[ev[k].data.u32];
            if (c->fd < 0)
                continue;
            if (c->state == CS_CONNECTING)
                on_connected(r, c);
            else if (c->state == CS_TLS)
                tls_step(r, c);
            else if (e & (EPOLLIN | EPOLLERR | EPOLLHUP) ||
                     (c->tls_on && c->want_write))
                conn_read(r, c);
        }
    }
}

static int
check_options(const struct smtp_options *o, const struct smtp_callbacks *cb,
              struct buf *why)
{
    if (o == NULL || cb == NULL || cb->next == NULL || cb->done == NULL) {
        buf_setf(why, "smtp: options and the next and done callbacks are "
                      "required");
        return TOCSIN_EINVAL;
    }
    if (o->host == NULL || o->port == NULL || !o->host[0] || !o->port[0]) {
        buf_setf(why, "smtp: no server host or port");
        return TOCSIN_EINVAL;
    }
    if (o->connections < 1 || o->connections > LIMIT_SMTP_CONNECTIONS) {
        buf_setf(why, "smtp: connections must be 1 to %u",
                 (unsigned)LIMIT_SMTP_CONNECTIONS);
        return TOCSIN_EINVAL;
    }
    if (o->tls < SMTP_TLS_NONE || o->tls > SMTP_TLS_IMPLICIT) {
        buf_setf(why, "smtp: unknown TLS mode %d", o->tls);
        return TOCSIN_EINVAL;
    }
    if (o->helo != NULL &&
        (!addr_ok(o->helo, 0) || strlen(o->helo) > LIMIT_EMAIL_DOMAIN)) {
        buf_setf(why, "smtp: the EHLO name is not a host name");
        return TOCSIN_EINVAL;
    }
    if (o->user != NULL &&
        (o->password == NULL || strlen(o->user) > LIMIT_SMTP_CREDENTIAL ||
         strlen(o->password) > LIMIT_SMTP_CREDENTIAL || !o->user[0])) {
        buf_setf(why,
                 "smtp: the user name or password is missing or "
                 "longer than %u bytes",
                 (unsigned)LIMIT_SMTP_CREDENTIAL);
        return TOCSIN_EINVAL;
    }
    return 0;
}

static int
tls_context_setup(struct run *r)
{
    const struct smtp_options *o = r->o;

    r->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (r->ssl_ctx == NULL)
        return TOCSIN_ENOMEM;
    if (SSL_CTX_set_min_proto_version(r->ssl_ctx, TLS1_2_VERSION) != 1)
        return TOCSIN_EIO;
    SSL_CTX_set_mode(r->ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                     SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!o->tls_verify) {
        SSL_CTX_set_verify(r->ssl_ctx, SSL_VERIFY_NONE, NULL);
        return 0;
    }
    SSL_CTX_set_verify(r->ssl_ctx, SSL_VERIFY_PEER, NULL);
    if (o->ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(r->ssl_ctx, o->ca_file, NULL) != 1) {
            buf_setf(r->why, "smtp: cannot load the CA file");
            return TOCSIN_EIO;
        }
    } else if (SSL_CTX_set_default_verify_paths(r->ssl_ctx) != 1) {
        buf_setf(r->why, "smtp: cannot load the system CA store");
        return TOCSIN_EIO;
    }
    return 0;
}

/* r->ssl_ctx set up for the options, or NULL and an error */
static int
tls_context(struct run *r)
{
    int rc = tls_context_setup(r);

    if (rc != 0) {
        SSL_CTX_free(r->ssl_ctx);
        r->ssl_ctx = NULL;
    }
    return rc;
}

int
smtp_run(const struct smtp_options *o, const struct smtp_callbacks *cb,
         void *ctx, struct smtp_stats *st, struct buf *why)
{
    struct smtp_stats local;
    struct run r;
    struct addrinfo hints, *a;
    struct sigaction ign, old;
    unsigned i, t;
    int rc, gai;

    rc = check_options(o, cb, why);
    if (rc != 0)
        return rc;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.cb = cb;
    r.ctx = ctx;
    r.st = st ? st : &local;
    memset(r.st, 0, sizeof *r.st);
    r.why = why;
    r.ep = -1;
    r.nconn = o->connections;
    r.connect_ms = o->connect_ms ? o->connect_ms : SMTP_DEFAULT_CONNECT_MS;
    r.greeting_ms = o->greeting_ms ? o->greeting_ms : SMTP_DEFAULT_GREETING_MS;
    r.command_ms = o->command_ms ? o->command_ms : SMTP_DEFAULT_COMMAND_MS;
    r.data_ms = o->data_ms ? o->data_ms : SMTP_DEFAULT_DATA_MS;
    r.idle_ms = o->idle_ms ? o->idle_ms : SMTP_DEFAULT_IDLE_MS;
    r.attempts =
        o->connect_attempts ? o->connect_attempts : SMTP_CONNECT_TRIES;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    gai = getaddrinfo(o->host, o->port, &hints, &r.ai);
    if (gai != 0) {
        char h[64];

        buf_setf(why, "smtp: cannot resolve %s: %s",
                 log_escape(o->host, h, sizeof h), gai_strerror(gai));
        return TOCSIN_EIO;
    }
    for (a = r.ai; a != NULL; a = a->ai_next)
        r.naddr++;
    if (o->tls == SMTP_TLS_REQUIRE || o->tls == SMTP_TLS_IMPLICIT) {
        rc = tls_context(&r);
        if (rc != 0) {
            if (buf_len(why) == 0)
                buf_setf(why, "smtp: cannot set up TLS");
            goto out;
        }
    }
    r.ep = epoll_create1(EPOLL_CLOEXEC);
    r.conns = calloc(r.nconn, sizeof *r.conns);
    if (r.ep < 0 || r.conns == NULL) {
        rc = r.conns == NULL ? TOCSIN_ENOMEM : TOCSIN_EIO;
        buf_setf(why, "smtp: %s", tocsin_strerror(rc));
        goto out;
    }
    if (o->wake_fd > 0) {
        struct epoll_event ev;

        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN;
        ev.data.u32 = WAKE_ID;
        if (epoll_ctl(r.ep, EPOLL_CTL_ADD, o->wake_fd, &ev) != 0) {
            rc = TOCSIN_EIO;
            buf_setf(why, "smtp: epoll: %s", strerror(errno));
            goto out;
        }
    }
    for (i = 0; i < r.nconn; i++) {
        struct conn *c = &r.conns[i];

        c->idx = i;
        c->fd = -1;
        c->state = CS_WAIT;
        c->backoff_ms = SMTP_BACKOFF_MIN_MS;
        c->addr_i = i;
        buf_init(&c->cmd, LIMIT_SMTP_CMD_BYTES);
        buf_init(&c->tls_out, TLS_RECORD);
    }
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    (void)sigaction(SIGPIPE, &ign, &old);
    rc = loop(&r);
    (void)sigaction(SIGPIPE, &old, NULL);
    /* Whatever is still out (an epoll failure) comes back as RETRY or
     * UNCERTAIN: every message gets its done(). */
    r.draining = 1;
    for (i = 0; i < r.nconn; i++) {
        struct conn *c = &r.conns[i];

        for (t = 0; t < NTXN; t++) {
            if (c->txn[t].used) {
                conn_fail(&r, c, 0, "", "stopped");
                break;
            }
        }
        conn_reset(&r, c, 0);
        buf_wipe(&c->cmd);
        buf_wipe(&c->tls_out);
    }
    if (rc == 0 && r.fatal)
        rc = TOCSIN_EIO;
    if (rc == 0 && why != NULL)
        buf_reset(why);
out:
    free(r.conns);
    if (r.ep >= 0)
        close(r.ep);
    SSL_CTX_free(r.ssl_ctx);
    freeaddrinfo(r.ai);
    return rc;
}

int
smtp_url_parse(const char *url, int require_tls, char *host, size_t hsize,
               char *port, size_t psize, int *tls)
{
    const char *p, *end;
    size_t n;

    if (strncmp(url, "smtp://", 7) == 0) {
        p = url + 7;
        *tls = require_tls ? SMTP_TLS_REQUIRE : SMTP_TLS_STARTTLS;
        snprintf(port, psize, "25");
    } else if (strncmp(url, "smtps://", 8) == 0) {
        p = url + 8;
        *tls = SMTP_TLS_IMPLICIT;
        snprintf(port, psize, "465");
    } else {
        return -1;
    }
    if (*p == '[') {
        if ((end = strchr(p, ']')) == NULL)
            return -1;
        n = (size_t)(end - p - 1);
        p++;
        end++;
    } else {
        end = p + strcspn(p, ":/");
        n = (size_t)(end - p);
    }
    if (n == 0 || n >= hsize)
        return -1;
    memcpy(host, p, n);
    host[n] = '\0';
    if (*end == ':') {
        end++;
        n = strspn(end, "0123456789");
        if (n == 0 || n >= psize || n > 5 ||
            (end[n] != '\0' && strcmp(end + n, "/") != 0))
            return -1;
        memcpy(port, end, n);
        port[n] = '\0';
    } else if (*end != '\0' && strcmp(end, "/") != 0) {
        return -1;
    }
    return 0;
}
