/* progress.h — one self-overwriting status line on a terminal's stderr.
 * Silent when stderr is not a terminal (CI logs, pipes), so no log fills
 * with carriage returns. */
#ifndef HRADBA_CLI_PROGRESS_H
#define HRADBA_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
    bool is_enabled;
    bool is_drawn;
    uint64_t start_ns;
    uint64_t next_ns;
};

/* force: 1 on, 0 off, -1 when stderr is a terminal. */
void progress_init(struct progress *pr, int force);
/* Cheap to call often: redraws at most a few times a second. */
void progress_update(struct progress *pr, uint64_t bytes_done, uint64_t bytes_total,
                     uint64_t packets, uint64_t flows_active);
/* Erases the line, so the summary that follows starts clean. */
void progress_done(struct progress *pr);
/* Monotonic nanoseconds, for elapsed-time figures. */
uint64_t progress_now_ns(void);

#endif
