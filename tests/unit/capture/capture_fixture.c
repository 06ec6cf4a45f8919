/* capture_fixture.c — writes small capture files for the capture tests.
 *
 * Layouts from the tcpdump.org pcap savefile description and
 * draft-ietf-opsawg-pcapng (§4.1 SHB, §4.2 IDB, §4.3 EPB).
 */
#include "capture_fixture.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

static char tmp_root[] = "/tmp/hradba-test-capture-XXXXXX";

void fixture_put_bytes(struct fixture_buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t ncap = (b->len + n) * 2;
        b->p = realloc(b->p, ncap);
        assert_non_null(b->p);
        b->cap = ncap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

void fixture_put_u32(struct fixture_buf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (uint8_t)(b->is_be ? v >> (24 - 8 * i) : v >> (8 * i));
    fixture_put_bytes(b, x, 4);
}

void fixture_put_u16(struct fixture_buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(b->is_be ? v >> 8 : v), (uint8_t)(b->is_be ? v : v >> 8)};
    fixture_put_bytes(b, x, 2);
}

uint8_t fixture_pattern(uint32_t seed, size_t i)
{
    return (uint8_t)(seed * 31u + i * 7u);
}

static void put_pattern(struct fixture_buf *b, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++) {
        uint8_t x = fixture_pattern(seed, i);
        fixture_put_bytes(b, &x, 1);
    }
}

void fixture_pcap_header(struct fixture_buf *b, uint32_t magic, uint32_t snaplen, uint32_t linktype)
{
    fixture_put_u32(b, magic);
    fixture_put_u16(b, 2);
    fixture_put_u16(b, 4);
    fixture_put_u32(b, 0);
    fixture_put_u32(b, 0);
    fixture_put_u32(b, snaplen);
    fixture_put_u32(b, linktype);
}

void fixture_pcap_record(struct fixture_buf *b, uint32_t sec, uint32_t frac, uint32_t caplen,
                         uint32_t wirelen, uint32_t seed)
{
    fixture_put_u32(b, sec);
    fixture_put_u32(b, frac);
    fixture_put_u32(b, caplen);
    fixture_put_u32(b, wirelen);
    put_pattern(b, caplen, seed);
}

void fixture_pcapng_shb(struct fixture_buf *b)
{
    fixture_put_u32(b, 0x0a0d0d0au);
    fixture_put_u32(b, 28);
    fixture_put_u32(b, 0x1a2b3c4du);
    fixture_put_u16(b, 1);
    fixture_put_u16(b, 0);
    fixture_put_u32(b, 0xffffffffu); /* section length: unknown */
    fixture_put_u32(b, 0xffffffffu);
    fixture_put_u32(b, 28);
}

void fixture_pcapng_idb(struct fixture_buf *b, uint16_t linktype, uint32_t snaplen)
{
    fixture_put_u32(b, 1);
    fixture_put_u32(b, 20);
    fixture_put_u16(b, linktype);
    fixture_put_u16(b, 0);
    fixture_put_u32(b, snaplen);
    fixture_put_u32(b, 20);
}

void fixture_pcapng_epb(struct fixture_buf *b, uint32_t iface, uint64_t ts_us, uint32_t caplen,
                        uint32_t seed)
{
    uint32_t pad = (4 - caplen % 4) % 4;
    uint32_t len = 32 + caplen + pad;
    fixture_put_u32(b, 6);
    fixture_put_u32(b, len);
    fixture_put_u32(b, iface);
    fixture_put_u32(b, (uint32_t)(ts_us >> 32));
    fixture_put_u32(b, (uint32_t)ts_us);
    fixture_put_u32(b, caplen);
    fixture_put_u32(b, caplen);
    put_pattern(b, caplen, seed);
    fixture_put_bytes(b, "\0\0\0", pad);
    fixture_put_u32(b, len);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int fixture_setup(void **state)
{
    (void)state;
    return mkdtemp(tmp_root) ? 0 : -1;
}

int fixture_teardown(void **state)
{
    (void)state;
    return nftw(tmp_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *fixture_path(const char *name)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", tmp_root, name) > 0);
    return p;
}

char *fixture_write(const char *name, struct fixture_buf *b, size_t len)
{
    char *path = fixture_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t n = len == SIZE_MAX ? b->len : len;
    if (n)
        assert_int_equal(fwrite(b->p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(b->p);
    memset(b, 0, sizeof(*b));
    return path;
}

uint64_t fixture_file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}
