/* Unit tests for core/pool.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/pool.h"

#include <cmocka.h>

static void test_get_put_reuse(void **state)
{
    (void)state;
    struct pool *p = pool_new(40, 1 << 20);
    assert_non_null(p);
    unsigned char *a = pool_get(p);
    unsigned char *b = pool_get(p);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    memset(a, 0xab, 40);
    pool_put(p, a);
    unsigned char *c = pool_get(p);
    assert_ptr_equal(c, a); /* the freed object comes back first */
    for (int i = 0; i < 40; i++)
        assert_int_equal(c[i], 0); /* and zeroed */
    assert_int_equal(pool_stats(p)->in_use, 2);
    assert_int_equal(pool_stats(p)->in_use_max, 2);
    pool_put(p, NULL);
    pool_free(p);
}

static void test_cap_refuses_and_counts(void **state)
{
    (void)state;
    struct pool *p = pool_new(1000, 64 * 1024); /* exactly one slab */
    assert_non_null(p);
    size_t n = 0;
    void *objs[100];
    while (n < 100 && (objs[n] = pool_get(p)) != NULL)
        n++;
    assert_true(n > 30 && n < 100);
    assert_int_equal(pool_stats(p)->exhausted, 1);
    assert_int_equal(pool_stats(p)->bytes, 64 * 1024);
    pool_put(p, objs[0]);
    assert_non_null(pool_get(p)); /* room again after a put */
    pool_free(p);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    assert_null(pool_new(0, 1 << 20));
    assert_null(pool_new(1 << 20, 1 << 30));
    struct pool *p = pool_new(8, 0); /* no room at all */
    assert_non_null(p);
    assert_null(pool_get(p));
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put_reuse),
        cmocka_unit_test(test_cap_refuses_and_counts),
        cmocka_unit_test(test_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
