/* bhv_test.h — small helpers the detector tests share: addresses to feed
 * and a detector's counter by name. Header-only, for cmocka test programs. */
#ifndef HRADBA_TESTS_DETECT_BHV_TEST_H
#define HRADBA_TESTS_DETECT_BHV_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/counter.h"
#include "detect/bhv.h"

#include <cmocka.h>

static inline struct bhv_ip bhv_test_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct bhv_ip ip;
    memset(&ip, 0, sizeof(ip));
    ip.family = 4;
    ip.b[0] = a;
    ip.b[1] = b;
    ip.b[2] = c;
    ip.b[3] = d;
    return ip;
}

/* The counter called name in v, which must be section's; a missing name
 * fails the test. */
static inline uint64_t bhv_test_counter(struct counter_view v, const char *section,
                                        const char *name)
{
    assert_string_equal(v.section, section);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s in %s", name, section);
    return 0;
}

#endif
