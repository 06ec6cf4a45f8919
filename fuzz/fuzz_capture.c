/* fuzz_capture.c — libFuzzer target for the capture layer.
 *
 * The input is read as a capture file twice in one set, once from memory
 * (fmemopen: libpcap's reader) and once from a memfd (a regular file: the
 * direct reader), so the timestamp merge runs too, and every frame is
 * drained and its bytes touched: ASan then checks that caplen never
 * overstates the data. Then it is a differential fuzzer: the same file is
 * read by libpcap's reader and by both direct ones (pread and mmap) in
 * lockstep, and any difference in a frame, a problem or a position aborts.
 * Not a test of libpcap's own parsers beyond what the capture API exposes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/pcap_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *ctx, const char *path, uint64_t offset, const char *msg)
{
    (void)offset;
    size_t *len = ctx;
    *len += strlen(path) + strlen(msg); /* both must be valid strings */
}

static FILE *memory_stream(uint8_t *copy, size_t size)
{
    /* fmemopen() refuses a zero-size buffer; an empty file is "" of length 0. */
    FILE *fp = fmemopen(copy, size ? size : 1, "rb");
    if (fp && size == 0)
        fseek(fp, 0, SEEK_END); /* position 1 would be past the data: read nothing */
    return fp;
}

/* The input as a regular file of its own (each with its own offset). */
static FILE *file_stream(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            return NULL;
        }
        done += (size_t)n;
    }
    FILE *fp = NULL;
    if (lseek(fd, 0, SEEK_SET) == 0)
        fp = fdopen(fd, "rb");
    if (!fp)
        close(fd);
    return fp;
}

static void merge_run(uint8_t *copy, const uint8_t *data, size_t size)
{
    size_t msg_len = 0;
    struct capture_set *s = capture_set_new(on_error, &msg_len);
    if (!s)
        return;
    FILE *a = memory_stream(copy, size);
    if (a)
        capture_set_add_stream(s, a, "fuzz-a");
    FILE *b = file_stream(data, size);
    if (b)
        capture_set_add_stream(s, b, "fuzz-b");
    struct capture_frame f;
    volatile uint8_t sink = 0;
    uint64_t last_a = 0, frames = 0;
    while (capture_set_next(s, &f) == CAPTURE_FRAME) {
        for (uint32_t i = 0; i < f.caplen; i++)
            sink ^= f.data[i];
        if (f.source >= capture_set_count(s) || f.frame_no == 0)
            abort();
        if (f.source == 0 && f.frame_no <= last_a && frames)
            abort(); /* frames of one file come out in file order */
        if (f.source == 0)
            last_a = f.frame_no;
        frames++;
    }
    (void)sink;
    (void)capture_set_bytes_read(s);
    (void)capture_set_bytes_total(s);
    capture_set_close(s);
}

/* ---- differential: every reader over the same file ---- */

enum { N_READERS = 3 };
static const enum pcap_file_reader readers[N_READERS] = {
    PCAP_FILE_READER_LIBPCAP, PCAP_FILE_READER_DIRECT_READ, PCAP_FILE_READER_DIRECT_MAP};

static void differ(const char *what, uint64_t step, const char *a, const char *b)
{
    fprintf(stderr, "readers differ at step %llu: %s\n  libpcap: %s\n  direct:  %s\n",
            (unsigned long long)step, what, a, b);
    abort();
}

static bool same_problem(const struct pcap_file_problem *a, const struct pcap_file_problem *b)
{
    return a->offset == b->offset && a->is_quiet == b->is_quiet && strcmp(a->msg, b->msg) == 0;
}

static bool same_frame(const struct pcap_file_frame *a, const struct pcap_file_frame *b)
{
    const struct capture_frame *x = &a->frame, *y = &b->frame;
    return x->ts_us == y->ts_us && x->caplen == y->caplen && x->wirelen == y->wirelen &&
           x->linktype == y->linktype && x->frame_no == y->frame_no && a->offset == b->offset &&
           a->clipped_from == b->clipped_from && a->snaplen == b->snaplen &&
           a->is_out_of_order == b->is_out_of_order &&
           (x->caplen == 0 || memcmp(x->data, y->data, x->caplen) == 0);
}

static void differential_run(const uint8_t *data, size_t size)
{
    struct pcap_file *f[N_READERS] = {NULL};
    struct pcap_file_problem why[N_READERS];
    for (int i = 0; i < N_READERS; i++) {
        FILE *fp = file_stream(data, size);
        if (!fp)
            goto done; /* out of descriptors or memory: nothing to compare */
        f[i] = pcap_file_open_stream_with(fp, readers[i], &why[i]);
    }
    for (int i = 1; i < N_READERS; i++) {
        if (!f[0] != !f[i])
            differ("open", 0, f[0] ? "opened" : why[0].msg, f[i] ? "opened" : why[i].msg);
        if (!f[0] && !same_problem(&why[0], &why[i]))
            differ("open problem", 0, why[0].msg, why[i].msg);
        if (f[0] && pcap_file_is_direct(f[i]) != pcap_file_is_direct(f[1]))
            differ("choice of reader", 0, "", "");
    }
    if (!f[0])
        goto done;
    for (uint64_t step = 1;; step++) {
        struct pcap_file_frame out[N_READERS];
        enum pcap_file_status st[N_READERS];
        for (int i = 0; i < N_READERS; i++) {
            memset(&why[i], 0, sizeof(why[i]));
            st[i] = pcap_file_next(f[i], &out[i], &why[i]);
            if (st[i] == PCAP_FILE_GOT_FRAME && out[i].frame.caplen && !out[i].frame.data)
                abort();
        }
        for (int i = 1; i < N_READERS; i++) {
            if (st[i] != st[0])
                differ("status", step, why[0].msg, why[i].msg);
            if (st[0] == PCAP_FILE_GOT_FRAME && !same_frame(&out[0], &out[i]))
                differ("frame", step, "", "");
            if ((st[0] == PCAP_FILE_SKIPPED || st[0] == PCAP_FILE_BROKEN) &&
                !same_problem(&why[0], &why[i]))
                differ("problem", step, why[0].msg, why[i].msg);
            if (pcap_file_position(f[i]) != pcap_file_position(f[0]) ||
                pcap_file_size(f[i]) != pcap_file_size(f[0]))
                differ("position", step, "", "");
        }
        if (st[0] == PCAP_FILE_AT_END)
            break;
    }
done:
    for (int i = 0; i < N_READERS; i++)
        pcap_file_close(f[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    else
        copy[0] = 0;
    merge_run(copy, data, size);
    differential_run(data, size);
    free(copy);
    return 0;
}
