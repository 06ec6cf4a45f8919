/* test_app_layer.c — the app layer with stand-in parsers: detection by
 * content on any port and across segments, the server speaking first,
 * detection failure, a gap before detection, STARTTLS hand-over, UDP
 * datagrams and the parser memory cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/app_layer.h"

#include <cmocka.h>

#define TS FLOW_TOSERVER
#define TC FLOW_TOCLIENT

/* What the stand-in parsers saw, per parser and direction. */
struct seen {
    char bytes[2][2][256]; /* [0] "chat" parser, [1] "tls" parser */
    size_t len[2][2];
    int gaps;
    int flow_ends;
    int records;
    int anomalies;
};

static struct seen g_seen;

struct chat_state {
    size_t mem; /* grows with the bytes parsed, to exercise the cap */
};

static void seen_add(int who, enum flow_dir dir, const uint8_t *data, size_t len)
{
    size_t room = sizeof(g_seen.bytes[who][dir]) - 1 - g_seen.len[who][dir];
    size_t n = len < room ? len : room;
    memcpy(g_seen.bytes[who][dir] + g_seen.len[who][dir], data, n);
    g_seen.len[who][dir] += n;
}

/* "chat": the client opens with "HELO", or the server with "220 ". */
static enum app_probe chat_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    const char *magic = dir == TS ? "HELO" : "220 ";
    size_t n = len < 4 ? len : 4;
    if (memcmp(data, magic, n) != 0)
        return APP_PROBE_NO;
    return len < 4 ? APP_PROBE_MAYBE : APP_PROBE_YES;
}

static void *chat_new(void)
{
    return calloc(1, sizeof(struct chat_state));
}

static void chat_free(void *st)
{
    free(st);
}

static enum app_result chat_parse(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    struct chat_state *c = st;
    c->mem += len;
    seen_add(0, dir, data, len);
    if (len >= 8 && memcmp(data, "STARTTLS", 8) == 0 && dir == TC)
        return APP_SWITCH_TLS;
    if (len >= 4 && memcmp(data, "BAD!", 4) == 0) {
        app_out_anomaly(out, APP_PROTO_SMTP, dir, "bad_command");
        return APP_ERROR;
    }
    return APP_OK;
}

static enum app_result chat_gap(void *st, enum flow_dir dir, uint64_t len, struct app_out *out)
{
    (void)st, (void)dir, (void)len, (void)out;
    g_seen.gaps++;
    return APP_OK;
}

static void chat_end(void *st, struct app_out *out)
{
    (void)st;
    g_seen.flow_ends++;
    app_out_emit(out, APP_RECORD_SMTP, &g_seen);
}

static size_t chat_mem(const void *st)
{
    return sizeof(struct chat_state) + ((const struct chat_state *)st)->mem;
}

static const struct app_parser chat_parser = {
    .proto = APP_PROTO_SMTP,
    .name = "smtp",
    .probe = chat_probe,
    .state_new = chat_new,
    .state_free = chat_free,
    .parse = chat_parse,
    .gap = chat_gap,
    .flow_end = chat_end,
    .state_mem = chat_mem,
};

static enum app_probe tls_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    (void)dir, (void)data, (void)len;
    return APP_PROBE_NO; /* reached only through STARTTLS */
}

static enum app_result tls_parse(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                 struct app_out *out)
{
    (void)st, (void)out;
    seen_add(1, dir, data, len);
    return APP_OK;
}

static const struct app_parser tls_parser = {
    .proto = APP_PROTO_TLS,
    .name = "tls",
    .probe = tls_probe,
    .state_new = chat_new,
    .state_free = chat_free,
    .parse = tls_parse,
    .state_mem = chat_mem,
};

/* "ping": UDP datagrams starting with "PING". */
static enum app_probe ping_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    (void)dir;
    return len >= 4 && memcmp(data, "PING", 4) == 0 ? APP_PROBE_YES : APP_PROBE_NO;
}

static enum app_result ping_parse(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                  struct app_out *out)
{
    (void)st;
    seen_add(0, dir, data, len);
    app_out_emit(out, APP_RECORD_DNS, &g_seen);
    return APP_OK;
}

static const struct app_parser ping_parser = {
    .proto = APP_PROTO_DNS,
    .name = "dns",
    .is_datagram = true,
    .probe = ping_probe,
    .state_new = chat_new,
    .state_free = chat_free,
    .parse = ping_parse,
};

/* "tunnel": the client asks "TUN host", the server says "OK\n"; what
 * follows, in the same segment or later, is another protocol. */
static enum app_probe tun_probe(enum flow_dir dir, const uint8_t *data, size_t len)
{
    (void)dir;
    return len >= 4 && memcmp(data, "TUN ", 4) == 0 ? APP_PROBE_YES : APP_PROBE_NO;
}

static enum app_result tun_parse(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                 struct app_out *out)
{
    (void)st;
    if (dir == TC && len >= 3 && memcmp(data, "OK\n", 3) == 0) {
        out->handover_at = 3;
        return APP_REDETECT;
    }
    return APP_OK;
}

static const struct app_parser tun_parser = {
    .proto = APP_PROTO_HTTP,
    .name = "http",
    .probe = tun_probe,
    .state_new = chat_new,
    .state_free = chat_free,
    .parse = tun_parse,
};

static const struct app_layer_entry entries[] = {
    {&ping_parser, {7, 0, 0, 0}},
    {&chat_parser, {25, 0, 0, 0}},
    {&tun_parser, {0, 0, 0, 0}},
};

static void on_record(void *ctx, const struct flow *f, enum app_record type, const void *record,
                      enum flow_dir dir, uint64_t ts_us)
{
    (void)ctx, (void)f, (void)record, (void)dir, (void)ts_us;
    if (type == APP_RECORD_ANOMALY)
        g_seen.anomalies++;
    else
        g_seen.records++;
}

struct env {
    struct app_layer *al;
    struct flow f;
    uint32_t seq[2];
    uint64_t ts_us;
};

static struct env *env_new(size_t parser_memcap, uint16_t server_port, uint8_t proto)
{
    memset(&g_seen, 0, sizeof(g_seen));
    struct env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    struct app_layer_config cfg;
    app_layer_config_default(&cfg);
    cfg.entries = entries;
    cfg.n_entries = sizeof(entries) / sizeof(entries[0]);
    cfg.tls = &tls_parser;
    if (parser_memcap)
        cfg.parser_memcap = parser_memcap;
    e->al = app_layer_new(&cfg, on_record, e);
    assert_non_null(e->al);
    e->f.key.port[TS] = 40000;
    e->f.key.port[TC] = server_port;
    e->f.key.proto = proto;
    e->f.key.ip_version = 4;
    e->seq[TS] = 1000;
    e->seq[TC] = 9000;
    e->ts_us = 1000000;
    return e;
}

static uint64_t ctr(const struct env *e, const char *name)
{
    struct counter_view v = app_layer_counters(e->al);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s", name);
    return 0;
}

static void env_free(struct env *e)
{
    app_layer_flow_end(e->al, &e->f);
    assert_null(e->f.app);
    assert_int_equal(ctr(e, "sessions.active"), 0);
    assert_int_equal(ctr(e, "parser.memory.used"), 0);
    app_layer_free(e->al);
    free(e);
}

static void tcp(struct env *e, enum flow_dir dir, uint8_t flags, const char *payload)
{
    struct packet p = {0};
    p.ts_us = e->ts_us++;
    p.flags = PACKET_HAS_TCP;
    p.ip_proto = 6;
    p.tcp_flags = flags;
    p.tcp_seq = e->seq[dir];
    p.tcp_ack = e->seq[1 - dir];
    p.payload = (const uint8_t *)payload;
    p.payload_len = payload ? (uint32_t)strlen(payload) : 0;
    e->seq[dir] += p.payload_len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    e->f.pkts[dir]++;
    app_layer_packet(e->al, &e->f, dir, &p);
}

static void handshake(struct env *e)
{
    tcp(e, TS, TCP_SYN, NULL);
    tcp(e, TC, TCP_SYN | TCP_ACK, NULL);
    tcp(e, TS, TCP_ACK, NULL);
}

static void test_detect_across_segments_any_port(void **state)
{
    (void)state;
    struct env *e = env_new(0, 4444, 6); /* not a hinted port */
    handshake(e);
    tcp(e, TS, TCP_ACK | TCP_PSH, "HE");
    assert_int_equal(e->f.app_proto, APP_PROTO_UNKNOWN);
    tcp(e, TS, TCP_ACK | TCP_PSH, "LO there\r\n");
    assert_int_equal(e->f.app_proto, APP_PROTO_SMTP);
    tcp(e, TC, TCP_ACK | TCP_PSH, "250 hi\r\n");
    assert_string_equal(g_seen.bytes[0][TS], "HELO there\r\n");
    assert_string_equal(g_seen.bytes[0][TC], "250 hi\r\n");
    assert_int_equal(ctr(e, "detected.smtp"), 1);
    env_free(e);
    assert_int_equal(g_seen.flow_ends, 1);
    assert_int_equal(g_seen.records, 1);
}

static void test_server_first_then_client_replayed(void **state)
{
    (void)state;
    struct env *e = env_new(0, 25, 6);
    handshake(e);
    tcp(e, TC, TCP_ACK | TCP_PSH, "22");
    tcp(e, TS, TCP_ACK | TCP_PSH, "xy"); /* the client's bytes wait in the probe buffer */
    tcp(e, TC, TCP_ACK | TCP_PSH, "0 ready\r\n");
    assert_int_equal(e->f.app_proto, APP_PROTO_SMTP);
    assert_string_equal(g_seen.bytes[0][TC], "220 ready\r\n");
    assert_string_equal(g_seen.bytes[0][TS], "xy");
    env_free(e);
}

static void test_detection_fails_on_garbage(void **state)
{
    (void)state;
    struct env *e = env_new(0, 25, 6);
    handshake(e);
    tcp(e, TS, TCP_ACK | TCP_PSH, "GET / HTTP/1.0\r\n");
    tcp(e, TC, TCP_ACK | TCP_PSH, "HTTP/1.0 200 OK\r\n");
    assert_int_equal(e->f.app_proto, APP_PROTO_FAILED);
    assert_null(e->f.app); /* the session is given back at once */
    assert_int_equal(ctr(e, "detection_failed"), 1);
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO late\r\n"); /* not looked at again */
    assert_int_equal(g_seen.len[0][TS], 0);
    env_free(e);
}

static void test_gap_before_detection_fails(void **state)
{
    (void)state;
    struct env *e = env_new(0, 25, 6);
    handshake(e);
    e->seq[TS] += 100; /* 100 bytes lost */
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO x\r\n");
    tcp(e, TS, TCP_ACK | TCP_FIN, NULL);
    tcp(e, TC, TCP_ACK | TCP_FIN, NULL);
    env_free(e);
    assert_int_equal(g_seen.len[0][TS], 0);
    assert_int_not_equal(g_seen.flow_ends, 1);
}

static void test_starttls_hands_over(void **state)
{
    (void)state;
    struct env *e = env_new(0, 25, 6);
    handshake(e);
    tcp(e, TC, TCP_ACK | TCP_PSH, "220 hi\r\n");
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO x\r\n");
    tcp(e, TC, TCP_ACK | TCP_PSH, "STARTTLS go\r\n");
    tcp(e, TS, TCP_ACK | TCP_PSH, "\x16\x03\x01 hello");
    assert_int_equal(ctr(e, "tls_upgrades"), 1);
    assert_string_equal(g_seen.bytes[1][TS], "\x16\x03\x01 hello");
    assert_string_equal(g_seen.bytes[0][TS], "HELO x\r\n");
    env_free(e);
}

static void test_parser_error_ends_inspection(void **state)
{
    (void)state;
    struct env *e = env_new(0, 25, 6);
    handshake(e);
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO x\r\n");
    tcp(e, TS, TCP_ACK | TCP_PSH, "BAD!\r\n");
    assert_int_equal(g_seen.anomalies, 1);
    assert_int_equal(ctr(e, "parser.errors"), 1);
    assert_null(e->f.app);
    tcp(e, TS, TCP_ACK | TCP_PSH, "more\r\n");
    assert_string_equal(g_seen.bytes[0][TS], "HELO x\r\nBAD!\r\n");
    env_free(e);
}

static void test_parser_memcap(void **state)
{
    (void)state;
    /* Two flows share a cap of 64 bytes of parser state: the first grows
     * past it and is cut off with its pending record emitted; the second
     * then gets a parser again. */
    struct env *e = env_new(64, 25, 6);
    handshake(e);
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO 0123456789\r\n");
    assert_int_equal(ctr(e, "parser.memcap_reached"), 0);
    tcp(e, TS, TCP_ACK | TCP_PSH, "0123456789012345678901234567890123456789\r\n");
    assert_int_equal(ctr(e, "parser.memcap_reached"), 1);
    assert_int_equal(g_seen.flow_ends, 1);
    assert_int_equal(g_seen.records, 1);
    assert_null(e->f.app);
    assert_int_equal(ctr(e, "parser.memory.used"), 0);
    assert_true(ctr(e, "parser.memory.max") > 64);
    tcp(e, TS, TCP_ACK | TCP_PSH, "ignored\r\n");
    env_free(e);
    assert_int_equal(g_seen.flow_ends, 1); /* not twice */
}

static void test_udp_datagrams(void **state)
{
    (void)state;
    struct env *e = env_new(0, 9999, 17);
    struct packet p = {0};
    p.flags = PACKET_HAS_UDP;
    p.payload = (const uint8_t *)"PING 1";
    p.payload_len = 6;
    app_layer_packet(e->al, &e->f, TS, &p);
    p.payload = (const uint8_t *)"PONG 1";
    app_layer_packet(e->al, &e->f, TC, &p);
    assert_int_equal(e->f.app_proto, APP_PROTO_DNS);
    assert_int_equal(g_seen.records, 2);
    assert_string_equal(g_seen.bytes[0][TC], "PONG 1");
    env_free(e);
}

static void test_tunnel_redetects_inner_protocol(void **state)
{
    (void)state;
    struct env *e = env_new(0, 1080, 6);
    handshake(e);
    tcp(e, TS, TCP_ACK | TCP_PSH, "TUN mail.example\n");
    assert_int_equal(e->f.app_proto, APP_PROTO_HTTP);
    tcp(e, TC, TCP_ACK | TCP_PSH, "OK\n220 mail ready\r\n"); /* reply and banner together */
    assert_int_equal(e->f.app_proto, APP_PROTO_SMTP);
    assert_int_equal(ctr(e, "redetections"), 1);
    tcp(e, TS, TCP_ACK | TCP_PSH, "HELO me\r\n");
    assert_string_equal(g_seen.bytes[0][TC], "220 mail ready\r\n");
    assert_string_equal(g_seen.bytes[0][TS], "HELO me\r\n");
    env_free(e);
    assert_int_equal(g_seen.flow_ends, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_across_segments_any_port),
        cmocka_unit_test(test_server_first_then_client_replayed),
        cmocka_unit_test(test_detection_fails_on_garbage),
        cmocka_unit_test(test_gap_before_detection_fails),
        cmocka_unit_test(test_starttls_hands_over),
        cmocka_unit_test(test_parser_error_ends_inspection),
        cmocka_unit_test(test_parser_memcap),
        cmocka_unit_test(test_udp_datagrams),
        cmocka_unit_test(test_tunnel_redetects_inner_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
