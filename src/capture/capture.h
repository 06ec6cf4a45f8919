/* capture.h — frames from capture files, in timestamp order.
 *
 * Reads pcap and pcapng through libpcap (the only module that includes it).
 * A set of several files, or of every capture file in a directory, is merged
 * by timestamp; "-" is standard input. A file that is not a capture, or that
 * turns corrupt or truncated part-way, is reported (path, byte offset, what is
 * wrong) through the error callback; the frames before the damage are still
 * delivered and the other files go on.
 */
#ifndef HRADBA_CAPTURE_CAPTURE_H
#define HRADBA_CAPTURE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"

struct capture_frame {
    uint64_t ts_us;       /* microseconds since the epoch (nanosecond files are truncated) */
    const uint8_t *data;  /* valid until the next capture_set_next() */
    uint32_t caplen;
    uint32_t wirelen;
    int linktype;         /* LINKTYPE_ value of this frame's interface */
    uint32_t source;      /* index of the file in the set, for messages */
    uint64_t frame_no;    /* 1-based within its file */
};

/* Called for every problem with an input; offset is the byte offset in the
 * file where the problem starts, or UINT64_MAX when unknown (a pipe). */
typedef void (*capture_error_fn)(void *ctx, const char *path, uint64_t offset, const char *msg);

enum capture_next {
    CAPTURE_FRAME = 0, /* *out holds a frame */
    CAPTURE_END = 1,   /* every input is exhausted (some may have failed: see errors) */
};

/* Opens every path (a file, a directory of captures, or "-"). Inputs that
 * cannot be opened are reported through on_error and skipped; returns NULL
 * only on allocation failure. */
struct capture_set *capture_set_open(const char *const *paths, size_t n_paths,
                                     capture_error_fn on_error, void *ctx);
void capture_set_close(struct capture_set *s);

enum capture_next capture_set_next(struct capture_set *s, struct capture_frame *out);

/* Number of inputs, their path names, and problems reported so far. */
size_t capture_set_count(const struct capture_set *s);
const char *capture_set_path(const struct capture_set *s, size_t source);
uint64_t capture_set_errors(const struct capture_set *s);
/* Bytes of input consumed so far and in all (0 when unknown), for progress. */
uint64_t capture_set_bytes_read(const struct capture_set *s);
uint64_t capture_set_bytes_total(const struct capture_set *s);

/* files.opened, files.failed, frames, bytes, frames.truncated (caplen < wirelen),
 * frames.out_of_order, ... */
struct counter_view capture_set_counters(const struct capture_set *s);

#endif
