/* test_dns.c — DNS parsing of real messages (payloads cut from public
 * captures, see gen_samples.py). Expected values come from tshark's reading
 * of the same frames and from Suricata's verify tests, not from this code. */
#include <stdlib.h>
#include <string.h>

#include "dns_samples.h"
#include "dns_test_util.h"
#include "dns_tests.h"
#include "proto/dns/dns_parser.h"

#define RUN_UDP(c, dir, arr) run_udp((c), (dir), (arr), sizeof(arr))

/* suricata-verify dns-eve-v2-udp-nxdomain-soa: the test.yaml expectations. */
static void test_nxdomain_soa(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_nxdomain_query);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_nxdomain_soa);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 2);
    assert_string_equal(cap_str(&c, 0, "dns.type"), "query");
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "dne.oisf.net");
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "A");
    assert_string_equal(cap_str(&c, 1, "dns.type"), "answer");
    assert_string_equal(cap_str(&c, 1, "dns.rcode"), "NXDOMAIN");
    assert_string_equal(cap_str(&c, 1, "dns.flags"), "8183");
    assert_null(cap_get(&c, 1, "dns.answers"));
    assert_string_equal(cap_str(&c, 1, "dns.authorities[0].rrname"), "oisf.net");
    assert_string_equal(cap_str(&c, 1, "dns.authorities[0].rrtype"), "SOA");
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].ttl"), 899);
    assert_string_equal(cap_str(&c, 1, "dns.authorities[0].soa.mname"), "ns-110.awsdns-13.com");
    assert_string_equal(cap_str(&c, 1, "dns.authorities[0].soa.rname"),
                        "awsdns-hostmaster.amazon.com");
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].soa.serial"), 1);
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].soa.refresh"), 7200);
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].soa.retry"), 900);
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].soa.expire"), 1209600);
    assert_int_equal(cap_int(&c, 1, "dns.authorities[0].soa.minimum"), 86400);
    assert_int_equal(c.sum[1].additional_count, 1); /* the OPT record */
    cap_fini(&c);
}

static void test_cname_a(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_cname_a);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(cap_int(&c, 0, "dns.id"), 0x5e03);
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "www.suricata-ids.org");
    assert_true(json_is_true(cap_get(&c, 0, "dns.rd")));
    assert_true(json_is_true(cap_get(&c, 0, "dns.ra")));
    assert_null(cap_get(&c, 0, "dns.aa"));
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rrtype"), "CNAME");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rdata"), "suricata-ids.org");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].ttl"), 3513);
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rrname"), "suricata-ids.org");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rdata"), "192.0.78.24");
    assert_string_equal(cap_str(&c, 0, "dns.answers[2].rdata"), "192.0.78.25");
    assert_null(cap_get(&c, 0, "dns.answers[3]"));
    cap_fini(&c);
}

static void test_aaaa_query_soa(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_aaaa_soa);
    assert_int_equal(c.anomaly_count, 0);
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "AAAA");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].soa.mname"), "ns1.wordpress.com");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].soa.rname"), "hostmaster.wordpress.com");
    assert_int_equal(cap_int(&c, 0, "dns.authorities[0].soa.serial"), 2005071858);
    assert_int_equal(cap_int(&c, 0, "dns.authorities[0].ttl"), 299);
    cap_fini(&c);
}

/* arkime dns-mx: MX (Suricata writes only the exchange), NS and A. */
static void test_mx_ns_a(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_mx_ns_a);
    assert_int_equal(c.anomaly_count, 0);
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "MX");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rrtype"), "MX");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rdata"), "cluster5.us.messagelabs.com");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].rdata"), "cluster5a.us.messagelabs.com");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].ttl"), 3600);
    assert_int_equal(c.sum[0].answer_count, 2);
    assert_int_equal(c.sum[0].authority_count, 2);
    assert_int_equal(c.sum[0].additional_count, 2);
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].rrtype"), "NS");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].rdata"), "dns2.stabletransit.com");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[1].rdata"), "dns1.stabletransit.com");
    cap_fini(&c);
}

static void check_mx_preference(const struct dns_record *r, void *arg)
{
    (void)arg;
    assert_int_equal(r->answers[0].kind, DNS_RDATA_MX);
    assert_int_equal(r->answers[0].u.mx.preference, 10);
    assert_int_equal(r->answers[1].u.mx.preference, 20);
}

static void test_mx_preference_in_record(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    c.on_record = check_mx_preference;
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_mx_ns_a);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
}

static void test_ptr_aaaa_ns_txt(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_ptr);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_aaaa);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_ns);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_txt);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 4);
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "230.144.113.195.in-addr.arpa");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rrtype"), "PTR");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rdata"), "www.cesnet.cz");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].ttl"), 21599);
    /* tshark: 2a00:1450:400d:806::200e; Suricata writes it uncompressed. */
    assert_string_equal(cap_str(&c, 1, "dns.answers[0].rdata"),
                        "2a00:1450:400d:0806:0000:0000:0000:200e");
    assert_string_equal(cap_str(&c, 2, "dns.answers[0].rdata"), "ns4.google.com");
    assert_string_equal(cap_str(&c, 2, "dns.answers[3].rdata"), "ns3.google.com");
    assert_string_equal(cap_str(&c, 3, "dns.answers[0].rrtype"), "TXT");
    assert_string_equal(cap_str(&c, 3, "dns.answers[0].rdata"), "v=spf1 ptr ?all");
    cap_fini(&c);
}

static void check_aaaa_text(const struct dns_record *r, void *arg)
{
    (void)arg;
    assert_int_equal(r->answers[0].kind, DNS_RDATA_ADDR);
    assert_string_equal(r->answers[0].rdata, "2a00:1450:400d:806::200e"); /* as tshark */
}

static void test_aaaa_record_text(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    c.on_record = check_aaaa_text;
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_aaaa);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
}

/* suricata-verify dns-corrupt-additionals: the answers survive a broken
 * additional section, and the break is reported. */
static void test_srv_corrupt_additionals(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_srv_corrupt_additionals);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.anomaly_count, 1);
    assert_true(c.sum[0].is_malformed);
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "SRV");
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].rrname"), "_sip._udp.sip.voice.google.com");
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].srv.priority"), 20);
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].srv.weight"), 1);
    assert_int_equal(cap_int(&c, 0, "dns.answers[0].srv.port"), 5060);
    assert_string_equal(cap_str(&c, 0, "dns.answers[0].srv.name"),
                        "sip-anycast-2.voice.google.com");
    assert_string_equal(cap_str(&c, 0, "dns.answers[1].srv.name"),
                        "sip-anycast-1.voice.google.com");
    cap_fini(&c);
}

/* nDPI dns-invalid-chars: control octets are escaped as tshark prints them. */
static void test_invalid_chars(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_invalid_chars_query);
    RUN_UDP(&c, FLOW_TOCLIENT, dns_sample_invalid_chars);
    assert_int_equal(c.anomaly_count, 0);
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "www.allyourba\\004\\005\\006arebelongto.cn");
    assert_string_equal(cap_str(&c, 1, "dns.rrname"), "www.allyourbasesare\\001\\002\\003ongto.cn");
    assert_string_equal(cap_str(&c, 1, "dns.answers[0].rdata"), "19.185.141.241");
    assert_int_equal(cap_int(&c, 1, "dns.answers[0].ttl"), 60);
    cap_fini(&c);
}

/* arkime dns-update: opcode 5; the zone is the "question" (RFC 2136 §2.3). */
static void test_update(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_update);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(cap_int(&c, 0, "dns.opcode"), 5);
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "xxxxxxxxx.com");
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "SOA");
    cap_fini(&c);
}

static void test_https_query_and_edns(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_https_query);
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_ecs_weird); /* EDNS options are not decoded */
    RUN_UDP(&c, FLOW_TOSERVER, dns_sample_cname_a_query);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 3);
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "pdx-col.eum-appdynamics.com");
    assert_string_equal(cap_str(&c, 0, "dns.rrtype"), "HTTPS");
    assert_int_equal(cap_int(&c, 0, "dns.id"), 0xc967);
    assert_string_equal(cap_str(&c, 1, "dns.rrname"), "fg2.weberlab.de");
    assert_string_equal(cap_str(&c, 1, "dns.rrtype"), "AAAA");
    assert_int_equal(c.sum[1].additional_count, 1);
    assert_string_equal(cap_str(&c, 2, "dns.type"), "query");
    assert_int_equal(cap_int(&c, 2, "dns.tx_id"), 0);
    cap_fini(&c);
}

/* tcpdump dns_tcp: one length-framed response, fed split at every octet
 * boundary (two chunks) and one octet at a time. */
static void feed_tcp(struct dns_capture *c, const uint8_t *data, size_t len, size_t step)
{
    void *st = dns_tcp_parser.state_new();
    assert_non_null(st);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        uint8_t *copy = malloc(n);
        memcpy(copy, data + off, n);
        assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOCLIENT, copy, n, &c->out), APP_OK);
        free(copy);
    }
    dns_tcp_parser.flow_end(st, &c->out);
    dns_tcp_parser.state_free(st);
}

static void assert_tcp_response(const struct dns_capture *c, size_t i)
{
    assert_true(c->sum[i].is_tcp);
    assert_int_equal(cap_int(c, i, "dns.id"), 0x4319);
    assert_string_equal(cap_str(c, i, "dns.flags"), "8500");
    assert_true(json_is_true(cap_get(c, i, "dns.aa")));
    assert_string_equal(cap_str(c, i, "dns.answers[0].rdata"), "192.139.46.66");
    assert_string_equal(cap_str(c, i, "dns.answers[1].rdata"), "198.199.88.104");
    assert_string_equal(cap_str(c, i, "dns.authorities[0].rdata"), "nic.sandelman.ca");
    assert_string_equal(cap_str(c, i, "dns.authorities[1].rdata"), "sns.cooperix.net");
    assert_int_equal(cap_int(c, i, "dns.authorities[0].ttl"), 86400);
    assert_int_equal(c->sum[i].additional_count, 5);
}

static void test_tcp_split_everywhere(void **state)
{
    (void)state;
    const uint8_t *m = dns_sample_tcp_response;
    size_t len = sizeof(dns_sample_tcp_response);
    struct dns_capture c;
    cap_init(&c);
    feed_tcp(&c, m, len, 1);
    assert_int_equal(c.record_count, 1);
    assert_tcp_response(&c, 0);
    cap_fini(&c);
    for (size_t cut = 1; cut < len; cut++) {
        cap_init(&c);
        void *st = dns_tcp_parser.state_new();
        assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOCLIENT, m, cut, &c.out), APP_OK);
        assert_int_equal(c.record_count, 0);
        assert_int_equal(dns_tcp_parser.parse(st, FLOW_TOCLIENT, m + cut, len - cut, &c.out),
                         APP_OK);
        assert_int_equal(c.record_count, 1);
        assert_int_equal(c.anomaly_count, 0);
        assert_tcp_response(&c, 0);
        dns_tcp_parser.state_free(st);
        cap_fini(&c);
    }
}

/* PcapPlusPlus dns_over_tcp: a DNSSEC referral (DS, RRSIG, NSEC3 kept as
 * hex), the SOA and NS decoded. tshark: rcode 3, 8 authorities. */
static void test_tcp_dnssec(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    feed_tcp(&c, dns_sample_dnssec_tcp, sizeof(dns_sample_dnssec_tcp), 100);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(cap_str(&c, 0, "dns.rcode"), "NXDOMAIN");
    assert_string_equal(cap_str(&c, 0, "dns.rrname"), "cole-tech.net");
    assert_int_equal(c.sum[0].authority_count, 8);
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].rrtype"), "SOA");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[0].soa.mname"), "a.gtld-servers.net");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[1].rrtype"), "RRSIG");
    assert_non_null(cap_get(&c, 0, "dns.authorities[1].rdata_hex"));
    assert_true(json_is_true(cap_get(&c, 0, "dns.authorities[1].rdata_truncated")));
    assert_string_equal(cap_str(&c, 0, "dns.authorities[2].rrname"),
                        "A1RT98BS5QGC9NFI51S9HCI47ULJG6JH.net");
    assert_string_equal(cap_str(&c, 0, "dns.authorities[2].rrtype"), "NSEC3");
    cap_fini(&c);
}

/* A response matched to its query carries the query's tx_id. */
static void test_tx_ids(void **state)
{
    (void)state;
    struct dns_capture c;
    cap_init(&c);
    void *st = dns_udp_parser.state_new();
    const uint8_t *q = dns_sample_nxdomain_query, *r = dns_sample_nxdomain_soa;
    dns_udp_parser.parse(st, FLOW_TOSERVER, dns_sample_cname_a_query,
                         sizeof(dns_sample_cname_a_query), &c.out);
    dns_udp_parser.parse(st, FLOW_TOSERVER, q, sizeof(dns_sample_nxdomain_query), &c.out);
    dns_udp_parser.parse(st, FLOW_TOCLIENT, r, sizeof(dns_sample_nxdomain_soa), &c.out);
    dns_udp_parser.parse(st, FLOW_TOCLIENT, r, sizeof(dns_sample_nxdomain_soa), &c.out);
    dns_udp_parser.state_free(st);
    assert_int_equal(c.record_count, 4);
    assert_int_equal(c.sum[0].tx_id, 0);
    assert_int_equal(c.sum[1].tx_id, 1);
    assert_int_equal(c.sum[2].tx_id, 1); /* answers the second query */
    assert_int_equal(c.sum[3].tx_id, 2); /* a repeat: no query left to match */
    cap_fini(&c);
}

static void test_probe_real(void **state)
{
    (void)state;
    assert_int_equal(dns_udp_parser.probe(FLOW_TOSERVER, dns_sample_nxdomain_query,
                                          sizeof(dns_sample_nxdomain_query)),
                     APP_PROBE_YES);
    assert_int_equal(
        dns_udp_parser.probe(FLOW_TOCLIENT, dns_sample_mx_ns_a, sizeof(dns_sample_mx_ns_a)),
        APP_PROBE_YES);
    assert_int_equal(
        dns_udp_parser.probe(FLOW_TOSERVER, dns_sample_update, sizeof(dns_sample_update)),
        APP_PROBE_YES);
    assert_int_equal(dns_tcp_parser.probe(FLOW_TOCLIENT, dns_sample_tcp_response,
                                          sizeof(dns_sample_tcp_response)),
                     APP_PROBE_YES);
    /* A prefix of a TCP message: the name is cut, so "maybe". */
    assert_int_equal(dns_tcp_parser.probe(FLOW_TOCLIENT, dns_sample_tcp_response, 20),
                     APP_PROBE_MAYBE);
    assert_int_equal(dns_tcp_parser.probe(FLOW_TOCLIENT, dns_sample_tcp_response, 1),
                     APP_PROBE_MAYBE);
    /* A UDP payload is not a TCP stream (its id is not a sane length) ... */
    assert_int_equal(dns_tcp_parser.probe(FLOW_TOSERVER, dns_sample_nxdomain_query,
                                          sizeof(dns_sample_nxdomain_query)),
                     APP_PROBE_NO);
    /* ... and a truncated datagram is not DNS. */
    assert_int_equal(dns_udp_parser.probe(FLOW_TOSERVER, dns_sample_nxdomain_query, 20),
                     APP_PROBE_NO);
}

/* A NetBIOS name query (RFC 1002 §4.2.12: NB question for "WORKGROUP<1d>",
 * broadcast) has the DNS layout but is not DNS; the same name asked as an
 * A record is DNS. */
static void test_probe_netbios_is_not_dns(void **state)
{
    (void)state;
    uint8_t msg[12 + 34 + 4] = {0x81, 0x10, 0x01, 0x10, 0x00, 0x01};
    msg[12] = 32;
    const char *nb = "FHEPFCELEHFCEPFFFACACACACACACABN"; /* "WORKGROUP" + 0x1d */
    memcpy(msg + 13, nb, 32);
    msg[45] = 0;
    msg[46] = 0x00, msg[47] = 0x20; /* NB */
    msg[48] = 0x00, msg[49] = 0x01; /* IN */
    assert_int_equal(dns_udp_parser.probe(FLOW_TOSERVER, msg, sizeof(msg)), APP_PROBE_NO);
    msg[47] = 0x01; /* A */
    assert_int_equal(dns_udp_parser.probe(FLOW_TOSERVER, msg, sizeof(msg)), APP_PROBE_YES);
}

/* mDNS: a response with no question (RFC 6762 §6) is DNS, its first record
 * standing in for the question; a query with no question is not. */
static void test_probe_mdns_answer_only(void **state)
{
    (void)state;
    static const uint8_t resp[] = {
        0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, /* header */
        0x05, 'h',  'o',  's',  't',  't',  0x05, 'l',  'o',  'c',  'a',  'l',  0x00, 0x00,
        0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 10,   0,    0,    1};
    assert_int_equal(dns_udp_parser.probe(FLOW_TOCLIENT, resp, sizeof(resp)), APP_PROBE_YES);
    /* rdlength running past the datagram */
    assert_int_equal(dns_udp_parser.probe(FLOW_TOCLIENT, resp, sizeof(resp) - 1), APP_PROBE_NO);
    uint8_t query[sizeof(resp)];
    memcpy(query, resp, sizeof(resp));
    query[2] = 0x00; /* QR clear */
    assert_int_equal(dns_udp_parser.probe(FLOW_TOSERVER, query, sizeof(query)), APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nxdomain_soa),
        cmocka_unit_test(test_cname_a),
        cmocka_unit_test(test_aaaa_query_soa),
        cmocka_unit_test(test_mx_ns_a),
        cmocka_unit_test(test_mx_preference_in_record),
        cmocka_unit_test(test_ptr_aaaa_ns_txt),
        cmocka_unit_test(test_aaaa_record_text),
        cmocka_unit_test(test_srv_corrupt_additionals),
        cmocka_unit_test(test_invalid_chars),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_https_query_and_edns),
        cmocka_unit_test(test_tcp_split_everywhere),
        cmocka_unit_test(test_tcp_dnssec),
        cmocka_unit_test(test_tx_ids),
        cmocka_unit_test(test_probe_real),
        cmocka_unit_test(test_probe_netbios_is_not_dns),
        cmocka_unit_test(test_probe_mdns_answer_only),
    };
    int failed = cmocka_run_group_tests_name("dns_real", tests, NULL, NULL);
    failed += dns_run_hostile_tests();
    failed += dns_run_eve_tests();
    return failed;
}
