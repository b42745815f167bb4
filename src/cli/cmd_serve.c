/*
 * cmd_serve.c - tocsin serve: the web service of a case (serve/serve.h).
 */
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../serve/serve.h"
#include "../store/casedir.h"
#include "../util/limits.h"
#include "../util/log.h"

static void
serve_usage(FILE *out)
{
    fputs("usage: tocsin serve [--case DIR] [--listen ADDR]... [--threads N]\n"
          "                    [--maildir DIR]\n"
          "\n"
          "Serve the case on the web, for the people whose data leaked and "
          "for the\n"
          "response team: /verify checks a message's verification code (or "
          "its\n"
          "Message-ID): genuine, with when, by which brand and to whom "
          "(masked), or\n"
          "not issued by us, or a typo; /lookup (\"am I affected?\") "
          "answers the same\n"
          "page for every address and sends the result by mail to the "
          "address asked\n"
          "about only, rate-limited per client and per address; /info/BRAND/"
          "LANG says\n"
          "what happened, what was and was not taken and what to do (nl, "
          "en);\n"
          "/dashboard (HTTP Basic, the case.ini [serve] token as password) "
          "shows the\n"
          "progress of notify and the report's figures, /metrics the same "
          "for\n"
          "Prometheus (Bearer token). JSON beside the pages: /api/verify, "
          "/api/lookup.\n"
          "Answers go into the case's Maildir, or through case.ini [serve] "
          "answers_smtp.\n"
          "The database is read through a read-only view: serve keeps "
          "working while\n"
          "notify sends. Meant to sit behind a TLS-terminating reverse "
          "proxy (see\n"
          "docs/serve.md). Ctrl-C or SIGTERM stops it cleanly.\n"
          "\n"
          "Options:\n"
          "  --case DIR      the case (default: the current directory)\n"
          "  --listen ADDR   HOST:PORT (IPv4) or [IPv6]:PORT; may be given "
          "up to 4\n"
          "                  times (default 127.0.0.1:8080; port 0: any "
          "free one)\n"
          "  --threads N     HTTP worker threads (default 2)\n"
          "  --maildir DIR   deliver the answers into this Maildir\n"
          "  -h, --help      show this help\n",
          out);
}

int
cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"maildir", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen[LIMIT_SERVE_LISTEN];
    struct serve_options o = {0};
    struct serve *sv = NULL;
    const char *given = NULL, *dir;
    unsigned long long v;
    size_t nlisten = 0, i;
    sigset_t set;
    struct buf why;
    int ch, rc, sig = 0;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'l':
            if (nlisten >= LIMIT_SERVE_LISTEN)
                return cli_usage_error("serve", "--listen at most %d times",
                                       LIMIT_SERVE_LISTEN);
            listen[nlisten++] = optarg;
            break;
        case 't':
            if (cli_parse_u64(optarg, LIMIT_SERVE_THREADS, &v) != 0 || v == 0)
                return cli_usage_error("serve", "--threads is 1 to %d",
                                       LIMIT_SERVE_THREADS);
            o.threads = (unsigned)v;
            break;
        case 'm':
            o.maildir = optarg;
            break;
        case 'h':
            serve_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("serve", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "takes no arguments");
    if (nlisten == 0)
        listen[nlisten++] = "127.0.0.1:8080";
    if ((dir = cli_case_dir("serve", given)) == NULL)
        return CLI_EXIT_CASE;

    /* Every thread started from here on blocks the stop signals; the
     * main thread waits for them with sigwait(). */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    o.background = 1;
    buf_init(&why, 4096);
    rc = serve_open(dir, &o, &sv, &why);
    if (rc != TOCSIN_OK) {
        cli_fail("serve", rc, &why);
        buf_free(&why);
        return cli_exit_code(rc);
    }
    for (i = 0; i < nlisten; i++) {
        buf_reset(&why);
        rc = serve_listen(sv, listen[i], &why);
        if (rc != TOCSIN_OK) {
            cli_fail("serve", rc, &why);
            serve_close(sv);
            buf_free(&why);
            return rc == TOCSIN_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        }
    }
    for (i = 0; i < nlisten; i++) {
        const char *a = listen[i], *colon = strrchr(a, ':');

        printf("tocsin serve: listening on http://%.*s:%u/\n",
               (int)(colon - a), a, serve_port(sv, i));
    }
    fflush(stdout);
    log_info("serve: ready");
    while (sigwait(&set, &sig) != 0)
        ;
    log_info("serve: stopping (signal %d)", sig);
    serve_close(sv);
    buf_free(&why);
    printf("tocsin serve: stopped\n");
    return CLI_EXIT_OK;
}
