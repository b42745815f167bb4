#include "cli.h"

#include <stdio.h>

int
cmd_synth(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("tocsin synth: not built yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
