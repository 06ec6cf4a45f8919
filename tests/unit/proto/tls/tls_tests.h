/* tls_tests.h — the test groups of test_tls, one per file. */
#ifndef HRADBA_TESTS_TLS_TESTS_H
#define HRADBA_TESTS_TLS_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

int tls_run_hostile_tests(void);
int tls_run_eve_tests(void);

#endif
