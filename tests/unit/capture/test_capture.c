/* test_capture.c — unit tests for src/capture/ (capture_set over libpcap).
 *
 * Each test writes small pcap / pcapng files into a fresh temp directory and
 * checks what comes out: merge order, directories, and every kind of damage
 * (path, byte offset and message). Shared real captures are used when
 * HRADBA_SHARED_PCAPS (default /work/shared/pcaps) exists, else skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture_fixture.h"

#include <cmocka.h>

/* ---- reading back ---- */

struct seen_error {
    char path[512];
    uint64_t offset;
    char msg[600];
};

struct errors {
    struct seen_error e[8];
    size_t n;
};

static void on_error(void *ctx, const char *path, uint64_t offset, const char *msg)
{
    struct errors *errs = ctx;
    if (errs->n < 8) {
        struct seen_error *e = &errs->e[errs->n];
        snprintf(e->path, sizeof(e->path), "%s", path);
        snprintf(e->msg, sizeof(e->msg), "%s", msg);
        e->offset = offset;
    }
    errs->n++;
}

struct got {
    uint64_t ts_us, frame_no;
    uint32_t source, caplen, wirelen;
    int linktype;
    uint8_t first;
};

static size_t drain(struct capture_set *s, struct got *g, size_t max)
{
    size_t n = 0;
    struct capture_frame f;
    while (capture_set_next(s, &f) == CAPTURE_FRAME) {
        if (n < max) {
            g[n].ts_us = f.ts_us;
            g[n].frame_no = f.frame_no;
            g[n].source = f.source;
            g[n].caplen = f.caplen;
            g[n].wirelen = f.wirelen;
            g[n].linktype = f.linktype;
            g[n].first = f.caplen ? f.data[0] : 0;
        }
        n++;
    }
    /* The end is sticky. */
    assert_int_equal(capture_set_next(s, &f), CAPTURE_END);
    return n;
}

static uint64_t counter(const struct capture_set *s, const char *name)
{
    struct counter_view v = capture_set_counters(s);
    assert_string_equal(v.section, "capture");
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s", name);
    return 0;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static struct capture_set *open_paths(struct errors *errs, size_t n, ...)
{
    const char *paths[8];
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        paths[i] = va_arg(ap, const char *);
    va_end(ap);
    memset(errs, 0, sizeof(*errs));
    struct capture_set *s = capture_set_open(paths, n, on_error, errs);
    assert_non_null(s);
    return s;
}

/* ---- order ---- */

static void test_merge_two_files(void **state)
{
    (void)state;
    struct fixture_buf a = {0}, b = {.is_be = true};
    fixture_pcap_header(&a, MAGIC_US, 65535, 1);
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    for (uint32_t i = 0; i < 3; i++) {
        fixture_pcap_record(&a, 10 + 2 * i, 500, 60, 60, 2 * i);
        fixture_pcap_record(&b, 11 + 2 * i, 0, 61, 1500, 2 * i + 1);
    }
    fixture_pcap_record(&b, 15, 1, 62, 62, 6); /* b goes on alone once a is exhausted */
    char *pa = fixture_write("a.pcap", &a, SIZE_MAX);
    char *pb = fixture_write("b_be.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 2, pa, pb);
    assert_int_equal(capture_set_count(s), 2);
    assert_string_equal(capture_set_path(s, 1), pb);
    assert_null(capture_set_path(s, 2));
    struct got g[16];
    assert_int_equal(drain(s, g, 16), 7);
    /* a: 10.0005 12.0005 14.0005; b: 11 13 15 15 */
    const uint32_t want_src[] = {0, 1, 0, 1, 0, 1, 1};
    const uint64_t want_no[] = {1, 1, 2, 2, 3, 3, 4};
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(g[i].source, want_src[i]);
        assert_int_equal(g[i].frame_no, want_no[i]);
        assert_int_equal(g[i].first, fixture_pattern((uint32_t)i, 0));
        assert_int_equal(g[i].linktype, 1);
        if (i)
            assert_true(g[i].ts_us >= g[i - 1].ts_us);
    }
    assert_int_equal(g[0].ts_us, 10000500u);
    assert_int_equal(g[1].caplen, 61);
    assert_int_equal(g[1].wirelen, 1500);
    assert_int_equal(errs.n, 0);
    assert_int_equal(capture_set_errors(s), 0);
    assert_int_equal(counter(s, "files.opened"), 2);
    assert_int_equal(counter(s, "frames"), 7);
    assert_int_equal(counter(s, "bytes"), 3 * 60 + 3 * 61 + 62);
    assert_int_equal(counter(s, "frames.truncated"), 3);
    assert_int_equal(counter(s, "frames.out_of_order"), 0);
    uint64_t total = fixture_file_size(pa) + fixture_file_size(pb);
    assert_int_equal(capture_set_bytes_total(s), total);
    assert_int_equal(capture_set_bytes_read(s), total);
    capture_set_close(s);
    free(pa);
    free(pb);
}

static void test_equal_timestamps_keep_source_order(void **state)
{
    (void)state;
    struct fixture_buf a = {0}, b = {0};
    fixture_pcap_header(&a, MAGIC_US, 65535, 1);
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    fixture_pcap_record(&a, 5, 0, 10, 10, 1);
    fixture_pcap_record(&a, 5, 0, 10, 10, 2);
    fixture_pcap_record(&b, 5, 0, 10, 10, 3);
    char *pa = fixture_write("tie_a.pcap", &a, SIZE_MAX);
    char *pb = fixture_write("tie_b.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 2, pb, pa); /* b is source 0 */
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 3);
    assert_int_equal(g[0].first, fixture_pattern(3, 0));
    assert_int_equal(g[1].first, fixture_pattern(1, 0));
    assert_int_equal(g[2].first, fixture_pattern(2, 0));
    capture_set_close(s);
    free(pa);
    free(pb);
}

static void test_out_of_order_within_file(void **state)
{
    (void)state;
    struct fixture_buf a = {0};
    fixture_pcap_header(&a, MAGIC_US, 65535, 1);
    const uint32_t secs[] = {1, 3, 2, 4, 0};
    for (uint32_t i = 0; i < 5; i++)
        fixture_pcap_record(&a, secs[i], 0, 20, 20, i);
    char *pa = fixture_write("ooo.pcap", &a, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, pa);
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 5);
    for (uint32_t i = 0; i < 5; i++) /* file order is kept, never re-sorted */
        assert_int_equal(g[i].ts_us, (uint64_t)secs[i] * 1000000u);
    assert_int_equal(counter(s, "frames.out_of_order"), 2);
    assert_int_equal(errs.n, 0);
    capture_set_close(s);
    free(pa);
}

static void test_nanosecond_and_linktype(void **state)
{
    (void)state;
    struct fixture_buf a = {.is_be = true};
    fixture_pcap_header(&a, MAGIC_NS, 65535, 101); /* LINKTYPE_RAW: libpcap says DLT_RAW 12 */
    fixture_pcap_record(&a, 1, 999999999, 20, 20, 1);
    fixture_pcap_record(&a, 2, 1500, 20, 20, 2);
    char *pa = fixture_write("nano_be.pcap", &a, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, pa);
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 2);
    assert_int_equal(g[0].ts_us, 1999999u);
    assert_int_equal(g[1].ts_us, 2000001u);
    assert_int_equal(g[0].linktype, 101);
    assert_int_equal(errs.n, 0);
    capture_set_close(s);
    free(pa);
}

/* ---- inputs ---- */

static void test_directory(void **state)
{
    (void)state;
    char *dir = fixture_path("dir");
    char *sub = fixture_path("dir/sub");
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    struct fixture_buf a = {0}, b = {0}, c = {0}, h = {0}, t = {0};
    fixture_pcap_header(&a, MAGIC_US, 65535, 1);
    fixture_pcap_record(&a, 1, 0, 30, 30, 1);
    fixture_pcap_record(&a, 3, 0, 30, 30, 3);
    fixture_pcap_header(&b, MAGIC_NS, 65535, 1);
    fixture_pcap_record(&b, 2, 0, 30, 30, 2);
    fixture_pcap_header(&c, MAGIC_US, 65535, 1);
    fixture_pcap_record(&c, 0, 0, 30, 30, 9);
    fixture_pcap_header(&h, MAGIC_US, 65535, 1);
    fixture_pcap_record(&h, 0, 0, 30, 30, 9);
    fixture_put_bytes(&t, "not a capture\n", 14);
    free(fixture_write("dir/b.cap", &b, SIZE_MAX));
    free(fixture_write("dir/a.pcap", &a, SIZE_MAX));
    free(fixture_write("dir/sub/c.pcap", &c, SIZE_MAX));
    free(fixture_write("dir/.hidden.pcap", &h, SIZE_MAX));
    free(fixture_write("dir/notes.txt", &t, SIZE_MAX));
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, dir);
    assert_int_equal(capture_set_count(s), 2);
    assert_contains(capture_set_path(s, 0), "dir/a.pcap");
    assert_contains(capture_set_path(s, 1), "dir/b.cap");
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 3);
    assert_int_equal(g[0].first, fixture_pattern(1, 0));
    assert_int_equal(g[1].first, fixture_pattern(2, 0));
    assert_int_equal(g[1].source, 1);
    assert_int_equal(g[2].first, fixture_pattern(3, 0));
    assert_int_equal(counter(s, "files.skipped"), 2); /* notes.txt, sub/ */
    assert_int_equal(errs.n, 0);
    capture_set_close(s);

    /* A trailing slash does not double up in the paths. */
    char *slashed = fixture_path("dir/");
    s = open_paths(&errs, 1, slashed);
    assert_int_equal(capture_set_count(s), 2);
    assert_null(strstr(capture_set_path(s, 0), "//"));
    capture_set_close(s);
    free(slashed);

    /* A directory with nothing to read says so. */
    char *empty = fixture_path("emptydir");
    assert_int_equal(mkdir(empty, 0700), 0);
    s = open_paths(&errs, 1, empty);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].path, empty);
    assert_contains(errs.e[0].msg, "no pcap or pcapng files");
    assert_int_equal(drain(s, g, 8), 0);
    capture_set_close(s);
    free(empty);
    free(dir);
    free(sub);
}

static void test_missing_path(void **state)
{
    (void)state;
    char *missing = fixture_path("does-not-exist.pcap");
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, missing);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].path, missing);
    assert_contains(errs.e[0].msg, "cannot open: No such file or directory");
    assert_int_equal(capture_set_count(s), 0);
    assert_int_equal(counter(s, "files.failed"), 1);
    struct capture_frame f;
    assert_int_equal(capture_set_next(s, &f), CAPTURE_END);
    assert_int_equal(capture_set_add_path(s, missing), -EBUSY);
    capture_set_close(s);
    free(missing);
}

static void test_stream_and_stdin(void **state)
{
    (void)state;
    struct fixture_buf a = {0};
    fixture_pcap_header(&a, MAGIC_US, 65535, 1);
    fixture_pcap_record(&a, 1, 0, 40, 40, 4);
    fixture_pcap_record(&a, 2, 0, 40, 40, 5);
    struct errors errs = {0};
    struct capture_set *s = capture_set_new(on_error, &errs);
    assert_non_null(s);
    FILE *mem = fmemopen(a.p, a.len, "rb");
    assert_non_null(mem);
    assert_int_equal(capture_set_add_stream(s, mem, "<memory>"), 0);
    assert_string_equal(capture_set_path(s, 0), "<memory>");
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 2);
    assert_int_equal(g[1].first, fixture_pattern(5, 0));
    assert_int_equal(errs.n, 0);
    capture_set_close(s);

    /* "-" reads standard input; point fd 0 at the file for the test. */
    char *pa = fixture_write("stdin.pcap", &a, SIZE_MAX);
    int saved = dup(0);
    int fd = open(pa, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    s = open_paths(&errs, 2, "-", "-");
    assert_int_equal(errs.n, 1);
    assert_contains(errs.e[0].msg, "standard input given twice");
    assert_int_equal(capture_set_count(s), 1);
    assert_int_equal(drain(s, g, 4), 2);
    assert_int_equal(capture_set_bytes_read(s), fixture_file_size(pa));
    capture_set_close(s);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    clearerr(stdin);
    free(pa);
}

/* ---- damage ---- */

/* Two good 60-byte frames (offsets 24 and 100) then the third record
 * cut to keep bytes, at offset 176. */
static char *two_frames_then_cut(const char *name, size_t keep)
{
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    for (uint32_t i = 0; i < 3; i++)
        fixture_pcap_record(&b, 1 + 2 * i, 0, 60, 60, i);
    return fixture_write(name, &b, HDR_LEN + 2 * (REC_HDR_LEN + 60) + keep);
}

static void check_cut(size_t keep, const char *libpcap_says)
{
    char *bad = two_frames_then_cut("cut.pcap", keep);
    struct fixture_buf o = {0};
    fixture_pcap_header(&o, MAGIC_US, 65535, 1);
    for (uint32_t i = 0; i < 4; i++)
        fixture_pcap_record(&o, 2 + 2 * i, 0, 50, 50, 10 + i);
    char *other = fixture_write("other.pcap", &o, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 2, bad, other);
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 6); /* 2 before the cut + all 4 of the other file */
    assert_int_equal(g[0].source, 0);
    assert_int_equal(g[2].source, 0);
    assert_int_equal(g[2].frame_no, 2);
    assert_int_equal(g[5].source, 1);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].path, bad);
    assert_int_equal(errs.e[0].offset, HDR_LEN + 2 * (REC_HDR_LEN + 60));
    assert_contains(errs.e[0].msg, "truncated capture");
    assert_contains(errs.e[0].msg, libpcap_says);
    assert_contains(errs.e[0].msg, "the 2 frames before it were delivered");
    assert_int_equal(counter(s, "files.failed"), 1);
    assert_int_equal(counter(s, "errors"), 1);
    assert_int_equal(capture_set_bytes_read(s), capture_set_bytes_total(s));
    capture_set_close(s);
    free(bad);
    free(other);
}

static void test_truncated_record_data(void **state)
{
    (void)state;
    check_cut(REC_HDR_LEN + 30, "tried to read 60 captured bytes, only got 30");
}

static void test_truncated_record_header(void **state)
{
    (void)state;
    check_cut(7, "tried to read 16 header bytes, only got 7");
}

static void test_not_a_capture(void **state)
{
    (void)state;
    struct fixture_buf g = {0}, e = {0}, h = {0}, ok = {0};
    for (int i = 0; i < 8; i++)
        fixture_put_bytes(&g, "GET / HTTP/1.1\r\n", 16);
    fixture_pcap_header(&h, MAGIC_US, 65535, 1);
    fixture_pcap_header(&ok, MAGIC_US, 65535, 1);
    fixture_pcap_record(&ok, 1, 0, 10, 10, 1);
    char *garbage = fixture_write("garbage.pcap", &g, SIZE_MAX);
    char *empty = fixture_write("empty.pcap", &e, 0);
    char *short_hdr = fixture_write("short.pcap", &h, 10);
    fixture_pcap_header(&h, MAGIC_US, 65535, 1);
    char *hdr_only = fixture_write("hdr_only.pcap", &h, SIZE_MAX);
    char *good = fixture_write("good.pcap", &ok, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 5, garbage, empty, short_hdr, hdr_only, good);
    struct got gg[4];
    assert_int_equal(drain(s, gg, 4), 1);
    assert_int_equal(errs.n, 3);
    assert_string_equal(errs.e[0].path, garbage);
    assert_int_equal(errs.e[0].offset, 0);
    assert_string_equal(errs.e[0].msg, "not a pcap or pcapng file (libpcap: unknown file format)");
    assert_string_equal(errs.e[1].path, empty);
    assert_string_equal(errs.e[1].msg, "empty file, not a pcap or pcapng file");
    assert_string_equal(errs.e[2].path, short_hdr);
    assert_contains(errs.e[2].msg, "file header cut short");
    assert_contains(errs.e[2].msg, "tried to read 24 file header bytes, only got 6");
    assert_int_equal(capture_set_count(s), 2); /* header-only is a valid, empty capture */
    assert_int_equal(counter(s, "files.opened"), 2);
    assert_int_equal(counter(s, "files.failed"), 3);
    capture_set_close(s);
    free(garbage);
    free(empty);
    free(short_hdr);
    free(hdr_only);
    free(good);
}

static void test_caplen_over_snaplen(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 100, 1);
    fixture_pcap_record(&b, 1, 0, 60, 60, 1);
    fixture_pcap_record(&b, 2, 0, 200, 200, 2); /* offset 100 */
    fixture_pcap_record(&b, 3, 0, 150, 150, 3);
    fixture_pcap_record(&b, 4, 0, 60, 60, 4);
    char *p = fixture_write("oversnap.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 4); /* nothing lost after the long records */
    assert_int_equal(g[1].caplen, 100);
    assert_int_equal(g[1].wirelen, 200);
    assert_int_equal(g[1].first, fixture_pattern(2, 0));
    assert_int_equal(g[3].first, fixture_pattern(4, 0));
    assert_int_equal(counter(s, "frames.clipped"), 2);
    assert_int_equal(errs.n, 1); /* reported once per file */
    assert_int_equal(errs.e[0].offset, HDR_LEN + REC_HDR_LEN + 60);
    assert_contains(errs.e[0].msg, "frame 2: captured length 200 is over the file's snap "
                                   "length 100; libpcap cut it to 100 bytes");
    capture_set_close(s);
    free(p);
}

static void test_corrupt_length(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    fixture_pcap_record(&b, 1, 0, 60, 60, 1);
    fixture_put_u32(&b, 2);
    fixture_put_u32(&b, 0);
    fixture_put_u32(&b, 0x7fffffffu);
    fixture_put_u32(&b, 0x7fffffffu);
    fixture_pcap_record(&b, 3, 0, 60, 60, 3);
    char *p = fixture_write("badlen.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 1);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.e[0].offset, HDR_LEN + REC_HDR_LEN + 60);
    assert_contains(errs.e[0].msg, "corrupt record (libpcap: invalid packet capture length "
                                   "2147483647, bigger than snaplen of 65535)");
    capture_set_close(s);
    free(p);
}

static void test_zero_length_frame(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    fixture_pcap_record(&b, 1, 0, 0, 0, 1);
    fixture_pcap_record(&b, 1, 1, 0, 64, 2);
    fixture_pcap_record(&b, 2, 0, 60, 60, 3);
    char *p = fixture_write("zero.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 3);
    assert_int_equal(g[0].caplen, 0);
    assert_int_equal(g[1].caplen, 0);
    assert_int_equal(g[1].wirelen, 64);
    assert_int_equal(g[2].first, fixture_pattern(3, 0));
    assert_int_equal(counter(s, "frames.empty"), 2);
    assert_int_equal(counter(s, "frames.truncated"), 1);
    assert_int_equal(errs.n, 0);
    capture_set_close(s);
    free(p);
}

static void test_jumbo_frames(void **state)
{
    (void)state;
    const uint32_t jumbo = 200 * 1024;
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 262144, 1);
    fixture_pcap_record(&b, 1, 0, jumbo, jumbo, 5);
    fixture_pcap_record(&b, 2, 0, 262144, 262144, 6); /* libpcap's upper limit */
    fixture_pcap_record(&b, 3, 0, 300 * 1024, 300 * 1024, 7);
    fixture_pcap_record(&b, 4, 0, 60, 60, 8);
    char *p = fixture_write("jumbo.pcap", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct capture_frame f;
    assert_int_equal(capture_set_next(s, &f), CAPTURE_FRAME);
    assert_int_equal(f.caplen, jumbo);
    for (uint32_t i = 0; i < jumbo; i++)
        if (f.data[i] != fixture_pattern(5, i))
            fail_msg("jumbo byte %u differs", i);
    assert_int_equal(capture_set_next(s, &f), CAPTURE_FRAME);
    assert_int_equal(f.caplen, 262144);
    assert_int_equal(f.data[262143], fixture_pattern(6, 262143));
    /* Over libpcap's limit: that one record is skipped, the file goes on. */
    assert_int_equal(capture_set_next(s, &f), CAPTURE_FRAME);
    assert_int_equal(f.caplen, 60);
    assert_int_equal(f.frame_no, 4);
    assert_int_equal(f.data[0], fixture_pattern(8, 0));
    assert_int_equal(capture_set_next(s, &f), CAPTURE_END);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.e[0].offset, HDR_LEN + 2 * REC_HDR_LEN + jumbo + 262144);
    assert_contains(errs.e[0].msg, "frame 3 skipped: captured length 307200");
    assert_contains(errs.e[0].msg, "invalid packet capture length 307200");
    assert_int_equal(counter(s, "bytes"), jumbo + 262144 + 60);
    assert_int_equal(counter(s, "records.skipped"), 1);
    assert_int_equal(counter(s, "files.failed"), 0);
    capture_set_close(s);
    free(p);
}

static void test_oversized_record_cut_short(void **state)
{
    (void)state;
    /* The same oversized record, but the file ends inside it: no skipping. */
    struct fixture_buf b = {0};
    fixture_pcap_header(&b, MAGIC_US, 262144, 1);
    fixture_pcap_record(&b, 1, 0, 60, 60, 1);
    fixture_pcap_record(&b, 2, 0, 300 * 1024, 300 * 1024, 2);
    char *p = fixture_write("oversize_cut.pcap", &b, HDR_LEN + 2 * REC_HDR_LEN + 60 + 1000);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[4];
    assert_int_equal(drain(s, g, 4), 1);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.e[0].offset, HDR_LEN + REC_HDR_LEN + 60);
    assert_contains(errs.e[0].msg, "corrupt record (libpcap: invalid packet capture length "
                                   "307200, bigger than snaplen of 262144)");
    assert_int_equal(counter(s, "records.skipped"), 0);
    assert_int_equal(counter(s, "files.failed"), 1);
    capture_set_close(s);
    free(p);
}

/* ---- pcapng interfaces (libpcap 1.10 keeps only those like the first) ---- */

static void test_pcapng_refused_interface_skipped(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    fixture_pcapng_shb(&b);
    fixture_pcapng_idb(&b, 1, 65535);
    fixture_pcapng_idb(&b, 101, 65535); /* refused: other link type */
    fixture_pcapng_epb(&b, 0, 1000001, 60, 1);
    fixture_pcapng_epb(&b, 1, 1000002, 20, 2); /* on the refused one */
    fixture_pcapng_epb(&b, 0, 1000003, 61, 3);
    fixture_pcapng_epb(&b, 1, 1000004, 20, 4);
    fixture_pcapng_epb(&b, 0, 1000005, 62, 5);
    char *p = fixture_write("two_if.pcapng", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 3);
    const uint64_t want_no[] = {1, 3, 5}; /* numbered like tshark numbers them */
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(g[i].frame_no, want_no[i]);
        assert_int_equal(g[i].caplen, 60 + i);
        assert_int_equal(g[i].first, fixture_pattern((uint32_t)(2 * i + 1), 0));
        assert_int_equal(g[i].ts_us, 1000001 + 2 * i);
    }
    assert_int_equal(counter(s, "records.skipped"), 3); /* the IDB and 2 packets */
    assert_int_equal(counter(s, "files.failed"), 0);
    assert_int_equal(errs.n, 2);
    assert_int_equal(errs.e[0].offset, 28 + 20); /* the read that met the IDB */
    assert_contains(errs.e[0].msg, "an interface has a type 101 different from the type of "
                                   "the first interface");
    assert_contains(errs.e[1].msg, "2 more records on pcapng interfaces");
    capture_set_close(s);
    free(p);
}

static void test_pcapng_misnumbering_stops(void **state)
{
    (void)state;
    /* Interface 1 is refused, so libpcap numbers interface 2 as 1: a packet
     * on interface 1 would come out as Ethernet. Big-endian, to walk both. */
    struct fixture_buf b = {.is_be = true};
    fixture_pcapng_shb(&b);
    fixture_pcapng_idb(&b, 1, 0);
    fixture_pcapng_idb(&b, 0, 0);
    fixture_pcapng_idb(&b, 1, 0);
    fixture_pcapng_epb(&b, 0, 5, 60, 1);
    fixture_pcapng_epb(&b, 1, 6, 20, 2);
    fixture_pcapng_epb(&b, 2, 7, 60, 3);
    char *p = fixture_write("misnumbered.pcapng", &b, SIZE_MAX);
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[8];
    assert_int_equal(drain(s, g, 8), 0); /* libpcap meets IDB 1 before any packet */
    assert_int_equal(errs.n, 1);
    assert_contains(errs.e[0].msg, "would then label later frames with the wrong interface");
    assert_contains(errs.e[0].msg, "reading stops here, the 0 frames before were delivered");
    assert_int_equal(counter(s, "files.failed"), 1);
    capture_set_close(s);
    free(p);
}

/* ---- real captures ---- */

static const char *shared_dir(void)
{
    const char *d = getenv("HRADBA_SHARED_PCAPS");
    return d ? d : "/work/shared/pcaps";
}

/* Column 9 (packets) of MANIFEST.tsv for file, or -1. */
static long manifest_packets(const char *file)
{
    char *path = NULL;
    assert_true(asprintf(&path, "%s/MANIFEST.tsv", shared_dir()) > 0);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return -1;
    char line[4096];
    long packets = -1;
    size_t flen = strlen(file);
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, file, flen) != 0 || line[flen] != '\t')
            continue;
        char *col = line;
        for (int i = 1; i < 9 && col; i++) {
            col = strchr(col, '\t');
            col = col ? col + 1 : NULL;
        }
        if (col)
            packets = strtol(col, NULL, 10);
        break;
    }
    fclose(f);
    return packets;
}

static void test_shared_pcap_counts(void **state)
{
    (void)state;
    const char *files[] = {"dns/tcpdump__tests__dns_udp_2.pcap",
                           "http/misc__secdev+scapy__test__pcaps__http_head.pcapng",
                           "truncated/tcpdump__tests__stp-heapoverflow-1.pcap"};
    if (manifest_packets(files[0]) < 0)
        skip();
    for (size_t i = 0; i < 3; i++) {
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", shared_dir(), files[i]) > 0);
        struct errors errs;
        struct capture_set *s = open_paths(&errs, 1, p);
        struct got g[1];
        long want = manifest_packets(files[i]);
        assert_true(want > 0);
        assert_int_equal(drain(s, g, 1), want);
        assert_int_equal(errs.n, 0);
        assert_int_equal(capture_set_bytes_read(s), fixture_file_size(p));
        capture_set_close(s);
        free(p);
    }
}

static void test_shared_pcapng_many_interfaces(void **state)
{
    (void)state;
    char *p = NULL;
    assert_true(asprintf(&p,
                         "%s/tls12_clienthello/pcapplusplus__Tests__Pcap++Test__"
                         "PcapExamples__many_interfaces-1.pcapng",
                         shared_dir()) > 0);
    if (access(p, R_OK) != 0) {
        free(p);
        skip();
    }
    struct errors errs;
    struct capture_set *s = open_paths(&errs, 1, p);
    struct got g[64];
    /* libpcap 1.10 refuses the interfaces unlike the first (link type 0 after
     * 1) and the 2 packets on them; the 62 others of 64 come through. */
    assert_int_equal(drain(s, g, 64), 62);
    for (size_t i = 0; i < 62; i++)
        assert_int_equal(g[i].linktype, 1);
    assert_int_equal(g[61].frame_no, 64);
    assert_int_equal(counter(s, "records.skipped"), 5);
    assert_int_equal(errs.n, 2);
    assert_int_equal(errs.e[0].offset, 256);
    assert_contains(errs.e[0].msg, "pcapng interface differs from the first in link type");
    assert_contains(errs.e[0].msg, "an interface has a type 0 different from the type of "
                                   "the first interface");
    assert_int_equal(errs.e[1].offset, UINT64_MAX);
    assert_string_equal(errs.e[1].msg, "4 more records on pcapng interfaces libpcap refused "
                                       "were skipped (see the first message for this file)");
    assert_int_equal(counter(s, "files.failed"), 0);
    capture_set_close(s);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_two_files),
        cmocka_unit_test(test_equal_timestamps_keep_source_order),
        cmocka_unit_test(test_out_of_order_within_file),
        cmocka_unit_test(test_nanosecond_and_linktype),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_missing_path),
        cmocka_unit_test(test_stream_and_stdin),
        cmocka_unit_test(test_truncated_record_data),
        cmocka_unit_test(test_truncated_record_header),
        cmocka_unit_test(test_not_a_capture),
        cmocka_unit_test(test_caplen_over_snaplen),
        cmocka_unit_test(test_corrupt_length),
        cmocka_unit_test(test_zero_length_frame),
        cmocka_unit_test(test_jumbo_frames),
        cmocka_unit_test(test_oversized_record_cut_short),
        cmocka_unit_test(test_pcapng_refused_interface_skipped),
        cmocka_unit_test(test_pcapng_misnumbering_stops),
        cmocka_unit_test(test_shared_pcap_counts),
        cmocka_unit_test(test_shared_pcapng_many_interfaces),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
