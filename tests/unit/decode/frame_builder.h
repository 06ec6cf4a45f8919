/* frame_builder.h — builds test frames layer by layer, lengths patched last.
 *
 * Each fb_<layer>() appends a header and returns its offset; the matching
 * fb_<layer>_end() writes the length fields once the payload is in, so a
 * test can then break one field on purpose. Test code only: it writes into
 * its own buffer, never parses.
 */
#ifndef HRADBA_TESTS_FRAME_BUILDER_H
#define HRADBA_TESTS_FRAME_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

struct fb {
    uint8_t b[70000];
    size_t len;
};

void fb_init(struct fb *f);
void fb_u8(struct fb *f, uint8_t v);
void fb_be16(struct fb *f, uint16_t v);
void fb_be32(struct fb *f, uint32_t v);
void fb_bytes(struct fb *f, const void *p, size_t n);
void fb_fill(struct fb *f, uint8_t v, size_t n);
void fb_set_be16(struct fb *f, size_t off, uint16_t v);

/* Ethernet II header with this EtherType (MACs fixed). */
void fb_eth(struct fb *f, uint16_t type);
/* One VLAN tag: TCI then the next EtherType. */
void fb_vlan(struct fb *f, uint16_t vid, uint16_t type);
/* IPv4 header, 20 bytes + opt_len option bytes (NOPs), addresses 10.0.0.1 ->
 * 10.0.0.2 unless fb_ipv4_addr() changes them. */
size_t fb_ipv4(struct fb *f, uint8_t proto, uint16_t id, uint16_t frag, size_t opt_len);
void fb_ipv4_end(struct fb *f, size_t at); /* total length = to the end */
/* IPv6 header 2001:db8::1 -> 2001:db8::2. */
size_t fb_ipv6(struct fb *f, uint8_t nxt);
void fb_ipv6_end(struct fb *f, size_t at);
/* TCP header with data offset 5 + opt_len/4; opts copied as given. */
void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, const uint8_t *opts,
            size_t opt_len);
size_t fb_udp(struct fb *f, uint16_t sport, uint16_t dport);
void fb_udp_end(struct fb *f, size_t at);
/* A UDP/TCP datagram in IPv4 over Ethernet, the usual inner packet. */
void fb_eth_ipv4_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload_len);
void fb_eth_ipv4_tcp(struct fb *f, uint16_t sport, uint16_t dport);

/* Rewrites the addresses of the IPv4 header at offset at. */
void fb_ipv4_addrs(struct fb *f, size_t at, uint32_t src, uint32_t dst);

/* cmocka setup/teardown: *state is a decoder with default config. */
int fb_setup(void **state);
int fb_teardown(void **state);

/* Decodes f as linktype with d into *p. */
enum decode_result fb_decode(struct decoder *d, struct fb *f, int linktype, struct packet *p);
/* A decoder counter by name; fails the test if the name is unknown. */
uint64_t fb_counter(const struct decoder *d, const char *name);

int test_decode_link_run(void);
int test_decode_ip_run(void);
int test_decode_tunnel_run(void);
int test_decode_defrag_run(void);

#endif
