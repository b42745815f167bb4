/*
 * cmd_ingest.c - tocsin ingest: export files into the case, every row
 * accounted for; and tocsin rejects: the rows that could not be read.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../ingest/ingest.h"
#include "../store/casedir.h"
#include "../util/limits.h"
#include "../util/log.h"

static void
ingest_usage(FILE *out)
{
    int f;

    fputs("usage: tocsin ingest [--case DIR] [--map FILE] [--brand NAME]\n"
          "                     [--format auto|csv|jsonl] [--delimiter C] "
          "[--json] FILE...\n"
          "\n"
          "Read breach export files into the case: CSV (RFC 4180; the "
          "delimiter , ; tab\n"
          "or | is detected) or JSON Lines, plain or gzip-compressed "
          "(detected by content),\n"
          "'-' for standard input. Columns are recognised by their English "
          "or Dutch\n"
          "names; other layouts need a map file. Every value is normalised "
          "and checked;\n"
          "one that fails is kept as given and counted. A row that cannot be "
          "read is kept\n"
          "as a reject ('tocsin rejects'). Records are sealed with the "
          "case key. A file\n"
          "already in the case is not read again.\n"
          "\n"
          "Options:\n"
          "  --case DIR        the case (default: the current directory)\n"
          "  --map FILE        column map and options (INI; see "
          "examples/febrl.map)\n"
          "  --brand NAME      every record is of this brand (a [brand "
          "NAME] of case.ini)\n"
          "  --format F        auto (default), csv or jsonl\n"
          "  --delimiter C     CSV delimiter: , ; | or tab (default: "
          "detected)\n"
          "  --json            print the summary as JSON\n"
          "  -h, --help        show this help\n"
          "\n"
          "Fields:",
          out);
    for (f = 0; f < FIELD_COUNT; f++)
        fprintf(out, "%s%s", f % 6 == 0 ? "\n  " : " ",
                field_name((enum field)f));
    fputs("\n\nExit status: 0 read (rejects are counted, not failures), 1 "
          "failure,\n2 bad command line, 3 case problem.\n",
          out);
}

static void
ingest_print(const char *path, const struct ingest_result *r)
{
    char esc[LIMIT_LOG_FIELD + 8];
    enum field last = FIELD_NONE;
    size_t i, extra = 0;

    log_escape(path, esc, sizeof(esc));
    if (r->duplicate) {
        printf("%s: already in the case (source %" PRId64 "): not read "
               "again\n",
               esc, r->source_id);
        return;
    }
    printf("%s: %" PRIu64 " rows read = %" PRIu64 " accepted + %" PRIu64
           " rejected",
           esc, r->rows_read, r->accepted, r->rejected);
    if (r->blank_lines > 0)
        printf(" (%" PRIu64 " blank lines skipped)", r->blank_lines);
    printf(", %.1f MB in %.1f s (%.0f rows/s)\n", (double)r->bytes / 1e6,
           r->seconds, r->seconds > 0 ? (double)r->rows_read / r->seconds : 0);
    for (i = 0; i < r->ncolumns; i++)
        extra += r->fields[i] == FIELD_NONE;
    printf("  columns: %zu, %zu recognised", r->ncolumns, r->ncolumns - extra);
    if (extra > 0) {
        const char *sep = "; kept sealed as extra: ";

        for (i = 0; i < r->ncolumns; i++) {
            if (r->fields[i] != FIELD_NONE)
                continue;
            printf("%s%s", sep, r->columns[i]);
            sep = ", ";
        }
    }
    putchar('\n');
    for (i = 0; i < r->nproblems; i++) {
        const struct ingest_problem *p = &r->problems[i];

        if (p->field != last)
            printf("  %s%s: ", i == 0 ? "flags: " : "       ",
                   field_name(p->field));
        else
            fputs(", ", stdout);
        printf("%" PRIu64 " %s", p->count, p->what);
        last = p->field;
        if (i + 1 == r->nproblems || r->problems[i + 1].field != last)
            putchar('\n');
    }
    if (r->rejected > 0)
        printf("  rejected rows are listed by 'tocsin rejects'\n");
}

int
cli_ingest(struct casedir *c, char **files, int nfiles,
           const struct ingest_options *o, int json, struct buf *summary)
{
    uint64_t rows = 0, accepted = 0, rejected = 0;
    struct ingest_result res;
    struct buf why, one;
    int i, rc = TOCSIN_OK;

    buf_init(&why, 4096);
    buf_init(&one, 1u << 20);
    if (json)
        fputs("{\"files\":[", stdout);
    for (i = 0; i < nfiles; i++) {
        buf_reset(&why);
        rc = ingest_file(c, files[i], o, &res, &why);
        if (rc != TOCSIN_OK) {
            cli_fail("ingest", rc, &why);
            ingest_result_free(&res);
            break;
        }
        rows += res.rows_read;
        accepted += res.accepted;
        rejected += res.rejected;
        if (json) {
            buf_reset(&one);
            if (ingest_result_json(&res, &one) == TOCSIN_OK)
                printf("%s%s", i > 0 ? "," : "", buf_str(&one));
        } else {
            ingest_print(files[i], &res);
        }
        ingest_result_free(&res);
    }
    if (json) {
        /* The totals, and the flags of a single file at the top level. */
        printf("],\"rows_read\":%" PRIu64 ",\"accepted\":%" PRIu64
               ",\"rejected\":%" PRIu64 ",\"status\":\"%s\"",
               rows, accepted, rejected, rc == TOCSIN_OK ? "ok" : "failed");
        if (nfiles == 1 && rc == TOCSIN_OK) {
            const char *flags = strstr(buf_str(&one), "\"flags\":");

            if (flags != NULL)
                printf(",%.*s", (int)(strlen(flags) - 1), flags);
        } else {
            fputs(",\"flags\":{}", stdout);
        }
        puts("}");
    }
    if (summary != NULL &&
        buf_printf(summary,
                   ",\"ingest\":{\"rows_read\":%" PRIu64
                   ",\"accepted\":%" PRIu64 ",\"rejected\":%" PRIu64 "}",
                   rows, accepted, rejected) != TOCSIN_OK)
        rc = rc == TOCSIN_OK ? TOCSIN_ENOMEM : rc;
    buf_free(&one);
    buf_free(&why);
    return rc;
}

int
cmd_ingest(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"map", required_argument, NULL, 'm'},
        {"brand", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'f'},
        {"delimiter", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ingest_options o = {0};
    struct casedir *c = NULL;
    const char *given = NULL;
    int ch, rc, json = 0;
    int64_t run_id = 0;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'm':
            o.map_path = optarg;
            break;
        case 'b':
            o.brand = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "auto") == 0)
                o.format = READER_AUTO;
            else if (strcmp(optarg, "csv") == 0)
                o.format = READER_CSV;
            else if (strcmp(optarg, "jsonl") == 0)
                o.format = READER_JSONL;
            else
                return cli_usage_error("ingest",
                                       "--format is auto, csv or jsonl");
            break;
        case 'd':
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
                o.delimiter = '\t';
            else if (strlen(optarg) == 1 && strchr(",;|\t", optarg[0]))
                o.delimiter = optarg[0];
            else
                return cli_usage_error("ingest",
                                       "--delimiter is one of , ; | tab");
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            ingest_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("ingest", argv, ch);
        }
    }
    if ((rc = cli_check_files("ingest", argc, argv, optind)) != 0)
        return rc;
    if ((rc = cli_open_case("ingest", given, 0, &c)) != CLI_EXIT_OK)
        return rc;
    o.progress = isatty(STDERR_FILENO);
    if ((rc = store_run_begin(casedir_store(c), "ingest", &run_id)) ==
        TOCSIN_OK) {
        o.run_id = run_id;
        rc = cli_ingest(c, argv + optind, argc - optind, &o, json, NULL);
        if (store_run_end(casedir_store(c), run_id, cli_exit_code(rc), "{}") !=
                TOCSIN_OK &&
            rc == TOCSIN_OK)
            rc = TOCSIN_EDB;
    } else {
        fprintf(stderr, "tocsin ingest: cannot record the run: %s\n",
                store_errmsg(casedir_store(c)));
    }
    casedir_close(c);
    if (rc == TOCSIN_EINVAL || rc == TOCSIN_ECONFIG)
        return CLI_EXIT_USAGE;
    return cli_exit_code(rc);
}

/* --- tocsin rejects ----------------------------------------------------- */

struct rejects_ctx {
    uint64_t count;
};

static int
rejects_one(void *arg, const struct store_reject_view *v)
{
    struct rejects_ctx *x = arg;
    char esc[LIMIT_LOG_FIELD + 8];

    x->count++;
    printf("%s:%" PRIu64 ": byte %" PRIu64,
           log_escape(v->source, esc, sizeof(esc)), v->line, v->byte_offset);
    if (v->column > 0)
        printf(", column %" PRIu64, v->column);
    printf(": %s\n", v->reason);
    return 0;
}

int
cmd_rejects(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct rejects_ctx x = {0};
    struct casedir *c = NULL;
    const char *given = NULL;
    int ch, rc;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'h':
            fputs("usage: tocsin rejects [--case DIR]\n"
                  "\n"
                  "List the rows that ingest could not read as records: "
                  "file, line, byte\n"
                  "offset, column and why. The rows themselves are kept "
                  "sealed in the case.\n"
                  "\n"
                  "Options:\n"
                  "  --case DIR   the case (default: the current directory)\n"
                  "  -h, --help   show this help\n",
                  stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("rejects", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("rejects", "takes no arguments");
    if ((rc = cli_open_case("rejects", given, CASEDIR_READONLY, &c)) !=
        CLI_EXIT_OK)
        return rc;
    rc = store_rejects_each(casedir_store(c), rejects_one, &x);
    if (rc != TOCSIN_OK)
        fprintf(stderr, "tocsin rejects: %s\n",
                store_errmsg(casedir_store(c)));
    else
        printf("%" PRIu64 " rejected row%s\n", x.count,
               x.count == 1 ? "" : "s");
    casedir_close(c);
    return cli_exit_code(rc);
}
