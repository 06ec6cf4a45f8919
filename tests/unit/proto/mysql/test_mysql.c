/* test_mysql.c — the MySQL connection-phase parser: the MariaDB 5.5 greeting
 * and SSL request of pcapplusplus's pcapng-example.pcapng (a shared
 * capture) split at every octet, the request and the ClientHello in one
 * call, a plain login, the pre-4.1 request, a refusing server, then hostile
 * input: greetings that are not HandshakeV10, wrong lengths and sequence
 * numbers, a client speaking first, an endless packet, gaps; and the probe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_run.h"
#include "proto/mysql/mysql_parser.h"

#include <cmocka.h>

#define TS FLOW_TOSERVER
#define TC FLOW_TOCLIENT

/* Frame 4: MariaDB 5.5.40's HandshakeV10 (capabilities 0xe00fffff, with
 * CLIENT_SSL), sequence 0, 99 octets of payload. */
static const uint8_t greeting[] = {
    0x63, 0x00, 0x00, 0x00, 0x0a, 0x35, 0x2e, 0x35, 0x2e, 0x34, 0x30, 0x2d, 0x4d, 0x61, 0x72,
    0x69, 0x61, 0x44, 0x42, 0x2d, 0x30, 0x75, 0x62, 0x75, 0x6e, 0x74, 0x75, 0x30, 0x2e, 0x31,
    0x34, 0x2e, 0x30, 0x34, 0x2e, 0x31, 0x00, 0x22, 0x00, 0x00, 0x00, 0x22, 0x57, 0x6f, 0x4b,
    0x69, 0x4f, 0x2f, 0x3d, 0x00, 0xff, 0xff, 0x08, 0x02, 0x00, 0x0f, 0xe0, 0x15, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x26, 0x45, 0x67, 0x58, 0x61, 0x60, 0x3f,
    0x57, 0x77, 0x72, 0x57, 0x3b, 0x00, 0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61, 0x74,
    0x69, 0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x00,
};

/* Frame 6: the client's SSLRequest, sequence 1, capabilities 0x203fae85
 * (CLIENT_PROTOCOL_41, CLIENT_SSL), 32 octets. */
static const uint8_t ssl_request[] = {
    0x20, 0x00, 0x00, 0x01, 0x85, 0xae, 0x3f, 0x20, 0x00, 0x00, 0x00, 0x01,
    0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The first octets of frame 8's ClientHello. */
static const uint8_t client_hello[] = {0x16, 0x03, 0x01, 0x01, 0x64, 0x01, 0x00, 0x01, 0x60};

static void test_ssl_request_capture(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    assert_int_equal(APP_RUN_FEED(&r, TC, greeting), APP_OK);
    assert_int_equal(APP_RUN_FEED(&r, TS, ssl_request), APP_SWITCH_TLS);
    assert_int_equal(r.handover_at, sizeof(ssl_request));
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* Both packets in pieces of every size: the hand-over comes with the
 * request's last octet. */
static void test_every_split(void **state)
{
    (void)state;
    for (size_t split = 1; split <= sizeof(greeting); split++) {
        struct app_run r;
        app_run_init(&r, &mysql_parser);
        for (size_t off = 0; off < sizeof(greeting); off += split) {
            size_t k = sizeof(greeting) - off < split ? sizeof(greeting) - off : split;
            assert_int_equal(app_run_feed(&r, TC, greeting + off, k), APP_OK);
        }
        for (size_t off = 0; off < sizeof(ssl_request); off += split) {
            size_t k = sizeof(ssl_request) - off < split ? sizeof(ssl_request) - off : split;
            enum app_result res = app_run_feed(&r, TS, ssl_request + off, k);
            assert_int_equal(res, off + k == sizeof(ssl_request) ? APP_SWITCH_TLS : APP_OK);
        }
        assert_int_equal(r.anomaly_count, 0);
        app_run_fini(&r);
    }
}

/* The ClientHello right behind the request in one call: the octets from
 * handover_at on go to detection afresh rather than being dropped. */
static void test_request_and_hello_together(void **state)
{
    (void)state;
    uint8_t both[sizeof(ssl_request) + sizeof(client_hello)];
    memcpy(both, ssl_request, sizeof(ssl_request));
    memcpy(both + sizeof(ssl_request), client_hello, sizeof(client_hello));
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, both), APP_REDETECT);
    assert_int_equal(r.handover_at, sizeof(ssl_request));
    app_run_fini(&r);
}

/* A HandshakeResponse41 without CLIENT_SSL: a plain login, nothing more to
 * read. The same after a greeting that does not offer SSL. */
static void test_plain_login(void **state)
{
    (void)state;
    static const uint8_t response[] = {
        0x2a, 0x00, 0x00, 0x01, 0x85, 0xa6, 0x3f, 0x20, 0x00, 0x00, 0x00, 0x01,
        0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        'r',  'o',  'o',  't',  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, response), APP_DONE);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* Protocol 3.20 clients (no CLIENT_PROTOCOL_41): 2 octets of capabilities
 * and 3 of max packet size. */
static void test_ssl_request_320(void **state)
{
    (void)state;
    static const uint8_t request[] = {0x05, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0xff};
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, request), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* An ERR_Packet instead of a greeting: the server refuses, no session. */
static void test_refused(void **state)
{
    (void)state;
    static const uint8_t err[] = {0x0a, 0x00, 0x00, 0x00, 0xff, 0x6a, 0x04,
                                  'n',  'o',  ' ',  'h',  'o',  's',  't'};
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    assert_int_equal(APP_RUN_FEED(&r, TC, err), APP_DONE);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* ---- hostile input ---- */

static void expect_greeting_anomaly(const uint8_t *g, size_t len, const char *name)
{
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    assert_int_equal(app_run_feed(&r, TC, g, len), APP_DONE);
    assert_true(app_run_has_anomaly(&r, name));
    app_run_fini(&r);
}

static void test_bad_greetings(void **state)
{
    (void)state;
    uint8_t g[sizeof(greeting)];
    /* Protocol 9. */
    memcpy(g, greeting, sizeof(g));
    g[4] = 0x09;
    expect_greeting_anomaly(g, sizeof(g), "greeting_invalid");
    /* A version string with no NUL in the packet. */
    static const uint8_t no_nul[] = {0x06, 0x00, 0x00, 0x00, 0x0a, '5', '.', '5', '.', '5'};
    expect_greeting_anomaly(no_nul, sizeof(no_nul), "greeting_invalid");
    /* Cut before the capabilities. */
    static const uint8_t short_g[] = {0x0a, 0x00, 0x00, 0x00, 0x0a, '5', 0x00, 1,
                                      2,    3,    4,    5,    6,    7,   8};
    expect_greeting_anomaly(short_g, sizeof(short_g), "greeting_invalid");
    /* An empty packet. */
    static const uint8_t empty[] = {0x00, 0x00, 0x00, 0x00};
    expect_greeting_anomaly(empty, sizeof(empty), "greeting_invalid");
    /* A version longer than what is kept: its NUL is never seen. */
    uint8_t long_v[4 + 1 + 300 + 30];
    memset(long_v, 'A', sizeof(long_v));
    long_v[0] = (uint8_t)(sizeof(long_v) - 4);
    long_v[1] = (uint8_t)((sizeof(long_v) - 4) >> 8);
    long_v[2] = 0;
    long_v[3] = 0;
    long_v[4] = 0x0a;
    long_v[4 + 1 + 300] = 0;
    expect_greeting_anomaly(long_v, sizeof(long_v), "greeting_invalid");
}

static void test_bad_requests(void **state)
{
    (void)state;
    struct app_run r;
    /* CLIENT_SSL on a packet of the wrong length. */
    uint8_t longer[sizeof(ssl_request) + 1];
    memcpy(longer, ssl_request, sizeof(ssl_request));
    longer[0] = 33;
    longer[sizeof(ssl_request)] = 0;
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, longer), APP_DONE);
    assert_true(app_run_has_anomaly(&r, "ssl_request_invalid"));
    app_run_fini(&r);
    /* Wrong sequence number: noted, the request still honoured. */
    uint8_t seq[sizeof(ssl_request)];
    memcpy(seq, ssl_request, sizeof(seq));
    seq[3] = 7;
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, seq), APP_SWITCH_TLS);
    assert_true(app_run_has_anomaly(&r, "sequence_invalid"));
    app_run_fini(&r);
    /* A one-octet response: no capabilities to read. */
    static const uint8_t tiny[] = {0x01, 0x00, 0x00, 0x01, 0x85};
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TS, tiny), APP_DONE);
    assert_true(app_run_has_anomaly(&r, "response_invalid"));
    app_run_fini(&r);
    /* SSL asked for where the server did not offer it. */
    uint8_t no_ssl[sizeof(greeting)];
    memcpy(no_ssl, greeting, sizeof(no_ssl));
    no_ssl[51] = 0xf7; /* capabilities low 16 bits: 0xf7ff, CLIENT_SSL off */
    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, no_ssl);
    assert_int_equal(APP_RUN_FEED(&r, TS, ssl_request), APP_SWITCH_TLS);
    assert_true(app_run_has_anomaly(&r, "ssl_not_offered"));
    app_run_fini(&r);
}

/* The client speaks before the greeting is whole; server octets after the
 * greeting are not read; a gap ends the parser. */
static void test_order_and_gaps(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    app_run_feed(&r, TC, greeting, 10);
    assert_int_equal(APP_RUN_FEED(&r, TS, ssl_request), APP_DONE);
    assert_true(app_run_has_anomaly(&r, "client_first"));
    app_run_fini(&r);

    app_run_init(&r, &mysql_parser);
    APP_RUN_FEED(&r, TC, greeting);
    assert_int_equal(APP_RUN_FEED(&r, TC, greeting), APP_OK);
    assert_int_equal(APP_RUN_FEED(&r, TS, ssl_request), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);

    app_run_init(&r, &mysql_parser);
    app_run_feed(&r, TC, greeting, 20);
    assert_int_equal(app_run_gap(&r, TC, 1), APP_DONE);
    app_run_fini(&r);
}

/* A packet header announcing 16 MB: kept octets stay fixed while the rest
 * is passed over, and the state never grows. */
static void test_endless_packet(void **state)
{
    (void)state;
    static const uint8_t head[] = {0xff, 0xff, 0xff, 0x00, 0x0a, '8', 0x00};
    uint8_t junk[4096];
    memset(junk, 0x41, sizeof(junk));
    struct app_run r;
    app_run_init(&r, &mysql_parser);
    size_t mem = mysql_parser.state_mem(r.st);
    APP_RUN_FEED(&r, TC, head);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(APP_RUN_FEED(&r, TC, junk), APP_OK);
    assert_int_equal(mysql_parser.state_mem(r.st), mem);
    app_run_fini(&r);
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(mysql_parser.probe(TC, greeting, sizeof(greeting)), APP_PROBE_YES);
    /* Every prefix short of the filler octet is undecided. */
    for (size_t n = 0; n < 5 + 31 + 1 + 4 + 8; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, greeting, n);
        assert_int_equal(mysql_parser.probe(TC, copy, n), APP_PROBE_MAYBE);
        free(copy);
    }
    assert_int_equal(mysql_parser.probe(TC, greeting, 5 + 31 + 1 + 4 + 8 + 1), APP_PROBE_YES);
    /* Two octets tell the length: "00 00" (a DNP3 outstation's reply in
     * mercury's emix.pcap) is no greeting, "00" alone may still be one. */
    assert_int_equal(mysql_parser.probe(TC, (const uint8_t *)"\0\0", 2), APP_PROBE_NO);
    assert_int_equal(mysql_parser.probe(TC, (const uint8_t *)"\0", 1), APP_PROBE_MAYBE);
    /* The client never speaks first. */
    assert_int_equal(mysql_parser.probe(TS, greeting, sizeof(greeting)), APP_PROBE_NO);
    assert_int_equal(mysql_parser.probe(TS, ssl_request, sizeof(ssl_request)), APP_PROBE_NO);

    uint8_t g[sizeof(greeting)];
    static const struct {
        size_t at;
        uint8_t value;
    } breaks[] = {
        {3, 1},     /* sequence number */
        {4, 9},     /* protocol version */
        {2, 1},     /* a 64 KiB greeting */
        {0, 10},    /* too short for its version string */
        {5, 0x00},  /* an empty version */
        {10, 0x07}, /* a control character in the version */
        {49, 0x01}, /* the filler after the scramble */
    };
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        memcpy(g, greeting, sizeof(g));
        g[breaks[i].at] = breaks[i].value;
        if (mysql_parser.probe(TC, g, sizeof(g)) != APP_PROBE_NO)
            fail_msg("octet %zu = 0x%02x should fail the probe", breaks[i].at, breaks[i].value);
    }
    static const char *const others[] = {
        "HTTP/1.1 200 OK\r\n",      "220 ProFTPD\r\n",         "+OK ready\r\n",
        "\x16\x03\x03\x00\x4a\x02", "SSH-2.0-OpenSSH_9.6\r\n",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_int_equal(mysql_parser.probe(TC, (const uint8_t *)others[i], strlen(others[i])),
                         APP_PROBE_NO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssl_request_capture),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_request_and_hello_together),
        cmocka_unit_test(test_plain_login),
        cmocka_unit_test(test_ssl_request_320),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bad_greetings),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_order_and_gaps),
        cmocka_unit_test(test_endless_packet),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
