/* test_eve_flow.c — golden EVE flow lines for hand-made flows (IPv4 TCP with
 * VLANs, IPv6 UDP, ICMP, an unnamed protocol) and the shared header. The
 * community_id values come from the spec's baseline table or an independent
 * Python (hashlib) computation, not from this code. */
#include <arpa/inet.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flow/flow.h"
#include "output/eve_flow.h"

#include <cmocka.h>

static struct flow make_flow(const char *client, uint16_t cport, const char *server, uint16_t sport,
                             uint8_t proto)
{
    struct flow f;
    memset(&f, 0, sizeof(f));
    int af = strchr(client, ':') ? AF_INET6 : AF_INET;
    f.key.ip_version = af == AF_INET6 ? 6 : 4;
    assert_int_equal(inet_pton(af, client, f.key.addr[0]), 1);
    assert_int_equal(inet_pton(af, server, f.key.addr[1]), 1);
    f.key.port[0] = cport;
    f.key.port[1] = sport;
    f.key.proto = proto;
    return f;
}

static void assert_line(const struct flow *f, const char *want)
{
    struct json_buf b;
    json_buf_init(&b);
    eve_flow_format(&b, f);
    assert_true(json_buf_ok(&b));
    assert_string_equal(b.data, want);
    json_error_t err;
    json_t *doc = json_loads(b.data, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s", err.text);
    json_decref(doc);
    json_buf_fini(&b);
}

static void test_tcp_ipv4_vlan(void **state)
{
    (void)state;
    struct flow f = make_flow("1.2.3.4", 1122, "5.6.7.8", 3344, 6);
    f.key.vlan_count = 2;
    f.key.vlan_id[0] = 10;
    f.key.vlan_id[1] = 20;
    f.flow_id = 123456789;
    f.start_us = UINT64_C(1692825579496964);
    f.last_us = UINT64_C(1692825581100000);
    f.pkts[0] = 5;
    f.pkts[1] = 4;
    f.bytes[0] = 600;
    f.bytes[1] = 1200;
    f.state = FLOW_STATE_CLOSED;
    f.tcp_state = FLOW_TCP_CLOSED;
    f.tcp_flags[0] = TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN;
    f.tcp_flags[1] = TCP_SYN | TCP_ACK | TCP_RST;
    f.end_reason = FLOW_END_TIMEOUT;
    assert_line(&f,
                "{\"timestamp\":\"2023-08-23T21:19:39.496964+0000\",\"flow_id\":123456789,"
                "\"event_type\":\"flow\",\"vlan\":[10,20],\"src_ip\":\"1.2.3.4\",\"src_port\":1122,"
                "\"dest_ip\":\"5.6.7.8\",\"dest_port\":3344,\"proto\":\"TCP\","
                "\"community_id\":\"1:wCb3OG7yAFWelaUydu0D+125CLM=\","
                "\"flow\":{\"pkts_toserver\":5,\"pkts_toclient\":4,\"bytes_toserver\":600,"
                "\"bytes_toclient\":1200,\"start\":\"2023-08-23T21:19:39.496964+0000\","
                "\"end\":\"2023-08-23T21:19:41.100000+0000\",\"age\":2,\"state\":\"closed\","
                "\"reason\":\"timeout\",\"alerted\":false},"
                "\"tcp\":{\"tcp_flags\":\"1f\",\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"16\","
                "\"syn\":true,\"fin\":true,\"rst\":true,\"psh\":true,\"ack\":true,"
                "\"state\":\"closed\"}}\n");

    /* ECN/CWR/URG names, and no state before any TCP header was seen. */
    f.key.vlan_count = 0;
    f.tcp_flags[0] = TCP_URG | TCP_ECE | TCP_CWR;
    f.tcp_flags[1] = 0;
    f.tcp_state = FLOW_TCP_NONE;
    struct json_buf b;
    json_buf_init(&b);
    eve_flow_format(&b, &f);
    assert_non_null(strstr(b.data, "\"tcp\":{\"tcp_flags\":\"e0\",\"tcp_flags_ts\":\"e0\","
                                   "\"tcp_flags_tc\":\"00\",\"urg\":true,\"ecn\":true,"
                                   "\"cwr\":true}}\n"));
    assert_null(strstr(b.data, "vlan"));
    json_buf_fini(&b);
}

static void test_udp_ipv6(void **state)
{
    (void)state;
    struct flow f = make_flow("2001:db8:0:0:0:0:0:1", 5353, "2001:0db8::1:0:0:53", 53, 17);
    f.flow_id = (UINT64_C(1) << 53) - 1;
    f.start_us = UINT64_C(1709251199999999);
    f.last_us = UINT64_C(1709251200000001); /* 2 us later, across a second: age 1 */
    f.pkts[0] = 1;
    f.pkts[1] = 1;
    f.bytes[0] = 90;
    f.bytes[1] = 200;
    f.state = FLOW_STATE_ESTABLISHED;
    f.end_reason = FLOW_END_SHUTDOWN;
    assert_line(&f,
                "{\"timestamp\":\"2024-02-29T23:59:59.999999+0000\",\"flow_id\":9007199254740991,"
                "\"event_type\":\"flow\",\"src_ip\":\"2001:db8::1\",\"src_port\":5353,"
                "\"dest_ip\":\"2001:db8::1:0:0:53\",\"dest_port\":53,\"proto\":\"UDP\","
                "\"community_id\":\"1:nvpfoUHRk5N33jJVk3FzpgwW5VA=\","
                "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":90,"
                "\"bytes_toclient\":200,\"start\":\"2024-02-29T23:59:59.999999+0000\","
                "\"end\":\"2024-03-01T00:00:00.000001+0000\",\"age\":1,\"state\":\"established\","
                "\"reason\":\"shutdown\",\"alerted\":false}}\n");
}

static void test_icmp(void **state)
{
    (void)state;
    struct flow f = make_flow("192.168.1.10", 0, "192.168.1.1", 0, 1);
    f.flow_id = 1;
    f.start_us = 1000000;
    f.last_us = 1500000;
    f.pkts[0] = f.pkts[1] = 1;
    f.bytes[0] = f.bytes[1] = 98;
    f.has_icmp[0] = f.has_icmp[1] = true;
    f.icmp_type[0] = 8;
    f.icmp_type[1] = 0;
    f.state = FLOW_STATE_ESTABLISHED;
    f.end_reason = FLOW_END_FORCED;
    assert_line(&f,
                "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\",\"flow_id\":1,"
                "\"event_type\":\"flow\",\"src_ip\":\"192.168.1.10\",\"dest_ip\":\"192.168.1.1\","
                "\"proto\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,\"response_icmp_type\":0,"
                "\"response_icmp_code\":0,\"community_id\":\"1:LZUz1BTZ4wyOP5bzCbbkszU9OaM=\","
                "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":98,"
                "\"bytes_toclient\":98,\"start\":\"1970-01-01T00:00:01.000000+0000\","
                "\"end\":\"1970-01-01T00:00:01.500000+0000\",\"age\":0,\"state\":\"established\","
                "\"reason\":\"forced\",\"alerted\":false}}\n");

    /* One-way ICMPv6: no response fields. */
    struct flow g = make_flow("fe80::1", 0, "ff02::1", 0, 58);
    g.has_icmp[0] = true;
    g.icmp_type[0] = 134;
    struct json_buf b;
    json_buf_init(&b);
    eve_flow_format(&b, &g);
    assert_non_null(strstr(b.data, "\"proto\":\"IPv6-ICMP\",\"icmp_type\":134,\"icmp_code\":0,"
                                   "\"community_id\""));
    assert_null(strstr(b.data, "response_icmp"));
    json_buf_fini(&b);
}

static void test_header_options(void **state)
{
    (void)state;
    struct flow f = make_flow("10.0.0.1", 0, "10.0.0.2", 0, 47);
    f.flow_id = 42;
    struct eve_flow_opts o;
    eve_flow_opts_default(&o);
    assert_true(o.has_community_id);
    o.has_community_id = false;
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    eve_flow_header(&b, &f, 2000000, "dns", &o);
    json_buf_close_object(&b);
    assert_string_equal(b.data, "{\"timestamp\":\"1970-01-01T00:00:02.000000+0000\","
                                "\"flow_id\":42,\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\","
                                "\"dest_ip\":\"10.0.0.2\",\"proto\":\"47\"}");

    /* eve_flow_common: no event_type, community id on (seed 0). */
    json_buf_reset(&b);
    json_buf_open_object(&b, NULL);
    eve_flow_common(&b, &f, 0);
    json_buf_close_object(&b);
    assert_null(strstr(b.data, "event_type"));
    assert_non_null(strstr(b.data, "\"proto\":\"47\",\"community_id\":\"1:"));

    /* Seed changes the id. */
    o.has_community_id = true;
    o.community_id_seed = 0;
    json_buf_reset(&b);
    json_buf_open_object(&b, NULL);
    eve_flow_header(&b, &f, 0, NULL, &o);
    json_buf_close_object(&b);
    char seed0[256];
    snprintf(seed0, sizeof(seed0), "%s", b.data);
    o.community_id_seed = 1;
    json_buf_reset(&b);
    json_buf_open_object(&b, NULL);
    eve_flow_header(&b, &f, 0, NULL, &o);
    json_buf_close_object(&b);
    assert_string_not_equal(seed0, b.data);
    json_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_ipv4_vlan),
        cmocka_unit_test(test_udp_ipv6),
        cmocka_unit_test(test_icmp),
        cmocka_unit_test(test_header_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
