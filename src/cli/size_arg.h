/* size_arg.h — byte sizes on the command line and in configuration: "64M". */
#ifndef HRADBA_CLI_SIZE_ARG_H
#define HRADBA_CLI_SIZE_ARG_H

#include <stdint.h>

/* Parses a decimal count with an optional K, M, G or T suffix (powers of
 * 1024, optional trailing "B" or "iB"). Returns 0, or -EINVAL / -ERANGE. */
int size_arg_parse(const char *s, uint64_t *out);

#endif
