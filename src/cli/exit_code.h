/* exit_code.h — what hradba's exit status means (docs/hradba.md lists them). */
#ifndef HRADBA_CLI_EXIT_CODE_H
#define HRADBA_CLI_EXIT_CODE_H

enum exit_code {
    EXIT_CODE_OK = 0,     /* every input read to its end, every event written */
    EXIT_CODE_FATAL = 1,  /* out of memory or another internal failure */
    EXIT_CODE_USAGE = 2,  /* bad command line or configuration */
    EXIT_CODE_INPUT = 3,  /* an input was missing, not a capture, truncated or
                             corrupt; all that could be read was processed */
    EXIT_CODE_OUTPUT = 4, /* events or statistics could not be written */
};

#endif
