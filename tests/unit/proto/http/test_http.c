/* test_http.c — HTTP/1.x parsing of well-formed exchanges: fields, body
 * framing (length, chunked, close), pipelining, interim responses, bodies
 * without content, tunnels, gaps, and the fileinfo hashes of bodies (known
 * digests computed outside this code). Every exchange that matters is also
 * fed split at every byte, and must give the same JSON. */
#include <stdlib.h>
#include <string.h>

#include "http_test_util.h"
#include "http_tests.h"
#include "proto/http/http_parser.h"

static const char get_req[] = "GET /index.html?q=1 HTTP/1.1\r\n"
                              "Host: WWW.Example.COM:8080\r\n"
                              "User-Agent: curl/8.0\r\n"
                              "Referer: http://ref.example/\r\n"
                              "X-Forwarded-For: 10.0.0.1\r\n"
                              "Accept: */*\r\n"
                              "\r\n";
static const char get_res[] = "HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/html; charset=UTF-8\r\n"
                              "Content-Length: 11\r\n"
                              "\r\n"
                              "hello world";

static const char md5_hello[] = "5eb63bbbe01eeed093cb22bb8f5acdc3";
static const char sha1_hello[] = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed";
static const char sha256_hello[] =
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

static void test_get(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, get_req, get_res, 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.hostname"), "www.example.com");
    assert_int_equal(rec_int(&c, 0, "http.http_port"), 8080);
    assert_string_equal(rec_str(&c, 0, "http.url"), "/index.html?q=1");
    assert_string_equal(rec_str(&c, 0, "http.http_user_agent"), "curl/8.0");
    assert_string_equal(rec_str(&c, 0, "http.http_refer"), "http://ref.example/");
    assert_string_equal(rec_str(&c, 0, "http.xff"), "10.0.0.1");
    assert_string_equal(rec_str(&c, 0, "http.http_content_type"), "text/html");
    assert_string_equal(rec_str(&c, 0, "http.http_method"), "GET");
    assert_string_equal(rec_str(&c, 0, "http.protocol"), "HTTP/1.1");
    assert_int_equal(rec_int(&c, 0, "http.status"), 200);
    assert_int_equal(rec_int(&c, 0, "http.length"), 11);
    assert_null(cap_rec(&c, 0, "http.redirect"));
    assert_true(c.sum[0].is_request_complete && c.sum[0].is_response_complete);
    assert_int_equal(c.sum[0].tx_id, 0);
    /* The response body as a file: named by its URL path, hashed. */
    assert_int_equal(c.file_count, 1);
    assert_int_equal(c.file_dir[0], FLOW_TOCLIENT);
    assert_string_equal(file_str(&c, 0, "fileinfo.filename"), "/index.html");
    assert_string_equal(file_str(&c, 0, "fileinfo.state"), "CLOSED");
    assert_string_equal(file_str(&c, 0, "fileinfo.md5"), md5_hello);
    assert_string_equal(file_str(&c, 0, "fileinfo.sha1"), sha1_hello);
    assert_string_equal(file_str(&c, 0, "fileinfo.sha256"), sha256_hello);
    assert_int_equal(file_int(&c, 0, "fileinfo.size"), 11);
    assert_int_equal(file_int(&c, 0, "fileinfo.tx_id"), 0);
    assert_true(json_is_false(cap_file(&c, 0, "fileinfo.gaps")));
    assert_true(json_is_false(cap_file(&c, 0, "fileinfo.stored")));
    assert_string_equal(file_str(&c, 0, "http.hostname"), "www.example.com");
    assert_int_equal(file_int(&c, 0, "http.status"), 200);
    cap_fini(&c);
}

/* Feeds req/res whole, one byte at a time, and cut in two at every offset of
 * each; every run must give the same records, files and anomalies. */
static void check_splits(const char *req, const char *res)
{
    struct http_capture ref;
    cap_init(&ref);
    run_exchange(&ref, req, res, 0);
    for (int pass = 0; pass < 3; pass++) {
        const char *s = pass == 1 ? req : res;
        size_t n = pass == 0 ? 1 : strlen(s);
        for (size_t cut = 1; cut <= n; cut++) {
            struct http_capture c;
            cap_init(&c);
            struct http_flow f;
            flow_open(&f, &c);
            if (pass == 0) {
                flow_feed(&f, FLOW_TOSERVER, req, -1, 1);
                flow_feed(&f, FLOW_TOCLIENT, res, -1, 1);
            } else {
                enum flow_dir dir = pass == 1 ? FLOW_TOSERVER : FLOW_TOCLIENT;
                if (pass == 2)
                    flow_feed(&f, FLOW_TOSERVER, req, -1, 0);
                flow_feed(&f, dir, s, (long)cut, 0);
                flow_feed(&f, dir, s + cut, (long)(strlen(s) - cut), 0);
                if (pass == 1)
                    flow_feed(&f, FLOW_TOCLIENT, res, -1, 0);
            }
            flow_close(&f);
            assert_int_equal(c.record_count, ref.record_count);
            assert_int_equal(c.file_count, ref.file_count);
            assert_int_equal(c.anomaly_count, ref.anomaly_count);
            for (size_t i = 0; i < c.record_count && i < CAP_MAX; i++)
                if (!json_equal(c.records[i], ref.records[i]))
                    fail_msg("pass %d cut %zu: record %zu differs", pass, cut, i);
            for (size_t i = 0; i < c.file_count && i < CAP_MAX; i++)
                if (!json_equal(c.files[i], ref.files[i]))
                    fail_msg("pass %d cut %zu: file %zu differs", pass, cut, i);
            cap_fini(&c);
        }
    }
    cap_fini(&ref);
}

static void test_get_split(void **state)
{
    (void)state;
    check_splits(get_req, get_res);
}

static const char chunked_res[] = "HTTP/1.1 200 OK\r\n"
                                  "Transfer-Encoding: gzip, chunked\r\n"
                                  "Content-Type: text/plain\r\n"
                                  "\r\n"
                                  "4\r\nWiki\r\n"
                                  "5;name=value\r\npedia\r\n"
                                  "E\r\n in\r\n\r\nchunks.\r\n"
                                  "0\r\n"
                                  "Expires: never\r\n"
                                  "\r\n";

static void test_chunked(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, "GET /wiki HTTP/1.1\r\nHost: w\r\n\r\n", chunked_res, 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(rec_int(&c, 0, "http.length"), 23); /* de-chunked */
    assert_true(c.sum[0].is_response_complete);
    assert_int_equal(c.file_count, 1);
    assert_int_equal(file_int(&c, 0, "fileinfo.size"), 23);
    assert_string_equal(file_str(&c, 0, "fileinfo.md5"), "25b83662323c397c9944a8a7b3fef7ab");
    assert_string_equal(file_str(&c, 0, "fileinfo.sha256"),
                        "3461c519a9b3939c702729f6440b85de20f8d03d1da9aa32d82215bc689e7b4d");
    cap_fini(&c);
    check_splits("GET /wiki HTTP/1.1\r\nHost: w\r\n\r\n", chunked_res);
}

/* Three requests sent before any response; responses matched in order. A
 * chunked POST body in the middle is an upload file of its own. */
static void test_pipelining(void **state)
{
    (void)state;
    static const char reqs[] = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                               "POST /up%20load HTTP/1.1\r\nHost: h\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                               "HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n";
    static const char resps[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz"
                                "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
                                "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, reqs, resps, 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 3);
    assert_string_equal(rec_str(&c, 0, "http.url"), "/a");
    assert_int_equal(rec_int(&c, 0, "http.status"), 200);
    assert_int_equal(rec_int(&c, 0, "http.length"), 3);
    assert_string_equal(rec_str(&c, 1, "http.http_method"), "POST");
    assert_int_equal(rec_int(&c, 1, "http.status"), 201);
    assert_int_equal(rec_int(&c, 1, "http.request_body_len"), 3);
    assert_string_equal(rec_str(&c, 2, "http.http_method"), "HEAD");
    assert_int_equal(rec_int(&c, 2, "http.length"), 0); /* HEAD: no body */
    assert_true(c.sum[2].is_response_complete);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(c.sum[i].tx_id, i);
    /* The upload first (its request ends before any response), then "xyz". */
    assert_int_equal(c.file_count, 2);
    assert_int_equal(c.file_dir[0], FLOW_TOSERVER);
    assert_string_equal(file_str(&c, 0, "fileinfo.filename"), "/up load");
    assert_string_equal(file_str(&c, 0, "fileinfo.md5"), "900150983cd24fb0d6963f7d28e17f72");
    assert_int_equal(file_int(&c, 0, "fileinfo.tx_id"), 1);
    assert_null(cap_file(&c, 0, "http.status")); /* no response yet */
    assert_int_equal(c.file_dir[1], FLOW_TOCLIENT);
    assert_string_equal(file_str(&c, 1, "fileinfo.md5"), "d16fb36f0911f878998c136191af705e");
    assert_int_equal(file_int(&c, 1, "fileinfo.tx_id"), 0);
    cap_fini(&c);
    check_splits(reqs, resps);
}

/* HTTP/1.0 without Content-Length: the body runs to the close, and is whole
 * when the flow ends. */
static void test_close_delimited(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, "GET /x HTTP/1.0\r\n\r\n",
                 "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\nabc", 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(rec_int(&c, 0, "http.length"), 3);
    assert_true(c.sum[0].is_response_complete);
    assert_null(cap_rec(&c, 0, "http.hostname"));
    assert_int_equal(c.file_count, 1);
    assert_string_equal(file_str(&c, 0, "fileinfo.state"), "CLOSED");
    assert_string_equal(file_str(&c, 0, "fileinfo.sha1"),
                        "a9993e364706816aba3e25717850c26c9cd0d89d");
    cap_fini(&c);
}

/* 100 Continue before the body is sent; 103 before the final answer. */
static void test_interim(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER,
              "PUT /f.txt HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
              "Content-Length: 11\r\n\r\n",
              -1, 0);
    flow_feed(&f, FLOW_TOCLIENT, "HTTP/1.1 100 Continue\r\n\r\n", -1, 0);
    flow_feed(&f, FLOW_TOSERVER, "hello world", -1, 0);
    flow_feed(&f, FLOW_TOCLIENT,
              "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
              "HTTP/1.1 204 No Content\r\nContent-Type: text/x\r\n\r\n",
              -1, 0);
    assert_int_equal(c.record_count, 1); /* complete: emitted before the end */
    flow_close(&f);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(rec_int(&c, 0, "http.status"), 204);
    assert_int_equal(rec_int(&c, 0, "http.request_body_len"), 11);
    assert_string_equal(rec_str(&c, 0, "http.http_content_type"), "text/x");
    assert_int_equal(c.file_count, 1);
    assert_string_equal(file_str(&c, 0, "fileinfo.filename"), "/f.txt");
    assert_string_equal(file_str(&c, 0, "fileinfo.md5"), md5_hello);
    cap_fini(&c);
}

static void test_no_body_statuses(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    /* 304 with a Content-Length of the cached entity: no body follows. */
    run_exchange(&c, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
                 "HTTP/1.1 304 Not Modified\r\nContent-Length: 500\r\n\r\n"
                 "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
                 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 2);
    assert_int_equal(rec_int(&c, 0, "http.status"), 304);
    assert_int_equal(rec_int(&c, 0, "http.length"), 0);
    assert_int_equal(rec_int(&c, 1, "http.status"), 302);
    assert_string_equal(rec_str(&c, 1, "http.redirect"), "/elsewhere");
    assert_int_equal(c.file_count, 0);
    cap_fini(&c);
}

/* CONNECT 200 hands the tunnel to detection; 101 ends parsing. */
static void test_tunnels(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER,
              "CONNECT Proxy.Example:443 HTTP/1.1\r\nHost: proxy.example:443\r\n\r\n", -1, 0);
    assert_int_equal(flow_feed(&f, FLOW_TOCLIENT,
                               "HTTP/1.1 200 Connection established\r\n\r\n"
                               "\x16\x03\x01",
                               -1, 0),
                     APP_REDETECT); /* the tunnel's protocol is found afresh */
    flow_close(&f);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.hostname"), "proxy.example");
    assert_int_equal(rec_int(&c, 0, "http.http_port"), 443);
    assert_string_equal(rec_str(&c, 0, "http.url"), "Proxy.Example:443");
    assert_true(c.sum[0].is_response_complete);
    cap_fini(&c);

    cap_init(&c);
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n", -1,
              0);
    assert_int_equal(flow_feed(&f, FLOW_TOCLIENT,
                               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
                               "\x81\x05hello",
                               -1, 0),
                     APP_DONE);
    flow_close(&f);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(rec_int(&c, 0, "http.status"), 101);
    cap_fini(&c);

    /* A refused CONNECT is an ordinary response: parsing goes on. */
    cap_init(&c);
    run_exchange(&c, "CONNECT x:443 HTTP/1.1\r\n\r\n",
                 "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno", 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(rec_int(&c, 0, "http.status"), 407);
    assert_int_equal(c.file_count, 1);
    cap_fini(&c);
}

/* The target's authority wins over Host (RFC 9112 §3.2.2); IPv6 literals
 * keep their brackets; the port is only what was written. */
static void test_hostnames(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c,
                 "GET http://user:pw@Proxy.Target.:3128/p?q HTTP/1.1\r\nHost: other\r\n\r\n"
                 "GET / HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n"
                 "GET / HTTP/1.1\r\nHost: plain.example\r\nHost: second\r\n\r\n"
                 "GET / HTTP/1.1\r\nHost: bad:port\r\n\r\n",
                 NULL, 0);
    assert_int_equal(c.record_count, 4);
    assert_string_equal(rec_str(&c, 0, "http.hostname"), "proxy.target");
    assert_int_equal(rec_int(&c, 0, "http.http_port"), 3128);
    assert_string_equal(rec_str(&c, 0, "http.url"), "http://user:pw@Proxy.Target.:3128/p?q");
    assert_string_equal(rec_str(&c, 1, "http.hostname"), "[2001:db8::1]");
    assert_int_equal(rec_int(&c, 1, "http.http_port"), 8443);
    assert_string_equal(rec_str(&c, 2, "http.hostname"), "plain.example");
    assert_null(cap_rec(&c, 2, "http.http_port"));
    assert_string_equal(rec_str(&c, 3, "http.hostname"), "bad");
    assert_null(cap_rec(&c, 3, "http.http_port"));
    /* Unanswered at the end: no status, length 0. */
    assert_null(cap_rec(&c, 0, "http.status"));
    assert_int_equal(rec_int(&c, 0, "http.length"), 0);
    assert_false(c.sum[0].has_response);
    cap_fini(&c);
}

/* An obs-fold line continues the field before it (RFC 9112 §5.2). Names are
 * case-insensitive; bare LF line ends are accepted. */
static void test_fold_and_case(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c,
                 "GET / HTTP/1.1\nhOsT: h\nuser-agent: Mozilla/5.0\n  (X11; Linux)\n"
                 "\tmore\nAccept: x\n\n",
                 "HTTP/1.1 200 OK\ncontent-LENGTH: 0\n\n", 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.http_user_agent"), "Mozilla/5.0 (X11; Linux) more");
    assert_string_equal(rec_str(&c, 0, "http.hostname"), "h");
    cap_fini(&c);
}

static void test_content_disposition(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, "GET /download?id=7 HTTP/1.1\r\nHost: h\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                 "Content-Disposition: attachment; filename=\"report final.pdf\"\r\n\r\nabc",
                 0);
    assert_int_equal(c.file_count, 1);
    assert_string_equal(file_str(&c, 0, "fileinfo.filename"), "report final.pdf");
    cap_fini(&c);
}

/* A response whose request was not seen (a capture starting mid-flow). */
static void test_response_only(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, NULL, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc", 0);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(cap_count(&c, "unmatched_response"), 1);
    assert_false(c.sum[0].has_request);
    assert_int_equal(rec_int(&c, 0, "http.status"), 404);
    assert_string_equal(rec_str(&c, 0, "http.protocol"), "HTTP/1.1");
    assert_null(cap_rec(&c, 0, "http.url"));
    assert_int_equal(c.file_count, 1);
    assert_string_equal(file_str(&c, 0, "fileinfo.filename"), "");
    cap_fini(&c);
}

/* A gap inside a body of known length: framing survives, the file has gaps
 * and no hashes; the next exchange is parsed. */
static void test_gap_in_body(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", -1,
              0);
    flow_feed(&f, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123", -1, 0);
    assert_int_equal(flow_gap(&f, FLOW_TOCLIENT, 3), APP_OK);
    flow_feed(&f, FLOW_TOCLIENT, "789HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", -1, 0);
    flow_close(&f);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 2);
    assert_int_equal(rec_int(&c, 0, "http.length"), 10);
    assert_int_equal(c.file_count, 2);
    assert_true(json_is_true(cap_file(&c, 0, "fileinfo.gaps")));
    assert_null(cap_file(&c, 0, "fileinfo.md5"));
    assert_int_equal(file_int(&c, 0, "fileinfo.size"), 7); /* bytes seen */
    assert_string_equal(file_str(&c, 1, "fileinfo.md5"), "900150983cd24fb0d6963f7d28e17f72");
    cap_fini(&c);
}

/* A gap where framing is lost (in a head, past a body's end): the message is
 * truncated and lines are skipped quietly up to the next start line. */
static void test_gap_resync(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET /1 HTTP/1.1\r\nHost: h\r\nUser-Ag", -1, 0);
    assert_int_equal(flow_gap(&f, FLOW_TOSERVER, 500), APP_OK);
    flow_feed(&f, FLOW_TOSERVER, "ent: lost\r\n\r\nGET /2 HTTP/1.1\r\nHost: h2\r\n\r\n", -1, 0);
    flow_feed(&f, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab", -1, 0);
    assert_int_equal(flow_gap(&f, FLOW_TOCLIENT, 50), APP_OK);
    flow_feed(&f, FLOW_TOCLIENT, "lost tail\r\nHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", -1,
              0);
    flow_close(&f);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(c.record_count, 2);
    assert_string_equal(rec_str(&c, 0, "http.url"), "/1");
    assert_false(c.sum[0].is_request_complete);
    assert_true(c.sum[0].is_truncated);
    assert_int_equal(rec_int(&c, 0, "http.status"), 200);
    assert_string_equal(rec_str(&c, 1, "http.url"), "/2");
    assert_int_equal(rec_int(&c, 1, "http.status"), 500);
    cap_fini(&c);
}

/* A flow ending in the middle of a body: the file is TRUNCATED. */
static void test_truncated_at_end(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, "GET /big.iso HTTP/1.1\r\nHost: h\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc", 0);
    assert_int_equal(c.record_count, 1);
    assert_false(c.sum[0].is_response_complete);
    assert_int_equal(rec_int(&c, 0, "http.length"), 3);
    assert_int_equal(c.file_count, 1);
    assert_string_equal(file_str(&c, 0, "fileinfo.state"), "TRUNCATED");
    assert_int_equal(file_int(&c, 0, "fileinfo.size"), 3);
    cap_fini(&c);
}

/* An idle keep-alive flow holds no line buffer, digest or transaction. */
static void test_idle_memory(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    size_t empty = flow_mem(&f);
    flow_feed(&f, FLOW_TOSERVER, get_req, -1, 7);
    flow_feed(&f, FLOW_TOCLIENT, get_res, -1, 5);
    assert_int_equal(c.record_count, 1);
    assert_int_equal(flow_mem(&f), empty);
    assert_true(empty < 1024);
    flow_close(&f);
    cap_fini(&c);
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        enum flow_dir dir;
        const char *s;
        enum app_probe want;
    } cases[] = {
        {FLOW_TOSERVER, "GET / HTTP/1.1\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "GET /very/long/path", APP_PROBE_YES},
        {FLOW_TOSERVER, "GE", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "POST", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "OPTIONS * RTSP/1.0\r\n", APP_PROBE_NO},
        {FLOW_TOSERVER, "OPTIONS * HTTP/1.1\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "OPTIONS sip:x", APP_PROBE_MAYBE},
        {FLOW_TOSERVER, "RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\n", APP_PROBE_YES},
        {FLOW_TOSERVER, "\x16\x03\x01\x02\x00", APP_PROBE_NO},
        {FLOW_TOSERVER, "SSH-2.0-OpenSSH_9.0\r\n", APP_PROBE_NO},
        {FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\n", APP_PROBE_YES},
        {FLOW_TOCLIENT, "HTTP/1.0 404", APP_PROBE_YES},
        {FLOW_TOCLIENT, "HTT", APP_PROBE_MAYBE},
        {FLOW_TOCLIENT, "RTSP/1.0 200 OK\r\n", APP_PROBE_NO},
        {FLOW_TOCLIENT, "220 smtp ready\r\n", APP_PROBE_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].s);
        uint8_t *copy = malloc(n);
        assert_non_null(copy);
        memcpy(copy, cases[i].s, n);
        enum app_probe got = http_parser.probe(cases[i].dir, copy, n);
        free(copy);
        if (got != cases[i].want)
            fail_msg("probe \"%s\": got %d, want %d", cases[i].s, got, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_get_split),
        cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_pipelining),
        cmocka_unit_test(test_close_delimited),
        cmocka_unit_test(test_interim),
        cmocka_unit_test(test_no_body_statuses),
        cmocka_unit_test(test_tunnels),
        cmocka_unit_test(test_hostnames),
        cmocka_unit_test(test_fold_and_case),
        cmocka_unit_test(test_content_disposition),
        cmocka_unit_test(test_response_only),
        cmocka_unit_test(test_gap_in_body),
        cmocka_unit_test(test_gap_resync),
        cmocka_unit_test(test_truncated_at_end),
        cmocka_unit_test(test_idle_memory),
        cmocka_unit_test(test_probe),
    };
    int failed = cmocka_run_group_tests_name("http", tests, NULL, NULL);
    failed += http_run_hostile_tests();
    failed += http_run_eve_tests();
    return failed;
}
