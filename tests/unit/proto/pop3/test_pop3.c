/* test_pop3.c — the POP3 parser on the shared captures (user names and
 * commands as tshark reads them, message sizes as the servers' own LIST
 * answers state them), scripted features, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_test_util.h"
#include "proto/pop3/pop3_eve.h"
#include "proto/pop3/pop3_parser.h"

#include <cmocka.h>

static const char *sessions_dir = "sessions";

static void pop3_format(struct json_buf *b, const void *record)
{
    pop3_eve_format(b, record);
}

static void pop3_run_init(struct mail_run *r, size_t split)
{
    memset(r, 0, sizeof(*r));
    r->parser = &pop3_parser;
    r->type = APP_RECORD_POP3;
    r->key = "pop3";
    r->format = pop3_format;
    r->split = split;
}

static void pop3_run_session(struct mail_run *r, const char *name, size_t split)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", sessions_dir, name);
    pop3_run_init(r, split);
    mail_run_file(r, path);
}

/* nDPI pop3.pcap stream 0: tshark: USER cicciopernacchio@mail.com, PASS,
 * LIST, UIDL, RETR 2, QUIT; the server's LIST gives message 2 as 1476
 * octets, which the dot-unstuffed RETR body must match. */
static void test_capture_ndpi_user(void **state)
{
    (void)state;
    for (size_t split = 0; split < 4; split++) {
        struct mail_run r;
        pop3_run_session(&r, "nDPI-pop3-0.bin", split);
        assert_string_equal(mail_run_str(&r, "user"), "cicciopernacchio@mail.com");
        assert_string_equal(mail_run_str(&r, "auth_command"), "USER");
        assert_true(json_is_true(mail_run_get(&r, "auth_success")));
        assert_int_equal(mail_run_u64(&r, "commands"), 6);
        assert_int_equal(mail_run_u64(&r, "list_commands"), 2);
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 1476);
        assert_true(json_is_true(mail_run_get(&r, "quit")));
        assert_int_equal(r.result, APP_DONE);
        assert_null(strstr(r.text, "pippozzo"));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* Streams 1 and 3: CAPA and QUIT pipelined. */
static void test_capture_ndpi_capa(void **state)
{
    (void)state;
    static const char *const names[] = {"nDPI-pop3-1.bin", "nDPI-pop3-3.bin"};
    for (size_t i = 0; i < 2; i++) {
        struct mail_run r;
        char buf[256];
        pop3_run_session(&r, names[i], 0);
        assert_string_equal(mail_run_list(&r, "capabilities", buf, sizeof(buf)),
                            "TOP,USER,UIDL,STLS,SASL PLAIN,IMPLEMENTATION trinity");
        assert_int_equal(mail_run_u64(&r, "commands"), 2);
        assert_true(json_is_true(mail_run_get(&r, "quit")));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* Streams 2, 4, 5: AUTH PLAIN (RFC 5034) with the user in the base64
 * response; the passwords ("napier", "napier123") never show. Stream 5
 * then RETRs 3 messages the server LISTs as 5565 + 8412 + 5214 octets. */
static void test_capture_ndpi_auth_plain(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool is_ok;
        uint64_t commands, fetched, bytes;
    } cases[] = {
        {"nDPI-pop3-2.bin", false, 3, 0, 0},
        {"nDPI-pop3-4.bin", true, 4, 0, 0},
        {"nDPI-pop3-5.bin", true, 10, 3, 5565 + 8412 + 5214},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mail_run r;
        pop3_run_session(&r, cases[i].name, 0);
        assert_string_equal(mail_run_str(&r, "user"), "digitalinvestigator@networksims.com");
        assert_string_equal(mail_run_str(&r, "auth_mechanism"), "PLAIN");
        assert_int_equal(json_is_true(mail_run_get(&r, "auth_success")), cases[i].is_ok);
        assert_int_equal(mail_run_u64(&r, "auth_attempts"), 1);
        assert_int_equal(mail_run_u64(&r, "auth_failures"), !cases[i].is_ok);
        assert_int_equal(mail_run_u64(&r, "commands"), cases[i].commands);
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), cases[i].fetched);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"), cases[i].bytes);
        assert_null(strstr(r.text, "napier"));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* suricata-verify pop3-03-bug-7709: one failed PASS then QUIT; one
 * successful PASS, STAT and a LIST whose listing the capture cuts off. */
static void test_capture_suricata(void **state)
{
    (void)state;
    struct mail_run r;
    pop3_run_session(&r, "suricata-verify-input-0.bin", 0);
    assert_string_equal(mail_run_str(&r, "user"), "test@tt.com");
    assert_true(json_is_false(mail_run_get(&r, "auth_success")));
    assert_int_equal(mail_run_u64(&r, "auth_failures"), 1);
    assert_true(json_is_true(mail_run_get(&r, "quit")));
    assert_null(strstr(r.text, "123456"));
    mail_run_fini(&r);

    pop3_run_session(&r, "suricata-verify-input-1.bin", 0);
    assert_string_equal(mail_run_str(&r, "user"), "test");
    assert_true(json_is_true(mail_run_get(&r, "auth_success")));
    assert_int_equal(mail_run_u64(&r, "commands"), 4);
    assert_int_equal(mail_run_u64(&r, "list_commands"), 2);
    assert_true(json_is_false(mail_run_get(&r, "quit")));
    mail_run_fini(&r);
}

/* zeek bad-list-retr-crafted: "GARBAGE" where a status belongs (zeek:
 * pop3_server_command_unknown), and a LIST listing without its ".". */
static void test_capture_zeek_crafted(void **state)
{
    (void)state;
    struct mail_run r;
    pop3_run_session(&r, "zeek-bad-list-retr-crafted-0.bin", 1);
    assert_true(mail_run_has_anomaly(&r, "response_invalid"));
    assert_true(mail_run_has_anomaly(&r, "multiline_invalid"));
    assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
    assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 19 + 21 + 19 + 24 + 2 + 24);
    assert_true(json_is_true(mail_run_get(&r, "quit")));
    mail_run_fini(&r);
}

static void test_capture_greeting_only(void **state)
{
    (void)state;
    struct mail_run r;
    pop3_run_session(&r, "arkime-pop3-tag-0.bin", 0);
    assert_int_equal(r.record_count, 1);
    assert_int_equal(mail_run_u64(&r, "commands"), 0);
    assert_null(mail_run_get(&r, "auth_success"));
    mail_run_fini(&r);
    /* nDPI pops.pcapng is POP3S: TLS from the first byte. */
    static const uint8_t hello[] = {0x16, 0x03, 0x03, 0x00, 0xb3, 0x01};
    assert_int_equal(pop3_parser.probe(FLOW_TOSERVER, hello, sizeof(hello)), APP_PROBE_NO);
}

static void test_probe(void **state)
{
    (void)state;
    const struct {
        enum flow_dir dir;
        const char *text;
        enum app_probe want;
    } cases[] = {
        {FLOW_TOCLIENT, "+OK POP3 ready\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "+OK\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "+O", APP_PROBE_MAYBE},
        {FLOW_TOCLIENT, "* OK IMAP\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "CAPA\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "user bob\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "US", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "a1 CAPABILITY\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "EHLO x\r\n", APP_PROBE_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum app_probe got =
            pop3_parser.probe(cases[i].dir, (const uint8_t *)cases[i].text, strlen(cases[i].text));
        if (got != cases[i].want)
            fail_msg("probe %zu (%s): got %d want %d", i, cases[i].text, got, cases[i].want);
    }
}

static void test_stls(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOCLIENT, "+OK hi\r\n", 0, 0},
        {FLOW_TOSERVER, "STLS\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK Begin TLS\r\n", 0, 0},
    };
    struct mail_run r;
    pop3_run_init(&r, 0);
    mail_run_steps(&r, steps, 3);
    assert_int_equal(r.result, APP_SWITCH_TLS);
    assert_true(json_is_true(mail_run_get(&r, "starttls")));
    assert_int_equal(r.anomaly_count, 0);
    mail_run_fini(&r);
    /* A command pipelined behind STLS (CVE-2011-0411 pattern). */
    const struct mail_step inj[] = {
        {FLOW_TOCLIENT, "+OK hi\r\n", 0, 0},
        {FLOW_TOSERVER, "STLS\r\nUSER bob\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK Begin TLS\r\n", 0, 0},
    };
    pop3_run_init(&r, 0);
    mail_run_steps(&r, inj, 3);
    assert_true(mail_run_has_anomaly(&r, "data_after_stls"));
    assert_null(mail_run_str(&r, "user"));
    mail_run_fini(&r);
}

static void test_auth_variants(void **state)
{
    (void)state;
    /* AUTH LOGIN: user in the first response; APOP; DELE and TOP; pipelined. */
    const struct mail_step steps[] = {
        {FLOW_TOCLIENT, "+OK <1.2@host>\r\n", 0, 0},
        {FLOW_TOSERVER, "APOP mallory c4c9334bac560ecc979e58001b3e22fb\r\n", 0, 0},
        {FLOW_TOCLIENT, "-ERR no\r\n", 0, 0},
        {FLOW_TOSERVER, "AUTH LOGIN\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ VXNlcm5hbWU6\r\n", 0, 0},
        {FLOW_TOSERVER, "YWxpY2U=\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ UGFzc3dvcmQ6\r\n", 0, 0},
        {FLOW_TOSERVER, "aHVudGVyMg==\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK in\r\n", 0, 0},
        {FLOW_TOSERVER, "TOP 1 0\r\nDELE 1\r\nDELE 2\r\nRETR 2\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK\r\nSubject: x\r\n..dot\r\n.\r\n+OK\r\n-ERR\r\n+OK\r\n.\r\n", 0, 0},
    };
    for (size_t split = 0; split < 3; split++) {
        struct mail_run r;
        pop3_run_init(&r, split);
        mail_run_steps(&r, steps, sizeof(steps) / sizeof(steps[0]));
        assert_string_equal(mail_run_str(&r, "user"), "alice");
        assert_string_equal(mail_run_str(&r, "auth_mechanism"), "LOGIN");
        assert_int_equal(mail_run_u64(&r, "auth_attempts"), 2);
        assert_int_equal(mail_run_u64(&r, "auth_failures"), 1);
        assert_true(json_is_true(mail_run_get(&r, "auth_success")));
        assert_int_equal(mail_run_u64(&r, "headers_fetched"), 1);
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"),
                         12 + 6); /* "..dot" unstuffs to ".dot" */
        assert_int_equal(mail_run_u64(&r, "messages_deleted"), 1);
        assert_int_equal(mail_run_u64(&r, "commands"), 6);
        assert_null(strstr(r.text, "hunter2"));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* A capture that begins mid-session, after the greeting. The client's
 * RETR comes first: its +OK answers it (it was once taken for the
 * greeting, so RETR stayed waiting, DELE's +OK was paired with RETR and
 * opened a body that swallowed the answer to QUIT: no deletion, no quit,
 * an unterminated body and response_invalid for every message line). */
static void test_midsession_client_first(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOSERVER, "RETR 1\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK 21 octets\r\nSubject: hi\r\n\r\nbody\r\n.\r\n", 0, 0},
        {FLOW_TOSERVER, "DELE 1\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK deleted\r\n", 0, 0},
        {FLOW_TOSERVER, "QUIT\r\n", 0, 0},
        {FLOW_TOCLIENT, "+OK bye\r\n", 0, 0},
    };
    for (size_t split = 0; split < 4; split++) {
        struct mail_run r;
        pop3_run_init(&r, split);
        mail_run_steps(&r, steps, sizeof(steps) / sizeof(steps[0]));
        assert_int_equal(r.result, APP_DONE);
        assert_int_equal(mail_run_u64(&r, "commands"), 3);
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 13 + 2 + 6);
        assert_int_equal(mail_run_u64(&r, "messages_deleted"), 1);
        assert_true(json_is_true(mail_run_get(&r, "quit")));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* A capture that begins inside a multi-line answer: its lines and its "."
 * are no status lines and no anomaly, and the first command's answer is
 * the next status line. STAT's "+OK 2 320" was once taken for the
 * greeting, so every later answer went to the command before: "-ERR" to
 * STAT, and QUIT's "+OK bye" to STLS, handing a plaintext flow to TLS. A
 * status line quoted in the body answers no command seen and changes
 * nothing. */
static void test_midsession_inside_body(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "the end of a message\r\n.\r\n",
        "the end of a message\r\n+OK quoted\r\n.\r\n",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const struct mail_step steps[] = {
            {FLOW_TOCLIENT, bodies[i], 0, 0},          {FLOW_TOSERVER, "STAT\r\n", 0, 0},
            {FLOW_TOCLIENT, "+OK 2 320\r\n", 0, 0},    {FLOW_TOSERVER, "STLS\r\n", 0, 0},
            {FLOW_TOCLIENT, "-ERR not now\r\n", 0, 0}, {FLOW_TOSERVER, "QUIT\r\n", 0, 0},
            {FLOW_TOCLIENT, "+OK bye\r\n", 0, 0},
        };
        struct mail_run r;
        pop3_run_init(&r, 0);
        mail_run_steps(&r, steps, sizeof(steps) / sizeof(steps[0]));
        assert_int_equal(r.result, APP_DONE);
        assert_int_equal(mail_run_u64(&r, "list_commands"), 1);
        assert_false(json_is_true(mail_run_get(&r, "starttls")));
        assert_true(json_is_true(mail_run_get(&r, "starttls_refused")));
        assert_true(json_is_true(mail_run_get(&r, "quit")));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

static void test_hostile(void **state)
{
    (void)state;
    struct mail_run r;
    /* A 64 KB command line. */
    size_t n = 64 * 1024;
    char *line = malloc(n + 32);
    assert_non_null(line);
    memcpy(line, "USER ", 5);
    memset(line + 5, 'A', n - 5);
    memcpy(line + n, "\r\nUSER bob\r\n", 13);
    pop3_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOSERVER, line, strlen(line));
    mail_run_end(&r);
    assert_true(mail_run_has_anomaly(&r, "line_too_long"));
    assert_string_equal(mail_run_str(&r, "user"), "bob");
    assert_true(r.max_mem < 2 * 8192 + 8192);
    mail_run_fini(&r);
    free(line);

    /* An unterminated RETR: counted, flagged, nothing buffered. */
    pop3_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOCLIENT, "+OK\r\n", 5);
    mail_run_feed(&r, FLOW_TOSERVER, "RETR 1\r\n", 8);
    mail_run_feed(&r, FLOW_TOCLIENT, "+OK\r\n", 5);
    char body[4096];
    memset(body, 'x', sizeof(body));
    for (int i = 0; i < 256; i++)
        mail_run_feed(&r, FLOW_TOCLIENT, body, sizeof(body)); /* one 1 MiB line */
    mail_run_end(&r);
    assert_true(mail_run_has_anomaly(&r, "multiline_unterminated"));
    assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
    assert_true(r.max_mem < 2 * 8192 + 8192);
    mail_run_fini(&r);

    /* NUL bytes, an unknown command, an answer to nothing, a flood. */
    static const char nul[] = "US\0ER x\r\nXYZZY\r\n";
    pop3_run_init(&r, 0);
    mail_run_start(&r);
    mail_run_feed(&r, FLOW_TOSERVER, nul, sizeof(nul) - 1);
    mail_run_feed(&r, FLOW_TOCLIENT, "+OK\r\n-ERR\r\n-ERR\r\n+OK extra\r\n", 28);
    for (int i = 0; i < 10000; i++)
        mail_run_feed(&r, FLOW_TOSERVER, "NOOP\r\n", 6);
    mail_run_end(&r);
    assert_true(mail_run_has_anomaly(&r, "nul_byte"));
    assert_true(mail_run_has_anomaly(&r, "command_unknown"));
    assert_true(mail_run_has_anomaly(&r, "response_unexpected"));
    assert_true(mail_run_has_anomaly(&r, "too_many_pending"));
    assert_int_equal(mail_run_u64(&r, "commands"), 10002);
    mail_run_fini(&r);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        sessions_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_ndpi_user),
        cmocka_unit_test(test_capture_ndpi_capa),
        cmocka_unit_test(test_capture_ndpi_auth_plain),
        cmocka_unit_test(test_capture_suricata),
        cmocka_unit_test(test_capture_zeek_crafted),
        cmocka_unit_test(test_capture_greeting_only),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_stls),
        cmocka_unit_test(test_auth_variants),
        cmocka_unit_test(test_midsession_client_first),
        cmocka_unit_test(test_midsession_inside_body),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
