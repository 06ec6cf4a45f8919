/* cmd_intel.h — `hradba intel import|list|show|stats|expire`: the indicator
 * store from the command line (docs/hradba.md, "hradba intel").
 */
#ifndef HRADBA_CLI_CMD_INTEL_H
#define HRADBA_CLI_CMD_INTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* argv[0] is "intel", argv[1] the subcommand. Returns an exit code
 * (cli/exit_code.h). */
int cmd_intel(int argc, char **argv);

/* Below: shared by cmd_intel.c, cmd_intel_import.c and cmd_intel_query.c. */

struct intel_store;

/* The subcommands; argv[0] is the subcommand's name. Exit codes. */
int cmd_intel_import(int argc, char **argv);
int cmd_intel_list(int argc, char **argv);
int cmd_intel_show(int argc, char **argv);
int cmd_intel_stats(int argc, char **argv);

/* The store's path for a --data-dir value (or NULL) into db (cap bytes), and
 * the directory into dir (cap bytes too) when dir is not NULL. 0, or an exit
 * code after a message on stderr. */
int cmd_intel_store_path(const char *data_dir_opt, char *dir, char *db, size_t cap);

/* Opens the store named by data_dir_opt (its path into db). When there is no
 * store file yet: NULL, *is_missing and *exit_code 0. On failure: NULL, a
 * message on stderr and *exit_code set. */
struct intel_store *cmd_intel_open_store(const char *data_dir_opt, bool read_only, char *db,
                                         size_t cap, bool *is_missing, int *exit_code);

/* Closes st (NULL: nothing) after the work rc says how went: when rc is not
 * 0, the store's message goes to stderr first. 0, or EXIT_CODE_FATAL. */
int cmd_intel_close_store(struct intel_store *st, int rc);

/* us as "2026-03-15T13:01:20.335242Z" (fraction only when non-zero), or "-"
 * for INTEL_TIME_NONE. */
void cmd_intel_time(int64_t us, char *out, size_t cap);
int64_t cmd_intel_now_us(void);

/* A non-negative whole number for option opt; -EINVAL after a message. */
int cmd_intel_parse_count(const char *opt, const char *arg, size_t *out);

/* Writes s (NULL: nothing) with control characters and bytes that are not
 * valid UTF-8 as \xNN, so that one value stays on one line and text from a
 * feed cannot drive the terminal. */
void cmd_intel_put_clean(FILE *out, const char *s);

/* Flushes standard output: rc, or EXIT_CODE_OUTPUT after a message. */
int cmd_intel_finish_output(int rc);

#endif
