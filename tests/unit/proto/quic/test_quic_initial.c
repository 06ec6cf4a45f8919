/* test_quic_initial.c — the layers under the parser against RFC 9001
 * Appendix A verbatim: key derivation (A.1), the client Initial (A.2) and
 * the server Initial (A.3); then varints, headers, frames and CRYPTO
 * reassembly on their own. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/quic/quic_crypto.h"
#include "proto/quic/quic_frame.h"
#include "proto/quic/quic_header.h"
#include "proto/quic/quic_initial.h"
#include "quic_samples.h"
#include "quic_test_util.h"
#include "quic_tests.h"

#include <cmocka.h>

static const uint8_t rfc_dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};

static void assert_hex(const uint8_t *got, size_t len, const char *hex)
{
    uint8_t want[64];
    size_t n = qhex(hex, want, sizeof(want));
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
}

/* A.1: initial_secret, client_initial_secret and both sides' key/iv/hp. */
static void test_rfc9001_a1_keys(void **state)
{
    (void)state;
    const struct quic_version_info *v = quic_version_find(QUIC_VERSION_1);
    assert_non_null(v);
    uint8_t initial[QUIC_SECRET_LEN], client[QUIC_SECRET_LEN], server[QUIC_SECRET_LEN];
    assert_int_equal(quic_initial_extract(v->salt, QUIC_SALT_LEN, rfc_dcid, 8, initial), 0);
    assert_hex(initial, 32, "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44");
    assert_int_equal(quic_initial_expand_label(initial, "client in", client, 32), 0);
    assert_hex(client, 32, "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea");
    assert_int_equal(quic_initial_expand_label(initial, "server in", server, 32), 0);
    assert_hex(server, 32, "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b");

    struct quic_keys k;
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, false, &k), 0);
    assert_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d");
    assert_hex(k.iv, 12, "fa044b2f42a3fd3b46fb255c");
    assert_hex(k.hp, 16, "9f50449e04a0e810283a1e9933adedd2");
    assert_int_equal(quic_initial_keys(v, rfc_dcid, 8, true, &k), 0);
    assert_hex(k.key, 16, "cf3a5331653c364c88f0f379b6067e37");
    assert_hex(k.iv, 12, "0ac1493ca1905853b0bba03e");
    assert_hex(k.hp, 16, "c206b8d9b9f0f37644430b490eeaa314");
}

/* A.2: the protected client Initial opens to the CRYPTO frame plus
 * PADDING, packet number 2 (header c300000001088394c8f03e5157080000449e00000002). */
static void test_rfc9001_a2_client_initial(void **state)
{
    (void)state;
    struct quic_header h;
    const char *event;
    assert_int_equal(
        quic_header_parse(rfc9001_a2_protected, sizeof(rfc9001_a2_protected), &h, &event), 0);
    assert_true(h.is_long);
    assert_int_equal(h.type, QUIC_PACKET_INITIAL);
    assert_int_equal(h.version, QUIC_VERSION_1);
    assert_int_equal(h.dcid_len, 8);
    assert_memory_equal(h.dcid, rfc_dcid, 8);
    assert_int_equal(h.scid_len, 0);
    assert_int_equal(h.token_len, 0);
    assert_int_equal(h.pn_offset, 18);
    assert_int_equal(h.packet_len, 1200); /* Length 1182 */

    struct quic_keys k;
    assert_int_equal(quic_initial_keys(h.info, h.dcid, h.dcid_len, false, &k), 0);
    static uint8_t plain[1200];
    size_t plain_len;
    uint64_t pn;
    assert_int_equal(quic_initial_open(&k, rfc9001_a2_protected, &h, plain, sizeof(plain),
                                       &plain_len, &pn, &event),
                     0);
    assert_null(event);
    assert_int_equal(pn, 2);
    assert_int_equal(plain_len, 1162);
    assert_memory_equal(plain, rfc9001_a2_crypto, sizeof(rfc9001_a2_crypto));
    for (size_t i = sizeof(rfc9001_a2_crypto); i < plain_len; i++)
        assert_int_equal(plain[i], 0);
}

/* A.3: the server Initial, keys from the same client DCID. */
static void test_rfc9001_a3_server_initial(void **state)
{
    (void)state;
    struct quic_header h;
    const char *event;
    assert_int_equal(
        quic_header_parse(rfc9001_a3_protected, sizeof(rfc9001_a3_protected), &h, &event), 0);
    assert_int_equal(h.type, QUIC_PACKET_INITIAL);
    assert_int_equal(h.dcid_len, 0);
    assert_int_equal(h.scid_len, 8);
    assert_int_equal(h.packet_len, sizeof(rfc9001_a3_protected));
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(h.info, rfc_dcid, 8, true, &k), 0);
    uint8_t plain[256];
    size_t plain_len;
    uint64_t pn;
    assert_int_equal(quic_initial_open(&k, rfc9001_a3_protected, &h, plain, sizeof(plain),
                                       &plain_len, &pn, &event),
                     0);
    assert_int_equal(pn, 1);
    assert_int_equal(plain_len, sizeof(rfc9001_a3_payload));
    assert_memory_equal(plain, rfc9001_a3_payload, plain_len);
    /* The client's keys do not open it: the tag fails, named. */
    assert_int_equal(quic_initial_keys(h.info, rfc_dcid, 8, false, &k), 0);
    assert_int_equal(quic_initial_open(&k, rfc9001_a3_protected, &h, plain, sizeof(plain),
                                       &plain_len, &pn, &event),
                     -EINVAL);
    assert_string_equal(event, "decryption_failed");
}

/* A.2's payload through the frame layer: one CRYPTO frame, a PADDING run,
 * and the stream holds the whole ClientHello (type 1, 0xed bytes). */
static void test_frames_and_crypto(void **state)
{
    (void)state;
    uint8_t payload[1162] = {0};
    memcpy(payload, rfc9001_a2_crypto, sizeof(rfc9001_a2_crypto));
    struct quic_crypto_stream s;
    quic_crypto_init(&s);
    struct quic_frame_stats stats;
    memset(&stats, 0, sizeof(stats));
    const char *event;
    assert_int_equal(quic_frame_parse(NULL, payload, sizeof(payload), &s, &stats, &event), 0);
    assert_int_equal(stats.crypto_count, 1);
    assert_int_equal(stats.frame_count, 2);
    uint8_t type;
    const uint8_t *body;
    size_t body_len;
    assert_int_equal(quic_crypto_message(&s, &type, &body, &body_len), 1);
    assert_int_equal(type, 1);
    assert_int_equal(body_len, 0xed);
    assert_int_equal(s.cap, QUIC_CRYPTO_MIN_ALLOC);
    assert_int_equal(quic_crypto_mem(&s), QUIC_CRYPTO_MIN_ALLOC + QUIC_CRYPTO_MIN_ALLOC / 8);
    quic_crypto_fini(&s);
    assert_int_equal(quic_crypto_mem(&s), 0);
}

/* Out of order, overlapping pieces: whole only once the gap at 0 fills. */
static void test_crypto_reorder(void **state)
{
    (void)state;
    uint8_t msg[300];
    msg[0] = 1;
    msg[1] = 0;
    msg[2] = 1;
    msg[3] = 40; /* 296 = 0x128 */
    for (size_t i = 4; i < sizeof(msg); i++)
        msg[i] = (uint8_t)i;
    struct quic_crypto_stream s;
    quic_crypto_init(&s);
    uint8_t type;
    const uint8_t *body;
    size_t body_len;
    assert_int_equal(quic_crypto_add(&s, 200, msg + 200, 100), 0);
    assert_int_equal(quic_crypto_add(&s, 90, msg + 90, 150), 0); /* overlaps */
    assert_int_equal(quic_crypto_message(&s, &type, &body, &body_len), 0);
    assert_int_equal(quic_crypto_add(&s, 3, msg + 3, 90), 0);
    assert_int_equal(quic_crypto_message(&s, &type, &body, &body_len), 0);
    assert_int_equal(s.contiguous, 0);
    assert_int_equal(quic_crypto_add(&s, 0, msg, 3), 0);
    assert_int_equal(s.contiguous, 300);
    assert_int_equal(quic_crypto_message(&s, &type, &body, &body_len), 1);
    assert_int_equal(body_len, 296);
    assert_memory_equal(body, msg + 4, 296);
    /* The cap holds; one byte past it does not. */
    uint8_t one = 0;
    assert_int_equal(quic_crypto_add(&s, QUIC_CRYPTO_MAX - 1, &one, 1), 0);
    assert_int_equal(s.cap, QUIC_CRYPTO_MAX);
    assert_int_equal(quic_crypto_add(&s, QUIC_CRYPTO_MAX, &one, 1), -E2BIG);
    assert_int_equal(quic_crypto_add(&s, UINT64_MAX, &one, 1), -E2BIG);
    quic_crypto_fini(&s);
}

static void test_varint(void **state)
{
    (void)state;
    /* RFC 9000 §A.1's examples. */
    static const struct {
        const char *hex;
        uint64_t value;
    } cases[] = {
        {"c2197c5eff14e88c", 151288809941952652ull},
        {"9d7f3e7d", 494878333},
        {"7bbd", 15293},
        {"25", 37},
        {"4025", 37},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[8];
        size_t n = qhex(cases[i].hex, b, sizeof(b));
        struct cursor c = cursor_make(b, n);
        assert_int_equal(quic_varint(&c), cases[i].value);
        assert_true(cursor_ok(&c));
        assert_int_equal(cursor_left(&c), 0);
        c = cursor_make(b, n - 1);
        quic_varint(&c);
        assert_false(cursor_ok(&c) && n > 1);
    }
}

/* v2 (RFC 9369 §3.2): the type bits 01 name an Initial. */
static void test_v2_types(void **state)
{
    (void)state;
    const struct quic_version_info *v2 = quic_version_find(QUIC_VERSION_2);
    assert_non_null(v2);
    assert_int_equal(quic_version_packet_type(v2, 0xd0), QUIC_PACKET_INITIAL);
    assert_int_equal(quic_version_packet_type(v2, 0xc0), QUIC_PACKET_RETRY);
    assert_int_equal(quic_version_packet_type(v2, 0xf0), QUIC_PACKET_HANDSHAKE);
    assert_int_equal(quic_version_packet_type(v2, 0xe0), QUIC_PACKET_0RTT);
    const struct quic_version_info *v1 = quic_version_find(QUIC_VERSION_1);
    assert_int_equal(quic_version_packet_type(v1, 0xc0), QUIC_PACKET_INITIAL);
    assert_int_equal(quic_version_packet_type(v1, 0xf0), QUIC_PACKET_RETRY);
    assert_null(quic_version_find(0x0a0a0a0a)); /* reserved for negotiation greasing */

    /* A real v2 client Initial opens with v2's salt and "quicv2 " labels. */
    struct quic_header h;
    const char *event;
    assert_int_equal(quic_header_parse(zeek_v2_client, sizeof(zeek_v2_client), &h, &event), 0);
    assert_int_equal(h.type, QUIC_PACKET_INITIAL);
    assert_int_equal(h.version, QUIC_VERSION_2);
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(h.info, h.dcid, h.dcid_len, false, &k), 0);
    static uint8_t plain[1300];
    size_t plain_len;
    uint64_t pn;
    assert_int_equal(
        quic_initial_open(&k, zeek_v2_client, &h, plain, sizeof(plain), &plain_len, &pn, &event),
        0);
}

static void test_version_negotiation_header(void **state)
{
    (void)state;
    uint8_t vn[64];
    size_t n = qhex("80 00000000 04 01020304 04 05060708 00000001 6b3343cf", vn, sizeof(vn));
    struct quic_header h;
    const char *event;
    assert_int_equal(quic_header_parse(vn, n, &h, &event), 0);
    assert_int_equal(h.type, QUIC_PACKET_VERSION_NEGOTIATION);
    assert_int_equal(quic_header_parse(vn, n - 1, &h, &event), -EINVAL);
    assert_string_equal(event, "version_negotiation_invalid");
    /* An unknown version: invariants only. */
    uint8_t unk[32];
    n = qhex("c0 12345678 04 01020304 00 0000", unk, sizeof(unk));
    assert_int_equal(quic_header_parse(unk, n, &h, &event), -ENOTSUP);
    assert_int_equal(h.version, 0x12345678);
    assert_int_equal(h.dcid_len, 4);
}

int quic_initial_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc9001_a1_keys),
        cmocka_unit_test(test_rfc9001_a2_client_initial),
        cmocka_unit_test(test_rfc9001_a3_server_initial),
        cmocka_unit_test(test_frames_and_crypto),
        cmocka_unit_test(test_crypto_reorder),
        cmocka_unit_test(test_varint),
        cmocka_unit_test(test_v2_types),
        cmocka_unit_test(test_version_negotiation_header),
    };
    return cmocka_run_group_tests_name("quic_initial", tests, NULL, NULL);
}
