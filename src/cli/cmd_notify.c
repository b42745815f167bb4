/*
 * cmd_notify.c - tocsin notify (the messages) and tocsin status (the
 * journal, from any terminal, also while notify runs).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../notify/notify.h"
#include "../notify/smtp.h"
#include "../store/config.h"
#include "../store/casedir.h"
#include "../store/store.h"
#include "../util/limits.h"

static volatile sig_atomic_t notify_stop;

static void
notify_signal(int sig)
{
    (void)sig;
    notify_stop = 1;
}

static void
notify_usage(FILE *out)
{
    fputs("usage: tocsin notify [--case DIR] [--smtp URL [--require-tls]\n"
          "                     [--concurrency N] [--domain-rate R] | "
          "--maildir DIR]\n"
          "                     [--limit N] [--rate MSGS_PER_S] [--dry-run]\n"
          "                     [--resend-uncertain]\n"
          "\n"
          "Send every person one message per brand whose channel is "
          "e-mail (tocsin\n"
          "assess), from the case's templates in their language: what of "
          "theirs\n"
          "leaked (masked hints only), what was not taken, what to do, and "
          "a\n"
          "verification code. Persons whose notes need personal contact "
          "get no mass\n"
          "mail. Every message is journaled in the case: it is marked in "
          "flight, and\n"
          "committed, before it is handed over, so that a crash skips "
          "nobody; run\n"
          "notify again to resume. Messages that were in flight when a "
          "sender died\n"
          "are reported as possibly delivered and sent again only with\n"
          "--resend-uncertain. Ctrl-C stops after the journal is "
          "committed.\n"
          "With --smtp they go to a relay (smtp://host:port with STARTTLS "
          "when\n"
          "offered, smtps://host:port), pipelined over N connections, "
          "with AUTH\n"
          "from case.ini [smtp]; a 4xx is retried later with backoff, a "
          "5xx fails\n"
          "with the reply kept; each recipient domain has a ceiling with "
          "a warm-up\n"
          "ramp and pauses after a 4xx (case.ini [smtp]). Otherwise they "
          "go into a\n"
          "Maildir (default: DIR/maildir of the case), a message's file "
          "name from\n"
          "its number, so sending it again replaces it. See 'tocsin "
          "status'.\n"
          "\n"
          "Options:\n"
          "  --case DIR            the case (default: the current "
          "directory)\n"
          "  --smtp URL            send through this relay\n"
          "  --require-tls         stop unless the relay offers STARTTLS\n"
          "  --concurrency N       connections to the relay (default 20)\n"
          "  --domain-rate R       at most R messages per second to one "
          "recipient\n"
          "                        domain (0: none; default: case.ini "
          "[smtp])\n"
          "  --maildir DIR         deliver into this Maildir\n"
          "  --limit N             send at most N messages in this run\n"
          "  --rate R              at most R messages per second\n"
          "  --dry-run             compose the messages due, send none\n"
          "  --resend-uncertain    send the possibly delivered ones again\n"
          "  -h, --help            show this help\n",
          out);
}

static void
notify_print(const struct notify_result *r, int dry_run)
{
    const uint64_t *c = r->counts;

    if (r->uncertain > 0)
        printf("%" PRIu64 " message%s were in flight when a sender stopped: "
               "possibly delivered%s\n",
               r->uncertain, r->uncertain == 1 ? "" : "s",
               r->requeued > 0 ? "; sent again" : "");
    if (dry_run)
        printf("dry run: %" PRIu64 " message%s composed, none sent\n",
               r->composed, r->composed == 1 ? "" : "s");
    else
        printf("%" PRIu64 " message%s sent, %" PRIu64 " deferred, %" PRIu64
               " failed, %" PRIu64 " uncertain, in %.1f s%s\n",
               r->sent, r->sent == 1 ? "" : "s", r->deferred, r->failed,
               r->uncertain_now, r->seconds, r->stopped ? " (stopped)" : "");
    printf("journal: %" PRIu64 " queued, %" PRIu64 " in flight, %" PRIu64
           " accepted, %" PRIu64 " deferred, %" PRIu64 " failed, %" PRIu64
           " uncertain\n",
           c[STORE_MSG_QUEUED], c[STORE_MSG_IN_FLIGHT], c[STORE_MSG_ACCEPTED],
           c[STORE_MSG_DEFERRED], c[STORE_MSG_FAILED], c[STORE_MSG_UNCERTAIN]);
}

struct notify_arg {
    struct notify_options *o;
    int dry_run;
};

static int
notify_stage(struct casedir *c, int64_t run_id, struct buf *summary, void *arg)
{
    struct notify_arg *a = arg;
    struct notify_result res;
    struct buf why;
    int rc;

    a->o->run_id = run_id;
    buf_init(&why, 4096);
    rc = notify_run(c, a->o, &res, summary, &why);
    if (rc != TOCSIN_OK)
        cli_fail("notify", rc, &why);
    else
        notify_print(&res, a->dry_run);
    buf_free(&why);
    return rc;
}

int
cmd_notify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"maildir", required_argument, NULL, 'm'},
        {"smtp", required_argument, NULL, 's'},
        {"require-tls", no_argument, NULL, 't'},
        {"concurrency", required_argument, NULL, 'k'},
        {"domain-rate", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'l'},
        {"rate", required_argument, NULL, 'r'},
        {"dry-run", no_argument, NULL, 'n'},
        {"resend-uncertain", no_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct notify_options o = {.domain_rate = -1};
    struct smtp_options so = {0};
    struct notify_arg a = {&o, 0};
    const char *url = NULL;
    char host[256], port[8];
    int require_tls = 0, tls = 0;
    unsigned long long conns = 20;
    struct sigaction sa;
    struct casedir *c = NULL;
    const char *given = NULL;
    unsigned long long v;
    char *end;
    int ch, rc, status;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'm':
            o.maildir = optarg;
            break;
        case 's':
            url = optarg;
            break;
        case 't':
            require_tls = 1;
            break;
        case 'k':
            if (cli_parse_u64(optarg, LIMIT_SMTP_CONNECTIONS, &conns) != 0 ||
                conns == 0)
                return cli_usage_error("notify",
                                       "--concurrency is 1 to %d "
                                       "connections",
                                       LIMIT_SMTP_CONNECTIONS);
            break;
        case 'l':
            if (cli_parse_u64(optarg, UINT64_MAX / 2, &v) != 0 || v == 0)
                return cli_usage_error("notify",
                                       "--limit is a positive number");
            o.limit = v;
            break;
        case 'd':
            errno = 0;
            o.domain_rate = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' ||
                !(o.domain_rate >= 0 && o.domain_rate <= 1e7))
                return cli_usage_error("notify", "--domain-rate is a number "
                                                 "of messages per second, "
                                                 "0 for no ceiling");
            break;
        case 'r':
            errno = 0;
            o.rate = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' ||
                !(o.rate > 0 && o.rate <= 1e7))
                return cli_usage_error("notify", "--rate is a number of "
                                                 "messages per second "
                                                 "above 0");
            break;
        case 'n':
            o.dry_run = a.dry_run = 1;
            break;
        case 'u':
            o.resend_uncertain = 1;
            break;
        case 'h':
            notify_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("notify", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("notify", "takes no arguments");
    if (url != NULL && o.maildir != NULL)
        return cli_usage_error("notify", "--smtp or --maildir, not both");
    if (url == NULL && require_tls)
        return cli_usage_error("notify", "--require-tls goes with --smtp");
    if (url != NULL && smtp_url_parse(url, require_tls, host, sizeof(host),
                                      port, sizeof(port), &tls) != 0)
        return cli_usage_error("notify", "--smtp is smtp://HOST[:PORT] or "
                                         "smtps://HOST[:PORT]");
    if ((status = cli_open_case("notify", given, 0, &c)) != CLI_EXIT_OK)
        return status;
    if (url != NULL) {
        const struct case_config *cfg = casedir_config(c);

        so.host = host;
        so.port = port;
        so.tls = tls;
        so.tls_verify = 1;
        so.ca_file = cfg->smtp_ca_file;
        so.user = cfg->smtp_user;
        so.password = cfg->smtp_password;
        so.helo = cfg->smtp_helo;
        so.connections = (unsigned)conns;
        o.smtp = &so;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = notify_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    o.stop = (volatile int *)&notify_stop;
    o.progress = 1; /* a line on a terminal, else one every 5 s */
    rc = cli_logged_stage(c, "notify", notify_stage, &a);
    casedir_close(c);
    return rc == TOCSIN_ENOENT ? CLI_EXIT_FAILURE : cli_exit_code(rc);
}

/* --- tocsin status ------------------------------------------------------ */

int
cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t n[STORE_MSG_NSTATES];
    struct casedir *c = NULL;
    const char *given = NULL;
    int ch, rc, status, json = 0, k;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            fputs("usage: tocsin status [--case DIR] [--json]\n"
                  "\n"
                  "Show the journal of messages: how many are queued, in "
                  "flight, accepted,\n"
                  "deferred, failed and uncertain (in flight when a sender "
                  "stopped). Works\n"
                  "from another terminal while notify runs.\n"
                  "\n"
                  "Options:\n"
                  "  --case DIR   the case (default: the current "
                  "directory)\n"
                  "  --json       print one JSON object with those counts\n"
                  "  -h, --help   show this help\n",
                  stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("status", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("status", "takes no arguments");
    if ((status = cli_open_case("status", given, CASEDIR_READONLY, &c)) !=
        CLI_EXIT_OK)
        return status;
    rc = store_msg_counts(casedir_store(c), n);
    if (rc != TOCSIN_OK) {
        fprintf(stderr, "tocsin status: %s\n", store_errmsg(casedir_store(c)));
    } else if (json) {
        fputc('{', stdout);
        for (k = 0; k < STORE_MSG_NSTATES; k++)
            printf("%s\"%s\":%" PRIu64, k > 0 ? "," : "",
                   store_msg_state_name(k), n[k]);
        fputs("}\n", stdout);
    } else {
        for (k = 0; k < STORE_MSG_NSTATES; k++)
            printf("%-10s %" PRIu64 "\n", store_msg_state_name(k), n[k]);
    }
    casedir_close(c);
    return cli_exit_code(rc);
}
