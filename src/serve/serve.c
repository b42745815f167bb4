/*
 * serve.c - the web service: opening a case for serving, the HTTP side
 * on libmicrohttpd, routing and the headers every response carries.
 *
 * libmicrohttpd runs a pool of threads with epoll; each request is copied
 * out of it once (the raw target, the POST body up to LIMIT_SERVE_BODY)
 * and handed to serve_handle(), the same function the tests and the fuzzer
 * call. Each HTTP thread reads the case through a read-only connection of
 * its own (struct serve_ctx) with the verification query prepared once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <sodium.h>

#include "../notify/smtp.h"
#include "../store/embedded.h"
#include "../store/seal.h"
#include "../util/log.h"
#include "serve_int.h"

/* The security headers of every response. The pages hold no script and
 * no inline style; the dashboard's chart is SVG inside the HTML. */
#define SERVE_CSP                                                             \
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "            \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static const char serve_robots[] = "User-agent: *\n"
                                   "Disallow: /dashboard\n"
                                   "Disallow: /metrics\n"
                                   "Disallow: /api/\n";

void
serve_count(struct serve *sv, enum serve_counter k)
{
    atomic_fetch_add_explicit(&sv->count[k], 1, memory_order_relaxed);
}

/* ---- opening and closing ---- */

static void
serve_ctx_free(struct serve_ctx *x)
{
    store_serve_close(x->q);
    store_close(x->store);
    buf_wipe(&x->param);
    buf_wipe(&x->scratch);
    buf_wipe(&x->plain);
    pthread_mutex_destroy(&x->lock);
}

static int
serve_ctx_init(struct serve *sv, struct serve_ctx *x)
{
    int rc;

    buf_init(&x->param, LIMIT_SERVE_PARAM);
    buf_init(&x->scratch, 4096);
    buf_init(&x->plain, LIMIT_SEAL_PLAIN);
    if (pthread_mutex_init(&x->lock, NULL) != 0)
        return TOCSIN_ENOMEM;
    if ((rc = store_open(sv->db_path, STORE_READONLY, &x->store)) !=
            TOCSIN_OK ||
        (rc = store_serve_open(x->store, &x->q)) != TOCSIN_OK)
        return rc;
    /* a verification page may be a second behind the journal */
    store_serve_snapshot(x->q, 1.0);
    return TOCSIN_OK;
}

/* The vcode key, derived from the case key as notify derives it. */
static void
serve_vkey(struct serve *sv)
{
    static const char label[] = "tocsin verification code key 1";
    unsigned char mac[32];

    seal_code_mac(sv->seal, label, sizeof(label) - 1, mac);
    vcode_key_init(&sv->vkey, mac);
    sodium_memzero(mac, sizeof(mac));
}

static int
serve_open_case(const char *dir, int flags, struct casedir **c,
                struct buf *why)
{
    int rc = casedir_open(dir, flags, c, why);

    if (rc != TOCSIN_OK)
        *c = NULL;
    return rc;
}

int
serve_open(const char *dir, const struct serve_options *o, struct serve **out,
           struct buf *why)
{
    struct serve *sv;
    struct buf meta;
    size_t i;
    int rc;

    *out = NULL;
    if (sodium_init() < 0) {
        buf_setf(why, "cannot initialise libsodium");
        return TOCSIN_ECRYPTO;
    }
    sv = calloc(1, sizeof(*sv));
    if (sv == NULL)
        return TOCSIN_ENOMEM;
    sv->o = *o;
    if (sv->o.threads == 0)
        sv->o.threads = 2;
    if (sv->o.threads > LIMIT_SERVE_THREADS)
        sv->o.threads = LIMIT_SERVE_THREADS;
    if (sv->o.delivery_s == 0)
        sv->o.delivery_s = SERVE_DELIVERY_S;
    if (pthread_mutex_init(&sv->qlock, NULL) != 0 ||
        pthread_mutex_init(&sv->dlock, NULL) != 0 ||
        pthread_cond_init(&sv->qcond, NULL) != 0 ||
        pthread_cond_init(&sv->qidle, NULL) != 0 ||
        pthread_cond_init(&sv->dcond, NULL) != 0) {
        free(sv);
        return TOCSIN_ENOMEM;
    }
    buf_init(&meta, 4096);
    snprintf(sv->dir, sizeof(sv->dir), "%s", dir);

    /* writable first: it migrates an old schema, which the read-only
     * view could not */
    if ((rc = serve_open_case(dir, 0, &sv->wc, why)) != TOCSIN_OK ||
        (rc = serve_open_case(dir, 0, &sv->dc, why)) != TOCSIN_OK ||
        (rc = serve_open_case(dir, CASEDIR_READONLY, &sv->c, why)) !=
            TOCSIN_OK)
        goto fail;
    sv->cfg = casedir_config(sv->c);
    sv->seal = casedir_seal(sv->c);
    if (snprintf(sv->db_path, sizeof(sv->db_path), "%s/%s",
                 casedir_path(sv->c),
                 CASEDIR_DB) >= (int)sizeof(sv->db_path)) {
        rc = TOCSIN_ELIMIT;
        buf_setf(why, "the case's path is too long");
        goto fail;
    }
    if ((rc = store_meta_get(casedir_store(sv->c), "case_id", &meta)) !=
            TOCSIN_OK ||
        buf_len(&meta) < 16) {
        buf_setf(why, "the case has no id: %s",
                 store_errmsg(casedir_store(sv->c)));
        rc = rc != TOCSIN_OK ? rc : TOCSIN_EDB;
        goto fail;
    }
    snprintf(sv->case_tag, sizeof(sv->case_tag), "%.16s", buf_str(&meta));
    serve_vkey(sv);
    if (sv->cfg->serve_token != NULL) {
        crypto_generichash(sv->token_hash, sizeof(sv->token_hash),
                           (const unsigned char *)sv->cfg->serve_token,
                           strlen(sv->cfg->serve_token), NULL, 0);
        sv->have_token = 1;
    }
    if (sv->cfg->serve_answers_smtp != NULL) {
        if (smtp_url_parse(sv->cfg->serve_answers_smtp, 0, sv->smtp_host,
                           sizeof(sv->smtp_host), sv->smtp_port,
                           sizeof(sv->smtp_port), &sv->smtp_tls) != 0) {
            buf_setf(why,
                     "case.ini [serve] answers_smtp: not smtp://HOST[:PORT] "
                     "or smtps://HOST[:PORT]");
            rc = TOCSIN_ECONFIG;
            goto fail;
        }
        sv->have_smtp = 1;
    }

    if ((rc = store_serve_open(casedir_store(sv->wc), &sv->wq)) != TOCSIN_OK ||
        (rc = store_serve_open(casedir_store(sv->dc), &sv->dq)) != TOCSIN_OK)
        goto fail;
    sv->queue = calloc(LIMIT_SERVE_QUEUE, sizeof(*sv->queue));
    if (sv->queue == NULL ||
        (rc = serve_limiter_init(&sv->by_client,
                                 sv->cfg->serve_lookups_per_client, 3600)) !=
            TOCSIN_OK ||
        (rc = serve_limiter_init(&sv->by_address,
                                 sv->cfg->serve_lookups_per_address, 86400)) !=
            TOCSIN_OK) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }

    /* a read connection per HTTP thread, and two more for others */
    sv->nctx = sv->o.threads + 2;
    sv->ctx = calloc(sv->nctx, sizeof(*sv->ctx));
    if (sv->ctx == NULL) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }
    for (i = 0; i < sv->nctx; i++) {
        if ((rc = serve_ctx_init(sv, &sv->ctx[i])) != TOCSIN_OK) {
            buf_setf(why, "cannot open the database read-only: %s",
                     tocsin_strerror(rc));
            sv->nctx = i + 1;
            goto fail;
        }
    }
    if (sv->o.background && (rc = serve_lookup_start(sv, why)) != TOCSIN_OK)
        goto fail;
    buf_free(&meta);
    *out = sv;
    return TOCSIN_OK;
fail:
    buf_free(&meta);
    serve_close(sv);
    return rc;
}

void
serve_stop(struct serve *sv)
{
    size_t i;

    if (sv == NULL)
        return;
    for (i = 0; i < sv->ndaemons; i++)
        MHD_stop_daemon(sv->daemons[i]);
    sv->ndaemons = 0;
    serve_lookup_stop(sv);
}

void
serve_close(struct serve *sv)
{
    size_t i;

    if (sv == NULL)
        return;
    serve_stop(sv);
    if (sv->ctx != NULL)
        for (i = 0; i < sv->nctx; i++)
            serve_ctx_free(&sv->ctx[i]);
    free(sv->ctx);
    serve_limiter_free(&sv->by_client);
    serve_limiter_free(&sv->by_address);
    if (sv->queue != NULL) {
        sodium_memzero(sv->queue, LIMIT_SERVE_QUEUE * sizeof(*sv->queue));
        free(sv->queue);
    }
    store_serve_close(sv->wq);
    store_serve_close(sv->dq);
    casedir_close(sv->c);
    casedir_close(sv->wc);
    casedir_close(sv->dc);
    serve_dash_free(sv);
    vcode_key_wipe(&sv->vkey);
    sodium_memzero(sv->token_hash, sizeof(sv->token_hash));
    pthread_mutex_destroy(&sv->qlock);
    pthread_mutex_destroy(&sv->dlock);
    pthread_cond_destroy(&sv->qcond);
    pthread_cond_destroy(&sv->qidle);
    pthread_cond_destroy(&sv->dcond);
    free(sv);
}

int
serve_flush(struct serve *sv, uint64_t *answers, struct buf *why)
{
    return serve_lookup_flush(sv, answers, why);
}

/* ---- the handler ---- */

/* The calling thread's context: its own one when there are as many as
 * threads (the normal case), locked. */
static struct serve_ctx *
serve_ctx_get(struct serve *sv)
{
    static atomic_uint threads;
    static _Thread_local unsigned me;
    struct serve_ctx *x;

    if (me == 0)
        me = atomic_fetch_add(&threads, 1) + 1;
    x = &sv->ctx[(me - 1) % sv->nctx];
    pthread_mutex_lock(&x->lock);
    return x;
}

static const char *
serve_embedded(const char *name, size_t *len)
{
    const struct embedded_file *f;

    for (f = embedded_files; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0) {
            *len = f->len;
            return f->data;
        }
    *len = 0;
    return "";
}

/* Whether path[0..n) is exactly s. */
static int
serve_is(const char *path, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(path, s, n) == 0;
}

/* /info, /info/BRAND, /info/BRAND/LANG. */
static int
serve_info(struct serve *sv, const char *path, size_t n, int lang,
           struct serve_response *rs)
{
    char brand[LIMIT_BRAND_NAME + 1];
    const char *p = path + 5, *slash, *e = path + n;
    size_t bl, i;

    if (n == 5 || (n == 6 && path[5] == '/'))
        return serve_page_info(sv, sv->cfg->brands[0].id, lang, rs);
    if (*p != '/')
        goto none;
    p++;
    slash = memchr(p, '/', (size_t)(e - p));
    bl = slash != NULL ? (size_t)(slash - p) : (size_t)(e - p);
    if (bl == 0 || bl > LIMIT_BRAND_NAME)
        goto none;
    for (i = 0; i < bl; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
              p[i] == '_' || p[i] == '-'))
            goto none;
    memcpy(brand, p, bl);
    brand[bl] = '\0';
    if (slash != NULL) {
        const char *l = slash + 1;
        size_t ll = (size_t)(e - l);

        if (ll == 2 && memcmp(l, "nl", 2) == 0)
            lang = SERVE_NL;
        else if (ll == 2 && memcmp(l, "en", 2) == 0)
            lang = SERVE_EN;
        else
            goto none;
    }
    return serve_page_info(sv, brand, lang, rs);
none:
    serve_page_error(sv, 404, lang, 0, rs);
    return TOCSIN_OK;
}

/* Which methods a route takes. */
#define M_GET  1
#define M_POST 2

static void
serve_method_not_allowed(struct serve *sv, int allowed, int lang, int json,
                         struct serve_response *rs)
{
    serve_page_error(sv, 405, lang, json, rs);
    rs->allow = allowed == M_POST             ? "POST"
                : allowed == (M_GET | M_POST) ? "GET, HEAD, POST"
                                              : "GET, HEAD";
}

void
serve_handle(struct serve *sv, const struct serve_request *rq,
             struct serve_response *rs)
{
    const char *path, *query;
    size_t plen, qlen;
    struct serve_ctx *x = NULL;
    int lang, json = 0, allowed = M_GET, m = rq->method, rc = TOCSIN_OK;

    serve_count(sv, SC_REQUESTS);
    rs->status = 500;
    rs->content_type = "text/html; charset=utf-8";
    rs->cacheable = 0;
    rs->allow = NULL;
    rs->authenticate = NULL;
    rs->retry_after = 0;
    buf_reset(&rs->body);
    lang = serve_language("", 0, rq->accept_language, sv->cfg->language);
    if (rq->target_len > LIMIT_SERVE_TARGET) {
        serve_page_error(sv, 414, lang, 0, rs);
        return;
    }
    if (rq->target == NULL ||
        serve_split_target(rq->target, rq->target_len, &path, &plen, &query,
                           &qlen) != TOCSIN_OK) {
        serve_page_error(sv, 400, lang, 0, rs);
        return;
    }
    lang = serve_language(query, qlen, rq->accept_language, sv->cfg->language);
    json = plen >= 5 && memcmp(path, "/api/", 5) == 0;
    if (rq->body_len > LIMIT_SERVE_BODY) {
        serve_page_error(sv, 413, lang, json, rs);
        return;
    }
    if (m == SERVE_HEAD)
        m = SERVE_GET;

    if (serve_is(path, plen, "/lookup") || serve_is(path, plen, "/api/lookup"))
        allowed = json ? M_POST : M_GET | M_POST;
    if (m == SERVE_OTHER || (m == SERVE_GET && !(allowed & M_GET)) ||
        (m == SERVE_POST && !(allowed & M_POST))) {
        serve_method_not_allowed(sv, allowed, lang, json, rs);
        return;
    }

    if (serve_is(path, plen, "/style.css")) {
        const char *css = serve_embedded("serve/style.css", &qlen);

        rs->status = 200;
        rs->content_type = "text/css; charset=utf-8";
        rs->cacheable = 1;
        rc = buf_append(&rs->body, css, qlen);
        goto done;
    }
    if (serve_is(path, plen, "/robots.txt")) {
        rs->status = 200;
        rs->content_type = "text/plain; charset=utf-8";
        rs->cacheable = 1;
        rc = buf_appends(&rs->body, serve_robots);
        goto done;
    }
    if (serve_is(path, plen, "/")) {
        rc = serve_page_home(sv, lang, rs);
        goto done;
    }
    if (plen >= 5 && memcmp(path, "/info", 5) == 0 &&
        (plen == 5 || path[5] == '/')) {
        rc = serve_info(sv, path, plen, lang, rs);
        goto done;
    }
    x = serve_ctx_get(sv);
    if (serve_is(path, plen, "/verify") || serve_is(path, plen, "/api/verify"))
        rc = serve_verify(sv, x, query, qlen, lang, json, rs);
    else if (serve_is(path, plen, "/lookup") ||
             serve_is(path, plen, "/api/lookup"))
        rc = serve_lookup(sv, x, rq, lang, json, rs);
    else if (serve_is(path, plen, "/dashboard"))
        rc = serve_dashboard(sv, x, rq, lang, rs);
    else if (serve_is(path, plen, "/metrics"))
        rc = serve_metrics(sv, x, rq, rs);
    else
        serve_page_error(sv, 404, lang, json, rs);
    pthread_mutex_unlock(&x->lock);
done:
    if (rc != TOCSIN_OK) {
        serve_count(sv, SC_ERRORS);
        log_error("serve: %s: %s%s%s",
                  x != NULL ? "request failed" : "page failed",
                  tocsin_strerror(rc), x != NULL ? ": " : "",
                  x != NULL ? store_errmsg(x->store) : "");
        serve_page_error(sv, rc == TOCSIN_ELIMIT ? 413 : 500, lang, json, rs);
    }
}

void
serve_headers(const struct serve_response *rs,
              void (*fn)(void *ctx, const char *name, const char *value),
              void *ctx)
{
    char retry[24];

    fn(ctx, "Content-Type", rs->content_type);
    fn(ctx, "Content-Security-Policy", SERVE_CSP);
    fn(ctx, "Referrer-Policy", "no-referrer");
    fn(ctx, "X-Content-Type-Options", "nosniff");
    fn(ctx, "X-Frame-Options", "DENY");
    fn(ctx, "Cross-Origin-Opener-Policy", "same-origin");
    fn(ctx, "Cross-Origin-Resource-Policy", "same-origin");
    fn(ctx, "Cache-Control",
       rs->cacheable ? "public, max-age=3600" : "no-store");
    if (rs->allow != NULL)
        fn(ctx, "Allow", rs->allow);
    if (rs->authenticate != NULL)
        fn(ctx, "WWW-Authenticate", rs->authenticate);
    if (rs->retry_after > 0) {
        snprintf(retry, sizeof(retry), "%u", rs->retry_after);
        fn(ctx, "Retry-After", retry);
    }
}

/* ---- libmicrohttpd ---- */

/* One request on its way in: the target as sent, the body. */
struct serve_conn {
    char target[LIMIT_SERVE_TARGET + 1];
    size_t target_len;
    int too_long;
    int started;
    int too_large;
    struct buf body;
};

/* The response body of an HTTP thread: one buffer per thread, reused. */
static pthread_key_t serve_body_key;
static pthread_once_t serve_body_once = PTHREAD_ONCE_INIT;

static void
serve_body_free(void *p)
{
    struct buf *b = p;

    buf_free(b);
    free(b);
}

static void
serve_body_key_make(void)
{
    if (pthread_key_create(&serve_body_key, serve_body_free) != 0)
        abort(); /* at start-up only: nothing works without it */
}

static struct buf *
serve_body_buf(void)
{
    struct buf *b;

    pthread_once(&serve_body_once, serve_body_key_make);
    b = pthread_getspecific(serve_body_key);
    if (b == NULL) {
        b = malloc(sizeof(*b));
        if (b == NULL)
            return NULL;
        buf_init(b, LIMIT_SERVE_PAGE);
        if (pthread_setspecific(serve_body_key, b) != 0) {
            free(b);
            return NULL;
        }
    }
    return b;
}

static void *
serve_uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct serve_conn *rc = malloc(sizeof(*rc));
    size_t n;

    (void)cls;
    (void)conn;
    if (rc == NULL)
        return NULL;
    n = strlen(uri);
    rc->too_long = n > LIMIT_SERVE_TARGET;
    rc->target_len = rc->too_long ? 0 : n;
    memcpy(rc->target, uri, rc->target_len);
    rc->target[rc->target_len] = '\0';
    rc->started = 0;
    rc->too_large = 0;
    buf_init(&rc->body, LIMIT_SERVE_BODY);
    return rc;
}

static void
serve_completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
                   enum MHD_RequestTerminationCode toe)
{
    struct serve_conn *rc = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (rc == NULL)
        return;
    buf_wipe(&rc->body); /* a lookup's address */
    free(rc);
    *con_cls = NULL;
}

static void
serve_logger(void *cls, const char *fm, va_list ap)
{
    char text[512], esc[LIMIT_LOG_FIELD + 8];

    (void)cls;
    vsnprintf(text, sizeof(text), fm, ap);
    /* libmicrohttpd's own messages may name client addresses: debug only */
    log_debug("serve: libmicrohttpd: %s", log_escape(text, esc, sizeof(esc)));
}

static void
serve_add_header(void *ctx, const char *name, const char *value)
{
    if (MHD_add_response_header(ctx, name, value) != MHD_YES)
        log_debug("serve: cannot add the header %s", name);
}

static enum MHD_Result
serve_queue(struct MHD_Connection *conn, const struct serve_response *rs)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(
        buf_len(&rs->body), (void *)buf_str(&rs->body), MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    serve_headers(rs, serve_add_header, r);
    ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *
serve_header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result
serve_access(void *cls, struct MHD_Connection *conn, const char *url,
             const char *method, const char *version, const char *upload_data,
             size_t *upload_data_size, void **con_cls)
{
    struct serve *sv = cls;
    struct serve_conn *c = *con_cls;
    struct serve_request rq;
    struct serve_response rs;
    const union MHD_ConnectionInfo *ci;
    struct buf *body;
    enum MHD_Result ret;

    (void)url;
    (void)version;
    if (c == NULL)
        return MHD_NO; /* out of memory at the start */
    memset(&rq, 0, sizeof(rq));
    if (strcmp(method, "GET") == 0)
        rq.method = SERVE_GET;
    else if (strcmp(method, "HEAD") == 0)
        rq.method = SERVE_HEAD;
    else if (strcmp(method, "POST") == 0)
        rq.method = SERVE_POST;
    else
        rq.method = SERVE_OTHER;
    if (!c->started) {
        /* The first call has the head only. Answering now would make
         * libmicrohttpd close the connection (an early response), so
         * the answer waits for the next call, with the body read; only
         * a body announced too large is refused at once. */
        const char *cl = serve_header(conn, "Content-Length");

        c->started = 1;
        if (rq.method != SERVE_POST || cl == NULL || strlen(cl) > 18 ||
            strtoull(cl, NULL, 10) <= LIMIT_SERVE_BODY)
            return MHD_YES;
        c->too_large = 1;
    } else if (*upload_data_size > 0) {
        if (!c->too_large &&
            buf_append(&c->body, upload_data, *upload_data_size) != TOCSIN_OK)
            c->too_large = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }

    body = serve_body_buf();
    if (body == NULL)
        return MHD_NO;
    memset(&rs, 0, sizeof(rs));
    rs.body = *body;
    rq.target = c->target;
    rq.target_len = c->too_long ? LIMIT_SERVE_TARGET + 1 : c->target_len;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    rq.peer = ci != NULL ? ci->client_addr : NULL;
    rq.accept_language = serve_header(conn, "Accept-Language");
    rq.authorization = serve_header(conn, "Authorization");
    rq.content_type = serve_header(conn, "Content-Type");
    rq.forwarded_for = serve_header(conn, "X-Forwarded-For");
    rq.body = buf_str(&c->body);
    rq.body_len = c->too_large ? LIMIT_SERVE_BODY + 1 : buf_len(&c->body);
    serve_handle(sv, &rq, &rs);
    ret = serve_queue(conn, &rs);
    buf_scrub(&c->body);
    buf_reset(&rs.body);
    *body = rs.body; /* it may have grown */
    return ret;
}

/* "1.2.3.4:80" or "[::1]:80" into a socket address. */
static int
serve_parse_listen(const char *addr, struct sockaddr_storage *ss, int *v6)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *colon, *h = addr;
    unsigned long long port;
    size_t hl;
    char *end;

    memset(ss, 0, sizeof(*ss));
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');

        if (close == NULL || close[1] != ':')
            return TOCSIN_EINVAL;
        h = addr + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
        *v6 = 1;
    } else {
        colon = strrchr(addr, ':');
        if (colon == NULL)
            return TOCSIN_EINVAL;
        hl = (size_t)(colon - addr);
        *v6 = 0;
    }
    if (hl == 0 || hl >= sizeof(host) || colon[1] < '0' || colon[1] > '9')
        return TOCSIN_EINVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    errno = 0;
    port = strtoull(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || port > 65535)
        return TOCSIN_EINVAL;
    if (*v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
            return TOCSIN_EINVAL;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
            return TOCSIN_EINVAL;
    }
    return TOCSIN_OK;
}

int
serve_listen(struct serve *sv, const char *addr, struct buf *why)
{
    struct sockaddr_storage ss;
    struct MHD_Daemon *d;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    char esc[LIMIT_LOG_FIELD + 8];
    int v6;

    log_escape(addr, esc, sizeof(esc));
    if (sv->ndaemons >= LIMIT_SERVE_LISTEN) {
        buf_setf(why, "at most %d addresses to listen on", LIMIT_SERVE_LISTEN);
        return TOCSIN_ELIMIT;
    }
    if (serve_parse_listen(addr, &ss, &v6) != TOCSIN_OK) {
        buf_setf(why,
                 "'%s' is not an address to listen on: HOST:PORT with an "
                 "IPv4 address, or [IPv6]:PORT",
                 esc);
        return TOCSIN_EINVAL;
    }
    if (v6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, serve_access, sv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)sv->o.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)LIMIT_SERVE_CONNS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(sv->cfg->serve_trust_proxy ? 0 : LIMIT_SERVE_PER_IP),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_SERVE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_SERVE_CONN_MEM,
        MHD_OPTION_URI_LOG_CALLBACK, serve_uri_cb, sv,
        MHD_OPTION_NOTIFY_COMPLETED, serve_completed_cb, sv,
        MHD_OPTION_EXTERNAL_LOGGER, serve_logger, NULL, MHD_OPTION_END);
    if (d == NULL) {
        buf_setf(why, "cannot listen on %s: %s", esc,
                 errno != 0 ? strerror(errno) : "libmicrohttpd failed");
        return TOCSIN_EIO;
    }
    sv->daemons[sv->ndaemons++] = d;
    return TOCSIN_OK;
}

unsigned
serve_port(struct serve *sv, size_t i)
{
    const union MHD_DaemonInfo *di;

    if (i >= sv->ndaemons)
        return 0;
    di = MHD_get_daemon_info(sv->daemons[i], MHD_DAEMON_INFO_BIND_PORT);
    return di != NULL ? di->port : 0;
}
