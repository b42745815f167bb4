#include "cli.h"

#include <stdio.h>

int
cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("tocsin run: not built yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
