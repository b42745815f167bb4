/*
 * main.c - tocsin: from a leaked export to the whole breach response.
 *
 * Parses the global options and hands the rest to one command.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../util/log.h"
#include "cli.h"

const char cli_version[] = TOCSIN_VERSION;

/* Commands in the order of the pipeline; only those that exist. */
static const struct cli_command commands[] = {
    {"init", "create a new case directory", cmd_init},
    {"run", "run every stage on a breach export", cmd_run},
    {"ingest", "read export files into the case", cmd_ingest},
    {"rejects", "list the rows ingest could not read", cmd_rejects},
    {"resolve", "decide which records are one person", cmd_resolve},
    {"explain", "show why a record belongs to its person", cmd_explain},
    {"assess", "find what leaked of whom, the risk and the channel",
     cmd_assess},
    {"report", "write the report for the supervisory authority", cmd_report},
    {"notify", "send every affected person their message", cmd_notify},
    {"status", "show the journal of messages", cmd_status},
    {"serve", "serve the verification, lookup and information pages",
     cmd_serve},
    {"export", "write the persons of the records as CSV", cmd_export},
    {"synth", "generate a synthetic breach export with its truth", cmd_synth},
    {NULL, NULL, NULL},
};

static void
usage(FILE *out)
{
    const struct cli_command *c;

    fputs("usage: tocsin [-q | -v] COMMAND [OPTIONS] [ARGS]\n"
          "       tocsin --help | --version\n"
          "\n"
          "tocsin turns the export of a data breach into the whole response:\n"
          "who was affected, what of theirs leaked, and the warnings.\n"
          "\n"
          "Commands:\n",
          out);
    for (c = commands; c->name != NULL; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\n"
          "Options:\n"
          "  -q, --quiet    only errors on standard error\n"
          "  -v, --verbose  more detail on standard error\n"
          "  -h, --help     this help; 'tocsin COMMAND --help' for a command\n"
          "  -V, --version  print the version\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 bad command line, 3 case\n"
          "problem (no case, bad configuration, wrong key, case exists).\n"
          "See tocsin(1).\n",
          out);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const struct cli_command *c;
    char name[64];
    int ch;

    /* '+': stop at the first non-option, the command. */
    while ((ch = getopt_long(argc, argv, "+hVqv", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("tocsin %s\n", cli_version);
            return CLI_EXIT_OK;
        case 'q':
            log_set_level(LOG_LEVEL_ERROR);
            break;
        case 'v':
            log_set_level(LOG_LEVEL_DEBUG);
            break;
        default:
            fputs("Try 'tocsin --help'.\n", stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[optind], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (c = commands; c->name != NULL; c++) {
        if (strcmp(c->name, argv[optind]) == 0) {
            argv += optind;
            argc -= optind;
            optind = 0; /* reset getopt for the command's own options */
            return c->run(argc, argv);
        }
    }
    fprintf(stderr, "tocsin: '%s' is not a command. See 'tocsin --help'.\n",
            log_escape(argv[optind], name, sizeof(name)));
    return CLI_EXIT_USAGE;
}
