/* test_imap.c — the IMAP parser on the shared captures (values checked
 * against tshark's reading of the same streams), on scripted sessions for
 * each feature, and at every split of a literal. Hostile input is in
 * test_imap_hostile.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "imap_tests.h"
#include "mail_test_util.h"
#include "proto/imap/imap_eve.h"
#include "proto/imap/imap_parser.h"

#include <cmocka.h>

const char *imap_sessions_dir = "sessions";

static void imap_format(struct json_buf *b, const void *record)
{
    imap_eve_format(b, record);
}

void imap_run_init(struct mail_run *r, size_t split)
{
    memset(r, 0, sizeof(*r));
    r->parser = &imap_parser;
    r->type = APP_RECORD_IMAP;
    r->key = "imap";
    r->format = imap_format;
    r->split = split;
}

static void imap_run_session(struct mail_run *r, const char *name, size_t split)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", imap_sessions_dir, name);
    imap_run_init(r, split);
    mail_run_file(r, path);
}

/* arkime imap.pcap (= suricata-verify imap-detection): tshark shows user
 * "neulingern", folder "INBOX" twice, 26 commands; the server stream holds
 * 26 "* n FETCH" responses (25 header-field fetches, one RFC822 of message
 * 12, {3339}), literals summing to 14395 octets, one EXPUNGE. */
static void test_capture_arkime(void **state)
{
    (void)state;
    static const size_t splits[] = {0, 1, 2, 3, 7, 100};
    char buf[512];
    for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
        struct mail_run r;
        imap_run_session(&r, "arkime-imap-0.bin", splits[i]);
        assert_int_equal(r.record_count, 1);
        assert_string_equal(mail_run_str(&r, "user"), "neulingern");
        assert_string_equal(mail_run_str(&r, "auth_command"), "LOGIN");
        assert_true(json_is_true(mail_run_get(&r, "auth_success")));
        assert_int_equal(mail_run_u64(&r, "auth_attempts"), 1);
        assert_int_equal(mail_run_u64(&r, "auth_failures"), 0);
        assert_string_equal(mail_run_list(&r, "mailboxes_selected", buf, sizeof(buf)), "INBOX");
        assert_string_equal(mail_run_list(&r, "capabilities", buf, sizeof(buf)),
                            "IMAP4,IMAP4rev1,IDLE,LITERAL+,LOGIN-REFERRALS,"
                            "MAILBOX-REFERRALS,NAMESPACE,AUTH=NTLM");
        assert_int_equal(mail_run_u64(&r, "commands"), 26);
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), 1);
        assert_int_equal(mail_run_u64(&r, "headers_fetched"), 25);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 14395);
        assert_int_equal(mail_run_u64(&r, "messages_deleted"), 1);
        assert_true(json_is_false(mail_run_get(&r, "starttls")));
        assert_true(json_is_false(mail_run_get(&r, "logout")));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* nDPI imap.pcap: tshark shows user "samir", folder INBOX, 6 commands; one
 * UID FETCH answer with BODY[HEADER] {666}. */
static void test_capture_ndpi(void **state)
{
    (void)state;
    char buf[512];
    struct mail_run r;
    imap_run_session(&r, "nDPI-imap-0.bin", 0);
    assert_string_equal(mail_run_str(&r, "user"), "samir");
    assert_string_equal(mail_run_list(&r, "mailboxes_selected", buf, sizeof(buf)), "INBOX");
    assert_string_equal(mail_run_list(&r, "capabilities", buf, sizeof(buf)),
                        "IMAP4rev1,IDLE,AUTH=LOGIN,AUTH=PLAIN,AUTH=CRAM-MD5");
    assert_int_equal(mail_run_u64(&r, "commands"), 6);
    assert_int_equal(mail_run_u64(&r, "messages_fetched"), 0);
    assert_int_equal(mail_run_u64(&r, "headers_fetched"), 1);
    assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 666);
    assert_false(strstr(r.text, "pfres")); /* the password */
    assert_int_equal(r.anomaly_count, 0);
    mail_run_fini(&r);
}

/* IMAPS captures (nfstream imaps, zeek telesec) are TLS from the first
 * byte: neither side probes as IMAP. */
static void test_capture_imaps_not_imap(void **state)
{
    (void)state;
    static const char *const names[] = {"nfstream-imaps-0.bin", "zeek-telesec-0.bin"};
    for (size_t i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", imap_sessions_dir, names[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        uint8_t buf[4096];
        size_t len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        assert_true(len > 4);
        size_t n = (size_t)buf[2] << 8 | buf[3];
        enum flow_dir dir = (buf[1] & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        assert_int_equal(imap_parser.probe(dir, buf + 4, n < len - 4 ? n : len - 4), APP_PROBE_NO);
    }
}

static void test_probe(void **state)
{
    (void)state;
    const struct {
        enum flow_dir dir;
        const char *text;
        enum app_probe want;
    } cases[] = {
        {FLOW_TOCLIENT, "* OK IMAP4rev1 ready\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "* PREAUTH hi\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "* O", APP_PROBE_MAYBE},
        {FLOW_TOCLIENT, "+OK POP3\r\n", APP_PROBE_NO},
        {FLOW_TOCLIENT, "220 smtp ESMTP\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "a001 CAPABILITY\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "C00000 CAPABILITY\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "a1 login bob x\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "a001 CAPA", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "a001", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "EHLO example.org\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "USER bob\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "GET / HTTP/1.1\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "CAPA\r\n", APP_PROBE_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum app_probe got =
            imap_parser.probe(cases[i].dir, (const uint8_t *)cases[i].text, strlen(cases[i].text));
        if (got != cases[i].want)
            fail_msg("probe %zu (%s): got %d want %d", i, cases[i].text, got, cases[i].want);
    }
}

static void test_starttls(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOCLIENT, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n", 0, 0},
        {FLOW_TOSERVER, "a1 STARTTLS\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 OK Begin TLS negotiation now\r\n", 0, 0},
    };
    struct mail_run r;
    char buf[256];
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, 3);
    assert_int_equal(r.result, APP_SWITCH_TLS);
    assert_int_equal(r.record_count, 1);
    assert_true(json_is_true(mail_run_get(&r, "starttls")));
    assert_string_equal(mail_run_list(&r, "capabilities", buf, sizeof(buf)),
                        "IMAP4rev1,STARTTLS,LOGINDISABLED");
    assert_int_equal(r.anomaly_count, 0);
    mail_run_fini(&r);

    /* Refused: no switch, the session goes on in clear. */
    const struct mail_step refused[] = {
        {FLOW_TOCLIENT, "* OK ready\r\n", 0, 0},
        {FLOW_TOSERVER, "a1 STARTTLS\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 BAD not now\r\n", 0, 0},
        {FLOW_TOSERVER, "a2 LOGIN bob secret\r\n", 0, 0},
        {FLOW_TOCLIENT, "a2 OK\r\n", 0, 0},
    };
    imap_run_init(&r, 0);
    mail_run_steps(&r, refused, 5);
    assert_int_equal(r.result, APP_OK);
    assert_true(json_is_false(mail_run_get(&r, "starttls")));
    assert_true(json_is_true(mail_run_get(&r, "starttls_refused")));
    assert_string_equal(mail_run_str(&r, "user"), "bob");
    mail_run_fini(&r);
}

/* IDLE ends with an untagged DONE (RFC 2177 §3), not a command; a PREAUTH
 * greeting authenticates the session (RFC 9051 §7.1.4). */
static void test_idle_and_preauth(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOCLIENT, "* PREAUTH IMAP4rev1 server logged in as alice\r\n", 0, 0},
        {FLOW_TOSERVER, "a1 SELECT INBOX\r\n", 0, 0},
        {FLOW_TOCLIENT, "* 3 EXISTS\r\na1 OK [READ-WRITE] done\r\n", 0, 0},
        {FLOW_TOSERVER, "a2 IDLE\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ idling\r\n* 4 EXISTS\r\n", 0, 0},
        {FLOW_TOSERVER, "DONE\r\n", 0, 0},
        {FLOW_TOCLIENT, "a2 OK IDLE terminated\r\n", 0, 0},
        {FLOW_TOSERVER, "DONE\r\n", 0, 0}, /* no IDLE pending: not a command */
    };
    struct mail_run r;
    char buf[256];
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, sizeof(steps) / sizeof(steps[0]));
    assert_true(json_is_true(mail_run_get(&r, "preauth")));
    assert_true(json_is_true(mail_run_get(&r, "auth_success")));
    assert_string_equal(mail_run_list(&r, "mailboxes_selected", buf, sizeof(buf)), "INBOX");
    assert_int_equal(mail_run_u64(&r, "commands"), 2);
    assert_int_equal(r.anomaly_count, 1);
    assert_true(mail_run_has_anomaly(&r, "command_invalid"));
    mail_run_fini(&r);
}

/* base64("\0alice\0hunter2") and friends (RFC 4616, draft LOGIN). */
static void test_authenticate(void **state)
{
    (void)state;
    const struct mail_step plain[] = {
        {FLOW_TOCLIENT, "* OK ready\r\n", 0, 0},
        {FLOW_TOSERVER, "a1 AUTHENTICATE PLAIN\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ \r\n", 0, 0},
        {FLOW_TOSERVER, "AGFsaWNlAGh1bnRlcjI=\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 OK done\r\n", 0, 0},
        {FLOW_TOSERVER, "a2 LOGOUT\r\n", 0, 0},
        {FLOW_TOCLIENT, "* BYE\r\na2 OK bye\r\n", 0, 0},
    };
    for (size_t split = 0; split < 4; split++) {
        struct mail_run r;
        imap_run_init(&r, split);
        mail_run_steps(&r, plain, 7);
        assert_int_equal(r.result, APP_DONE);
        assert_string_equal(mail_run_str(&r, "user"), "alice");
        assert_string_equal(mail_run_str(&r, "auth_mechanism"), "PLAIN");
        assert_string_equal(mail_run_str(&r, "auth_command"), "AUTHENTICATE");
        assert_true(json_is_true(mail_run_get(&r, "auth_success")));
        assert_true(json_is_true(mail_run_get(&r, "logout")));
        assert_null(strstr(r.text, "hunter2"));
        assert_null(strstr(r.text, "aHVudGVyMg")); /* nor its base64 */
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
    /* SASL-IR (RFC 4959) with an authzid, then LOGIN's two challenges. */
    const struct mail_step ir[] = {
        {FLOW_TOSERVER, "a1 AUTHENTICATE PLAIN YWRtaW4AYWxpY2UAaHVudGVyMg==\r\n", 0, 0},
        {FLOW_TOCLIENT, "a1 NO [AUTHENTICATIONFAILED] nope\r\n", 0, 0},
        {FLOW_TOSERVER, "a2 AUTHENTICATE LOGIN\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ VXNlcm5hbWU6\r\n", 0, 0},
        {FLOW_TOSERVER, "Ym9i\r\n", 0, 0},
        {FLOW_TOCLIENT, "+ UGFzc3dvcmQ6\r\n", 0, 0},
        {FLOW_TOSERVER, "aHVudGVyMg==\r\n", 0, 0},
        {FLOW_TOCLIENT, "a2 OK\r\n", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, ir, 8);
    assert_string_equal(mail_run_str(&r, "user"), "bob");
    assert_string_equal(mail_run_str(&r, "auth_mechanism"), "LOGIN");
    assert_int_equal(mail_run_u64(&r, "auth_attempts"), 2);
    assert_int_equal(mail_run_u64(&r, "auth_failures"), 1);
    assert_true(json_is_true(mail_run_get(&r, "auth_success")));
    assert_int_equal(mail_run_u64(&r, "commands"), 2);
    assert_null(strstr(r.text, "hunter2"));
    mail_run_fini(&r);
}

/* LOGIN with both arguments as literals, the stream cut at every byte. */
static void test_login_literal_every_split(void **state)
{
    (void)state;
    static const char cli[] = "a1 LOGIN {5}\r\nalice {7+}\r\nhunter2\r\n"
                              "a2 SELECT {8}\r\nArchive1\r\na3 EXAMINE \"Sent \\\"x\\\"\"\r\n";
    size_t n = strlen(cli);
    for (size_t cut = 0; cut <= n; cut++) {
        struct mail_run r;
        char buf[256];
        imap_run_init(&r, 0);
        mail_run_start(&r);
        mail_run_feed(&r, FLOW_TOSERVER, cli, cut);
        mail_run_feed(&r, FLOW_TOSERVER, cli + cut, n - cut);
        mail_run_feed(&r, FLOW_TOCLIENT, "a1 OK\r\n", 7);
        mail_run_end(&r);
        assert_string_equal(mail_run_str(&r, "user"), "alice");
        assert_string_equal(mail_run_list(&r, "mailboxes_selected", buf, sizeof(buf)),
                            "Archive1,Sent \"x\"");
        assert_int_equal(mail_run_u64(&r, "commands"), 3);
        assert_null(strstr(r.text, "hunter2"));
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

/* A FETCH response with several literals, cut at every byte. */
static void test_fetch_literal_every_split(void **state)
{
    (void)state;
    static const char srv[] =
        "* 1 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)] {11}\r\nFrom: a\r\n\r\n"
        " BODY[TEXT] {5}\r\nhello)\r\n"
        "* 2 FETCH (BODY[] {3}\r\nabc FLAGS (\\Seen))\r\n"
        "* 3 FETCH (BODY[1.2] {2}\r\nxy BINARY[2] ~{1}\r\nz)\r\n"
        "* 4 FETCH (ENVELOPE (\"d\" {4}\r\nsubj NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
        "* 5 FETCH (RFC822.HEADER {2}\r\nh:)\r\n"
        "* 6 FETCH (BODY[2.MIME] {0}\r\n)\r\n"
        "* 7 EXPUNGE\r\n* 8 EXPUNGE\r\n"
        "a1 OK done\r\n";
    size_t n = strlen(srv);
    for (size_t cut = 0; cut <= n; cut++) {
        struct mail_run r;
        imap_run_init(&r, 0);
        mail_run_start(&r);
        mail_run_feed(&r, FLOW_TOSERVER, "a1 FETCH 1:* BODY[]\r\n", 21);
        mail_run_feed(&r, FLOW_TOCLIENT, srv, cut);
        mail_run_feed(&r, FLOW_TOCLIENT, srv + cut, n - cut);
        mail_run_end(&r);
        /* Messages 1, 2, 3 carry text; 5 and 6 only headers; 4 neither. */
        assert_int_equal(mail_run_u64(&r, "messages_fetched"), 3);
        assert_int_equal(mail_run_u64(&r, "headers_fetched"), 2);
        assert_int_equal(mail_run_u64(&r, "bytes_fetched"), 11 + 5 + 3 + 2 + 1 + 2 + 0);
        assert_int_equal(mail_run_u64(&r, "messages_deleted"), 2);
        assert_int_equal(r.anomaly_count, 0);
        mail_run_fini(&r);
    }
}

static void test_preauth_and_failures(void **state)
{
    (void)state;
    const struct mail_step steps[] = {
        {FLOW_TOCLIENT, "* PREAUTH [CAPABILITY IMAP4rev2] logged in\r\n", 0, 0},
        {FLOW_TOSERVER, "x LOGIN a b\r\ny LOGIN c d\r\nz LOGIN e f\r\n", 0, 0},
        {FLOW_TOCLIENT, "x NO bad\r\ny NO bad\r\nz OK good\r\n", 0, 0},
    };
    struct mail_run r;
    imap_run_init(&r, 0);
    mail_run_steps(&r, steps, 3);
    assert_true(json_is_true(mail_run_get(&r, "preauth")));
    assert_int_equal(mail_run_u64(&r, "auth_attempts"), 3);
    assert_int_equal(mail_run_u64(&r, "auth_failures"), 2);
    assert_true(json_is_true(mail_run_get(&r, "auth_success")));
    assert_string_equal(mail_run_str(&r, "user"), "e");
    mail_run_fini(&r);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        imap_sessions_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_arkime),
        cmocka_unit_test(test_capture_ndpi),
        cmocka_unit_test(test_capture_imaps_not_imap),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_starttls),
        cmocka_unit_test(test_idle_and_preauth),
        cmocka_unit_test(test_authenticate),
        cmocka_unit_test(test_login_literal_every_split),
        cmocka_unit_test(test_fetch_literal_every_split),
        cmocka_unit_test(test_preauth_and_failures),
        IMAP_HOSTILE_TESTS,
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
