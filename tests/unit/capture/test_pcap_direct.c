/* test_pcap_direct.c — the direct classic-pcap readers against libpcap's.
 *
 * Every file is read three times in lockstep -- through pcap_next_ex(), and
 * directly over pread(2) and over mmap(2) -- and every step must agree: the
 * status, every field and byte of each frame, every problem (offset, message,
 * quietness) and the byte position. Files: hand-made hostile ones, and every
 * file of the shared capture set (HRADBA_SHARED_PCAPS) when it is there.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "capture/pcap_direct.h"
#include "capture/pcap_file.h"
#include "capture_fixture.h"

#include <cmocka.h>

enum { N_READERS = 3 };
static const enum pcap_file_reader readers[N_READERS] = {
    PCAP_FILE_READER_LIBPCAP, PCAP_FILE_READER_DIRECT_READ, PCAP_FILE_READER_DIRECT_MAP};
static const char *const reader_names[N_READERS] = {"libpcap", "direct-read", "direct-map"};

struct tally {
    uint64_t files, direct, frames, problems;
};

static struct pcap_file *open_at(const char *path, long skip, enum pcap_file_reader r,
                                 struct pcap_file_problem *why)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fail_msg("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (skip > 0)
        assert_int_equal(fseek(fp, skip, SEEK_SET), 0);
    return pcap_file_open_stream_with(fp, r, why);
}

static void same_problem(const char *path, uint64_t step, const struct pcap_file_problem *a,
                         const struct pcap_file_problem *b, const char *name)
{
    if (a->offset != b->offset || a->is_quiet != b->is_quiet || strcmp(a->msg, b->msg) != 0)
        fail_msg("%s step %llu: %s says (%llu%s) \"%s\", libpcap (%llu%s) \"%s\"", path,
                 (unsigned long long)step, name, (unsigned long long)b->offset,
                 b->is_quiet ? ", quiet" : "", b->msg, (unsigned long long)a->offset,
                 a->is_quiet ? ", quiet" : "", a->msg);
}

static void same_frame(const char *path, const struct pcap_file_frame *a,
                       const struct pcap_file_frame *b, const char *name)
{
    const struct capture_frame *x = &a->frame, *y = &b->frame;
    if (x->ts_us != y->ts_us || x->caplen != y->caplen || x->wirelen != y->wirelen ||
        x->linktype != y->linktype || x->source != y->source || x->frame_no != y->frame_no ||
        a->offset != b->offset || a->clipped_from != b->clipped_from || a->snaplen != b->snaplen ||
        a->is_out_of_order != b->is_out_of_order)
        fail_msg("%s frame %llu: %s gives ts %llu caplen %u wirelen %u link %d offset %llu "
                 "clipped %u snap %d ooo %d; libpcap ts %llu caplen %u wirelen %u link %d "
                 "offset %llu clipped %u snap %d ooo %d",
                 path, (unsigned long long)x->frame_no, name, (unsigned long long)y->ts_us,
                 y->caplen, y->wirelen, y->linktype, (unsigned long long)b->offset, b->clipped_from,
                 b->snaplen, b->is_out_of_order, (unsigned long long)x->ts_us, x->caplen,
                 x->wirelen, x->linktype, (unsigned long long)a->offset, a->clipped_from,
                 a->snaplen, a->is_out_of_order);
    if (x->caplen && memcmp(x->data, y->data, x->caplen) != 0)
        fail_msg("%s frame %llu: %s's bytes differ", path, (unsigned long long)x->frame_no, name);
}

/* Reads path (from byte skip on) with every reader in lockstep. expect_direct:
 * 1 or 0 when the direct readers must (not) have taken the file, -1 when
 * either is fine. */
static void compare_readers(const char *path, long skip, int expect_direct, struct tally *t)
{
    struct pcap_file *f[N_READERS];
    struct pcap_file_problem why[N_READERS];
    for (int i = 0; i < N_READERS; i++)
        f[i] = open_at(path, skip, readers[i], &why[i]);
    t->files++;
    for (int i = 1; i < N_READERS; i++) {
        if (!f[0] != !f[i])
            fail_msg("%s: %s %s where libpcap %s", path, reader_names[i], f[i] ? "opens" : "fails",
                     f[0] ? "opens" : "fails");
        if (!f[0])
            same_problem(path, 0, &why[0], &why[i], reader_names[i]);
    }
    if (!f[0]) {
        t->problems++;
        return;
    }
    assert_false(pcap_file_is_direct(f[0]));
    bool is_direct = pcap_file_is_direct(f[1]);
    assert_int_equal(pcap_file_is_direct(f[2]), is_direct);
    if (expect_direct >= 0 && (int)is_direct != expect_direct)
        fail_msg("%s: direct readers %s the file", path, is_direct ? "took" : "did not take");
    t->direct += is_direct;
    for (int i = 1; i < N_READERS; i++)
        assert_int_equal(pcap_file_size(f[i]), pcap_file_size(f[0]));
    for (uint64_t step = 1;; step++) {
        struct pcap_file_frame out[N_READERS];
        enum pcap_file_status st[N_READERS];
        for (int i = 0; i < N_READERS; i++) {
            memset(&why[i], 0, sizeof(why[i]));
            st[i] = pcap_file_next(f[i], &out[i], &why[i]);
        }
        for (int i = 1; i < N_READERS; i++) {
            if (st[i] != st[0])
                fail_msg("%s step %llu: %s status %d, libpcap %d (\"%s\" / \"%s\")", path,
                         (unsigned long long)step, reader_names[i], st[i], st[0], why[i].msg,
                         why[0].msg);
            if (st[0] == PCAP_FILE_GOT_FRAME)
                same_frame(path, &out[0], &out[i], reader_names[i]);
            else if (st[0] != PCAP_FILE_AT_END)
                same_problem(path, step, &why[0], &why[i], reader_names[i]);
            if (pcap_file_position(f[i]) != pcap_file_position(f[0]))
                fail_msg("%s step %llu: %s at byte %llu, libpcap at %llu", path,
                         (unsigned long long)step, reader_names[i],
                         (unsigned long long)pcap_file_position(f[i]),
                         (unsigned long long)pcap_file_position(f[0]));
        }
        t->frames += st[0] == PCAP_FILE_GOT_FRAME;
        t->problems += st[0] == PCAP_FILE_SKIPPED || st[0] == PCAP_FILE_BROKEN;
        if (st[0] == PCAP_FILE_AT_END)
            break;
    }
    for (int i = 0; i < N_READERS; i++) {
        struct pcap_file_frame out;
        assert_int_equal(pcap_file_next(f[i], &out, &why[i]), PCAP_FILE_AT_END);
        pcap_file_close(f[i]);
    }
}

/* ---- hand-made files ---- */

/* A classic file header with any version. */
static void header(struct fixture_buf *b, uint32_t magic, uint16_t major, uint16_t minor,
                   uint32_t snaplen, uint32_t linktype)
{
    fixture_put_u32(b, magic);
    fixture_put_u16(b, major);
    fixture_put_u16(b, minor);
    fixture_put_u32(b, 0);
    fixture_put_u32(b, 0);
    fixture_put_u32(b, snaplen);
    fixture_put_u32(b, linktype);
}

static void check(const char *name, struct fixture_buf *b, size_t len, int expect_direct)
{
    char *p = fixture_write(name, b, len);
    struct tally t = {0};
    compare_readers(p, 0, expect_direct, &t);
    free(p);
}

/* Three frames and a tail; the tail decides what goes wrong. */
static void three_then(struct fixture_buf *b, uint32_t magic, uint32_t snaplen)
{
    fixture_pcap_header(b, magic, snaplen, 1);
    fixture_pcap_record(b, 10, 5, 60, 60, 1);
    fixture_pcap_record(b, 11, 999999999, 61, 1500, 2);
    fixture_pcap_record(b, 9, 0, 62, 62, 3); /* out of order */
}

static void test_damage_each_byte_order(void **state)
{
    (void)state;
    const uint32_t magics[] = {MAGIC_US, MAGIC_NS};
    for (int be = 0; be < 2; be++) {
        for (int m = 0; m < 2; m++) {
            struct fixture_buf b = {.is_be = be};
            three_then(&b, magics[m], 65535);
            size_t whole = b.len;
            fixture_pcap_record(&b, 12, 0, 100, 100, 4);
            char *full = fixture_write("full.pcap", &b, SIZE_MAX);
            struct tally t = {0};
            compare_readers(full, 0, 1, &t);
            assert_int_equal(t.frames, 4);
            /* Every cut of the last record: inside its header, inside its data. */
            for (size_t keep = 0; keep < REC_HDR_LEN + 100; keep += keep < 20 ? 1 : 17) {
                struct fixture_buf c = {.is_be = be};
                three_then(&c, magics[m], 65535);
                fixture_pcap_record(&c, 12, 0, 100, 100, 4);
                check("cut.pcap", &c, whole + keep, 1);
            }
            free(full);
        }
    }
}

static void test_file_header_damage(void **state)
{
    (void)state;
    for (size_t keep = 0; keep <= HDR_LEN; keep++) {
        struct fixture_buf b = {0};
        three_then(&b, MAGIC_US, 65535);
        check("hdr_cut.pcap", &b, keep, keep == HDR_LEN ? 1 : 0);
    }
    struct fixture_buf b = {0};
    header(&b, MAGIC_US, 2, 5, 65535, 1); /* unsupported version */
    fixture_pcap_record(&b, 1, 0, 10, 10, 1);
    check("v25.pcap", &b, SIZE_MAX, 0);
    header(&b, MAGIC_US, 1, 0, 65535, 1); /* archaic */
    check("v10.pcap", &b, SIZE_MAX, 0);
    fixture_put_bytes(&b, "\xa1\xb2\xcd\x34", 4); /* Kuznetsov's: stays on libpcap */
    b.is_be = true;
    fixture_put_u16(&b, 2);
    fixture_put_u16(&b, 4);
    for (int i = 0; i < 4; i++)
        fixture_put_u32(&b, i == 2 ? 65535 : i == 3 ? 1 : 0);
    check("kuznetsov.pcap", &b, SIZE_MAX, 0);
}

static void test_lengths(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    /* Over the snap length: cut to it, also when the file ends in either
     * part of the record (the part handed out, the part skipped). */
    const size_t keeps[] = {0, 8, 16, 50, 115, 116, 117, 150, 215, 216, SIZE_MAX};
    for (size_t k = 0; k < sizeof(keeps) / sizeof(keeps[0]); k++) {
        three_then(&b, MAGIC_US, 100);
        size_t whole = b.len;
        fixture_pcap_record(&b, 20, 0, 200, 300, 7);
        fixture_pcap_record(&b, 21, 0, 100, 100, 8);
        check("clip.pcap", &b, keeps[k] == SIZE_MAX ? SIZE_MAX : whole + keeps[k], 1);
    }
    /* caplen 0, wirelen < caplen, exactly the snap length, 256 KiB. */
    fixture_pcap_header(&b, MAGIC_US, 0, 1); /* snap length 0: libpcap's maximum */
    fixture_pcap_record(&b, 1, 0, 0, 0, 1);
    fixture_pcap_record(&b, 1, 1, 0, 64, 2);
    fixture_pcap_record(&b, 2, 0, 80, 40, 3);
    fixture_pcap_record(&b, 3, 0, 262144, 262144, 4);
    fixture_pcap_record(&b, 4, 0, 1, 1, 5);
    check("odd_lengths.pcap", &b, SIZE_MAX, 1);
    /* Over 256 KiB: skipped when sound, the end of the file when not. */
    const uint32_t wire[] = {300 * 1024, 300 * 1024 - 1};
    for (int w = 0; w < 2; w++) {
        three_then(&b, MAGIC_US, 262144);
        fixture_pcap_record(&b, 20, 0, 300 * 1024, wire[w], 9);
        fixture_pcap_record(&b, 21, 0, 60, 60, 10);
        check("over256k.pcap", &b, SIZE_MAX, 1);
        three_then(&b, MAGIC_US, 262144);
        size_t whole = b.len;
        fixture_pcap_record(&b, 20, 0, 300 * 1024, wire[w], 9);
        check("over256k_cut.pcap", &b, whole + REC_HDR_LEN + 1000, 1);
    }
    /* Absurd lengths, and a snap length over libpcap's maximum. */
    const uint32_t caplens[] = {0x7fffffffu, 0xffffffffu, 262145, 70000};
    for (int i = 0; i < 4; i++) {
        three_then(&b, MAGIC_US, i == 3 ? 65535 : 300000);
        fixture_put_u32(&b, 20);
        fixture_put_u32(&b, 0);
        fixture_put_u32(&b, caplens[i]);
        fixture_put_u32(&b, caplens[i]);
        fixture_pcap_record(&b, 21, 0, 60, 60, 10);
        check("absurd.pcap", &b, SIZE_MAX, 1);
    }
    /* Trailing bytes short of a record header. */
    three_then(&b, MAGIC_US, 65535);
    fixture_put_bytes(&b, "\x01\x02\x03", 3);
    check("tail.pcap", &b, SIZE_MAX, 1);
}

static void test_versions_and_timestamps(void **state)
{
    (void)state;
    const uint16_t versions[][2] = {{2, 0}, {2, 2}, {2, 3}, {2, 4}, {543, 0}};
    for (int v = 0; v < 5; v++) {
        for (int be = 0; be < 2; be++) {
            struct fixture_buf b = {.is_be = be};
            header(&b, MAGIC_US, versions[v][0], versions[v][1], 65535, 1);
            fixture_pcap_record(&b, 1, 0, 60, 70, 1); /* caplen < len */
            fixture_pcap_record(&b, 2, 0, 70, 60, 2); /* caplen > len */
            fixture_pcap_record(&b, 3, 0, 60, 60, 3); /* equal */
            fixture_pcap_record(&b, 4, 0, 200, 0, 4); /* swapped: caplen 0 */
            fixture_pcap_record(&b, 5, 0, 0, 100, 5); /* swapped: data missing */
            fixture_pcap_record(&b, 6, 0, 60, 60, 6);
            check("versions.pcap", &b, SIZE_MAX, 1);
        }
    }
    /* Timestamps libpcap reads as signed 32-bit numbers. */
    const uint32_t secs[] = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu};
    const uint32_t fracs[] = {0, 999999, 1000000, 999999999, 0x80000000u, 0xffffffffu};
    const uint32_t magics[] = {MAGIC_US, MAGIC_NS};
    for (int m = 0; m < 2; m++) {
        for (int be = 0; be < 2; be++) {
            struct fixture_buf b = {.is_be = be};
            fixture_pcap_header(&b, magics[m], 65535, 1);
            for (int s = 0; s < 5; s++)
                for (int fr = 0; fr < 6; fr++)
                    fixture_pcap_record(&b, secs[s], fracs[fr], 14, 14, (uint32_t)(s * 6 + fr));
            check("timestamps.pcap", &b, SIZE_MAX, 1);
        }
    }
}

static void test_link_types(void **state)
{
    (void)state;
    /* LINKTYPE_RAW 101 and DLT_RAW 12 both come out 101; 0x04000001 carries
     * FCS bits above Ethernet; SLL, pflog and NFLOG pseudo-headers are
     * rewritten by libpcap only in files from the other byte order, Linux USB
     * (memory-mapped) ones always, and D-Bus has its own length limit. */
    const struct {
        uint32_t linktype;
        int direct_le, direct_be;
    } cases[] = {{1, 1, 1},   {101, 1, 1}, {12, 1, 1},  {0x04000001u, 1, 1}, {113, 1, 0},
                 {276, 1, 0}, {117, 1, 0}, {239, 1, 0}, {189, 1, 0},         {220, 0, 0},
                 {231, 0, 0}, {249, 0, 0}, {147, 1, 1}, {0, 1, 1},           {65535, 1, 1}};
    bool host_is_le = *(const uint8_t *)&(const uint16_t){1} == 1;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int be = 0; be < 2; be++) {
            struct fixture_buf b = {.is_be = be};
            fixture_pcap_header(&b, MAGIC_US, 65535, cases[i].linktype);
            for (uint32_t k = 0; k < 4; k++)
                fixture_pcap_record(&b, k, 0, 20 + 40 * k, 20 + 40 * k, k);
            bool is_swapped = (bool)be == host_is_le;
            check("link.pcap", &b, SIZE_MAX, is_swapped ? cases[i].direct_be : cases[i].direct_le);
        }
    }
}

static void test_stream_not_at_start(void **state)
{
    (void)state;
    /* A stream handed over part-way: offsets stay file offsets. */
    struct fixture_buf b = {0};
    fixture_put_bytes(&b, "junk!", 5);
    three_then(&b, MAGIC_US, 65535);
    fixture_pcap_record(&b, 20, 0, 300 * 1024, 300 * 1024, 9);
    fixture_pcap_record(&b, 21, 0, 60, 60, 10);
    char *p = fixture_write("offset.pcap", &b, SIZE_MAX);
    struct tally t = {0};
    compare_readers(p, 5, 1, &t);
    assert_int_equal(t.frames, 4);
    assert_int_equal(t.problems, 1);
    free(p);
}

static void test_environment_chooses(void **state)
{
    (void)state;
    struct fixture_buf b = {0};
    three_then(&b, MAGIC_US, 65535);
    char *p = fixture_write("env.pcap", &b, SIZE_MAX);
    const struct {
        const char *no_mmap, *mmap;
        bool is_direct;
    } cases[] = {{NULL, NULL, true}, {"1", NULL, false}, {"0", NULL, true},
                 {"", NULL, true},   {"1", "1", false},  {NULL, "1", true}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].no_mmap)
            setenv("HRADBA_CAPTURE_LIBPCAP", cases[i].no_mmap, 1);
        else
            unsetenv("HRADBA_CAPTURE_LIBPCAP");
        if (cases[i].mmap)
            setenv("HRADBA_CAPTURE_MMAP", cases[i].mmap, 1);
        else
            unsetenv("HRADBA_CAPTURE_MMAP");
        struct pcap_file_problem why;
        struct pcap_file *f = pcap_file_open(p, &why);
        assert_non_null(f);
        assert_int_equal(pcap_file_is_direct(f), cases[i].is_direct);
        pcap_file_close(f);
    }
    unsetenv("HRADBA_CAPTURE_LIBPCAP");
    unsetenv("HRADBA_CAPTURE_MMAP");
    /* Standard input and memory streams always stay on libpcap. */
    FILE *mem = fmemopen(NULL, 64, "w+b");
    assert_non_null(mem);
    fixture_pcap_header(&b, MAGIC_US, 65535, 1);
    assert_int_equal(fwrite(b.p, 1, b.len, mem), b.len);
    rewind(mem);
    free(b.p);
    struct pcap_file_problem why;
    struct pcap_file *f = pcap_file_open_stream_with(mem, PCAP_FILE_READER_DIRECT_READ, &why);
    assert_non_null(f);
    assert_false(pcap_file_is_direct(f));
    pcap_file_close(f);
    free(p);
}

/* ---- windows: records across every window boundary ---- */

static void test_small_windows(void **state)
{
    (void)state;
    /* Records of many sizes (jumbo and clipped ones too) through the
     * smallest windows allowed, so records straddle window ends everywhere;
     * compared with what libpcap hands out. */
    struct fixture_buf b = {0};
    const uint32_t snap = 200000;
    fixture_pcap_header(&b, MAGIC_US, snap, 1);
    uint32_t sizes[64];
    for (uint32_t i = 0; i < 64; i++) {
        sizes[i] = i % 7 == 3 ? 150000 + i * 1000 : i % 11 == 5 ? 262144 : 1 + i * 977 % 4000;
        fixture_pcap_record(&b, i, i, sizes[i], sizes[i] + 1, i);
    }
    size_t whole = b.len;
    fixture_pcap_record(&b, 99, 0, 5000, 5000, 99);
    char *p = fixture_write("windows.pcap", &b, whole + 2000); /* ends in a record */
    long page = sysconf(_SC_PAGESIZE);
    const struct pcap_direct_format fmt = {.snaplen = snap, .max_caplen = 262144};
    const enum pcap_direct_source sources[] = {PCAP_DIRECT_SOURCE_READ, PCAP_DIRECT_SOURCE_MAP};
    for (int s = 0; s < 2; s++) {
        for (size_t extra = 0; extra < 3 * (size_t)page; extra += (size_t)page / 2 + 3) {
            size_t window = (size_t)page + PCAP_DIRECT_RECORD_HEADER_LEN + 262144 + extra;
            if (sources[s] == PCAP_DIRECT_SOURCE_MAP)
                window += (size_t)page - window % (size_t)page;
            struct pcap_file_problem why;
            struct pcap_file *lib = open_at(p, 0, PCAP_FILE_READER_LIBPCAP, &why);
            FILE *fp = fopen(p, "rb");
            assert_non_null(lib);
            assert_non_null(fp);
            int err;
            struct pcap_direct *m = pcap_direct_new(dup(fileno(fp)), fixture_file_size(p), HDR_LEN,
                                                    &fmt, sources[s], window, &err);
            fclose(fp);
            assert_non_null(m);
            assert_int_equal(err, 0);
            for (uint32_t i = 0;; i++) {
                struct pcap_file_frame want;
                struct pcap_direct_record got;
                char msg[PCAP_ERRBUF_SIZE];
                enum pcap_file_status st = pcap_file_next(lib, &want, &why);
                enum pcap_direct_status ms = pcap_direct_next(m, &got, msg, sizeof(msg));
                if (st == PCAP_FILE_BROKEN) {
                    assert_int_equal(ms, PCAP_DIRECT_ERROR);
                    assert_int_equal(why.offset, whole);
                    if (!strstr(why.msg, msg))
                        fail_msg("\"%s\" lacks \"%s\"", why.msg, msg);
                    assert_int_equal(i, 64);
                    break;
                }
                assert_int_equal(st, PCAP_FILE_GOT_FRAME);
                assert_int_equal(ms, PCAP_DIRECT_RECORD);
                assert_int_equal(got.start, want.offset);
                assert_int_equal(got.hdr.caplen, want.frame.caplen);
                assert_int_equal(got.hdr.len, want.frame.wirelen);
                assert_int_equal(got.clipped_from, want.clipped_from);
                assert_int_equal(got.clipped_from, sizes[i] > snap ? sizes[i] : 0);
                assert_int_equal((uint64_t)got.hdr.ts.tv_sec * 1000000u + got.hdr.ts.tv_usec,
                                 want.frame.ts_us);
                assert_memory_equal(got.data, want.frame.data, want.frame.caplen);
            }
            pcap_direct_free(m);
            pcap_file_close(lib);
        }
    }
    free(p);
}

static void test_window_too_small(void **state)
{
    (void)state;
    const struct pcap_direct_format fmt = {.snaplen = 65535, .max_caplen = 262144};
    int err = 0;
    int fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_null(pcap_direct_new(fd, 1000, 24, &fmt, PCAP_DIRECT_SOURCE_READ, 4096, &err));
    assert_int_equal(err, -EINVAL);
    assert_int_equal(fcntl(fd, F_GETFD), -1); /* taken and closed */
}

/* ---- the shared capture set ---- */

static const char *shared_dir(void)
{
    const char *d = getenv("HRADBA_SHARED_PCAPS");
    return d ? d : "/work/shared/pcaps";
}

static struct tally shared_tally;

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode))
        compare_readers(path, 0, -1, &shared_tally);
    return 0;
}

static void test_shared_captures(void **state)
{
    (void)state;
    struct stat st;
    if (stat(shared_dir(), &st) != 0 || !S_ISDIR(st.st_mode))
        skip();
    memset(&shared_tally, 0, sizeof(shared_tally));
    assert_int_equal(nftw(shared_dir(), visit, 16, FTW_PHYS), 0);
    printf("shared captures: %llu files, %llu read directly, %llu frames, %llu problems, "
           "identical in all three readers\n",
           (unsigned long long)shared_tally.files, (unsigned long long)shared_tally.direct,
           (unsigned long long)shared_tally.frames, (unsigned long long)shared_tally.problems);
    assert_true(shared_tally.direct > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_damage_each_byte_order),
        cmocka_unit_test(test_file_header_damage),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_versions_and_timestamps),
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_stream_not_at_start),
        cmocka_unit_test(test_environment_chooses),
        cmocka_unit_test(test_small_windows),
        cmocka_unit_test(test_window_too_small),
        cmocka_unit_test(test_shared_captures),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
