/* imap_tests.h — the IMAP test groups, run from test_imap.c's main. */
#ifndef HRADBA_TESTS_IMAP_TESTS_H
#define HRADBA_TESTS_IMAP_TESTS_H

#include <stddef.h>

#include "mail_test_util.h"

extern const char *imap_sessions_dir;
void imap_run_init(struct mail_run *r, size_t split);

void test_hostile_long_line(void **state);
void test_hostile_huge_literal(void **state);
void test_hostile_pipeline(void **state);
void test_hostile_fetch_past_flow(void **state);
void test_hostile_nul_and_garbage(void **state);
void test_hostile_starttls_injection(void **state);
void test_hostile_gap(void **state);

#define IMAP_HOSTILE_TESTS                                                                         \
    cmocka_unit_test(test_hostile_long_line), cmocka_unit_test(test_hostile_huge_literal),         \
        cmocka_unit_test(test_hostile_pipeline), cmocka_unit_test(test_hostile_fetch_past_flow),   \
        cmocka_unit_test(test_hostile_nul_and_garbage),                                            \
        cmocka_unit_test(test_hostile_starttls_injection), cmocka_unit_test(test_hostile_gap)

#endif
