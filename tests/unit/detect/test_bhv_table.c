/* test_bhv_table.c — the bounded detector table: lookups, eviction at the
 * cap, walks that remove, ageing, and saved state that survives a restart
 * or is refused when damaged. Also bhv_name_key. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect/bhv.h"
#include "detect/bhv_table.h"

#include <cmocka.h>

struct val {
    uint64_t n;
    double x;
};

static struct bhv_table *table(size_t max)
{
    struct bhv_table_config cfg = {"test.pairs", sizeof(uint32_t), sizeof(struct val), max};
    struct bhv_table *t = bhv_table_new(&cfg);
    assert_non_null(t);
    return t;
}

static void test_insert_find_remove(void **state)
{
    (void)state;
    struct bhv_table *t = table(1000);
    for (uint32_t k = 0; k < 1000; k++) {
        bool is_new = false;
        struct val *v = bhv_table_get(t, &k, k, &is_new);
        assert_true(is_new);
        assert_int_equal(v->n, 0);
        v->n = k * 3;
    }
    assert_int_equal(bhv_table_count(t), 1000);
    for (uint32_t k = 0; k < 1000; k += 2)
        assert_true(bhv_table_remove(t, &k));
    uint32_t k = 0;
    assert_false(bhv_table_remove(t, &k));
    assert_int_equal(bhv_table_count(t), 500);
    for (k = 0; k < 1000; k++) {
        struct val *v = bhv_table_find(t, &k);
        if (k % 2) {
            assert_non_null(v);
            assert_int_equal(v->n, k * 3);
        } else {
            assert_null(v);
        }
    }
    assert_int_equal(bhv_table_evictions(t), 0);
    bhv_table_free(t);
}

/* A million distinct keys through a table of 1000: never more than 1000
 * entries, every eviction counted, and the recently touched survive far
 * more often than the stale. */
static void test_bounded_with_lru(void **state)
{
    (void)state;
    struct bhv_table *t = table(1000);
    size_t mem = bhv_table_memory(t);
    uint32_t hot = 0xffffffffu;
    for (uint32_t k = 0; k < 1000000; k++) {
        bhv_table_get(t, &k, k, NULL);
        bhv_table_get(t, &hot, k, NULL); /* touched every time */
        assert_true(bhv_table_count(t) <= 1000);
    }
    assert_non_null(bhv_table_find(t, &hot));
    assert_int_equal(bhv_table_evictions(t), 1000001 - 1000);
    assert_int_equal(bhv_table_memory(t), mem);
    /* Of the survivors, most are recent: sampled LRU keeps the young. */
    size_t cursor = 0, young = 0;
    const void *key;
    uint64_t touched;
    while (bhv_table_next(t, &cursor, &key, NULL, &touched))
        young += touched > 1000000 - 5000;
    assert_true(young > 900);
    bhv_table_free(t);
}

static void test_walk_remove_and_expire(void **state)
{
    (void)state;
    struct bhv_table *t = table(64);
    for (uint32_t k = 0; k < 64; k++)
        bhv_table_get(t, &k, k, NULL);
    size_t cursor = 0, seen = 0;
    const void *key;
    while (bhv_table_next(t, &cursor, &key, NULL, NULL)) {
        uint32_t k;
        memcpy(&k, key, sizeof(k));
        seen++;
        if (k % 3 == 0)
            assert_true(bhv_table_remove(t, &k));
    }
    assert_int_equal(seen, 64);
    assert_int_equal(bhv_table_count(t), 64 - 22);
    assert_int_equal(bhv_table_expire(t, 32), 21); /* 1..31 not divisible by 3 */
    for (uint32_t k = 0; k < 64; k++)
        assert_true((bhv_table_find(t, &k) != NULL) == (k >= 32 && k % 3 != 0));
    bhv_table_free(t);
}

static FILE *saved(struct bhv_table *t)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(bhv_table_save(t, fp), 0);
    rewind(fp);
    return fp;
}

static void test_save_load(void **state)
{
    (void)state;
    struct bhv_table *t = table(100);
    for (uint32_t k = 0; k < 50; k++) {
        struct val *v = bhv_table_get(t, &k, 1000 + k, NULL);
        v->n = k;
        v->x = k / 2.0;
    }
    FILE *fp = saved(t);
    struct bhv_table *u = table(100);
    char err[128];
    assert_int_equal(bhv_table_load(u, fp, err, sizeof(err)), 0);
    assert_int_equal(bhv_table_count(u), 50);
    for (uint32_t k = 0; k < 50; k++) {
        struct val *v = bhv_table_find(u, &k);
        assert_non_null(v);
        assert_int_equal(v->n, k);
        assert_true(v->x == k / 2.0);
    }
    /* Touch times come back too: expiring by them works after a restart. */
    assert_int_equal(bhv_table_expire(u, 1010), 10);
    fclose(fp);

    /* Another layout is refused, not misread. */
    struct bhv_table_config other = {"test.pairs", sizeof(uint64_t), sizeof(struct val), 100};
    struct bhv_table *w = bhv_table_new(&other);
    fp = saved(t);
    assert_int_equal(bhv_table_load(w, fp, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "older layout"));
    assert_int_equal(bhv_table_count(w), 0);
    fclose(fp);
    bhv_table_free(w);
    bhv_table_free(u);
    bhv_table_free(t);
}

static FILE *copy_damaged(FILE *src, long cut_at, long flip_at)
{
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf), src);
    FILE *fp = tmpfile();
    if (flip_at >= 0)
        buf[flip_at] ^= 0x40;
    fwrite(buf, 1, cut_at >= 0 ? (size_t)cut_at : n, fp);
    rewind(fp);
    return fp;
}

static void test_damaged_state(void **state)
{
    (void)state;
    struct bhv_table *t = table(100);
    for (uint32_t k = 0; k < 20; k++)
        ((struct val *)bhv_table_get(t, &k, k, NULL))->n = k;
    char err[128];

    /* Cut in the middle of the entries: those before the cut are kept. */
    FILE *src = saved(t);
    FILE *fp = copy_damaged(src, 200, -1);
    struct bhv_table *u = table(100);
    assert_int_equal(bhv_table_load(u, fp, err, sizeof(err)), -EIO);
    assert_non_null(strstr(err, "ends early"));
    assert_true(bhv_table_count(u) > 0 && bhv_table_count(u) < 20);
    fclose(fp);
    bhv_table_free(u);

    /* One flipped bit in a value: nothing is kept. */
    rewind(src);
    fp = copy_damaged(src, -1, 300);
    u = table(100);
    assert_int_equal(bhv_table_load(u, fp, err, sizeof(err)), -EIO);
    assert_non_null(strstr(err, "checksum"));
    assert_int_equal(bhv_table_count(u), 0);
    fclose(fp);
    bhv_table_free(u);

    /* Not state at all. */
    fp = tmpfile();
    fputs("hello, world: this is not a table\n", fp);
    rewind(fp);
    u = table(100);
    assert_int_equal(bhv_table_load(u, fp, err, sizeof(err)), -EINVAL);
    fclose(fp);
    bhv_table_free(u);
    fclose(src);
    bhv_table_free(t);
}

/* Clearing, small (entry by entry) and full (all slots): nothing is left
 * findable, and the table fills again. */
static void test_clear(void **state)
{
    (void)state;
    struct bhv_table *t = table(4096);
    for (int round = 0; round < 2; round++) {
        uint32_t n = round ? 4000 : 10;
        for (uint32_t k = 0; k < n; k++)
            bhv_table_get(t, &k, k, NULL);
        bhv_table_clear(t);
        assert_int_equal(bhv_table_count(t), 0);
        for (uint32_t k = 0; k < n; k++)
            assert_null(bhv_table_find(t, &k));
    }
    uint32_t k = 7;
    bhv_table_get(t, &k, 1, NULL);
    assert_non_null(bhv_table_find(t, &k));
    bhv_table_free(t);
}

/* A detector's tables load all or nothing: the second one damaged leaves
 * the first empty too. */
static void test_tables_all_or_nothing(void **state)
{
    (void)state;
    struct bhv_table *a = table(100), *b = table(100);
    for (uint32_t k = 0; k < 20; k++) {
        bhv_table_get(a, &k, k, NULL);
        bhv_table_get(b, &k, k, NULL);
    }
    struct bhv_table *const both[] = {a, b};
    FILE *fp = tmpfile();
    assert_int_equal(bhv_tables_save(both, 2, fp), 0);
    long size = ftell(fp);
    rewind(fp);
    struct bhv_table *c = table(100), *d = table(100);
    struct bhv_table *const again[] = {c, d};
    char err[128];
    assert_int_equal(bhv_tables_load(again, 2, fp, err, sizeof(err)), 0);
    assert_int_equal(bhv_table_count(c) + bhv_table_count(d), 40);
    /* Cut inside the second table. */
    rewind(fp);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf), fp);
    assert_int_equal((long)n, size);
    FILE *cut = tmpfile();
    fwrite(buf, 1, n - 40, cut);
    rewind(cut);
    assert_int_equal(bhv_tables_load(again, 2, cut, err, sizeof(err)), -EIO);
    assert_int_equal(bhv_table_count(c) + bhv_table_count(d), 0);
    fclose(cut);
    fclose(fp);
    bhv_table_free(a);
    bhv_table_free(b);
    bhv_table_free(c);
    bhv_table_free(d);
}

static void test_name_key(void **state)
{
    (void)state;
    char a[32], b[32];
    bhv_name_key(a, sizeof(a), "Example.COM");
    bhv_name_key(b, sizeof(b), "example.com");
    assert_memory_equal(a, b, sizeof(a));
    assert_string_equal(a, "example.com");
    /* Long names sharing a prefix stay apart; the same long name is stable. */
    const char *l1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1.example.com";
    const char *l2 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2.example.com";
    bhv_name_key(a, sizeof(a), l1);
    bhv_name_key(b, sizeof(b), l2);
    assert_memory_not_equal(a, b, sizeof(a));
    bhv_name_key(b, sizeof(b), l1);
    assert_memory_equal(a, b, sizeof(a));
    assert_int_equal(strlen(a), sizeof(a) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_find_remove),     cmocka_unit_test(test_bounded_with_lru),
        cmocka_unit_test(test_walk_remove_and_expire), cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_damaged_state),          cmocka_unit_test(test_clear),
        cmocka_unit_test(test_tables_all_or_nothing),  cmocka_unit_test(test_name_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
