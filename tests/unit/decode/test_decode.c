/* test_decode.c — link layers, Ethernet, VLAN, MPLS, PPPoE; runs all groups.
 *
 * Frames are built by hand (frame_builder.h) so each malformation path and
 * its counter is hit on purpose. Other groups: test_decode_ip.c,
 * test_decode_tunnel.c, test_decode_defrag.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "frame_builder.h"

#include <cmocka.h>

static void test_ethernet_ipv4_tcp(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth_ipv4_tcp(&f, 1234, 80);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_version, 4);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.ttl, 64);
    static const uint8_t src[16] = {10, 0, 0, 1}, dst[16] = {10, 0, 0, 2};
    assert_memory_equal(p.src_ip, src, 16);
    assert_memory_equal(p.dst_ip, dst, 16);
    assert_int_equal(p.src_port, 1234);
    assert_int_equal(p.dst_port, 80);
    assert_int_equal(p.tcp_flags, TCP_SYN);
    assert_int_equal(p.tcp_seq, 1000);
    assert_int_equal(p.tcp_ack, 2000);
    assert_int_equal(p.tcp_window, 65535);
    assert_int_equal(p.flags, PACKET_HAS_TCP);
    assert_int_equal(p.vlan_count, 0);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(p.ip_len, 40);
    assert_int_equal(p.payload_len, 0);
    assert_int_equal(p.frame_count, 1);
    assert_int_equal(p.frame_bytes, f.len);
    assert_int_equal(fb_counter(d, "decoded.ipv4"), 1);
    assert_int_equal(fb_counter(d, "decoded.tcp"), 1);
    assert_int_equal(fb_counter(d, "decoded.frames"), 1);
}

static void test_ethernet_padding_trimmed(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth_ipv4_udp(&f, 53, 5353, 4);
    fb_fill(&f, 0, 12); /* padding to the 60-byte minimum */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_len, 32);
    assert_int_equal(p.payload_len, 4);
    assert_true(p.flags & PACKET_HAS_UDP);
}

/* Every strict prefix of a consistent frame is refused, whatever layer it
 * cuts; with the wire length kept (snap length), a frame cut after the TCP
 * header is still decoded. */
static void test_every_prefix_truncated(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth(&f, 0x8100);
    fb_vlan(&f, 7, 0x0800);
    size_t ip = fb_ipv4(&f, 6, 1, 0, 8);
    static const uint8_t opts[] = {2, 4, 5, 0xb4, 1, 3, 3, 7};
    fb_tcp(&f, 1, 2, 0x12, opts, sizeof(opts));
    fb_fill(&f, 'x', 10);
    fb_ipv4_end(&f, ip);
    size_t full = f.len;
    for (size_t cut = 0; cut < full; cut++) {
        f.len = cut;
        assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
        p.data = f.b;
        p.caplen = (uint32_t)cut;
        p.wirelen = (uint32_t)full;
        enum decode_result r = decoder_run(d, &p);
        assert_int_equal(r, cut >= full - 10 ? DECODE_OK : DECODE_INVALID);
    }
    assert_int_equal(fb_counter(d, "ethernet.too_short"), 2 * 14);
    assert_int_equal(fb_counter(d, "vlan.trunc"), 2 * 4);
    assert_true(fb_counter(d, "ipv4.trunc") > 0);
    assert_true(fb_counter(d, "tcp.trunc") > 0);
    assert_true(fb_counter(d, "tcp.hlen_too_large") > 0);
    assert_true(fb_counter(d, "ipv4.snapped") > 0);
}

static void test_not_ip_types(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth(&f, 0x0806);
    fb_fill(&f, 0, 28);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    assert_int_equal(p.ip_version, 0);
    assert_int_equal(p.flags, 0);
    fb_init(&f);
    fb_eth(&f, 0x88cc); /* LLDP */
    fb_fill(&f, 0, 30);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    fb_init(&f);
    fb_eth(&f, 46); /* 802.3 length: LLC follows */
    fb_be32(&f, 0x424203);
    fb_fill(&f, 0, 42);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    assert_int_equal(fb_counter(d, "ethernet.arp"), 1);
    assert_int_equal(fb_counter(d, "ethernet.other_type"), 1);
    assert_int_equal(fb_counter(d, "ethernet.llc"), 1);
    assert_int_equal(fb_counter(d, "decoded.not_ip"), 3);
}

static void test_vlan_stack(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth(&f, 0x88a8);
    fb_vlan(&f, 0x2000 | 100, 0x8100);
    fb_vlan(&f, 200, 0x9100);
    fb_vlan(&f, 300, 0x0800);
    size_t ip = fb_ipv4(&f, 17, 1, 0, 0);
    size_t udp = fb_udp(&f, 1, 2);
    fb_udp_end(&f, udp);
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.vlan_count, 3);
    assert_int_equal(p.vlan_id[0], 100);
    assert_int_equal(p.vlan_id[1], 200);
    assert_int_equal(p.vlan_id[2], 300);
    assert_int_equal(fb_counter(d, "decoded.vlan"), 3);

    fb_init(&f);
    fb_eth(&f, 0x8100);
    for (int i = 0; i < 4; i++)
        fb_vlan(&f, (uint16_t)i, i == 3 ? 0x0800 : 0x8100);
    fb_fill(&f, 0, 40);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "vlan.too_many"), 1);
}

static void test_mpls(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_be32(&f, 0x00010040);
    fb_be32(&f, 0x00020140); /* bottom of stack */
    size_t ip = fb_ipv4(&f, 17, 1, 0, 0);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    fb_ipv4_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.src_port, 1);
    assert_int_equal(p.tunnel_depth, 0);

    /* Pseudowire: control word, then an Ethernet frame. */
    fb_init(&f);
    fb_eth(&f, 0x8848);
    fb_be32(&f, 0x00010140);
    fb_be32(&f, 0);
    fb_eth_ipv4_udp(&f, 3, 4, 0);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.src_port, 3);
    assert_int_equal(p.tunnel_depth, 1);
    assert_true(p.flags & PACKET_IS_TUNNELLED);

    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_be32(&f, 0x00010140);
    fb_be32(&f, 0x90000000);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    assert_int_equal(fb_counter(d, "mpls.unknown_payload"), 1);

    fb_init(&f);
    fb_eth(&f, 0x8847);
    for (int i = 0; i < 17; i++)
        fb_be32(&f, 0x00010040);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "mpls.too_many_labels"), 1);

    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_be16(&f, 1);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    fb_init(&f);
    fb_eth(&f, 0x8847);
    fb_be32(&f, 0x00010140);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "mpls.trunc"), 2);
}

static size_t pppoe_start(struct fb *f, uint8_t ver_type, uint16_t ppp_proto)
{
    fb_eth(f, 0x8864);
    fb_u8(f, ver_type);
    fb_u8(f, 0);
    fb_be16(f, 0x1234);
    size_t at = f->len;
    fb_be16(f, 0);
    fb_be16(f, ppp_proto);
    return at;
}

static void test_pppoe(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t len_at = pppoe_start(&f, 0x11, 0x0057);
    size_t ip = fb_ipv6(&f, 17);
    fb_udp_end(&f, fb_udp(&f, 1, 2));
    fb_ipv6_end(&f, ip);
    fb_set_be16(&f, len_at, (uint16_t)(f.len - len_at - 2));
    fb_fill(&f, 0, 6); /* Ethernet padding */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(fb_counter(d, "decoded.pppoe"), 1);

    fb_init(&f);
    len_at = pppoe_start(&f, 0x11, 0xc021); /* LCP */
    fb_fill(&f, 0, 10);
    fb_set_be16(&f, len_at, 12);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_NOT_IP);
    assert_int_equal(fb_counter(d, "ppp.not_ip"), 1);

    fb_set_be16(&f, len_at, 200);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "pppoe.trunc"), 1);

    fb_init(&f);
    pppoe_start(&f, 0x12, 0x0021);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "pppoe.bad_header"), 1);

    fb_init(&f);
    len_at = pppoe_start(&f, 0x11, 0);
    f.len -= 2;
    fb_set_be16(&f, len_at, 0);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_ETHERNET, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ppp.trunc"), 1);
}

/* An IPv4/UDP packet with no link header. */
static void raw_ipv4(struct fb *f)
{
    size_t ip = fb_ipv4(f, 17, 1, 0, 0);
    fb_udp_end(f, fb_udp(f, 7, 9));
    fb_ipv4_end(f, ip);
}

static void raw_ipv6(struct fb *f)
{
    size_t ip = fb_ipv6(f, 17);
    fb_udp_end(f, fb_udp(f, 7, 9));
    fb_ipv6_end(f, ip);
}

static void test_link_types(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    static const int raw_links[] = {PACKET_LINK_RAW, PACKET_LINK_DLT_RAW12, PACKET_LINK_DLT_RAW14};
    for (size_t i = 0; i < 3; i++) {
        fb_init(&f);
        raw_ipv4(&f);
        assert_int_equal(fb_decode(d, &f, raw_links[i], &p), DECODE_OK);
        fb_init(&f);
        raw_ipv6(&f);
        assert_int_equal(fb_decode(d, &f, raw_links[i], &p), DECODE_OK);
        assert_int_equal(p.ip_version, 6);
    }
    fb_init(&f);
    raw_ipv4(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV4, &p), DECODE_OK);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.trunc"), 1);
    fb_init(&f);
    raw_ipv6(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_OK);

    /* NULL: AF_INET little-endian (x86 capture), AF_INET6 = 30 big-endian. */
    fb_init(&f);
    fb_be32(&f, 0x02000000);
    raw_ipv4(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_NULL, &p), DECODE_OK);
    fb_init(&f);
    fb_be32(&f, 30);
    raw_ipv6(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_NULL, &p), DECODE_OK);
    fb_init(&f);
    fb_be32(&f, 24);
    raw_ipv6(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_LOOP, &p), DECODE_OK);
    fb_init(&f);
    fb_be32(&f, 28);
    raw_ipv6(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_LOOP, &p), DECODE_OK);
    fb_init(&f);
    fb_be32(&f, 7);
    raw_ipv4(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_LOOP, &p), DECODE_NOT_IP);
    assert_int_equal(fb_counter(d, "link.unknown_family"), 1);
    f.len = 3;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_NULL, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "link.too_short"), 1);
}

static void test_link_sll(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    fb_be16(&f, 0); /* packet type */
    fb_be16(&f, 1); /* ARPHRD_ETHER */
    fb_be16(&f, 6); /* address length */
    fb_fill(&f, 0xaa, 8);
    fb_be16(&f, 0x0800);
    raw_ipv4(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_SLL, &p), DECODE_OK);
    assert_int_equal(p.src_port, 7);
    f.len = 15;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_SLL, &p), DECODE_INVALID);

    fb_init(&f);
    fb_be16(&f, 0x86dd);
    fb_be16(&f, 0);
    fb_be32(&f, 3); /* ifindex */
    fb_be16(&f, 1); /* ARPHRD_ETHER */
    fb_u8(&f, 4);   /* outgoing */
    fb_u8(&f, 6);
    fb_fill(&f, 0xaa, 8);
    raw_ipv6(&f);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_SLL2, &p), DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    fb_set_be16(&f, 0, 0x0004); /* 802.2 LLC */
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_SLL2, &p), DECODE_NOT_IP);
    f.len = 19;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_SLL2, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "link.too_short"), 2);
    assert_int_equal(fb_counter(d, "decoded.sll"), 3);
}

static void test_link_bad(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    raw_ipv4(&f);
    assert_int_equal(fb_decode(d, &f, 147, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "link.unsupported"), 1);
    f.b[0] = 0x55;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_RAW, &p), DECODE_INVALID);
    f.len = 0;
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_RAW, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "link.raw_bad_version"), 2);
    assert_int_equal(fb_counter(d, "decoded.invalid"), 3);
}

static void test_counter_names_unique(void **state)
{
    struct counter_view v = decoder_counters(*state);
    assert_string_equal(v.section, "decoder");
    assert_true(v.count > 50);
    for (size_t i = 0; i < v.count; i++) {
        assert_non_null(strchr(v.names[i], '.'));
        for (size_t j = i + 1; j < v.count; j++)
            assert_string_not_equal(v.names[i], v.names[j]);
    }
}

static void test_config_default(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_default(&cfg);
    assert_int_equal(cfg.defrag_memcap, 32u << 20);
    assert_int_equal(cfg.defrag_timeout_ms, 60000);
    assert_int_equal(cfg.defrag_max_datagrams, 65536);
    assert_int_equal(cfg.max_tunnel_depth, 4);
    decoder_free(NULL);
}

static int test_decode_link_run_group(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ethernet_ipv4_tcp, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ethernet_padding_trimmed, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_every_prefix_truncated, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_not_ip_types, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_vlan_stack, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_mpls, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_pppoe, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_link_types, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_link_sll, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_link_bad, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_counter_names_unique, fb_setup, fb_teardown),
        cmocka_unit_test(test_config_default),
    };
    return cmocka_run_group_tests_name("decode_link", tests, NULL, NULL);
}

int test_decode_link_run(void)
{
    return test_decode_link_run_group();
}

int main(void)
{
    int failed = 0;
    failed += test_decode_link_run();
    failed += test_decode_ip_run();
    failed += test_decode_tunnel_run();
    failed += test_decode_defrag_run();
    return failed ? 1 : 0;
}
