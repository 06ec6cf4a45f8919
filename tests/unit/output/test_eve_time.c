/* test_eve_time.c — EVE timestamps for known dates (leap days, century
 * rules, the clamp) and against gmtime_r over a sweep of instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/eve_time.h"

#include <cmocka.h>

static void check(uint64_t ts_us, const char *want)
{
    char out[EVE_TIME_LEN];
    memset(out, 'x', sizeof(out));
    size_t n = eve_time_format(ts_us, out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    assert_int_equal(n, EVE_TIME_LEN - 1);
}

static void test_known_dates(void **state)
{
    (void)state;
    check(0, "1970-01-01T00:00:00.000000+0000");
    check(1, "1970-01-01T00:00:00.000001+0000");
    check(UINT64_C(94694399) * 1000000 + 999999, "1972-12-31T23:59:59.999999+0000"); /* leap */
    check(UINT64_C(951782400) * 1000000, "2000-02-29T00:00:00.000000+0000"); /* 400-year leap */
    check(UINT64_C(1692825579496964), "2023-08-23T21:19:39.496964+0000");
    check(UINT64_C(1709251199999999), "2024-02-29T23:59:59.999999+0000");
    check(UINT64_C(1709251200) * 1000000, "2024-03-01T00:00:00.000000+0000");
    check(UINT64_C(4107456000) * 1000000, "2100-02-28T00:00:00.000000+0000");
    check(UINT64_C(4107542400) * 1000000, "2100-03-01T00:00:00.000000+0000"); /* no Feb 29 */
    check(UINT64_C(253402300799999999), "9999-12-31T23:59:59.999999+0000");
    check(UINT64_C(253402300800000000), "9999-12-31T23:59:59.999999+0000"); /* clamped */
    check(UINT64_MAX, "9999-12-31T23:59:59.999999+0000");
}

static void test_against_gmtime(void **state)
{
    (void)state;
    /* Deterministic sweep: every ~11.6 days for 400 years, plus odd offsets. */
    uint64_t x = 88172645463325252ull;
    for (uint64_t s = 0; s < UINT64_C(12622780800); s += 1000003) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t secs = s + x % 86400;
        time_t tt = (time_t)secs;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        char want[64];
        snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (unsigned)(x % 1000000));
        char out[EVE_TIME_LEN];
        eve_time_format(secs * 1000000 + x % 1000000, out);
        if (strcmp(out, want) != 0)
            fail_msg("%llu: got %s want %s", (unsigned long long)secs, out, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_against_gmtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
