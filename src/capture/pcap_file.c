/* pcap_file.c — one capture file through libpcap, with byte offsets.
 *
 * Formats: classic pcap (tcpdump.org "pcap savefile format", any byte order,
 * µs / ns / Kuznetsov magic) and pcapng (draft-ietf-opsawg-pcapng), both opened
 * by libpcap; this file adds offsets, clear messages and a few checks libpcap
 * does silently. The file header is always libpcap's to parse. The records of
 * a regular classic file (µs or ns magic) are then read directly, in place,
 * by pcap_direct.c, which follows libpcap's rules, unless HRADBA_CAPTURE_LIBPCAP
 * is set; everything after the read (messages, skips, clipping) is shared, so
 * every reader reports alike.
 *
 * Limits of libpcap 1.10 that show through (see capture.h):
 *  - a pcapng interface that differs from the first in link type or snap
 *    length is refused ("an interface has a type/snapshot length ... different
 *    from ... the first interface"), and so is every packet on it ("a packet
 *    arrived on interface N, but there's no Interface Description Block");
 *    libpcap can go on past both, so we skip those records and read on;
 *  - a record over 256 KiB (262144, most link types) is refused ("invalid
 *    packet capture length ..."); in a seekable classic file whose record
 *    header is sound we step over that one record and read on;
 *  - a record longer than the file's snap length but within 256 KiB is cut to
 *    the snap length without a word: we notice it from the file offsets.
 */
#include "capture/pcap_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/pcap_direct.h"
#include "capture/pcapng_idb.h"
#include "core/cursor.h"

enum pcap_file_magic {
    MAGIC_UNKNOWN = 0, /* not sniffed (a pipe) or not a capture */
    MAGIC_PCAP,        /* 16-byte record headers */
    MAGIC_PCAP_KUZNETSOV,
    MAGIC_PCAPNG,
};

struct pcap_file {
    pcap_t *pcap; /* NULL once the records come from mm */
    FILE *fp;     /* owned by pcap once pcap is open */
    struct pcap_direct *mm;
    enum pcap_file_magic magic;
    bool is_big_endian; /* classic pcap written big-endian */
    bool is_nanosecond; /* classic pcap with the nanosecond magic */
    bool is_regular;    /* a regular file (fstat), not a pipe or a device */
    bool is_seekable;
    bool is_done;
    int linktype; /* LINKTYPE_ value */
    int snaplen;
    uint64_t size;           /* 0 when unknown */
    uint64_t final_position; /* bytes consumed when is_done */
    uint64_t frame_count;    /* records read, skipped ones included */
    uint64_t skipped_frames;
    uint64_t last_ts_us;
    bool has_refused_interface; /* pcapng: libpcap refused an interface */
    bool is_misnumbered;        /* ... and would misnumber the ones after it */
    bool has_reported_refusal;  /* one message per file; the counter has the rest */
    /* Classic pcap: where the next record starts, kept by arithmetic so the
     * packet loop needs no ftello() (UINT64_MAX when unknown). */
    uint64_t next_start;
    char *iobuf; /* stdio buffer of fp; freed after fp is closed */
};

/* stdio's default 4 KiB buffer makes a read(2) per few packets. */
enum { PCAP_FILE_BUFFER = 256 * 1024 };

static enum pcap_file_magic magic_of(const uint8_t *buf, size_t len, bool *is_big_endian,
                                     bool *is_nanosecond)
{
    struct cursor c = cursor_make(buf, len);
    uint32_t be = cursor_be32(&c);
    if (!cursor_ok(&c))
        return MAGIC_UNKNOWN;
    /* Classic magics are written in the writer's byte order: check both. */
    uint32_t le = (be >> 24) | ((be >> 8) & 0xff00u) | ((be << 8) & 0xff0000u) | (be << 24);
    *is_big_endian = be == 0xa1b2c3d4u || be == 0xa1b23c4du || be == 0xa1b2cd34u;
    *is_nanosecond = be == 0xa1b23c4du || le == 0xa1b23c4du;
    if (be == 0x0a0d0d0au)
        return MAGIC_PCAPNG;
    if (be == 0xa1b2c3d4u || le == 0xa1b2c3d4u || be == 0xa1b23c4du || le == 0xa1b23c4du)
        return MAGIC_PCAP;
    if (be == 0xa1b2cd34u || le == 0xa1b2cd34u)
        return MAGIC_PCAP_KUZNETSOV;
    return MAGIC_UNKNOWN;
}

int pcap_file_sniff(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -errno;
    uint8_t buf[4];
    size_t got = fread(buf, 1, sizeof(buf), fp);
    int rc = ferror(fp) ? -EIO : 0;
    fclose(fp);
    if (rc != 0)
        return rc;
    bool is_big_endian, is_nanosecond;
    return magic_of(buf, got, &is_big_endian, &is_nanosecond) != MAGIC_UNKNOWN;
}

/* libpcap hands out DLT_ values; the few that differ from the LINKTYPE_ value
 * written in files (pcap-linktype(7)) are mapped back, so the decoder sees one
 * numbering on every platform. */
static int linktype_of_dlt(int dlt)
{
    switch (dlt) {
    case DLT_ATM_RFC1483:
        return 100;
    case DLT_RAW:
        return 101;
    case DLT_SLIP_BSDOS:
        return 102;
    case DLT_PPP_BSDOS:
        return 103;
    case DLT_ATM_CLIP:
        return 106;
    case DLT_PFSYNC:
        return 246;
    default:
        return dlt;
    }
}

static uint64_t ts_to_us(const struct timeval *tv)
{
    if (tv->tv_sec < 0)
        return 0;
    uint64_t sec = (uint64_t)tv->tv_sec;
    uint64_t usec = tv->tv_usec < 0 ? 0 : (uint64_t)tv->tv_usec;
    if (sec > (UINT64_MAX - usec) / 1000000u)
        return UINT64_MAX; /* a corrupt pcapng timestamp: saturate, do not wrap */
    return sec * 1000000u + usec;
}

static uint64_t stream_tell(FILE *fp)
{
    off_t pos = ftello(fp);
    return pos < 0 ? UINT64_MAX : (uint64_t)pos;
}

/* Learns size, seekability and the magic before libpcap takes the stream;
 * the magic tells the record header size, needed to spot clipped records. */
static int probe_stream(struct pcap_file *f)
{
    struct stat st;
    int fd = fileno(f->fp);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        f->size = (uint64_t)st.st_size;
        f->is_regular = true;
    }
    off_t start = ftello(f->fp);
    if (start < 0)
        return 0; /* a pipe: no offsets, no sniffing (bytes cannot be put back) */
    f->is_seekable = true;
    uint8_t buf[4];
    size_t got = fread(buf, 1, sizeof(buf), f->fp);
    f->magic = magic_of(buf, got, &f->is_big_endian, &f->is_nanosecond);
    clearerr(f->fp);
    if (fseeko(f->fp, start, SEEK_SET) != 0)
        return -errno;
    return 0;
}

static void describe_open_error(const struct pcap_file *f, const char *lib,
                                struct pcap_file_problem *why)
{
    why->offset = 0;
    if (f->is_seekable && f->size == 0 && strstr(lib, "only got 0"))
        snprintf(why->msg, sizeof(why->msg), "empty file, not a pcap or pcapng file");
    else if (strstr(lib, "unknown file format"))
        snprintf(why->msg, sizeof(why->msg), "not a pcap or pcapng file (libpcap: %s)", lib);
    else if (strncmp(lib, "truncated", 9) == 0)
        snprintf(why->msg, sizeof(why->msg),
                 "file header cut short, not a complete pcap or pcapng file (libpcap: %s)", lib);
    else
        snprintf(why->msg, sizeof(why->msg), "cannot read as a capture (libpcap: %s)", lib);
}

/* libpcap 1.10's longest record for most link types (its MAXIMUM_SNAPLEN). */
enum { LIBPCAP_MAX_CAPLEN = 262144 };

/* Link types a direct reader can read exactly as libpcap does: not those whose
 * pseudo-header libpcap rewrites as it reads (fields of a file written on a
 * host of the other byte order; the lengths of old memory-mapped Linux USB
 * captures) nor those with a record limit other than 256 KiB. A direct reader
 * hands out the file's bytes untouched, so these stay on libpcap. */
static bool is_direct_link(int dlt, bool is_swapped)
{
    switch (dlt) {
    case DLT_USB_LINUX_MMAPPED: /* lengths fixed up in either byte order */
    case DLT_DBUS:
    case DLT_EBHSCR:
    case DLT_USBPCAP:
        return false;
    case DLT_PFLOG:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_USB_LINUX:
    case DLT_NFLOG:
        return !is_swapped;
    default:
        return true;
    }
}

static bool env_is_set(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] != '\0' && strcmp(v, "0") != 0;
}

static enum pcap_file_reader reader_from_env(void)
{
    if (env_is_set("HRADBA_CAPTURE_LIBPCAP"))
        return PCAP_FILE_READER_LIBPCAP;
    return env_is_set("HRADBA_CAPTURE_MMAP") ? PCAP_FILE_READER_DIRECT_MAP
                                             : PCAP_FILE_READER_DIRECT_READ;
}

/* Hands the records of a freshly opened regular classic file to a direct
 * reader. libpcap has read and checked the file header, so it is the
 * authority on link type, snap length and version; only its record loop is
 * replaced. Any failure leaves the file on libpcap, which reads it just the
 * same, only slower. */
static void go_direct(struct pcap_file *f, enum pcap_file_reader reader)
{
    if (reader == PCAP_FILE_READER_AUTO)
        reader = reader_from_env();
    if (reader == PCAP_FILE_READER_LIBPCAP || f->magic != MAGIC_PCAP || !f->is_regular ||
        !f->is_seekable || f->fp == stdin || f->next_start == UINT64_MAX || f->snaplen <= 0 ||
        !is_direct_link(pcap_datalink(f->pcap), pcap_is_swapped(f->pcap) == 1))
        return;
    int major = pcap_major_version(f->pcap), minor = pcap_minor_version(f->pcap);
    struct pcap_direct_format fmt = {
        .is_big_endian = f->is_big_endian,
        .is_swapped = pcap_is_swapped(f->pcap) == 1,
        .is_nanosecond = f->is_nanosecond,
        .lengths = (major == 2 && minor < 3) || major == 543 ? PCAP_DIRECT_LENGTHS_SWAPPED
                   : major == 2 && minor == 3                ? PCAP_DIRECT_LENGTHS_MAYBE_SWAPPED
                                                             : PCAP_DIRECT_LENGTHS_AS_WRITTEN,
        .snaplen = (uint32_t)f->snaplen,
        .max_caplen = LIBPCAP_MAX_CAPLEN,
    };
    int fd = fcntl(fileno(f->fp), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return;
    int err;
    enum pcap_direct_source source =
        reader == PCAP_FILE_READER_DIRECT_MAP ? PCAP_DIRECT_SOURCE_MAP : PCAP_DIRECT_SOURCE_READ;
    struct pcap_direct *mm = pcap_direct_new(fd, f->size, f->next_start, &fmt, source, 0, &err);
    if (!mm)
        return;
    pcap_close(f->pcap); /* and fp: the direct reader has its own descriptor */
    free(f->iobuf);
    f->pcap = NULL;
    f->fp = NULL;
    f->iobuf = NULL;
    f->mm = mm;
}

struct pcap_file *pcap_file_open_stream(FILE *fp, struct pcap_file_problem *why)
{
    return pcap_file_open_stream_with(fp, PCAP_FILE_READER_AUTO, why);
}

struct pcap_file *pcap_file_open_stream_with(FILE *fp, enum pcap_file_reader reader,
                                             struct pcap_file_problem *why)
{
    why->offset = 0;
    why->is_quiet = false;
    why->msg[0] = '\0';
    struct pcap_file *f = calloc(1, sizeof(*f));
    if (!f)
        goto fail;
    f->fp = fp;
    /* glibc keeps a block-sized (4 KiB) buffer whatever size setvbuf asks
     * for unless it is given the memory, and a read(2) every few packets
     * shows in the profile. Standard input keeps its own: it outlives us.
     * Must happen before the first read; failure only costs speed. A small
     * regular file gets a buffer its size. */
    if (fp != stdin) {
        size_t len = PCAP_FILE_BUFFER;
        struct stat st;
        if (fileno(fp) >= 0 && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
            st.st_size < PCAP_FILE_BUFFER)
            len = st.st_size < 4096 ? 4096 : (size_t)st.st_size;
        f->iobuf = malloc(len);
        if (f->iobuf && setvbuf(fp, f->iobuf, _IOFBF, len) != 0) {
            free(f->iobuf);
            f->iobuf = NULL;
        }
    }
    int rc = probe_stream(f);
    if (rc != 0) {
        snprintf(why->msg, sizeof(why->msg), "cannot rewind input: %s", strerror(-rc));
        goto fail;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    /* Microsecond precision: libpcap scales nanosecond files down for us. */
    f->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!f->pcap) {
        describe_open_error(f, errbuf, why);
        goto fail;
    }
    f->linktype = linktype_of_dlt(pcap_datalink(f->pcap));
    f->snaplen = pcap_snapshot(f->pcap);
    f->next_start = f->is_seekable ? stream_tell(f->fp) : UINT64_MAX;
    go_direct(f, reader);
    return f;
fail:
    if (fp != stdin)
        fclose(fp);
    if (f)
        free(f->iobuf); /* only once the stream that used it is closed */
    free(f);
    return NULL;
}

struct pcap_file *pcap_file_open(const char *path, struct pcap_file_problem *why)
{
    if (strcmp(path, "-") == 0)
        return pcap_file_open_stream(stdin, why);
    why->is_quiet = false;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        why->offset = UINT64_MAX;
        snprintf(why->msg, sizeof(why->msg), "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        why->offset = UINT64_MAX;
        snprintf(why->msg, sizeof(why->msg), "is a directory (give it as an input on its own)");
        return NULL;
    }
    return pcap_file_open_stream(fp, why);
}

void pcap_file_close(struct pcap_file *f)
{
    if (!f)
        return;
    if (f->pcap)
        pcap_close(f->pcap); /* closes fp too, except standard input */
    pcap_direct_free(f->mm);
    free(f->iobuf);
    free(f);
}

static void finish(struct pcap_file *f, uint64_t position)
{
    f->is_done = true;
    f->final_position = position == UINT64_MAX ? 0 : position;
}

/* Turns libpcap's error for a read that ends the file into a message that
 * says what was lost. */
static void describe_read_error(const struct pcap_file *f, const char *lib,
                                struct pcap_file_problem *why)
{
    uint64_t n = f->frame_count - f->skipped_frames;
    if (strncmp(lib, "truncated", 9) == 0)
        snprintf(why->msg, sizeof(why->msg),
                 "truncated capture: the file ends inside the record starting here "
                 "(libpcap: %s); the %" PRIu64 " frames before it were delivered",
                 lib, n);
    else if (strstr(lib, "capture length") || strstr(lib, "block") || strstr(lib, "size"))
        snprintf(why->msg, sizeof(why->msg),
                 "corrupt record (libpcap: %s); the %" PRIu64 " frames before it were "
                 "delivered, the rest of the file is skipped",
                 lib, n);
    else
        snprintf(why->msg, sizeof(why->msg),
                 "read error (libpcap: %s); the %" PRIu64 " frames before it were "
                 "delivered, the rest of the file is skipped",
                 lib, n);
}

/* libpcap 1.10 keeps one link type and snap length per pcapng file: it refuses
 * an interface that differs and then each packet on it, but the read position
 * is past the refused block, so reading can go on -- unless a later interface
 * would then be misnumbered (pcapng_idb.h), or the input cannot be checked
 * (a pipe). Returns 1 when the record was skipped (the first refusal of a file
 * is reported, the rest are quiet), -1 when the file must stop, 0 when lib is
 * about something else. */
static int skip_refused_interface(struct pcap_file *f, const char *lib,
                                  struct pcap_file_problem *why)
{
    bool is_idb = strstr(lib, "an interface has a") != NULL;
    bool is_packet = strstr(lib, "a packet arrived on interface") != NULL;
    if (f->magic == MAGIC_PCAP || f->magic == MAGIC_PCAP_KUZNETSOV || (!is_idb && !is_packet))
        return 0;
    if (!f->has_refused_interface) {
        f->has_refused_interface = true;
        f->is_misnumbered =
            !f->is_seekable || pcapng_idb_misnumbers(f->fp, f->linktype, f->snaplen) != 0;
    }
    if (f->is_misnumbered) {
        snprintf(why->msg, sizeof(why->msg),
                 "pcapng interfaces differ in link type or snap length (libpcap: %s), "
                 "and libpcap 1.10 would then label later frames with the wrong interface"
                 "%s; reading stops here, the %" PRIu64 " frames before were delivered: "
                 "split the file per interface first "
                 "(tshark -r IN -Y frame.interface_id==N -w OUT)",
                 lib, f->is_seekable ? "" : " (a pipe cannot be checked)",
                 f->frame_count - f->skipped_frames);
        return -1;
    }
    if (is_packet) {
        f->frame_count++; /* keep frame numbers in step with other tools */
        f->skipped_frames++;
    }
    why->is_quiet = f->has_reported_refusal;
    f->has_reported_refusal = true;
    snprintf(why->msg, sizeof(why->msg),
             "pcapng %s (libpcap: %s); libpcap 1.10 reads only interfaces like the "
             "first one, so frames on the others are skipped (counted in "
             "records.skipped); to read them, split the file per interface first "
             "(tshark -r IN -Y frame.interface_id==N -w OUT)",
             is_idb ? "interface differs from the first in link type or snap length"
                    : "packet on an interface libpcap did not accept",
             lib);
    return 1;
}

/* Bytes before a classic record's data; 0 for pcapng and unknown formats. */
static uint64_t record_header_len(const struct pcap_file *f)
{
    return f->magic == MAGIC_PCAP ? 16 : f->magic == MAGIC_PCAP_KUZNETSOV ? 24 : 0;
}

/* Where the stream or the direct reader will read next; UINT64_MAX when unknown. */
static uint64_t current_position(const struct pcap_file *f)
{
    if (f->mm)
        return pcap_direct_position(f->mm);
    return f->is_seekable ? stream_tell(f->fp) : UINT64_MAX;
}

/* The 16-byte classic record header at start, from the direct reader or the
 * stream. */
static bool reread_record_header(struct pcap_file *f, uint64_t start, uint8_t hdr[16])
{
    if (f->mm) {
        struct cursor c;
        return pcap_direct_bytes(f->mm, start, 16, &c) == 0 && cursor_copy(&c, hdr, 16);
    }
    return fseeko(f->fp, (off_t)start, SEEK_SET) == 0 && fread(hdr, 1, 16, f->fp) == 16;
}

static bool seek_to(struct pcap_file *f, uint64_t off)
{
    if (f->mm)
        return pcap_direct_seek(f->mm, off) == 0;
    return fseeko(f->fp, (off_t)off, SEEK_SET) == 0;
}

/* libpcap refuses a classic record over its per-link-type maximum (256 KiB
 * for most) although the file around it may be sound. When the record header
 * is plausible and the whole record lies inside the file, step over it. */
static bool skip_oversized_record(struct pcap_file *f, uint64_t start, const char *lib,
                                  struct pcap_file_problem *why)
{
    uint64_t hdr_len = record_header_len(f);
    if (!hdr_len || start == UINT64_MAX || f->size == 0 || start > INT64_MAX ||
        !strstr(lib, "invalid packet capture length"))
        return false;
    uint8_t hdr[16];
    if (!reread_record_header(f, start, hdr))
        return false;
    struct cursor c = cursor_make(hdr, sizeof(hdr));
    cursor_skip(&c, 8); /* seconds, fraction */
    uint32_t caplen = f->is_big_endian ? cursor_be32(&c) : cursor_le32(&c);
    uint32_t wirelen = f->is_big_endian ? cursor_be32(&c) : cursor_le32(&c);
    uint64_t next = start + hdr_len + caplen;
    if (!cursor_ok(&c) || caplen > wirelen || next > f->size || !seek_to(f, next))
        return false; /* a corrupt length: nothing after it can be trusted */
    f->frame_count++;
    f->skipped_frames++;
    snprintf(why->msg, sizeof(why->msg),
             "frame %" PRIu64 " skipped: captured length %" PRIu32 " is over what libpcap "
             "reads for this link type (libpcap: %s); reading goes on after it",
             f->frame_count, caplen, lib);
    return true;
}

/* Fills out from a record header as pcap_next_ex() returns it; whichever
 * reader produced h, the frame is numbered and described the same way. */
static void fill_frame(struct pcap_file *f, const struct pcap_pkthdr *h, const u_char *data,
                       uint64_t start, struct pcap_file_frame *out)
{
    memset(out, 0, sizeof(*out));
    out->frame.ts_us = ts_to_us(&h->ts);
    out->frame.data = data;
    out->frame.caplen = h->caplen;
    out->frame.wirelen = h->len;
    out->frame.linktype = f->linktype;
    out->frame.frame_no = ++f->frame_count;
    out->offset = start;
    out->snaplen = f->snaplen;
    out->is_out_of_order = f->frame_count > 1 && out->frame.ts_us < f->last_ts_us;
    f->last_ts_us = out->frame.ts_us;
}

/* libpcap reads a record longer than the snap length whole but returns only
 * snaplen bytes; the bytes it consumed give the real length away. Only a
 * frame as long as the snap length can have been clipped, so only then is
 * the stream asked where it is. */
static void track_libpcap_position(struct pcap_file *f, const struct pcap_pkthdr *h, uint64_t start,
                                   struct pcap_file_frame *out)
{
    uint64_t hdr_len = record_header_len(f);
    if (!hdr_len || start == UINT64_MAX) {
        f->next_start = UINT64_MAX;
        return;
    }
    uint64_t end = start + hdr_len + h->caplen;
    if (f->snaplen <= 0 || h->caplen >= (uint32_t)f->snaplen) {
        uint64_t pos = stream_tell(f->fp);
        if (pos != UINT64_MAX && pos > end) {
            uint64_t real = pos - start - hdr_len;
            out->clipped_from = real > UINT32_MAX ? UINT32_MAX : (uint32_t)real;
        }
        end = pos;
    }
    f->next_start = end;
}

/* A read that failed, lib saying why in libpcap's words (from libpcap, or the
 * same words from the direct reader): steps over what can be stepped over, else ends
 * the file with a message that says what was lost. */
static enum pcap_file_status failed_read(struct pcap_file *f, uint64_t start, const char *lib,
                                         struct pcap_file_problem *why)
{
    why->offset = start;
    why->is_quiet = false;
    int refused = skip_refused_interface(f, lib, why);
    if (refused == 1 || (refused == 0 && skip_oversized_record(f, start, lib, why))) {
        uint64_t now = current_position(f);
        f->next_start = now;
        if (start == UINT64_MAX || (now != UINT64_MAX && now > start))
            return PCAP_FILE_SKIPPED;
        why->is_quiet = false;
        refused = 0; /* no progress: give up rather than spin */
    }
    if (refused == 0)
        describe_read_error(f, lib, why);
    /* Count the rest of a broken file as read, so progress still reaches 100%. */
    finish(f, f->size ? f->size : start);
    return PCAP_FILE_BROKEN;
}

static enum pcap_file_status next_direct(struct pcap_file *f, struct pcap_file_frame *out,
                                         struct pcap_file_problem *why)
{
    struct pcap_direct_record r;
    char lib[PCAP_ERRBUF_SIZE];
    uint64_t start = pcap_direct_position(f->mm);
    switch (pcap_direct_next(f->mm, &r, lib, sizeof(lib))) {
    case PCAP_DIRECT_RECORD:
        fill_frame(f, &r.hdr, r.data, r.start, out);
        out->clipped_from = r.clipped_from;
        return PCAP_FILE_GOT_FRAME;
    case PCAP_DIRECT_END:
        finish(f, pcap_direct_position(f->mm));
        return PCAP_FILE_AT_END;
    default:
        return failed_read(f, start, lib, why);
    }
}

enum pcap_file_status pcap_file_next(struct pcap_file *f, struct pcap_file_frame *out,
                                     struct pcap_file_problem *why)
{
    if (f->is_done)
        return PCAP_FILE_AT_END;
    if (f->mm)
        return next_direct(f, out, why);
    uint64_t start = !f->is_seekable                                       ? UINT64_MAX
                     : record_header_len(f) && f->next_start != UINT64_MAX ? f->next_start
                                                                           : stream_tell(f->fp);
    struct pcap_pkthdr *h = NULL;
    const u_char *data = NULL;
    int rc = pcap_next_ex(f->pcap, &h, &data);
    if (rc == 1) {
        fill_frame(f, h, data, start, out);
        track_libpcap_position(f, h, start, out);
        return PCAP_FILE_GOT_FRAME;
    }
    if (rc == PCAP_ERROR_BREAK) {
        finish(f, f->is_seekable ? stream_tell(f->fp) : UINT64_MAX);
        return PCAP_FILE_AT_END;
    }
    return failed_read(f, start, rc == PCAP_ERROR ? pcap_geterr(f->pcap) : "no frame from a file",
                       why);
}

uint64_t pcap_file_position(const struct pcap_file *f)
{
    if (f->is_done)
        return f->final_position;
    uint64_t pos = current_position(f);
    return pos == UINT64_MAX ? 0 : pos;
}

bool pcap_file_is_direct(const struct pcap_file *f)
{
    return f->mm != NULL;
}

uint64_t pcap_file_size(const struct pcap_file *f)
{
    return f->size;
}
