/* test_quic_parser.c — the app parser end to end: RFC 9001's Initials, real
 * Initials from the shared captures (v1 and v2), a ClientHello split over
 * Initials that arrive in reverse order, a Retry, and the EVE object. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/quic/quic_crypto.h"
#include "proto/quic/quic_initial.h"
#include "proto/quic/quic_parser.h"
#include "quic_samples.h"
#include "quic_test_util.h"
#include "quic_tests.h"

#include <cmocka.h>

static const uint8_t rfc_dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};

/* The ClientHello message of RFC 9001 A.2 (handshake header included):
 * the CRYPTO frame's data, after its type, offset and length bytes. */
static const uint8_t *rfc_hello(size_t *len)
{
    *len = sizeof(rfc9001_a2_crypto) - 4;
    return rfc9001_a2_crypto + 4;
}

/* A CRYPTO frame (offset and length as 2-byte varints) into out. */
static size_t crypto_frame(uint8_t *out, size_t offset, const uint8_t *data, size_t len)
{
    out[0] = 0x06;
    out[1] = (uint8_t)(0x40 | offset >> 8);
    out[2] = (uint8_t)offset;
    out[3] = (uint8_t)(0x40 | len >> 8);
    out[4] = (uint8_t)len;
    memcpy(out + 5, data, len);
    return 5 + len;
}

static void test_rfc9001_handshake(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(
        quic_parser.probe(FLOW_TOSERVER, rfc9001_a2_protected, sizeof(rfc9001_a2_protected)),
        APP_PROBE_YES);
    assert_int_equal(
        qfeed(st, FLOW_TOSERVER, rfc9001_a2_protected, sizeof(rfc9001_a2_protected), &c), APP_OK);
    assert_int_equal(c.record_count, 0); /* waits for the ServerHello */
    assert_true(quic_parser.state_mem(st) > QUIC_CRYPTO_MIN_ALLOC);
    assert_int_equal(
        qfeed(st, FLOW_TOCLIENT, rfc9001_a3_protected, sizeof(rfc9001_a3_protected), &c), APP_DONE);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "version"), "1");
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    const char *ja4 = qcap_str(&c, 0, "ja4");
    assert_non_null(ja4);
    assert_int_equal(strlen(ja4), 36);
    assert_int_equal(ja4[0], 'q');
    json_t *q = json_object_get(c.records[0], "quic");
    assert_non_null(json_object_get(q, "ja3"));
    assert_non_null(json_object_get(q, "ja3s"));
    json_t *ext = json_object_get(q, "extensions");
    assert_true(json_array_size(ext) > 0);
    json_t *sni_ext = json_array_get(ext, 0);
    assert_string_equal(json_string_value(json_object_get(sni_ext, "name")), "server_name");
    assert_int_equal(json_integer_value(json_object_get(sni_ext, "type")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(sni_ext, "values"), 0)),
                        "example.com");
    /* Done: the buffers are gone and later datagrams cost nothing. */
    assert_int_equal(quic_parser.state_mem(st), quic_parser.state_mem(st));
    assert_int_equal(
        qfeed(st, FLOW_TOSERVER, rfc9001_a2_protected, sizeof(rfc9001_a2_protected), &c), APP_DONE);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.record_count, 1);
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* tcpdump's capture: a real client Initial and the server's answer. */
static void test_real_v1_handshake(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(qfeed(st, FLOW_TOSERVER, tcpdump_client, sizeof(tcpdump_client), &c), APP_OK);
    assert_int_equal(qfeed(st, FLOW_TOCLIENT, tcpdump_server, sizeof(tcpdump_server), &c),
                     APP_DONE);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "localhost");
    assert_non_null(json_object_get(json_object_get(c.records[0], "quic"), "ja3s"));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* zeek's v2 capture: the client Initial alone; the record comes at flow end. */
static void test_real_v2_client(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(quic_parser.probe(FLOW_TOSERVER, zeek_v2_client, sizeof(zeek_v2_client)),
                     APP_PROBE_YES);
    assert_int_equal(qfeed(st, FLOW_TOSERVER, zeek_v2_client, sizeof(zeek_v2_client), &c), APP_OK);
    assert_int_equal(c.record_count, 0);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "version"), "6b3343cf");
    assert_string_equal(qcap_str(&c, 0, "sni"), "localhost");
    assert_null(json_object_get(json_object_get(c.records[0], "quic"), "ja3s"));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* The ClientHello in three CRYPTO frames, one per Initial, sent last piece
 * first (as Chrome reorders them); each datagram padded to 1200 bytes. */
static void test_split_reverse(void **state)
{
    (void)state;
    const struct quic_version_info *v = quic_version_find(QUIC_VERSION_1);
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, false, &k), 0);
    size_t hello_len;
    const uint8_t *hello = rfc_hello(&hello_len);
    const size_t cuts[4] = {0, 60, 150, hello_len};
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    for (int i = 2; i >= 0; i--) {
        uint8_t frame[400], pkt[1300];
        size_t flen = crypto_frame(frame, cuts[i], hello + cuts[i], cuts[i + 1] - cuts[i]);
        size_t n = qseal(v, &k, rfc_dcid, 8, NULL, 0, (uint32_t)(3 - i), frame, flen, 1170, pkt,
                         sizeof(pkt));
        assert_true(n >= 1200);
        assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, n, &c), APP_OK);
    }
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 0);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* Two Initials coalesced in one datagram (RFC 9000 §12.2), each with half
 * of the ClientHello. */
static void test_coalesced(void **state)
{
    (void)state;
    const struct quic_version_info *v = quic_version_find(QUIC_VERSION_1);
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, false, &k), 0);
    size_t hello_len;
    const uint8_t *hello = rfc_hello(&hello_len);
    uint8_t frame[400], dgram[1400];
    size_t flen = crypto_frame(frame, 100, hello + 100, hello_len - 100);
    size_t n = qseal(v, &k, rfc_dcid, 8, NULL, 0, 1, frame, flen, 0, dgram, sizeof(dgram));
    flen = crypto_frame(frame, 0, hello, 100);
    n += qseal(v, &k, rfc_dcid, 8, NULL, 0, 2, frame, flen, 900, dgram + n, sizeof(dgram) - n);
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(qfeed(st, FLOW_TOSERVER, dgram, n, &c), APP_OK);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* Retry (RFC 9000 §17.2.5): the first half under the original DCID's keys,
 * then a Retry naming a new CID, then the whole ClientHello under keys of
 * the new CID; a second Retry is ignored as the client ignores it. */
static void test_retry(void **state)
{
    (void)state;
    const struct quic_version_info *v = quic_version_find(QUIC_VERSION_1);
    static const uint8_t new_cid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct quic_keys k1, k2;
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, false, &k1), 0);
    assert_int_equal(quic_initial_keys(v, new_cid, 8, false, &k2), 0);
    size_t hello_len;
    const uint8_t *hello = rfc_hello(&hello_len);
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    uint8_t frame[400], pkt[1300];
    size_t flen = crypto_frame(frame, 0, hello, 100);
    size_t n = qseal(v, &k1, rfc_dcid, 8, NULL, 0, 0, frame, flen, 1150, pkt, sizeof(pkt));
    assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, n, &c), APP_OK);
    uint8_t retry[64];
    size_t rn = qhex("f0 00000001 00 08 0102030405060708 746f6b656e "
                     "00112233445566778899aabbccddeeff",
                     retry, sizeof(retry));
    assert_int_equal(qfeed(st, FLOW_TOCLIENT, retry, rn, &c), APP_OK);
    uint8_t retry2[64];
    size_t rn2 = qhex("f0 00000001 00 08 1111111111111111 746f6b656e "
                      "00112233445566778899aabbccddeeff",
                      retry2, sizeof(retry2));
    assert_int_equal(qfeed(st, FLOW_TOCLIENT, retry2, rn2, &c), APP_OK);
    flen = crypto_frame(frame, 0, hello, hello_len);
    n = qseal(v, &k2, new_cid, 8, NULL, 0, 1, frame, flen, 1150, pkt, sizeof(pkt));
    assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, n, &c), APP_OK);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    assert_true(json_is_true(json_object_get(json_object_get(c.records[0], "quic"), "retry")));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* Version Negotiation (RFC 9000 §17.2.1) from the server is noted; the
 * client's next Initial in v2 (RFC 9369) is keyed afresh. */
static void test_version_negotiation(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    uint8_t vn[64];
    size_t n = qhex("80 00000000 00 08 8394c8f03e515708 6b3343cf 00000001", vn, sizeof(vn));
    /* Half a ClientHello in v1 first, so the v2 one must start over. */
    const struct quic_version_info *v1 = quic_version_find(QUIC_VERSION_1);
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(v1, rfc_dcid, 8, false, &k), 0);
    size_t hello_len;
    const uint8_t *hello = rfc_hello(&hello_len);
    uint8_t frame[400], pkt[1300];
    size_t flen = crypto_frame(frame, 0, hello, 100);
    size_t pn = qseal(v1, &k, rfc_dcid, 8, NULL, 0, 0, frame, flen, 1170, pkt, sizeof(pkt));
    assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, pn, &c), APP_OK);
    assert_int_equal(qfeed(st, FLOW_TOCLIENT, vn, n, &c), APP_OK);
    const struct quic_version_info *v2 = quic_version_find(QUIC_VERSION_2);
    assert_int_equal(quic_initial_keys(v2, rfc_dcid, 8, false, &k), 0);
    flen = crypto_frame(frame, 100, hello + 100, hello_len - 100);
    pn = qseal(v2, &k, rfc_dcid, 8, NULL, 0, 0, frame, flen, 1170, pkt, sizeof(pkt));
    assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, pn, &c), APP_OK);
    flen = crypto_frame(frame, 0, hello, 100);
    pn = qseal(v2, &k, rfc_dcid, 8, NULL, 0, 1, frame, flen, 1170, pkt, sizeof(pkt));
    assert_int_equal(qfeed(st, FLOW_TOSERVER, pkt, pn, &c), APP_OK);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "version"), "6b3343cf");
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    json_t *q = json_object_get(c.records[0], "quic");
    assert_true(json_is_true(json_object_get(q, "version_negotiation")));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* No ServerHello: the record comes after QUIC_SERVER_WAIT server
 * datagrams, and the parser stops there. */
static void test_server_wait(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(
        qfeed(st, FLOW_TOSERVER, rfc9001_a2_protected, sizeof(rfc9001_a2_protected), &c), APP_OK);
    /* Handshake packets (type 2): opaque to an observer. */
    uint8_t hs[64];
    size_t n = qhex("e0 00000001 00 08 f067a5502a4262b5 14 0001 00000000000000000000000000000000"
                    "0000",
                    hs, sizeof(hs));
    for (int i = 0; i < QUIC_SERVER_WAIT - 1; i++)
        assert_int_equal(qfeed(st, FLOW_TOCLIENT, hs, n, &c), APP_OK);
    assert_int_equal(c.record_count, 0);
    assert_int_equal(qfeed(st, FLOW_TOCLIENT, hs, n, &c), APP_DONE);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.anomaly_count, 0);
    quic_parser.state_free(st);
    qcap_fini(&c);
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(
        quic_parser.probe(FLOW_TOCLIENT, rfc9001_a3_protected, sizeof(rfc9001_a3_protected)),
        APP_PROBE_YES);
    uint8_t b[64];
    size_t n = qhex("40 0102030405060708 0000000000000000", b, sizeof(b)); /* short header */
    assert_int_equal(quic_parser.probe(FLOW_TOSERVER, b, n), APP_PROBE_NO);
    n = qhex("1234 0100 0001 0000 0000 0000 03777777 06676f6f676c65 03636f6d 00 0001 0001", b,
             sizeof(b)); /* a DNS query */
    assert_int_equal(quic_parser.probe(FLOW_TOSERVER, b, n), APP_PROBE_NO);
    /* A client's first DCID is at least 8 bytes (RFC 9000 §7.2). */
    n = qhex("c0 00000001 04 01020304 00 00 14 0001 00000000000000000000000000000000 00", b,
             sizeof(b));
    assert_int_equal(quic_parser.probe(FLOW_TOSERVER, b, n), APP_PROBE_NO);
    assert_int_equal(quic_parser.probe(FLOW_TOSERVER, b, 0), APP_PROBE_NO);
}

/* The plaintext entry point (for the fuzzer) reaches the same record. */
static void test_plaintext_entry(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    assert_int_equal(quic_parser_plaintext(st, FLOW_TOSERVER, QUIC_VERSION_1, rfc9001_a2_crypto,
                                           sizeof(rfc9001_a2_crypto), &c.out),
                     APP_OK);
    assert_int_equal(quic_parser_plaintext(st, FLOW_TOCLIENT, QUIC_VERSION_1, rfc9001_a3_payload,
                                           sizeof(rfc9001_a3_payload), &c.out),
                     APP_DONE);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    quic_parser.state_free(st);
    qcap_fini(&c);
}

int quic_parser_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc9001_handshake), cmocka_unit_test(test_real_v1_handshake),
        cmocka_unit_test(test_real_v2_client),    cmocka_unit_test(test_split_reverse),
        cmocka_unit_test(test_coalesced),         cmocka_unit_test(test_retry),
        cmocka_unit_test(test_server_wait),       cmocka_unit_test(test_probe),
        cmocka_unit_test(test_plaintext_entry),   cmocka_unit_test(test_version_negotiation),
    };
    return cmocka_run_group_tests_name("quic_parser", tests, NULL, NULL);
}
