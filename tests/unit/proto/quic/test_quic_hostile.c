/* test_quic_hostile.c — broken and hostile QUIC input. Each case must end
 * in its named anomaly with no crash (ASan/UBSan builds run these too), no
 * record built from bytes that are not there, and memory within the caps. */
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

/* The most a state may hold: itself and two full CRYPTO streams. */
static size_t mem_bound(void)
{
    void *st = quic_parser.state_new();
    size_t base = quic_parser.state_mem(st);
    quic_parser.state_free(st);
    return base + 2 * (QUIC_CRYPTO_MAX + QUIC_CRYPTO_MAX / 8);
}

/* Feeds each datagram toward the server, ends the flow, and expects the
 * one anomaly `event` (once) and `records` records. */
static void expect_datagram(const uint8_t *d, size_t n, const char *event, size_t records)
{
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    qfeed(st, FLOW_TOSERVER, d, n, &c);
    assert_true(quic_parser.state_mem(st) <= mem_bound());
    quic_parser.flow_end(st, &c.out);
    if (c.anomaly_count != 1 || strcmp(c.anomalies[0], event) != 0)
        fail_msg("want one \"%s\", got %zu (first \"%s\")", event, c.anomaly_count,
                 c.anomaly_count ? c.anomalies[0] : "");
    assert_int_equal(c.record_count, records);
    quic_parser.state_free(st);
    qcap_fini(&c);
}

static void expect_hex(const char *hex, const char *event, size_t records)
{
    uint8_t b[256];
    size_t n = qhex(hex, b, sizeof(b));
    expect_datagram(b, n, event, records);
}

static void test_header_faults(void **state)
{
    (void)state;
    /* Token length 0x3fff in a 40-byte packet. */
    expect_hex("c0 00000001 08 8394c8f03e515708 00 7fff 0000000000000000", "token_length_invalid",
               0);
    /* Length 0x3fff past the datagram's end. */
    expect_hex("c0 00000001 08 8394c8f03e515708 00 00 7fff 00000000000000000000000000000000",
               "length_invalid", 0);
    /* A 21-byte DCID is not v1. */
    expect_hex("c0 00000001 15 000102030405060708090a0b0c0d0e0f1011121314 00 00 00", "cid_too_long",
               0);
    expect_hex("c0 000000", "header_truncated", 0);
    expect_hex("c0 00000001 08 8394c8f0", "header_truncated", 0);
    /* A varint cut short in the token length. */
    expect_hex("c0 00000001 08 8394c8f03e515708 00 c0", "header_truncated", 0);
    /* Too short for the header protection sample: the version is known. */
    expect_hex("c0 00000001 08 8394c8f03e515708 00 00 0a 00000000000000000000", "packet_too_short",
               1);
}

/* One flipped ciphertext byte: the tag fails, once per side however often. */
static void test_wrong_tag(void **state)
{
    (void)state;
    static uint8_t bad[sizeof(rfc9001_a2_protected)];
    memcpy(bad, rfc9001_a2_protected, sizeof(bad));
    bad[sizeof(bad) - 20] ^= 0x01;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    for (int i = 0; i < 5; i++)
        assert_int_equal(qfeed(st, FLOW_TOSERVER, bad, sizeof(bad), &c), APP_OK);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 1);
    assert_string_equal(c.anomalies[0], "decryption_failed");
    assert_int_equal(c.record_count, 1); /* what was seen: the version, no hello */
    assert_string_equal(qcap_str(&c, 0, "version"), "1");
    assert_null(qcap_str(&c, 0, "sni"));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* Seals payload as a v1 client Initial under the RFC's DCID and feeds it. */
static void feed_sealed(void *st, const uint8_t *payload, size_t len, uint32_t pn,
                        struct quic_capture *c)
{
    const struct quic_version_info *v = quic_version_find(QUIC_VERSION_1);
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, false, &k), 0);
    static uint8_t pkt[QUIC_PLAIN_MAX + 256];
    size_t n = qseal(v, &k, rfc_dcid, 8, NULL, 0, pn, payload, len, 1150, pkt, sizeof(pkt));
    assert_true(n > 0);
    qfeed(st, FLOW_TOSERVER, pkt, n, c);
}

static void expect_sealed(const char *payload_hex, const char *event)
{
    uint8_t p[256];
    size_t n = qhex(payload_hex, p, sizeof(p));
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    feed_sealed(st, p, n, 0, &c);
    assert_true(quic_parser.state_mem(st) <= mem_bound());
    quic_parser.flow_end(st, &c.out);
    if (qcap_count(&c, event) != 1)
        fail_msg("want \"%s\", got %zu anomalies (first \"%s\")", event, c.anomaly_count,
                 c.anomaly_count ? c.anomalies[0] : "");
    assert_null(qcap_str(&c, 0, "sni"));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

static void test_frame_faults(void **state)
{
    (void)state;
    /* CRYPTO at offset 16384 (varint 0x804000 00), one byte: past the cap. */
    expect_sealed("06 80004000 01 aa", "crypto_offset_too_large");
    /* Offset near 2^62: offset + length overflows the stream's range. */
    expect_sealed("06 ffffffffffffffff 01 aa", "crypto_frame_invalid");
    /* CRYPTO length beyond the payload's end. */
    expect_sealed("06 00 7fff aa", "frame_truncated");
    /* A STREAM frame (0x08) is not allowed in an Initial. */
    expect_sealed("08 00 01 aa", "frame_unexpected");
    /* An ACK with a range count larger than its bytes. */
    expect_sealed("02 05 00 7fff 00", "frame_truncated");
    /* The client's first message is a ServerHello. */
    expect_sealed("06 00 08 02000004 03030000", "client_hello_expected");
    /* A handshake header claiming 16 MiB. */
    expect_sealed("06 00 04 01ffffff", "hello_too_large");
}

/* A ClientHello whose framing the TLS decoder rejects: its anomaly is
 * reported under quic, and no SNI is made up. */
static void test_broken_hello(void **state)
{
    (void)state;
    uint8_t p[64];
    /* ClientHello of 6 bytes: version and 4 bytes of random. */
    size_t n = qhex("06 00 0a 01000006 0303 01020304", p, sizeof(p));
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    feed_sealed(st, p, n, 0, &c);
    quic_parser.flow_end(st, &c.out);
    assert_true(c.anomaly_count >= 1);
    assert_int_equal(c.record_count, 1);
    assert_null(qcap_str(&c, 0, "sni"));
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* 10,000 one-byte CRYPTO frames cycling over the ClientHello, as plaintext:
 * every byte arrives ~40 times; the hello is read once, exactly. */
static void test_ten_thousand_frames(void **state)
{
    (void)state;
    const uint8_t *hello = rfc9001_a2_crypto + 4;
    size_t hello_len = sizeof(rfc9001_a2_crypto) - 4;
    enum { FRAMES = 10000, FRAME_LEN = 6 };
    uint8_t *p = malloc(FRAMES * FRAME_LEN);
    assert_non_null(p);
    for (size_t i = 0; i < FRAMES; i++) {
        size_t off = hello_len - 1 - i % hello_len; /* back to front */
        uint8_t *f = p + i * FRAME_LEN;
        f[0] = 0x06;
        f[1] = (uint8_t)(0x40 | off >> 8);
        f[2] = (uint8_t)off;
        f[3] = 0x01;
        f[4] = hello[off];
        f[5] = 0x01; /* PING between frames */
    }
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    quic_parser_plaintext(st, FLOW_TOSERVER, QUIC_VERSION_1, p, FRAMES * FRAME_LEN, &c.out);
    assert_true(quic_parser.state_mem(st) <= mem_bound());
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(qcap_str(&c, 0, "sni"), "example.com");
    quic_parser.state_free(st);
    qcap_fini(&c);

    /* 10,000 one-byte frames at rising offsets under a header announcing
     * 64 KiB: the stream grows to its cap and no further. */
    for (size_t i = 0; i < FRAMES; i++) {
        size_t off = i;
        uint8_t *f = p + i * FRAME_LEN;
        f[0] = 0x06;
        f[1] = (uint8_t)(0x40 | off >> 8);
        f[2] = (uint8_t)off;
        f[3] = 0x01;
        f[4] = i == 0 ? 0x01 : i == 2 || i == 3 ? 0xff : 0x00;
        f[5] = 0x00; /* PADDING between frames */
    }
    qcap_init(&c);
    st = quic_parser.state_new();
    quic_parser_plaintext(st, FLOW_TOSERVER, QUIC_VERSION_1, p, FRAMES * FRAME_LEN, &c.out);
    assert_true(quic_parser.state_mem(st) <= mem_bound());
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.anomaly_count, 1);
    assert_string_equal(c.anomalies[0], "hello_too_large");
    quic_parser.state_free(st);
    qcap_fini(&c);
    free(p);
}

/* A flow of junk after a valid-looking first Initial: the parser gives up
 * after QUIC_DATAGRAMS_MAX datagrams, having reported once. */
static void test_datagram_cap(void **state)
{
    (void)state;
    struct quic_capture c;
    qcap_init(&c);
    void *st = quic_parser.state_new();
    uint8_t junk[1200];
    memset(junk, 0x41, sizeof(junk)); /* short header, fixed bit set */
    enum app_result r = APP_OK;
    int n = 0;
    while (r == APP_OK && n < 1000) {
        r = qfeed(st, n % 2 ? FLOW_TOCLIENT : FLOW_TOSERVER, junk, sizeof(junk), &c);
        n++;
    }
    assert_int_equal(r, APP_DONE);
    assert_int_equal(n, QUIC_DATAGRAMS_MAX);
    quic_parser.flow_end(st, &c.out);
    assert_int_equal(c.record_count, 0); /* nothing was seen: nothing to say */
    quic_parser.state_free(st);
    qcap_fini(&c);
}

/* Every prefix of the RFC's Initial, and every single-byte truncation of
 * the tcpdump pair: anomalies only, never a crash or an over-read. */
static void test_truncations(void **state)
{
    (void)state;
    for (size_t len = 0; len <= sizeof(rfc9001_a2_protected); len += 7) {
        struct quic_capture c;
        qcap_init(&c);
        void *st = quic_parser.state_new();
        qfeed(st, FLOW_TOSERVER, rfc9001_a2_protected, len, &c);
        qfeed(st, FLOW_TOCLIENT, tcpdump_server, len < sizeof(tcpdump_server) ? len : 0, &c);
        quic_parser.flow_end(st, &c.out);
        assert_true(c.record_count <= 1);
        quic_parser.state_free(st);
        qcap_fini(&c);
    }
}

int quic_hostile_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_faults),       cmocka_unit_test(test_wrong_tag),
        cmocka_unit_test(test_frame_faults),        cmocka_unit_test(test_broken_hello),
        cmocka_unit_test(test_ten_thousand_frames), cmocka_unit_test(test_datagram_cap),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests_name("quic_hostile", tests, NULL, NULL);
}
