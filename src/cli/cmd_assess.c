/*
 * cmd_assess.c - tocsin assess (what leaked of whom, per person and brand)
 * and tocsin report (the regulator report as JSON, Markdown or HTML).
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../assess/assess.h"
#include "../report/render.h"
#include "../report/report.h"
#include "../store/casedir.h"
#include "../store/config.h"
#include "../util/fsutil.h"
#include "../util/limits.h"
#include "../util/log.h"

static void
assess_print(const struct assess_result *r)
{
    uint64_t n = r->persons;

    printf("%" PRIu64 " person%s in %" PRIu64 " record%s: %" PRIu64
           " notice%s (person x brand), in %.1f s\n",
           n, n == 1 ? "" : "s", r->records, r->records == 1 ? "" : "s",
           r->notices, r->notices == 1 ? "" : "s", r->seconds);
    printf("  risk: %" PRIu64 " high, %" PRIu64 " medium, %" PRIu64 " low\n",
           r->risk[3], r->risk[2], r->risk[1]);
    printf("  channel: %" PRIu64 " e-mail, %" PRIu64 " letter, %" PRIu64
           " SMS, %" PRIu64 " unreachable\n",
           r->channel[ASSESS_EMAIL], r->channel[ASSESS_LETTER],
           r->channel[ASSESS_SMS], r->channel[ASSESS_UNREACHABLE]);
    printf("  %" PRIu64 " minor%s, %" PRIu64 " with sensitive notes "
           "(personal contact), %" PRIu64 " with a BSN, %" PRIu64
           " record%s kept past the retention period\n",
           r->minors, r->minors == 1 ? "" : "s", r->sensitive, r->bsn,
           r->past_retention_records,
           r->past_retention_records == 1 ? "" : "s");
}

int
cli_assess(struct casedir *c, const struct assess_options *o,
           struct buf *summary)
{
    struct assess_result res;
    struct buf why;
    int rc;

    buf_init(&why, 4096);
    rc = assess_run(c, o, &res, summary, &why);
    if (rc != TOCSIN_OK)
        cli_fail("assess", rc, &why);
    else
        assess_print(&res);
    buf_free(&why);
    return rc;
}

static int
assess_stage(struct casedir *c, int64_t run_id, struct buf *summary, void *arg)
{
    struct assess_options *o = arg;

    o->run_id = run_id;
    return cli_assess(c, o, summary);
}

int
cmd_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct assess_options o = {0};
    struct casedir *c = NULL;
    const char *given = NULL;
    int ch, rc, status;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'h':
            fputs("usage: tocsin assess [--case DIR]\n"
                  "\n"
                  "For every person and brand: the data categories of "
                  "theirs that leaked,\n"
                  "the risk level with the rules that set it (case.ini "
                  "[risk]), sensitive\n"
                  "terms in free-text notes ([sensitive LANG]), minors, "
                  "BSNs, records kept\n"
                  "past the retention period, and how to reach them: "
                  "e-mail, else letter,\n"
                  "else SMS, else unreachable (and why). Needs a resolved "
                  "case; running it\n"
                  "again replaces the previous result. See 'tocsin "
                  "report'.\n"
                  "\n"
                  "Options:\n"
                  "  --case DIR   the case (default: the current "
                  "directory)\n"
                  "  -h, --help   show this help\n",
                  stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("assess", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("assess", "takes no arguments");
    if ((status = cli_open_case("assess", given, 0, &c)) != CLI_EXIT_OK)
        return status;
    o.progress = isatty(STDERR_FILENO);
    rc = cli_logged_stage(c, "assess", assess_stage, &o);
    casedir_close(c);
    return rc == TOCSIN_ENOENT ? CLI_EXIT_FAILURE : cli_exit_code(rc);
}

/* --- tocsin report ------------------------------------------------------ */

static void
report_usage(FILE *out)
{
    fputs("usage: tocsin report [--case DIR] [--format json|md|html] "
          "[--lang nl|en]\n"
          "                     [--out FILE]\n"
          "\n"
          "Write the report for the supervisory authority (GDPR art. 33; "
          "the Dutch\n"
          "meldformulier datalekken): timeline, nature of the breach, "
          "data subjects\n"
          "and records per brand, counts per data category, risk level "
          "and group\n"
          "(minors, sensitive notes, BSNs, records kept too long), "
          "reachability,\n"
          "consequences, measures and the DPO. Counts only, never "
          "personal data;\n"
          "counts below [report] small_count show as \"< 10\". The JSON "
          "is\n"
          "documented in docs/report.md; the HTML is one self-contained "
          "page.\n"
          "Needs an assessed case (tocsin assess).\n"
          "\n"
          "Options:\n"
          "  --case DIR       the case (default: the current directory)\n"
          "  --format FORMAT  json (default), md or html\n"
          "  --lang LANG      nl or en: the language of md and html "
          "(default: the\n"
          "                   case's, [incident] language)\n"
          "  --out FILE       write to FILE, replacing it (default: "
          "standard output)\n"
          "  -h, --help       show this help\n",
          out);
}

/* Render r in format into out. */
static int
report_render(struct json_object *r, const char *format, const char *lang,
              struct buf *out, struct buf *why)
{
    if (strcmp(format, "md") == 0)
        return render_markdown(r, lang, out, why);
    if (strcmp(format, "html") == 0)
        return render_html(r, lang, out, why);
    if (buf_appends(out,
                    json_object_to_json_string_ext(
                        r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                               JSON_C_TO_STRING_NOSLASHESCAPE)) != TOCSIN_OK ||
        buf_appendc(out, '\n') != TOCSIN_OK)
        return TOCSIN_ENOMEM;
    return TOCSIN_OK;
}

int
cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char esc[LIMIT_LOG_FIELD + 8];
    const char *given = NULL, *format = "json", *lang = NULL, *path = NULL;
    struct json_object *r = NULL;
    struct casedir *c = NULL;
    struct buf why, out;
    int ch, rc, status;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'f':
            format = optarg;
            if (strcmp(format, "json") != 0 && strcmp(format, "md") != 0 &&
                strcmp(format, "html") != 0)
                return cli_usage_error("report",
                                       "--format is json, md or html");
            break;
        case 'l':
            lang = optarg;
            if (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
                return cli_usage_error("report", "--lang is nl or en");
            break;
        case 'o':
            path = optarg;
            break;
        case 'h':
            report_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("report", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("report", "takes no arguments");
    if ((status = cli_open_case("report", given, CASEDIR_READONLY, &c)) !=
        CLI_EXIT_OK)
        return status;
    buf_init(&why, 4096);
    buf_init(&out, LIMIT_REPORT_BYTES);
    rc = report_build(c, lang, &r, &why);
    if (rc == TOCSIN_OK)
        rc = report_render(r, format, lang, &out, &why);
    if (rc != TOCSIN_OK) {
        cli_fail("report", rc, &why);
    } else if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(buf_str(&out), 1, buf_len(&out), stdout) != buf_len(&out) ||
            fflush(stdout) != 0) {
            fprintf(stderr, "tocsin report: standard output: write failed\n");
            rc = TOCSIN_EIO;
        }
    } else if ((rc = fs_write_file(path, buf_str(&out), buf_len(&out), 0644,
                                   0)) != TOCSIN_OK) {
        fprintf(stderr, "tocsin report: %s: cannot write it\n",
                log_escape(path, esc, sizeof(esc)));
    } else {
        fprintf(stderr, "report (%s) written to %s\n", format,
                log_escape(path, esc, sizeof(esc)));
    }
    json_object_put(r);
    buf_free(&why);
    buf_free(&out);
    casedir_close(c);
    return rc == TOCSIN_ENOENT ? CLI_EXIT_FAILURE : cli_exit_code(rc);
}
