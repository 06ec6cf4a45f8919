/* test_smtp.c — SMTP sessions through the parser, MIME through the mail
 * reader, and the EVE objects read back with jansson: pipelining, BDAT,
 * STARTTLS, AUTH, attachments and their SHA-256, URLs and image sources,
 * encoded words; every session also fed in pieces of 1 to 97 bytes, which
 * must not change a single field. Sessions from the shared captures
 * (sessions/, gen_sessions.py) run last. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "proto/smtp/smtp_parser.h"
#include "smtp_test_util.h"
#include "smtp_tests.h"

#include <cmocka.h>

static const char *sessions_dir;

#define STEPS(a) (a), sizeof(a) / sizeof((a)[0])

/* The same fields whatever the piece size. */
static void check_splits(const struct smtp_step *steps, size_t n)
{
    struct smtp_run ref;
    smtp_run_steps(&ref, 0, steps, n);
    char *want = smtp_run_dump(&ref);
    for (size_t split = 1; split <= 97; split++) {
        struct smtp_run r;
        smtp_run_steps(&r, split, steps, n);
        char *got = smtp_run_dump(&r);
        if (strcmp(want, got) != 0)
            fail_msg("split %zu:\n%s\nwant\n%s", split, got, want);
        assert_int_equal(r.anomaly_count, ref.anomaly_count);
        free(got);
        smtp_run_fini(&r);
    }
    free(want);
    smtp_run_fini(&ref);
}

static const struct smtp_step basic[] = {
    {FLOW_TOCLIENT, "220 mx.example.org ESMTP ready\r\n", 0, 0},
    {FLOW_TOSERVER, "EHLO client.example.com\r\n", 0, 0},
    {FLOW_TOCLIENT, "250-mx.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 0, 0},
    {FLOW_TOSERVER, "MAIL FROM:<alice@example.com> SIZE=300\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 2.1.0 Ok\r\n", 0, 0},
    {FLOW_TOSERVER, "RCPT TO:<bob@example.org>\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 2.1.5 Ok\r\n", 0, 0},
    {FLOW_TOSERVER, "DATA\r\n", 0, 0},
    {FLOW_TOCLIENT, "354 go ahead\r\n", 0, 0},
    {FLOW_TOSERVER,
     "From: Alice <alice@example.com>\r\n"
     "To: Bob <bob@example.org>, \"Smith, Carol\" <carol@example.org>\r\n"
     "Cc: dave@example.org\r\n"
     "Subject: quarterly\r\n numbers\r\n"
     "Message-ID: <1234@example.com>\r\n"
     "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
     "X-Mailer: TestMailer 1.0\r\n"
     "\r\n"
     "Hello Bob,\r\n"
     "..a line that started with a dot\r\n"
     "see https://example.org/report?id=7.\r\n",
     0, 0},
    {FLOW_TOSERVER, ".\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 2.0.0 Ok: queued as ABC\r\n", 0, 0},
    {FLOW_TOSERVER, "QUIT\r\n", 0, 0},
    {FLOW_TOCLIENT, "221 2.0.0 Bye\r\n", 0, 0},
};

static void test_basic(void **state)
{
    (void)state;
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(basic));
    assert_int_equal(r.tx_count, 1);
    assert_int_equal(r.result, APP_DONE);
    assert_int_equal(r.anomaly_count, 0);
    assert_string_equal(smtp_run_str(&r, 0, "smtp.helo"), "client.example.com");
    assert_string_equal(smtp_run_str(&r, 0, "smtp.mail_from"), "<alice@example.com>");
    assert_string_equal(smtp_run_str(&r, 0, "smtp.rcpt_to.0"), "<bob@example.org>");
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_DONE");
    assert_string_equal(smtp_run_str(&r, 0, "email.from"), "Alice <alice@example.com>");
    assert_string_equal(smtp_run_str(&r, 0, "email.to.0"), "Bob <bob@example.org>");
    assert_string_equal(smtp_run_str(&r, 0, "email.to.1"), "\"Smith, Carol\" <carol@example.org>");
    assert_string_equal(smtp_run_str(&r, 0, "email.cc.0"), "dave@example.org");
    assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "quarterly numbers");
    assert_string_equal(smtp_run_str(&r, 0, "email.message_id"), "<1234@example.com>");
    assert_string_equal(smtp_run_str(&r, 0, "email.date"), "Mon, 1 Jan 2024 10:00:00 +0000");
    assert_string_equal(smtp_run_str(&r, 0, "email.x_mailer"), "TestMailer 1.0");
    assert_string_equal(smtp_run_str(&r, 0, "email.url.0"), "https://example.org/report?id=7");
    assert_null(smtp_run_get(&r, 0, "email.url.1"));
    /* Dot-unstuffed: 2 dots on the wire are 1 in the message. */
    size_t wire = strlen(basic[9].text);
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "smtp.message_size")), wire - 1);
    smtp_run_fini(&r);
    check_splits(STEPS(basic));
}

/* RFC 2920: the whole envelope in one segment, the replies in another. */
static const struct smtp_step pipelined[] = {
    {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
    {FLOW_TOSERVER, "EHLO c\r\n", 0, 0},
    {FLOW_TOCLIENT, "250-mx\r\n250 PIPELINING\r\n", 0, 0},
    {FLOW_TOSERVER,
     "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@y>\r\nRCPT TO:<d@y>\r\nDATA\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 ok\r\n250 ok\r\n550 no such user\r\n250 ok\r\n354 go\r\n", 0, 0},
    {FLOW_TOSERVER, "Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<e@x>\r\nRCPT TO:<f@y>\r\nDATA\r\n",
     0, 0},
    {FLOW_TOCLIENT, "250 queued\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0, 0},
    {FLOW_TOSERVER, "Subject: two\r\n\r\nbody\r\n.\r\nQUIT\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 queued\r\n221 bye\r\n", 0, 0},
};

static void test_pipelining(void **state)
{
    (void)state;
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(pipelined));
    assert_int_equal(r.tx_count, 2);
    assert_int_equal(r.anomaly_count, 0);
    assert_int_equal(r.result, APP_DONE);
    assert_string_equal(smtp_run_str(&r, 0, "smtp.rcpt_to.2"), "<d@y>");
    assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "one");
    assert_string_equal(smtp_run_str(&r, 1, "smtp.mail_from"), "<e@x>");
    assert_string_equal(smtp_run_str(&r, 1, "email.subject"), "two");
    assert_int_equal(json_integer_value(smtp_run_get(&r, 1, "tx_id")), 1);
    smtp_run_fini(&r);
    check_splits(STEPS(pipelined));
}

/* RFC 3030: counted chunks, no dot rule, a line split across chunks. */
static const struct smtp_step bdat[] = {
    {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
    {FLOW_TOSERVER, "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 mx\r\n250 ok\r\n250 ok\r\n", 0, 0},
    {FLOW_TOSERVER, "BDAT 21\r\nSubject: chunked\r\n\r\n.", 0, 0},
    {FLOW_TOSERVER, "BDAT 9 LAST\r\nbody\r\n.\r\n", 0, 0},
    {FLOW_TOCLIENT, "250 ok\r\n250 queued\r\n", 0, 0},
    {FLOW_TOSERVER, "QUIT\r\n", 0, 0},
    {FLOW_TOCLIENT, "221 bye\r\n", 0, 0},
};

static void test_bdat(void **state)
{
    (void)state;
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(bdat));
    assert_int_equal(r.tx_count, 1);
    assert_int_equal(r.anomaly_count, 0);
    assert_string_equal(smtp_run_str(&r, 0, "smtp.data_command"), "BDAT");
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "smtp.message_size")), 30);
    assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "chunked");
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_DONE");
    smtp_run_fini(&r);
    check_splits(STEPS(bdat));
}

static const struct smtp_step starttls[] = {
    {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
    {FLOW_TOSERVER, "EHLO c.example\r\n", 0, 0},
    {FLOW_TOCLIENT, "250-mx\r\n250 STARTTLS\r\n", 0, 0},
    {FLOW_TOSERVER, "STARTTLS\r\n", 0, 0},
    {FLOW_TOCLIENT, "220 2.0.0 Ready to start TLS\r\n", 0, 0},
};

static void test_starttls(void **state)
{
    (void)state;
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(starttls));
    assert_int_equal(r.result, APP_SWITCH_TLS);
    assert_int_equal(r.tx_count, 1);
    assert_string_equal(smtp_run_str(&r, 0, "smtp.helo"), "c.example");
    assert_true(json_is_true(smtp_run_get(&r, 0, "smtp.starttls")));
    assert_null(smtp_run_get(&r, 0, "email"));
    smtp_run_fini(&r);
    check_splits(STEPS(starttls));
    /* Refused: the session goes on in clear. */
    const struct smtp_step refused[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nSTARTTLS\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n454 TLS not available\r\n", 0, 0},
        {FLOW_TOSERVER, "MAIL FROM:<a@x>\r\n", 0, 0},
    };
    smtp_run_steps(&r, 0, STEPS(refused));
    assert_int_equal(r.result, APP_OK);
    assert_true(json_is_false(smtp_run_get(&r, 0, "smtp.starttls")));
    assert_string_equal(smtp_run_str(&r, 0, "smtp.mail_from"), "<a@x>");
    smtp_run_fini(&r);
}

static void test_auth(void **state)
{
    (void)state;
    /* PLAIN "\0alice\0secret" as initial response; LOGIN in steps. */
    const struct smtp_step plain[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n235 2.7.0 ok\r\n", 0, 0},
        {FLOW_TOSERVER, "MAIL FROM:<alice@x>\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(plain));
    assert_string_equal(smtp_run_str(&r, 0, "smtp.auth.mechanism"), "PLAIN");
    assert_string_equal(smtp_run_str(&r, 0, "smtp.auth.user"), "alice");
    assert_true(json_is_true(smtp_run_get(&r, 0, "smtp.auth.success")));
    char *dump = smtp_run_dump(&r);
    assert_null(strstr(dump, "secret"));
    free(dump);
    smtp_run_fini(&r);
    const struct smtp_step login[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nAUTH LOGIN\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n334 VXNlcm5hbWU6\r\n", 0, 0},
        {FLOW_TOSERVER, "Ym9i\r\n", 0, 0},
        {FLOW_TOCLIENT, "334 UGFzc3dvcmQ6\r\n", 0, 0},
        {FLOW_TOSERVER, "cGFzcw==\r\n", 0, 0},
        {FLOW_TOCLIENT, "535 5.7.8 failed\r\n", 0, 0},
        {FLOW_TOSERVER, "QUIT\r\n", 0, 0},
        {FLOW_TOCLIENT, "221 bye\r\n", 0, 0},
    };
    smtp_run_steps(&r, 0, STEPS(login));
    assert_int_equal(r.anomaly_count, 0);
    assert_string_equal(smtp_run_str(&r, 0, "smtp.auth.user"), "bob");
    assert_true(json_is_false(smtp_run_get(&r, 0, "smtp.auth.success")));
    smtp_run_fini(&r);
    check_splits(STEPS(login));
}

/* RSET and a second HELO end the abandoned envelope; a refused DATA is
 * followed by commands again (RFC 5321 §4.1.4). */
static void test_reset(void **state)
{
    (void)state;
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "HELO c\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n", 0, 0},
        {FLOW_TOSERVER, "DATA\r\n", 0, 0},
        {FLOW_TOCLIENT, "503 5.5.1 Error: need RCPT command\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n", 0, 0},
        {FLOW_TOSERVER, "MAIL FROM:<a@x>\r\nRSET\r\nMAIL FROM:<b@x>\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 ok\r\n250 ok\r\n250 ok\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(steps));
    assert_int_equal(r.tx_count, 3);
    assert_true(smtp_run_has_anomaly(&r, "data_command_rejected"));
    assert_true(json_is_true(smtp_run_get(&r, 0, "smtp.data_rejected")));
    assert_null(smtp_run_get(&r, 0, "smtp.mail_from"));
    assert_null(smtp_run_get(&r, 0, "email"));
    assert_string_equal(smtp_run_str(&r, 1, "smtp.mail_from"), "<a@x>");
    assert_string_equal(smtp_run_str(&r, 2, "smtp.mail_from"), "<b@x>");
    smtp_run_fini(&r);
}

static void base64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t w = 0, col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[w++] = al[v >> 18 & 63];
        out[w++] = al[v >> 12 & 63];
        out[w++] = i + 1 < n ? al[v >> 6 & 63] : '=';
        out[w++] = i + 2 < n ? al[v & 63] : '=';
        if ((col += 4) == 76) {
            out[w++] = '\r';
            out[w++] = '\n';
            col = 0;
        }
    }
    out[w++] = '\r';
    out[w++] = '\n';
    out[w] = '\0';
}

static void test_attachment(void **state)
{
    (void)state;
    uint8_t data[3001];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + (i >> 8));
    char b64[4200];
    base64_encode(data, sizeof(data), b64);
    char want[DIGEST_HEX_MAX];
    assert_int_equal(digest_oneshot_hex(DIGEST_SHA256, data, sizeof(data), want), 0);
    static char msg[8192];
    snprintf(msg, sizeof(msg),
             "From: a@x\r\nTo: b@y\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
             "preamble\r\n--outer\r\n"
             "Content-Type: multipart/alternative;\r\n boundary=inner\r\n\r\n"
             "--inner\r\nContent-Type: text/plain\r\n\r\nplain http://a.example/x\r\n"
             "--inner\r\nContent-Type: text/html\r\n\r\n<a href='http://b.example/y'>b</a>\r\n"
             "--inner--\r\n"
             "--outer\r\nContent-Type: application/octet-stream; name=\"ignored.bin\"\r\n"
             "Content-Transfer-Encoding: base64\r\n"
             "Content-Disposition: attachment;\r\n filename*0*=utf-8''r%%C3%%A9sum;\r\n"
             " filename*1=\"e.pdf\"\r\n\r\n%s"
             "--outer\r\nContent-Type: text/plain; name=notes.txt\r\n\r\nline one\r\nline two\r\n"
             "--outer--\r\nepilogue\r\n",
             b64);
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0, 0},
        {FLOW_TOSERVER, msg, 0, 0},
        {FLOW_TOSERVER, ".\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 queued\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(steps));
    assert_int_equal(r.tx_count, 1);
    assert_int_equal(r.anomaly_count, 0);
    assert_string_equal(smtp_run_str(&r, 0, "email.status"), "PARSE_DONE");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachment.0"), "r\xc3\xa9sume.pdf");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachment.1"), "notes.txt");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachments.0.sha256"), want);
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.attachments.0.size")),
                     sizeof(data));
    assert_string_equal(smtp_run_str(&r, 0, "email.attachments.0.content_type"),
                        "application/octet-stream");
    /* The CRLF before a boundary is the boundary's (RFC 2046 §5.1.1). */
    char want_txt[DIGEST_HEX_MAX];
    digest_oneshot_hex(DIGEST_SHA256, "line one\r\nline two", 18, want_txt);
    assert_string_equal(smtp_run_str(&r, 0, "email.attachments.1.sha256"), want_txt);
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.attachments.1.size")), 18);
    assert_string_equal(smtp_run_str(&r, 0, "email.url.0"), "http://a.example/x");
    assert_string_equal(smtp_run_str(&r, 0, "email.url.1"), "http://b.example/y");
    assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "email.parts")), 6);
    /* One fileinfo record per attachment, carrying its transaction. */
    assert_int_equal(r.file_count, 2);
    json_t *fi = json_object_get(r.file[0], "fileinfo");
    assert_string_equal(json_string_value(json_object_get(fi, "sha256")), want);
    assert_string_equal(json_string_value(json_object_get(fi, "filename")), "r\xc3\xa9sume.pdf");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.file[0], "smtp"), "mail_from")),
        "<a@x>");
    smtp_run_fini(&r);
    check_splits(STEPS(steps));
}

/* A tracking pixel: HTML in quoted-printable, soft breaks inside the URL. */
static void test_tracking_pixel(void **state)
{
    (void)state;
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0, 0},
        {FLOW_TOSERVER,
         "From: news@shop.example\r\nSubject: offers\r\n"
         "Content-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
         "<html><body><p>Hi =E2=82=AC</p><a href=3D\"https://shop.example/c?u=3D1&amp;=\r\n"
         "v=3D2\">offer</a>\r\n"
         "<IMG width=3D1 SRC=3D\"http://t.example/open.gif?id=3Dab=\r\ncd\" height=3D1>\r\n"
         "<table background=3Dhttp://t.example/bg.png><tr><td>x</td></tr></table>\r\n"
         "<img src=3D\"cid:logo@x\"> see www.shop.example/help</body></html>\r\n",
         0, 0},
        {FLOW_TOSERVER, ".\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(steps));
    assert_int_equal(r.anomaly_count, 0);
    assert_string_equal(smtp_run_str(&r, 0, "email.url.0"), "https://shop.example/c?u=1&v=2");
    assert_string_equal(smtp_run_str(&r, 0, "email.url.1"), "http://t.example/open.gif?id=abcd");
    assert_string_equal(smtp_run_str(&r, 0, "email.url.2"), "http://t.example/bg.png");
    assert_string_equal(smtp_run_str(&r, 0, "email.url.3"), "www.shop.example/help");
    assert_null(smtp_run_get(&r, 0, "email.url.4"));
    assert_string_equal(smtp_run_str(&r, 0, "email.image_urls.0"),
                        "http://t.example/open.gif?id=abcd");
    assert_string_equal(smtp_run_str(&r, 0, "email.image_urls.1"), "http://t.example/bg.png");
    assert_null(smtp_run_get(&r, 0, "email.image_urls.2"));
    smtp_run_fini(&r);
    check_splits(STEPS(steps));
}

static void test_encoded_words(void **state)
{
    (void)state;
    const struct smtp_step steps[] = {
        {FLOW_TOCLIENT, "220 mx ESMTP\r\n", 0, 0},
        {FLOW_TOSERVER, "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n", 0, 0},
        {FLOW_TOCLIENT, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0, 0},
        {FLOW_TOSERVER,
         "Subject: =?UTF-8?B?w6ljdXJldWls?= =?iso-8859-1?Q?_na=EFf?= and\r\n"
         " =?koi8-r?B?8NLJ18XU?=\r\n"
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
         "--b\r\nContent-Type: application/pdf;\r\n"
         " name=\"=?UTF-8?Q?Rechnung_M=C3=A4rz.pdf?=\"\r\n\r\n%PDF-1.4\r\n--b--\r\n",
         0, 0},
        {FLOW_TOSERVER, ".\r\n", 0, 0},
    };
    struct smtp_run r;
    smtp_run_steps(&r, 0, STEPS(steps));
    /* UTF-8 and Latin-1 words decoded, adjacent words joined; KOI8-R kept. */
    assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "\xc3\xa9"
                                                              "cureuil na\xc3\xaf"
                                                              "f and =?koi8-r?B?8NLJ18XU?=");
    assert_string_equal(smtp_run_str(&r, 0, "email.attachment.0"), "Rechnung M\xc3\xa4rz.pdf");
    smtp_run_fini(&r);
}

static void test_probe(void **state)
{
    (void)state;
    const struct {
        enum flow_dir dir;
        const char *text;
        enum app_probe want;
    } cases[] = {
        {FLOW_TOCLIENT, "220 mx.example.org ESMTP Postfix\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "220-mail.example.org\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "220 ProFTPD Server ready\r\n", APP_PROBE_NO},
        {FLOW_TOCLIENT, "22", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "EHLO client\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "ehlo", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "GET / HTTP/1.1\r\n", APP_PROBE_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(
            smtp_parser.probe(cases[i].dir, (const uint8_t *)cases[i].text, strlen(cases[i].text)),
            cases[i].want);
}

/* Every stream of the shared SMTP captures: no crash, a record, and the
 * fields known from the captures' own documentation. */
static void test_sessions(void **state)
{
    (void)state;
    DIR *d = opendir(sessions_dir);
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".bin"))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", sessions_dir, e->d_name);
        struct smtp_run r;
        smtp_run_file(&r, path);
        if (strstr(e->d_name, "suricata-verify-input")) { /* ehlo-reset-after-rejected-data */
            assert_int_equal(r.tx_count, 2);
            assert_null(smtp_run_get(&r, 0, "smtp.mail_from"));
            assert_string_equal(smtp_run_str(&r, 1, "smtp.mail_from"), "<bob@example.com>");
            assert_string_equal(smtp_run_str(&r, 1, "email.from"), "bob@example.com");
            assert_string_equal(smtp_run_str(&r, 1, "email.status"), "PARSE_DONE");
        }
        if (strstr(e->d_name, "cisco-mercury-smtp")) {
            assert_string_equal(smtp_run_str(&r, 0, "smtp.mail_from"), "<malware@malware.com>");
            assert_string_equal(smtp_run_str(&r, 0, "email.subject"), "Hello there!!!");
        }
        if (strstr(e->d_name, "bdat-nonascii")) {
            assert_string_equal(smtp_run_str(&r, 0, "email.attachment.0"), "test.msg");
            assert_int_equal(json_integer_value(smtp_run_get(&r, 0, "smtp.message_size")), 604);
        }
        smtp_run_fini(&r);
        files++;
    }
    closedir(d);
    assert_true(files >= 4);
}

int main(int argc, char **argv)
{
    sessions_dir = argc > 1 ? argv[1] : "sessions";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_pipelining),
        cmocka_unit_test(test_bdat),
        cmocka_unit_test(test_starttls),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_attachment),
        cmocka_unit_test(test_tracking_pixel),
        cmocka_unit_test(test_encoded_words),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_hostile_long_command_line),
        cmocka_unit_test(test_hostile_long_body_line),
        cmocka_unit_test(test_hostile_long_header),
        cmocka_unit_test(test_hostile_deep_nesting),
        cmocka_unit_test(test_hostile_broken_base64),
        cmocka_unit_test(test_hostile_boundary_unclosed),
        cmocka_unit_test(test_hostile_many_recipients),
        cmocka_unit_test(test_hostile_bdat_overflow),
        cmocka_unit_test(test_hostile_many_pending),
        cmocka_unit_test(test_hostile_many_urls),
        cmocka_unit_test(test_hostile_many_attachments),
        cmocka_unit_test(test_hostile_gap_in_data),
        cmocka_unit_test(test_hostile_data_after_starttls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
