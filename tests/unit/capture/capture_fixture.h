/* capture_fixture.h — writes small capture files for the capture tests.
 *
 * Classic pcap (either byte order, µs or ns magic) and pcapng records built
 * byte by byte into a growing buffer, then written into a per-run temp
 * directory. Frame data follows fixture_pattern(seed, i) so any mix-up of
 * frames or bytes shows. Test-only: nothing here is linked into hradba.
 */
#ifndef HRADBA_TESTS_CAPTURE_FIXTURE_H
#define HRADBA_TESTS_CAPTURE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define HDR_LEN 24u     /* classic file header */
#define REC_HDR_LEN 16u /* classic record header */

struct fixture_buf {
    uint8_t *p;
    size_t len, cap;
    bool is_be; /* write multi-byte fields big-endian */
};

void fixture_put_bytes(struct fixture_buf *b, const void *src, size_t n);
void fixture_put_u32(struct fixture_buf *b, uint32_t v);
void fixture_put_u16(struct fixture_buf *b, uint16_t v);

uint8_t fixture_pattern(uint32_t seed, size_t i);

void fixture_pcap_header(struct fixture_buf *b, uint32_t magic, uint32_t snaplen,
                         uint32_t linktype);
void fixture_pcap_record(struct fixture_buf *b, uint32_t sec, uint32_t frac, uint32_t caplen,
                         uint32_t wirelen, uint32_t seed);

/* pcapng: a Section Header Block, an Interface Description Block (µs
 * timestamps), an Enhanced Packet Block. */
void fixture_pcapng_shb(struct fixture_buf *b);
void fixture_pcapng_idb(struct fixture_buf *b, uint16_t linktype, uint32_t snaplen);
void fixture_pcapng_epb(struct fixture_buf *b, uint32_t iface, uint64_t ts_us, uint32_t caplen,
                        uint32_t seed);

/* Creates / removes the temp directory (cmocka group setup / teardown). */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* name inside the temp directory; the caller frees it. */
char *fixture_path(const char *name);
/* Writes the first len bytes of b (all when len is SIZE_MAX) to name in the
 * temp directory, frees b's bytes, returns the path (caller frees). */
char *fixture_write(const char *name, struct fixture_buf *b, size_t len);
uint64_t fixture_file_size(const char *path);

#endif
