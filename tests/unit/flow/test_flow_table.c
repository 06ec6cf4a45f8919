/* test_flow_table.c — flow table: keys and direction, pool and eviction,
 * idle timeouts, port reuse, accounting, counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_table.h"
#include "flow_test_util.h"

#include <cmocka.h>

static uint64_t counter(const struct flow_table *t, const char *name)
{
    struct counter_view v = flow_table_counters(t);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s", name);
    return 0;
}

static struct flow_table *new_table(size_t memcap, struct test_ended *ended)
{
    struct flow_config cfg;
    flow_config_default(&cfg);
    if (memcap)
        cfg.memcap = memcap;
    struct flow_table *t = flow_table_new(&cfg, ended ? test_on_end : NULL, ended);
    assert_non_null(t);
    return t;
}

static void test_defaults(void **state)
{
    (void)state;
    struct flow_config cfg;
    flow_config_default(&cfg);
    assert_int_equal(cfg.memcap, 128u << 20);
    assert_int_equal(cfg.tcp_new_timeout_s, 60);
    assert_int_equal(cfg.tcp_est_timeout_s, 600);
    assert_int_equal(cfg.tcp_closed_timeout_s, 60);
    assert_int_equal(cfg.udp_new_timeout_s, 30);
    assert_int_equal(cfg.udp_est_timeout_s, 300);
    assert_int_equal(cfg.other_new_timeout_s, 30);
    assert_int_equal(cfg.other_est_timeout_s, 300);
    assert_true(sizeof(struct flow) <= 160);

    cfg.memcap = sizeof(struct flow); /* no room for a bucket as well */
    assert_null(flow_table_new(&cfg, NULL, NULL));
    cfg.memcap = sizeof(struct flow) + sizeof(void *);
    struct flow_table *t = flow_table_new(&cfg, NULL, NULL);
    assert_non_null(t);
    assert_int_equal(counter(t, "flows.capacity"), 1);
    flow_table_free(t);
    flow_table_free(NULL);
}

static void test_udp_bidirectional(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_table *t = new_table(0, &e);
    enum flow_dir d;
    struct packet q = test_packet("10.0.0.1", 5353, "10.0.0.2", 53, 17, 1 * TEST_US);
    struct flow *f = flow_table_packet(t, &q, &d);
    assert_non_null(f);
    assert_int_equal(d, FLOW_TOSERVER);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    assert_false(f->is_client_guessed);
    uint64_t id = f->flow_id;
    assert_true(id != 0 && id < (UINT64_C(1) << 53));

    struct packet r = test_packet("10.0.0.2", 53, "10.0.0.1", 5353, 17, 2 * TEST_US);
    r.wirelen = 300;
    r.frame_bytes = 300;
    f = flow_table_packet(t, &r, &d);
    assert_int_equal(d, FLOW_TOCLIENT);
    assert_int_equal(f->flow_id, id);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    assert_int_equal(f->pkts[0], 1);
    assert_int_equal(f->pkts[1], 1);
    assert_int_equal(f->bytes[0], 100);
    assert_int_equal(f->bytes[1], 300);
    assert_int_equal(f->start_us, 1 * TEST_US);
    assert_int_equal(f->last_us, 2 * TEST_US);
    assert_int_equal(f->key.port[0], 5353);
    assert_int_equal(f->key.port[1], 53);

    /* Another source port is another flow. */
    struct packet o = test_packet("10.0.0.1", 5354, "10.0.0.2", 53, 17, 3 * TEST_US);
    assert_true(flow_table_packet(t, &o, &d)->flow_id != id);
    assert_int_equal(counter(t, "flows.created"), 2);
    assert_int_equal(counter(t, "flows.active"), 2);
    assert_int_equal(counter(t, "packets.flow"), 3);

    flow_table_free(t);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.by_reason[FLOW_END_SHUTDOWN], 2);
    /* Shutdown order is oldest activity first, independent of the seed. */
    assert_int_equal(e.flows[0].flow_id, id);
}

static void test_tcp_synack_first(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_table *t = new_table(0, &e);
    enum flow_dir d;
    struct packet sa =
        test_tcp("192.0.2.80", 443, "198.51.100.7", 40000, TCP_SYN | TCP_ACK, TEST_US);
    struct flow *f = flow_table_packet(t, &sa, &d);
    assert_int_equal(d, FLOW_TOCLIENT);
    uint8_t client[16] = {198, 51, 100, 7};
    assert_memory_equal(f->key.addr[FLOW_TOSERVER], client, 16);
    assert_int_equal(f->key.port[FLOW_TOSERVER], 40000);
    assert_int_equal(f->key.port[FLOW_TOCLIENT], 443);
    assert_true(f->is_midstream);
    assert_true(f->is_client_guessed);
    assert_int_equal(f->tcp_state, FLOW_TCP_SYN_RECV);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    assert_int_equal(f->pkts[FLOW_TOCLIENT], 1);
    assert_int_equal(f->pkts[FLOW_TOSERVER], 0);
    assert_int_equal(f->tcp_flags[FLOW_TOCLIENT], TCP_SYN | TCP_ACK);

    struct packet ack = test_tcp("198.51.100.7", 40000, "192.0.2.80", 443, TCP_ACK, 2 * TEST_US);
    f = flow_table_packet(t, &ack, &d);
    assert_int_equal(d, FLOW_TOSERVER);
    assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    flow_table_free(t);
}

static void test_tcp_midstream(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    enum flow_dir d;
    struct packet a = test_tcp("10.1.1.1", 1234, "10.2.2.2", 80, TCP_ACK | TCP_PSH, TEST_US);
    struct flow *f = flow_table_packet(t, &a, &d);
    assert_int_equal(d, FLOW_TOSERVER);
    assert_true(f->is_midstream && f->is_client_guessed);
    assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
    /* One direction only: kept on the short "new" timeout. */
    assert_int_equal(f->state, FLOW_STATE_NEW);
    struct packet b = test_tcp("10.2.2.2", 80, "10.1.1.1", 1234, TCP_ACK, TEST_US + 1);
    f = flow_table_packet(t, &b, &d);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    flow_table_free(t);
}

static void test_non_ip_and_truncated(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    struct packet p = test_packet("10.0.0.1", 1, "10.0.0.2", 2, 17, TEST_US);
    p.ip_version = 0;
    enum flow_dir d = FLOW_TOCLIENT;
    assert_null(flow_table_packet(t, &p, &d));
    assert_int_equal(counter(t, "packets.no_flow"), 1);
    assert_int_equal(counter(t, "flows.created"), 0);

    /* A TCP packet whose header did not decode: counted, keyed without
     * ports, no TCP state until a full header arrives. */
    struct packet trunc = test_tcp("10.0.0.1", 0, "10.0.0.2", 0, 0, TEST_US);
    trunc.flags &= ~(uint32_t)PACKET_HAS_TCP;
    struct flow *f = flow_table_packet(t, &trunc, &d);
    assert_non_null(f);
    assert_int_equal(f->tcp_state, FLOW_TCP_NONE);
    assert_int_equal(f->pkts[0], 1);
    flow_table_free(t);
}

static void test_frame_count(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    enum flow_dir d;
    struct packet p = test_packet("10.0.0.1", 7, "10.0.0.2", 7, 17, TEST_US);
    p.flags |= PACKET_IS_REASSEMBLED | PACKET_IS_FRAGMENT;
    p.frame_count = 3;
    p.frame_bytes = 4514;
    p.wirelen = 1514;
    struct flow *f = flow_table_packet(t, &p, &d);
    assert_int_equal(f->pkts[0], 3);
    assert_int_equal(f->bytes[0], 4514);

    /* A capture layer that left frame_count at 0 still counts one frame. */
    struct packet q = test_packet("10.0.0.2", 7, "10.0.0.1", 7, 17, TEST_US);
    q.frame_count = 0;
    q.frame_bytes = 0;
    q.wirelen = 60;
    f = flow_table_packet(t, &q, &d);
    assert_int_equal(f->pkts[1], 1);
    assert_int_equal(f->bytes[1], 60);
    flow_table_free(t);
}

static void test_vlan_separation(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    enum flow_dir d;
    struct packet a = test_packet("10.0.0.1", 1000, "10.0.0.2", 2000, 17, TEST_US);
    a.vlan_count = 1;
    a.vlan_id[0] = 10;
    struct packet b = a;
    b.vlan_id[0] = 20;
    struct packet c = a; /* double-tagged: outer 10, inner 20 */
    c.vlan_count = 2;
    c.vlan_id[1] = 20;
    struct packet none = a;
    none.vlan_count = 0;
    none.vlan_id[0] = 0;
    uint64_t ia = flow_table_packet(t, &a, &d)->flow_id;
    uint64_t ib = flow_table_packet(t, &b, &d)->flow_id;
    uint64_t ic = flow_table_packet(t, &c, &d)->flow_id;
    uint64_t in = flow_table_packet(t, &none, &d)->flow_id;
    assert_true(ia != ib && ia != ic && ib != ic && in != ia && in != ib && in != ic);

    struct packet ra = test_packet("10.0.0.2", 2000, "10.0.0.1", 1000, 17, TEST_US + 5);
    ra.vlan_count = 1;
    ra.vlan_id[0] = 10;
    struct flow *f = flow_table_packet(t, &ra, &d);
    assert_int_equal(f->flow_id, ia);
    assert_int_equal(d, FLOW_TOCLIENT);
    assert_int_equal(f->key.vlan_count, 1);
    assert_int_equal(f->key.vlan_id[0], 10);
    assert_int_equal(counter(t, "flows.active"), 4);
    flow_table_free(t);
}

static void test_ipv4_ipv6_distinct(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    enum flow_dir d;
    /* IPv4 sits in the first 4 of 16 bytes: an IPv6 address starting with
     * the same bytes must still key apart (ip_version is in the key). */
    struct packet v4 = test_packet("10.0.0.1", 1, "10.0.0.2", 2, 17, TEST_US);
    struct packet v6 = test_packet("a00:1::", 1, "a00:2::", 2, 17, TEST_US);
    assert_memory_equal(v4.src_ip, v6.src_ip, 4);
    uint64_t i4 = flow_table_packet(t, &v4, &d)->flow_id;
    assert_true(flow_table_packet(t, &v6, &d)->flow_id != i4);
    flow_table_free(t);
}

static void test_icmp(void **state)
{
    (void)state;
    struct flow_table *t = new_table(0, NULL);
    enum flow_dir d;
    struct packet req = test_packet("192.168.0.89", 0, "192.168.0.1", 0, 1, TEST_US);
    req.icmp_type = 8;
    req.src_port = 77; /* an echo id the decoder should not have set; ignored */
    struct flow *f = flow_table_packet(t, &req, &d);
    uint64_t id = f->flow_id;
    assert_int_equal(f->key.port[0], 0);
    assert_int_equal(f->key.port[1], 0);
    assert_true(f->has_icmp[0]);
    assert_false(f->has_icmp[1]);
    assert_int_equal(f->icmp_type[0], 8);

    struct packet rep = test_packet("192.168.0.1", 0, "192.168.0.89", 0, 1, TEST_US + 10);
    rep.icmp_type = 0;
    f = flow_table_packet(t, &rep, &d);
    assert_int_equal(f->flow_id, id);
    assert_int_equal(d, FLOW_TOCLIENT);
    assert_true(f->has_icmp[1]);
    assert_int_equal(f->icmp_type[1], 0);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);

    /* Only the first type/code per direction is kept. */
    struct packet unreach = test_packet("192.168.0.1", 0, "192.168.0.89", 0, 1, TEST_US + 20);
    unreach.icmp_type = 3;
    unreach.icmp_code = 3;
    f = flow_table_packet(t, &unreach, &d);
    assert_int_equal(f->icmp_type[1], 0);
    assert_int_equal(f->icmp_code[1], 0);
    assert_int_equal(f->pkts[1], 2);
    flow_table_free(t);
}

static void test_eviction(void **state)
{
    (void)state;
    struct test_ended e = {0};
    size_t cap = 4 * (sizeof(struct flow) + sizeof(void *));
    struct flow_table *t = new_table(cap, &e);
    uint64_t n = counter(t, "flows.capacity");
    assert_true(n >= 3 && n <= 4);
    enum flow_dir d;
    uint64_t ids[8];
    for (uint16_t i = 0; i < n; i++) {
        struct packet p = test_packet("10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 53, 17,
                                      (uint64_t)(i + 1) * TEST_US);
        ids[i] = flow_table_packet(t, &p, &d)->flow_id;
    }
    assert_int_equal(e.count, 0);
    /* Touch the oldest so the second-oldest becomes least recently active. */
    struct packet again = test_packet("10.0.0.1", 1000, "10.0.0.2", 53, 17, 10 * TEST_US);
    flow_table_packet(t, &again, &d);

    struct packet extra = test_packet("10.0.0.1", 2000, "10.0.0.2", 53, 17, 11 * TEST_US);
    struct flow *f = flow_table_packet(t, &extra, &d);
    assert_non_null(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.flows[0].flow_id, ids[1]);
    assert_int_equal(e.flows[0].end_reason, FLOW_END_FORCED);
    assert_int_equal(counter(t, "flows.evicted"), 1);
    assert_int_equal(counter(t, "flows.ended"), 1);
    assert_int_equal(counter(t, "flows.active"), n);
    assert_true(counter(t, "memory.used") <= counter(t, "memory.max"));
    assert_int_equal(counter(t, "memory.max"), cap);

    /* The evicted flow's next packet starts a new flow. */
    struct packet back = test_packet("10.0.0.1", 1001, "10.0.0.2", 53, 17, 12 * TEST_US);
    f = flow_table_packet(t, &back, &d);
    assert_true(f->flow_id != ids[1]);
    assert_int_equal(counter(t, "flows.evicted"), 2);
    flow_table_free(t);
}

static void test_million_flows_bounded(void **state)
{
    (void)state;
    struct test_ended e = {0};
    size_t cap = 1u << 20;
    struct flow_table *t = new_table(cap, &e);
    uint64_t n = counter(t, "flows.capacity");
    assert_true(n > 1000 && n * sizeof(struct flow) < cap);
    enum flow_dir d;
    const uint32_t total = 1000000;
    for (uint32_t i = 0; i < total; i++) {
        struct packet p = test_packet("10.0.0.1", 0, "10.0.0.2", 0, 17, TEST_US + i);
        memcpy(p.src_ip, &i, sizeof(i));
        p.src_port = (uint16_t)(i * 7);
        p.dst_port = 443;
        assert_non_null(flow_table_packet(t, &p, &d));
        if (i % 65536 == 0)
            assert_true(counter(t, "memory.used") <= cap);
    }
    assert_int_equal(counter(t, "flows.created"), total);
    assert_int_equal(counter(t, "flows.active"), n);
    assert_int_equal(counter(t, "flows.active_max"), n);
    assert_int_equal(counter(t, "flows.evicted"), total - n);
    assert_int_equal(e.count, total - n);
    assert_int_equal(e.by_reason[FLOW_END_FORCED], total - n);
    assert_true(counter(t, "memory.used") <= counter(t, "memory.max"));
    flow_table_free(t);
    assert_int_equal(e.count, total);
}

/* Captures of different days concatenated: after the clock is rewound, a
 * flow of the earlier day lives its normal life instead of ending at once. */
static void test_rewind(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_table *t = new_table(0, &e);
    enum flow_dir d;
    uint64_t day = UINT64_C(86400) * TEST_US;
    struct packet a = test_packet("10.0.0.1", 1000, "10.0.0.2", 53, 17, 10 * day);
    flow_table_advance(t, a.ts_us);
    flow_table_packet(t, &a, &d);
    flow_table_rewind(t, 8 * day);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.by_reason[FLOW_END_TIMEOUT], 1);
    assert_int_equal(counter(t, "flows.clock_rewound"), 1);
    struct packet b = test_packet("10.0.0.3", 1000, "10.0.0.4", 53, 17, 8 * day);
    struct packet c = test_packet("10.0.0.4", 53, "10.0.0.3", 1000, 17, 8 * day + TEST_US);
    flow_table_packet(t, &b, &d);
    flow_table_advance(t, c.ts_us);
    struct flow *f = flow_table_packet(t, &c, &d);
    assert_int_equal(d, FLOW_TOCLIENT);
    assert_int_equal(f->pkts[0] + f->pkts[1], 2);
    assert_int_equal(e.count, 1); /* the new flow is alive */
    flow_table_free(t);
}

static void test_flow_id_deterministic(void **state)
{
    (void)state;
    struct flow_table *a = new_table(0, NULL);
    struct flow_table *b = new_table(0, NULL);
    enum flow_dir d;
    uint64_t seen[512];
    for (uint16_t i = 0; i < 512; i++) {
        struct packet p = test_packet("10.9.9.9", (uint16_t)(i + 1), "10.8.8.8", 80, 17, TEST_US);
        uint64_t ia = flow_table_packet(a, &p, &d)->flow_id;
        uint64_t ib = flow_table_packet(b, &p, &d)->flow_id;
        assert_int_equal(ia, ib); /* different hash seeds, same ids */
        assert_true(ia < (UINT64_C(1) << 53));
        for (uint16_t j = 0; j < i; j++)
            assert_true(seen[j] != ia);
        seen[i] = ia;
    }
    flow_table_free(a);
    flow_table_free(b);

    /* Another worker's ids differ. */
    struct flow_config cfg;
    flow_config_default(&cfg);
    cfg.worker_id = 1;
    struct flow_table *w = flow_table_new(&cfg, NULL, NULL);
    struct packet p = test_packet("10.9.9.9", 1, "10.8.8.8", 80, 17, TEST_US);
    assert_true(flow_table_packet(w, &p, &d)->flow_id != seen[0]);
    flow_table_free(w);
    cfg.worker_id = 4096;
    assert_null(flow_table_new(&cfg, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_udp_bidirectional),
        cmocka_unit_test(test_tcp_synack_first),
        cmocka_unit_test(test_tcp_midstream),
        cmocka_unit_test(test_non_ip_and_truncated),
        cmocka_unit_test(test_frame_count),
        cmocka_unit_test(test_vlan_separation),
        cmocka_unit_test(test_ipv4_ipv6_distinct),
        cmocka_unit_test(test_icmp),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_million_flows_bounded),
        cmocka_unit_test(test_flow_id_deterministic),
        cmocka_unit_test(test_rewind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
