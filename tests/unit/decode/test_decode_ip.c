/* test_decode_ip.c — IPv4, IPv6 extension headers, TCP options, UDP, ICMP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "frame_builder.h"

#include <cmocka.h>

static enum decode_result run_ipv4(struct decoder *d, struct fb *f, struct packet *p)
{
    return fb_decode(d, f, PACKET_LINK_IPV4, p);
}

static void test_ipv4_header_checks(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 17, 1, 0, 0);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    fb_ipv4_end(&f, ip);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);

    f.b[0] = 0x55; /* version 5 */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.bad_version"), 1);
    f.b[0] = 0x44; /* IHL 4 */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.hlen_too_small"), 1);
    f.b[0] = 0x45;
    fb_set_be16(&f, 2, 19); /* total length below the header */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.bad_total_len"), 1);
    fb_set_be16(&f, 2, 29); /* one byte more than captured */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.trunc"), 1);
    f.b[0] = 0x46; /* 4 option bytes: UDP is left 4 bytes */
    fb_set_be16(&f, 2, 28);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "udp.trunc"), 1);
    f.b[0] = 0x48; /* header longer than the total length */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.bad_total_len"), 2);
}

static void test_ipv4_options(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 17, 1, 0, 8);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    fb_ipv4_end(&f, ip);
    static const uint8_t router_alert[4] = {0x94, 4, 0, 0};
    memcpy(f.b + 20, router_alert, 4); /* then NOP NOP NOP NOP */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);
    assert_int_equal(p.src_port, 1);
    f.b[24] = 0; /* EOL: the rest is padding */
    f.b[25] = 0x99;
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);
    f.b[21] = 1; /* option length 1 */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    f.b[21] = 9; /* past the header */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    f.b[20] = 1;
    f.b[21] = 1;
    f.b[22] = 1;
    f.b[23] = 0x44; /* last byte starts an option with no length */
    f.b[24] = f.b[25] = f.b[26] = 1;
    f.b[27] = 0x44;
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.opt_invalid"), 3);
}

static void test_ipv4_snapped(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 17, 1, 0, 0);
    size_t udp = fb_udp(&f, 1, 2);
    fb_fill(&f, 'z', 100);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    memset(&p, 0, sizeof(p));
    p.data = f.b;
    p.caplen = 40;
    p.wirelen = (uint32_t)f.len;
    p.linktype = PACKET_LINK_RAW;
    assert_int_equal(decoder_run(d, &p), DECODE_OK);
    assert_int_equal(p.payload_len, 12);
    assert_int_equal(p.ip_len, 128);
    assert_int_equal(p.frame_bytes, 128);
    assert_int_equal(fb_counter(d, "ipv4.snapped"), 1);
    /* Claims more than even the wire had: truncated. */
    p.wirelen = 60;
    assert_int_equal(decoder_run(d, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv4.trunc"), 1);
}

static size_t ext_hdr(struct fb *f, uint8_t nxt, uint8_t len8)
{
    size_t at = f->len;
    fb_u8(f, nxt);
    fb_u8(f, len8);
    fb_fill(f, 1, (size_t)len8 * 8 + 6); /* PadN-ish filler */
    return at;
}

static void test_ipv6_ext_chain(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv6(&f, 0);
    ext_hdr(&f, 60, 0);
    ext_hdr(&f, 43, 1);
    ext_hdr(&f, 51, 1);
    fb_u8(&f, 6); /* AH: length in 4-byte units - 2 = 1 -> 12 bytes */
    fb_u8(&f, 1);
    fb_fill(&f, 0, 10);
    fb_tcp(&f, 5, 6, 0x10, NULL, 0);
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.src_port, 5);
    assert_int_equal(p.ip_len, f.len);
    assert_int_equal(p.ttl, 64);

    /* Hop-by-hop anywhere but first. */
    f.b[6] = 60;
    f.b[40] = 0;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.hbh_not_first"), 1);

    /* Too many headers. */
    fb_init(&f);
    ip = fb_ipv6(&f, 60);
    for (int i = 0; i < 9; i++)
        ext_hdr(&f, 60, 0);
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.exthdr_loop"), 1);

    /* A header longer than the payload. */
    fb_init(&f);
    ip = fb_ipv6(&f, 43);
    ext_hdr(&f, 6, 0);
    f.b[41] = 3;
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.exthdr_trunc"), 1);
}

static void test_ipv6_stops(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    static const uint8_t nexts[] = {50, 59, 132};
    for (size_t i = 0; i < sizeof(nexts); i++) {
        fb_init(&f);
        size_t ip = fb_ipv6(&f, 60);
        ext_hdr(&f, nexts[i], 0);
        fb_fill(&f, 0xee, 16);
        fb_ipv6_end(&f, ip);
        assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);
        assert_int_equal(p.ip_proto, nexts[i]);
        assert_int_equal(p.src_port, 0);
        assert_int_equal(p.payload_len, 16);
    }
    /* Atomic fragment: read in place. */
    fb_init(&f);
    size_t ip = fb_ipv6(&f, 44);
    fb_u8(&f, 17);
    fb_u8(&f, 0);
    fb_be16(&f, 0);
    fb_be32(&f, 77);
    fb_udp_end(&f, fb_udp(&f, 8, 9));
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);
    assert_int_equal(p.dst_port, 9);
    assert_int_equal(p.flags & PACKET_IS_FRAGMENT, 0);
    assert_int_equal(fb_counter(d, "ipv6.atomic_fragment"), 1);
}

static void test_ipv6_header_checks(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv6(&f, 17);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    fb_ipv6_end(&f, ip);
    f.len = 39;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    f.len = 48;
    fb_set_be16(&f, 4, 9);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.trunc"), 2);
    fb_set_be16(&f, 4, 0);
    f.b[6] = 0;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.jumbogram"), 1);
    f.b[0] = 0x40;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.bad_version"), 1);
    /* Snapped: payload length beyond the capture but within the wire. */
    fb_init(&f);
    ip = fb_ipv6(&f, 17);
    size_t udp = fb_udp(&f, 1, 2);
    fb_fill(&f, 0, 50);
    fb_udp_end(&f, udp);
    fb_ipv6_end(&f, ip);
    memset(&p, 0, sizeof(p));
    p.data = f.b;
    p.caplen = 60;
    p.wirelen = (uint32_t)f.len;
    p.linktype = PACKET_LINK_IPV6;
    assert_int_equal(decoder_run(d, &p), DECODE_OK);
    assert_int_equal(p.payload_len, 12);
    assert_int_equal(fb_counter(d, "ipv6.snapped"), 1);
}

static enum decode_result run_tcp(struct decoder *d, const uint8_t *opts, size_t len,
                                  struct packet *p)
{
    struct fb f;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 6, 1, 0, 0);
    fb_tcp(&f, 443, 50000, 0x12, opts, len);
    fb_fill(&f, 'd', 5);
    fb_ipv4_end(&f, ip);
    return fb_decode(d, &f, PACKET_LINK_IPV4, p);
}

static void test_tcp_options(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    static const uint8_t all[] = {2, 4, 0x05, 0xb4, 1,  3,  3, 8, 4, 2, 8, 10, 0, 0, 0, 1,
                                  0, 0, 0,    2,    34, 10, 1, 2, 3, 4, 5, 6,  7, 8, 0, 0};
    assert_int_equal(run_tcp(d, all, sizeof(all), &p), DECODE_OK);
    uint32_t want = PACKET_HAS_TCP | PACKET_HAS_TCP_MSS | PACKET_HAS_TCP_WSCALE |
                    PACKET_HAS_TCP_SACK_OK | PACKET_HAS_TCP_TS | PACKET_HAS_TCP_FASTOPEN;
    assert_int_equal(p.flags, want);
    assert_int_equal(p.tcp_mss, 1460);
    assert_int_equal(p.tcp_wscale, 8);
    assert_int_equal(p.tcp_tsval, 1);
    assert_int_equal(p.tcp_tsecr, 2);
    assert_int_equal(p.tcp_flags, TCP_SYN | TCP_ACK);
    assert_int_equal(p.payload_len, 5);
    assert_int_equal(fb_counter(d, "tcp.opt_invalid_len"), 0);

    static const uint8_t exp_tfo[] = {254, 4, 0xf9, 0x89};
    assert_int_equal(run_tcp(d, exp_tfo, sizeof(exp_tfo), &p), DECODE_OK);
    assert_int_equal(p.flags, PACKET_HAS_TCP | PACKET_HAS_TCP_FASTOPEN);

    static const uint8_t eol_first[] = {0, 2, 4, 5};
    assert_int_equal(run_tcp(d, eol_first, sizeof(eol_first), &p), DECODE_OK);
    assert_int_equal(p.flags, PACKET_HAS_TCP);

    static const uint8_t bad_mss[] = {2, 3, 5, 1};
    assert_int_equal(run_tcp(d, bad_mss, sizeof(bad_mss), &p), DECODE_OK);
    assert_int_equal(p.flags, PACKET_HAS_TCP);
    static const uint8_t len_one[] = {1, 1, 8, 1};
    assert_int_equal(run_tcp(d, len_one, sizeof(len_one), &p), DECODE_OK);
    static const uint8_t overrun[] = {2, 4, 5, 0xb4, 8, 10, 0, 0};
    assert_int_equal(run_tcp(d, overrun, sizeof(overrun), &p), DECODE_OK);
    assert_int_equal(p.flags, PACKET_HAS_TCP | PACKET_HAS_TCP_MSS);
    static const uint8_t no_len[] = {1, 1, 1, 3};
    assert_int_equal(run_tcp(d, no_len, sizeof(no_len), &p), DECODE_OK);
    assert_int_equal(fb_counter(d, "tcp.opt_invalid_len"), 4);
}

static void test_tcp_header_checks(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 6, 1, 0, 0);
    fb_tcp(&f, 1, 2, 0, NULL, 0);
    fb_ipv4_end(&f, ip);
    f.b[32] = 0x40; /* data offset 4 */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "tcp.hlen_too_small"), 1);
    f.b[32] = 0xf0; /* 60 bytes claimed, 20 there */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "tcp.hlen_too_large"), 1);
    f.len = 30;
    fb_set_be16(&f, 2, 30);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "tcp.trunc"), 1);
}

static void test_udp(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 17, 1, 0, 0);
    size_t udp = fb_udp(&f, 1, 2);
    fb_fill(&f, 'u', 10);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);
    assert_int_equal(p.payload_len, 10);
    fb_set_be16(&f, udp + 4, 12); /* shorter than the IP payload: trimmed */
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);
    assert_int_equal(p.payload_len, 4);
    fb_set_be16(&f, udp + 4, 7);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    fb_set_be16(&f, udp + 4, 19);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "udp.bad_len"), 2);
    f.len = 24;
    fb_set_be16(&f, 2, 24);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "udp.trunc"), 1);
    assert_int_equal(fb_counter(d, "decoded.udp"), 2);
}

static void test_icmp(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 1, 1, 0, 0);
    fb_be32(&f, 0x08000000); /* echo request */
    fb_be32(&f, 0x00010002);
    fb_fill(&f, 'p', 16);
    fb_ipv4_end(&f, ip);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_OK);
    assert_int_equal(p.icmp_type, 8);
    assert_int_equal(p.icmp_code, 0);
    assert_int_equal(p.payload_len, 16);
    assert_true(p.flags & PACKET_HAS_ICMP);
    f.len = 23;
    fb_set_be16(&f, 2, 23);
    assert_int_equal(run_ipv4(d, &f, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "icmpv4.trunc"), 1);

    fb_init(&f);
    ip = fb_ipv6(&f, 58);
    fb_be32(&f, 0x01040000); /* destination unreachable, port */
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);
    assert_int_equal(p.icmp_type, 1);
    assert_int_equal(p.icmp_code, 4);
    assert_int_equal(p.payload_len, 0);
    f.len = 42;
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "icmpv6.trunc"), 1);
    assert_int_equal(fb_counter(d, "decoded.icmpv6"), 1);
}

int test_decode_ip_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipv4_header_checks, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv4_options, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv4_snapped, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_ext_chain, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_stops, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_header_checks, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_options, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_header_checks, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_udp, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_icmp, fb_setup, fb_teardown),
    };
    return cmocka_run_group_tests_name("decode_ip", tests, NULL, NULL);
}
