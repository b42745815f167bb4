/*
 * smtp_driver - sends generated messages through smtp_run() and prints
 * what became of each, for tests/notify/test_smtp.sh and bench/smtp.
 *
 * usage: smtp_driver [options] HOST PORT
 *  -n N       messages to send (default 10), to userID@sink.test
 *  -r A,B,..  one message per word instead, to WORD@fault.test (the fault
 *             server's script is in the local part)
 *  -c N       connections (default 1)      -p N  messages per connection
 *  -s BYTES   body size (default 1500)     -T MS all timeouts
 *  -t MODE    none|starttls|require|implicit (default none)
 *  -C FILE    CA file (verify on)          -k    do not verify
 *  -u USER -w PASSWORD                     -P    AUTH without TLS
 *  -a N       connection attempts          -R    resend RETRY outcomes
 *  -g DIR     write each message as DIR/ID.eml (LF line ends, not
 *             dot-stuffed) for comparison with what a server stored
 *  -S N       stop (tick returns 1) after N outcomes
 *  -W MS      next() has nothing for the first MS ms   -i MS idle time
 *  -q         no line per message, only the summary
 * Output: a line "ID OUTCOME CODE ENHANCED" per outcome ('-' for no
 * enhanced code), then "stats ..." and "run: ok" or "run: error: WHY".
 * Exit status 0 when smtp_run() returned 0 and the callbacks were used as
 * smtp.h promises (every message exactly one done(), sending() before
 * every accepted or uncertain one), else 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify/mime.h"
#include "notify/smtp.h"
#include "util/clock.h"

struct msg {
    char rcpt[300];
    struct buf data;
    int done;    /* outcomes seen (final ones) */
    int sending; /* sending() calls */
    int out;     /* handed out, no done() yet */
    int tries;
};

struct driver {
    struct msg *m;
    size_t n;
    size_t *queue; /* indexes to hand out */
    size_t qhead, qlen;
    size_t outstanding;
    int resend;
    int quiet;
    int bugs;
    size_t outcomes, stop_after;
    unsigned withhold_ms;
    double start; /* clock_now() */
    uint64_t commits;
};

static int
d_next(void *ctx, struct smtp_msg *sm)
{
    struct driver *d = ctx;
    struct msg *m;
    size_t i;

    if (d->withhold_ms &&
        (clock_now() - d->start) * 1000.0 < (double)d->withhold_ms)
        return 0;
    if (d->qhead == d->qlen)
        return d->resend && d->outstanding > 0 ? 0 : -1;
    i = d->queue[d->qhead++ % d->n];
    m = &d->m[i];
    if (m->out) {
        printf("BUG %zu handed out twice\n", i + 1);
        d->bugs++;
    }
    m->out = 1;
    m->tries++;
    d->outstanding++;
    sm->id = i + 1;
    sm->mail_from = "sender@tocsin.test";
    sm->rcpt = m->rcpt;
    sm->data = buf_str(&m->data);
    sm->len = buf_len(&m->data);
    return 1;
}

static void
d_sending(void *ctx, uint64_t id)
{
    struct driver *d = ctx;

    d->m[id - 1].sending++;
}

static int
d_commit(void *ctx)
{
    struct driver *d = ctx;

    d->commits++;
    return 0;
}

static void
d_done(void *ctx, uint64_t id, enum smtp_outcome o, int code, const char *enh,
       const char *text)
{
    struct driver *d = ctx;
    struct msg *m;

    (void)text;
    if (id < 1 || id > d->n || !d->m[id - 1].out) {
        printf("BUG done() for %" PRIu64 " not handed out\n", id);
        d->bugs++;
        return;
    }
    m = &d->m[id - 1];
    m->out = 0;
    d->outstanding--;
    d->outcomes++;
    if ((o == SMTP_ACCEPTED || o == SMTP_UNCERTAIN) && m->sending == 0) {
        printf("BUG %" PRIu64 " %s without sending()\n", id,
               smtp_outcome_name(o));
        d->bugs++;
    }
    if (o == SMTP_RETRY && d->resend && m->tries < 4) {
        d->queue[d->qlen++ % d->n] = id - 1;
        if (!d->quiet)
            printf("%" PRIu64 " retry %d %s\n", id, code, enh[0] ? enh : "-");
        return;
    }
    m->done++;
    if (!d->quiet)
        printf("%" PRIu64 " %s %d %s\n", id, smtp_outcome_name(o), code,
               enh[0] ? enh : "-");
}

static int
d_tick(void *ctx)
{
    struct driver *d = ctx;

    return d->stop_after > 0 && d->outcomes >= d->stop_after;
}

/* The message with id, CRLF line ends. */
static int
make_message(struct buf *b, size_t id, const char *rcpt, size_t size)
{
    size_t line = 0;
    int rc;

    rc = buf_printf(b,
                    "From: Tocsin Test <sender@tocsin.test>\r\n"
                    "To: <%s>\r\n"
                    "Subject: test message %zu\r\n"
                    "Message-ID: <%zu.driver@tocsin.test>\r\n"
                    "X-Test-Id: %zu\r\n"
                    "\r\n",
                    rcpt, id, id, id);
    while (rc == 0 && buf_len(b) < size) {
        line++;
        if (line % 7 == 3)
            rc = buf_printf(b, ".a line with a leading dot, %zu/%zu\r\n", id,
                            line);
        else if (line % 11 == 5)
            rc = buf_printf(b, ".\r\n");
        else
            rc = buf_printf(b,
                            "Line %zu of message %zu: the quick brown fox "
                            "jumps over the lazy dog.\r\n",
                            line, id);
    }
    return rc;
}

static int
write_expected(const char *dir, size_t id, const struct buf *b)
{
    char path[4096];
    const char *p = buf_str(b);
    size_t i, n = buf_len(b);
    FILE *f;

    snprintf(path, sizeof path, "%s/%zu.eml", dir, id);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
            continue;
        fputc(p[i], f);
    }
    return fclose(f);
}

static unsigned
num(const char *s)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > 100000000ul) {
        fprintf(stderr, "smtp_driver: bad number: %s\n", s);
        exit(2);
    }
    return (unsigned)v;
}

int
main(int argc, char **argv)
{
    struct smtp_options o;
    struct smtp_callbacks cb = {d_next, d_sending, d_commit, d_done, d_tick};
    struct smtp_stats st;
    struct driver d;
    struct buf why, raw;
    const char *rcpts = NULL, *gendir = NULL;
    size_t i, size = 1500, count = 10;
    unsigned timeout = 0;
    double secs;
    int opt, rc, status = 0;

    memset(&o, 0, sizeof o);
    memset(&d, 0, sizeof d);
    o.connections = 1;
    o.tls_verify = 1;
    o.helo = "driver.tocsin.test";
    while ((opt = getopt(argc, argv, "n:r:c:p:s:T:t:C:ku:w:Pa:Rg:S:W:i:q")) !=
           -1) {
        switch (opt) {
        case 'n':
            count = num(optarg);
            break;
        case 'r':
            rcpts = optarg;
            break;
        case 'c':
            o.connections = num(optarg);
            break;
        case 'p':
            o.per_connection = num(optarg);
            break;
        case 's':
            size = num(optarg);
            break;
        case 'T':
            timeout = num(optarg);
            break;
        case 't':
            if (strcmp(optarg, "none") == 0)
                o.tls = SMTP_TLS_NONE;
            else if (strcmp(optarg, "starttls") == 0)
                o.tls = SMTP_TLS_STARTTLS;
            else if (strcmp(optarg, "require") == 0)
                o.tls = SMTP_TLS_REQUIRE;
            else if (strcmp(optarg, "implicit") == 0)
                o.tls = SMTP_TLS_IMPLICIT;
            else
                return 2;
            break;
        case 'C':
            o.ca_file = optarg;
            break;
        case 'k':
            o.tls_verify = 0;
            break;
        case 'u':
            o.user = optarg;
            break;
        case 'w':
            o.password = optarg;
            break;
        case 'P':
            o.allow_plain_auth = 1;
            break;
        case 'a':
            o.connect_attempts = num(optarg);
            break;
        case 'R':
            d.resend = 1;
            break;
        case 'g':
            gendir = optarg;
            break;
        case 'S':
            d.stop_after = num(optarg);
            break;
        case 'W':
            d.withhold_ms = num(optarg);
            break;
        case 'i':
            o.idle_ms = num(optarg);
            break;
        case 'q':
            d.quiet = 1;
            break;
        default:
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: smtp_driver [options] HOST PORT\n");
        return 2;
    }
    o.host = argv[optind];
    o.port = argv[optind + 1];
    o.connect_ms = o.greeting_ms = o.command_ms = o.data_ms = timeout;

    if (rcpts != NULL) {
        count = 1;
        for (i = 0; rcpts[i]; i++)
            count += rcpts[i] == ',';
    }
    d.n = count;
    d.m = calloc(count ? count : 1, sizeof *d.m);
    d.queue = calloc(count ? count : 1, sizeof *d.queue);
    if (d.m == NULL || d.queue == NULL)
        return 1;
    buf_init(&raw, 64u << 20);
    {
        const char *p = rcpts;

        for (i = 0; i < count; i++) {
            if (p != NULL) {
                size_t l = strcspn(p, ",");

                snprintf(d.m[i].rcpt, sizeof d.m[i].rcpt, "%.*s@fault.test",
                         (int)l, p);
                p += l + (p[l] == ',');
            } else {
                snprintf(d.m[i].rcpt, sizeof d.m[i].rcpt, "user%zu@sink.test",
                         i + 1);
            }
            buf_reset(&raw);
            buf_init(&d.m[i].data, 64u << 20);
            if (make_message(&raw, i + 1, d.m[i].rcpt, size) != 0 ||
                mime_dot_stuff(buf_str(&raw), buf_len(&raw), &d.m[i].data) !=
                    0 ||
                (gendir && write_expected(gendir, i + 1, &raw) != 0)) {
                fprintf(stderr, "smtp_driver: cannot make message %zu\n",
                        i + 1);
                return 1;
            }
            d.queue[i] = i;
        }
        d.qlen = count;
    }
    buf_free(&raw);

    buf_init(&why, 4096);
    d.start = clock_now();
    rc = smtp_run(&o, &cb, &d, &st, &why);
    secs = clock_now() - d.start;
    for (i = 0; i < count; i++) {
        if (d.m[i].out || d.m[i].done > 1 ||
            (d.m[i].done == 0 && d.stop_after == 0 && !d.resend && rc == 0)) {
            printf("BUG %zu: out %d, done %d\n", i + 1, d.m[i].out,
                   d.m[i].done);
            d.bugs++;
        }
        buf_free(&d.m[i].data);
    }
    printf("stats accepted=%" PRIu64 " deferred=%" PRIu64 " failed=%" PRIu64
           " retry=%" PRIu64 " uncertain=%" PRIu64 " connections=%" PRIu64
           " connect_errors=%" PRIu64 " commits=%" PRIu64
           " seconds=%.3f rate=%.0f\n",
           st.accepted, st.deferred, st.failed, st.retry, st.uncertain,
           st.connections, st.connect_errors, d.commits, secs,
           secs > 0 ? (double)st.accepted / secs : 0.0);
    if (rc == 0)
        printf("run: ok\n");
    else
        printf("run: error: %s\n", buf_str(&why));
    if (rc != 0 || d.bugs)
        status = 1;
    buf_free(&why);
    free(d.m);
    free(d.queue);
    return status;
}
