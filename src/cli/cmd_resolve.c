/*
 * cmd_resolve.c - tocsin resolve (records into persons), tocsin export
 * clusters, and tocsin explain.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../assess/assess.h"
#include "../resolve/resolve.h"
#include "../store/casedir.h"
#include "../util/limits.h"
#include "../util/log.h"

void
cli_resolve_print(const struct resolve_result *r)
{
    printf("%" PRIu64 " record%s %s %" PRIu64 " person%s (%" PRIu64
           " with more than one record), in %.1f s\n",
           r->records, r->records == 1 ? "" : "s",
           r->records == 1 ? "is" : "are", r->persons,
           r->persons == 1 ? "" : "s", r->multi, r->seconds);
    if (r->candidates == 0) {
        printf("  no two records share a blocking key: nothing to compare\n");
        return;
    }
    printf("  %" PRIu64 " candidate pairs compared; %" PRIu64
           " links: %" PRIu64 " joined, %" PRIu64 " refused for "
           "contradicting evidence\n",
           r->candidates, r->links, r->joined, r->refused);
    printf("  model: %.4f%% of the candidate pairs match (EM, %u "
           "iterations); %" PRIu64 " persons hold a link below 0.99\n",
           100.0 * r->match_share, r->em_iterations, r->uncertain);
    if (r->blocks_skipped > 0)
        printf("  %" PRIu64 " blocking keys shared by more than %d records "
               "were not used (non-identifiers)\n",
               r->blocks_skipped, RESOLVE_BLOCK_MAX);
}

int
cli_resolve(struct casedir *c, const struct resolve_options *o,
            struct buf *summary)
{
    struct resolve_result res;
    struct buf why;
    int rc;

    buf_init(&why, 4096);
    rc = resolve_run(c, o, &res, summary, &why);
    if (rc != TOCSIN_OK)
        cli_fail("resolve", rc, &why);
    else
        cli_resolve_print(&res);
    buf_free(&why);
    return rc;
}

static int
resolve_stage(struct casedir *c, int64_t run_id, struct buf *summary,
              void *arg)
{
    struct resolve_options *o = arg;

    o->run_id = run_id;
    return cli_resolve(c, o, summary);
}

static void
resolve_usage(FILE *out)
{
    fputs("usage: tocsin resolve [--case DIR] [--threshold P]\n"
          "\n"
          "Decide which records are one person, across files and brands, "
          "so that a\n"
          "person gets one message and a household is never merged. "
          "Candidate pairs\n"
          "come from many blocking keys; each pair's fields are compared; "
          "the weights\n"
          "are learnt from the data (EM, with term frequencies); links "
          "above the\n"
          "threshold join persons unless their records contradict each "
          "other.\n"
          "Running it again replaces the previous result. See 'tocsin "
          "explain'.\n"
          "\n"
          "Options:\n"
          "  --case DIR      the case (default: the current directory)\n"
          "  --threshold P   match probability to link two records "
          "(default 0.9)\n"
          "  -h, --help      show this help\n",
          out);
}

int
cmd_resolve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"threshold", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct resolve_options o = {0};
    struct casedir *c = NULL;
    const char *given = NULL;
    int ch, rc, status;
    char *end;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 't':
            errno = 0;
            o.threshold = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' ||
                !(o.threshold > 0 && o.threshold < 1))
                return cli_usage_error("resolve", "--threshold is a "
                                                  "probability, above 0 "
                                                  "and below 1");
            break;
        case 'h':
            resolve_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("resolve", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("resolve", "takes no arguments");
    if ((status = cli_open_case("resolve", given, 0, &c)) != CLI_EXIT_OK)
        return status;
    o.progress = isatty(STDERR_FILENO);
    rc = cli_logged_stage(c, "resolve", resolve_stage, &o);
    casedir_close(c);
    return cli_exit_code(rc);
}

/* --- tocsin export ------------------------------------------------------ */

static void
export_usage(FILE *out)
{
    fputs("usage: tocsin export clusters [--case DIR] [--out FILE]\n"
          "\n"
          "Write which person each record belongs to, as CSV with the "
          "header\n"
          "record_id,person_id: one line per resolved record, in input "
          "order, the\n"
          "record id as given in the export (or #N, the case's own number, "
          "when it\n"
          "had none). This is what the resolution is scored on; it holds "
          "no personal\n"
          "data beyond the record ids.\n"
          "\n"
          "Options:\n"
          "  --case DIR   the case (default: the current directory)\n"
          "  --out FILE   write to FILE (default: standard output)\n"
          "  -h, --help   show this help\n",
          out);
}

int
cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char esc[LIMIT_LOG_FIELD + 8];
    const char *given = NULL, *path = NULL;
    struct casedir *c = NULL;
    struct buf why;
    uint64_t rows = 0;
    FILE *out = stdout;
    int ch, rc, status;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'o':
            path = optarg;
            break;
        case 'h':
            export_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("export", argv, ch);
        }
    }
    if (optind >= argc)
        return cli_usage_error("export", "what to export? (clusters)");
    if (strcmp(argv[optind], "clusters") != 0)
        return cli_usage_error("export",
                               "'%s' cannot be exported "
                               "(clusters can)",
                               log_escape(argv[optind], esc, sizeof(esc)));
    if (optind + 1 < argc)
        return cli_usage_error("export", "too many arguments");
    if ((status = cli_open_case("export", given, CASEDIR_READONLY, &c)) !=
        CLI_EXIT_OK)
        return status;
    if (path != NULL && strcmp(path, "-") != 0) {
        out = fopen(path, "w");
        if (out == NULL) {
            fprintf(stderr, "tocsin export: %s: %s\n",
                    log_escape(path, esc, sizeof(esc)), strerror(errno));
            casedir_close(c);
            return CLI_EXIT_FAILURE;
        }
    }
    buf_init(&why, 4096);
    rc = resolve_export_clusters(c, out, &rows, &why);
    if ((out != stdout ? fclose(out) : fflush(stdout)) != 0 &&
        rc == TOCSIN_OK) {
        rc = TOCSIN_EIO;
        fprintf(stderr, "tocsin export: %s: %s\n",
                path != NULL ? log_escape(path, esc, sizeof(esc))
                             : "standard output",
                strerror(errno));
    } else if (rc != TOCSIN_OK)
        cli_fail("export", rc, &why);
    else if (out != stdout)
        printf("%" PRIu64 " records written to %s\n", rows,
               log_escape(path, esc, sizeof(esc)));
    buf_free(&why);
    casedir_close(c);
    return rc == TOCSIN_ENOENT ? CLI_EXIT_FAILURE : cli_exit_code(rc);
}

/* --- tocsin explain ----------------------------------------------------- */

int
cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char esc[LIMIT_LOG_FIELD + 8];
    const char *given = NULL;
    struct casedir *c = NULL;
    struct buf why;
    int ch, rc, status;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'h':
            fputs("usage: tocsin explain [--case DIR] RECORD_ID\n"
                  "\n"
                  "Show the person the record with this record id (as "
                  "given in the export)\n"
                  "belongs to: its records, and every link that made it, "
                  "with each field's\n"
                  "comparison level and weight and the values masked. "
                  "Refused links (two\n"
                  "persons whose records contradict each other) are shown "
                  "too.\n"
                  "\n"
                  "Options:\n"
                  "  --case DIR   the case (default: the current "
                  "directory)\n"
                  "  -h, --help   show this help\n",
                  stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("explain", argv, ch);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("explain", "give one RECORD_ID");
    if (strlen(argv[optind]) > LIMIT_RESOLVE_VALUE)
        return cli_usage_error("explain", "a record id is at most %d bytes",
                               LIMIT_RESOLVE_VALUE);
    if ((status = cli_open_case("explain", given, CASEDIR_READONLY, &c)) !=
        CLI_EXIT_OK)
        return status;
    buf_init(&why, 4096);
    rc = resolve_explain(c, argv[optind], stdout, assess_explain, &why);
    if (rc != TOCSIN_OK)
        fprintf(stderr, "tocsin explain: %s: %s\n",
                log_escape(argv[optind], esc, sizeof(esc)),
                buf_len(&why) ? buf_str(&why) : tocsin_strerror(rc));
    buf_free(&why);
    casedir_close(c);
    return rc == TOCSIN_ENOENT ? CLI_EXIT_FAILURE : cli_exit_code(rc);
}
