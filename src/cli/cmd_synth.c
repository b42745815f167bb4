/*
 * cmd_synth.c - tocsin synth: write a synthetic breach export and its truth.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../synth/synth.h"
#include "../util/clock.h"
#include "../util/error.h"
#include "../util/fsutil.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/progress.h"
#include "cli.h"

#define STREAM_BUF (1u << 20)

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: tocsin synth --persons N --out DIR [--seed S] "
            "[--format csv|jsonl] [--force]\n"
            "\n"
            "Generate a synthetic breach export of a Dutch telecom (brands "
            "Odido and Ben):\n"
            "households of persons with scattered, varied duplicate "
            "records and a few\n"
            "malformed rows in DIR/export.csv (or .jsonl); DIR/truth.csv "
            "names the person\n"
            "behind each record. Same N, seed and format give the same "
            "bytes.\n"
            "\n"
            "Options:\n"
            "  --persons N    persons to generate, 1..%llu (required)\n"
            "  --out DIR      output directory, created (mode 0700) if "
            "missing\n"
            "  --seed S       random seed (default 1)\n"
            "  --format FMT   csv or jsonl (default csv)\n"
            "  --force        replace an existing export and truth in DIR\n"
            "  -h, --help     this help\n",
            (unsigned long long)LIMIT_SYNTH_PERSONS);
}

static void
on_progress(void *arg, uint64_t done)
{
    progress_update(arg, done);
}

/* Open path (a temporary name) for writing, mode 0600, with a large
 * buffer. NULL and errno on failure. */
static FILE *
open_out(const char *path, char *buf)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f;

    if (fd < 0)
        return NULL;
    f = fdopen(fd, "w");
    if (f == NULL) {
        int e = errno;

        close(fd);
        errno = e;
        return NULL;
    }
    setvbuf(f, buf, _IOFBF, STREAM_BUF);
    return f;
}

int
cmd_synth(int argc, char **argv)
{
    static const struct option opts[] = {
        {"persons", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char exbuf[STREAM_BUF], trbuf[STREAM_BUF];
    struct synth_options o = {0};
    struct synth_stats st = {0};
    unsigned long long v;
    const char *dir = NULL, *exname = "export.csv";
    char expath[LIMIT_PATH], trpath[LIMIT_PATH];
    char extmp[LIMIT_PATH], trtmp[LIMIT_PATH], esc[LIMIT_LOG_FIELD + 8];
    FILE *ex = NULL, *tr = NULL;
    struct progress *pg = NULL;
    int ch, force = 0, have_persons = 0, rc, status = CLI_EXIT_FAILURE;
    double t0;

    o.seed = 1;
    o.format = SYNTH_FORMAT_CSV;
    opterr = 0;
    opterr = 0; /* our own messages, with the command name */
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n':
            if (cli_parse_u64(optarg, LIMIT_SYNTH_PERSONS, &v) != 0 || v == 0)
                return cli_usage_error(
                    "synth", "--persons wants a number from 1 to %llu",
                    (unsigned long long)LIMIT_SYNTH_PERSONS);
            o.persons = v;
            have_persons = 1;
            break;
        case 's':
            if (cli_parse_u64(optarg, UINT64_MAX, &v) != 0)
                return cli_usage_error("synth",
                                       "--seed wants a non-negative number");
            o.seed = v;
            break;
        case 'o':
            dir = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "csv") == 0) {
                o.format = SYNTH_FORMAT_CSV;
            } else if (strcmp(optarg, "jsonl") == 0) {
                o.format = SYNTH_FORMAT_JSONL;
            } else {
                return cli_usage_error("synth",
                                       "--format is csv or jsonl, not '%s'",
                                       log_escape(optarg, esc, sizeof(esc)));
            }
            break;
        case 'F':
            force = 1;
            break;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("synth", argv, ch);
        }
    }
    if (optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'",
                               log_escape(argv[optind], esc, sizeof(esc)));
    if (!have_persons)
        return cli_usage_error("synth", "--persons N is required");
    if (dir == NULL)
        return cli_usage_error("synth", "--out DIR is required");
    if (o.format == SYNTH_FORMAT_JSONL)
        exname = "export.jsonl";

    log_escape(dir, esc, sizeof(esc));
    rc = fs_mkdir(dir, 0700);
    if (rc == TOCSIN_EEXIST) {
        log_error("synth: %s exists and is not a directory", esc);
        return CLI_EXIT_FAILURE;
    }
    if (rc != 0) {
        log_error("synth: cannot create directory %s: %s", esc,
                  strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    if (fs_join(expath, sizeof(expath), dir, exname) != 0 ||
        fs_join(trpath, sizeof(trpath), dir, "truth.csv") != 0 ||
        fs_join(extmp, sizeof(extmp), dir, ".export.tmp") != 0 ||
        fs_join(trtmp, sizeof(trtmp), dir, ".truth.tmp") != 0) {
        log_error("synth: path too long: %s", esc);
        return CLI_EXIT_FAILURE;
    }
    if (!force && (access(expath, F_OK) == 0 || access(trpath, F_OK) == 0)) {
        log_error("synth: %s already holds %s or truth.csv; use --force to "
                  "replace them",
                  esc, exname);
        return CLI_EXIT_FAILURE;
    }

    ex = open_out(extmp, exbuf);
    tr = ex != NULL ? open_out(trtmp, trbuf) : NULL;
    if (ex == NULL || tr == NULL) {
        log_error("synth: cannot write in %s: %s", esc, strerror(errno));
        goto out;
    }
    pg = progress_start("synth", o.persons);
    o.progress = on_progress;
    o.progress_arg = pg;
    t0 = clock_now();
    rc = synth_write(&o, ex, tr, &st);
    progress_end(pg);
    pg = NULL;
    if (rc != 0) {
        log_error("synth: %s", tocsin_strerror(rc));
        goto out;
    }
    rc = fclose(ex);
    ex = NULL;
    if (fclose(tr) != 0 || rc != 0) {
        tr = NULL;
        log_error("synth: writing in %s failed: %s", esc, strerror(errno));
        goto out;
    }
    tr = NULL;
    if (rename(extmp, expath) != 0 || rename(trtmp, trpath) != 0) {
        log_error("synth: cannot rename into %s: %s", esc, strerror(errno));
        goto out;
    }
    log_info("synth: %llu persons, %llu records, %llu bad rows, %llu bytes, "
             "%.2f s",
             (unsigned long long)st.persons, (unsigned long long)st.records,
             (unsigned long long)st.bad,
             (unsigned long long)(st.export_bytes + st.truth_bytes),
             clock_now() - t0);
    status = CLI_EXIT_OK;
out:
    progress_end(pg);
    if (ex != NULL)
        fclose(ex);
    if (tr != NULL)
        fclose(tr);
    if (status != CLI_EXIT_OK) {
        unlink(extmp);
        unlink(trtmp);
    }
    return status;
}
