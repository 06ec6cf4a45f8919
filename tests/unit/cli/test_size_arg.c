/* Unit tests for cli/size_arg.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/size_arg.h"

#include <cmocka.h>

static void test_plain_and_suffixes(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(size_arg_parse("4096", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(size_arg_parse("64K", &v), 0);
    assert_int_equal(v, 64u << 10);
    assert_int_equal(size_arg_parse("128M", &v), 0);
    assert_int_equal(v, 128u << 20);
    assert_int_equal(size_arg_parse("2g", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(size_arg_parse("1TiB", &v), 0);
    assert_int_equal(v, 1ull << 40);
    assert_int_equal(size_arg_parse("10MB", &v), 0);
    assert_int_equal(v, 10u << 20);
}

static void test_rejects(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(size_arg_parse("", &v), -EINVAL);
    assert_int_equal(size_arg_parse("-1", &v), -EINVAL);
    assert_int_equal(size_arg_parse("M", &v), -EINVAL);
    assert_int_equal(size_arg_parse("12Q", &v), -EINVAL);
    assert_int_equal(size_arg_parse("12 M", &v), -EINVAL);
    assert_int_equal(size_arg_parse("99999999999999999999", &v), -ERANGE);
    assert_int_equal(size_arg_parse("17000000000T", &v), -ERANGE);
    assert_int_equal(size_arg_parse(NULL, &v), -EINVAL);
    assert_int_equal(v, 7); /* untouched on failure */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_suffixes),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
