/* test_http_eve.c — the EVE "http" object, checked as text against lines
 * written the way Suricata 7 writes them (field names and order from its
 * http logger; values from suricata-verify tcp-fastopen-03 where it has
 * them), and the fileinfo object of an HTTP file. */
#include <string.h>

#include "http_test_util.h"
#include "http_tests.h"
#include "output/json_buf.h"
#include "proto/file/fileinfo.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/http/http_eve.h"

#define STR(s) ((struct http_str){(s), sizeof(s) - 1})

static void expect_json(const struct http_record *r, const char *want)
{
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    http_eve_format(&b, r);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    assert_string_equal(b.data, want);
    json_buf_fini(&b);
}

/* suricata-verify tcp-fastopen-03: the 302 transaction. */
static void test_eve_full(void **state)
{
    (void)state;
    struct http_record r;
    memset(&r, 0, sizeof(r));
    r.hostname = STR("192.168.56.101");
    r.url = STR("/index.php");
    r.http_user_agent = STR("Mozilla/5.0");
    r.http_content_type = STR("text/html");
    r.http_method = STR("GET");
    r.protocol = STR("HTTP/1.0");
    r.has_request = r.has_response = true;
    r.status = 302;
    r.redirect = STR("/index.php?page=main.php");
    r.length = 0;
    expect_json(&r, "{\"http\":{\"hostname\":\"192.168.56.101\",\"url\":\"/index.php\","
                    "\"http_user_agent\":\"Mozilla/5.0\",\"http_content_type\":\"text/html\","
                    "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.0\",\"status\":302,"
                    "\"redirect\":\"/index.php?page=main.php\",\"length\":0}}");
}

static void test_eve_all_fields(void **state)
{
    (void)state;
    struct http_record r;
    memset(&r, 0, sizeof(r));
    r.hostname = STR("h.example");
    r.has_port = true;
    r.port = 8080;
    r.url = STR("/a\"b");
    r.http_user_agent = STR("ua\x01");
    r.xff = STR("1.2.3.4");
    r.http_content_type = STR("image/png");
    r.http_refer = STR("http://r/");
    r.http_method = STR("POST");
    r.protocol = STR("HTTP/1.1");
    r.has_request = r.has_response = true;
    r.status = 200;
    r.length = 1234;
    r.request_body_len = 5;
    expect_json(&r, "{\"http\":{\"hostname\":\"h.example\",\"http_port\":8080,"
                    "\"url\":\"/a\\\"b\",\"http_user_agent\":\"ua\\u0001\",\"xff\":\"1.2.3.4\","
                    "\"http_content_type\":\"image/png\",\"http_refer\":\"http://r/\","
                    "\"http_method\":\"POST\",\"protocol\":\"HTTP/1.1\",\"status\":200,"
                    "\"length\":1234,\"request_body_len\":5}}");
}

/* An unanswered request: no status, length 0 (as Suricata logs it at the
 * end of the flow). */
static void test_eve_unanswered(void **state)
{
    (void)state;
    struct http_record r;
    memset(&r, 0, sizeof(r));
    r.hostname = STR("foo.bar");
    r.url = STR("/");
    r.http_method = STR("GET");
    r.protocol = STR("HTTP/1.1");
    r.has_request = true;
    expect_json(&r, "{\"http\":{\"hostname\":\"foo.bar\",\"url\":\"/\",\"http_method\":\"GET\","
                    "\"protocol\":\"HTTP/1.1\",\"length\":0}}");
}

/* The parser's record end to end, with the fileinfo object after it. */
static void test_eve_fileinfo(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, "GET /dir/a%2Eb.txt?x=1 HTTP/1.1\r\nHost: f.example\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0);
    assert_int_equal(c.file_count, 1);
    char *text = json_dumps(c.files[0], JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(text);
    assert_string_equal(
        text, "{\"http\":{\"hostname\":\"f.example\",\"url\":\"/dir/a%2Eb.txt?x=1\","
              "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":3},"
              "\"fileinfo\":{\"filename\":\"/dir/a.b.txt\",\"gaps\":false,\"state\":\"CLOSED\","
              "\"md5\":\"900150983cd24fb0d6963f7d28e17f72\","
              "\"sha1\":\"a9993e364706816aba3e25717850c26c9cd0d89d\","
              "\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
              "\"stored\":false,\"size\":3,\"tx_id\":0}}");
    free(text);
    cap_fini(&c);
}

int http_run_eve_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eve_full),
        cmocka_unit_test(test_eve_all_fields),
        cmocka_unit_test(test_eve_unanswered),
        cmocka_unit_test(test_eve_fileinfo),
    };
    return cmocka_run_group_tests_name("http_eve", tests, NULL, NULL);
}
