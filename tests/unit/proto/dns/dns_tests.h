/* dns_tests.h — the test groups of test_dns, one per file. */
#ifndef HRADBA_TESTS_DNS_TESTS_H
#define HRADBA_TESTS_DNS_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

int dns_run_hostile_tests(void);
int dns_run_eve_tests(void);

#endif
