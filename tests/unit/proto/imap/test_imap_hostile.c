/* test_imap_hostile.c — hostile IMAP input: each case ends in a named
 * anomaly, the parser keeps going where it can, and memory stays bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap_tests.h"
#include "mail_test_util.h"

#include <cmocka.h>

/* Two line buffers at their cap and the state: nothing grows past this. */
enum { IMAP_TEST_MEM_MAX = 2 * 8192 + 16384 };

void test_hostile_long_line(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    char *line = malloc(n + 64);
    assert_non_null(line);
    memcpy(line, "a1 LOGIN ", 9);
    memset(line + 9, 'A', n - 9);
    memcpy(line + n, " x\r\na2 LOGIN bob x\r\n", 21);
    for (size_t split = 0; split <= 1000; split += 1000) {
        struct mail_run r;
        imap_run_init(&r, split);
        mail_run_start(&r);
        mail_run_feed(&r, FLOW_TOSERVER, line, strlen(line));
        mail_run_end(&r);
        assert_true(mail_run_has_anomaly(&r, "line_too_long"));
        assert_int_equal(mail_run_u64(&r, "commands"), 2);
        assert_string_equal(mail_run_str(&r, "user"), "bob");
        assert_true(r.max_mem < IMAP_TEST_MEM_MAX);
        mail_run_fini(&r);
    }
    free(line);
}

void test_hostile_huge_literal(void **state)
{
    (void)state;
    /* Above 2^32 and above IMAP_LITERAL_MAX: not skipped, so the next
     * command is still seen; a marker too long for the tail, likewise. */
    const struct mail_step steps[] = {
        {FLOW_TOSERVER, "a1 APPEND INBOX {4294967296}\r\n", 0, 0},
        {FLOW_TOSERVER, "a2 LOGIN bob x\r\n", 0, 0},
        {FLOW_TOCLIENT, "* 1 FETCH (BODY[] {99999999999999999999999999999999999999})\r\n", 0, 0},
        {FLOW_TOCLIENT, "a2 OK\r\n", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, 4);
    assert_true(mail_run_has_anomaly(&r, "literal_too_large"));
    assert_string_equal(mail_run_str(&r, "user"), "bob");
    assert_true(json_is_true(mail_run_get(&r, "auth_success")));
    assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 0);
    mail_run_fini(&r);
}

void test_hostile_pipeline(void **state)
{
    (void)state;
    enum { N = 10000 };
    char *cli = malloc(N * 24), *srv = malloc(N * 24);
    assert_non_null(cli);
    assert_non_null(srv);
    size_t cl = 0, sl = 0;
    for (int i = 0; i < N; i++) {
        cl += (size_t)sprintf(cli + cl, "t%d NOOP\r\n", i);
        sl += (size_t)sprintf(srv + sl, "t%d OK\r\n", i);
    }
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOSERVER, cli, cl);
    mail_run_feed(&r, FLOW_TOCLIENT, srv, sl);
    mail_run_end(&r);
    assert_int_equal(mail_run_u64(&r, "commands"), N);
    assert_true(mail_run_has_anomaly(&r, "too_many_pending"));
    assert_true(mail_run_has_anomaly(&r, "response_tag_unknown"));
    assert_int_equal(r.anomaly_count, 2); /* each kind once; the count has all */
    assert_true(mail_run_u64(&r, "anomalies") >= 2 * (N - 32));
    assert_true(r.max_mem < IMAP_TEST_MEM_MAX);
    mail_run_fini(&r);
    free(cli);
    free(srv);
}

void test_hostile_fetch_past_flow(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOSERVER, "a1 FETCH 1 BODY[]\r\n", 0, 0},
        {FLOW_TOCLIENT, "* 1 FETCH (BODY[] {1000000}\r\nFrom: x\r\n\r\nbody", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, 2);
    assert_true(mail_run_has_anomaly(&r, "literal_truncated"));
    assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
    assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 15); /* what was carried */
    mail_run_fini(&r);
}

void test_hostile_nul_and_garbage(void **state)
{
    (void)state;
    static const char nul[] = "a1 LOGIN bo\0b x\r\n";
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOSERVER, nul, sizeof(nul) - 1);
    mail_run_end(&r);
    assert_true(mail_run_has_anomaly(&r, "nul_byte"));
    assert_string_equal(mail_run_str(&r, "user"), "bo"); /* cut at the NUL */
    mail_run_fini(&r);

    /* Pseudo-random bytes both ways (fixed seed, xorshift). */
    uint8_t junk[8192];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (uint8_t)x;
    }
    imap_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOCLIENT, junk, sizeof(junk));
    mail_run_feed(&r, FLOW_TOSERVER, junk, sizeof(junk));
    mail_run_end(&r);
    assert_int_equal(r.record_count, 1);
    assert_true(mail_run_has_anomaly(&r, "response_invalid") ||
                mail_run_has_anomaly(&r, "response_tag_unknown"));
    assert_true(r.max_mem < IMAP_TEST_MEM_MAX);
    mail_run_fini(&r);
}

void test_hostile_starttls_injection(void **state)
{
    (void)state;
    /* CVE-2011-0411 pattern: a command pipelined behind STARTTLS. */
    const struct mail_step cli[] = {
        {FLOW_TOSERVER, "a1 STARTTLS\r\na2 LOGIN bob x\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 OK go\r\n", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, cli, 2);
    assert_true(mail_run_has_anomaly(&r, "data_after_starttls"));
    assert_int_equal(r.result, APP_SWITCH_TLS);
    assert_null(mail_run_str(&r, "user"));
    mail_run_fini(&r);
    /* CVE-2021-33515 pattern: plaintext after the server's OK. */
    const struct mail_step srv[] = {
        {FLOW_TOSERVER, "a1 STARTTLS\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 OK go\r\n* OK [CAPABILITY IMAP4rev1] injected\r\n", 0, 0},
    };
    imap_run_init(&r, 0);
    mail_run_steps(&r, srv, 2);
    assert_true(mail_run_has_anomaly(&r, "data_after_starttls"));
    assert_int_equal(r.result, APP_SWITCH_TLS);
    mail_run_fini(&r);
}

void test_hostile_gap(void **state)
{
    (void)state;
    /* A hole inside a literal keeps the framing; one in a line drops that
     * line only. Loss is not an anomaly. */
    const struct mail_step steps[] = {
        {FLOW_TOSERVER, "a1 FETCH 1 BODY[]\r\na2 LOGOUT\r\n", 0, 0},
        {FLOW_TOCLIENT, "* 1 FETCH (BODY[] {100}\r\n0123456789", 0, 0},
        {FLOW_TOCLIENT, NULL, 0, 80},
        {FLOW_TOCLIENT, "0123456789)\r\na1 OK\r\n* 2 EXPU", 0, 0},
        {FLOW_TOCLIENT, NULL, 0, 5},
        {FLOW_TOCLIENT, "NGE\r\na2 OK bye\r\n", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, 6);
    assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
    assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 100);
    assert_int_equal(mail_run_u64(&r, "messages_deleted"), 0);
    assert_true(json_is_true(mail_run_get(&r, "logout")));
    assert_int_equal(r.anomaly_count, 0);
    mail_run_fini(&r);
}
