/* test_decode_defrag.c — IPv4/IPv6 reassembly: order, duplicates, the
 * overlap policy, limits (timeout, memcap, trackers, size, piece count). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "frame_builder.h"

#include <cmocka.h>

/* The datagram the IPv4 tests cut up: UDP 7 -> 9 with 40 payload bytes
 * 0, 1, 2 ... (48 bytes of IP payload in all). */
static void datagram(uint8_t *out)
{
    static const uint8_t udp[8] = {0, 7, 0, 9, 0, 48, 0, 0};
    memcpy(out, udp, 8);
    for (int i = 0; i < 40; i++)
        out[8 + i] = (uint8_t)i;
}

static enum decode_result frag4(struct decoder *d, uint16_t id, uint16_t vlan, uint32_t off,
                                const uint8_t *data, size_t len, bool more, uint64_t ts_us,
                                struct packet *p)
{
    struct fb f;
    fb_init(&f);
    if (vlan) {
        fb_eth(&f, 0x8100);
        fb_vlan(&f, vlan, 0x0800);
    } else {
        fb_eth(&f, 0x0800);
    }
    size_t ip = fb_ipv4(&f, 17, id, (uint16_t)((more ? 0x2000 : 0) | off / 8), 0);
    fb_bytes(&f, data, len);
    fb_ipv4_end(&f, ip);
    memset(p, 0, sizeof(*p));
    p->ts_us = ts_us;
    p->data = f.b;
    p->caplen = (uint32_t)f.len;
    p->wirelen = (uint32_t)f.len + 4; /* a frame check sequence on the wire, say */
    p->linktype = PACKET_LINK_ETHERNET;
    enum decode_result r = decoder_run(d, p);
    if (r == DECODE_OK) {
        /* The reassembled payload lives in the decoder: check it now. */
        uint8_t want[48];
        datagram(want);
        assert_int_equal(p->payload_len, 40);
        assert_memory_equal(p->payload, want + 8, 40);
    }
    return r;
}

static void test_in_order(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    assert_int_equal(frag4(d, 1, 0, 0, dg, 16, true, 1, &p), DECODE_HELD);
    assert_int_equal(p.flags, PACKET_IS_FRAGMENT);
    assert_int_equal(p.src_port, 0);
    assert_int_equal(frag4(d, 1, 0, 16, dg + 16, 16, true, 2, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.trackers"), 1);
    assert_true(fb_counter(d, "defrag.memory.used") > 32);
    assert_int_equal(frag4(d, 1, 0, 32, dg + 32, 16, false, 3, &p), DECODE_OK);
    assert_int_equal(p.flags, PACKET_IS_FRAGMENT | PACKET_IS_REASSEMBLED | PACKET_HAS_UDP);
    assert_int_equal(p.src_port, 7);
    assert_int_equal(p.dst_port, 9);
    assert_int_equal(p.ip_len, 68);
    assert_int_equal(p.frame_count, 3);
    assert_int_equal(p.frame_bytes, 3 * (14 + 20 + 16 + 4));
    assert_int_equal(fb_counter(d, "defrag.reassembled"), 1);
    assert_int_equal(fb_counter(d, "defrag.trackers"), 0);
    assert_int_equal(fb_counter(d, "defrag.memory.used"), 0);
    assert_true(fb_counter(d, "defrag.memory.max") > 32);
    assert_int_equal(fb_counter(d, "ipv4.fragment"), 3);
}

static void test_out_of_order_and_duplicate(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    assert_int_equal(frag4(d, 2, 0, 32, dg + 32, 16, false, 1, &p), DECODE_HELD);
    /* A non-first fragment's bytes are not a UDP header. */
    assert_int_equal(p.src_port, 0);
    assert_int_equal(p.flags & PACKET_HAS_UDP, 0);
    assert_int_equal(frag4(d, 2, 0, 0, dg, 16, true, 2, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 2, 0, 0, dg, 16, true, 3, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.duplicate"), 1);
    assert_int_equal(fb_counter(d, "defrag.overlap"), 0);
    assert_int_equal(frag4(d, 2, 0, 16, dg + 16, 16, true, 4, &p), DECODE_OK);
    assert_int_equal(p.frame_count, 4);
}

/* IPv4 "First" policy: the later fragment only fills holes. */
static void test_overlap_first_wins(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48], evil[48];
    datagram(dg);
    memset(evil, 0xee, sizeof(evil));
    assert_int_equal(frag4(d, 3, 0, 8, dg + 8, 16, true, 1, &p), DECODE_HELD);
    /* Covers [0, 32): its bytes at [8, 24) lose. */
    memcpy(evil, dg, 8);
    memcpy(evil + 24, dg + 24, 8);
    assert_int_equal(frag4(d, 3, 0, 0, evil, 32, true, 2, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.overlap"), 1);
    /* Same range as held bytes but different data: an overlap too. */
    assert_int_equal(frag4(d, 3, 0, 8, evil + 8, 16, true, 3, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.overlap"), 2);
    assert_int_equal(fb_counter(d, "defrag.duplicate"), 0);
    assert_int_equal(frag4(d, 3, 0, 32, dg + 32, 16, false, 4, &p), DECODE_OK);
}

static void test_bad_fragments(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    assert_int_equal(frag4(d, 4, 0, 0, dg, 10, true, 1, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.bad_frag_len"), 1);
    assert_int_equal(frag4(d, 4, 0, 65528, dg, 16, false, 1, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.oversize"), 1);
    assert_int_equal(frag4(d, 4, 0, 8, dg, 0, true, 1, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.empty"), 1);
    /* The end is fixed by the first last fragment. */
    assert_int_equal(frag4(d, 5, 0, 32, dg + 32, 16, false, 1, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 5, 0, 40, dg, 16, false, 1, &p), DECODE_INVALID);
    assert_int_equal(frag4(d, 5, 0, 48, dg, 8, true, 1, &p), DECODE_INVALID);
    assert_int_equal(frag4(d, 6, 0, 32, dg + 32, 16, true, 1, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 6, 0, 16, dg + 16, 16, false, 1, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.bad_end"), 3);
    assert_int_equal(fb_counter(d, "defrag.reassembled"), 0);
}

static void test_vlan_keeps_apart(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    assert_int_equal(frag4(d, 7, 10, 0, dg, 24, true, 1, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 7, 20, 24, dg + 24, 24, false, 1, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.trackers"), 2);
    assert_int_equal(frag4(d, 7, 10, 24, dg + 24, 24, false, 1, &p), DECODE_OK);
    assert_int_equal(p.vlan_id[0], 10);
}

static void test_timeout(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    const uint64_t t0 = 1000000000;
    assert_int_equal(frag4(d, 8, 0, 0, dg, 24, true, t0, &p), DECODE_HELD);
    decoder_advance(d, t0 + 59000000);
    assert_int_equal(fb_counter(d, "defrag.timeout"), 0);
    decoder_advance(d, t0 + 60000000);
    assert_int_equal(fb_counter(d, "defrag.timeout"), 1);
    assert_int_equal(fb_counter(d, "defrag.trackers"), 0);
    assert_int_equal(frag4(d, 8, 0, 24, dg + 24, 24, false, t0 + 60000001, &p), DECODE_HELD);

    /* Found stale on arrival, before any sweep. */
    assert_int_equal(frag4(d, 9, 0, 0, dg, 24, true, t0 + 61000000, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 9, 0, 24, dg + 24, 24, false, t0 + 200000000, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.timeout"), 2);
    decoder_advance(d, t0 + 200000000);
    assert_int_equal(fb_counter(d, "defrag.timeout"), 3);
}

static void test_memcap(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_default(&cfg);
    cfg.defrag_memcap = 1000;
    struct decoder *d = decoder_new(&cfg);
    assert_non_null(d);
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    for (uint16_t id = 100; id < 120; id++) {
        assert_int_equal(frag4(d, id, 0, 0, dg, 24, true, id, &p), DECODE_HELD);
        assert_true(fb_counter(d, "defrag.memory.used") <= 1000);
    }
    uint64_t full = fb_counter(d, "defrag.memcap_full");
    uint64_t evicted = fb_counter(d, "defrag.evicted");
    uint64_t max = fb_counter(d, "defrag.memory.max");
    /* The newest datagram survived and completes; the oldest is gone. */
    enum decode_result newest = frag4(d, 119, 0, 24, dg + 24, 24, false, 200, &p);
    enum decode_result oldest = frag4(d, 100, 0, 24, dg + 24, 24, false, 201, &p);
    decoder_free(d);
    assert_true(full > 0);
    assert_true(evicted > 0);
    assert_true(max <= 1000 && max > 500);
    assert_int_equal(newest, DECODE_OK);
    assert_int_equal(oldest, DECODE_HELD);

    /* A cap below one tracker refuses every fragment. */
    cfg.defrag_memcap = 10;
    d = decoder_new(&cfg);
    assert_non_null(d);
    enum decode_result r = frag4(d, 1, 0, 0, dg, 24, true, 1, &p);
    full = fb_counter(d, "defrag.memcap_full");
    decoder_free(d);
    assert_int_equal(r, DECODE_INVALID);
    assert_int_equal(full, 1);
}

static void test_max_trackers(void **state)
{
    (void)state;
    struct decode_config cfg;
    decode_config_default(&cfg);
    cfg.defrag_max_datagrams = 2;
    struct decoder *d = decoder_new(&cfg);
    assert_non_null(d);
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    for (uint16_t id = 1; id <= 3; id++)
        assert_int_equal(frag4(d, id, 0, 0, dg, 24, true, id, &p), DECODE_HELD);
    uint64_t full = fb_counter(d, "defrag.trackers_full");
    uint64_t active = fb_counter(d, "defrag.trackers");
    decoder_free(d);
    assert_int_equal(full, 1);
    assert_int_equal(active, 2);
}

static void test_too_many_pieces(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t eight[8] = {0};
    /* Every other 8-byte slot, so nothing merges or completes. */
    for (uint32_t i = 0; i < 1024; i++)
        assert_int_equal(frag4(d, 11, 0, i * 16, eight, 8, true, 1, &p), DECODE_HELD);
    assert_int_equal(frag4(d, 11, 0, 1024 * 16, eight, 8, true, 1, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.too_many_frags"), 1);
    assert_int_equal(fb_counter(d, "defrag.trackers"), 0);
}

static void test_snapped_fragment(void **state)
{
    struct decoder *d = *state;
    struct fb f;
    struct packet p;
    fb_init(&f);
    size_t ip = fb_ipv4(&f, 17, 1, 0x2000, 0);
    fb_fill(&f, 0, 64);
    fb_ipv4_end(&f, ip);
    memset(&p, 0, sizeof(p));
    p.data = f.b;
    p.caplen = 40;
    p.wirelen = (uint32_t)f.len;
    p.linktype = PACKET_LINK_RAW;
    assert_int_equal(decoder_run(d, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.snapped"), 1);
}

static enum decode_result frag6(struct decoder *d, uint32_t id, uint32_t off, const uint8_t *data,
                                size_t len, bool more, struct packet *p)
{
    struct fb f;
    fb_init(&f);
    size_t ip = fb_ipv6(&f, 60);
    fb_u8(&f, 44); /* destination options before the fragment header */
    fb_u8(&f, 0);
    fb_fill(&f, 1, 6);
    fb_u8(&f, 17);
    fb_u8(&f, 0);
    fb_be16(&f, (uint16_t)(off | (more ? 1 : 0)));
    fb_be32(&f, id);
    fb_bytes(&f, data, len);
    fb_ipv6_end(&f, ip);
    return fb_decode(d, &f, PACKET_LINK_IPV6, p);
}

static void test_ipv6(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t dg[48];
    datagram(dg);
    assert_int_equal(frag6(d, 1, 24, dg + 24, 24, false, &p), DECODE_HELD);
    assert_int_equal(p.ip_proto, 17);
    assert_int_equal(p.src_port, 0);
    assert_int_equal(frag6(d, 1, 0, dg, 24, true, &p), DECODE_OK);
    assert_int_equal(p.src_port, 7);
    assert_int_equal(p.payload_len, 40);
    assert_int_equal(p.ip_len, 40 + 8 + 48);
    assert_int_equal(p.frame_count, 2);
    assert_int_equal(fb_counter(d, "ipv6.fragment"), 2);

    /* RFC 5722: an overlap discards the datagram. */
    assert_int_equal(frag6(d, 2, 0, dg, 24, true, &p), DECODE_HELD);
    assert_int_equal(frag6(d, 2, 16, dg + 16, 16, true, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "defrag.overlap"), 1);
    assert_int_equal(frag6(d, 2, 24, dg + 24, 24, false, &p), DECODE_HELD);
    /* An exact duplicate is not an overlap. */
    assert_int_equal(frag6(d, 3, 0, dg, 24, true, &p), DECODE_HELD);
    assert_int_equal(frag6(d, 3, 0, dg, 24, true, &p), DECODE_HELD);
    assert_int_equal(fb_counter(d, "defrag.duplicate"), 1);
    assert_int_equal(frag6(d, 3, 24, dg + 24, 24, false, &p), DECODE_OK);
}

/* A fragment header inside a reassembled payload (nested fragmentation, as
 * in the frag-36 evasion capture) is refused. */
static void test_ipv6_nested_fragment_header(void **state)
{
    struct decoder *d = *state;
    struct packet p;
    uint8_t inner[24] = {17, 0, 0, 1, 0, 0, 0, 9};
    struct fb f;
    fb_init(&f);
    size_t ip = fb_ipv6(&f, 44);
    fb_u8(&f, 44);
    fb_u8(&f, 0);
    fb_be16(&f, 1);
    fb_be32(&f, 5);
    fb_bytes(&f, inner, sizeof(inner));
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_HELD);
    fb_init(&f);
    ip = fb_ipv6(&f, 44);
    fb_u8(&f, 44);
    fb_u8(&f, 0);
    fb_be16(&f, 24);
    fb_be32(&f, 5);
    fb_bytes(&f, inner, 8);
    fb_ipv6_end(&f, ip);
    assert_int_equal(fb_decode(d, &f, PACKET_LINK_IPV6, &p), DECODE_INVALID);
    assert_int_equal(fb_counter(d, "ipv6.frag_hdr_dup"), 1);
}

/* Outer fragments of an IP-in-IP tunnel: reassembled, then peeled. */
static void test_fragmented_tunnel(void **state)
{
    struct decoder *d = *state;
    struct fb in;
    fb_init(&in);
    size_t ip = fb_ipv4(&in, 17, 1, 0, 0);
    fb_ipv4_addrs(&in, ip, 0xc0a80001, 0xc0a80002);
    size_t udp = fb_udp(&in, 1111, 2222);
    fb_fill(&in, 'q', 36);
    fb_udp_end(&in, udp);
    fb_ipv4_end(&in, ip); /* 64 bytes */
    struct packet p;
    for (int part = 0; part < 2; part++) {
        struct fb f;
        fb_init(&f);
        fb_eth(&f, 0x0800);
        size_t o = fb_ipv4(&f, 4, 77, (uint16_t)(part ? 4 : 0x2000), 0);
        fb_bytes(&f, in.b + part * 32, 32);
        fb_ipv4_end(&f, o);
        enum decode_result r = fb_decode(d, &f, PACKET_LINK_ETHERNET, &p);
        assert_int_equal(r, part ? DECODE_OK : DECODE_HELD);
    }
    assert_int_equal(p.src_port, 1111);
    assert_int_equal(p.tunnel_depth, 1);
    assert_int_equal(p.frame_count, 2);
    assert_int_equal(p.payload_len, 36);
    assert_true(p.flags & PACKET_IS_REASSEMBLED);
}

int test_decode_defrag_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_order, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order_and_duplicate, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_first_wins, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_bad_fragments, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_vlan_keeps_apart, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_timeout, fb_setup, fb_teardown),
        cmocka_unit_test(test_memcap),
        cmocka_unit_test(test_max_trackers),
        cmocka_unit_test_setup_teardown(test_too_many_pieces, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_snapped_fragment, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv6, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_nested_fragment_header, fb_setup, fb_teardown),
        cmocka_unit_test_setup_teardown(test_fragmented_tunnel, fb_setup, fb_teardown),
    };
    return cmocka_run_group_tests_name("decode_defrag", tests, NULL, NULL);
}
