#include "cli.h"

#include <stdio.h>

int
cmd_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("tocsin init: not built yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
