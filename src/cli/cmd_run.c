/*
 * cmd_run.c - tocsin run [--case DIR] FILE...: the main job, every stage in
 * order on the breach export.
 *
 * The stages are a table; a stage joins the pipeline with one line there.
 * Each stage reads what the stages before it wrote into the case database,
 * so a run that stopped can simply be run again.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../assess/assess.h"
#include "../ingest/ingest.h"
#include "../resolve/resolve.h"
#include "../store/casedir.h"
#include "../util/limits.h"
#include "../util/log.h"

/* What every stage gets. */
struct run_job {
    struct casedir *c;
    char **files; /* the export files; "-" is standard input */
    int nfiles;
    int64_t run_id;
    /*
     * The run's JSON summary, an object still open: a stage appends its
     * members, each starting with a comma (`,"ingest":{"records":12}`).
     * Counts only, never personal data.
     */
    struct buf *summary;
};

struct run_stage {
    const char *name;
    /* A tocsin status; on failure the stage has said why on stderr. */
    int (*run)(struct run_job *job);
};

static int
run_ingest(struct run_job *job)
{
    struct ingest_options o = {0};

    o.run_id = job->run_id;
    o.progress = isatty(STDERR_FILENO);
    return cli_ingest(job->c, job->files, job->nfiles, &o, 0, job->summary);
}

static int
run_resolve(struct run_job *job)
{
    struct resolve_options o = {0};

    o.run_id = job->run_id;
    o.progress = isatty(STDERR_FILENO);
    return cli_resolve(job->c, &o, job->summary);
}

static int
run_assess(struct run_job *job)
{
    struct assess_options o = {0};

    o.run_id = job->run_id;
    o.progress = isatty(STDERR_FILENO);
    return cli_assess(job->c, &o, job->summary);
}

/* The pipeline, in order. Stages join here as they are built. */
static const struct run_stage run_stages[] = {
    {"ingest", run_ingest},
    {"resolve", run_resolve},
    {"assess", run_assess},
    {NULL, NULL},
};

static void
run_usage(FILE *out)
{
    const struct run_stage *stage;

    fputs("usage: tocsin run [--case DIR] FILE...\n"
          "\n"
          "The main job: run every stage in order on the breach export "
          "FILE (CSV or\n"
          "JSON Lines, plain or gzip; '-' is standard input). Each run is "
          "recorded in\n"
          "the case's run log; a run that stopped can be run again, and "
          "what is done\n"
          "is not done twice.\n"
          "\n"
          "Stages, in order:",
          out);
    for (stage = run_stages; stage->name != NULL; stage++)
        fprintf(out, " %s", stage->name);
    fputs("\n"
          "\n"
          "Options:\n"
          "  --case DIR   the case (default: the current directory, when it "
          "is one)\n"
          "  -h, --help   show this help\n",
          out);
}

/* Can FILE be read? 0, or -1 with the reason printed. */
static int
run_check_file(const char *file)
{
    char esc[LIMIT_LOG_FIELD + 8];
    struct stat st;
    int fd;

    if (strcmp(file, "-") == 0) {
        if (fcntl(STDIN_FILENO, F_GETFL) == -1) {
            fputs("tocsin run: -: standard input is closed\n", stderr);
            return -1;
        }
        return 0;
    }
    log_escape(file, esc, sizeof(esc));
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "tocsin run: %s: %s\n", esc, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "tocsin run: %s: %s\n", esc, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "tocsin run: %s: is a directory, not an export\n",
                esc);
        return -1;
    }
    return 0;
}

int
cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"case", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char esc[LIMIT_LOG_FIELD + 8];
    const struct run_stage *stage;
    struct run_job job = {0};
    struct buf why, summary;
    const char *given = NULL, *dir;
    struct store *st;
    int ch, i, rc, status, done = 0;

    opterr = 0; /* our own messages, with the command name */
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            given = optarg;
            break;
        case 'h':
            run_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("run", argv, ch);
        }
    }
    if ((rc = cli_check_files("run", argc, argv, optind)) != 0)
        return rc;
    dir = cli_case_dir("run", given);
    if (dir == NULL)
        return CLI_EXIT_CASE;

    buf_init(&why, 4096);
    buf_init(&summary, 64u << 10);
    rc = casedir_open(dir, 0, &job.c, &why);
    if (rc != TOCSIN_OK) {
        cli_fail("run", rc, &why);
        status = cli_exit_code(rc);
        goto out;
    }
    for (i = optind; i < argc; i++) {
        if (run_check_file(argv[i]) != 0) {
            status = CLI_EXIT_FAILURE;
            goto out;
        }
    }
    job.files = argv + optind;
    job.nfiles = argc - optind;
    job.summary = &summary;
    st = casedir_store(job.c);

    rc = store_run_begin(st, "run", &job.run_id);
    if (rc != TOCSIN_OK) {
        fprintf(stderr, "tocsin run: cannot record the run: %s\n",
                store_errmsg(st));
        status = cli_exit_code(rc);
        goto out;
    }
    rc = buf_printf(&summary, "{\"files\":%d", job.nfiles);
    for (stage = run_stages; rc == TOCSIN_OK && stage->name != NULL; stage++) {
        log_debug("run %" PRId64 ": stage %s", job.run_id, stage->name);
        rc = stage->run(&job);
        if (rc == TOCSIN_OK)
            done++;
        else
            fprintf(stderr, "tocsin run: stage %s failed: %s\n", stage->name,
                    tocsin_strerror(rc));
    }
    status = cli_exit_code(rc);
    if (buf_printf(&summary, ",\"stages_done\":%d,\"status\":%d}", done,
                   status) != TOCSIN_OK) {
        buf_reset(&summary);
        if (buf_appends(&summary, "{}") != TOCSIN_OK) {
            /* "{}" always fits */
        }
    }
    rc = store_run_end(st, job.run_id, status, buf_str(&summary));
    if (rc != TOCSIN_OK) {
        fprintf(stderr, "tocsin run: cannot record the end of the run: %s\n",
                store_errmsg(st));
        if (status == CLI_EXIT_OK)
            status = cli_exit_code(rc);
        goto out;
    }
    if (status != CLI_EXIT_OK)
        goto out;

    log_escape(casedir_path(job.c), esc, sizeof(esc));
    printf("Case: %s (%s)\n"
           "Run %" PRId64 ": %d export file%s, readable\n",
           casedir_config(job.c)->incident_name, esc, job.run_id, job.nfiles,
           job.nfiles == 1 ? "" : "s");
    fputs("Stages done:", stdout);
    for (stage = run_stages; stage < run_stages + done && stage->name != NULL;
         stage++)
        printf(" %s", stage->name);
    putchar('\n');
    printf("Recorded in the run log of %s/%s.\n", esc, CASEDIR_DB);
out:
    casedir_close(job.c);
    buf_free(&summary);
    buf_free(&why);
    return status;
}
