/* Unit tests for detect/: observables of records, matcher hits, hits that
 * a pattern must confirm, patterns evaluated per event, the alert object. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/intel_alert_eve.h"
#include "detect/intel_detect.h"
#include "detect/intel_observe.h"
#include "proto/dns/dns_record.h"
#include "proto/http/http_record.h"
#include "proto/tls/tls_record.h"

#include <cmocka.h>

#define NOW_US 1700000000000000ll

static void add(struct intel_set_builder *b, const char *id, const char *pattern)
{
    struct intel_indicator ind = {
        .stix_id = id,
        .source = "unit",
        .pattern = pattern,
        .pattern_type = "stix",
        .modified_us = NOW_US,
        .valid_from_us = NOW_US - 1,
        .valid_until_us = INTEL_TIME_NONE,
        .confidence = -1,
        .tlp = INTEL_TLP_GREEN,
    };
    assert_int_equal(intel_set_builder_add(b, &ind), 0);
}

static struct intel_set *make_set(void)
{
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    add(b, "indicator--dom", "[domain-name:value = 'evil.example']");
    add(b, "indicator--ip", "[ipv4-addr:value = '203.0.113.9']");
    add(b, "indicator--dst", "[network-traffic:dst_ref.value = '198.51.100.1']");
    add(b, "indicator--url", "[url:value = 'http://evil.example/gate.php?id=1']");
    add(b, "indicator--ja3", "[x-tls-fingerprint:ja3 = 'B20B44B18B853EF29AB773E921B03422']");
    add(b, "indicator--cert",
        "[x509-certificate:hashes.'SHA-1' = '21b4cf84133a21a4b00263763984eaed27ee517c']");
    add(b, "indicator--filehash",
        "[file:hashes.'SHA-1' = '21b4cf84133a21a4b00263763984eaed27ee517c']");
    add(b, "indicator--port", "[network-traffic:dst_port = 4444]");
    struct intel_set *s = intel_set_build(b);
    assert_non_null(s);
    return s;
}

static struct flow make_flow(const char *client, const char *server, uint16_t dport)
{
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.key.ip_version = 4;
    f.key.proto = 6;
    assert_int_equal(inet_pton(AF_INET, client, f.key.addr[0]), 1);
    assert_int_equal(inet_pton(AF_INET, server, f.key.addr[1]), 1);
    f.key.port[0] = 50000;
    f.key.port[1] = dport;
    return f;
}

static bool has_hit(const struct intel_hit *h, size_t n, const char *id, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].entry->stix_id, id) == 0 &&
            (!field || (h[i].obs && strcmp(h[i].obs->field, field) == 0) ||
             (!h[i].obs && strcmp(field, "event") == 0)))
            return true;
    return false;
}

static void test_flow_addresses(void **state)
{
    (void)state;
    struct intel_set *s = make_set();
    struct intel_detect *d = intel_detect_new(s);
    struct intel_hit h[INTEL_DETECT_MAX_HITS];

    struct flow f = make_flow("10.0.0.1", "203.0.113.9", 80);
    size_t n = intel_detect_flow(d, &f, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 1);
    assert_true(has_hit(h, n, "indicator--ip", "dest_ip"));
    assert_int_equal(h[0].prefix_len, 32);

    /* dst_ref: only when the address is the server's. */
    f = make_flow("10.0.0.1", "198.51.100.1", 80);
    n = intel_detect_flow(d, &f, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 1);
    assert_true(has_hit(h, n, "indicator--dst", "dest_ip"));
    f = make_flow("198.51.100.1", "10.0.0.1", 80);
    n = intel_detect_flow(d, &f, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 0);

    /* Evaluated on every check: a port. */
    f = make_flow("10.0.0.1", "10.0.0.2", 4444);
    n = intel_detect_flow(d, &f, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 1);
    assert_true(has_hit(h, n, "indicator--port", "event"));
    assert_null(h[0].obs);

    f = make_flow("10.0.0.1", "10.0.0.2", 443);
    assert_int_equal(intel_detect_flow(d, &f, h, INTEL_DETECT_MAX_HITS), 0);
    intel_detect_free(d);
    intel_set_free(s);
}

static void test_tls_record(void **state)
{
    (void)state;
    struct intel_set *s = make_set();
    struct intel_detect *d = intel_detect_new(s);
    struct intel_hit h[INTEL_DETECT_MAX_HITS];
    static struct tls_record r;
    memset(&r, 0, sizeof(r));
    strcpy(r.sni, "cdn.evil.example");
    r.sni_len = strlen(r.sni);
    r.has_ja3 = true;
    strcpy(r.ja3_hash, "b20b44b18b853ef29ab773e921b03422");
    r.has_cert = true;
    strcpy(r.cert.fingerprint, "21:b4:cf:84:13:3a:21:a4:b0:02:63:76:39:84:ea:ed:27:ee:51:7c");
    static struct intel_observed o;
    intel_observe_record(&o, APP_RECORD_TLS, &r);
    struct flow f = make_flow("10.0.0.1", "10.0.0.2", 443);
    size_t n = intel_detect_event(d, &f, &o, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 3);
    assert_true(has_hit(h, n, "indicator--dom", "tls.sni"));
    assert_true(has_hit(h, n, "indicator--ja3", "tls.ja3.hash"));
    /* The certificate's SHA-1 is a certificate hash, not a file's: the
     * file indicator with the same digest does not match it. */
    assert_true(has_hit(h, n, "indicator--cert", "tls.fingerprint"));
    assert_false(has_hit(h, n, "indicator--filehash", NULL));
    struct counter_view v = intel_detect_counters(d);
    assert_int_equal(v.values[INTEL_DETECT_NOT_CONFIRMED], 0);
    assert_int_equal(v.values[INTEL_DETECT_CONFIRMED], 1);

    /* The alert object names the indicator, the field and the value. */
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].entry->stix_id, "indicator--dom") == 0)
            intel_alert_eve_format(&b, &h[i]);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    assert_non_null(strstr(b.data, "\"gid\":9000"));
    assert_non_null(strstr(b.data, "\"signature\":\"HRADBA INTEL tls.sni cdn.evil.example\""));
    assert_non_null(strstr(b.data, "\"indicator_id\":\"indicator--dom\""));
    assert_non_null(strstr(b.data, "\"field\":\"tls.sni\",\"value\":\"cdn.evil.example\""));
    assert_non_null(strstr(b.data, "\"tlp\":\"green\""));
    json_buf_fini(&b);
    intel_detect_free(d);
    intel_set_free(s);
}

static void test_http_and_dns(void **state)
{
    (void)state;
    struct intel_set *s = make_set();
    struct intel_detect *d = intel_detect_new(s);
    struct intel_hit h[INTEL_DETECT_MAX_HITS];
    static struct intel_observed o;
    struct flow f = make_flow("10.0.0.1", "10.0.0.2", 80);

    struct http_record hr;
    memset(&hr, 0, sizeof(hr));
    hr.hostname = (struct http_str){"evil.example", 12};
    hr.url = (struct http_str){"/gate.php?id=1", 14};
    intel_observe_record(&o, APP_RECORD_HTTP, &hr);
    size_t n = intel_detect_event(d, &f, &o, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 2);
    assert_true(has_hit(h, n, "indicator--dom", "http.hostname"));
    assert_true(has_hit(h, n, "indicator--url", "http.url"));

    static struct dns_record dr;
    memset(&dr, 0, sizeof(dr));
    dr.question_count = 1;
    dr.questions[0].rrname = "EVIL.example.";
    intel_observe_record(&o, APP_RECORD_DNS, &dr);
    n = intel_detect_event(d, &f, &o, h, INTEL_DETECT_MAX_HITS);
    assert_int_equal(n, 1);
    assert_true(has_hit(h, n, "indicator--dom", "dns.rrname"));

    dr.questions[0].rrname = "notevil.example";
    intel_observe_record(&o, APP_RECORD_DNS, &dr);
    assert_int_equal(intel_detect_event(d, &f, &o, h, INTEL_DETECT_MAX_HITS), 0);
    intel_detect_free(d);
    intel_set_free(s);
}

/* A new intel version takes effect at the next check; the old one is no
 * longer looked at (the worker swaps through core/qsbr.h). */
static void test_swap(void **state)
{
    (void)state;
    struct intel_set *s1 = make_set();
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    add(b, "indicator--other", "[ipv4-addr:value = '10.0.0.1']");
    struct intel_set *s2 = intel_set_build(b);
    struct intel_detect *d = intel_detect_new(s1);
    struct intel_hit h[4];
    struct flow f = make_flow("10.0.0.1", "203.0.113.9", 80);
    assert_int_equal(intel_detect_flow(d, &f, h, 4), 1);
    assert_true(has_hit(h, 1, "indicator--ip", "dest_ip"));
    intel_detect_use(d, s2);
    intel_set_free(s1);
    assert_int_equal(intel_detect_flow(d, &f, h, 4), 1);
    assert_true(has_hit(h, 1, "indicator--other", "src_ip"));
    intel_detect_use(d, NULL);
    assert_int_equal(intel_detect_flow(d, &f, h, 4), 0);
    intel_detect_free(d);
    intel_set_free(s2);
}

static void test_no_set(void **state)
{
    (void)state;
    struct intel_detect *d = intel_detect_new(NULL);
    struct intel_hit h[2];
    struct flow f = make_flow("10.0.0.1", "203.0.113.9", 80);
    assert_int_equal(intel_detect_flow(d, &f, h, 2), 0);
    intel_detect_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_addresses), cmocka_unit_test(test_tls_record),
        cmocka_unit_test(test_http_and_dns),   cmocka_unit_test(test_swap),
        cmocka_unit_test(test_no_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
