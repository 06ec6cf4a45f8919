/* test_ftp.c — the FTP control-connection parser: the AUTH TLS session of
 * zeek's ftp-auth-tls.pcap (a shared capture) split at every octet, reply
 * pairing (preliminary, multi-line, Telnet-prefixed ABOR, pipelining), the
 * draft mechanism names, refusals, then hostile input: lines that are no
 * command or reply, client bytes before the 234, a flood of commands, a
 * megabyte without a line end, gaps and a capture that starts mid-session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_run.h"
#include "proto/ftp/ftp_parser.h"

#include <cmocka.h>

#define TS FLOW_TOSERVER
#define TC FLOW_TOCLIENT

/* One side's turn of a conversation. */
struct turn {
    enum flow_dir dir;
    const char *text;
};

/* zeek testing/btest/Traces/ftp/ftp-auth-tls.pcap, client 40284 to
 * vsftpd 3.0.5: FEAT, its multi-line answer, AUTH TLS, 234. */
static const struct turn auth_tls_session[] = {
    {TC, "220 (vsFTPd 3.0.5)\r\n"},
    {TS, "FEAT\r\n"},
    {TC, "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n PBSZ\r\n PROT\r\n"
         " REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"},
    {TS, "AUTH TLS\r\n"},
    {TC, "234 Proceed with negotiation.\r\n"},
};

/* Plays turns, each split into pieces at `split` (0: whole); returns the
 * result of the last call. */
static enum app_result run_turns(struct app_run *r, const struct turn *t, size_t n, size_t split)
{
    for (size_t i = 0; i < n && r->result == APP_OK; i++) {
        size_t len = strlen(t[i].text);
        size_t step = split ? split : len;
        for (size_t off = 0; off < len && r->result == APP_OK; off += step)
            app_run_feed(r, t[i].dir, t[i].text + off, len - off < step ? len - off : step);
    }
    return r->result;
}

static void test_auth_tls_capture(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    size_t n = sizeof(auth_tls_session) / sizeof(auth_tls_session[0]);
    /* Every turn but the last leaves the parser reading lines. */
    assert_int_equal(run_turns(&r, auth_tls_session, n - 1, 0), APP_OK);
    assert_int_equal(run_turns(&r, auth_tls_session + n - 1, 1, 0), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* Each piece size from one octet up: the hand-over comes with the last
 * octet of the 234 line, never earlier. */
static void test_auth_tls_every_split(void **state)
{
    (void)state;
    size_t n = sizeof(auth_tls_session) / sizeof(auth_tls_session[0]);
    for (size_t split = 1; split <= 40; split++) {
        struct app_run r;
        app_run_init(&r, &ftp_parser);
        assert_int_equal(run_turns(&r, auth_tls_session, n - 1, split), APP_OK);
        const char *last = auth_tls_session[n - 1].text;
        size_t len = strlen(last);
        for (size_t off = 0; off < len; off += split) {
            size_t k = len - off < split ? len - off : split;
            enum app_result res = app_run_feed(&r, TC, last + off, k);
            assert_int_equal(res, off + k == len ? APP_SWITCH_TLS : APP_OK);
        }
        assert_int_equal(r.anomaly_count, 0);
        app_run_fini(&r);
    }
}

/* AUTH's mechanism: RFC 4217's TLS and the draft names, any case, spaces
 * around; other mechanisms (RFC 2228 GSSAPI) never hand over, even on 234. */
static void test_auth_mechanisms(void **state)
{
    (void)state;
    static const struct {
        const char *command;
        enum app_result result;
    } cases[] = {
        {"AUTH TLS\r\n", APP_SWITCH_TLS},
        {"auth tls\r\n", APP_SWITCH_TLS},
        {"AUTH SSL\r\n", APP_SWITCH_TLS},
        {"AUTH TLS-C\r\n", APP_SWITCH_TLS},
        {"AUTH TLS-P\r\n", APP_SWITCH_TLS},
        {"AUTH  TLS  \r\n", APP_SWITCH_TLS},
        {"AUTH TLS\n", APP_SWITCH_TLS},
        {"AUTH GSSAPI\r\n", APP_OK},
        {"AUTH TLSX\r\n", APP_OK},
        {"AUTH\r\n", APP_OK},
        {"AUTHTLS\r\n", APP_OK},
        /* Cut at the 64 octets kept: more than a mechanism follows. */
        {"AUTH TLS"
         "                                                            X\r\n",
         APP_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct app_run r;
        app_run_init(&r, &ftp_parser);
        app_run_str(&r, TC, "220 FTP server ready\r\n");
        app_run_str(&r, TS, cases[i].command);
        assert_int_equal(app_run_str(&r, TC, "234 go ahead\r\n"), cases[i].result);
        app_run_fini(&r);
    }
}

/* A refused AUTH leaves a plain session; the login, then QUIT's reply ends
 * inspection. */
static void test_refused_then_quit(void **state)
{
    (void)state;
    static const struct turn t[] = {
        {TC, "220-Welcome\r\n220 Ready\r\n"},
        {TS, "AUTH TLS\r\n"},
        {TC, "534 Local policy on server does not allow TLS\r\n"},
        {TS, "USER anonymous\r\n"},
        {TC, "331 Please specify the password.\r\n"},
        {TS, "PASS guest@\r\n"},
        {TC, "230 Login successful.\r\n"},
        {TS, "QUIT\r\n"},
    };
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    assert_int_equal(run_turns(&r, t, sizeof(t) / sizeof(t[0]), 0), APP_OK);
    assert_int_equal(app_run_str(&r, TC, "221 Goodbye.\r\n"), APP_DONE);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* RFC 959: 1yz replies are preliminary (the command still waits); ABOR
 * comes after Telnet IP and Synch and is answered after the aborted
 * transfer's 426; a multi-line reply's inner lines may start with other
 * codes; a multi-line 234 hands over at its last line. */
static void test_pairing(void **state)
{
    (void)state;
    static const struct turn t[] = {
        {TC, "120 Service ready in 1 minute\r\n220 FTP ready\r\n"},
        {TS, "RETR big.iso\r\n"},
        {TC, "150 Opening BINARY mode data connection\r\n"},
        {TS, "\xff\xf4\xff\xf2"
             "ABOR\r\n"},
        {TC, "426 Connection closed; transfer aborted.\r\n226 ABOR successful\r\n"},
        {TS, "HELP\r\n"},
        {TC, "214-The following commands are recognized.\r\n"
             "230 is not a reply here\r\n"
             "214-nor this\r\n"
             "214 Help OK.\r\n"},
        {TS, "AUTH TLS\r\n"},
        {TC, "234-About to\r\n"},
        {TC, " start TLS\r\n"},
    };
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    assert_int_equal(run_turns(&r, t, sizeof(t) / sizeof(t[0]), 0), APP_OK);
    assert_int_equal(app_run_str(&r, TC, "234 Go\r\n"), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* Commands sent before their predecessors' replies (RFC 959 does not
 * forbid it) wait in order; the 234 pairs with AUTH TLS. */
static void test_pipelined(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    app_run_str(&r, TS, "SYST\r\nFEAT\r\n");
    app_run_str(&r, TC, "215 UNIX Type: L8\r\n");
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TC, "211 no features\r\n"), APP_OK);
    assert_int_equal(app_run_str(&r, TC, "234 AUTH TLS OK.\r\n"), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* ---- hostile input ---- */

/* RFC 4217 §4: the client waits for the reply. Bytes before it are not
 * read as commands (they may be a ClientHello sent too early), and octets
 * after the 234 in the same call are left unread. */
static void test_data_around_auth(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TS, "QUIT\r\n"), APP_OK);
    assert_true(app_run_has_anomaly(&r, "data_after_auth_tls"));
    assert_int_equal(app_run_str(&r, TC, "234 go\r\n\x16\x03\x01"), APP_SWITCH_TLS);
    app_run_fini(&r);

    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TC, "234 go\r\n220 again\r\n"), APP_SWITCH_TLS);
    assert_true(app_run_has_anomaly(&r, "data_after_auth_tls"));
    app_run_fini(&r);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const char *const commands[] = {
        "\r\n", "A1\r\n", "XY\r\n", "ABCDE x\r\n", "USER\tx\r\n", "\xff\r\n", "\x16\x03\x01\r\n",
    };
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        struct app_run r;
        app_run_init(&r, &ftp_parser);
        app_run_str(&r, TC, "220 FTP\r\n");
        assert_int_equal(app_run_str(&r, TS, commands[i]), APP_OK);
        assert_true(app_run_has_anomaly(&r, "command_invalid"));
        /* Answered (500) like any command: pairing stays right. */
        app_run_str(&r, TC, "500 Unknown command.\r\n");
        app_run_str(&r, TS, "AUTH TLS\r\n");
        assert_int_equal(app_run_str(&r, TC, "234 ok\r\n"), APP_SWITCH_TLS);
        assert_false(app_run_has_anomaly(&r, "reply_unexpected"));
        app_run_fini(&r);
    }
    static const char *const replies[] = {
        "hello\r\n", "2201 x\r\n", "620 x\r\n", "22 x\r\n", "0 \r\n", "23a ok\r\n",
    };
    for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
        struct app_run r;
        app_run_init(&r, &ftp_parser);
        app_run_str(&r, TC, "220 FTP\r\n");
        app_run_str(&r, TS, "AUTH TLS\r\n");
        assert_int_equal(app_run_str(&r, TC, replies[i]), APP_OK);
        assert_true(app_run_has_anomaly(&r, "reply_invalid"));
        app_run_fini(&r);
    }
}

/* A final reply nobody asked for is an anomaly, but 421 may come at any
 * time (RFC 959 §4.2) and a 234 without AUTH TLS hands nothing over. */
static void test_unexpected_reply(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n421 Timeout.\r\n");
    assert_int_equal(r.anomaly_count, 0);
    assert_int_equal(app_run_str(&r, TC, "234 surprise\r\n"), APP_OK);
    assert_true(app_run_has_anomaly(&r, "reply_unexpected"));
    app_run_fini(&r);
}

static void test_too_many_pending(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    for (int i = 0; i < 40; i++)
        app_run_str(&r, TS, "NOOP\r\n");
    assert_true(app_run_has_anomaly(&r, "too_many_pending"));
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TC, "234 ok\r\n"), APP_SWITCH_TLS);
    app_run_fini(&r);
}

/* A megabyte without a line end in either direction: the state holds a
 * few dozen octets of it, and the next line is read normally. */
static void test_endless_line(void **state)
{
    (void)state;
    enum { BIG = 1 << 20 };
    uint8_t *junk = malloc(BIG);
    assert_non_null(junk);
    for (size_t i = 0; i < BIG; i++)
        junk[i] = (uint8_t)(i * 131u + 7u) | 0x01u; /* never '\n' (0x0a is even) */
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    for (size_t off = 0; off < BIG; off += 1000)
        app_run_feed(&r, TS, junk + off, BIG - off < 1000 ? BIG - off : 1000);
    app_run_feed(&r, TC, junk, BIG);
    assert_true(ftp_parser.state_mem(r.st) <= 1024);
    assert_int_equal(app_run_str(&r, TS, "\r\nAUTH TLS\r\n"), APP_OK);
    assert_int_equal(app_run_str(&r, TC, "\r\n500 what\r\n"), APP_OK);
    assert_int_equal(app_run_str(&r, TC, "234 ok\r\n"), APP_SWITCH_TLS);
    free(junk);
    app_run_fini(&r);
}

/* After a gap the two sides may be out of step (a lost reply, a lost
 * command): no anomalies for that, and a 234 still finds its AUTH TLS
 * behind a command whose reply was lost. */
static void test_gap_resync(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    app_run_str(&r, TS, "PWD\r\n");
    app_run_str(&r, TC, "257 \"/\" is the cur");
    app_run_gap(&r, TC, 100); /* the rest of that reply and what followed */
    assert_int_equal(app_run_str(&r, TC, "rent directory\r\n"), APP_OK);
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TC, "234 ok\r\n"), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);

    /* A lost command: its reply comes with nothing waiting. */
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TC, "220 FTP\r\n");
    app_run_gap(&r, TS, 6);
    app_run_str(&r, TS, "st\r\n"); /* the lost command's end: dropped up to its LF */
    assert_int_equal(app_run_str(&r, TC, "200 ok\r\n"), APP_OK);
    assert_int_equal(r.anomaly_count, 0);
    /* Level again: an unasked reply is an anomaly once more. */
    app_run_str(&r, TS, "NOOP\r\n");
    app_run_str(&r, TC, "200 ok\r\n");
    app_run_str(&r, TC, "200 again\r\n");
    assert_true(app_run_has_anomaly(&r, "reply_unexpected"));
    app_run_fini(&r);
}

/* A capture that starts mid-session: the first server line answers the
 * first command seen, not a greeting. */
static void test_midstream(void **state)
{
    (void)state;
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    app_run_str(&r, TS, "CWD /pub\r\n");
    app_run_str(&r, TC, "250 Directory successfully changed.\r\n");
    app_run_str(&r, TS, "AUTH TLS\r\n");
    assert_int_equal(app_run_str(&r, TC, "234 ok\r\n"), APP_SWITCH_TLS);
    assert_int_equal(r.anomaly_count, 0);
    app_run_fini(&r);
}

/* Noise in both directions, in odd pieces: no crash, bounded state. */
static void test_noise(void **state)
{
    (void)state;
    uint32_t x = 12345;
    uint8_t buf[997];
    struct app_run r;
    app_run_init(&r, &ftp_parser);
    for (int round = 0; round < 2000 && r.result == APP_OK; round++) {
        for (size_t i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (uint8_t)(x >> 16);
        }
        app_run_feed(&r, round & 1 ? TC : TS, buf, (size_t)(x % sizeof(buf)));
        if (round % 97 == 0)
            app_run_gap(&r, round & 2 ? TC : TS, 10);
    }
    assert_true(r.result == APP_OK || r.result == APP_DONE || r.result == APP_SWITCH_TLS);
    assert_true(ftp_parser.state_mem(r.st) <= 1024);
    app_run_fini(&r);
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        enum flow_dir dir;
        const char *data;
        enum app_probe want;
    } cases[] = {
        {TC, "220 (vsFTPd 3.0.5)\r\n", APP_PROBE_YES},
        {TC, "220-FileZilla Server 1.7\r\n", APP_PROBE_NO}, /* no "FTP": the client decides */
        {TC, "220 ProFTPD Server (Debian)", APP_PROBE_YES},
        {TC, "220-Welcome to Pure-FTPd.\r\n", APP_PROBE_YES},
        {TC, "220 Microsoft FTP Service\r\n", APP_PROBE_YES},
        {TC, "220 Service ready", APP_PROBE_MAYBE},
        {TC, "220 mx.example.com ESMTP Postfix\r\n", APP_PROBE_NO},
        {TC, "22", APP_PROBE_MAYBE},
        {TC, "+OK POP3 ready\r\n", APP_PROBE_NO},
        {TC, "HTTP/1.1 200 OK\r\n", APP_PROBE_NO},
        {TC, "", APP_PROBE_MAYBE},
        {TS, "USER anonymous\r\n", APP_PROBE_YES},
        {TS, "AUTH TLS\r\n", APP_PROBE_YES},
        {TS, "auth ssl\r\n", APP_PROBE_YES},
        {TS, "FEAT\r\n", APP_PROBE_YES},
        {TS, "SYST\r\n", APP_PROBE_YES},
        {TS, "AUTH PLAIN\r\n", APP_PROBE_NO},
        {TS, "EHLO mail\r\n", APP_PROBE_NO},
        {TS, "GET / HTTP/1.1\r\n", APP_PROBE_NO},
        {TS, "\x16\x03\x01\x02\x00", APP_PROBE_NO},
        {TS, "US", APP_PROBE_MAYBE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = strlen(cases[i].data);
        uint8_t *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, cases[i].data, len);
        enum app_probe got = ftp_parser.probe(cases[i].dir, copy, len);
        if (got != cases[i].want)
            fail_msg("probe(%s, \"%s\") = %d, want %d", cases[i].dir == TC ? "tc" : "ts",
                     cases[i].data, got, cases[i].want);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_tls_capture),
        cmocka_unit_test(test_auth_tls_every_split),
        cmocka_unit_test(test_auth_mechanisms),
        cmocka_unit_test(test_refused_then_quit),
        cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_data_around_auth),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_unexpected_reply),
        cmocka_unit_test(test_too_many_pending),
        cmocka_unit_test(test_endless_line),
        cmocka_unit_test(test_gap_resync),
        cmocka_unit_test(test_midstream),
        cmocka_unit_test(test_noise),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
