/* test_stix_pattern.c — unit tests for src/intel/pattern/: error positions,
 * the extraction API for the matcher, normalisation counters, scope, and
 * hostile input (deep nesting, a 10 MB pattern, a catastrophic regex).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_observation.h"
#include "intel/pattern/stix_pattern.h"

#include <cmocka.h>

static struct stix_pattern *parse(const char *s, struct stix_pattern_counters *c)
{
    struct stix_pattern_error err;
    return stix_pattern_parse_counted(s, strlen(s), c, &err);
}

static void test_error_position(void **state)
{
    (void)state;
    struct stix_pattern_error err;
    const char *s = "[file:size = ]";
    assert_null(stix_pattern_parse(s, strlen(s), &err));
    assert_int_equal(err.offset, 13);
    assert_true(strlen(err.message) > 0);
    s = "[file:hashes.'SHA-256' = 'f00']";
    assert_null(stix_pattern_parse(s, strlen(s), &err));
    assert_non_null(strstr(err.message, "SHA-256"));
    assert_int_equal(err.offset, 25);
    assert_null(stix_pattern_parse("", 0, &err));
    stix_pattern_free(NULL);
}

static void test_atoms_simple(void **state)
{
    (void)state;
    struct stix_pattern *p =
        parse("[ipv4-addr:value = '198.51.100.0/24' OR domain-name:value = "
              "'Evil.Example.' OR file:hashes.sha256 = "
              "'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F'"
              " OR network-traffic:dst_port = '4444' OR "
              "network-traffic:dst_ref.value = '2001:db8::1']",
              NULL);
    assert_non_null(p);
    assert_true(stix_pattern_is_simple(p));
    size_t n;
    const struct stix_pattern_atom *a = stix_pattern_atoms(p, &n);
    assert_int_equal(n, 5);
    assert_int_equal(a[0].kind, STIX_ATOM_IPV4);
    assert_int_equal(a[0].op, STIX_ATOM_ISSUBSET);
    assert_int_equal(a[0].prefix_len, 24);
    assert_int_equal(a[0].addr[0], 198);
    assert_int_equal(a[1].kind, STIX_ATOM_DOMAIN);
    assert_string_equal(a[1].value, "evil.example");
    assert_int_equal(a[2].kind, STIX_ATOM_HASH_SHA256);
    assert_string_equal(a[2].path, "hashes.SHA-256");
    assert_string_equal(a[2].value,
                        "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f");
    assert_int_equal(a[3].kind, STIX_ATOM_PORT);
    assert_int_equal(a[3].port, 4444);
    assert_int_equal(a[3].side, STIX_SIDE_DST);
    assert_int_equal(a[4].kind, STIX_ATOM_IPV6);
    assert_int_equal(a[4].side, STIX_SIDE_DST);
    assert_int_equal(a[4].prefix_len, 128);
    stix_pattern_free(p);
}

/* JA3/JA3S/JA4 on the custom observable x-tls-fingerprint (docs/intel.md). */
static void test_atoms_tls_fingerprint(void **state)
{
    (void)state;
    struct stix_pattern *p =
        parse("[x-tls-fingerprint:ja3 = 'E7D705A3286E19EA42F587B344EE6865' OR "
              "x-tls-fingerprint:ja3s = 'ae4edc6faf64d08308082ad26be60767' OR "
              "x-tls-fingerprint:ja4 = 't13d1516h2_8daaf6152771_02713d6af862']",
              NULL);
    assert_non_null(p);
    assert_true(stix_pattern_is_simple(p));
    size_t n;
    const struct stix_pattern_atom *a = stix_pattern_atoms(p, &n);
    assert_int_equal(n, 3);
    assert_int_equal(a[0].kind, STIX_ATOM_JA3);
    assert_int_equal(a[0].op, STIX_ATOM_EQ);
    assert_int_equal(a[0].side, STIX_SIDE_NONE);
    assert_string_equal(a[0].object_type, "x-tls-fingerprint");
    assert_string_equal(a[0].path, "ja3");
    assert_string_equal(a[0].value, "e7d705a3286e19ea42f587b344ee6865");
    assert_int_equal(a[0].value_len, 32);
    assert_int_equal(a[1].kind, STIX_ATOM_JA3S);
    assert_string_equal(a[1].path, "ja3s");
    assert_string_equal(a[1].value, "ae4edc6faf64d08308082ad26be60767");
    assert_int_equal(a[2].kind, STIX_ATOM_JA4);
    assert_string_equal(a[2].path, "ja4");
    assert_string_equal(a[2].value, "t13d1516h2_8daaf6152771_02713d6af862");
    stix_pattern_free(p);

    /* Not indexable: a JA3 that is no MD5, another operator, an unknown
     * property, an empty JA4. They stay with the evaluator. */
    static const char *const not_simple[] = {
        "[x-tls-fingerprint:ja3 = 'e7d705a3286e19ea42f587b344ee686']",
        "[x-tls-fingerprint:ja3 = 'g7d705a3286e19ea42f587b344ee6865']",
        "[x-tls-fingerprint:ja3s != 'ae4edc6faf64d08308082ad26be60767']",
        "[x-tls-fingerprint:ja4 LIKE 't13d%']",
        "[x-tls-fingerprint:ja4x = 'abc']",
        "[x-tls-fingerprint:ja4 = '']",
        "[x-tls-fingerprint:ja3 = 5]",
    };
    for (size_t k = 0; k < sizeof not_simple / sizeof not_simple[0]; k++) {
        p = parse(not_simple[k], NULL);
        assert_non_null(p);
        assert_false(stix_pattern_is_simple(p));
        stix_pattern_free(p);
    }
}

static void test_not_simple(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value != '1.2.3.5']",
        "[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS",
        "[ipv4-addr:value NOT = '1.2.3.4']",
        "[url:value LIKE 'http://%']",
        "[person:name = 'alice']",
        "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']",
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct stix_pattern *p = parse(cases[k], NULL);
        assert_non_null(p);
        size_t n = 9;
        assert_false(stix_pattern_is_simple(p));
        assert_null(stix_pattern_atoms(p, &n));
        assert_int_equal(n, 0);
        stix_pattern_free(p);
    }
}

static void test_counters(void **state)
{
    (void)state;
    struct stix_pattern_counters c;
    memset(&c, 0, sizeof c);
    struct stix_pattern *p = parse("[ipv4-addr:value = '10.0.0.0/8']", &c);
    assert_non_null(p);
    assert_int_equal(c.values[STIX_PC_NORM_CIDR_EQ], 1);
    assert_true(stix_pattern_normalisations(p) & (1u << STIX_PC_NORM_CIDR_EQ));
    stix_pattern_free(p);
    p = parse("[network-traffic:dst_port = '443']", &c);
    assert_int_equal(c.values[STIX_PC_NORM_QUOTED_NUMBER], 1);
    stix_pattern_free(p);
    p = parse("[domain-name:value = 'a.example' AND network-traffic:dst_port = 8080]", &c);
    assert_int_equal(c.values[STIX_PC_CROSS_TYPE_AND], 1);
    assert_true(stix_pattern_is_single_observation(p));
    stix_pattern_free(p);
    p = parse("[file:hashes.sha1 = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12']", &c);
    assert_int_equal(c.values[STIX_PC_NORM_HASH_KEY], 1);
    stix_pattern_free(p);
    assert_null(parse("[x:y = ", &c));
    assert_int_equal(c.values[STIX_PC_PARSE_SYNTAX], 1);
    assert_int_equal(c.values[STIX_PC_PARSE_OK], 4);
    struct counter_view v = stix_pattern_counters_view(&c);
    assert_int_equal(v.count, STIX_PATTERN_COUNTER_COUNT);
    assert_string_equal(v.names[STIX_PC_NORM_CIDR_EQ], "norm.cidr_with_eq");
}

static void test_not_evaluated(void **state)
{
    (void)state;
    struct stix_observation obs;
    stix_observation_init(&obs, 0);
    stix_observation_add_value_object(&obs, "ipv4-addr", "1.2.3.4");
    struct stix_pattern_counters c;
    memset(&c, 0, sizeof c);
    static const char *const cases[] = {
        "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.4']",
        "[ipv4-addr:value = '1.2.3.4'] REPEATS 2 TIMES",
        "[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS",
        "[ipv4-addr:value = '1.2.3.4'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
        "[ipv4-addr:value = '1.2.3.4'] AND [ipv4-addr:value = '1.2.3.4']",
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct stix_pattern *p = parse(cases[k], NULL);
        assert_non_null(p);
        assert_false(stix_pattern_is_single_observation(p));
        assert_int_equal(stix_pattern_eval(p, &obs, &c), STIX_EVAL_NOT_EVALUATED);
        stix_pattern_free(p);
    }
    assert_int_equal(c.values[STIX_PC_EVAL_NOT_EVALUATED], 5);
    struct stix_pattern *p = parse("[ipv4-addr:value = '1.2.3.4']", NULL);
    assert_int_equal(stix_pattern_eval(p, &obs, &c), STIX_EVAL_MATCH);
    stix_pattern_free(p);
    stix_observation_fini(&obs);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *s = malloc(2 * depth + 64);
    assert_non_null(s);
    size_t n = 0;
    for (size_t k = 0; k < depth; k++)
        s[n++] = '(';
    n += (size_t)sprintf(s + n, "[a:b = 1]");
    for (size_t k = 0; k < depth; k++)
        s[n++] = ')';
    struct stix_pattern_counters c;
    memset(&c, 0, sizeof c);
    struct stix_pattern_error err;
    assert_null(stix_pattern_parse_counted(s, n, &c, &err));
    assert_non_null(strstr(err.message, "nested too deeply"));
    assert_true(err.offset <= STIX_PATTERN_MAX_DEPTH + 1);
    assert_int_equal(c.values[STIX_PC_PARSE_TOO_DEEP], 1);
    /* The same inside brackets. */
    n = (size_t)sprintf(s, "[");
    for (size_t k = 0; k < depth; k++)
        s[n++] = '(';
    assert_null(stix_pattern_parse(s, n, &err));
    /* 60 levels are fine. */
    n = 0;
    for (size_t k = 0; k < 60; k++)
        s[n++] = '(';
    n += (size_t)sprintf(s + n, "[a:b = 1]");
    for (size_t k = 0; k < 60; k++)
        s[n++] = ')';
    struct stix_pattern *p = stix_pattern_parse(s, n, &err);
    assert_non_null(p);
    stix_pattern_free(p);
    free(s);
}

static void test_huge_pattern(void **state)
{
    (void)state;
    size_t len = 10u * 1024 * 1024;
    char *s = malloc(len);
    assert_non_null(s);
    size_t n = 0;
    const char *item = "[ipv4-addr:value = '10.0.0.1'] OR ";
    while (n + strlen(item) + 32 < len) {
        memcpy(s + n, item, strlen(item));
        n += strlen(item);
    }
    n += (size_t)sprintf(s + n, "[ipv4-addr:value = '10.0.0.2']");
    struct stix_pattern_counters c;
    memset(&c, 0, sizeof c);
    struct stix_pattern_error err;
    assert_null(stix_pattern_parse_counted(s, n, &c, &err));
    assert_non_null(strstr(err.message, "longer than"));
    assert_int_equal(c.values[STIX_PC_PARSE_TOO_LONG], 1);
    /* Just under the cap: a long OR chain parses, flat, and evaluates. */
    n = 0;
    while (n + strlen(item) + 32 < STIX_PATTERN_MAX_LEN) {
        memcpy(s + n, item, strlen(item));
        n += strlen(item);
    }
    n += (size_t)sprintf(s + n, "[ipv4-addr:value = '10.0.0.2']");
    struct stix_pattern *p = stix_pattern_parse(s, n, &err);
    assert_non_null(p);
    struct stix_observation obs;
    stix_observation_init(&obs, 0);
    stix_observation_add_value_object(&obs, "ipv4-addr", "10.0.0.2");
    assert_int_equal(stix_pattern_eval(p, &obs, NULL), STIX_EVAL_MATCH);
    stix_observation_fini(&obs);
    stix_pattern_free(p);
    free(s);
}

static void test_catastrophic_regex(void **state)
{
    (void)state;
    struct stix_observation obs;
    stix_observation_init(&obs, 0);
    size_t len = 100000;
    char *v = malloc(len + 2);
    assert_non_null(v);
    memset(v, 'a', len);
    v[len] = 'b';
    v[len + 1] = '\0';
    stix_observation_add_value_object(&obs, "url", v);
    struct stix_pattern_counters c;
    memset(&c, 0, sizeof c);
    struct stix_pattern *p = parse("[url:value MATCHES '(a+)+$']", &c);
    assert_non_null(p);
    /* '(a+)+$' on "aaaa...ab" backtracks exponentially: the limit stops it. */
    enum stix_eval_result r = stix_pattern_eval(p, &obs, &c);
    assert_int_equal(r, STIX_EVAL_ERROR);
    assert_int_equal(c.values[STIX_PC_EVAL_REGEX_LIMIT], 1);
    stix_pattern_free(p);
    /* A regex that does not compile: parse succeeds, evaluation is an error. */
    p = parse("[url:value MATCHES '(unclosed']", &c);
    assert_non_null(p);
    assert_int_equal(c.values[STIX_PC_BAD_REGEX], 1);
    assert_int_equal(stix_pattern_eval(p, &obs, &c), STIX_EVAL_ERROR);
    stix_pattern_free(p);
    stix_observation_fini(&obs);
    free(v);
}

static void test_observation_cap(void **state)
{
    (void)state;
    struct stix_observation obs;
    stix_observation_init(&obs, 16384);
    int rc = 0;
    for (int k = 0; k < 10000 && rc >= 0; k++)
        rc = stix_observation_add_value_object(&obs, "domain-name", "example.com");
    assert_true(rc < 0);
    assert_true(obs.is_failed);
    assert_true(obs.used_bytes <= 16384);
    struct stix_pattern *p = parse("[domain-name:value = 'example.com']", NULL);
    assert_int_equal(stix_pattern_eval(p, &obs, NULL), STIX_EVAL_ERROR);
    stix_observation_reset(&obs);
    stix_observation_add_value_object(&obs, "domain-name", "EXAMPLE.com");
    assert_int_equal(stix_pattern_eval(p, &obs, NULL), STIX_EVAL_MATCH);
    stix_pattern_free(p);
    stix_observation_fini(&obs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_position),  cmocka_unit_test(test_atoms_simple),
        cmocka_unit_test(test_not_simple),      cmocka_unit_test(test_counters),
        cmocka_unit_test(test_not_evaluated),   cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_pattern),    cmocka_unit_test(test_catastrophic_regex),
        cmocka_unit_test(test_observation_cap), cmocka_unit_test(test_atoms_tls_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
