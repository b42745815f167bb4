/*
 * serve_int.h - what the files of the web service share; not part of its
 * interface (serve.h).
 *
 *   serve.c         open/close, HTTP threads (libmicrohttpd), routing,
 *                   headers
 *   serve_http.c    request parsing: target, parameters, languages,
 *                   credentials, client address; HTML and JSON escaping
 *   serve_pages.c   the page frame, the home page, the information page,
 *                   errors, the style sheet
 *   serve_verify.c  /verify and /api/verify
 *   serve_lookup.c  /lookup and /api/lookup: rate limits, the queue, the
 *                   worker and the delivery of answers
 *   serve_dash.c    /dashboard and /metrics
 */
#ifndef TOCSIN_SERVE_SERVE_INT_H
#define TOCSIN_SERVE_SERVE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "../notify/vcode.h"
#include "../store/casedir.h"
#include "../store/config.h"
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "serve.h"

#define SERVE_NL 0
#define SERVE_EN 1

/* The part of a thread: its read-only connection and scratch space. One
 * per HTTP thread (and one more for others), each behind a mutex that
 * its own thread alone takes in the normal case. */
struct serve_ctx {
    pthread_mutex_t lock;
    struct store *store; /* read-only */
    struct store_serve *q;
    struct buf param, scratch, plain;
};

/* A lookup waiting for the worker: the normalised address (plaintext:
 * wiped once done). */
struct serve_lookup {
    char addr[LIMIT_EMAIL_ADDRESS + 1];
    size_t len;
};

/* One token bucket per key (client address, keyed hash of an address). */
struct serve_bucket {
    unsigned char key[16];
    double tokens, at; /* at: when tokens was last brought up to date */
    int used;
};

struct serve_limiter {
    pthread_mutex_t lock;
    struct serve_bucket *b; /* LIMIT_SERVE_BUCKETS */
    double burst;           /* tokens when full */
    double per_s;           /* tokens regained a second */
};

/* Counters for /metrics (monotonic, since the start). */
enum serve_counter {
    SC_REQUESTS,
    SC_VERIFY_GENUINE,
    SC_VERIFY_NOT_ISSUED,
    SC_VERIFY_TYPO,
    SC_VERIFY_MALFORMED,
    SC_VERIFY_MSGID,
    SC_LOOKUP_ACCEPTED,
    SC_LOOKUP_INVALID,
    SC_LOOKUP_PHONE,
    SC_LOOKUP_LIMITED_CLIENT,
    SC_LOOKUP_LIMITED_ADDRESS,
    SC_LOOKUP_BUSY,
    SC_LOOKUP_DONE,
    SC_ANSWERS_QUEUED,
    SC_ANSWERS_SENT,
    SC_ANSWERS_FAILED,
    SC_AUTH_FAILED,
    SC_ERRORS,
    SC_COUNT
};

struct serve {
    struct serve_options o;
    struct casedir *c; /* read-only: configuration, key */
    const struct case_config *cfg;
    const struct seal *seal;
    char dir[LIMIT_PATH];
    char db_path[LIMIT_PATH];
    char case_tag[17];
    struct vcode_key vkey;
    unsigned char token_hash[32];
    int have_token;

    struct serve_ctx *ctx;
    size_t nctx;
    atomic_uint next_ctx;

    /* lookups */
    struct serve_limiter by_client, by_address;
    pthread_mutex_t qlock;
    pthread_cond_t qcond;       /* the queue got a lookup, or stop */
    pthread_cond_t qidle;       /* the worker finished one */
    pthread_cond_t dcond;       /* answers queued, or stop */
    struct serve_lookup *queue; /* LIMIT_SERVE_QUEUE, a ring */
    size_t qhead, qlen;
    int busy;        /* the worker holds a lookup */
    int deliver_now; /* the worker queued answers */
    volatile int stop;
    int threads_up;
    atomic_int indexing; /* the worker builds the record indexes */
    pthread_t worker, delivery;
    struct casedir *wc; /* writable: the worker's */
    struct store_serve *wq;
    struct casedir *dc; /* writable: delivery's (notify_run) */
    struct store_serve *dq;
    char smtp_host[256], smtp_port[8];
    int smtp_tls, have_smtp;

    atomic_uint_fast64_t count[SC_COUNT];

    /* the dashboard's figures, kept SERVE_DASH_CACHE_S seconds */
    pthread_mutex_t dlock;
    struct serve_figures *fig; /* serve_dash.c */
    double fig_at;

    /* HTTP */
    void *daemons[LIMIT_SERVE_LISTEN]; /* struct MHD_Daemon * */
    size_t ndaemons;
};

/* ---- serve.c ---- */

/* Count one event. */
void serve_count(struct serve *sv, enum serve_counter k);

/* ---- serve_http.c ---- */

/* Split a request target into path and query (after '?', may be empty);
 * TOCSIN_EFORMAT when it does not start with '/'. */
int serve_split_target(const char *t, size_t len, const char **path,
                       size_t *plen, const char **query, size_t *qlen);

/*
 * The value of parameter name in application/x-www-form-urlencoded text
 * s[0..len) (a query string or a form body): the first one, decoded ('+'
 * is a space, %XX a byte), into out (replaced). 1 when found, 0 when not,
 * TOCSIN_ELIMIT when longer than LIMIT_SERVE_PARAM, TOCSIN_EFORMAT for a
 * bad %-escape, a NUL or a control byte, or invalid UTF-8.
 */
int serve_param(const char *s, size_t len, const char *name, struct buf *out);

/* The language to answer in: ?lang=nl|en first, then Accept-Language
 * (the first of nl and en by q-value), then the case's default. */
int serve_language(const char *query, size_t qlen, const char *accept_language,
                   const char *fallback);

/*
 * Whether authorization ("Basic BASE64(user:password)" or "Bearer TOKEN")
 * carries the secret whose BLAKE2b-256 is hash: 1 or 0. The comparison
 * takes the same time however the two differ (hashes compared with
 * sodium_memcmp).
 */
int serve_auth_ok(const char *authorization, const unsigned char hash[32]);

/* The rate-limit key of the client: IPv4 address, or the /64 of an IPv6
 * one (IPv4-mapped ones as IPv4); with trust_proxy and a loopback peer,
 * the last address of X-Forwarded-For. All zero for no address. */
void serve_client_key(const struct serve_request *rq, int trust_proxy,
                      unsigned char key[16]);

/* Append s with &<>"' as entities (HTML text and attribute values). */
int serve_html(struct buf *b, const char *s);
int serve_htmln(struct buf *b, const char *s, size_t n);

/* Append s as the contents of a JSON string (no quotes). */
int serve_json(struct buf *b, const char *s);

/* "7 February 2026, 10:11 UTC" of an ISO 8601 time ("2026-02-07T10:11:
 * 12Z", or a date "2026-02-07": "7 February 2026"), in language lang,
 * into out; the text as it is when it is not
 * one. */
void serve_date(const char *iso, int lang, char *out, size_t size);

/* ---- serve_pages.c ---- */

/* The text in the page's language. */
#define SERVE_T(lang, nl, en) ((lang) == SERVE_EN ? (en) : (nl))

/* Start a page: doctype, head with title, header with navigation. */
int serve_page_begin(struct serve *sv, struct buf *b, int lang,
                     const char *title, const char *path);
/* End it: footer. */
int serve_page_end(struct serve *sv, struct buf *b, int lang);

/* The forms of the home page: verify and lookup. */
int serve_form_verify(struct buf *b, int lang, const char *value);
int serve_form_lookup(struct buf *b, int lang);

/* Pages. */
int serve_page_home(struct serve *sv, int lang, struct serve_response *rs);
int serve_page_info(struct serve *sv, const char *brand, int lang,
                    struct serve_response *rs);
/* An error page (or JSON {"error":...} when json) with status. */
void serve_page_error(struct serve *sv, int status, int lang, int json,
                      struct serve_response *rs);

/* ---- serve_verify.c ---- */

int serve_verify(struct serve *sv, struct serve_ctx *x, const char *query,
                 size_t qlen, int lang, int json, struct serve_response *rs);

/* ---- serve_lookup.c ---- */

int serve_limiter_init(struct serve_limiter *l, double burst, double period_s);
void serve_limiter_free(struct serve_limiter *l);
/* Take a token for key at time now: 1 when there was one, 0 when not. */
int serve_limiter_take(struct serve_limiter *l, const unsigned char key[16],
                       double now);

int serve_lookup(struct serve *sv, struct serve_ctx *x,
                 const struct serve_request *rq, int lang, int json,
                 struct serve_response *rs);

/* The background side: start, stop, one lookup, one delivery. */
int serve_lookup_start(struct serve *sv, struct buf *why);
void serve_lookup_stop(struct serve *sv);
int serve_lookup_flush(struct serve *sv, uint64_t *answers, struct buf *why);

/* ---- serve_dash.c ---- */

int serve_dashboard(struct serve *sv, struct serve_ctx *x,
                    const struct serve_request *rq, int lang,
                    struct serve_response *rs);
int serve_metrics(struct serve *sv, struct serve_ctx *x,
                  const struct serve_request *rq, struct serve_response *rs);
void serve_dash_free(struct serve *sv);

#endif
