/* test_tls_hostile.c — hand-made broken and hostile TLS. Each must end in
 * its named anomaly, with no crash (ASan/UBSan builds run these too), state
 * memory under its cap, and no field built from bytes that are not there. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls/tls_framing.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_parser.h"
#include "tls_test_util.h"
#include "tls_tests.h"
#include "tls_vectors.h"

/* The parser's own struct plus one handshake message buffer. */
enum { MEM_CAP = 32 * 1024 + TLS_FRAMING_MESSAGE_MAX };

static void client_hello(struct tb *out)
{
    struct hello_opts o = {.sni = "hostile.example"};
    struct tb body, hs;
    tb_init(&body);
    tb_init(&hs);
    tb_client_hello_body(&body, &o);
    tb_handshake(&hs, 1, body.b, body.len);
    tb_records(out, 22, hs.b, hs.len, 0);
    tb_fini(&body);
    tb_fini(&hs);
}

/* Server flight: a ServerHello, then `cert` as the Certificate body, then
 * ServerHelloDone. */
static void server_with_cert(struct tb *out, const uint8_t *cert, size_t cert_len)
{
    struct hello_opts o = {.cipher = 0xc02f};
    struct tb body, hs;
    tb_init(&body);
    tb_init(&hs);
    tb_server_hello_body(&body, &o);
    tb_handshake(&hs, 2, body.b, body.len);
    tb_handshake(&hs, 11, cert, cert_len);
    tb_handshake(&hs, 14, NULL, 0);
    tb_records(out, 22, hs.b, hs.len, 16384);
    tb_fini(&body);
    tb_fini(&hs);
}

static void run_cert(const uint8_t *cert, size_t len, const char *event)
{
    struct tb cl, sv;
    tb_init(&cl);
    tb_init(&sv);
    client_hello(&cl);
    server_with_cert(&sv, cert, len);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, sv.b, sv.len, 0);
    tcap_expect(&c, event);
    assert_int_equal(c.record_count, 1);
    assert_false(c.rec->has_cert);
    assert_string_equal(c.rec->sni, "hostile.example");
    assert_int_equal(c.rec->version, 0x0303);
    assert_true(c.max_mem <= MEM_CAP);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&sv);
}

static void test_cert_list_absurd(void **state)
{
    (void)state;
    static const uint8_t cert[] = {0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x30};
    run_cert(cert, sizeof(cert), "certificate_list_overflow");
}

static void test_cert_entry_absurd(void **state)
{
    (void)state;
    static const uint8_t cert[] = {0x00, 0x00, 0x05, 0xff, 0xff, 0xf0, 0x30, 0x82};
    run_cert(cert, sizeof(cert), "certificate_length_overflow");
}

static void test_cert_not_der(void **state)
{
    (void)state;
    /* a DER SEQUENCE header claiming 64 KiB inside a 6-byte entry */
    static const uint8_t cert[] = {0x00, 0x00, 0x09, 0x00, 0x00, 0x06,
                                   0x30, 0x83, 0x01, 0x00, 0x00, 0x02};
    run_cert(cert, sizeof(cert), "certificate_invalid");
}

static void test_cert_message_too_long(void **state)
{
    (void)state;
    /* A Certificate message whose handshake length says 16 MiB - 1. */
    struct tb cl, sv, hs;
    tb_init(&cl);
    tb_init(&sv);
    tb_init(&hs);
    client_hello(&cl);
    tb_u8(&hs, 11);
    tb_u24(&hs, 0xffffff);
    tb_fill(&hs, 0x41, 40000);
    tb_records(&sv, 22, hs.b, hs.len, 16384);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, sv.b, sv.len, 1500);
    tcap_expect(&c, "handshake_too_long");
    assert_int_equal(c.record_count, 1);
    assert_true(c.max_mem < 32 * 1024); /* skipped, never buffered */
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&sv);
    tb_fini(&hs);
}

static void test_record_too_long(void **state)
{
    (void)state;
    struct tb cl;
    tb_init(&cl);
    tb_u8(&cl, 22);
    tb_u16(&cl, 0x0301);
    tb_u16(&cl, 0xffff); /* over 2^14 + 2048 */
    tb_u8(&cl, 1);
    tb_fill(&cl, 0, 100);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 0);
    tcap_expect(&c, "record_too_long");
    assert_int_equal(c.record_count, 0);
    tcap_fini(&c);
    tb_fini(&cl);
}

/* The ClientHello's handshake length runs past its record, and the next
 * record is not a handshake record: the message cannot be completed. */
static void test_handshake_longer_than_record(void **state)
{
    (void)state;
    struct tb cl, hs;
    tb_init(&cl);
    tb_init(&hs);
    tb_u8(&hs, 1);
    tb_u24(&hs, 5000);
    tb_fill(&hs, 0x03, 60);
    tb_records(&cl, 22, hs.b, hs.len, 0);
    static const uint8_t ccs = 1;
    tb_records(&cl, 20, &ccs, 1, 0);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 0);
    tcap_expect(&c, "handshake_interleaved");
    assert_int_equal(c.record_count, 0);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&hs);
}

/* The same, but the flow just ends. */
static void test_handshake_truncated(void **state)
{
    (void)state;
    struct tb cl, hs;
    tb_init(&cl);
    tb_init(&hs);
    tb_u8(&hs, 1);
    tb_u24(&hs, 5000);
    tb_fill(&hs, 0x03, 60);
    tb_records(&cl, 22, hs.b, hs.len, 0);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 0);
    tcap_expect(&c, "handshake_truncated");
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&hs);
}

/* Inner lengths overflowing the hello. */
static void test_hello_inner_overflow(void **state)
{
    (void)state;
    struct tb body, hs, cl;
    tb_init(&body);
    tb_init(&hs);
    tb_init(&cl);
    tb_u16(&body, 0x0303);
    tb_fill(&body, 0, 32);
    tb_u8(&body, 0);
    tb_u16(&body, 0xfffe); /* cipher_suites longer than the message */
    tb_u16(&body, 0x1301);
    tb_handshake(&hs, 1, body.b, body.len);
    tb_records(&cl, 22, hs.b, hs.len, 0);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 0);
    tcap_expect(&c, "cipher_suites_overflow");
    assert_int_equal(c.record_count, 0);
    tcap_fini(&c);
    tb_fini(&body);
    tb_fini(&hs);
    tb_fini(&cl);
}

static void test_hello_decoder_faults(void **state)
{
    (void)state;
    struct tls_hello h;
    static const uint8_t short_hello[] = {0x03, 0x03, 0x00};
    assert_int_equal(tls_client_hello_parse(short_hello, sizeof(short_hello), &h), -EINVAL);
    assert_string_equal(h.anomaly, "hello_truncated");
    assert_int_equal(tls_client_hello_parse(NULL, 0, &h), -EINVAL);
    struct tb t;
    tb_init(&t);
    tb_u16(&t, 0x0303);
    tb_fill(&t, 0, 32);
    tb_u8(&t, 33); /* session id over 32 */
    tb_fill(&t, 0, 40);
    assert_int_equal(tls_server_hello_parse(t.b, t.len, &h), -EINVAL);
    assert_string_equal(h.anomaly, "session_id_too_long");
    tb_fini(&t);
    /* an extension length running past its block */
    tb_init(&t);
    tb_u16(&t, 0x0303);
    tb_fill(&t, 0, 32);
    tb_u8(&t, 0);
    tb_u16(&t, 2);
    tb_u16(&t, 0x1301);
    tb_u8(&t, 1);
    tb_u8(&t, 0);
    tb_u16(&t, 8);
    tb_u16(&t, 0x0000);
    tb_u16(&t, 0x0100);
    tb_fill(&t, 0, 4);
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), -EINVAL);
    assert_string_equal(h.anomaly, "extension_overflow");
    tb_fini(&t);
    /* a broken SNI body only notes it */
    tb_init(&t);
    tb_u16(&t, 0x0303);
    tb_fill(&t, 0, 32);
    tb_u8(&t, 0);
    tb_u16(&t, 2);
    tb_u16(&t, 0x1301);
    tb_u8(&t, 1);
    tb_u8(&t, 0);
    tb_u16(&t, 9);
    tb_u16(&t, 0x0000);
    tb_u16(&t, 5);
    tb_u16(&t, 0x0400); /* list length 1024 in a 5-byte body */
    tb_u8(&t, 0);
    tb_u16(&t, 0);
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    assert_string_equal(h.anomaly, "sni_malformed");
    assert_null(h.sni.p);
    assert_true(h.has_sni);
    tb_fini(&t);
}

/* 100 000 records of one byte each: capped long before the end. */
static void test_many_tiny_records(void **state)
{
    (void)state;
    struct tb cl, hs;
    tb_init(&cl);
    tb_init(&hs);
    struct hello_opts o = {.sni = "tiny.example"};
    tb_client_hello_body(&hs, &o);
    struct tb msg;
    tb_init(&msg);
    tb_handshake(&msg, 1, hs.b, hs.len);
    for (size_t i = 0; i < 100000; i++)
        tb_records(&cl, 22, msg.b + i % msg.len, 1, 0);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 4096);
    tcap_expect(&c, "too_many_records");
    assert_true(c.max_mem <= MEM_CAP);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&hs);
    tb_fini(&msg);
}

/* A ClientHello with 10 000 extensions (40 KB, in three records): noted,
 * still decoded and fingerprinted; the JA3 string is cut, its hash not. */
static void test_ten_thousand_extensions(void **state)
{
    (void)state;
    struct tb body, hs, cl;
    tb_init(&body);
    tb_init(&hs);
    tb_init(&cl);
    tb_u16(&body, 0x0303);
    tb_fill(&body, 0, 32);
    tb_u8(&body, 0);
    tb_u16(&body, 2);
    tb_u16(&body, 0x1301);
    tb_u8(&body, 1);
    tb_u8(&body, 0);
    size_t m = tb_open(&body, 2);
    for (unsigned i = 0; i < 10000; i++) {
        tb_u16(&body, 0x4000 + i);
        tb_u16(&body, 0);
    }
    tb_close(&body, m, 2);
    tb_handshake(&hs, 1, body.b, body.len);
    tb_records(&cl, 22, hs.b, hs.len, 16384);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, NULL, 0, 1460);
    tcap_expect(&c, "too_many_extensions");
    assert_int_equal(c.record_count, 1);
    assert_true(c.rec->has_ja3 && c.rec->has_ja4);
    assert_int_equal(strlen(c.rec->ja3_string), TLS_JA3_STR_MAX - 1);
    assert_memory_equal(c.rec->ja4, "t12i0199", 8);
    assert_true(c.max_mem <= MEM_CAP);
    tcap_fini(&c);
    tb_fini(&body);
    tb_fini(&hs);
    tb_fini(&cl);
}

static void test_not_tls(void **state)
{
    (void)state;
    static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, http, sizeof(http) - 1, http, sizeof(http) - 1, 0);
    tcap_expect(&c, "invalid_record_type");
    assert_int_equal(c.record_count, 0);
    tcap_fini(&c);
    static const uint8_t badver[] = {0x16, 0x07, 0x01, 0x00, 0x01, 0x01};
    tcap_init(&c);
    tls_run(&c, badver, sizeof(badver), NULL, 0, 0);
    tcap_expect(&c, "invalid_record_version");
    tcap_fini(&c);
}

/* Messages from the wrong side, a heartbeat, then a normal server. */
static void test_wrong_direction(void **state)
{
    (void)state;
    struct tb cl, sv;
    tb_init(&cl);
    tb_init(&sv);
    client_hello(&cl);
    client_hello(&sv); /* a ClientHello from the server */
    static const uint8_t hb[3] = {1, 0, 0};
    tb_records(&sv, 24, hb, sizeof(hb), 0);
    tb_bytes(&sv, tls_vec_cloudflare_server, tls_vec_cloudflare_server_len);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, sv.b, sv.len, 0);
    tcap_expect(&c, "handshake_wrong_direction");
    tcap_expect(&c, "heartbeat_message");
    assert_int_equal(c.record_count, 1);
    assert_true(c.rec->has_cert);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&sv);
}

/* Every truncation of the real handshake: never a crash, at most one
 * record. */
static void test_every_truncation(void **state)
{
    (void)state;
    for (size_t n = 0; n < tls_vec_cloudflare_server_len; n += 7) {
        struct tls_capture c;
        tcap_init(&c);
        tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len,
                tls_vec_cloudflare_server, n, 0);
        assert_true(c.record_count == 1);
        tcap_fini(&c);
    }
}

/* Flipped bytes in the server flight: anomalies perhaps, never a crash. */
static void test_bit_flips(void **state)
{
    (void)state;
    uint8_t *sv = malloc(tls_vec_cloudflare_server_len);
    assert_non_null(sv);
    for (size_t i = 0; i < tls_vec_cloudflare_server_len; i += 3) {
        memcpy(sv, tls_vec_cloudflare_server, tls_vec_cloudflare_server_len);
        sv[i] ^= 0xff;
        struct tls_capture c;
        tcap_init(&c);
        tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, sv,
                tls_vec_cloudflare_server_len, 0);
        assert_true(c.record_count <= 1);
        assert_true(c.max_mem <= MEM_CAP);
        tcap_fini(&c);
    }
    free(sv);
}

int tls_run_hostile_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_list_absurd),
        cmocka_unit_test(test_cert_entry_absurd),
        cmocka_unit_test(test_cert_not_der),
        cmocka_unit_test(test_cert_message_too_long),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_handshake_longer_than_record),
        cmocka_unit_test(test_handshake_truncated),
        cmocka_unit_test(test_hello_inner_overflow),
        cmocka_unit_test(test_hello_decoder_faults),
        cmocka_unit_test(test_many_tiny_records),
        cmocka_unit_test(test_ten_thousand_extensions),
        cmocka_unit_test(test_not_tls),
        cmocka_unit_test(test_wrong_direction),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_bit_flips),
    };
    return cmocka_run_group_tests_name("tls_hostile", tests, NULL, NULL);
}
