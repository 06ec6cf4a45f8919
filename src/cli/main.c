/* main.c — hradba's entry point: one binary, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_intel.h"
#include "cli/cmd_read.h"
#include "cli/exit_code.h"

#ifndef HRADBA_VERSION
#define HRADBA_VERSION "unknown"
#endif

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"read", cmd_read, "read capture files and write EVE JSON events"},
    {"intel", cmd_intel, "import, list and expire threat intelligence indicators"},
};

static void main_usage(FILE *out)
{
    fputs("usage: hradba COMMAND [options] [args]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'hradba COMMAND --help' describes each command.\n"
          "'hradba --version' prints the version.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stderr);
        return EXIT_CODE_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        main_usage(stdout);
        return EXIT_CODE_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("hradba %s\n", HRADBA_VERSION);
        return EXIT_CODE_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hradba: '%s' is not a command\n", cmd);
    main_usage(stderr);
    return EXIT_CODE_USAGE;
}
