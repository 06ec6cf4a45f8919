/* test_tls.c — the TLS parser on a real handshake (every split point, every
 * record size), hand-made TLS 1.3, retry and resumption flows, the hello
 * decoder and the JA3/JA3S/JA4 fingerprints against reference values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls/tls_framing.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_parser.h"
#include "tls_test_util.h"
#include "tls_tests.h"
#include "tls_vectors.h"

/* Reference values for the cloudflare handshake: JA4 from FoxIO's output
 * for the capture, JA3/JA3S, names and serial from tshark. */
static const char cf_ja4[] = "t12d4605h2_85626a9a5f7f_aaf95bb78ec9";
static const char cf_ja3[] = "3faa4ad39f690c4ef1c3160caa375465";
static const char cf_ja3s[] = "7f76f3e952a1bc7d407366fafe1db7ed";
static const char cf_serial[] = "0A:68:BB:98:4A:50:73:99:F4:71:6E:80:9A:44:A7:B0";
static const char cf_issuer[] =
    "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert ECC Extended Validation Server CA";

static void check_cloudflare(const struct tls_capture *c)
{
    assert_int_equal(c->record_count, 1);
    assert_int_equal(c->anomaly_count, 0);
    const struct tls_record *r = c->rec;
    assert_true(r->has_client_hello && r->has_server_hello);
    assert_string_equal(r->sni, "www.cloudflare.com");
    assert_int_equal(r->version, 0x0303);
    assert_string_equal(r->ja4, cf_ja4);
    assert_string_equal(r->ja3_hash, cf_ja3);
    assert_string_equal(r->ja3s_hash, cf_ja3s);
    assert_string_equal(r->ja3s_string, "771,52393,0-65281-11-16");
    assert_true(r->has_cert);
    assert_string_equal(r->cert.serial, cf_serial);
    assert_string_equal(r->cert.issuerdn, cf_issuer);
    assert_non_null(strstr(r->cert.subject, "O=Cloudflare, Inc., CN=cloudflare.com"));
    assert_string_equal(r->cert.notbefore, "2018-10-30T00:00:00");
    assert_string_equal(r->cert.notafter, "2020-11-03T12:00:00");
    assert_int_equal(strlen(r->cert.fingerprint), TLS_FINGERPRINT_LEN);
    assert_int_equal(r->cert.san_count, 2);
    assert_string_equal(r->cert.san[0], "cloudflare.com");
    assert_string_equal(r->cert.san[1], "www.cloudflare.com");
    assert_int_equal(r->cert.chain_count, 2);
    assert_int_equal(r->client_alpn_count, 2);
    assert_string_equal(r->client_alpns[1], "http/1.1");
    assert_int_equal(r->server_alpn_count, 1);
    assert_string_equal(r->server_alpns[0], "h2");
    assert_false(r->is_session_resumed);
}

static void test_cloudflare_whole(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, tls_vec_cloudflare_server,
            tls_vec_cloudflare_server_len, 0);
    check_cloudflare(&c);
    assert_int_equal(c.last, APP_DONE); /* ServerHelloDone ends inspection */
    tcap_fini(&c);
}

static void test_cloudflare_byte_by_byte(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, tls_vec_cloudflare_server,
            tls_vec_cloudflare_server_len, 1);
    check_cloudflare(&c);
    tcap_fini(&c);
}

/* Every split point of each direction into two segments. */
static void test_cloudflare_every_split(void **state)
{
    (void)state;
    struct tls_capture c;
    for (size_t cs = 0; cs <= tls_vec_cloudflare_client_len; cs++) {
        tcap_init(&c);
        tls_run_split(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, cs,
                      tls_vec_cloudflare_server, tls_vec_cloudflare_server_len, 0);
        check_cloudflare(&c);
        tcap_fini(&c);
    }
    for (size_t ss = 0; ss <= tls_vec_cloudflare_server_len; ss++) {
        tcap_init(&c);
        tls_run_split(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len,
                      tls_vec_cloudflare_client_len, tls_vec_cloudflare_server,
                      tls_vec_cloudflare_server_len, ss);
        check_cloudflare(&c);
        tcap_fini(&c);
    }
}

/* The same handshake messages re-framed in records of 1..N bytes. */
static void test_cloudflare_every_record_size(void **state)
{
    (void)state;
    struct tb hs_c, hs_s;
    tb_init(&hs_c);
    tb_init(&hs_s);
    tls_unrecord(tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, &hs_c);
    tls_unrecord(tls_vec_cloudflare_server, tls_vec_cloudflare_server_len, &hs_s);
    static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 64, 255, 1000, 16384};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct tb cl, sv;
        tb_init(&cl);
        tb_init(&sv);
        tb_records(&cl, 22, hs_c.b, hs_c.len, sizes[i]);
        tb_records(&sv, 22, hs_s.b, hs_s.len, sizes[i]);
        struct tls_capture c;
        tcap_init(&c);
        tls_run(&c, cl.b, cl.len, sv.b, sv.len, 13);
        check_cloudflare(&c);
        tcap_fini(&c);
        tb_fini(&cl);
        tb_fini(&sv);
    }
    tb_fini(&hs_c);
    tb_fini(&hs_s);
}

/* Client and server flights from hello options. */
static void flight(struct tb *out, uint8_t type, const struct hello_opts *o)
{
    struct tb body, hs;
    tb_init(&body);
    tb_init(&hs);
    if (type == TLS_HS_CLIENT_HELLO)
        tb_client_hello_body(&body, o);
    else
        tb_server_hello_body(&body, o);
    tb_handshake(&hs, type, body.b, body.len);
    tb_records(out, 22, hs.b, hs.len, 0);
    tb_fini(&body);
    tb_fini(&hs);
}

static void add_record(struct tb *out, uint8_t content, const uint8_t *p, size_t n)
{
    tb_records(out, content, p, n, 0);
}

static const uint16_t v13[] = {0x3a3a, 0x0304, 0x0303};

static void test_tls13(void **state)
{
    (void)state;
    static const char *const alpn[] = {"h2"};
    struct hello_opts co = {.sni = "example.org",
                            .alpn = alpn,
                            .alpn_count = 1,
                            .versions = v13,
                            .version_count = 3,
                            .has_key_share = true};
    struct hello_opts so = {.selected_version = 0x0304, .has_key_share = true};
    struct tb cl, sv;
    tb_init(&cl);
    tb_init(&sv);
    flight(&cl, TLS_HS_CLIENT_HELLO, &co);
    flight(&sv, TLS_HS_SERVER_HELLO, &so);
    static const uint8_t ccs = 1, junk[40] = {0x17};
    add_record(&sv, 20, &ccs, 1);
    add_record(&sv, 23, junk, sizeof(junk));
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, sv.b, sv.len, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.rec->version, 0x0304);
    assert_int_equal(c.rec->client_version, 0x0304);
    assert_memory_equal(c.rec->ja4, "t13d0204h2_", 11);
    assert_false(c.rec->has_cert);
    assert_false(c.rec->is_session_resumed); /* TLS 1.3: only a PSK resumes */
    assert_int_equal(c.last, APP_DONE);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&sv);
}

/* HelloRetryRequest: the first hello's fingerprint stays; the client's
 * compatibility CCS before its second hello does not end inspection. */
static void test_hello_retry(void **state)
{
    (void)state;
    struct hello_opts co = {.sni = "retry.example", .versions = v13, .version_count = 3};
    struct hello_opts co2 = co;
    co2.has_key_share = true;
    struct hello_opts hrr = {.selected_version = 0x0304, .is_hrr = true};
    struct hello_opts so = {.selected_version = 0x0304, .has_key_share = true};
    struct tb c1, s1, c2, s2;
    tb_init(&c1);
    tb_init(&s1);
    tb_init(&c2);
    tb_init(&s2);
    flight(&c1, TLS_HS_CLIENT_HELLO, &co);
    flight(&s1, TLS_HS_SERVER_HELLO, &hrr);
    static const uint8_t ccs = 1;
    add_record(&c2, 20, &ccs, 1);
    flight(&c2, TLS_HS_CLIENT_HELLO, &co2);
    flight(&s2, TLS_HS_SERVER_HELLO, &so);

    struct tls_capture c;
    tcap_init(&c);
    void *st = tls_parser.state_new();
    c.out.dir = FLOW_TOSERVER;
    assert_int_equal(tls_parser.parse(st, FLOW_TOSERVER, c1.b, c1.len, &c.out), APP_OK);
    assert_int_equal(tls_parser.parse(st, FLOW_TOCLIENT, s1.b, s1.len, &c.out), APP_OK);
    assert_int_equal(tls_parser.parse(st, FLOW_TOSERVER, c2.b, c2.len, &c.out), APP_OK);
    assert_int_equal(tls_parser.parse(st, FLOW_TOCLIENT, s2.b, s2.len, &c.out), APP_DONE);
    tls_parser.state_free(st);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.rec->version, 0x0304);
    assert_memory_equal(c.rec->ja4, "t13d0202", 8); /* the first hello: sni, versions */
    tcap_fini(&c);
    tb_fini(&c1);
    tb_fini(&s1);
    tb_fini(&c2);
    tb_fini(&s2);
}

static void run_resumption(const struct hello_opts *co, const struct hello_opts *so,
                           bool want_resumed)
{
    struct tb cl, sv;
    tb_init(&cl);
    tb_init(&sv);
    flight(&cl, TLS_HS_CLIENT_HELLO, co);
    flight(&sv, TLS_HS_SERVER_HELLO, so);
    static const uint8_t ccs = 1;
    add_record(&sv, 20, &ccs, 1);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, cl.b, cl.len, sv.b, sv.len, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.rec->is_session_resumed, want_resumed);
    tcap_fini(&c);
    tb_fini(&cl);
    tb_fini(&sv);
}

static void test_resumption(void **state)
{
    (void)state;
    static const uint8_t sid[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const uint8_t other[32] = {9, 9, 9};
    static const uint8_t ticket[48] = {0x55};
    /* the server echoes the session id (RFC 5246 §7.4.1.2) */
    struct hello_opts co = {.session_id = sid, .session_id_len = 32};
    struct hello_opts so = {.session_id = sid, .session_id_len = 32, .cipher = 0xc02f};
    run_resumption(&co, &so, true);
    /* a ticket offered, a new session id, and a CCS without Certificate:
     * the abbreviated handshake of RFC 5077 §3.1 */
    struct hello_opts cot = {.has_ticket = true, .ticket = ticket, .ticket_len = 48};
    struct hello_opts sot = {.session_id = other, .session_id_len = 32, .has_ticket = true};
    run_resumption(&cot, &sot, true);
    /* TLS 1.3 with an accepted PSK */
    struct hello_opts co13 = {
        .versions = v13, .version_count = 3, .session_id = sid, .session_id_len = 32};
    struct hello_opts so13 = {
        .selected_version = 0x0304, .has_psk = true, .session_id = sid, .session_id_len = 32};
    run_resumption(&co13, &so13, true);
    /* TLS 1.3 echoing the id without a PSK is a full handshake */
    so13.has_psk = false;
    run_resumption(&co13, &so13, false);
}

/* A full TLS 1.2 handshake with a new session id is not resumed. */
static void test_not_resumed(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, tls_vec_cloudflare_server,
            tls_vec_cloudflare_server_len, 0);
    assert_false(c.rec->is_session_resumed);
    tcap_fini(&c);
}

/* ---- hello decoder and fingerprints ---- */

static const uint16_t grease_ciphers[] = {0x0a0a, 0x1301, 0x1302, 0xc02f, 0x009c};
static const uint16_t grease_groups[] = {0x2a2a, 0x001d, 0x0017};
static const uint16_t sig_algs[] = {0x0403, 0x0804, 0x0401};
static const uint16_t grease_ext[] = {0x1a1a};
static const char *const alpn_h2[] = {"h2", "http/1.1"};

static void grease_hello(struct tb *t)
{
    struct hello_opts o = {.ciphers = grease_ciphers,
                           .cipher_count = 5,
                           .sni = "example.com",
                           .groups = grease_groups,
                           .group_count = 3,
                           .has_point_formats = true,
                           .sig_algs = sig_algs,
                           .sig_alg_count = 3,
                           .alpn = alpn_h2,
                           .alpn_count = 2,
                           .versions = v13,
                           .version_count = 3,
                           .has_key_share = true,
                           .grease_ext = grease_ext,
                           .grease_ext_count = 1};
    tb_client_hello_body(t, &o);
}

/* Expected values computed by hand from the JA3 and JA4 definitions (MD5
 * and SHA-256 of the strings in the comments). */
static void test_ja_grease(void **state)
{
    (void)state;
    struct tb t;
    tb_init(&t);
    grease_hello(&t);
    struct tls_hello h;
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    assert_null(h.anomaly);
    assert_int_equal(h.extension_count, 8);
    assert_int_equal(tls_hello_version(&h), 0x0304);
    assert_int_equal(h.key_share_count, 1);
    assert_memory_equal(h.sni.p, "example.com", 11);
    char s[TLS_JA3_STR_MAX], hash[TLS_JA3_HASH_LEN + 1], ja4[TLS_JA4_LEN + 1];
    int n = tls_ja3(&h, s, sizeof(s), hash);
    assert_string_equal(s, "771,4865-4866-49199-156,0-10-11-13-16-43-51,29-23,0");
    assert_int_equal(n, (int)strlen(s));
    assert_string_equal(hash, "d6347b97007f58a31f97dd44733b57b5");
    /* b: "009c,1301,1302,c02f"; c: "000a,000b,000d,002b,0033_0403,0804,0401" */
    assert_int_equal(tls_ja4(&h, 't', ja4), 0);
    assert_string_equal(ja4, "t13d0407h2_a43e9e09ddf6_5e6a61e7dae5");
    assert_int_equal(tls_ja4(&h, 'q', ja4), 0);
    assert_int_equal(ja4[0], 'q');
    assert_int_equal(tls_ja4(&h, 'x', ja4), -EINVAL);
    assert_int_equal(tls_ja3s(&h, s, sizeof(s), hash), -EINVAL);
    /* a truncated string still has the whole string's hash */
    char small[8];
    n = tls_ja3(&h, small, sizeof(small), hash);
    assert_true(n >= (int)sizeof(small));
    assert_string_equal(small, "771,486");
    assert_string_equal(hash, "d6347b97007f58a31f97dd44733b57b5");
    tb_fini(&t);
}

static void test_ja3s_and_server_hello(void **state)
{
    (void)state;
    struct tb body, hs;
    tb_init(&body);
    tb_init(&hs);
    tls_unrecord(tls_vec_cloudflare_server, tls_vec_cloudflare_server_len, &hs);
    /* the ServerHello is the first message: skip its 4-byte header */
    struct tls_hello h;
    size_t len = (size_t)hs.b[1] << 16 | (size_t)hs.b[2] << 8 | hs.b[3];
    assert_int_equal(tls_server_hello_parse(hs.b + 4, len, &h), 0);
    assert_true(h.is_server);
    assert_int_equal(h.cipher, 0xcca9);
    assert_int_equal(tls_hello_version(&h), 0x0303);
    char s[64], hash[TLS_JA3_HASH_LEN + 1], ja4[TLS_JA4_LEN + 1];
    assert_true(tls_ja3s(&h, s, sizeof(s), hash) > 0);
    assert_string_equal(hash, cf_ja3s);
    assert_int_equal(tls_ja4(&h, 't', ja4), -EINVAL);
    tb_fini(&body);
    tb_fini(&hs);
}

/* No SNI ('i'), no ALPN ("00"), no signature algorithms (no '_' part). */
static void test_ja4_minimal(void **state)
{
    (void)state;
    static const uint16_t groups[] = {0x001d};
    struct hello_opts o = {
        .version = 0x0301, .groups = groups, .group_count = 1, .has_point_formats = true};
    struct tb t;
    tb_init(&t);
    tb_client_hello_body(&t, &o);
    struct tls_hello h;
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    char ja4[TLS_JA4_LEN + 1];
    assert_int_equal(tls_ja4(&h, 't', ja4), 0);
    /* c: sha256("000a,000b") */
    assert_memory_equal(ja4, "t10i020200_", 11);
    assert_string_equal(ja4 + 24, "33a13ba74d1c");
    tb_fini(&t);
    /* no extension block at all: both hashes of nothing */
    tb_init(&t);
    tb_u16(&t, 0x0300);
    tb_fill(&t, 0, 32);
    tb_u8(&t, 0);
    tb_u16(&t, 0);
    tb_u8(&t, 1);
    tb_u8(&t, 0);
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    assert_false(h.has_extension_block);
    assert_int_equal(tls_ja4(&h, 't', ja4), 0);
    assert_string_equal(ja4, "ts3i000000_000000000000_000000000000");
    char s[64], hash[TLS_JA3_HASH_LEN + 1];
    tls_ja3(&h, s, sizeof(s), hash);
    assert_string_equal(s, "768,,,,");
    tb_fini(&t);
}

static void ja4_alpn_of(const char *name, const char *want)
{
    const char *const alpn[] = {name};
    struct hello_opts o = {.alpn = alpn, .alpn_count = 1};
    struct tb t;
    tb_init(&t);
    tb_client_hello_body(&t, &o);
    struct tls_hello h;
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    char ja4[TLS_JA4_LEN + 1];
    assert_int_equal(tls_ja4(&h, 't', ja4), 0);
    assert_memory_equal(ja4 + 8, want, 2);
    tb_fini(&t);
}

/* FoxIO's ALPN rules: first and last characters, or the first and last
 * hex digits when either end is not ASCII alphanumeric. */
static void test_ja4_alpn(void **state)
{
    (void)state;
    ja4_alpn_of("h2", "h2");
    ja4_alpn_of("http/1.1", "h1");
    ja4_alpn_of("x", "xx");
    ja4_alpn_of("\xab", "ab");
    ja4_alpn_of("\xab\xcd", "ad");
    ja4_alpn_of("0\xab", "3b");
    ja4_alpn_of("01\xab\xcd", "3d");
    ja4_alpn_of("0\xab\xcd"
                "1",
                "01");
}

static void test_ja4_counts_cap_at_99(void **state)
{
    (void)state;
    uint16_t ciphers[150];
    for (size_t i = 0; i < 150; i++)
        ciphers[i] = (uint16_t)(0x0100 + i);
    struct hello_opts o = {.ciphers = ciphers, .cipher_count = 150};
    struct tb t;
    tb_init(&t);
    tb_client_hello_body(&t, &o);
    struct tls_hello h;
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    char ja4[TLS_JA4_LEN + 1];
    assert_int_equal(tls_ja4(&h, 't', ja4), 0);
    assert_memory_equal(ja4 + 4, "9900", 4);
    tb_fini(&t);
}

struct alpn_seen {
    size_t count;
    char names[4][16];
};

static void alpn_collect(void *ctx, const uint8_t *name, size_t len)
{
    struct alpn_seen *a = ctx;
    assert_true(len > 0 && len < 16);
    memcpy(a->names[a->count], name, len);
    a->names[a->count][len] = '\0';
    a->count++;
}

static void test_alpn_each(void **state)
{
    (void)state;
    struct tb t;
    tb_init(&t);
    grease_hello(&t);
    struct tls_hello h;
    assert_int_equal(tls_client_hello_parse(t.b, t.len, &h), 0);
    struct alpn_seen a = {0};
    assert_int_equal(tls_hello_alpn_each(&h, 1, alpn_collect, &a), 1);
    assert_string_equal(a.names[0], "h2");
    a.count = 0;
    assert_int_equal(tls_hello_alpn_each(&h, 4, alpn_collect, &a), 2);
    assert_string_equal(a.names[1], "http/1.1");
    tb_fini(&t);
}

static void test_grease_values(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 16; i++)
        assert_true(tls_hello_is_grease((uint16_t)(i << 12 | 0x0a00 | i << 4 | 0x0a)));
    assert_false(tls_hello_is_grease(0x0a1a));
    assert_false(tls_hello_is_grease(0x1301));
    assert_false(tls_hello_is_grease(0x0000));
}

/* An SSLv2-compatible ClientHello (RFC 5246 appendix E.2). */
static void test_sslv2_hello(void **state)
{
    (void)state;
    struct tb t;
    tb_init(&t);
    size_t len = 9 + 3 + 16;
    tb_u8(&t, 0x80 | (unsigned)(len >> 8));
    tb_u8(&t, len & 0xff);
    tb_u8(&t, 1); /* CLIENT-HELLO */
    tb_u16(&t, 0x0301);
    tb_u16(&t, 3);  /* cipher specs */
    tb_u16(&t, 0);  /* session id */
    tb_u16(&t, 16); /* challenge */
    tb_u8(&t, 0x01);
    tb_u16(&t, 0x0080);
    tb_fill(&t, 0x33, 16);
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, t.b, t.len), APP_PROBE_YES);
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, t.b, t.len, NULL, 0, 0);
    tcap_expect(&c, "sslv2_client_hello");
    assert_int_equal(c.record_count, 1);
    assert_true(c.rec->is_sslv2_hello);
    assert_int_equal(c.rec->client_version, 0x0301);
    assert_false(c.rec->has_ja3);
    tcap_fini(&c);
    tb_fini(&t);
}

static void test_probe(void **state)
{
    (void)state;
    const uint8_t *p = tls_vec_cloudflare_client;
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, p, 0), APP_PROBE_MAYBE);
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, p, 3), APP_PROBE_MAYBE);
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, p, 6), APP_PROBE_YES);
    assert_int_equal(tls_parser.probe(FLOW_TOCLIENT, tls_vec_cloudflare_server, 6), APP_PROBE_YES);
    static const uint8_t http[] = "GET / HTTP/1.1\r\n";
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, http, sizeof(http) - 1), APP_PROBE_NO);
    static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x10, 0x00};
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, appdata, sizeof(appdata)), APP_PROBE_NO);
    static const uint8_t badver[] = {0x16, 0x03, 0x09, 0x00, 0x10, 0x01};
    assert_int_equal(tls_parser.probe(FLOW_TOSERVER, badver, sizeof(badver)), APP_PROBE_NO);
}

/* A capture that starts mid-handshake with the server's bytes as the
 * flow's first: the roles follow the messages. */
static void test_reversed_flow(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    void *st = tls_parser.state_new();
    enum app_result r = tls_parser.parse(st, FLOW_TOSERVER, tls_vec_cloudflare_server,
                                         tls_vec_cloudflare_server_len, &c.out);
    assert_int_equal(r, APP_DONE);
    tls_parser.state_free(st);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(c.anomaly_count, 0);
    assert_true(c.rec->has_cert);
    assert_false(c.rec->has_client_hello);
    tcap_fini(&c);
}

/* A gap in the server's direction: its framing is lost, the record comes
 * out with what was seen. */
static void test_gap(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    void *st = tls_parser.state_new();
    assert_int_equal(tls_parser.parse(st, FLOW_TOSERVER, tls_vec_cloudflare_client,
                                      tls_vec_cloudflare_client_len, &c.out),
                     APP_OK);
    assert_int_equal(tls_parser.gap(st, FLOW_TOCLIENT, 100, &c.out), APP_DONE);
    tls_parser.state_free(st);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(c.rec->ja4, cf_ja4);
    assert_false(c.rec->has_server_hello);
    tcap_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloudflare_whole),
        cmocka_unit_test(test_cloudflare_byte_by_byte),
        cmocka_unit_test(test_cloudflare_every_split),
        cmocka_unit_test(test_cloudflare_every_record_size),
        cmocka_unit_test(test_tls13),
        cmocka_unit_test(test_hello_retry),
        cmocka_unit_test(test_resumption),
        cmocka_unit_test(test_not_resumed),
        cmocka_unit_test(test_ja_grease),
        cmocka_unit_test(test_ja3s_and_server_hello),
        cmocka_unit_test(test_ja4_minimal),
        cmocka_unit_test(test_ja4_alpn),
        cmocka_unit_test(test_ja4_counts_cap_at_99),
        cmocka_unit_test(test_alpn_each),
        cmocka_unit_test(test_grease_values),
        cmocka_unit_test(test_sslv2_hello),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_reversed_flow),
        cmocka_unit_test(test_gap),
    };
    int failed = cmocka_run_group_tests_name("tls", tests, NULL, NULL);
    failed += tls_run_hostile_tests();
    failed += tls_run_eve_tests();
    return failed ? 1 : 0;
}
