/* stats_report.h — end-of-run statistics: a JSON file and a stderr summary.
 *
 * Walks the counter views of every module (capture, decoder, flows, ...)
 * without knowing their internals. The JSON form is documented in
 * docs/events.md ("Statistics file").
 */
#ifndef HRADBA_CLI_STATS_REPORT_H
#define HRADBA_CLI_STATS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"

struct stats_run {
    double elapsed_s;    /* wall clock */
    double cpu_s;        /* user + system */
    uint64_t rss_max_kb; /* peak resident memory */
    int exit_code;
};

/* Fills the process-wide figures (CPU, peak RSS) of *run from getrusage. */
void stats_run_measure(struct stats_run *run, uint64_t start_ns, uint64_t end_ns);

/* Writes {"elapsed_s":..,"section":{"counter":value,...},...} to path.
 * Returns 0 or -errno. */
int stats_report_write_json(const char *path, const struct stats_run *run,
                            const struct counter_view *views, size_t n_views);

/* Looks a counter up by section and name; 0 when absent. */
uint64_t stats_report_value(const struct counter_view *views, size_t n_views, const char *section,
                            const char *name);

#endif
