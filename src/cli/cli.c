#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <getopt.h>
#include <string.h>

#include "../store/casedir.h"
#include "../store/store.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/error.h"

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "tocsin %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'tocsin %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

void
cli_fail(const char *cmd, int rc, const struct buf *why)
{
    fprintf(stderr, "tocsin %s: %s\n", cmd,
            buf_len(why) > 0 ? buf_str(why) : tocsin_strerror(rc));
}

const char *
cli_case_dir(const char *cmd, const char *given)
{
    if (given != NULL)
        return given;
    if (casedir_is_case("."))
        return ".";
    fprintf(stderr,
            "tocsin %s: the current directory is not a case; name one with "
            "--case DIR (create one with 'tocsin init DIR')\n",
            cmd);
    return NULL;
}

int
cli_bad_option(const char *cmd, char **argv, int ch)
{
    char esc[LIMIT_LOG_FIELD + 8];

    /* A long option is whole in argv; a short one may sit in a cluster
     * ("-xh"), so name it by optopt. */
    if (strncmp(argv[optind - 1], "--", 2) == 0 || optopt == 0)
        log_escape(argv[optind - 1], esc, sizeof(esc));
    else
        log_escape((char[]){'-', (char)optopt, '\0'}, esc, sizeof(esc));
    return cli_usage_error(
        cmd, ch == ':' ? "option '%s' needs a value" : "unknown option '%s'",
        esc);
}

int
cli_check_files(const char *cmd, int argc, char **argv, int first)
{
    int i, nstdin = 0;

    if (first >= argc)
        return cli_usage_error(cmd, "name the export file(s) to read");
    for (i = first; i < argc; i++)
        nstdin += strcmp(argv[i], "-") == 0;
    if (nstdin > 1)
        return cli_usage_error(cmd,
                               "'-' (standard input) may be given only once");
    return 0;
}

int
cli_exit_code(int status)
{
    switch (status) {
    case TOCSIN_OK:
        return CLI_EXIT_OK;
    case TOCSIN_ENOTCASE:
    case TOCSIN_ECONFIG:
    case TOCSIN_EKEY:
    case TOCSIN_ESCHEMA:
    case TOCSIN_EEXIST:
        return CLI_EXIT_CASE;
    }
    return CLI_EXIT_FAILURE;
}

int
cli_parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v;
    char *end;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int
cli_open_case(const char *cmd, const char *given, int flags,
              struct casedir **c)
{
    const char *dir = cli_case_dir(cmd, given);
    struct buf why;
    int rc;

    if (dir == NULL)
        return CLI_EXIT_CASE;
    buf_init(&why, 4096);
    rc = casedir_open(dir, flags, c, &why);
    if (rc != TOCSIN_OK)
        cli_fail(cmd, rc, &why);
    buf_free(&why);
    return rc == TOCSIN_OK ? CLI_EXIT_OK : cli_exit_code(rc);
}

int
cli_logged_stage(struct casedir *c, const char *cmd,
                 int (*stage)(struct casedir *c, int64_t run_id,
                              struct buf *summary, void *arg),
                 void *arg)
{
    struct store *s = casedir_store(c);
    struct buf summary, js;
    int64_t run_id = 0;
    int rc;

    if ((rc = store_run_begin(s, cmd, &run_id)) != TOCSIN_OK) {
        fprintf(stderr, "tocsin %s: cannot record the run: %s\n", cmd,
                store_errmsg(s));
        return rc;
    }
    buf_init(&summary, 64u << 10);
    buf_init(&js, 64u << 10);
    rc = stage(c, run_id, &summary, arg);
    /* the stage's members without the leading comma, as an object */
    if (buf_len(&summary) < 2 ||
        buf_printf(&js, "{%s}", buf_str(&summary) + 1) != TOCSIN_OK) {
        buf_reset(&js);
        if (buf_appends(&js, "{}") != TOCSIN_OK) {
            /* "{}" always fits */
        }
    }
    if (store_run_end(s, run_id, cli_exit_code(rc), buf_str(&js)) !=
            TOCSIN_OK &&
        rc == TOCSIN_OK) {
        fprintf(stderr, "tocsin %s: cannot record the end of the run: %s\n",
                cmd, store_errmsg(s));
        rc = TOCSIN_EDB;
    }
    buf_free(&js);
    buf_free(&summary);
    return rc;
}
