/* frame_builder.c — see frame_builder.h. */
#include "frame_builder.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

void fb_init(struct fb *f)
{
    f->len = 0;
}

void fb_u8(struct fb *f, uint8_t v)
{
    assert_true(f->len < sizeof(f->b));
    f->b[f->len++] = v;
}

void fb_be16(struct fb *f, uint16_t v)
{
    fb_u8(f, (uint8_t)(v >> 8));
    fb_u8(f, (uint8_t)v);
}

void fb_be32(struct fb *f, uint32_t v)
{
    fb_be16(f, (uint16_t)(v >> 16));
    fb_be16(f, (uint16_t)v);
}

void fb_bytes(struct fb *f, const void *p, size_t n)
{
    assert_true(f->len + n <= sizeof(f->b));
    memcpy(f->b + f->len, p, n);
    f->len += n;
}

void fb_fill(struct fb *f, uint8_t v, size_t n)
{
    assert_true(f->len + n <= sizeof(f->b));
    memset(f->b + f->len, v, n);
    f->len += n;
}

void fb_set_be16(struct fb *f, size_t off, uint16_t v)
{
    f->b[off] = (uint8_t)(v >> 8);
    f->b[off + 1] = (uint8_t)v;
}

void fb_eth(struct fb *f, uint16_t type)
{
    static const uint8_t macs[12] = {0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10};
    fb_bytes(f, macs, sizeof(macs));
    fb_be16(f, type);
}

void fb_vlan(struct fb *f, uint16_t vid, uint16_t type)
{
    fb_be16(f, vid);
    fb_be16(f, type);
}

size_t fb_ipv4(struct fb *f, uint8_t proto, uint16_t id, uint16_t frag, size_t opt_len)
{
    size_t at = f->len;
    fb_u8(f, (uint8_t)(0x40 | (5 + opt_len / 4)));
    fb_u8(f, 0);
    fb_be16(f, 0); /* total length: fb_ipv4_end */
    fb_be16(f, id);
    fb_be16(f, frag);
    fb_u8(f, 64);
    fb_u8(f, proto);
    fb_be16(f, 0);
    fb_be32(f, 0x0a000001);
    fb_be32(f, 0x0a000002);
    fb_fill(f, 1, opt_len);
    return at;
}

void fb_ipv4_end(struct fb *f, size_t at)
{
    fb_set_be16(f, at + 2, (uint16_t)(f->len - at));
}

size_t fb_ipv6(struct fb *f, uint8_t nxt)
{
    static const uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    static const uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
    size_t at = f->len;
    fb_be32(f, 0x60000000);
    fb_be16(f, 0);
    fb_u8(f, nxt);
    fb_u8(f, 64);
    fb_bytes(f, src, 16);
    fb_bytes(f, dst, 16);
    return at;
}

void fb_ipv6_end(struct fb *f, size_t at)
{
    fb_set_be16(f, at + 4, (uint16_t)(f->len - at - 40));
}

void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, const uint8_t *opts,
            size_t opt_len)
{
    fb_be16(f, sport);
    fb_be16(f, dport);
    fb_be32(f, 1000);
    fb_be32(f, 2000);
    fb_u8(f, (uint8_t)((5 + opt_len / 4) << 4));
    fb_u8(f, flags);
    fb_be16(f, 65535);
    fb_be32(f, 0);
    if (opt_len)
        fb_bytes(f, opts, opt_len);
}

size_t fb_udp(struct fb *f, uint16_t sport, uint16_t dport)
{
    size_t at = f->len;
    fb_be16(f, sport);
    fb_be16(f, dport);
    fb_be16(f, 0);
    fb_be16(f, 0);
    return at;
}

void fb_udp_end(struct fb *f, size_t at)
{
    fb_set_be16(f, at + 4, (uint16_t)(f->len - at));
}

void fb_eth_ipv4_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload_len)
{
    fb_eth(f, 0x0800);
    size_t ip = fb_ipv4(f, 17, 1, 0, 0);
    size_t udp = fb_udp(f, sport, dport);
    fb_fill(f, 0xab, payload_len);
    fb_udp_end(f, udp);
    fb_ipv4_end(f, ip);
}

void fb_eth_ipv4_tcp(struct fb *f, uint16_t sport, uint16_t dport)
{
    fb_eth(f, 0x0800);
    size_t ip = fb_ipv4(f, 6, 1, 0, 0);
    fb_tcp(f, sport, dport, 0x02, NULL, 0);
    fb_ipv4_end(f, ip);
}

enum decode_result fb_decode(struct decoder *d, struct fb *f, int linktype, struct packet *p)
{
    memset(p, 0x5a, sizeof(*p)); /* the decoder must set every output */
    p->ts_us = 1000000;
    p->data = f->b;
    p->caplen = (uint32_t)f->len;
    p->wirelen = (uint32_t)f->len;
    p->linktype = linktype;
    p->frame_no = 1;
    return decoder_run(d, p);
}

uint64_t fb_counter(const struct decoder *d, const char *name)
{
    struct counter_view v = decoder_counters(d);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no decoder counter named %s", name);
    return 0;
}

void fb_ipv4_addrs(struct fb *f, size_t at, uint32_t src, uint32_t dst)
{
    fb_set_be16(f, at + 12, (uint16_t)(src >> 16));
    fb_set_be16(f, at + 14, (uint16_t)src);
    fb_set_be16(f, at + 16, (uint16_t)(dst >> 16));
    fb_set_be16(f, at + 18, (uint16_t)dst);
}

int fb_setup(void **state)
{
    *state = decoder_new(NULL);
    return *state ? 0 : -1;
}

int fb_teardown(void **state)
{
    decoder_free(*state);
    return 0;
}
