/*
 * serve.h - the web service (tocsin serve): "is this mail really from
 * us?" (verification codes and Message-IDs), "am I affected?" (the answer
 * goes by mail to the address asked about, never onto the page), the
 * information page per brand and language, and the incident dashboard
 * with /metrics for the response team.
 *
 * The pages are read from a read-only view of the case database (one
 * connection per HTTP thread, prepared statements kept), so the service
 * keeps working while notify writes. A lookup only validates, rate-limits
 * and queues its request on a bounded queue; a worker thread with its own
 * writable connection looks the address up and queues the answers in the
 * journal, and a delivery thread sends them through notify_run()
 * (answers only) every few seconds, into the case's Maildir or to the
 * relay of case.ini [serve] answers_smtp.
 *
 * The HTTP side is libmicrohttpd (a thread pool with epoll), with the
 * request handler reachable in-process through serve_handle() for tests
 * and the fuzzer. No personal data reaches the log.
 */
#ifndef TOCSIN_SERVE_SERVE_H
#define TOCSIN_SERVE_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../util/buf.h"
#include "../util/error.h"

struct serve;

struct serve_options {
    unsigned threads;    /* HTTP worker threads (0: 2) */
    int background;      /* 1: start the lookup worker and the delivery
                            threads; 0: lookups wait in the queue until
                            serve_flush() (tests, fuzzing) */
    const char *maildir; /* answers into this Maildir (NULL: the case's,
                            unless [serve] answers_smtp is set) */
    unsigned delivery_s; /* seconds between deliveries (0: default) */
};

/*
 * Open the case in dir for serving: its configuration, key, a read-only
 * view of the database and (for lookups) a writable connection; the
 * schema is migrated when old. Starts the background threads when
 * o->background. Caller frees with serve_close(). Errors as
 * casedir_open(), TOCSIN_ECONFIG for a bad [serve] answers_smtp,
 * TOCSIN_ENOMEM; *why (may be NULL) says what in words.
 */
TOCSIN_MUST_CHECK int serve_open(const char *dir,
                                 const struct serve_options *o,
                                 struct serve **out, struct buf *why);

/*
 * Listen on addr: "HOST:PORT" with an IPv4 address, or "[IPv6]:PORT"
 * (port 0: one the kernel picks; serve_port() tells it). Each call starts
 * one libmicrohttpd daemon, at most LIMIT_SERVE_LISTEN. TOCSIN_EINVAL for
 * a malformed address, TOCSIN_ELIMIT, TOCSIN_EIO when it cannot listen
 * (*why says why).
 */
TOCSIN_MUST_CHECK int serve_listen(struct serve *sv, const char *addr,
                                   struct buf *why);

/* The port of the i-th address listened on, 0 when there is none. */
unsigned serve_port(struct serve *sv, size_t i);

/* Stop listening (requests being answered are finished) and the
 * background threads; serve_close() does it too. */
void serve_stop(struct serve *sv);

/* Stop everything, wipe keys and queued addresses, free. NULL is a
 * no-op. */
void serve_close(struct serve *sv);

/*
 * Do the background work now, in the calling thread: look up every
 * queued lookup and send the answers due (notify_run, answers only).
 * *answers (may be NULL) gets how many answers the lookups queued. For
 * tests; with background threads running it only waits for the queue to
 * empty. Errors: database ones, and those of notify_run() (*why).
 */
TOCSIN_MUST_CHECK int serve_flush(struct serve *sv, uint64_t *answers,
                                  struct buf *why);

/* Request methods. */
enum serve_method {
    SERVE_GET = 0,
    SERVE_HEAD = 1,
    SERVE_POST = 2,
    SERVE_OTHER = 3,
};

/* One request as the handler sees it; every pointer borrowed for the
 * call, header values NULL when absent. */
struct serve_request {
    int method;         /* enum serve_method */
    const char *target; /* raw request target: /path?query */
    size_t target_len;
    const struct sockaddr *peer; /* the connection's address, or NULL */
    const char *accept_language;
    const char *authorization;
    const char *content_type;
    const char *forwarded_for; /* X-Forwarded-For ([serve] trust_proxy) */
    const char *body;          /* POST body (need not be NUL-terminated) */
    size_t body_len;
    double now; /* seconds (CLOCK_MONOTONIC); 0: the clock's */
};

/* What the handler answers. The caller sets up body with buf_init()
 * (maximum LIMIT_SERVE_PAGE) and frees it; the rest is filled in. */
struct serve_response {
    int status;               /* HTTP status */
    const char *content_type; /* static */
    int cacheable;            /* 1: a static file; else no-store */
    const char *allow;        /* 405: the methods allowed; else NULL */
    const char *authenticate; /* 401: WWW-Authenticate; else NULL */
    unsigned retry_after;     /* 429, 503: seconds; else 0 */
    struct buf body;
};

/*
 * Answer one request into rs (status, headers, body). Never fails: errors
 * become HTTP errors (500 for the database, 413/414 for limits). Any
 * thread may call it; the read connection is the calling thread's.
 */
void serve_handle(struct serve *sv, const struct serve_request *rq,
                  struct serve_response *rs);

/*
 * Call fn for each header of rs as sent (the security headers on every
 * response: Content-Security-Policy, Referrer-Policy,
 * X-Content-Type-Options, X-Frame-Options, Cache-Control, and the
 * response's own). Names and values are static or rs's.
 */
void serve_headers(const struct serve_response *rs,
                   void (*fn)(void *ctx, const char *name, const char *value),
                   void *ctx);

#endif
