/* test_dns_eve.c — the EVE "dns" object: a hand-made response with every
 * decoded rdata type (the SVCB/HTTPS presentation forms were checked against
 * tshark 4.0's reading of the same bytes), flag and code spellings, and
 * golden lines for Suricata 7's version 2 format. */
#include <string.h>

#include "dns_test_util.h"
#include "dns_tests.h"
#include "output/json_buf.h"
#include "proto/dns/dns_eve.h"
#include "proto/dns/dns_parser.h"

/* Response 0xbeef (flags 81c0: qr rd ra z) for example.com HTTPS with: HTTPS
 * 1 . mandatory/alpn/port/ipv4hint/ech/ipv6hint; SVCB 0 pool.svc.example
 * (AliasMode); TXT "hello" "" "world"; NULL 00 7f; type 65280 "v=spf1";
 * SRV 1 2 53 ns.example.com. */
static const uint8_t every_type[] = {
    0xbe, 0xef, 0x81, 0xc0, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61,
    0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x41, 0x00, 0x01, 0x07, 0x65, 0x78,
    0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00,
    0x01, 0x2c, 0x00, 0x42, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x03, 0x00,
    0x01, 0x00, 0x06, 0x02, 0x68, 0x32, 0x02, 0x68, 0x33, 0x00, 0x03, 0x00, 0x02, 0x20, 0xfb, 0x00,
    0x04, 0x00, 0x08, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x00, 0x05, 0x00, 0x03, 0x61,
    0x62, 0x63, 0x00, 0x06, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x5f, 0x64, 0x6e, 0x73, 0x07, 0x65, 0x78, 0x61, 0x6d,
    0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
    0x00, 0x14, 0x00, 0x00, 0x04, 0x70, 0x6f, 0x6f, 0x6c, 0x03, 0x73, 0x76, 0x63, 0x07, 0x65, 0x78,
    0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
    0x6f, 0x6d, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0d, 0x05, 0x68, 0x65,
    0x6c, 0x6c, 0x6f, 0x00, 0x05, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00,
    0x02, 0x00, 0x7f, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
    0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x06, 0x76, 0x3d, 0x73, 0x70, 0x66, 0x31,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x21, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x16, 0x00, 0x01, 0x00, 0x02, 0x00, 0x35, 0x02, 0x6e, 0x73,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
};

static void test_every_rdata_type(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    run_udp(&c, FLOW_TOCLIENT, every_type, sizeof(every_type));
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(cap_str(&c, 0, "dns.flags"), "81c0");
    assert_true(json_is_true(cap_get(&c, 0, "dns.z")));
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "HTTPS");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rdata"),
                        "1 . mandatory=alpn,port alpn=h2,h3 port=8443 "
                        "ipv4hint=192.0.2.1,192.0.2.2 ech=YWJj ipv6hint=2001:db8::1");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].svcb.priority"), 1);
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].svcb.target"), "");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].svcb.alpn[0]"), "h2");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].svcb.alpn[1]"), "h3");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].svcb.port"), 8443);
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].svcb.ipv4hint[1]"), "192.0.2.2");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].svcb.ipv6hint[0]"), "2001:db8::1");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rrtype"), "SVCB");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rrname"), "_dns.example.com");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rdata"), "0 pool.svc.example");
    assert_null(cap_get(&c, 0, "dns.answers[1].svcb.port"));
    assert_string_equal(cap_str(&c, 0, "dns.answers[2].rdata"), "helloworld");
    assert_string_equal(cap_str(&c, 0, "dns.answers[3].rrtype"), "NULL");
    assert_string_equal(cap_str(&c, 0, "dns.answers[3].rdata"), "\\000\\177");
    assert_string_equal(cap_str(&c, 0, "dns.answers[4].rrtype"), "65280");
    assert_string_equal(cap_str(&c, 0, "dns.answers[4].rdata_hex"), "763d73706631");
    assert_int_equal(cap_int(&c, 0, "dns.answers[4].rdata_len"), 6);
    assert_null(cap_get(&c, 0, "dns.answers[4].rdata"));
    assert_string_equal(cap_str(&c, 0, "dns.answers[5].srv.name"), "ns.example.com");
    assert_int_equal(cap_int(&c, 0, "dns.answers[5].srv.port"), 53);
    cap_fini(&c);
}

static void check_record_fields(const struct dns_record *r, void *arg)
{
    (void)arg;
    assert_true(r->is_response);
    assert_int_equal(r->id, 0xbeef);
    assert_int_equal(r->answer_count, 6);
    assert_int_equal(r->answers[0].kind, DNS_RDATA_SVCB);
    assert_int_equal(r->answers[0].u.svcb.alpn_count, 2);
    assert_int_equal(r->answers[2].kind, DNS_RDATA_TEXT);
    assert_int_equal(r->answers[4].kind, DNS_RDATA_HEX);
    assert_int_equal(r->answers[5].kind, DNS_RDATA_SRV);
    assert_string_equal(r->answers[5].rdata, "1 2 53 ns.example.com");
    assert_int_equal(r->answers[5].u.srv.weight, 2);
}

static void test_record_fields(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    c.on_record = check_record_fields;
    run_udp(&c, FLOW_TOCLIENT, every_type, sizeof(every_type));
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
}

/* Golden lines: the exact text Suricata 7 (dns version 2) writes for a
 * query and a response, field order included. */
struct golden {
    const char *want;
    size_t question;
    bool is_query_n;
};

static void check_golden(const struct dns_record *r, void *arg)
{
    const struct golden *g = arg;
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    if (g->is_query_n)
        dns_eve_format_query(&b, r, g->question);
    else
        dns_eve_format(&b, r);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    assert_string_equal(b.data, g->want);
    json_buf_fini(&b);
}

static void golden_udp(enum flow_dir dir, const uint8_t *msg, size_t len, struct golden *g)
{
    struct dns_capture c;
    cap_init(&c);
    c.on_record = check_golden;
    c.arg = g;
    run_udp(&c, dir, msg, len);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
}

static void test_golden_lines(void **state)
{
    (void)state;
    struct mb m;
    mb_init(&m);
    mb_header(&m, 18810, 0x0100, 2, 0, 0, 0);
    mb_question(&m, "www.suricata.io", 1);
    mb_question(&m, "www.suricata.io", 28);
    struct golden q0 = {"{\"dns\":{\"type\":\"query\",\"id\":18810,\"rrname\":\"www.suricata.io\","
                        "\"rrtype\":\"A\",\"tx_id\":0,\"opcode\":0}}",
                        0, false};
    golden_udp(FLOW_TOSERVER, m.b, m.len, &q0);
    struct golden q1 = {"{\"dns\":{\"type\":\"query\",\"id\":18810,\"rrname\":\"www.suricata.io\","
                        "\"rrtype\":\"AAAA\",\"tx_id\":0,\"opcode\":0}}",
                        1, true};
    golden_udp(FLOW_TOSERVER, m.b, m.len, &q1);

    mb_init(&m);
    mb_header(&m, 0, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "www.suricata.io", 1);
    mb_rr(&m, "www.suricata.io", 5, 3597, 13);
    mb_name(&m, "suricata.io");
    mb_rr(&m, "suricata.io", 1, 597, 4);
    mb_bytes(&m, "\x23\xd4\x00\x2c", 4);
    struct golden a = {"{\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":0,\"flags\":\"8180\","
                       "\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
                       "\"rrname\":\"www.suricata.io\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
                       "\"answers\":[{\"rrname\":\"www.suricata.io\",\"rrtype\":\"CNAME\","
                       "\"ttl\":3597,\"rdata\":\"suricata.io\"},{\"rrname\":\"suricata.io\","
                       "\"rrtype\":\"A\",\"ttl\":597,\"rdata\":\"35.212.0.44\"}]}}",
                       0, false};
    golden_udp(FLOW_TOCLIENT, m.b, m.len, &a);

    /* No question, aa and tc set, an rcode without a name (RFC 8490's 11). */
    mb_init(&m);
    mb_header(&m, 65535, 0x8600 | 11, 0, 0, 0, 0);
    struct golden e = {"{\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":65535,"
                       "\"flags\":\"860b\",\"qr\":true,\"aa\":true,\"tc\":true,\"opcode\":0,"
                       "\"rcode\":\"11\"}}",
                       0, false};
    golden_udp(FLOW_TOCLIENT, m.b, m.len, &e);
}

static void test_rcode_and_type_names(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(dns_rcode_name(0, buf), "NOERROR");
    assert_string_equal(dns_rcode_name(2, buf), "SERVFAIL");
    assert_string_equal(dns_rcode_name(3, buf), "NXDOMAIN");
    assert_string_equal(dns_rcode_name(5, buf), "REFUSED");
    assert_string_equal(dns_rcode_name(10, buf), "NOTZONE");
    assert_string_equal(dns_rcode_name(15, buf), "15");
    assert_string_equal(dns_rrtype_name(1, buf), "A");
    assert_string_equal(dns_rrtype_name(23, buf), "NSAPPTR");
    assert_string_equal(dns_rrtype_name(65, buf), "HTTPS");
    assert_string_equal(dns_rrtype_name(255, buf), "ANY");
    assert_string_equal(dns_rrtype_name(257, buf), "CAA");
    assert_string_equal(dns_rrtype_name(32769, buf), "DLV");
    assert_string_equal(dns_rrtype_name(0, buf), "0");
    assert_string_equal(dns_rrtype_name(65535, buf), "65535");
}

int dns_run_eve_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rdata_type),
        cmocka_unit_test(test_record_fields),
        cmocka_unit_test(test_golden_lines),
        cmocka_unit_test(test_rcode_and_type_names),
    };
    return cmocka_run_group_tests_name("dns_eve", tests, NULL, NULL);
}
