/*
 * cmd_init.c - tocsin init DIR: create a new case.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../store/casedir.h"
#include "../util/limits.h"
#include "../util/log.h"

static void
init_usage(FILE *out)
{
    fputs("usage: tocsin init DIR\n"
          "\n"
          "Create a new case in DIR, which must not exist or be empty. The "
          "case holds\n"
          "everything about one incident:\n"
          "  case.ini    the configuration: the incident, what was taken, "
          "the DPO and\n"
          "              every brand that sends messages (edit it first)\n"
          "  case.key    a fresh random key (mode 0600) that seals the "
          "personal data\n"
          "  case.db     the case database every stage reads and writes\n"
          "  templates/  the message templates per language (nl, en)\n"
          "An existing case is never overwritten.\n"
          "\n"
          "Options:\n"
          "  -h, --help   show this help\n",
          out);
}

int
cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char esc[LIMIT_LOG_FIELD + 8];
    struct buf why;
    const char *dir;
    int ch, rc;

    opterr = 0; /* our own messages, with the command name */
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            init_usage(stdout);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option("init", argv, ch);
        }
    }
    if (optind >= argc)
        return cli_usage_error("init", "name the directory of the new case");
    if (argc - optind > 1)
        return cli_usage_error("init", "one directory only");
    dir = argv[optind];
    if (dir[0] == '\0')
        return cli_usage_error("init", "the directory name is empty");

    buf_init(&why, 4096);
    rc = casedir_init(dir, &why);
    if (rc != TOCSIN_OK) {
        cli_fail("init", rc, &why);
        buf_free(&why);
        return cli_exit_code(rc);
    }
    buf_free(&why);

    log_escape(dir, esc, sizeof(esc));
    printf("Created the case %s:\n"
           "  %s/case.ini     the configuration, filled in for an example\n"
           "  %s/case.key     the case key (mode 0600)\n"
           "  %s/case.db      the case database\n"
           "  %s/templates/   the message templates (nl, en)\n"
           "\n"
           "Next steps:\n"
           "  1. Edit %s/case.ini: the incident and its dates, what was and "
           "was not\n"
           "     taken, the DPO, and every brand that sends messages.\n"
           "  2. Keep %s/case.key safe: anyone with it can read the sealed "
           "data in\n"
           "     the case; without it nobody can, not even you. Back it up "
           "apart\n"
           "     from the case and never mail it.\n"
           "  3. Run the response on the breach export:\n"
           "       tocsin run --case %s EXPORT...\n",
           esc, esc, esc, esc, esc, esc, esc, esc);
    return CLI_EXIT_OK;
}
