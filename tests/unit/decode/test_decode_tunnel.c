/* test_decode_tunnel.c — GRE, ERSPAN I/II/III, PPTP, VXLAN(-GPE), IP-in-IP,
 * GTP-U and the tunnel depth limit. Inner packets use 192.168.0.1 -> .2 so
 * tests can tell inner from outer (10.0.0.1 -> .2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "frame_builder.h"

#include <cmocka.h>

static const uint8_t inner_src[16] = {192, 168, 0, 1};

/* Ethernet / IPv4 (proto) outer; returns the outer IP offset. */
static size_t outer_ipv4(struct fb *f, uint8_t proto)
{
    fb_init(f);
    fb_eth(f, 0x0800);
    return fb_ipv4(f, proto, 9, 0, 0);
}

/* An inner IPv4/UDP 1111 -> 2222 without link header. */
static void inner_ipv4_udp(struct fb *f)
{
    size_t ip = fb_ipv4(f, 17, 1, 0, 0);
    fb_ipv4_addrs(f, ip, 0xc0a80001, 0xc0a80002);
    fb_udp_end(f, fb_udp(f, 1111, 2222));
    fb_ipv4_end(f, ip);
}

static void inner_eth_ipv4_udp(struct fb *f, uint16_t vlan)
{
    if (vlan) {
        fb_eth(f, 0x8100);
        fb_vlan(f, vlan, 0x0800);
    } else {
        fb_eth(f, 0x0800);
    }
    inner_ipv4_udp(f);
}

static void assert_inner(const struct packet *p, uint8_t depth)
{
    assert_memory_equal(p->src_ip, inner_src, 16);
    assert_int_equal(p->src_port, 1111);
    assert_int_equal(p->dst_port, 2222);
    assert_int_equal(p->ip_proto, 17);
    assert_int_equal(p->tunnel_depth, depth);
    assert_true(p->flags & PACKET_IS_TUNNELLED);
}

static void gre_hdr(struct fb *f, uint16_t flags, uint16_t proto)
{
    fb_be16(f, flags);
    fb_be16(f, proto);
    if (flags & 0x8000)
        fb_be32(f, 0);
    if (flags & 0x2000)
        fb_be32(f, 42);
    if (flags & 0x1000)
        fb_be32(f, 7);
}

static void test_gre_ip(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    static const uint16_t flag_sets[] = {0, 0x8000, 0x2000, 0x1000, 0xb000};
    for (size_t i = 0; i < 5; i++) {
        size_t ip = outer_ipv4(&f, 47);
        gre_hdr(&f, flag_sets[i], 0x0800);
        inner_ipv4_udp(&f);
        fb_ipv4_end(&f, ip);
        assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
        assert_inner(&p, 1);
    }
    /* IPv6 inside. */
    size_t ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0, 0x86dd);
    size_t ip6 = fb_ipv6(&f, 17);
    fb_udp_end(&f, fb_udp(&f, 1111, 2222));
    fb_ipv6_end(&f, ip6);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.ip_len, 48);
    assert_int_equal(fb_counter(d, "decoded.gre"), 6);
}

static void test_gre_teb_vlan_replaced(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth(&f, 0x8100);
    fb_vlan(&f, 100, 0x0800);
    size_t ip = fb_ipv4(&f, 47, 9, 0, 0);
    gre_hdr(&f, 0x2000, 0x6558);
    inner_eth_ipv4_udp(&f, 200);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    assert_int_equal(p.vlan_count, 1);
    assert_int_equal(p.vlan_id[0], 200);

    /* Inner ARP: not IP, and no outer field survives. */
    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0, 0x6558);
    fb_eth(&f, 0x0806);
    fb_fill(&f, 0, 28);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    assert_int_equal(p.ip_version, 0);
    assert_int_equal(p.ip_proto, 0);
}

static void test_gre_errors(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x0002, 0x0800); /* version 2 */
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "gre.bad_version"), 1);

    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x4000, 0x0800); /* RFC 1701 routing */
    fb_be32(&f, 0);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "gre.bad_flags"), 1);

    ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0x2000); /* key flag, key missing */
    fb_be16(&f, 0x0800);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "gre.trunc"), 2);

    /* Unknown protocol: a plain GRE packet of the outer flow. */
    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0, 0x883e);
    fb_fill(&f, 0, 20);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_proto, 47);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(p.payload_len, 20);
    assert_int_equal(fb_counter(d, "gre.unknown_proto"), 1);
}

static void test_erspan(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    /* Type I: no sequence number, no header. */
    size_t ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0, 0x88be);
    inner_eth_ipv4_udp(&f, 1011);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    assert_int_equal(p.vlan_id[0], 1011);

    /* Type II. */
    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x1000, 0x88be);
    size_t er = f.len;
    fb_be32(&f, 0x10010064);
    fb_be32(&f, 0);
    inner_eth_ipv4_udp(&f, 0);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    f.b[er] = 0x20;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "erspan.bad_version"), 1);
    f.len = er + 6;
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "erspan.trunc"), 1);

    /* Type III with the platform subheader (O bit). */
    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x1000, 0x22eb);
    er = f.len;
    fb_be32(&f, 0x20010064);
    fb_be32(&f, 0x12345678); /* timestamp */
    fb_be16(&f, 0);          /* SGT */
    fb_be16(&f, 0x0001);     /* FT 0 (Ethernet), O */
    fb_fill(&f, 0, 8);
    inner_eth_ipv4_udp(&f, 0);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    fb_set_be16(&f, er + 10, 0x1c01); /* FT 7 */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "erspan.bad_frame_type"), 1);

    /* Type III, frame type 2: bare IP. */
    ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x1000, 0x22eb);
    fb_be32(&f, 0x20010064);
    fb_be32(&f, 0);
    fb_be16(&f, 0);
    fb_be16(&f, 0x0800);
    inner_ipv4_udp(&f);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    /* Counted once the header is read, before its frame type is known. */
    assert_int_equal(fb_counter(d, "decoded.erspan"), 5);
}

static void test_pptp(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0x3001); /* K, S, version 1 */
    fb_be16(&f, 0x880b);
    fb_be32(&f, 0x00200001);
    fb_be32(&f, 5);
    fb_be16(&f, 0xff03);
    fb_be16(&f, 0x0021);
    inner_ipv4_udp(&f);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);

    /* Compressed protocol field, with an acknowledgment number. */
    ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0x2081); /* K, A, version 1 */
    fb_be16(&f, 0x880b);
    fb_be32(&f, 0x00200001);
    fb_be32(&f, 4);
    fb_u8(&f, 0x21);
    inner_ipv4_udp(&f);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);

    /* Acknowledgment only: the GRE packet itself. */
    ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0x2081);
    fb_be16(&f, 0x880b);
    fb_be32(&f, 0x00000001);
    fb_be32(&f, 4);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.tunnel_depth, 0);

    ip = outer_ipv4(&f, 47);
    fb_be16(&f, 0x0001); /* no key */
    fb_be16(&f, 0x880b);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "gre.pptp_bad_header"), 1);
}

static size_t vxlan_start(struct fb *f, uint16_t port, uint8_t flags, uint8_t next, size_t *udp)
{
    size_t ip = outer_ipv4(f, 17);
    *udp = fb_udp(f, 50000, port);
    fb_u8(f, flags);
    fb_be16(f, 0);
    fb_u8(f, next);
    fb_be32(f, 0x00123400);
    return ip;
}

static void test_vxlan(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t udp;
    size_t ip = vxlan_start(&f, 4789, 0x08, 0, &udp);
    inner_eth_ipv4_udp(&f, 0);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);

    f.b[udp + 8] = 0; /* I flag clear: left as UDP */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.dst_port, 4789);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(fb_counter(d, "vxlan.bad_flags"), 1);

    ip = outer_ipv4(&f, 17);
    udp = fb_udp(&f, 1, 4789);
    fb_be32(&f, 0x08000000);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(fb_counter(d, "vxlan.trunc"), 1);

    /* GPE with next protocol IPv4, and with NSH (unsupported). */
    ip = vxlan_start(&f, 4790, 0x0c, 1, &udp);
    inner_ipv4_udp(&f);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    f.b[udp + 11] = 4;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(fb_counter(d, "vxlan.unknown_next"), 1);
    assert_int_equal(fb_counter(d, "decoded.vxlan"), 2);
}

static void test_ip_in_ip(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 4);
    inner_ipv4_udp(&f);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);

    ip = outer_ipv4(&f, 41); /* 6in4 */
    size_t ip6 = fb_ipv6(&f, 17);
    fb_udp_end(&f, fb_udp(&f, 1111, 2222));
    fb_ipv6_end(&f, ip6);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.tunnel_depth, 1);

    fb_init(&f); /* 4in6 */
    ip6 = fb_ipv6(&f, 4);
    inner_ipv4_udp(&f);
    fb_ipv6_end(&f, ip6);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);
    assert_inner(&p, 1);
    assert_int_equal(p.ip_version, 4);

    /* Inner header broken: the whole frame is refused. */
    f.b[40] = 0x35;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "decoded.ip_in_ip"), 4);
}

static void test_gtp(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 17);
    size_t udp = fb_udp(&f, 2152, 2152);
    fb_u8(&f, 0x34); /* version 1, PT, E */
    fb_u8(&f, 255);
    size_t len_at = f.len;
    fb_be16(&f, 0);
    fb_be32(&f, 0xdeadbeef);
    fb_be16(&f, 0);
    fb_u8(&f, 0);
    fb_u8(&f, 0x85); /* PDU session container */
    fb_u8(&f, 1);
    fb_be16(&f, 0x0001);
    fb_u8(&f, 0);
    inner_ipv4_udp(&f);
    fb_set_be16(&f, len_at, (uint16_t)(f.len - len_at - 6));
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_inner(&p, 1);
    f.b[len_at - 1] = 1; /* echo request: plain UDP */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.dst_port, 2152);
    f.b[len_at - 1] = 255;
    f.b[len_at + 10] = 0; /* extension length 0 */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(fb_counter(d, "gtp.trunc"), 1);
    assert_int_equal(fb_counter(d, "decoded.gtp"), 1);
}

static void test_tunnel_depth(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_default(&cfg);
    cfg.max_tunnel_depth = 1;
    struct decoder *d = decoder_new(&cfg);
    assert_non_null(d);
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 4);
    size_t mid = fb_ipv4(&f, 4, 2, 0, 0);
    fb_ipv4_addrs(&f, mid, 0xac100001, 0xac100002);
    inner_ipv4_udp(&f);
    fb_ipv4_end(&f, mid);
    fb_ipv4_end(&f, ip);
    enum decode_result r = fb_decode(d, &f, PACKET_LINK_ETHERNET, &p);
    uint64_t too_deep = fb_counter(d, "tunnel.too_deep");
    decoder_free(d);
    assert_int_equal(r, DECODE_OK);
    assert_int_equal(too_deep, 1);
    assert_int_equal(p.tunnel_depth, 1);
    assert_int_equal(p.ip_proto, 4);
    static const uint8_t mid_src[16] = {172, 16, 0, 1};
    assert_memory_equal(p.src_ip, mid_src, 16);
    assert_int_equal(p.src_port, 0);
}

/* A default decoder peels 4 and stops at the fifth. */
static void test_tunnel_depth_default(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ips[6];
    fb_init(&f);
    fb_eth(&f, 0x0800);
    for (int i = 0; i < 6; i++)
        ips[i] = fb_ipv4(&f, i == 5 ? 17 : 4, 1, 0, 0);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    for (int i = 5; i >= 0; i--)
        fb_ipv4_end(&f, ips[i]);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.tunnel_depth, 4);
    assert_int_equal(p.src_port, 0);
    assert_int_equal(fb_counter(d, "tunnel.too_deep"), 1);
}

/* The ja4 capture's shape: GRE / ERSPAN II / Ethernet / IPv4 / UDP /
 * VXLAN-GPE / Ethernet / IPv4 / TCP. */
static void test_erspan_vxlan_chain(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    size_t ip = outer_ipv4(&f, 47);
    gre_hdr(&f, 0x1000, 0x88be);
    fb_be32(&f, 0x10000014);
    fb_be32(&f, 1);
    fb_eth(&f, 0x0800);
    size_t mid = fb_ipv4(&f, 17, 1, 0, 0);
    size_t udp = fb_udp(&f, 4789, 4790);
    fb_be32(&f, 0x0c000003);
    fb_be32(&f, 0);
    fb_eth(&f, 0x0800);
    size_t in = fb_ipv4(&f, 6, 1, 0, 0);
    fb_ipv4_addrs(&f, in, 0xc0a80001, 0xc0a80002);
    fb_tcp(&f, 65174, 80, 0x18, NULL, 0);
    fb_fill(&f, 'h', 10);
    fb_ipv4_end(&f, in);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, mid);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_memory_equal(p.src_ip, inner_src, 16);
    assert_int_equal(p.src_port, 65174);
    assert_int_equal(p.dst_port, 80);
    assert_int_equal(p.tunnel_depth, 2);
    assert_int_equal(p.payload_len, 10);
    assert_int_equal(p.frame_bytes, f.len);
}

int test_decode_tunnel_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gre_ip, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_gre_teb_vlan_replaced, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_gre_errors, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_erspan, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_pptp, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_vxlan, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ip_in_ip, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_gtp, fb_setup, fb_teardown),
        cmocka_unit_test(test_tunnel_depth),
        cmocka_unit_test_setup_teardown(test_tunnel_depth_default, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_erspan_vxlan_chain, fb_setup, fb_teardown),
    };
    return cmocka_run_group_tests_name("decode_tunnel", tests, NULL, NULL);
}
