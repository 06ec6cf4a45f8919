/* Unit tests for intel/match/: every kind, CIDR nesting, the domain walk,
 * URL and e-mail normalisation, refs, rejects, and a randomised comparison
 * with the naive reference (match_naive.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "intel/match/intel_match.h"
#include "match_naive.h"

#include <cmocka.h>

static int add(struct intel_match_builder *b, enum intel_kind k, const char *v, uint32_t ref)
{
    return intel_match_builder_add(b, k, v, strlen(v), ref);
}

static size_t ip4(const struct intel_match *m, const char *text, struct intel_match_hit *hits,
                  size_t max)
{
    uint8_t a[16] = {0};
    assert_int_equal(inet_pton(AF_INET, text, a), 1);
    return intel_match_ip(m, a, 4, hits, max);
}

static size_t ip6(const struct intel_match *m, const char *text, struct intel_match_hit *hits,
                  size_t max)
{
    uint8_t a[16];
    assert_int_equal(inet_pton(AF_INET6, text, a), 1);
    return intel_match_ip(m, a, 6, hits, max);
}

static size_t dom(const struct intel_match *m, const char *name, struct intel_match_hit *hits)
{
    return intel_match_domain(m, name, strlen(name), hits, 16);
}

static void test_ipv4_exact_and_cidr(void **state)
{
    (void)state;
    struct intel_match_builder *b = intel_match_builder_new();
    assert_non_null(b);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "192.0.2.1", 1), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "192.0.2.1/32", 2), 0); /* same value */
    assert_int_equal(add(b, INTEL_KIND_IPV4, "192.0.2.0/24", 3), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "192.0.0.0/16", 4), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "10.0.0.0/8", 5), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "10.1.2.3/8", 6), 0); /* host bits cleared */
    assert_int_equal(add(b, INTEL_KIND_IPV4, "255.255.255.255", 7), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "255.255.255.0/24", 8), 0);
    struct intel_match *m = intel_match_build(b);
    assert_non_null(m);
    struct intel_match_hit h[8];
    assert_int_equal(ip4(m, "192.0.2.1", h, 8), 3);
    assert_int_equal(h[0].prefix_len, 32);
    assert_int_equal(h[0].count, 2);
    assert_int_equal(h[0].refs[0], 1);
    assert_int_equal(h[0].refs[1], 2);
    assert_int_equal(h[1].prefix_len, 24);
    assert_int_equal(h[1].refs[0], 3);
    assert_int_equal(h[2].prefix_len, 16);
    assert_int_equal(ip4(m, "192.0.2.1", h, 1), 1); /* longest only */
    assert_int_equal(h[0].prefix_len, 32);
    assert_int_equal(ip4(m, "192.0.2.255", h, 8), 2);
    assert_int_equal(ip4(m, "192.0.3.0", h, 8), 1);
    assert_int_equal(h[0].prefix_len, 16);
    assert_int_equal(ip4(m, "192.1.0.0", h, 8), 0);
    assert_int_equal(ip4(m, "10.255.255.255", h, 8), 1);
    assert_int_equal(h[0].count, 2);
    assert_int_equal(ip4(m, "11.0.0.0", h, 8), 0);
    assert_int_equal(ip4(m, "9.255.255.255", h, 8), 0);
    assert_int_equal(ip4(m, "255.255.255.255", h, 8), 2);
    assert_int_equal(ip4(m, "255.255.255.254", h, 8), 1);
    assert_int_equal(ip4(m, "0.0.0.0", h, 8), 0);
    /* IPv4-mapped IPv6 is looked up as IPv4 */
    assert_int_equal(ip6(m, "::ffff:192.0.2.1", h, 8), 3);
    assert_int_equal(ip6(m, "::ffff:c000:201", h, 8), 3);
    assert_int_equal(ip6(m, "2001:db8::1", h, 8), 0);
    const struct counter_view v = intel_match_builder_counters(b);
    bool seen = false;
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], "cidr_host_bits_cleared") == 0)
            seen = v.values[i] == 1;
    assert_true(seen);
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    assert_int_equal(st.values[INTEL_KIND_IPV4], 6);
    assert_int_equal(st.ipv4_prefixes, 4);
    intel_match_free(m);
    intel_match_builder_free(b);
}

static void test_ip_zero_prefix_and_v6(void **state)
{
    (void)state;
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_IPV4, "0.0.0.0/0", 1), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "::/0", 2), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "2001:db8::/32", 3), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "2001:DB8:0:1::/64", 4), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "2001:db8:0:1::7", 5), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "2001:db8:0:1::7/128", 6), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 7), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "::ffff:198.51.100.0/120", 8), 0); /* -> v4 /24 */
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h[8];
    assert_int_equal(ip4(m, "8.8.8.8", h, 8), 1);
    assert_int_equal(h[0].prefix_len, 0);
    assert_int_equal(h[0].refs[0], 1);
    assert_int_equal(ip4(m, "198.51.100.9", h, 8), 2);
    assert_int_equal(h[0].prefix_len, 24);
    assert_int_equal(h[0].refs[0], 8);
    assert_int_equal(ip6(m, "2001:db8:0:1::7", h, 8), 4);
    assert_int_equal(h[0].prefix_len, 128);
    assert_int_equal(h[0].count, 2);
    assert_int_equal(h[1].prefix_len, 64);
    assert_int_equal(h[2].prefix_len, 32);
    assert_int_equal(h[3].prefix_len, 0);
    assert_int_equal(ip6(m, "2001:db8:0:2::7", h, 8), 2);
    assert_int_equal(ip6(m, "2001:db9::", h, 8), 1);
    assert_int_equal(ip6(m, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", h, 8), 2);
    assert_int_equal(ip6(m, "::", h, 8), 1);
    /* a mapped address matches IPv4 values only: not ::/0 */
    assert_int_equal(ip6(m, "::ffff:8.8.8.8", h, 8), 1);
    assert_int_equal(h[0].refs[0], 1);
    uint8_t a[16] = {0};
    assert_int_equal(intel_match_ip(m, a, 5, h, 8), 0); /* bad family */
    intel_match_free(m);
    intel_match_builder_free(b);
}

static void test_ip_rejects(void **state)
{
    (void)state;
    static const char *const bad4[] = {"1.2.3",      "1.2.3.4.5", "256.1.1.1",  "01.2.3.4",
                                       "1.2.3.4/33", "1.2.3.4/",  "1.2.3.4/08", "1.2.3.4/x",
                                       "::1",        " 1.2.3.4",  "1.2.3.4 "};
    struct intel_match_builder *b = intel_match_builder_new();
    for (size_t i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++)
        assert_int_equal(add(b, INTEL_KIND_IPV4, bad4[i], 1), -EINVAL);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "1.2.3.4/33", 1), -EINVAL);
    assert_int_equal(intel_match_builder_last_reject(b), INTEL_REJECT_PREFIX);
    assert_string_equal(intel_match_reject_name(INTEL_REJECT_PREFIX), "bad_prefix_len");
    assert_int_equal(add(b, INTEL_KIND_IPV6, "1.2.3.4", 1), -EINVAL);
    assert_int_equal(intel_match_builder_last_reject(b), INTEL_REJECT_IP);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "fe80::1%eth0", 1), -EINVAL);
    assert_int_equal(add(b, INTEL_KIND_IPV6, "::/129", 1), -EINVAL);
    assert_int_equal(intel_match_builder_add(b, INTEL_KIND_IPV4, "1.2.3.4\0", 8, 1), -EINVAL);
    assert_int_equal(intel_match_builder_add(b, INTEL_KIND_IPV4, "", 0, 1), -EINVAL);
    assert_int_equal(intel_match_builder_add(b, INTEL_KIND_COUNT, "x", 1, 1), -EINVAL);
    assert_int_equal(intel_match_builder_last_reject(b), INTEL_REJECT_KIND);
    intel_match_builder_free(b);
}

static void test_domain_walk(void **state)
{
    (void)state;
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "Evil.COM.", 1), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "a.evil.com", 2), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "*.wild.example", 3), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "xn--80ak6aa92e.com", 4), 0); /* IDNA A-label */
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "zip", 5), 0);                /* a TLD */
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "evil.com", 6), 0);
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h[16];
    assert_int_equal(dom(m, "evil.com", h), 1);
    assert_int_equal(h[0].count, 2);
    assert_int_equal(h[0].suffix_off, 0);
    assert_int_equal(dom(m, "X.B.A.Evil.Com.", h), 2);
    assert_int_equal(h[0].refs[0], 2);
    assert_int_equal(h[0].suffix_off, 4); /* "A.Evil.Com" */
    assert_int_equal(h[1].suffix_off, 6);
    assert_int_equal(dom(m, "notevil.com", h), 0); /* label boundaries only */
    assert_int_equal(dom(m, "evil.com.au", h), 0);
    assert_int_equal(dom(m, "com", h), 0);
    assert_int_equal(dom(m, "wild.example", h), 1);
    assert_int_equal(dom(m, "a.wild.example", h), 1);
    assert_int_equal(dom(m, "www.xn--80ak6aa92e.com", h), 1);
    assert_int_equal(dom(m, "anything.zip", h), 1);
    assert_int_equal(dom(m, "zip.", h), 1);
    assert_int_equal(dom(m, "", h), 0);
    assert_int_equal(dom(m, ".", h), 0);
    assert_int_equal(dom(m, "we!rd\x01.evil.com", h), 1); /* odd bytes still walk */
    assert_int_equal(intel_match_domain(m, "a.evil.com", 10, h, 1), 1);
    assert_int_equal(h[0].refs[0], 2);
    /* a name longer than 253 bytes still matches on its suffix */
    char longname[600];
    memset(longname, 'a', sizeof(longname));
    for (size_t i = 50; i < 590; i += 50)
        longname[i] = '.';
    memcpy(longname + 590, ".evil.com", 9);
    assert_int_equal(intel_match_domain(m, longname, 599, h, 16), 1);
    assert_int_equal(h[0].suffix_off, 591);
    intel_match_free(m);
    static const char *const bad[] = {"",
                                      ".",
                                      "a..b",
                                      ".a.b",
                                      "a b.com",
                                      "ex ample",
                                      "a/b.com",
                                      "caf\xc3\xa9.com",
                                      "user@evil.com",
                                      "evil.com:80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(add(b, INTEL_KIND_DOMAIN, bad[i], 1), -EINVAL);
    char label[80];
    memset(label, 'x', 64);
    memcpy(label + 64, ".com", 5);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, label, 1), -EINVAL); /* 64-byte label */
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, label + 1, 1), 0);
    intel_match_builder_free(b);
}

static void check_norm(enum intel_kind k, const char *in, const char *want)
{
    char out[INTEL_MATCH_VALUE_MAX + 2];
    enum intel_match_reject why;
    int n = intel_match_normalize(k, in, strlen(in), out, sizeof(out), &why);
    if (!want) {
        if (n >= 0)
            fail_msg("'%s' accepted as '%s'", in, out);
        return;
    }
    if (n < 0)
        fail_msg("'%s' refused: %s", in, intel_match_reject_name(why));
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_url_normalisation(void **state)
{
    (void)state;
    check_norm(INTEL_KIND_URL, "HTTP://Evil.COM/Path?Q=1", "http://evil.com/Path?Q=1");
    check_norm(INTEL_KIND_URL, "http://evil.com:80/a", "http://evil.com/a");
    check_norm(INTEL_KIND_URL, "https://evil.com:443", "https://evil.com/");
    check_norm(INTEL_KIND_URL, "https://evil.com:8443/", "https://evil.com:8443/");
    check_norm(INTEL_KIND_URL, "http://evil.com:0080/", "http://evil.com/");
    check_norm(INTEL_KIND_URL, "http://evil.com:/x", "http://evil.com/x");
    check_norm(INTEL_KIND_URL, "http://user:pw@evil.com/x#frag", "http://evil.com/x");
    check_norm(INTEL_KIND_URL, "http://evil.com./x", "http://evil.com/x");
    check_norm(INTEL_KIND_URL, "http://evil.com?x=1", "http://evil.com/?x=1");
    check_norm(INTEL_KIND_URL, "http://evil.com/%7euser/%2f%41", "http://evil.com/~user/%2FA");
    check_norm(INTEL_KIND_URL, "http://[2001:DB8::1]:80/", "http://[2001:db8::1]/");
    check_norm(INTEL_KIND_URL, "ftp://Files.example:21/a", "ftp://files.example/a");
    check_norm(INTEL_KIND_URL, "http://evil.com/%zz", "http://evil.com/%zz");
    check_norm(INTEL_KIND_URL, "evil.com/x", NULL);
    check_norm(INTEL_KIND_URL, "http://", NULL);
    check_norm(INTEL_KIND_URL, "http://evil.com:99999/", NULL);
    check_norm(INTEL_KIND_URL, "http://evil.com:8a/", NULL);
    check_norm(INTEL_KIND_URL, "http://evil .com/", NULL);
    check_norm(INTEL_KIND_URL, "1http://evil.com/", NULL);
    check_norm(INTEL_KIND_URL, "http://[::1/", NULL);
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_URL, "http://Evil.com:80/x?y", 9), 0);
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h;
    assert_true(intel_match_url(m, "HTTP://EVIL.COM/x?y", 19, &h));
    assert_int_equal(h.refs[0], 9);
    assert_false(intel_match_url(m, "http://evil.com/X?y", 19, &h));
    assert_false(intel_match_url(m, "http://evil.com/x", 17, &h));
    assert_false(intel_match_url(m, "garbage", 7, &h));
    intel_match_free(m);
    intel_match_builder_free(b);
}

static void test_email(void **state)
{
    (void)state;
    check_norm(INTEL_KIND_EMAIL, "John.Doe@Example.COM", "john.doe@example.com");
    check_norm(INTEL_KIND_EMAIL, "<a+tag@x.org.>", "a+tag@x.org");
    check_norm(INTEL_KIND_EMAIL, "\"a@b\"@x.org", "\"a@b\"@x.org");
    check_norm(INTEL_KIND_EMAIL, "nobody", NULL);
    check_norm(INTEL_KIND_EMAIL, "@x.org", NULL);
    check_norm(INTEL_KIND_EMAIL, "a@", NULL);
    check_norm(INTEL_KIND_EMAIL, "a b@x.org", NULL);
    check_norm(INTEL_KIND_EMAIL, "a@x..org", NULL);
    char local[80];
    memset(local, 'l', 65);
    memcpy(local + 65, "@x.org", 7);
    check_norm(INTEL_KIND_EMAIL, local, NULL);
    check_norm(INTEL_KIND_EMAIL, local + 1, local + 1);
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_EMAIL, "Bad.Guy@Evil.Example", 4), 0);
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h;
    assert_true(intel_match_string(m, INTEL_KIND_EMAIL, "<bad.guy@evil.example>", 22, &h));
    assert_false(intel_match_string(m, INTEL_KIND_EMAIL, "bad.guy@x.evil.example", 22, &h));
    assert_false(intel_match_string(m, INTEL_KIND_JA4, "bad.guy@evil.example", 20, &h));
    intel_match_free(m);
    intel_match_builder_free(b);
}

static void test_hashes_and_fingerprints(void **state)
{
    (void)state;
    const char *md5 = "D41D8CD98F00B204E9800998ECF8427E";
    const char *sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    const char *sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const char *ja4 = "t13d1516h2_8daaf6152771_b186095e22b6";
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_MD5, md5, 1), 0);
    assert_int_equal(add(b, INTEL_KIND_SHA1, sha1, 2), 0);
    assert_int_equal(add(b, INTEL_KIND_SHA256, sha256, 3), 0);
    assert_int_equal(add(b, INTEL_KIND_JA3, "e7d705a3286e19ea42f587b344ee6865", 4), 0);
    assert_int_equal(add(b, INTEL_KIND_JA3S, "e7d705a3286e19ea42f587b344ee6865", 5), 0);
    assert_int_equal(add(b, INTEL_KIND_JA4, ja4, 6), 0);
    assert_int_equal(add(b, INTEL_KIND_MD5, sha1, 1), -EINVAL);
    assert_int_equal(intel_match_builder_last_reject(b), INTEL_REJECT_HEX_LEN);
    assert_int_equal(add(b, INTEL_KIND_MD5, "g41d8cd98f00b204e9800998ecf8427e", 1), -EINVAL);
    assert_int_equal(intel_match_builder_last_reject(b), INTEL_REJECT_HEX);
    assert_int_equal(add(b, INTEL_KIND_JA4, "t13 d", 1), -EINVAL);
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h;
    assert_true(intel_match_hash(m, INTEL_KIND_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, &h));
    assert_int_equal(h.refs[0], 1);
    assert_false(intel_match_hash(m, INTEL_KIND_SHA1, md5, 32, &h)); /* kinds apart */
    assert_true(
        intel_match_hash(m, INTEL_KIND_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", 40, &h));
    assert_true(intel_match_hash(m, INTEL_KIND_SHA256, sha256, 64, &h));
    assert_false(intel_match_hash(m, INTEL_KIND_SHA256, sha256, 63, &h));
    uint8_t bin[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                       0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
    assert_true(intel_match_hash_bin(m, INTEL_KIND_MD5, bin, 16, &h));
    assert_false(intel_match_hash_bin(m, INTEL_KIND_MD5, bin, 15, &h));
    assert_false(intel_match_hash_bin(m, INTEL_KIND_JA4, bin, 16, &h));
    assert_true(intel_match_string(m, INTEL_KIND_JA3, "E7D705A3286E19EA42F587B344EE6865", 32, &h));
    assert_int_equal(h.refs[0], 4);
    assert_true(intel_match_hash(m, INTEL_KIND_JA3S, "e7d705a3286e19ea42f587b344ee6865", 32, &h));
    assert_int_equal(h.refs[0], 5);
    assert_true(intel_match_string(m, INTEL_KIND_JA4, ja4, strlen(ja4), &h));
    assert_false(intel_match_string(m, INTEL_KIND_JA4, "T13d1516h2_8daaf6152771_b186095e22b6",
                                    strlen(ja4), &h));
    assert_false(intel_match_string(m, INTEL_KIND_DOMAIN, "x", 1, &h));
    intel_match_free(m);
    intel_match_builder_free(b);
}

static void test_refs_dedup_and_high_bit(void **state)
{
    (void)state;
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "x.example", 7), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "X.example", 3), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "x.example.", 7), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "y.example", 0x80000001u), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "1.1.1.1", UINT32_MAX), 0);
    for (uint32_t r = 0; r < 1000; r++)
        assert_int_equal(add(b, INTEL_KIND_IPV4, "2.0.0.0/8", 999 - r), 0);
    struct intel_match *m = intel_match_build(b);
    struct intel_match_hit h[4];
    assert_int_equal(dom(m, "x.example", h), 1);
    assert_int_equal(h[0].count, 2);
    assert_int_equal(h[0].refs[0], 3);
    assert_int_equal(h[0].refs[1], 7);
    assert_int_equal(dom(m, "y.example", h), 1);
    assert_int_equal(h[0].count, 1);
    assert_int_equal(h[0].refs[0], 0x80000001u);
    assert_int_equal(ip4(m, "1.1.1.1", h, 4), 1);
    assert_int_equal(h[0].refs[0], UINT32_MAX);
    assert_int_equal(ip4(m, "2.3.4.5", h, 4), 1);
    assert_int_equal(h[0].count, 1000);
    for (uint32_t r = 0; r < 1000; r++)
        assert_int_equal(h[0].refs[r], r);
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    assert_int_equal(st.values[INTEL_KIND_DOMAIN], 2);
    assert_int_equal(st.refs, 1004);
    assert_true(st.bytes_total > 0);
    intel_match_free(m);
    /* an empty matcher answers nothing */
    struct intel_match_builder *e = intel_match_builder_new();
    m = intel_match_build(e);
    assert_non_null(m);
    assert_int_equal(ip4(m, "1.1.1.1", h, 4), 0);
    assert_int_equal(dom(m, "x.example", h), 0);
    assert_false(intel_match_hash(m, INTEL_KIND_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, h));
    intel_match_free(m);
    intel_match_free(NULL);
    intel_match_builder_free(e);
    intel_match_builder_free(b);
}

/* ---- randomised comparison with the naive reference ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Small alphabets and address pools so that values collide and nest. */
static void random_domain(char *out, size_t *len)
{
    static const char *const labels[] = {"a", "b", "evil", "c2", "xn--p1ai", "com", "net", "Org"};
    size_t n = 1 + rnd() % 4, o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *l = labels[rnd() % 8];
        if (i)
            out[o++] = '.';
        memcpy(out + o, l, strlen(l));
        o += strlen(l);
    }
    if (rnd() % 10 == 0)
        out[o++] = '.';
    *len = o;
}

static void random_ip(char *out, enum intel_kind *kind, bool with_len)
{
    if (rnd() % 4) {
        *kind = INTEL_KIND_IPV4;
        /* mostly a small pool (values nest and collide), sometimes anywhere
         * (bounds spread over the CIDR buckets) */
        bool anywhere = rnd() % 8 == 0;
        int n = sprintf(out, "%u.%u.%u.%u", (unsigned)(anywhere ? rnd() % 256 : rnd() % 3 + 10),
                        (unsigned)(anywhere ? rnd() % 256 : rnd() % 4), (unsigned)(rnd() % 256),
                        (unsigned)(rnd() % 256));
        if (with_len)
            sprintf(out + n, "/%u", (unsigned)(rnd() % 33));
    } else {
        *kind = INTEL_KIND_IPV6;
        int n = sprintf(out, "2001:db8:%x:%x::%x", (unsigned)(rnd() % 4), (unsigned)(rnd() % 65536),
                        (unsigned)(rnd() % 65536));
        if (rnd() % 8 == 0)
            n = sprintf(out, "::ffff:10.%u.%u.%u", (unsigned)(rnd() % 4), (unsigned)(rnd() % 256),
                        (unsigned)(rnd() % 256));
        if (with_len)
            sprintf(out + n, "/%u", (unsigned)(rnd() % 129));
    }
}

static void random_hash(char *out, enum intel_kind *kind)
{
    static const enum intel_kind kinds[] = {INTEL_KIND_MD5, INTEL_KIND_SHA1, INTEL_KIND_SHA256,
                                            INTEL_KIND_JA3};
    *kind = kinds[rnd() % 4];
    size_t n = *kind == INTEL_KIND_SHA1 ? 40 : *kind == INTEL_KIND_SHA256 ? 64 : 32;
    for (size_t i = 0; i < n; i++)
        out[i] = "0123456789abcdefABCDEF"[i < n - 3 ? 0 : rnd() % 22];
    out[n] = '\0';
}

static void test_random_against_naive(void **state)
{
    (void)state;
    struct intel_match_builder *b = intel_match_builder_new();
    struct naive nv = {0};
    char v[300];
    size_t len;
    enum intel_kind kind;
    for (uint32_t i = 0; i < 100000; i++) {
        switch (rnd() % 4) {
        case 0:
            random_ip(v, &kind, rnd() % 4 == 0);
            len = strlen(v);
            break;
        case 1:
            kind = INTEL_KIND_DOMAIN;
            random_domain(v, &len);
            break;
        case 2:
            random_hash(v, &kind);
            len = strlen(v);
            break;
        default:
            kind = rnd() % 2 ? INTEL_KIND_EMAIL : INTEL_KIND_URL;
            len = (size_t)sprintf(v, kind == INTEL_KIND_EMAIL ? "u%u@Evil.com" : "http://e%u.com/",
                                  (unsigned)(rnd() % 5000));
            break;
        }
        uint32_t ref = (uint32_t)(rnd() % 50000);
        if (rnd() % 100 == 0)
            ref |= 0x80000000u;
        int rc = intel_match_builder_add(b, kind, v, len, ref);
        assert_int_equal(rc == 0, naive_add(&nv, kind, v, len, ref) == 0);
    }
    struct intel_match *m = intel_match_build(b);
    assert_non_null(m);
    for (uint32_t i = 0; i < 100000; i++) {
        switch (rnd() % 4) {
        case 0: {
            random_ip(v, &kind, false);
            uint8_t a[16];
            int af = kind == INTEL_KIND_IPV4 ? AF_INET : AF_INET6;
            assert_int_equal(inet_pton(af, v, a), 1);
            assert_true(naive_check_ip(&nv, m, a, af == AF_INET ? 4 : 6));
            break;
        }
        case 1:
            random_domain(v, &len);
            assert_true(naive_check_domain(&nv, m, v, len));
            break;
        case 2:
            random_hash(v, &kind);
            assert_true(naive_check_exact(&nv, m, kind, v, strlen(v)));
            break;
        default:
            kind = rnd() % 2 ? INTEL_KIND_EMAIL : INTEL_KIND_URL;
            len = (size_t)sprintf(v, kind == INTEL_KIND_EMAIL ? "U%u@evil.COM" : "HTTP://e%u.com",
                                  (unsigned)(rnd() % 5000));
            assert_true(naive_check_exact(&nv, m, kind, v, len));
            break;
        }
    }
    print_message("reference matches: %llu\n", (unsigned long long)nv.hits);
    assert_true(nv.hits > 50000);
    intel_match_free(m);
    intel_match_builder_free(b);
    naive_free(&nv);
}

/* The builder keeps its values (reordered) across builds: add, build, add
 * more, build again; both matchers answer for what they were built from. */
static void test_build_twice(void **state)
{
    (void)state;
    const char *md5 = "d41d8cd98f00b204e9800998ecf8427e";
    const char *sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    struct intel_match_builder *b = intel_match_builder_new();
    assert_int_equal(add(b, INTEL_KIND_MD5, md5, 1), 0);
    assert_int_equal(add(b, INTEL_KIND_DOMAIN, "evil.example", 2), 0);
    assert_int_equal(add(b, INTEL_KIND_IPV4, "192.0.2.0/24", 3), 0);
    struct intel_match *m1 = intel_match_build(b);
    assert_int_equal(add(b, INTEL_KIND_SHA1, sha1, 4), 0);
    assert_int_equal(add(b, INTEL_KIND_MD5, md5, 5), 0);
    assert_int_equal(add(b, INTEL_KIND_URL, "http://evil.example/x", 6), 0);
    struct intel_match *m2 = intel_match_build(b);
    assert_non_null(m1);
    assert_non_null(m2);
    struct intel_match_hit h[4];
    assert_true(intel_match_hash(m1, INTEL_KIND_MD5, md5, 32, h));
    assert_int_equal(h[0].count, 1);
    assert_false(intel_match_hash(m1, INTEL_KIND_SHA1, sha1, 40, h));
    assert_false(intel_match_url(m1, "http://evil.example/x", 21, h));
    assert_true(intel_match_hash(m2, INTEL_KIND_MD5, md5, 32, h));
    assert_int_equal(h[0].count, 2);
    assert_int_equal(h[0].refs[1], 5);
    assert_true(intel_match_hash(m2, INTEL_KIND_SHA1, sha1, 40, h));
    assert_true(intel_match_url(m2, "http://evil.example/x", 21, h));
    assert_int_equal(dom(m2, "a.evil.example", h), 1);
    assert_int_equal(ip4(m2, "192.0.2.7", h, 4), 1);
    struct intel_match_stats st;
    intel_match_stats(m2, &st);
    assert_int_equal(st.values[INTEL_KIND_MD5], 1);
    assert_int_equal(st.values[INTEL_KIND_SHA1], 1);
    assert_int_equal(st.refs, 6);
    assert_true(st.bytes_digests > 0);
    intel_match_free(m1);
    intel_match_free(m2);
    intel_match_builder_free(b);
}

/* ---- batch lookups agree with single ones ---- */

static bool same_hits(const struct intel_match_hit *a, const struct intel_match_hit *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].refs != b[i].refs || a[i].count != b[i].count ||
            a[i].prefix_len != b[i].prefix_len || a[i].suffix_off != b[i].suffix_off)
            return false;
    return true;
}

static size_t check_ip_batch(const struct intel_match *m, const uint8_t *const *addrs,
                             const int *families, size_t n, size_t max_hits)
{
    struct intel_match_hit *hits = calloc(n * max_hits, sizeof(*hits));
    size_t *counts = calloc(n, sizeof(*counts));
    struct intel_match_hit one[130];
    assert_non_null(hits);
    assert_non_null(counts);
    size_t matched = intel_match_ip_batch(m, addrs, families, n, hits, max_hits, counts), want = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = addrs[i] ? intel_match_ip(m, addrs[i], families[i], one, max_hits) : 0;
        assert_int_equal(counts[i], c);
        assert_true(same_hits(hits + i * max_hits, one, c));
        want += c > 0;
    }
    assert_int_equal(matched, want);
    free(hits);
    free(counts);
    return matched;
}

static size_t check_hash_batch(const struct intel_match *m, enum intel_kind kind,
                               const uint8_t *const *digests, size_t len, size_t n)
{
    struct intel_match_hit *hits = calloc(n, sizeof(*hits));
    assert_non_null(hits);
    size_t matched = intel_match_hash_bin_batch(m, kind, digests, len, n, hits), want = 0;
    for (size_t i = 0; i < n; i++) {
        struct intel_match_hit one;
        bool got = digests[i] && intel_match_hash_bin(m, kind, digests[i], len, &one);
        if (got) {
            assert_true(same_hits(&hits[i], &one, 1));
            want++;
        } else {
            assert_int_equal(hits[i].count, 0);
            assert_null(hits[i].refs);
        }
    }
    assert_int_equal(matched, want);
    free(hits);
    return matched;
}

static void test_batch_agrees_with_single(void **state)
{
    (void)state;
    enum { VALUES = 30000, KEYS = 3000 };
    struct intel_match_builder *b = intel_match_builder_new();
    char v[300];
    enum intel_kind kind;
    /* raw digests of the hashes added, per kind, to look up again */
    static uint8_t known[KEYS][32];
    static enum intel_kind known_kind[KEYS];
    size_t nknown = 0;
    for (uint32_t i = 0; i < VALUES; i++) {
        uint32_t ref = (uint32_t)(rnd() % 3000) | (rnd() % 50 == 0 ? 0x80000000u : 0);
        if (rnd() % 2) {
            random_ip(v, &kind, rnd() % 3 == 0);
            const char *slash = strchr(v, '/');
            if (slash && atoi(slash + 1) < (strstr(v, "ffff:") ? 112 : 16))
                continue; /* so that some keys miss everything */
            intel_match_builder_add(b, kind, v, strlen(v), ref);
            continue;
        }
        static const enum intel_kind kinds[] = {INTEL_KIND_MD5, INTEL_KIND_SHA1, INTEL_KIND_SHA256,
                                                INTEL_KIND_JA3, INTEL_KIND_JA3S};
        kind = kinds[rnd() % 5];
        size_t n = kind == INTEL_KIND_SHA1 ? 20 : kind == INTEL_KIND_SHA256 ? 32 : 16;
        uint8_t d[32];
        for (size_t k = 0; k < n; k++)
            d[k] = (uint8_t)(k < 2 ? rnd() % 4 : rnd()); /* some share leading bytes */
        for (size_t k = 0; k < n; k++)
            sprintf(v + 2 * k, "%02x", d[k]);
        assert_int_equal(intel_match_builder_add(b, kind, v, 2 * n, ref), 0);
        if (nknown < KEYS && rnd() % 4 == 0) {
            memcpy(known[nknown], d, n);
            known_kind[nknown++] = kind;
        }
    }
    struct intel_match *m = intel_match_build(b);
    assert_non_null(m);
    /* IP keys: IPv4, IPv6, IPv4-mapped, a bad family, NULL */
    static uint8_t addr[KEYS][16];
    static const uint8_t *addr_p[KEYS];
    static int fam[KEYS];
    for (size_t i = 0; i < KEYS; i++) {
        random_ip(v, &kind, false);
        if (i % 3 == 0 && kind == INTEL_KIND_IPV4) /* anywhere: mostly misses */
            sprintf(v, "%u.%u.%u.%u", (unsigned)(rnd() % 256), (unsigned)(rnd() % 256),
                    (unsigned)(rnd() % 256), (unsigned)(rnd() % 256));
        int af = kind == INTEL_KIND_IPV4 ? AF_INET : AF_INET6;
        memset(addr[i], 0, 16);
        assert_int_equal(inet_pton(af, v, addr[i]), 1);
        fam[i] = af == AF_INET ? 4 : 6;
        addr_p[i] = addr[i];
        if (i % 97 == 0)
            fam[i] = 5;
        if (i % 101 == 0)
            addr_p[i] = NULL;
    }
    static const size_t sizes[] = {1, 7, 31, 32, 33, 100, KEYS};
    static const size_t max_hits[] = {1, 2, 130};
    size_t matched = 0;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
        for (size_t h = 0; h < sizeof(max_hits) / sizeof(max_hits[0]); h++)
            matched = check_ip_batch(m, addr_p, fam, sizes[s], max_hits[h]);
    print_message("IP keys matched: %zu of %d\n", matched, KEYS);
    assert_true(matched > KEYS / 4 && matched < KEYS);
    /* digest keys: known ones and random ones mixed, per kind */
    static const uint8_t *dig_p[KEYS];
    static uint8_t rand_dig[KEYS][32];
    static const enum intel_kind all[] = {INTEL_KIND_MD5, INTEL_KIND_SHA1, INTEL_KIND_SHA256,
                                          INTEL_KIND_JA3, INTEL_KIND_JA3S};
    for (size_t a = 0; a < sizeof(all) / sizeof(all[0]); a++) {
        size_t n = 0, len = all[a] == INTEL_KIND_SHA1 ? 20 : all[a] == INTEL_KIND_SHA256 ? 32 : 16;
        for (size_t i = 0; i < nknown; i++) {
            if (known_kind[i] == all[a])
                dig_p[n++] = known[i];
            for (size_t k = 0; k < 32; k++)
                rand_dig[n][k] = (uint8_t)rnd();
            dig_p[n] = rand_dig[n];
            n += n + 1 < KEYS && rnd() % 2;
        }
        dig_p[n++] = NULL;
        matched = check_hash_batch(m, all[a], dig_p, len, n);
        print_message("%s keys matched: %zu of %zu\n", a == 0 ? "MD5" : "digest", matched, n);
        assert_true(matched > 50 && matched < n);
        check_hash_batch(m, all[a], dig_p, len, n < 5 ? n : 5);
    }
    /* wrong length, wrong kind: nothing */
    check_hash_batch(m, INTEL_KIND_MD5, dig_p, 20, 3);
    check_hash_batch(m, INTEL_KIND_DOMAIN, dig_p, 16, 3);
    /* no matcher, empty matcher, nothing to do */
    size_t counts[3] = {9, 9, 9};
    struct intel_match_hit hits[3 * 4];
    assert_int_equal(intel_match_ip_batch(NULL, addr_p, fam, 3, hits, 4, counts), 0);
    assert_int_equal(counts[0] + counts[1] + counts[2], 0);
    assert_int_equal(intel_match_ip_batch(m, addr_p, fam, 0, hits, 4, counts), 0);
    assert_int_equal(intel_match_hash_bin_batch(NULL, INTEL_KIND_MD5, dig_p, 16, 3, hits), 0);
    assert_int_equal(hits[0].count + hits[1].count + hits[2].count, 0);
    struct intel_match_builder *e = intel_match_builder_new();
    struct intel_match *empty = intel_match_build(e);
    check_ip_batch(empty, addr_p, fam, 50, 4);
    check_hash_batch(empty, INTEL_KIND_MD5, dig_p, 16, 3);
    intel_match_free(empty);
    intel_match_builder_free(e);
    intel_match_free(m);
    intel_match_builder_free(b);
}

static bool has_ref(const struct intel_match_hit *h, uint32_t ref)
{
    for (uint32_t i = 0; i < h->count; i++)
        if (h->refs[i] == ref)
            return true;
    return false;
}

/* Every value added is found again, whichever pre-filter line or cover-map
 * bucket it landed in: a pre-filter never turns a hit into a miss. */
static void test_prefilter_no_false_negative(void **state)
{
    (void)state;
    enum { N = 200000 };
    struct intel_match_builder *b = intel_match_builder_new();
    uint64_t *rs = malloc(N * sizeof(*rs));
    assert_non_null(rs);
    char v[64];
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rs[i] = rnd();
        int n = sprintf(v, "%u.%u.%u.%u", (unsigned)(r & 255), (unsigned)(r >> 8 & 255),
                        (unsigned)(r >> 16 & 255), (unsigned)(r >> 24 & 255));
        assert_int_equal(intel_match_builder_add(b, INTEL_KIND_IPV4, v, (size_t)n, i), 0);
        n = sprintf(v, "%016llx%016llx", (unsigned long long)i, (unsigned long long)r);
        assert_int_equal(intel_match_builder_add(b, INTEL_KIND_MD5, v, (size_t)n, i), 0);
        n = sprintf(v, "d%x.example", i);
        assert_int_equal(intel_match_builder_add(b, INTEL_KIND_DOMAIN, v, (size_t)n, i), 0);
        if (i % 8 == 0) {
            n = sprintf(v, "%u.%u.%u.0/%u", (unsigned)(r >> 32 & 255), (unsigned)(r >> 40 & 255),
                        (unsigned)(r >> 48 & 255), 24 + (unsigned)(r >> 56) % 8);
            assert_int_equal(intel_match_builder_add(b, INTEL_KIND_IPV4, v, (size_t)n, i), 0);
        }
    }
    struct intel_match *m = intel_match_build(b);
    assert_non_null(m);
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    assert_true(st.bytes_filters > 0);
    assert_true(st.bytes_filters < st.bytes_total / 4);
    struct intel_match_hit h[8];
    uint64_t missing = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rs[i];
        uint8_t a[16] = {(uint8_t)r, (uint8_t)(r >> 8), (uint8_t)(r >> 16), (uint8_t)(r >> 24)};
        size_t k = intel_match_ip(m, a, 4, h, 8);
        missing += !(k >= 1 && h[0].prefix_len == 32 && has_ref(&h[0], i));
        if (i % 8 == 0) {
            uint8_t c[16] = {(uint8_t)(r >> 32), (uint8_t)(r >> 40), (uint8_t)(r >> 48), 0};
            k = intel_match_ip(m, c, 4, h, 8);
            bool seen = false;
            for (size_t j = 0; j < k; j++)
                seen |= h[j].prefix_len == 24 + (r >> 56) % 8 && has_ref(&h[j], i);
            missing += !seen;
        }
        uint8_t d[16];
        for (int j = 0; j < 8; j++) {
            d[j] = (uint8_t)((uint64_t)i >> (56 - 8 * j));
            d[8 + j] = (uint8_t)(r >> (56 - 8 * j));
        }
        missing += !(intel_match_hash_bin(m, INTEL_KIND_MD5, d, 16, h) && has_ref(&h[0], i));
        int n = sprintf(v, "d%x.example", i);
        missing += !(intel_match_domain(m, v, (size_t)n, h, 8) == 1 && has_ref(&h[0], i));
    }
    assert_int_equal(missing, 0);
    intel_match_free(m);
    intel_match_builder_free(b);
    free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_exact_and_cidr),
        cmocka_unit_test(test_ip_zero_prefix_and_v6),
        cmocka_unit_test(test_ip_rejects),
        cmocka_unit_test(test_domain_walk),
        cmocka_unit_test(test_url_normalisation),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_hashes_and_fingerprints),
        cmocka_unit_test(test_refs_dedup_and_high_bit),
        cmocka_unit_test(test_random_against_naive),
        cmocka_unit_test(test_build_twice),
        cmocka_unit_test(test_batch_agrees_with_single),
        cmocka_unit_test(test_prefilter_no_false_negative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
