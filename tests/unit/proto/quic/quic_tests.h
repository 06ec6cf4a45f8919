/* quic_tests.h — the groups of the QUIC unit test program. */
#ifndef HRADBA_TESTS_QUIC_TESTS_H
#define HRADBA_TESTS_QUIC_TESTS_H

int quic_initial_tests(void);
int quic_parser_tests(void);
int quic_hostile_tests(void);

#endif
