/* test_quic.c — runs every group of the QUIC unit tests. */
#include "quic_tests.h"

int main(void)
{
    int failed = 0;
    failed += quic_initial_tests();
    failed += quic_parser_tests();
    failed += quic_hostile_tests();
    return failed ? 1 : 0;
}
