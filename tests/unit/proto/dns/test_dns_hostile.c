/* test_dns_hostile.c — hand-made broken and hostile DNS messages. Each must
 * end in its named anomaly, with no crash (ASan/UBSan builds run these too)
 * and no record built from bytes that are not there. */
#include <stdlib.h>
#include <string.h>

#include "dns_test_util.h"
#include "dns_tests.h"
#include "proto/dns/dns_message.h"
#include "proto/dns/dns_name.h"
#include "proto/dns/dns_parser.h"

/* Expects exactly one anomaly named `event` and `records` records. */
static void expect(const struct dns_capture *c, const char *event, size_t records)
{
    if (c->anomaly_count != 1 || strcmp(c->anomalies[0], event) != 0)
        fail_msg("want one \"%s\", got %zu (first \"%s\")", event, c->anomaly_count,
                 c->anomaly_count ? c->anomalies[0] : "");
    assert_int_equal(c->record_count, records);
}

static void udp_expect(struct mb *m, const char *event, size_t records)
{
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, m->b, m->len);
    expect(&c, event, records);
    cap_fini(&c);
}

static void test_pointer_to_itself(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    mb_u16(&m, 0xc000 | 12); /* the question's name, at 12, points to 12 */
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    udp_expect(&m, "compression_loop", 0);
}

static void test_pointer_into_own_labels(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    mb_bytes(&m,
             "\x01"
             "a\x01"
             "b",
             4);
    mb_u16(&m, 0xc000 | 14); /* back to "b": inside its own run */
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    udp_expect(&m, "compression_loop", 0);
}

/* A two-hop loop: the answer's name jumps (legally) backwards into bytes
 * kept in an earlier NULL rdata, which point into their own run. */
static void test_compression_loop_two_hops(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "example.com", 1);
    mb_rr(&m, "example.com", 10 /* NULL */, 60, 4);
    size_t trap = m.len;
    mb_bytes(&m,
             "\x01"
             "x",
             2);
    mb_u16(&m, 0xc000 | (unsigned)trap);
    mb_u16(&m, 0xc000 | (unsigned)trap); /* the second answer's name */
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    mb_u32(&m, 60);
    mb_u16(&m, 4);
    mb_bytes(&m, "\x01\x02\x03\x04", 4);
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, m.b, m.len);
    expect(&c, "compression_loop", 1);
    assert_true(c.sum[0].is_malformed);
    assert_int_equal(c.sum[0].answer_count, 1); /* the NULL record before it */
    cap_fini(&c);
}

static void test_forward_pointer(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    mb_u16(&m, 0xc000 | 18); /* to the name below, after the pointer */
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    mb_name(&m, "example.com");
    udp_expect(&m, "forward_pointer", 0);
}

static void test_pointer_chain_too_long(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "a", 1);
    enum { CHAIN = DNS_NAME_MAX_POINTERS + 2 };
    mb_rr(&m, "a", 10 /* NULL */, 0, 1 + 2 * CHAIN);
    size_t root = m.len;
    mb_u8(&m, 0);
    for (unsigned i = 0; i < CHAIN; i++) /* each points to the one before */
        mb_u16(&m, 0xc000 | (unsigned)(i == 0 ? root : root + 1 + 2 * (i - 1)));
    mb_u16(&m, 0xc000 | (unsigned)(root + 1 + 2 * (CHAIN - 1)));
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    mb_u32(&m, 0);
    mb_u16(&m, 0);
    udp_expect(&m, "too_many_pointers", 1);
}

static void test_label_64(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    mb_u8(&m, 64);
    for (int i = 0; i < 64; i++)
        mb_u8(&m, 'a');
    mb_u8(&m, 0);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    udp_expect(&m, "label_too_long", 0);
}

/* Labels of 63+63+63+wire_last, plus length octets and the root octet. */
static void name_of(struct mb *m, size_t wire_len)
{
    size_t last = wire_len - 3 * 64 - 1 - 1;
    for (int l = 0; l < 3; l++) {
        mb_u8(m, 63);
        for (int i = 0; i < 63; i++)
            mb_u8(m, 'a' + l);
    }
    mb_u8(m, (unsigned)last);
    for (size_t i = 0; i < last; i++)
        mb_u8(m, 'z');
    mb_u8(m, 0);
}

static void test_name_255_ok_256_too_long(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    name_of(&m, 255);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOSERVER, m.b, m.len);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(strlen(cap_str(&c, 0, "dns.rrname")), 253); /* RFC 1035: 253 as text */
    cap_fini(&c);

    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    name_of(&m, 256);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    udp_expect(&m, "name_too_long", 0);
}

/* The longest escaped text: 255 wire octets of non-printable bytes. */
static void test_name_all_escaped(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    for (int l = 0; l < 4; l++) {
        unsigned n = l < 3 ? 63 : 61;
        mb_u8(&m, n);
        for (unsigned i = 0; i < n; i++)
            mb_u8(&m, 0xff);
    }
    mb_u8(&m, 0);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOSERVER, m.b, m.len);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(strlen(cap_str(&c, 0, "dns.rrname")), 250 * 4 + 3);
    assert_memory_equal(cap_str(&c, 0, "dns.rrname"), "\\377\\377", 8);
    cap_fini(&c);
}

static void test_answer_count_65535(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 7, 0x8180, 1, 65535, 0, 0);
    mb_question(&m, "example.com", 1);
    for (int i = 0; i < 2; i++) {
        mb_rr(&m, "example.com", 1, 60, 4);
        mb_bytes(&m, "\x0a\x00\x00\x01", 4);
    }
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, m.b, m.len);
    expect(&c, "record_count_overflow", 1);
    assert_true(c.sum[0].is_malformed);
    assert_int_equal(c.sum[0].answer_count, 2);
    assert_int_equal(c.sum[0].ancount, 65535);
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rdata"), "10.0.0.1");
    cap_fini(&c);
}

static void test_question_count_overflow(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 7, 0x0100, 3, 0, 0, 0);
    mb_question(&m, "example.com", 1);
    udp_expect(&m, "record_count_overflow", 0);
}

static void test_rdlength_overflow(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 7, 0x8180, 1, 1, 0, 0);
    mb_question(&m, "example.com", 1);
    mb_rr(&m, "example.com", 1, 60, 400);
    mb_bytes(&m, "\x0a\x00\x00\x01", 4);
    udp_expect(&m, "rdata_overflow", 1);
}

static void test_rdata_malformed(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 7, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "example.com", 1);
    mb_rr(&m, "example.com", 1, 60, 5); /* an A record of 5 octets */
    mb_bytes(&m, "\x0a\x00\x00\x01\x02", 5);
    mb_rr(&m, "example.com", 5, 60, 3); /* a CNAME whose name leaves its rdata */
    mb_bytes(&m,
             "\x05"
             "ab",
             3);
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, m.b, m.len);
    expect(&c, "rdata_malformed", 1); /* one anomaly per message */
    assert_false(c.sum[0].is_malformed);
    assert_int_equal(c.sum[0].answer_count, 2);
    assert_int_equal(c.sum[0].kinds[0], DNS_RDATA_BAD);
    assert_int_equal(c.sum[0].kinds[1], DNS_RDATA_BAD);
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rdata_hex"), "0a00000102");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].rdata_len"), 5);
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rdata_hex"), "056162");
    cap_fini(&c);
}

static void test_truncated(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 7, 0x0100, 1, 0, 0, 0);
    mb_question(&m, "example.com", 1);
    for (size_t cut = 0; cut < m.len; cut++) {
        struct dns_capture c;
        cap_init(&c);
        run_udp(&c, FLOW_TOSERVER, m.b, cut);
        /* Cut at the question's start, the header's count is what lies. */
        expect(&c, cut == DNS_HEADER_LEN ? "record_count_overflow" : "truncated_message", 0);
        cap_fini(&c);
    }
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOSERVER, m.b, m.len);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
}

/* Random bytes: whatever happens, at most one anomaly and one record per
 * datagram, and the probe says no to nearly all of them. */
static void test_garbage(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    uint8_t buf[600];
    size_t yes = 0;
    for (int n = 0; n < 3000; n++) {
        size_t len = (seed = seed * 1103515245 + 12345) % sizeof(buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)((seed = seed * 1103515245 + 12345) >> 16);
        if (n % 3 == 0 && len > 12) /* keep the counts small sometimes */
            memset(buf + 4, 0, 8);
        struct dns_capture c;
        cap_init(&c);
        run_udp(&c, FLOW_TOSERVER, buf, len);
        assert_true(c.anomaly_count <= 1);
        assert_true(c.record_count <= 1);
        assert_true(c.anomaly_count + c.record_count >= 1);
        yes += dns_udp_parser.probe(FLOW_TOSERVER, buf, len) == APP_PROBE_YES;
        void *st = dns_tcp_parser.state_new();
        dns_tcp_parser.parse(st, FLOW_TOSERVER, buf, len, &c.out);
        assert_true(dns_tcp_parser.state_mem(st) <= 4096 + 65536);
        dns_tcp_parser.state_free(st);
        cap_fini(&c);
    }
    assert_true(yes < 10);
}

static void test_tcp_length_invalid(void **state)
{
    (void)state;
    const uint8_t stream[] = {0x00, 0x05, 1, 2, 3, 4, 5, 0x00, 0x20};
    struct dns_capture c;
    cap_init(&c);
    void *st = dns_tcp_parser.state_new();
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, stream, sizeof(stream), &c.out),
                     APP_ERROR);
    expect(&c, "tcp_length_invalid", 0);
    dns_tcp_parser.state_free(st);
    cap_fini(&c);
}

/* A response of exactly 65535 octets: the answers past the cap are parsed
 * and counted, not stored, and framing goes on after it. */
static void test_tcp_64k_message(void **state)
{
    (void)state;
    struct mb *m = malloc(sizeof(*m));
    assert_non_null(m);
    mb_init(m);
    mb_u16(m, 0); /* the length, filled in below */
    mb_header(m, 9, 0x8180, 1, 0, 0, 0);
    mb_question(m, "example.com", 1);
    unsigned an = 0;
    while (m->len + 16 <= 2 + 65535) { /* a compressed A record is 16 octets */
        mb_u16(m, 0xc000 | 12);
        mb_u16(m, 1);
        mb_u16(m, 1);
        mb_u32(m, 60);
        mb_u16(m, 4);
        mb_u32(m, 0x0a000000 | an);
        an++;
    }
    size_t msg_len = m->len - 2;
    mb_put16_at(m, 0, (unsigned)msg_len);
    mb_put16_at(m, 2 + 6, an);
    struct dns_capture c;
    cap_init(&c);
    void *st = dns_tcp_parser.state_new();
    /* The message twice, in chunks of 1000 (the last of each copy shorter). */
    for (size_t off = 0; off < 2 * m->len; off += 1000) {
        size_t at = off % m->len;
        size_t n = m->len - at < 1000 ? m->len - at : 1000;
        assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOCLIENT, m->b + at, n, &c.out), APP_OK);
        off -= 1000 - n;
    }
    assert_true(msg_len > 65500);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_true(c.sum[i].is_capped);
        assert_int_equal(c.sum[i].answer_count, DNS_MAX_ANSWERS);
        assert_int_equal(c.sum[i].ancount, an);
    }
    assert_string_equal(cap_str(&c, 1, "dns.answers[31].rdata"), "10.0.0.31");
    assert_true(dns_tcp_parser.state_mem(st) <= 4096 + 65536);
    dns_tcp_parser.state_free(st);
    cap_fini(&c);
    free(m);
}

/* Gaps: inside a message of known length the framing survives (that
 * message is lost); before a length is known the direction is given up. */
static void test_tcp_gaps(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_u16(&m, 0);
    mb_header(&m, 3, 0x0100, 1, 0, 0, 0);
    mb_question(&m, "example.com", 1);
    mb_put16_at(&m, 0, (unsigned)(m.len - 2));
    struct dns_capture c;
    cap_init(&c);
    void *st = dns_tcp_parser.state_new();
    /* 10 octets, a gap of 10, the rest: the message is dropped quietly. */
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b, 10, &c.out), APP_OK);
    assert_int_equal(dns_tcp_parser.gap(st, FLOW_TOSERVER, 10, &c.out), APP_OK);
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b + 20, m.len - 20, &c.out), APP_OK);
    assert_int_equal(c.record_count, 0);
    /* Framing is intact: the next message parses. */
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b, m.len, &c.out), APP_OK);
    assert_int_equal(c.record_count, 1);
    /* A gap that ends exactly where the message does. */
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b, 10, &c.out), APP_OK);
    assert_int_equal(dns_tcp_parser.gap(st, FLOW_TOSERVER, m.len - 10, &c.out), APP_OK);
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b, m.len, &c.out), APP_OK);
    assert_int_equal(c.record_count, 2);
    /* A gap where a length prefix is due: give up this direction ... */
    assert_int_equal(dns_tcp_parser.gap(st, FLOW_TOSERVER, 5, &c.out), APP_OK);
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOSERVER, m.b, m.len, &c.out), APP_OK);
    assert_int_equal(c.record_count, 2);
    /* ... while the other goes on; losing both ends the flow. */
    assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOCLIENT, m.b, m.len, &c.out), APP_OK);
    assert_int_equal(c.record_count, 3);
    assert_int_equal(dns_tcp_parser.gap(st, FLOW_TOCLIENT, 100000, &c.out), APP_DONE);
    assert_int_equal(c.anomaly_count, 0);
    dns_tcp_parser.state_free(st);
    cap_fini(&c);
}

/* Long TXT strings overflow the per-message arena: cut, counted, no crash. */
static void test_arena_cap(void **state)
{
    (void)state;
    struct mb *m = malloc(sizeof(*m));
    assert_non_null(m);
    mb_init(m);
    enum { TXT_RRS = 20, STRINGS = 8 };
    mb_header(m, 5, 0x8180, 1, TXT_RRS, 0, 0);
    mb_question(m, "example.com", 16);
    for (int r = 0; r < TXT_RRS; r++) {
        mb_rr(m, "example.com", 16, 60, STRINGS * 256);
        for (int s = 0; s < STRINGS; s++) {
            mb_u8(m, 255);
            for (int i = 0; i < 255; i++)
                mb_u8(m, 0x01); /* escapes to 4 characters each */
        }
    }
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, m->b, m->len);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_true(c.sum[0].is_capped);
    assert_true(c.sum[0].answer_count >= 7 && c.sum[0].answer_count < TXT_RRS);
    assert_int_equal(strlen(cap_str(&c, 0, "dns.answers[0].rdata")), DNS_RDATA_TEXT_MAX - 1);
    assert_true(json_is_true(cap_get(&c, 0, "dns.answers[0].rdata_truncated")));
    cap_fini(&c);
    free(m);
}

int dns_run_hostile_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pointer_to_itself),
        cmocka_unit_test(test_pointer_into_own_labels),
        cmocka_unit_test(test_compression_loop_two_hops),
        cmocka_unit_test(test_forward_pointer),
        cmocka_unit_test(test_pointer_chain_too_long),
        cmocka_unit_test(test_label_64),
        cmocka_unit_test(test_name_255_ok_256_too_long),
        cmocka_unit_test(test_name_all_escaped),
        cmocka_unit_test(test_answer_count_65535),
        cmocka_unit_test(test_question_count_overflow),
        cmocka_unit_test(test_rdlength_overflow),
        cmocka_unit_test(test_rdata_malformed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_tcp_length_invalid),
        cmocka_unit_test(test_tcp_64k_message),
        cmocka_unit_test(test_tcp_gaps),
        cmocka_unit_test(test_arena_cap),
    };
    return cmocka_run_group_tests_name("dns_hostile", tests, NULL, NULL);
}
