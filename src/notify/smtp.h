/*
 * smtp.h - the delivery engine's SMTP client: many messages over N
 * concurrent connections to one relay, as fast as the relay takes them.
 *
 * One thread, epoll, non-blocking sockets. Per connection a state
 * machine: connect, greeting 220, EHLO (HELO when EHLO gets 5xx),
 * STARTTLS and EHLO again, AUTH, then transactions. With PIPELINING
 * (RFC 2920) a message costs one round trip: its "MAIL FROM, RCPT TO,
 * DATA" go out in one write, and when the 354 comes the payload goes out
 * together with the next message's three commands. Without PIPELINING
 * the commands go in lock-step. Replies are read in order; multi-line
 * replies, a last line that is just the code ("250" or smtp-sink's
 * "250 "), bare LF line ends and RFC 3463 enhanced codes (when the
 * server announces ENHANCEDSTATUSCODES) are understood; a reply line over
 * LIMIT_SMTP_LINE is a protocol error.
 *
 * Messages come from the caller through callbacks, one at a time, when a
 * connection can start a transaction; the engine never holds a queue of
 * its own and never retries a message: every message handed out gets
 * exactly one done() with an outcome, and the caller decides what to do
 * with deferred and returned ones (backoff, rate limits and retry
 * deadlines live in the caller).
 *
 * Crash safety: sending() is called for a message before any byte of its
 * payload is written, and commit() (when given) once after a group of
 * sending() calls and before any of those payloads is written, so that a
 * caller can make a batch of "in flight" marks durable in one commit.
 *
 * Connection failures (refused, lost, timed out, 421, TLS handshake
 * errors) close that connection; it reconnects after an exponential
 * backoff from SMTP_BACKOFF_MIN_MS to SMTP_BACKOFF_MAX_MS, and gives up
 * after connect_attempts failures in a row without reaching the
 * transaction phase. Errors that another try cannot mend (AUTH rejected
 * with 5xx, TLS required but not offered, a certificate that does not
 * verify, EHLO and HELO refused) stop the run: no new transactions,
 * those in flight finish, smtp_run() returns TOCSIN_EIO.
 *
 * Nothing personal is logged: no addresses, no reply texts (servers echo
 * addresses in them); only connection numbers, reply codes and counts at
 * debug level. SIGPIPE is ignored while smtp_run() runs (the previous
 * disposition is restored).
 */
#ifndef TOCSIN_NOTIFY_SMTP_H
#define TOCSIN_NOTIFY_SMTP_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

enum smtp_tls {
    SMTP_TLS_NONE = 0,     /* plain SMTP, STARTTLS never used */
    SMTP_TLS_STARTTLS = 1, /* STARTTLS when the server offers it */
    SMTP_TLS_REQUIRE = 2,  /* STARTTLS or fail (the run stops) */
    SMTP_TLS_IMPLICIT = 3, /* TLS from the first byte (smtps, port 465) */
};

/* Defaults of the timeouts (ms) when an option is 0. RFC 5321 4.5.3.2
 * allows a server longer; these are shorter on purpose: a relay that
 * stalls this long is better left for another connection. */
#define SMTP_DEFAULT_CONNECT_MS  30000  /* TCP connect and TLS handshake */
#define SMTP_DEFAULT_GREETING_MS 60000  /* the 220 greeting */
#define SMTP_DEFAULT_COMMAND_MS  60000  /* EHLO, AUTH, MAIL, RCPT, DATA */
#define SMTP_DEFAULT_DATA_MS     120000 /* the reply after the final dot */
#define SMTP_DEFAULT_IDLE_MS     30000  /* no message to send this long */

/*
 * How to reach the relay. Strings are borrowed for the smtp_run() call.
 *  host, port       a name or numeric IPv4/IPv6 address and a port
 *                   ("127.0.0.1", "::1", "2525"), resolved with
 *                   getaddrinfo() once; connections rotate over the
 *                   addresses after failures.
 *  tls              an enum smtp_tls.
 *  tls_verify       verify the certificate chain and that it names host
 *                   (DNS name or IP address); on unless a test turns it
 *                   off. ca_file: PEM trust anchors, or NULL for the
 *                   system store.
 *  user, password   AUTH PLAIN (or LOGIN when only that is offered) when
 *                   user is not NULL; only over TLS unless
 *                   allow_plain_auth. A server that offers neither stops
 *                   the run.
 *  helo             the EHLO/HELO name; NULL: "localhost".
 *  connections      concurrent connections, 1..LIMIT_SMTP_CONNECTIONS.
 *  per_connection   messages per connection before QUIT and a new
 *                   connection; 0: unlimited.
 *  connect_attempts failures in a row after which a connection gives up
 *                   (the run fails when all have); 0: SMTP_CONNECT_TRIES.
 *  *_ms             timeouts, 0 for the SMTP_DEFAULT_* above. idle_ms: a
 *                   connection that got no message this long is closed
 *                   (one is kept open); it comes back when the others are
 *                   all busy.
 *  wake_fd          an eventfd the caller makes readable when next() may
 *                   have a message after it returned 0 (another thread
 *                   composes them); the engine reads it empty and asks at
 *                   once. 0 or less: none (next() is asked again within
 *                   10 ms).
 */
struct smtp_options {
    const char *host;
    const char *port;
    int tls;
    int tls_verify;
    const char *ca_file;
    const char *user;
    const char *password;
    int allow_plain_auth;
    const char *helo;
    unsigned connections;
    unsigned per_connection;
    unsigned connect_attempts;
    unsigned connect_ms;
    unsigned greeting_ms;
    unsigned command_ms;
    unsigned data_ms;
    unsigned idle_ms;
    int wake_fd;
};

/*
 * One message.
 *  id         the caller's, handed back in sending() and done().
 *  mail_from  reverse path without <> ("" for the null sender), rcpt the
 *             recipient: at most LIMIT_EMAIL_ADDRESS bytes, printable
 *             ASCII without '<', '>' or blanks (else FAILED locally).
 *  data, len  the DATA payload, already dot-stuffed and ending in
 *             CRLF "." CRLF (mime_dot_stuff()); else FAILED locally.
 * All borrowed until the message's done() call.
 */
struct smtp_msg {
    uint64_t id;
    const char *mail_from;
    const char *rcpt;
    const char *data;
    size_t len;
};

/*
 * What became of a message.
 *  ACCEPTED   the server answered the final dot with 2xx.
 *  DEFERRED   4xx to MAIL, RCPT, DATA or the final dot (not 421 before
 *             the payload, see RETRY); 421 after the final dot is
 *             DEFERRED too: the server refused the message.
 *  FAILED     5xx; or refused locally (SIZE limit of the server: code
 *             552, "5.3.4"; a malformed message: code 0).
 *  RETRY      not delivered and not refused: the connection was lost,
 *             timed out or closed (421) before the final dot was written
 *             whole, or the run stopped first. Safe to send again.
 *  UNCERTAIN  the whole payload with its final dot was written but no
 *             reply came (connection lost, timeout): the server may have
 *             delivered it.
 */
enum smtp_outcome {
    SMTP_ACCEPTED = 0,
    SMTP_DEFERRED = 1,
    SMTP_FAILED = 2,
    SMTP_RETRY = 3,
    SMTP_UNCERTAIN = 4,
};

/* Name an outcome: "accepted", "deferred", "failed", "retry",
 * "uncertain"; "unknown" for anything else. */
const char *smtp_outcome_name(enum smtp_outcome o);

struct smtp_callbacks {
    /* Put the next message into *m (borrowed until its done()) and return
     * 1; 0 when none is ready now (the engine asks again within about
     * 10 ms and after every done()); -1 when there will be no more, not
     * even retries: the caller returns 0, not -1, while messages it may
     * get back as RETRY or DEFERRED are out. After -1 next() is not
     * called again and the connections QUIT as they become idle.
     * Required. */
    int (*next)(void *ctx, struct smtp_msg *m);
    /* Message id's transaction is about to start (its command group is
     * queued); its payload is written only after the commit() that
     * follows, and with committed() once that commit is durable. Every
     * message that goes further than a local check gets it. Optional. */
    void (*sending)(void *ctx, uint64_t id);
    /* Called once after a group of sending() calls, before anything of
     * those transactions is written: make the in-flight marks durable.
     * Non-zero fails the run (TOCSIN_EIO): none of those payloads goes out
     * (their messages come back as RETRY). Optional. */
    int (*commit)(void *ctx);
    /* The outcome of message id: code is the server's reply code (0 when
     * none came), enhanced its RFC 3463 code ("5.1.1") or "", text the
     * reply text after the codes, lines joined with a blank, every byte
     * that is not printable ASCII as '?', cut at LIMIT_SMTP_REPLY_TEXT
     * bytes (or a local reason: "timeout", "connection lost"). The
     * strings are borrowed for the call. Required. */
    void (*done)(void *ctx, uint64_t id, enum smtp_outcome o, int code,
                 const char *enhanced, const char *text);
    /* Called about every 100 ms (progress, signals, journal flushes).
     * Non-zero stops the run: no new transactions, those in flight
     * finish or time out, connections QUIT. Optional. */
    int (*tick)(void *ctx);
    /* With it, commit() only starts the commit, which the caller carries
     * out on a thread of its own, and returns at once; committed() tells
     * how many of the commit() calls so far are durable (they complete in
     * order), or -1 when one failed (as when commit() fails). The engine
     * writes a payload once the commit that followed its sending() is
     * durable and keeps serving the other connections meanwhile; the
     * caller wakes the engine through o->wake_fd when a commit completes.
     * Optional. */
    int64_t (*committed)(void *ctx);
};

/* Counts of one run (zeroed by smtp_run()). */
struct smtp_stats {
    uint64_t accepted, deferred, failed, retry, uncertain;
    uint64_t connections;    /* TCP connections opened */
    uint64_t connect_errors; /* connections that failed before READY */
    uint64_t bytes_written;  /* to the sockets (before TLS) */
};

/*
 * Deliver messages from cb->next() until it returns -1 or cb->tick()
 * asks to stop, over o->connections connections. Every message handed
 * out gets its done() before smtp_run() returns.
 * Returns 0; TOCSIN_EINVAL for options out of range (why says which);
 * TOCSIN_EIO when the run stopped on an error that another try cannot
 * mend, when every connection gave up, or when commit() failed (why says
 * which, without personal data); TOCSIN_ENOMEM. st may be NULL.
 */
TOCSIN_MUST_CHECK int smtp_run(const struct smtp_options *o,
                               const struct smtp_callbacks *cb, void *ctx,
                               struct smtp_stats *st, struct buf *why);

/*
 * Read a relay URL: smtp://host[:port] (port 25; STARTTLS when offered, or
 * required when require_tls) or smtps://host[:port] (port 465, TLS from
 * the start); host may be [IPv6]; a trailing '/' is allowed. Host and
 * port go to host[hsize] and port[psize], the TLS mode (SMTP_TLS_*) to
 * *tls. 0, or -1 for anything else (nothing is written then that the
 * caller should use).
 */
int smtp_url_parse(const char *url, int require_tls, char *host, size_t hsize,
                   char *port, size_t psize, int *tls);

#endif
