/* http_tests.h — the test groups of test_http, one per file. */
#ifndef HRADBA_TESTS_HTTP_TESTS_H
#define HRADBA_TESTS_HTTP_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

int http_run_hostile_tests(void);
int http_run_eve_tests(void);

#endif
