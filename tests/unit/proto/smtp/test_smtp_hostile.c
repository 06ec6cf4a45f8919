/* test_smtp_hostile.c — hostile SMTP and MIME input: each case ends in a
 * named anomaly, the parser keeps going where it can, and memory stays
 * bounded (state_mem is checked after every piece fed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_test_util.h"
#include "smtp_tests.h"

#include <cmocka.h>

/* Two line buffers at their cap, the state, one message's MIME reader with
 * its lists full, and the digest contexts: nothing grows past this. */
enum { SMTP_TEST_MEM_MAX = 160 * 1024 };

static const char envelope[] = "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n";
static const char envelope_ok[] = "220 mx ESMTP\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n";

/* Runs one message (text, then "." unless omitted) in a session, fed
 * whole and in 1000-byte pieces. */
static void run_message(struct smtp_run *r, size_t split, const char *text, size_t len,
                        bool has_end)
{
    smtp_run_start(r, split);
    smtp_run_feed(r, FLOW_TOCLIENT, envelope_ok, 14);
    smtp_run_feed(r, FLOW_TOSERVER, envelope, strlen(envelope));
    smtp_run_feed(r, FLOW_TOCLIENT, envelope_ok + 14, strlen(envelope_ok) - 14);
    smtp_run_feed(r, FLOW_TOSERVER, text, len);
    if (has_end)
        smtp_run_feed(r, FLOW_TOSERVER, ".\r\n", 3);
    smtp_run_end(r);
    assert_true(r->max_mem < SMTP_TEST_MEM_MAX);
}

void test_hostile_long_command_line(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    char *line = malloc(n + 64);
    assert_non_null(line);
    memcpy(line, "RCPT TO:<", 9);
    memset(line + 9, 'A', n - 9);
    memcpy(line + n, ">\r\nMAIL FROM:<z@x>\r\n", 21);
    for (size_t split = 0; split <= 1000; split += 1000) {
        struct smtp_run r;
        smtp_run_start(&r, split);
        smtp_run_feed(&r, FLOW_TOSERVER, "EHLO c\r\n", 8);
        smtp_run_feed(&r, FLOW_TOSERVER, line, strlen(line));
        smtp_run_end(&r);
        assert_true(smtp_run_has_anomaly(&r, "line_too_long"));
        assert_int_equal(r.tx_count, 1);
        assert_string_equal(smtp_run_str(&r, 0, "smtp.mail_from"), "<z@x>");
        /* The recipient is kept, cut at the path cap. */
        assert_true(strlen(smtp_run_str(&r, 0, "smtp.rcpt_to.0")) <= 512);
        assert_true(r.max_mem < SMTP_TEST_MEM_MAX);
        smtp_run_fini(&r);
    }
    free(line);
}

void test_hostile_long_body_line(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    char *msg = malloc(n + 128);
    assert_non_null(msg);
    int h = snprintf(msg, 128, "Subject: long\r\n\r\nhttp://x.example/");
    memset(msg + h, 'a', n);
    memcpy(msg + h + n, "\r\nend\r\n", 8);
    for (size_t split = 0; split <= 1000; split += 1000) {
        struct smtp_run r;
        run_message(&r, split, msg, strlen(msg), true);
        assert_true(smtp_run_has_anomaly(&r, "mime_line_too_long"));
        assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "long");
        assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_DONE");
        assert_null(smtp_run_get(&r, 0, "email.url")); /* too long to keep */
        assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.urls_too_long")), 1);
        smtp_run_fini(&r);
    }
    free(msg);
}

void test_hostile_long_header(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    char *msg = malloc(n + 128);
    assert_non_null(msg);
    memcpy(msg, "To: ", 4);
    for (size_t i = 4; i < n; i++)
        msg[i] = (i % 16 == 0) ? ',' : 'b';
    strcpy(msg + n, "\r\nSubject: after\r\n\r\nbody\r\n");
    for (size_t split = 0; split <= 1000; split += 1000) {
        struct smtp_run r;
        run_message(&r, split, msg, strlen(msg), true);
        assert_true(smtp_run_has_anomaly(&r, "mime_header_too_long"));
        assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "after");
        assert_true(json_is_true(smtp_run_get(&r, 0, "email.addresses_truncated")));
        smtp_run_fini(&r);
    }
    free(msg);
}

void test_hostile_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 1000;
    size_t cap = depth * 80 + 256;
    char *msg = malloc(cap);
    assert_non_null(msg);
    size_t w = (size_t)snprintf(msg, cap, "Subject: deep\r\n");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(msg + w, cap - w,
                              "Content-Type: multipart/mixed; boundary=b%zu\r\n\r\n--b%zu\r\n", i,
                              i);
    w += (size_t)snprintf(msg + w, cap - w,
                          "Content-Type: text/plain\r\n\r\nhttp://deep.example/\r\n");
    for (size_t i = 0; i < 16; i++) /* close a few of them */
        w += (size_t)snprintf(msg + w, cap - w, "--b%zu--\r\n", 15 - i);
    for (size_t split = 0; split <= 1000; split += 1000) {
        struct smtp_run r;
        run_message(&r, split, msg, w, true);
        assert_true(smtp_run_has_anomaly(&r, "mime_depth_exceeded"));
        assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "deep");
        assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_ERROR");
        smtp_run_fini(&r);
    }
    free(msg);
}

void test_hostile_broken_base64(void **state)
{
    (void)state;
    const char msg[] = "Subject: b64\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
                       "--x\r\nContent-Disposition: attachment; filename=a.bin\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n"
                       "QUJD!!!REVG\r\nR0hJ=SktM\r\nT\r\n--x--\r\n";
    struct smtp_run r;
    run_message(&r, 0, msg, strlen(msg), true);
    assert_true(smtp_run_has_anomaly(&r, "base64_invalid"));
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_ERROR");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachments.0.state"), "ERROR");
    /* "ABCDEFGHIJKL": what could be decoded was. */
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.attachments.0.size")), 12);
    smtp_run_fini(&r);
}

void test_hostile_boundary_unclosed(void **state)
{
    (void)state;
    const char msg[] = "Subject: open\r\nContent-Type: multipart/mixed; boundary=never\r\n\r\n"
                       "--never\r\nContent-Type: text/plain; name=a.txt\r\n\r\nno end\r\n";
    struct smtp_run r;
    run_message(&r, 0, msg, strlen(msg), true);
    assert_true(smtp_run_has_anomaly(&r, "mime_boundary_unterminated"));
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_ERROR");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachments.0.state"), "TRUNCATED");
    smtp_run_fini(&r);
    /* Cut by the flow's end instead: the message is incomplete. */
    run_message(&r, 0, msg, strlen(msg), false);
    assert_true(smtp_run_has_anomaly(&r, "data_unterminated"));
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "BODY_STARTED");
    smtp_run_fini(&r);
}

void test_hostile_many_recipients(void **state)
{
    (void)state;
    size_t count = 100000;
    char *cmds = malloc(count * 24 + 64);
    assert_non_null(cmds);
    size_t w = (size_t)sprintf(cmds, "EHLO c\r\nMAIL FROM:<a@x>\r\n");
    for (size_t i = 0; i < count; i++)
        w += (size_t)sprintf(cmds + w, "RCPT TO:<u%zu@y>\r\n", i);
    struct smtp_run r;
    smtp_run_start(&r, 4096);
    smtp_run_feed(&r, FLOW_TOSERVER, cmds, w);
    smtp_run_end(&r);
    assert_true(smtp_run_has_anomaly(&r, "too_many_recipients"));
    assert_true(smtp_run_has_anomaly(&r, "too_many_pending"));
    assert_int_equal(json_array_size(smtp_run_get(&r, 0, "smtp.rcpt_to")), 256);
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "smtp.rcpt_count")), count);
    assert_true(r.max_mem < SMTP_TEST_MEM_MAX);
    smtp_run_fini(&r);
    free(cmds);
}

void test_hostile_bdat_overflow(void **state)
{
    (void)state;
    const struct smtp_step steps[] = {
        {FLOW_TOSERVER, "EHLO c\r\nMAIL FROM:<a@x>\r\n", 0, 0},
        {FLOW_TOSERVER, "BDAT 99999999999999999999999 LAST\r\n", 0, 0},
        {FLOW_TOSERVER, "BDAT 9999999999999999999\r\nabc", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, steps, 3);
    assert_true(smtp_run_has_anomaly(&r, "bdat_size_invalid"));
    assert_true(smtp_run_has_anomaly(&r, "data_unterminated"));
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "smtp.message_size")), 3);
    smtp_run_fini(&r);
}

void test_hostile_many_pending(void **state)
{
    (void)state;
    struct smtp_run r;
    smtp_run_start(&r, 0);
    for (int i = 0; i < 200; i++)
        smtp_run_feed(&r, FLOW_TOSERVER, "NOOP\r\n", 6);
    for (int i = 0; i < 300; i++)
        smtp_run_feed(&r, FLOW_TOCLIENT, "250 ok\r\n", 8);
    smtp_run_feed(&r, FLOW_TOCLIENT, "garbage\r\n", 9);
    smtp_run_end(&r);
    assert_true(smtp_run_has_anomaly(&r, "too_many_pending"));
    assert_true(smtp_run_has_anomaly(&r, "reply_unexpected"));
    assert_true(smtp_run_has_anomaly(&r, "reply_invalid"));
    assert_int_equal(r.tx_count, 0); /* NOOPs start no transaction */
    smtp_run_fini(&r);
}

void test_hostile_many_urls(void **state)
{
    (void)state;
    char *msg = malloc(200 * 40 + 64);
    assert_non_null(msg);
    size_t w = (size_t)sprintf(msg, "Subject: urls\r\n\r\n");
    for (int i = 0; i < 200; i++)
        w += (size_t)sprintf(msg + w, "http://u%d.example/\r\n", i);
    struct smtp_run r;
    run_message(&r, 0, msg, w, true);
    assert_true(smtp_run_has_anomaly(&r, "too_many_urls"));
    assert_int_equal(json_array_size(smtp_run_get(&r, 0, "email.url")), 64);
    assert_true(json_is_true(smtp_run_get(&r, 0, "email.urls_truncated")));
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.urls_seen")), 200);
    smtp_run_fini(&r);
    free(msg);
}

void test_hostile_many_attachments(void **state)
{
    (void)state;
    char *msg = malloc(1000 * 80 + 128);
    assert_non_null(msg);
    size_t w = (size_t)sprintf(msg, "Content-Type: multipart/mixed; boundary=z\r\n\r\n");
    for (int i = 0; i < 1000; i++)
        w += (size_t)sprintf(msg + w, "--z\r\nContent-Type: a/b; name=f%d\r\n\r\nx\r\n", i);
    w += (size_t)sprintf(msg + w, "--z--\r\n");
    struct smtp_run r;
    run_message(&r, 0, msg, w, true);
    assert_true(smtp_run_has_anomaly(&r, "too_many_attachments"));
    assert_int_equal(json_array_size(smtp_run_get(&r, 0, "email.attachment")), 32);
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.attachments_seen")), 1000);
    assert_int_equal(r.file_count, 32);
    smtp_run_fini(&r);
    free(msg);
}

void test_hostile_gap_in_data(void **state)
{
    (void)state;
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, envelope, 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0, 0},
        {FLOW_TOSERVER,
         "Subject: gap\r\nContent-Type: multipart/mixed; boundary=g\r\n\r\n"
         "--g\r\nContent-Disposition: attachment; filename=f\r\n\r\nabc",
         0, 0},
        {FLOW_TOSERVER, NULL, 0, 500},
        {FLOW_TOSERVER, "def\r\nmore\r\n--g--\r\n.\r\nMAIL FROM:<next@x>\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 queued\r\n250 ok\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, steps, sizeof(steps) / sizeof(steps[0]));
    assert_true(smtp_run_has_anomaly(&r, "gap"));
    assert_int_equal(r.tx_count, 2);
    assert_true(json_is_true(smtp_run_get(&r, 0, "email.gaps")));
    assert_true(json_is_true(smtp_run_get(&r, 0, "email.attachments.0.gaps")));
    assert_null(smtp_run_get(&r, 0, "email.attachments.0.sha256"));
    assert_string_equal(smtp_run_str(&r, 1, "smtp.mail_from"), "<next@x>");
    smtp_run_fini(&r);
}

void test_hostile_data_after_starttls(void **state)
{
    (void)state;
    /* A command injected after STARTTLS, before the reply (CVE-2011-0411
     * style): flagged, not parsed as a command. */
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nSTARTTLS\r\nRSET\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n220 go ahead\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, steps, 3);
    assert_true(smtp_run_has_anomaly(&r, "data_after_starttls"));
    assert_int_equal(r.result, APP_SWITCH_TLS);
    smtp_run_fini(&r);
}
