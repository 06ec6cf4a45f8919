/* test_community_id.c — Community ID v1 against the spec's published
 * baseline (corelight/community-id-spec, baseline/README.md and
 * baseline_deflt.json) and against Suricata's expected values for
 * suricata-verify tests/community-id-ipv6 (seed 7), the latter by replaying
 * that capture's packets (from tshark) through the flow table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cid6_frames.h"
#include "flow/community_id.h"
#include "flow/flow_table.h"
#include "flow_test_util.h"

#include <cmocka.h>

struct cid_vector {
    uint8_t proto;
    const char *src;
    uint16_t sport; /* ICMP: type */
    const char *dst;
    uint16_t dport; /* ICMP: code */
    uint16_t seed;
    const char *id;
};

static const struct cid_vector cid_vectors[] = {
    /* baseline/README.md, default seed */
    {6, "1.2.3.4", 1122, "5.6.7.8", 3344, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
    {6, "5.6.7.8", 3344, "1.2.3.4", 1122, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
    {17, "1.2.3.4", 1122, "5.6.7.8", 3344, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="},
    {17, "5.6.7.8", 3344, "1.2.3.4", 1122, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="},
    {132, "1.2.3.4", 1122, "5.6.7.8", 3344, 0, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8="},
    {132, "5.6.7.8", 3344, "1.2.3.4", 1122, 0, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8="},
    {1, "1.2.3.4", 8, "5.6.7.8", 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
    {1, "5.6.7.8", 0, "1.2.3.4", 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
    {1, "1.2.3.4", 11, "5.6.7.8", 0, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk="},
    {58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 128, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
     0, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo="},
    {58, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 129, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
     0, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo="},
    {58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 146, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
     0, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10="},
    {46, "1.2.3.4", 0, "5.6.7.8", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768="},
    {46, "5.6.7.8", 0, "1.2.3.4", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768="},
    {46, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 0,
     0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0="},
    {46, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 0, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0,
     0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0="},
    /* baseline/README.md, seed 1 */
    {6, "1.2.3.4", 1122, "5.6.7.8", 3344, 1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="},
    {17, "5.6.7.8", 3344, "1.2.3.4", 1122, 1, "1:OShq+iKDAMVouh/4bMxB9Sz4amw="},
    {132, "1.2.3.4", 1122, "5.6.7.8", 3344, 1, "1:uitchpn5MMGAQKBJh7bIr/bAr7s="},
    {1, "1.2.3.4", 8, "5.6.7.8", 0, 1, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="},
    {1, "5.6.7.8", 0, "1.2.3.4", 0, 1, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="},
    {1, "1.2.3.4", 11, "5.6.7.8", 0, 1, "1:1DD7cWGC/Yg91YGsQeni8du3pIA="},
    {58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 128, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
     0, 1, "1:IO27GQzPuCtNnwFvjWALMHu5tJE="},
    {58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 146, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
     0, 1, "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s="},
    {46, "5.6.7.8", 0, "1.2.3.4", 0, 1, "1:/buhqeOmaRCopOZFy9HnoJd5XW8="},
    {46, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 0,
     1, "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM="},
    /* baseline_deflt.json (ICMP entries given as type/code of the packet) */
    {58, "fe80::200:86ff:fe05:80da", 135, "fe80::260:97ff:fe07:69ea", 0, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {58, "fe80::260:97ff:fe07:69ea", 136, "fe80::200:86ff:fe05:80da", 0, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {58, "fe80::260:97ff:fe07:69ea", 135, "fe80::200:86ff:fe05:80da", 0, 0,
     "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {58, "3ffe:501:1800:2345::2", 3, "3ffe:507:0:1:200:86ff:fe05:80da", 0, 0,
     "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="},
    {58, "3ffe:501:410:0:2c0:dfff:fe47:33e", 1, "3ffe:507:0:1:200:86ff:fe05:80da", 4, 0,
     "1:hLZd0XGWojozrvxqE0dWB1iM6R0="},
    {58, "3ffe:507:0:1:200:86ff:fe05:80da", 128, "3ffe:501:0:1001::2", 0, 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {58, "3ffe:501:0:1001::2", 129, "3ffe:507:0:1:200:86ff:fe05:80da", 0, 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {58, "fe80::200:86ff:fe05:80da", 133, "ff02::2", 0, 0, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="},
    {58, "fe80::260:97ff:fe07:69ea", 134, "ff02::1", 0, 0, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
    {1, "192.168.0.89", 8, "192.168.0.1", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {1, "192.168.0.1", 0, "192.168.0.89", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {1, "10.0.0.1", 11, "10.0.0.2", 0, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM="},
    {6, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 0,
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {6, "2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, 0,
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {132, "192.168.170.8", 7, "192.168.170.56", 7, 0, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {6, "128.232.110.120", 34855, "66.35.250.204", 80, 0, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {17, "8.8.8.8", 53, "192.168.1.52", 54585, 0, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {46, "10.1.12.2", 0, "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
    /* One-way messages from the larger address keep their order (expected
     * values from an independent Python hashlib computation; the spec's
     * one-way examples all have the smaller address first). */
    {1, "5.6.7.8", 11, "1.2.3.4", 0, 0, "1:1Vae9INpTJ+fZaSmjhtK/hyOPac="},
    {1, "5.6.7.8", 3, "1.2.3.4", 3, 0, "1:LpbcOkCI0tVP+aO3QtYxJ5CoMcY="},
};

/* The flow its first packet would create: src is the client. */
static struct flow vector_flow(const struct cid_vector *v)
{
    struct packet p = test_packet(v->src, v->sport, v->dst, v->dport, v->proto, 0);
    struct flow f;
    memset(&f, 0, sizeof(f));
    memcpy(f.key.addr[0], p.src_ip, 16);
    memcpy(f.key.addr[1], p.dst_ip, 16);
    f.key.ip_version = p.ip_version;
    f.key.proto = v->proto;
    if (v->proto == 1 || v->proto == 58) {
        f.has_icmp[0] = true;
        f.icmp_type[0] = (uint8_t)v->sport;
        f.icmp_code[0] = (uint8_t)v->dport;
    } else {
        f.key.port[0] = v->sport;
        f.key.port[1] = v->dport;
    }
    return f;
}

static void test_spec_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cid_vectors) / sizeof(cid_vectors[0]); i++) {
        const struct cid_vector *v = &cid_vectors[i];
        struct flow f = vector_flow(v);
        char id[COMMUNITY_ID_LEN];
        memset(id, 'x', sizeof(id));
        assert_int_equal(community_id_v1(&f, v->seed, id), 0);
        if (strcmp(id, v->id) != 0)
            fail_msg("vector %zu (%s -> %s proto %u): got %s, want %s", i, v->src, v->dst, v->proto,
                     id, v->id);
        assert_int_equal(strlen(id), COMMUNITY_ID_LEN - 1);
    }
}

static void test_icmp_seen_from_server_only(void **state)
{
    (void)state;
    /* A flow whose client sent nothing ICMP-decodable (truncated) but whose
     * server answered with an echo reply hashes like the echo pair. */
    struct flow f = vector_flow(&cid_vectors[6]); /* 1.2.3.4 echo -> 5.6.7.8 */
    f.has_icmp[0] = false;
    f.has_icmp[1] = true;
    f.icmp_type[1] = 0;
    char id[COMMUNITY_ID_LEN];
    assert_int_equal(community_id_v1(&f, 0, id), 0);
    assert_string_equal(id, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
}

static void test_invalid(void **state)
{
    (void)state;
    struct flow f;
    memset(&f, 0, sizeof(f));
    char id[COMMUNITY_ID_LEN];
    assert_int_equal(community_id_v1(&f, 0, id), -EINVAL);
}

/* Replays the capture's 70 packets through a flow table and checks what
 * Suricata's test.yaml expects of its two flow events. */
static void test_suricata_community_id_ipv6(void **state)
{
    (void)state;
    struct test_ended e = {0};
    struct flow_config cfg;
    flow_config_default(&cfg);
    struct flow_table *t = flow_table_new(&cfg, test_on_end, &e);
    assert_non_null(t);
    for (size_t i = 0; i < sizeof(cid6_frames) / sizeof(cid6_frames[0]); i++) {
        const struct cid6_frame *c = &cid6_frames[i];
        struct packet p = test_tcp(cid6_addrs[c->src], c->sport, cid6_addrs[c->dst], c->dport,
                                   c->flags, c->ts_us);
        p.tcp_seq = c->seq;
        p.tcp_ack = c->ack;
        p.payload_len = c->payload_len;
        p.wirelen = p.caplen = c->wirelen;
        p.frame_bytes = c->wirelen;
        flow_table_advance(t, p.ts_us);
        enum flow_dir d;
        assert_non_null(flow_table_packet(t, &p, &d));
    }
    flow_table_free(t);
    assert_int_equal(e.count, 2);

    static const struct {
        uint16_t sport;
        const char *id;
        uint64_t pkts_ts, pkts_tc, bytes_ts, bytes_tc;
        uint8_t state, tcp_state, flags;
    } want[] = {
        {33892, "1:PGf+a0eBbs1OhuPtJmsF0Sm51v4=", 17, 17, 2303, 7122, FLOW_STATE_ESTABLISHED,
         FLOW_TCP_ESTABLISHED, 0x1a},
        {60202, "1:ptJhMvufAbB5nLDNW77cB800wFM=", 18, 18, 2439, 28862, FLOW_STATE_CLOSED,
         FLOW_TCP_CLOSED, 0x1b},
    };
    for (size_t i = 0; i < 2; i++) {
        const struct flow *f = &e.flows[i];
        assert_int_equal(f->key.port[FLOW_TOSERVER], want[i].sport);
        assert_int_equal(f->key.port[FLOW_TOCLIENT], 443);
        assert_memory_equal(f->key.addr[FLOW_TOSERVER],
                            test_packet(cid6_addrs[0], 0, cid6_addrs[1], 0, 6, 0).src_ip, 16);
        char id[COMMUNITY_ID_LEN];
        assert_int_equal(community_id_v1(f, 7, id), 0);
        assert_string_equal(id, want[i].id);
        assert_int_equal(f->pkts[FLOW_TOSERVER], want[i].pkts_ts);
        assert_int_equal(f->pkts[FLOW_TOCLIENT], want[i].pkts_tc);
        assert_int_equal(f->bytes[FLOW_TOSERVER], want[i].bytes_ts);
        assert_int_equal(f->bytes[FLOW_TOCLIENT], want[i].bytes_tc);
        assert_int_equal(f->state, want[i].state);
        assert_int_equal(f->tcp_state, want[i].tcp_state);
        assert_int_equal(f->tcp_flags[0], want[i].flags);
        assert_int_equal(f->tcp_flags[1], want[i].flags);
        assert_int_equal(f->end_reason, FLOW_END_SHUTDOWN);
        assert_false(f->is_midstream);
        /* flow.age 0: start and end within one second */
        assert_int_equal(f->last_us / TEST_US - f->start_us / TEST_US, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_vectors),
        cmocka_unit_test(test_icmp_seen_from_server_only),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_suricata_community_id_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
