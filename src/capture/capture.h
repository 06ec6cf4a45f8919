/* capture.h — frames from capture files, in timestamp order.
 *
 * Reads pcap and pcapng through libpcap (the only module that includes it);
 * the records of a regular classic pcap file are read directly instead, with
 * the same results (pcap_direct.h; HRADBA_CAPTURE_LIBPCAP=1 turns that off).
 * A set of several files, or of every capture file in a directory, is merged
 * by timestamp; "-" is standard input. A file that is not a capture, or that
 * turns corrupt or truncated part-way, is reported (path, byte offset, what is
 * wrong) through the error callback; the frames before the damage are still
 * delivered and the other files go on.
 *
 * Merging: each file is read in its own order (never re-sorted); the set
 * always hands out the earliest head frame among the files (ties: lower
 * source index first). A file whose own timestamps go backwards is counted
 * in frames.out_of_order, and its late frames come out when they are read.
 * A directory input means its regular files whose first bytes are a pcap or
 * pcapng magic, sorted by name (strcmp), one level only: subdirectories,
 * dot files and other files are skipped and counted in files.skipped.
 * Every input stays open until it is exhausted (one descriptor and one
 * buffer of up to 1 MiB each), so a directory of more files than `ulimit -n`
 * allows reports the excess as "cannot open: Too many open files".
 *
 * Limits inherited from libpcap 1.10: in a pcapng file only interfaces with
 * the first interface's link type and snap length are read; the others, and
 * every packet on them, are skipped (first one reported, all counted in
 * records.skipped). A record over 256 KiB (most link types) is skipped in a
 * seekable classic file and ends the file otherwise; one over the file's
 * snap length comes out cut to it (frames.clipped). gzip'd files are not
 * read. Offsets in pcapng messages point at the block where the failing read
 * began (libpcap may have consumed non-packet blocks first).
 */
#ifndef HRADBA_CAPTURE_CAPTURE_H
#define HRADBA_CAPTURE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"

struct capture_frame {
    uint64_t ts_us;      /* microseconds since the epoch (nanosecond files are truncated) */
    const uint8_t *data; /* valid until the next capture_set_next() */
    uint32_t caplen;
    uint32_t wirelen;
    int linktype;      /* LINKTYPE_ value of this frame's interface */
    uint32_t source;   /* index of the file in the set, for messages */
    uint64_t frame_no; /* 1-based within its file */
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
 * only on allocation failure. on_error may be NULL (problems are then only
 * counted). Same as capture_set_new() + capture_set_add_path() for each. */
struct capture_set *capture_set_open(const char *const *paths, size_t n_paths,
                                     capture_error_fn on_error, void *ctx);
/* Closes every input and frees the set; NULL is a no-op. */
void capture_set_close(struct capture_set *s);

/* An empty set to add inputs to; NULL on allocation failure. */
struct capture_set *capture_set_new(capture_error_fn on_error, void *ctx);
/* Adds a file, a directory of captures, or "-" (standard input, once).
 * Returns 0 when at least one capture was added, -ENOMEM, -EBUSY once
 * capture_set_next() has been called, or another -errno when nothing was
 * added (the reason has gone to on_error). */
int capture_set_add_path(struct capture_set *s, const char *path);
/* Adds an already open stream (a pipe, fmemopen() bytes), named name in
 * messages. Takes fp in every case (closes it on failure). Returns as above. */
int capture_set_add_stream(struct capture_set *s, FILE *fp, const char *name);

/* Next frame in timestamp order. The frame is borrowed: its data is valid
 * until the next call. Problems met on the way go to on_error first. */
enum capture_next capture_set_next(struct capture_set *s, struct capture_frame *out);

/* Number of inputs, their path names, and problems reported so far. */
size_t capture_set_count(const struct capture_set *s);
const char *capture_set_path(const struct capture_set *s, size_t source);
uint64_t capture_set_errors(const struct capture_set *s);
/* Bytes of input consumed so far and in all (0 when unknown), for progress. */
uint64_t capture_set_bytes_read(const struct capture_set *s);
uint64_t capture_set_bytes_total(const struct capture_set *s);

/* Section "capture": files.opened, files.failed (could not be opened, or
 * stopped early by damage), files.skipped (directory entries that are not
 * captures), frames and bytes (caplen sum) delivered, frames.truncated
 * (caplen < wirelen), frames.out_of_order, frames.empty (caplen 0, still
 * delivered), frames.clipped (longer than the snap length, cut by libpcap),
 * frames.caplen_over_wirelen, records.skipped (refused by libpcap but
 * stepped over), errors (calls to on_error). The view stays valid
 * until capture_set_close() and its values move as frames are read. */
struct counter_view capture_set_counters(const struct capture_set *s);

#endif
