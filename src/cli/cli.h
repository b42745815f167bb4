/*
 * cli.h - the command-line front end: the command table, exit codes and the
 * helpers every command shares.
 */
#ifndef TOCSIN_CLI_CLI_H
#define TOCSIN_CLI_CLI_H

#include <stdint.h>

#include "../util/buf.h"

/* Exit codes (documented in tocsin(1)). */
#define CLI_EXIT_OK      0 /* success */
#define CLI_EXIT_FAILURE 1 /* the command failed: I/O, database, ... */
#define CLI_EXIT_USAGE   2 /* bad command line */
#define CLI_EXIT_CASE                                                         \
    3 /* no case, bad configuration, wrong key, or a                          \
         case that exists where a new one was asked */

/* One command: argv[0] is the command's name; returns an exit code. */
struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

int cmd_init(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_rejects(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_synth(int argc, char **argv);

/* The version string ("0.1.0"). */
extern const char cli_version[];

/*
 * Print "tocsin CMD: message" and "Try 'tocsin CMD --help'." to standard
 * error; returns CLI_EXIT_USAGE.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print "tocsin CMD: REASON" to standard error: why's text, or rc's name
 * when why is empty. */
void cli_fail(const char *cmd, int rc, const struct buf *why);

/*
 * The case directory a command works on: the --case value when given, else
 * the current directory when it is a case. NULL (and a message) otherwise.
 */
const char *cli_case_dir(const char *cmd, const char *given);

struct casedir;
/*
 * Open the case of command cmd (--case given, or the current directory)
 * with casedir_open() flags into *c. CLI_EXIT_OK, or an exit status with
 * the reason printed.
 */
int cli_open_case(const char *cmd, const char *given, int flags,
                  struct casedir **c);

/*
 * After getopt_long() returned ch ('?' or ':', with opterr = 0 and an
 * optstring starting with ':'): name the bad option, escaped, and return
 * CLI_EXIT_USAGE.
 */
int cli_bad_option(const char *cmd, char **argv, int ch);

/*
 * The export files argv[first..argc): at least one, and '-' (standard
 * input) at most once. 0, or a usage message and CLI_EXIT_USAGE.
 */
int cli_check_files(const char *cmd, int argc, char **argv, int first);

struct casedir;
struct ingest_options;

/*
 * Ingest files into the open case, printing a summary per file (or JSON
 * when json). Appends `,"ingest":{...counts...}` to *summary when not NULL.
 * Returns a tocsin status; messages are printed.
 */
int cli_ingest(struct casedir *c, char **files, int nfiles,
               const struct ingest_options *o, int json, struct buf *summary);

/* The exit code for a tocsin status: case errors CLI_EXIT_CASE, others
 * CLI_EXIT_FAILURE, TOCSIN_OK CLI_EXIT_OK. */
int cli_exit_code(int status);

struct resolve_options;
struct resolve_result;
/* Resolve the case's records into persons and print the figures; the
 * stage's JSON members are appended to summary (may be NULL). A tocsin
 * status; failures are printed. */
int cli_resolve(struct casedir *c, const struct resolve_options *o,
                struct buf *summary);
void cli_resolve_print(const struct resolve_result *r);

/*
 * Run a stage command in the run log: record the run's start, call
 * stage(c, run_id, summary, arg) — which appends its `,"name":{...}`
 * members to summary — and record the end with its status and summary.
 * Returns the stage's status (or TOCSIN_EDB when the log fails).
 */
int cli_logged_stage(struct casedir *c, const char *cmd,
                     int (*stage)(struct casedir *c, int64_t run_id,
                                  struct buf *summary, void *arg),
                     void *arg);

struct assess_options;
/* Assess the case and print the figures (stage function of run and
 * assess). A tocsin status; failures are printed. */
int cli_assess(struct casedir *c, const struct assess_options *o,
               struct buf *summary);

/*
 * Parse a non-negative decimal integer (no sign, no spaces) at most max.
 * Returns 0 and sets *out, or -1.
 */
int cli_parse_u64(const char *s, unsigned long long max,
                  unsigned long long *out);

#endif
