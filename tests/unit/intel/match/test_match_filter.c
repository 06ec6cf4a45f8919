/* Unit tests for intel/match/match_filter.c and the cover maps of
 * match_prefix.c (internal structures, through match_layout.h): no false
 * negative ever, and a false-positive rate near the one docs/intel.md states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_hash.h"
#include "intel/match/match_layout.h"

#include <cmocka.h>

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_filter_empty(void **state)
{
    (void)state;
    struct match_filter f;
    assert_int_equal(match_filter_init(&f, 0), 0);
    assert_int_equal(f.line_count, 0);
    assert_int_equal(match_filter_bytes(&f), 0);
    for (int i = 0; i < 100; i++)
        assert_false(match_filter_maybe(&f, rnd()));
    match_filter_prefetch(&f, 1);
    match_filter_fini(&f);
    match_filter_fini(&f); /* twice is harmless */
}

/* Every added hash passes; random others pass at about the stated rate. */
static void check_filter(uint64_t keys)
{
    struct match_filter f;
    assert_int_equal(match_filter_init(&f, keys), 0);
    assert_true(f.line_count * 512 >= keys * MATCH_FILTER_BITS);
    assert_true(((uintptr_t)f.lines & 63) == 0);
    uint64_t *added = malloc(keys * sizeof(*added));
    assert_non_null(added);
    for (uint64_t i = 0; i < keys; i++) {
        added[i] = match_hash_u32(0x1234, (uint32_t)i);
        match_filter_add(&f, added[i]);
    }
    for (uint64_t i = 0; i < keys; i++)
        assert_true(match_filter_maybe(&f, added[i]));
    uint64_t probes = 1000000, passed = 0;
    for (uint64_t i = 0; i < probes; i++)
        passed += match_filter_maybe(&f, match_hash_u32(0x5678, (uint32_t)i));
    double rate = (double)passed / (double)probes;
    print_message("%llu keys, %llu lines: false positives %.3f%%\n", (unsigned long long)keys,
                  (unsigned long long)f.line_count, 100 * rate);
    /* 12 bits per key, one bit in each of 8 words: about 0.42% (0.2% for
     * sets of a line or two, which round up). */
    assert_true(rate < 0.0075);
    free(added);
    match_filter_fini(&f);
}

static void test_filter_rates(void **state)
{
    (void)state;
    check_filter(1);
    check_filter(37);
    check_filter(100000);
    check_filter(1000000);
}

/* Line and bit choice use disjoint halves of the hash: keys that share a
 * line still get independent bits. */
static void test_filter_same_line(void **state)
{
    (void)state;
    struct match_filter f;
    assert_int_equal(match_filter_init(&f, 1000), 0);
    uint64_t hi = rnd() & 0xffffffff00000000ull;
    for (uint32_t lo = 0; lo < 40; lo++)
        match_filter_add(&f, hi | match_hash_u32(9, lo) >> 32);
    for (uint32_t lo = 0; lo < 40; lo++)
        assert_true(match_filter_maybe(&f, hi | match_hash_u32(9, lo) >> 32));
    match_filter_fini(&f);
}

/* The cover map of random v4 prefixes: every address inside a prefix has its
 * bit, and so does none far from every prefix. */
static void test_cover_map(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct match_prefix_rec *recs = calloc(N, sizeof(*recs));
    struct match_prefix_rec *copy = calloc(N, sizeof(*copy));
    assert_non_null(recs);
    assert_non_null(copy);
    for (size_t i = 0; i < N; i++) {
        uint32_t len = 8 + (uint32_t)(rnd() % 25); /* /8 .. /32 */
        uint32_t net = (uint32_t)rnd() & (uint32_t)(UINT32_MAX << (32 - len));
        if (i % 1000 == 0) { /* the last /24 */
            len = 24;
            net = UINT32_MAX << 8;
        }
        recs[i] = (struct match_prefix_rec){{(uint64_t)net << 32, 0}, (uint32_t)i, len};
    }
    memcpy(copy, recs, N * sizeof(*recs));
    struct match_prefix p;
    struct match_pool pool = {0};
    assert_int_equal(match_prefix_build(&p, &pool, recs, N, 32), 0);
    assert_true(p.cover_bits >= 12 && p.cover_bits <= 24);
    assert_int_equal(match_prefix_cover_bytes(&p), ((uint64_t)1 << p.cover_bits) / 8);
    for (size_t i = 0; i < N; i++) {
        uint32_t net = (uint32_t)(copy[i].net.hi >> 32);
        uint32_t span = copy[i].len == 32 ? 0 : UINT32_MAX >> copy[i].len;
        assert_true(match_prefix_cover4(&p, net));
        assert_true(match_prefix_cover4(&p, net + span));
        assert_true(match_prefix_cover4(&p, net + (uint32_t)(rnd() & span)));
    }
    match_prefix_fini(&p);
    /* no prefixes: no map, nothing covered */
    assert_int_equal(match_prefix_build(&p, &pool, recs, 0, 32), 0);
    assert_false(match_prefix_cover4(&p, 0));
    assert_false(match_prefix_cover6(&p, 0));
    assert_int_equal(match_prefix_cover_bytes(&p), 0);
    match_prefix_fini(&p);
    match_pool_fini(&pool);
    free(recs);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_empty),
        cmocka_unit_test(test_filter_rates),
        cmocka_unit_test(test_filter_same_line),
        cmocka_unit_test(test_cover_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
