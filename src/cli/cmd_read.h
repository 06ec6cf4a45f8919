/* cmd_read.h — `hradba read`: process capture files and write EVE events. */
#ifndef HRADBA_CLI_CMD_READ_H
#define HRADBA_CLI_CMD_READ_H

/* Returns an enum exit_code. argv[0] is "read". */
int cmd_read(int argc, char **argv);

#endif
