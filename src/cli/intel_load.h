/* intel_load.h — the intel set a run of `hradba read` matches against.
 *
 * Joins the active indicators of the store in the data directory (when one
 * exists: a fresh machine simply has no intel) and those of files named on
 * the command line, imported for this run only.
 */
#ifndef HRADBA_CLI_INTEL_LOAD_H
#define HRADBA_CLI_INTEL_LOAD_H

#include <stdbool.h>
#include <stddef.h>

struct intel_set;

struct intel_load_opts {
    const char *data_dir;     /* --data-dir, or NULL for the default */
    bool use_store;           /* false with --no-intel-store */
    const char *const *files; /* --intel FILE, n_files of them */
    size_t n_files;
    bool is_quiet; /* no summary line */
};

/* *out gets the set, or NULL when there is no intelligence at all. Returns
 * 0, or an exit code (EXIT_CODE_*) after printing what went wrong: a store
 * that exists but cannot be read, an --intel file that cannot be read. Bad
 * objects inside a file are reported and skipped. */
int intel_load(const struct intel_load_opts *o, struct intel_set **out);

#endif
