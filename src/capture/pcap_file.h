/* pcap_file.h — one capture file read through libpcap (internal to capture/).
 *
 * Classic pcap (either byte order, micro- or nanosecond magic) and pcapng, as
 * far as libpcap 1.10 reads them. Knows byte offsets, so every problem can be
 * pinned to where its record starts. The records of a regular classic file
 * may come from a memory map instead (pcap_direct.h), with the same frames and
 * the same problems. It does not merge files or count: that is capture_set.c.
 */
#ifndef HRADBA_CAPTURE_PCAP_FILE_H
#define HRADBA_CAPTURE_PCAP_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"

struct pcap_file;

/* Why an open or a read failed: where (UINT64_MAX when unknown) and what. */
struct pcap_file_problem {
    uint64_t offset;
    bool is_quiet; /* a repeat of a problem already reported for this file */
    char msg[512];
};

struct pcap_file_frame {
    struct capture_frame frame; /* .source is left 0 for the caller to set */
    uint64_t offset;            /* where the record starts; UINT64_MAX when unknown */
    uint32_t clipped_from;      /* caplen in the file when libpcap cut it to the
                                   snap length (classic pcap, seekable input), else 0 */
    int snaplen;                /* the file's snap length, for messages */
    bool is_out_of_order;       /* earlier timestamp than this file's previous frame */
};

enum pcap_file_status {
    PCAP_FILE_GOT_FRAME = 0,
    PCAP_FILE_AT_END = 1,
    PCAP_FILE_BROKEN = 2,  /* *why says what; the file yields nothing more */
    PCAP_FILE_SKIPPED = 3, /* one record libpcap refused was stepped over (*why
                              says which); call again, the file goes on */
};

/* Opens path ("-" is standard input). NULL on failure, with why filled in
 * (a NULL return with why->msg empty means out of memory). */
struct pcap_file *pcap_file_open(const char *path, struct pcap_file_problem *why);

/* Same, over an already open stream (a pipe, fmemopen() bytes). Takes fp in
 * every case: it is closed by pcap_file_close(), or here on failure. */
struct pcap_file *pcap_file_open_stream(FILE *fp, struct pcap_file_problem *why);

/* Which reader walks the records of a classic pcap file. */
enum pcap_file_reader {
    PCAP_FILE_READER_AUTO = 0,    /* from the environment: HRADBA_CAPTURE_LIBPCAP
                                     set (not "0") is LIBPCAP, else
                                     HRADBA_CAPTURE_MMAP set is DIRECT_MAP, else
                                     DIRECT_READ */
    PCAP_FILE_READER_LIBPCAP,     /* always pcap_next_ex() */
    PCAP_FILE_READER_DIRECT_READ, /* pcap_direct.h over pread(2), where it applies */
    PCAP_FILE_READER_DIRECT_MAP,  /* pcap_direct.h over mmap(2), where it applies */
};

/* pcap_file_open_stream() with the reader chosen. The direct readers apply
 * to a regular file (not standard input) in classic pcap format with the µs
 * or ns magic, whose link type libpcap hands out unaltered; they take over
 * after libpcap has opened the file and checked its header, and a file they
 * cannot take (no descriptor left, cannot be mapped) stays on libpcap. Every
 * reader gives the same frames and the same problems. */
struct pcap_file *pcap_file_open_stream_with(FILE *fp, enum pcap_file_reader reader,
                                             struct pcap_file_problem *why);

/* Whether a direct reader has the records (for tests and diagnostics). */
bool pcap_file_is_direct(const struct pcap_file *f);

/* Closes the file; NULL is a no-op. Standard input is left open. */
void pcap_file_close(struct pcap_file *f);

/* Reads the next frame. Its data stays valid until the next call or close.
 * Every call consumes input, so a loop over PCAP_FILE_SKIPPED ends.
 * After PCAP_FILE_AT_END or PCAP_FILE_BROKEN every later call returns
 * PCAP_FILE_AT_END. */
enum pcap_file_status pcap_file_next(struct pcap_file *f, struct pcap_file_frame *out,
                                     struct pcap_file_problem *why);

/* Bytes consumed so far (0 when the input cannot tell, e.g. a pipe) and the
 * file's size (0 when unknown). */
uint64_t pcap_file_position(const struct pcap_file *f);
uint64_t pcap_file_size(const struct pcap_file *f);

/* Sniffs the first four bytes of a regular file for a pcap or pcapng magic:
 * 1 when it is one, 0 when not, -errno when it cannot be read. */
int pcap_file_sniff(const char *path);

#endif
