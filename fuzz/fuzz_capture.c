/* fuzz_capture.c — libFuzzer target for the capture layer.
 *
 * The input is read as a capture file from memory (fmemopen), twice in one
 * set so the timestamp merge runs too, and every frame is drained and its
 * bytes touched: ASan then checks that caplen never overstates the data.
 * Not a test of libpcap's own parsers beyond what the capture API exposes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *ctx, const char *path, uint64_t offset, const char *msg)
{
    (void)offset;
    size_t *len = ctx;
    *len += strlen(path) + strlen(msg); /* both must be valid strings */
}

static int add_copy(struct capture_set *s, uint8_t *copy, size_t size, const char *name)
{
    /* fmemopen() refuses a zero-size buffer; an empty file is "" of length 0. */
    FILE *fp = fmemopen(copy, size ? size : 1, "rb");
    if (!fp)
        return -1;
    if (size == 0)
        fseek(fp, 0, SEEK_END); /* position 1 would be past the data: read nothing */
    return capture_set_add_stream(s, fp, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t msg_len = 0;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    else
        copy[0] = 0;
    struct capture_set *s = capture_set_new(on_error, &msg_len);
    if (!s)
        goto done;
    add_copy(s, copy, size, "fuzz-a");
    add_copy(s, copy, size, "fuzz-b");
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
done:
    free(copy);
    return 0;
}
