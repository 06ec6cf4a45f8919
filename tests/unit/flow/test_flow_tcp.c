/* test_flow_tcp.c — TCP states through the flow table: handshake, each
 * teardown order, RST, port reuse; and idle timeouts per class. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flow/flow_table.h"
#include "flow_test_util.h"

#include <cmocka.h>

#define C "10.0.0.1"
#define S "10.0.0.2"

static uint64_t counter(const struct flow_table *t, const char *name)
{
    struct counter_view v = flow_table_counters(t);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s", name);
    return 0;
}

static struct flow_table *default_table(void)
{
    struct flow_config cfg;
    flow_config_default(&cfg);
    struct flow_table *t = flow_table_new(&cfg, NULL, NULL);
    assert_non_null(t);
    return t;
}

/* Client and server sequence numbers for a scripted connection. */
struct conn {
    struct flow_table *t;
    uint32_t cseq, sseq;
    uint64_t ts;
};

/* Sends one segment; from_client picks the side. seq/ack follow the
 * script's counters unless ack_override is nonzero. */
static struct flow *seg(struct conn *c, bool from_client, uint8_t flags, uint32_t len,
                        uint32_t ack_override)
{
    struct packet p = from_client ? test_tcp(C, 40000, S, 80, flags, c->ts)
                                  : test_tcp(S, 80, C, 40000, flags, c->ts);
    c->ts += 1000;
    uint32_t *seq = from_client ? &c->cseq : &c->sseq;
    p.tcp_seq = *seq;
    p.tcp_ack = ack_override ? ack_override : (from_client ? c->sseq : c->cseq);
    p.payload_len = len;
    *seq += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    enum flow_dir d;
    struct flow *f = flow_table_packet(c->t, &p, &d);
    assert_non_null(f);
    assert_int_equal(d, from_client ? FLOW_TOSERVER : FLOW_TOCLIENT);
    return f;
}

static struct flow *handshake(struct conn *c)
{
    struct flow *f = seg(c, true, TCP_SYN, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_SYN_SENT);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    assert_false(f->is_midstream);
    assert_false(f->is_client_guessed);
    f = seg(c, false, TCP_SYN | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_SYN_RECV);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    f = seg(c, true, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    f = seg(c, true, TCP_ACK | TCP_PSH, 100, 0);
    f = seg(c, false, TCP_ACK | TCP_PSH, 500, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
    return f;
}

static void test_client_closes(void **state)
{
    (void)state;
    struct conn c = {.t = default_table(), .cseq = 1000, .sseq = 9000, .ts = TEST_US};
    handshake(&c);
    struct flow *f = seg(&c, true, TCP_FIN | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSE_WAIT);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    f = seg(&c, false, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSE_WAIT);
    f = seg(&c, false, TCP_FIN | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_LAST_ACK);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    /* An ACK short of the server's FIN does not finish it. */
    f = seg(&c, true, TCP_ACK, 0, c.sseq - 1);
    assert_int_equal(f->tcp_state, FLOW_TCP_LAST_ACK);
    f = seg(&c, true, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    assert_int_equal(f->tcp_flags[FLOW_TOSERVER], TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN);
    assert_int_equal(f->tcp_flags[FLOW_TOCLIENT], TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN);
    flow_table_free(c.t);
}

static void test_server_closes(void **state)
{
    (void)state;
    struct conn c = {
        .t = default_table(), .cseq = 0xfffffff0u, .sseq = 77, .ts = TEST_US}; /* client wraps */
    handshake(&c);
    struct flow *f = seg(&c, false, TCP_FIN | TCP_ACK, 20, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_FIN_WAIT1);
    /* The client acknowledges data before the FIN, not the FIN. */
    f = seg(&c, true, TCP_ACK, 0, c.sseq - 2);
    assert_int_equal(f->tcp_state, FLOW_TCP_FIN_WAIT1);
    f = seg(&c, true, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_FIN_WAIT2);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    f = seg(&c, true, TCP_FIN | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_TIME_WAIT);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    f = seg(&c, false, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
    flow_table_free(c.t);
}

static void test_simultaneous_close(void **state)
{
    (void)state;
    struct conn c = {.t = default_table(), .cseq = 5, .sseq = 5000, .ts = TEST_US};
    handshake(&c);
    uint32_t client_ack = c.sseq; /* before the server's FIN */
    struct flow *f = seg(&c, false, TCP_FIN | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_FIN_WAIT1);
    f = seg(&c, true, TCP_FIN | TCP_ACK, 0, client_ack); /* crossed in flight */
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSING);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    f = seg(&c, true, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_TIME_WAIT);
    f = seg(&c, false, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
    flow_table_free(c.t);
}

static void test_rst_and_reuse(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg);
    struct conn c = {
        .t = flow_table_new(&cfg, test_on_end, &e), .cseq = 1, .sseq = 2, .ts = TEST_US};
    handshake(&c);
    struct flow *f = seg(&c, false, TCP_RST | TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    uint64_t old_id = f->flow_id;
    /* Late packets stay on the closed flow. */
    f = seg(&c, true, TCP_ACK, 0, 0);
    assert_int_equal(f->flow_id, old_id);
    assert_int_equal(e.count, 0);

    /* A fresh SYN on the same ports ends it (forced) and starts anew. */
    f = seg(&c, true, TCP_SYN, 0, 0);
    assert_true(f->flow_id != old_id);
    assert_int_equal(f->tcp_state, FLOW_TCP_SYN_SENT);
    assert_int_equal(f->pkts[FLOW_TOSERVER], 1);
    assert_int_equal(f->pkts[FLOW_TOCLIENT], 0);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.flows[0].flow_id, old_id);
    assert_int_equal(e.flows[0].end_reason, FLOW_END_FORCED);
    assert_int_equal(e.flows[0].pkts[FLOW_TOSERVER], 4);
    assert_int_equal(e.flows[0].pkts[FLOW_TOCLIENT], 3);
    assert_int_equal(counter(c.t, "flows.tcp_reuse"), 1);
    assert_int_equal(counter(c.t, "flows.evicted"), 0);

    /* A retransmitted SYN on a live handshake is not reuse. */
    c.cseq--;
    f = seg(&c, true, TCP_SYN, 0, 0);
    assert_int_equal(f->pkts[FLOW_TOSERVER], 2);
    assert_int_equal(counter(c.t, "flows.tcp_reuse"), 1);
    /* Nor is a SYN on an established connection. */
    seg(&c, false, TCP_SYN | TCP_ACK, 0, 0);
    seg(&c, true, TCP_ACK, 0, 0);
    f = seg(&c, true, TCP_SYN, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
    assert_int_equal(counter(c.t, "flows.tcp_reuse"), 1);
    flow_table_free(c.t);
}

static void test_reuse_after_time_wait_from_server_side(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg);
    struct conn c = {
        .t = flow_table_new(&cfg, test_on_end, &e), .cseq = 1, .sseq = 2, .ts = TEST_US};
    handshake(&c);
    seg(&c, false, TCP_FIN | TCP_ACK, 0, 0);
    seg(&c, true, TCP_FIN | TCP_ACK, 0, 0);
    struct flow *f = seg(&c, false, TCP_ACK, 0, 0);
    assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
    /* The old server now opens a connection back on the same port pair. */
    struct packet syn = test_tcp(S, 80, C, 40000, TCP_SYN, c.ts);
    enum flow_dir d;
    f = flow_table_packet(c.t, &syn, &d);
    assert_int_equal(d, FLOW_TOSERVER);
    assert_int_equal(f->key.port[FLOW_TOSERVER], 80);
    assert_int_equal(e.by_reason[FLOW_END_FORCED], 1);
    flow_table_free(c.t);
}

/* One flow per timeout class, distinct timeouts, then time steps. */
static void test_timeouts_per_class(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg = {.memcap = 1 << 20,
                              .tcp_new_timeout_s = 10,
                              .tcp_est_timeout_s = 100,
                              .tcp_closed_timeout_s = 5,
                              .udp_new_timeout_s = 20,
                              .udp_est_timeout_s = 200,
                              .other_new_timeout_s = 30,
                              .other_est_timeout_s = 300};
    struct flow_table *t = flow_table_new(&cfg, test_on_end, &e);
    enum flow_dir d;
    const uint64_t t0 = 1000 * (uint64_t)TEST_US;
    struct packet p;
    uint64_t id[7];

    p = test_tcp(C, 1, S, 2, TCP_SYN, t0); /* tcp new: 10 s */
    id[0] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_tcp(C, 3, S, 4, TCP_SYN, t0);
    flow_table_packet(t, &p, &d);
    p = test_tcp(S, 4, C, 3, TCP_SYN | TCP_ACK, t0);
    flow_table_packet(t, &p, &d);
    p = test_tcp(C, 3, S, 4, TCP_ACK, t0); /* tcp established: 100 s */
    id[1] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_tcp(C, 5, S, 6, TCP_RST, t0); /* tcp closed: 5 s */
    id[2] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_packet(C, 7, S, 8, 17, t0); /* udp new: 20 s */
    id[3] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_packet(C, 9, S, 10, 17, t0);
    flow_table_packet(t, &p, &d);
    p = test_packet(S, 10, C, 9, 17, t0); /* udp established: 200 s */
    id[4] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_packet(C, 0, S, 0, 47, t0); /* GRE new: 30 s */
    id[5] = flow_table_packet(t, &p, &d)->flow_id;
    p = test_packet(C, 0, "10.0.0.3", 0, 1, t0);
    flow_table_packet(t, &p, &d);
    p = test_packet("10.0.0.3", 0, C, 0, 1, t0); /* ICMP established: 300 s */
    id[6] = flow_table_packet(t, &p, &d)->flow_id;
    assert_int_equal(counter(t, "flows.active"), 7);

    const uint32_t secs[7] = {10, 100, 5, 20, 200, 30, 300};
    const size_t order[7] = {2, 0, 3, 5, 1, 4, 6}; /* by timeout */
    for (size_t k = 0; k < 7; k++) {
        size_t i = order[k];
        uint64_t due = t0 + (uint64_t)secs[i] * TEST_US;
        flow_table_advance(t, due - 1);
        assert_int_equal(e.count, k);
        /* Time going backwards never expires anything. */
        flow_table_advance(t, t0);
        assert_int_equal(e.count, k);
        flow_table_advance(t, due);
        assert_int_equal(e.count, k + 1);
        assert_int_equal(e.flows[k].flow_id, id[i]);
        assert_int_equal(e.flows[k].end_reason, FLOW_END_TIMEOUT);
    }
    assert_int_equal(counter(t, "flows.timeout"), 7);
    assert_int_equal(counter(t, "flows.active"), 0);
    flow_table_free(t);
    assert_int_equal(e.count, 7);
}

static void test_timestamps_backwards(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg); /* udp new 30 s */
    struct flow_table *t = flow_table_new(&cfg, test_on_end, &e);
    enum flow_dir d;
    const uint64_t t0 = 5000 * (uint64_t)TEST_US;
    struct packet a = test_packet(C, 1, S, 2, 17, t0);
    struct flow *f = flow_table_packet(t, &a, &d);
    uint64_t ida = f->flow_id;
    /* A packet from a merged file 2 s in the past. */
    struct packet b = test_packet(C, 1, S, 2, 17, t0 - 2 * TEST_US);
    f = flow_table_packet(t, &b, &d);
    assert_int_equal(f->flow_id, ida);
    assert_int_equal(f->start_us, t0);
    assert_int_equal(f->last_us, t0); /* never moves back: age stays >= 0 */
    assert_int_equal(f->pkts[0], 2);
    assert_int_equal(counter(t, "packets.ts_backwards"), 1);

    /* A new flow stamped earlier than its list's head still expires, no
     * later than the head does and never before its own deadline. */
    struct packet c = test_packet(C, 3, S, 4, 17, t0 - 2 * TEST_US);
    uint64_t idc = flow_table_packet(t, &c, &d)->flow_id;
    flow_table_advance(t, t0 + 28 * TEST_US - 1);
    assert_int_equal(e.count, 0);
    flow_table_advance(t, t0 + 30 * TEST_US);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.flows[0].flow_id, ida);
    assert_int_equal(e.flows[1].flow_id, idc);
    flow_table_free(t);
}

/* Flows keep their list place while their activity stays within ~1 s;
 * expiry may then run late by at most that, never early. */
static void test_expiry_lateness_bounded(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg); /* udp new 30 s */
    struct flow_table *t = flow_table_new(&cfg, test_on_end, &e);
    enum flow_dir d;
    const uint64_t t0 = (uint64_t)1 << 40; /* on a 2^20 us epoch boundary */
    struct packet a = test_packet(C, 1, S, 2, 17, t0);
    uint64_t ida = flow_table_packet(t, &a, &d)->flow_id;
    struct packet b = test_packet(C, 3, S, 4, 17, t0 + 100000);
    uint64_t idb = flow_table_packet(t, &b, &d)->flow_id;
    a.ts_us = t0 + 500000;
    flow_table_packet(t, &a, &d);

    const uint64_t due_a = t0 + 500000 + 30 * (uint64_t)TEST_US;
    const uint64_t due_b = t0 + 100000 + 30 * (uint64_t)TEST_US;
    for (uint64_t now = t0 + 29 * (uint64_t)TEST_US; now < due_b + 1100000; now += 1000) {
        flow_table_advance(t, now);
        for (size_t i = 0; i < e.count; i++)
            assert_true(e.flows[i].flow_id == ida ? now >= due_a : now >= due_b);
    }
    assert_int_equal(e.count, 2);
    assert_true(e.flows[0].flow_id == idb || e.flows[1].flow_id == idb);
    flow_table_free(t);
}

static void test_expired_without_advance(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg);
    struct flow_table *t = flow_table_new(&cfg, test_on_end, &e);
    enum flow_dir d;
    struct packet a = test_packet(C, 1, S, 2, 17, TEST_US);
    uint64_t ida = flow_table_packet(t, &a, &d)->flow_id;
    /* Same tuple after the 30 s udp-new timeout, advance never called. */
    struct packet b = test_packet(S, 2, C, 1, 17, 31 * (uint64_t)TEST_US);
    struct flow *f = flow_table_packet(t, &b, &d);
    assert_true(f->flow_id != ida);
    assert_int_equal(d, FLOW_TOSERVER); /* its sender is the new flow's client */
    assert_int_equal(e.count, 1);
    assert_int_equal(e.flows[0].end_reason, FLOW_END_TIMEOUT);
    assert_int_equal(counter(t, "flows.timeout"), 1);
    flow_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_closes),
        cmocka_unit_test(test_server_closes),
        cmocka_unit_test(test_simultaneous_close),
        cmocka_unit_test(test_rst_and_reuse),
        cmocka_unit_test(test_reuse_after_time_wait_from_server_side),
        cmocka_unit_test(test_timeouts_per_class),
        cmocka_unit_test(test_timestamps_backwards),
        cmocka_unit_test(test_expiry_lateness_bounded),
        cmocka_unit_test(test_expired_without_advance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
