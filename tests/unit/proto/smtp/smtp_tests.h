/* smtp_tests.h — the cmocka cases of test_smtp, by file. */
#ifndef HRADBA_TESTS_SMTP_TESTS_H
#define HRADBA_TESTS_SMTP_TESTS_H

void test_hostile_long_command_line(void **state);
void test_hostile_long_body_line(void **state);
void test_hostile_long_header(void **state);
void test_hostile_deep_nesting(void **state);
void test_hostile_broken_base64(void **state);
void test_hostile_boundary_unclosed(void **state);
void test_hostile_many_recipients(void **state);
void test_hostile_bdat_overflow(void **state);
void test_hostile_many_pending(void **state);
void test_hostile_many_urls(void **state);
void test_hostile_many_attachments(void **state);
void test_hostile_gap_in_data(void **state);
void test_hostile_data_after_starttls(void **state);

#endif
