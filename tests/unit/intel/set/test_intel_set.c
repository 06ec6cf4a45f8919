/* Unit tests for intel/set/: which indicators take part, how each is
 * matched (indexed, confirmed, evaluated), versions of one id, entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intel/set/intel_set.h"

#include <cmocka.h>

#define NOW_US 1700000000000000ll /* 2023-11-14 */
#define DAY_US 86400000000ll

static struct intel_indicator ind(const char *id, const char *pattern)
{
    return (struct intel_indicator){
        .stix_id = id,
        .source = "unit",
        .pattern = pattern,
        .pattern_type = "stix",
        .created_us = NOW_US - 10 * DAY_US,
        .modified_us = NOW_US - 10 * DAY_US,
        .valid_from_us = NOW_US - 10 * DAY_US,
        .valid_until_us = INTEL_TIME_NONE,
        .confidence = 80,
        .tlp = INTEL_TLP_AMBER,
        .tlp_origin = INTEL_TLP_FROM_MARKING,
    };
}

static uint64_t counter(const struct intel_set *s, enum intel_set_counter c)
{
    return intel_set_counters(s).values[c];
}

/* The entry a domain lookup finds, or NULL. */
static const struct intel_entry *find_domain(const struct intel_set *s, const char *name)
{
    struct intel_match_hit h[4];
    size_t n = intel_match_domain(intel_set_matcher(s), name, strlen(name), h, 4);
    if (n == 0)
        return NULL;
    assert_int_equal(h[0].count, 1);
    return intel_set_entry(s, h[0].refs[0]);
}

static void test_modes(void **state)
{
    (void)state;
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    assert_non_null(b);
    struct intel_indicator a = ind("indicator--a", "[domain-name:value = 'evil.example']");
    struct intel_indicator c = ind("indicator--c", "[network-traffic:dst_ref.value = '192.0.2.1']");
    struct intel_indicator x = ind("indicator--x", "[x509-certificate:hashes.'SHA-1' = "
                                                   "'21b4cf84133a21a4b00263763984eaed27ee517c']");
    struct intel_indicator e = ind("indicator--e", "[network-traffic:dst_port = 4444]");
    struct intel_indicator f = ind("indicator--f", "[domain-name:value = 'a.example'] FOLLOWEDBY "
                                                   "[domain-name:value = 'b.example']");
    struct intel_indicator *all[] = {&a, &c, &x, &e, &f};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        assert_int_equal(intel_set_builder_add(b, all[i]), 0);
    struct intel_set *s = intel_set_build(b);
    assert_non_null(s);
    assert_int_equal(counter(s, INTEL_SET_OFFERED), 5);
    assert_int_equal(counter(s, INTEL_SET_LOADED), 4);
    assert_int_equal(counter(s, INTEL_SET_INDEXED), 1);
    assert_int_equal(counter(s, INTEL_SET_CONFIRM), 2);
    assert_int_equal(counter(s, INTEL_SET_EVALUATE), 1);
    assert_int_equal(counter(s, INTEL_SET_NOT_EVALUATED), 1);
    assert_int_equal(intel_set_entry_count(s), 4);

    const struct intel_entry *hit = find_domain(s, "www.evil.example");
    assert_non_null(hit);
    assert_string_equal(hit->stix_id, "indicator--a");
    assert_int_equal(hit->mode, INTEL_ENTRY_INDEXED);
    assert_null(hit->parsed);
    assert_int_equal(hit->tlp, INTEL_TLP_AMBER);
    assert_int_equal(hit->confidence, 80);
    assert_null(find_domain(s, "evil.example.org"));

    size_t n = 0;
    const struct intel_entry *const *ev = intel_set_evaluated(s, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0]->stix_id, "indicator--e");
    assert_non_null(ev[0]->parsed);
    intel_set_free(s);
}

static void test_inactive(void **state)
{
    (void)state;
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    struct intel_indicator rev = ind("indicator--rev", "[domain-name:value = 'rev.example']");
    rev.is_revoked = true;
    struct intel_indicator old = ind("indicator--old", "[domain-name:value = 'old.example']");
    old.valid_until_us = NOW_US - DAY_US;
    struct intel_indicator later = ind("indicator--later", "[domain-name:value = 'later.example']");
    later.valid_from_us = NOW_US + DAY_US;
    struct intel_indicator yara = ind("indicator--yara", "rule x { condition: true }");
    yara.pattern_type = "yara";
    struct intel_indicator bad = ind("indicator--bad", "[domain-name:value = ]");
    struct intel_indicator ok = ind("indicator--ok", "[domain-name:value = 'ok.example']");
    ok.valid_until_us = NOW_US + DAY_US;
    struct intel_indicator *all[] = {&rev, &old, &later, &yara, &bad, &ok};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        assert_int_equal(intel_set_builder_add(b, all[i]), 0);
    struct intel_set *s = intel_set_build(b);
    assert_int_equal(counter(s, INTEL_SET_INACTIVE), 3);
    assert_int_equal(counter(s, INTEL_SET_NOT_STIX), 1);
    assert_int_equal(counter(s, INTEL_SET_BAD_PATTERN), 1);
    assert_int_equal(counter(s, INTEL_SET_LOADED), 1);
    assert_null(find_domain(s, "rev.example"));
    assert_null(find_domain(s, "old.example"));
    assert_null(find_domain(s, "later.example"));
    assert_non_null(find_domain(s, "ok.example"));
    intel_set_free(s);
}

static void test_versions(void **state)
{
    (void)state;
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    struct intel_indicator v1 = ind("indicator--v", "[domain-name:value = 'v1.example']");
    struct intel_indicator v2 = ind("indicator--v", "[domain-name:value = 'v2.example']");
    v2.modified_us = v1.modified_us + 1;
    struct intel_indicator v0 = ind("indicator--v", "[domain-name:value = 'v0.example']");
    v0.modified_us = v1.modified_us - 1;
    assert_int_equal(intel_set_builder_add(b, &v1), 0);
    assert_int_equal(intel_set_builder_add(b, &v2), 0); /* newer: replaces */
    assert_int_equal(intel_set_builder_add(b, &v0), 0); /* older: ignored */
    /* An evaluated pattern replaced by a newer one leaves the per-event list. */
    struct intel_indicator p1 = ind("indicator--p", "[network-traffic:dst_port = 1]");
    struct intel_indicator p2 = ind("indicator--p", "[network-traffic:dst_port = 2]");
    p2.modified_us = p1.modified_us + 1;
    assert_int_equal(intel_set_builder_add(b, &p1), 0);
    assert_int_equal(intel_set_builder_add(b, &p2), 0);
    struct intel_set *s = intel_set_build(b);
    assert_int_equal(counter(s, INTEL_SET_DUPLICATE), 3);
    assert_int_equal(counter(s, INTEL_SET_LOADED), 2);
    size_t n = 0;
    const struct intel_entry *const *ev = intel_set_evaluated(s, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0]->pattern, "[network-traffic:dst_port = 2]");
    assert_null(find_domain(s, "v1.example")); /* its value is there, its entry dead */
    assert_null(find_domain(s, "v0.example"));
    const struct intel_entry *e = find_domain(s, "v2.example");
    assert_non_null(e);
    assert_string_equal(e->pattern, "[domain-name:value = 'v2.example']");
    intel_set_free(s);
}

static void test_related_and_signature(void **state)
{
    (void)state;
    struct intel_related rel[2] = {
        {.type = "intrusion-set",
         .name = "ZIRCONIUM",
         .external_id = "G0128",
         .aliases = "APT31, Violet Typhoon",
         .relationship = "indicates"},
        {.type = "attack-pattern", .name = "Web Protocols", .external_id = "T1071.001"},
    };
    struct intel_set_builder *b = intel_set_builder_new(NOW_US);
    struct intel_indicator a = ind("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                                   "[ipv4-addr:value = '198.51.100.0/24']");
    a.related = rel;
    a.related_count = 2;
    assert_int_equal(intel_set_builder_add(b, &a), 0);
    struct intel_set *s = intel_set_build(b);
    uint8_t addr[16] = {198, 51, 100, 7};
    struct intel_match_hit h[2];
    assert_int_equal(intel_match_ip(intel_set_matcher(s), addr, 4, h, 2), 1);
    assert_int_equal(h[0].prefix_len, 24);
    const struct intel_entry *e = intel_set_entry(s, h[0].refs[0]);
    assert_int_equal(e->related_count, 2);
    assert_string_equal(e->related[0].external_id, "G0128");
    assert_string_equal(e->related[0].aliases, "APT31, Violet Typhoon");
    /* Stable: FNV-1a of the id in 31 bits, so the same indicator always
     * has the same signature_id. */
    assert_int_equal(e->signature_id, 0x7fffffffu & e->signature_id);
    assert_true(e->signature_id != 0);
    uint32_t first = e->signature_id;
    intel_set_free(s);
    b = intel_set_builder_new(NOW_US);
    assert_int_equal(intel_set_builder_add(b, &a), 0);
    s = intel_set_build(b);
    assert_int_equal(intel_set_entry(s, 0)->signature_id, first);
    assert_null(intel_set_entry(s, 1));
    intel_set_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_inactive),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_related_and_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
