/* test_label_stats.c — the detector's two building blocks on their own: the
 * distinct-count sketch (HyperLogLog) within its error at every scale, and
 * the name measures — escapes read as octets, words low, random labels and
 * binary data high. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/siphash.h"
#include "detect/dns_tunnel/distinct_count.h"
#include "detect/dns_tunnel/label_stats.h"

#include <cmocka.h>

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_text(char *out, size_t len, const char *alphabet)
{
    size_t n = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[rnd() % n];
    out[len] = '\0';
}

static const char hex[] = "0123456789abcdef";
static const char letters[] = "abcdefghijklmnopqrstuvwxyz";

/* HyperLogLog: within its error at every scale, exact-ish when small. */
static void test_distinct_count(void **state)
{
    (void)state;
    static const uint64_t key[2] = {1, 2};
    static const uint32_t sizes[] = {1, 10, 50, 100, 300, 1000, 10000, 100000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
        struct distinct_count dc;
        memset(&dc, 0, sizeof(dc));
        assert_true(distinct_count_estimate(&dc) == 0.0);
        for (uint32_t i = 0; i < sizes[k]; i++) {
            uint64_t h = siphash24(key, &i, sizeof(i));
            distinct_count_add(&dc, h);
            distinct_count_add(&dc, h); /* repeats do not count */
        }
        double e = distinct_count_estimate(&dc), n = sizes[k];
        double tol = n <= 300 ? 0.1 * n + 1 : 0.3 * n; /* linear counting, then ~3 sigma */
        if (fabs(e - n) > tol)
            fail_msg("%u distinct: estimate %.1f", sizes[k], e);
    }
}

/* Words score low, random labels high, binary data highest. */
static void test_label_stats(void **state)
{
    (void)state;
    struct label_stats ls;
    const char *text = "WwW.Ex\\303\\244mple.\\t-_";
    label_stats_measure(text, strlen(text), &ls);
    assert_int_equal(ls.labels, 3);
    assert_int_equal(ls.octets, 3 + 8 + 3);
    assert_int_equal(ls.max_label, 8);
    assert_int_equal(ls.other, 3); /* two octets of UTF-8 and a tab */
    static const char *const words[] = {"google",  "facebook", "wikipedia", "amazon",  "netflix",
                                        "weather", "support",  "microsoft", "youtube", "mail"};
    double sum = 0;
    for (size_t i = 0; i < 10; i++) {
        label_stats_measure(words[i], strlen(words[i]), &ls);
        sum += label_stats_randomness(&ls);
    }
    assert_true(sum / 10 < 0.2);
    char label[64];
    sum = 0;
    for (int i = 0; i < 200; i++) {
        random_text(label, 12, letters);
        label_stats_measure(label, 12, &ls);
        sum += label_stats_randomness(&ls);
    }
    assert_true(sum / 200 > 0.4);
    random_text(label, 50, hex);
    label_stats_measure(label, 50, &ls);
    assert_true(label_stats_randomness(&ls) > 0.7);
    assert_true(ls.entropy > 3.5 && ls.entropy <= 4.0);
    text = "ab\\377\\376\\375cd\\001";
    label_stats_measure(text, strlen(text), &ls);
    assert_true(label_stats_randomness(&ls) == 1.0);
    label_stats_measure("", 0, &ls);
    assert_true(label_stats_randomness(&ls) == 0.0);
    label_stats_measure("\\", 1, &ls); /* a lone escape */
    label_stats_measure("\\1", 2, &ls);
    assert_int_equal(ls.octets, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distinct_count),
        cmocka_unit_test(test_label_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
