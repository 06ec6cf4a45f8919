/* pcap_direct.h — classic pcap records read in place from a window of the file
 * (internal to capture/).
 *
 * The record loop of a regular, seekable classic pcap file (tcpdump.org "pcap
 * savefile format", draft-ietf-opsawg-pcap; µs or ns magic, either byte
 * order) without stdio and without copying a frame: the window is filled by
 * pread(2) into a buffer of ours, or is a memory map of the file. It applies
 * libpcap 1.10's per-record rules and reports in libpcap's words, so
 * pcap_file.c cannot tell which reader ran. It does not read the file header
 * (libpcap has), nor pcapng, Kuznetsov's format or pipes, and it does not
 * rewrite link-layer pseudo-headers: files that need that stay on libpcap
 * (pcap_file.c decides).
 */
#ifndef HRADBA_CAPTURE_PCAP_DIRECT_H
#define HRADBA_CAPTURE_PCAP_DIRECT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

struct pcap_direct;

/* Version 2.3 swapped caplen and len; older files (and DG/UX's 543.0) have
 * them the other way round, and some 2.3 files too. */
enum pcap_direct_lengths {
    PCAP_DIRECT_LENGTHS_AS_WRITTEN = 0, /* 2.4: caplen, then len */
    PCAP_DIRECT_LENGTHS_MAYBE_SWAPPED,  /* 2.3: swapped when caplen > len */
    PCAP_DIRECT_LENGTHS_SWAPPED,        /* before 2.3, 543.0: always swapped */
};

struct pcap_direct_format {
    bool is_big_endian; /* byte order of the record headers */
    bool is_swapped;    /* ... which is not the host's (pcap_is_swapped()) */
    bool is_nanosecond; /* 0xa1b23c4d magic: fractions are ns, scaled to µs */
    enum pcap_direct_lengths lengths;
    uint32_t snaplen;    /* libpcap's snap length (pcap_snapshot(): 0 and
                            over INT_MAX already replaced), 1..INT_MAX; may
                            exceed max_caplen */
    uint32_t max_caplen; /* longest record libpcap reads for the link type */
};

/* Classic record header; the longest record data is max_caplen. */
enum { PCAP_DIRECT_RECORD_HEADER_LEN = 16 };

/* Where the window's bytes come from (see pcap_direct.c for the measurements
 * behind the default). */
enum pcap_direct_source {
    PCAP_DIRECT_SOURCE_READ = 0, /* pread(2) into our own buffer */
    PCAP_DIRECT_SOURCE_MAP,      /* mmap(2), read-only and private */
};

/* Default window sizes: the buffer, and the part of the file mapped at once. */
enum { PCAP_DIRECT_BUFFER = 1024 * 1024, PCAP_DIRECT_WINDOW = 64 * 1024 * 1024 };

/* Reads fd, a regular file of size bytes (its size when opened: later growth
 * is not read) whose records start at offset start, just after the file
 * header. window_len is the buffer size or how much of the file is mapped at
 * once (0: the default for source); it must hold at least one page plus the
 * longest record. Takes fd: closed by pcap_direct_free(), or here on failure.
 * Returns NULL with *err set to a negative errno. A mapped file that another
 * process truncates while it is read kills the reader with SIGBUS. */
struct pcap_direct *pcap_direct_new(int fd, uint64_t size, uint64_t start,
                                    const struct pcap_direct_format *fmt,
                                    enum pcap_direct_source source, size_t window_len, int *err);

/* Unmaps, closes the file and frees; NULL is a no-op. */
void pcap_direct_free(struct pcap_direct *m);

struct pcap_direct_record {
    struct pcap_pkthdr hdr; /* as pcap_next_ex() would fill it */
    const uint8_t *data;    /* hdr.caplen bytes inside the window, never past
                               the record; valid until the next call or free */
    uint64_t start;         /* offset of the record header */
    uint32_t clipped_from;  /* caplen in the file when it was over the snap
                               length and cut to it (as libpcap does), else 0 */
};

enum pcap_direct_status {
    PCAP_DIRECT_RECORD = 0,
    PCAP_DIRECT_END = 1,   /* no byte left */
    PCAP_DIRECT_ERROR = 2, /* lib holds libpcap's words for the failed read */
};

/* Reads the record at the current position. On PCAP_DIRECT_ERROR the position
 * is where libpcap's stream would be: past the record header for a length
 * refused, at the end of the file for a record cut short. Call
 * pcap_direct_seek() to go on after an error. */
enum pcap_direct_status pcap_direct_next(struct pcap_direct *m, struct pcap_direct_record *out,
                                         char *lib, size_t lib_len);

/* Offset of the next byte to read. */
uint64_t pcap_direct_position(const struct pcap_direct *m);

/* Moves the read position to off (at most the file size): 0 or -EINVAL. */
int pcap_direct_seek(struct pcap_direct *m, uint64_t off);

/* A cursor over up to len bytes of the file from off (fewer at the end of
 * the file; none past it). len must not exceed the longest record plus its
 * header. Valid until the next call. 0, or a negative errno when the window
 * cannot be filled. */
int pcap_direct_bytes(struct pcap_direct *m, uint64_t off, size_t len, struct cursor *out);

#endif
