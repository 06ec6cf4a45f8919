/* pcap_direct.c — classic pcap records read in place from a window of the file.
 *
 * Format: tcpdump.org "pcap savefile format" / draft-ietf-opsawg-pcap: a
 * 16-byte record header (seconds, fraction, captured length, original length)
 * in the writer's byte order, then the captured bytes. The per-record rules
 * are libpcap 1.10's, as its documentation and behaviour show them: lengths
 * swapped in old versions, a record over the link type's maximum refused, one
 * over the snap length cut to it, and its error texts. Not a file header
 * parser and not a pcapng reader.
 *
 * The window is the part of the file in memory; a record is parsed where it
 * lies in it and its data handed out from there. Two sources fill it:
 *  - read (the default): pread(2) into a 1 MiB buffer of our own, the bytes
 *    of a record cut by the buffer's end moved to its front (less than one
 *    record) before the next read. One copy, by the kernel, in big blocks;
 *  - map: a read-only private mapping of 64 MiB, moved on when a record would
 *    run past its end, with MADV_SEQUENTIAL. No copy at all, but every page
 *    is first touched from user space. Measured on the virtual machines we
 *    run on, that costs about five times what the kernel's copy does (0.29 s
 *    against 0.06 s of CPU for 429 MB in page cache), so it is opt-in.
 * Windows bound memory and address space per open file, so a directory of
 * many large files reads on 32-bit hosts too.
 */
#include "capture/pcap_direct.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

struct pcap_direct {
    int fd;
    enum pcap_direct_source source;
    uint64_t size; /* of the file when it was opened */
    uint64_t pos;  /* next byte to read */
    /* The window: file bytes [win_off, win_off + win_len) at win. */
    const uint8_t *win;
    uint64_t win_off;
    size_t win_len;
    uint8_t *buf;      /* read: the buffer behind win */
    size_t window_len; /* map: bytes mapped at once; read: buffer size */
    size_t page;
    struct pcap_direct_format fmt;
};

static void unmap(struct pcap_direct *m)
{
    if (m->source == PCAP_DIRECT_SOURCE_MAP && m->win_len)
        munmap((void *)m->win, m->win_len);
    if (m->source == PCAP_DIRECT_SOURCE_MAP)
        m->win = NULL;
    m->win_len = 0;
}

/* map: the window that starts on the page holding off. */
static int remap(struct pcap_direct *m, uint64_t off)
{
    unmap(m);
    uint64_t base = off - off % m->page;
    uint64_t len = m->size - base;
    if (len > m->window_len)
        len = m->window_len;
    void *p = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, m->fd, (off_t)base);
    if (p == MAP_FAILED)
        return -errno;
    /* Only a hint: a kernel that ignores it reads the file just the same. */
    (void)madvise(p, (size_t)len, MADV_SEQUENTIAL);
    m->win = p;
    m->win_off = base;
    m->win_len = (size_t)len;
    return 0;
}

/* read: keeps what the buffer holds from off on (less than one record),
 * moves it to the front, and fills the rest from the file, until at least
 * len bytes from off are in (the caller has checked they exist). */
static int refill(struct pcap_direct *m, uint64_t off, size_t len)
{
    size_t kept = 0;
    if (off >= m->win_off && off - m->win_off < m->win_len) {
        kept = m->win_len - (size_t)(off - m->win_off);
        memmove(m->buf, m->buf + (off - m->win_off), kept);
    }
    m->win_off = off;
    m->win_len = kept;
    while (m->win_len < len) {
        uint64_t at = off + m->win_len;
        size_t room = m->window_len - m->win_len;
        if (room > m->size - at)
            room = (size_t)(m->size - at); /* never past the size we were opened with */
        ssize_t got = pread(m->fd, m->buf + m->win_len, room, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -errno;
        if (got == 0)
            return -EIO; /* the file shrank under us */
        m->win_len += (size_t)got;
    }
    return 0;
}

/* Points *p at file bytes [off, off + len), which the caller has checked lie
 * inside the file and are at most one record long. */
static inline int reach(struct pcap_direct *m, uint64_t off, size_t len, const uint8_t **p)
{
    if (off < m->win_off || off - m->win_off > m->win_len ||
        len > m->win_len - (size_t)(off - m->win_off)) {
        int rc = m->source == PCAP_DIRECT_SOURCE_MAP ? remap(m, off) : refill(m, off, len);
        if (rc != 0)
            return rc;
    }
    *p = m->win + (off - m->win_off);
    return 0;
}

struct pcap_direct *pcap_direct_new(int fd, uint64_t size, uint64_t start,
                                    const struct pcap_direct_format *fmt,
                                    enum pcap_direct_source source, size_t window_len, int *err)
{
    long page = sysconf(_SC_PAGESIZE);
    if (window_len == 0)
        window_len = source == PCAP_DIRECT_SOURCE_MAP ? PCAP_DIRECT_WINDOW : PCAP_DIRECT_BUFFER;
    *err = -EINVAL;
    if (page <= 0 || fmt->snaplen == 0 || fmt->snaplen > INT32_MAX ||
        window_len < (size_t)page + PCAP_DIRECT_RECORD_HEADER_LEN + fmt->max_caplen ||
        size > (uint64_t)INT64_MAX || size > SIZE_MAX)
        goto fail;
    struct pcap_direct *m = calloc(1, sizeof(*m));
    *err = -ENOMEM;
    if (!m)
        goto fail;
    m->fd = fd;
    m->source = source;
    m->size = size;
    m->pos = start;
    m->window_len = window_len;
    m->page = (size_t)page;
    m->fmt = *fmt;
    if (source == PCAP_DIRECT_SOURCE_READ) {
        /* No record reaches past the end: a small file gets a small buffer. */
        if (start >= size)
            m->window_len = 0;
        else if (window_len > size - start)
            m->window_len = (size_t)(size - start);
        m->buf = malloc(m->window_len ? m->window_len : 1);
        if (!m->buf) {
            free(m);
            goto fail;
        }
        m->win = m->buf;
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint, as above */
    } else if (start < size) { /* map now, so a file that cannot be mapped stays on stdio */
        *err = remap(m, start);
        if (*err != 0) {
            free(m);
            goto fail;
        }
    }
    *err = 0;
    return m;
fail:
    close(fd);
    return NULL;
}

void pcap_direct_free(struct pcap_direct *m)
{
    if (!m)
        return;
    unmap(m);
    free(m->buf);
    close(m->fd);
    free(m);
}

uint64_t pcap_direct_position(const struct pcap_direct *m)
{
    return m->pos;
}

int pcap_direct_seek(struct pcap_direct *m, uint64_t off)
{
    if (off > m->size)
        return -EINVAL;
    m->pos = off;
    return 0;
}

int pcap_direct_bytes(struct pcap_direct *m, uint64_t off, size_t len, struct cursor *out)
{
    *out = cursor_make(NULL, 0);
    if (len > PCAP_DIRECT_RECORD_HEADER_LEN + m->fmt.max_caplen)
        return -EINVAL;
    if (off >= m->size)
        return 0;
    if (len > m->size - off)
        len = (size_t)(m->size - off);
    const uint8_t *p;
    int rc = reach(m, off, len, &p);
    if (rc == 0)
        *out = cursor_make(p, len);
    return rc;
}

static int32_t as_int32(uint32_t v)
{
    return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

static inline uint32_t field(struct cursor *c, bool is_big_endian)
{
    return is_big_endian ? cursor_be32(c) : cursor_le32(c);
}

/* A read cut short by the end of the file leaves libpcap's stream at the
 * end; a failed read ends the file too. */
static enum pcap_direct_status cut_short(struct pcap_direct *m)
{
    m->pos = m->size;
    return PCAP_DIRECT_ERROR;
}

static enum pcap_direct_status read_failed(struct pcap_direct *m, int rc, char *lib, size_t lib_len)
{
    snprintf(lib, lib_len, "error reading dump file: %s", strerror(-rc));
    return cut_short(m);
}

enum pcap_direct_status pcap_direct_next(struct pcap_direct *m, struct pcap_direct_record *out,
                                         char *lib, size_t lib_len)
{
    const struct pcap_direct_format *fmt = &m->fmt;
    uint64_t start = m->pos;
    uint64_t left = start < m->size ? m->size - start : 0;
    if (left == 0)
        return PCAP_DIRECT_END;
    if (left < PCAP_DIRECT_RECORD_HEADER_LEN) {
        snprintf(lib, lib_len, "truncated dump file; tried to read %zu header bytes, only got %zu",
                 (size_t)PCAP_DIRECT_RECORD_HEADER_LEN, (size_t)left);
        return cut_short(m);
    }
    const uint8_t *p;
    int rc = reach(m, start, PCAP_DIRECT_RECORD_HEADER_LEN, &p);
    if (rc != 0)
        return read_failed(m, rc, lib, lib_len);
    struct cursor c = cursor_make(p, PCAP_DIRECT_RECORD_HEADER_LEN);
    uint32_t sec = field(&c, fmt->is_big_endian);
    uint32_t frac = field(&c, fmt->is_big_endian);
    uint32_t caplen = field(&c, fmt->is_big_endian);
    uint32_t len = field(&c, fmt->is_big_endian);
    if (fmt->lengths == PCAP_DIRECT_LENGTHS_SWAPPED ||
        (fmt->lengths == PCAP_DIRECT_LENGTHS_MAYBE_SWAPPED && caplen > len)) {
        uint32_t t = caplen;
        caplen = len;
        len = t;
    }
    uint64_t avail = left - PCAP_DIRECT_RECORD_HEADER_LEN;
    if (caplen > fmt->max_caplen) {
        m->pos = start + PCAP_DIRECT_RECORD_HEADER_LEN; /* libpcap has read the header */
        if (caplen > fmt->snaplen)
            snprintf(lib, lib_len, "invalid packet capture length %u, bigger than snaplen of %d",
                     caplen, (int)fmt->snaplen);
        else
            snprintf(lib, lib_len, "invalid packet capture length %u, bigger than maximum of %u",
                     caplen, fmt->max_caplen);
        return PCAP_DIRECT_ERROR;
    }
    uint32_t take = caplen;
    out->clipped_from = 0;
    if (caplen > fmt->snaplen) {
        /* libpcap reads the first snaplen bytes, then skips the rest. */
        take = fmt->snaplen;
        if (avail < take) {
            snprintf(lib, lib_len,
                     "truncated dump file; tried to read %d captured bytes, only got %zu",
                     (int)take, (size_t)avail);
            return cut_short(m);
        }
        out->clipped_from = caplen;
    }
    if (avail < caplen) {
        snprintf(lib, lib_len, "truncated dump file; tried to read %u captured bytes, only got %zu",
                 caplen, (size_t)avail);
        return cut_short(m);
    }
    rc = reach(m, start, PCAP_DIRECT_RECORD_HEADER_LEN + (size_t)take, &p);
    if (rc != 0)
        return read_failed(m, rc, lib, lib_len);
    c = cursor_make(p, PCAP_DIRECT_RECORD_HEADER_LEN + (size_t)take);
    cursor_skip(&c, PCAP_DIRECT_RECORD_HEADER_LEN);
    out->data = cursor_bytes(&c, take);
    if (!out->data) /* cannot happen: reach() covered the record */
        return read_failed(m, -EIO, lib, lib_len);
    out->start = start;
    out->hdr.caplen = take;
    out->hdr.len = len;
    /* libpcap 1.10 reads both as signed 32-bit numbers from a file in the
     * host's byte order but as unsigned ones from the other order (a fraction
     * over a second is passed on either way); ns are scaled after that. */
    if (fmt->is_swapped) {
        out->hdr.ts.tv_sec = (time_t)sec;
        out->hdr.ts.tv_usec = (suseconds_t)(fmt->is_nanosecond ? frac / 1000 : frac);
    } else {
        int32_t usec = as_int32(frac);
        out->hdr.ts.tv_sec = as_int32(sec);
        out->hdr.ts.tv_usec = fmt->is_nanosecond ? usec / 1000 : usec;
    }
    m->pos = start + PCAP_DIRECT_RECORD_HEADER_LEN + caplen;
    return PCAP_DIRECT_RECORD;
}
