/* test_http_hostile.c — hand-made hostile HTTP. Each case must end in its
 * named anomaly, with no crash (ASan/UBSan builds run these too) and with
 * the parser's memory under HTTP_STATE_MEM_MAX at every step (the flow
 * driver checks it after each piece). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_test_util.h"
#include "http_tests.h"
#include "proto/http/http_parser.h"

/* A request whose one header line is 64 KB: only HTTP_LINE_MAX bytes of it
 * are ever kept, and once the head passes HTTP_HEAD_BYTES_MAX the parser
 * stops. The request is still reported. */
static void test_header_line_64k(void **state)
{
    (void)state;
    size_t n = 65536;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'A', n);
    memcpy(big, "X-Big: ", 7);
    big[n] = '\0';
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET /x HTTP/1.1\r\nHost: h\r\n", -1, 0);
    assert_int_equal(flow_feed(&f, FLOW_TOSERVER, big, (long)n, 1460), APP_ERROR);
    flow_feed(&f, FLOW_TOSERVER, "\r\n\r\n", -1, 0);
    flow_close(&f);
    assert_int_equal(c.anomaly_count, 1);
    assert_int_equal(cap_count(&c, "header_section_too_long"), 1);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.url"), "/x");
    assert_false(c.sum[0].is_request_complete);
    cap_fini(&c);
    free(big);
}

/* A 20 KB header line that ends inside the head cap: cut, reported once,
 * parsing goes on (a long Cookie must not blind the sensor). */
static void test_header_line_long_survives(void **state)
{
    (void)state;
    size_t n = 20000;
    char *req = malloc(n + 200);
    assert_non_null(req);
    int k = snprintf(req, 200, "GET /y HTTP/1.1\r\nCookie: ");
    memset(req + k, 'c', n);
    snprintf(req + k + n, 200, "\r\nUser-Agent: ua\r\n\r\n");
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, req, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000);
    assert_int_equal(c.anomaly_count, 1);
    assert_int_equal(cap_count(&c, "header_line_too_long"), 1);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.http_user_agent"), "ua");
    assert_int_equal(rec_int(&c, 0, "http.status"), 200);
    cap_fini(&c);
    free(req);
}

/* A 12 KB URL: cut at the line cap, the version read from the line's tail. */
static void test_request_line_long(void **state)
{
    (void)state;
    size_t n = 12000;
    char *req = malloc(n + 100);
    assert_non_null(req);
    memcpy(req, "GET /", 5);
    memset(req + 5, 'u', n);
    snprintf(req + 5 + n, 95, " HTTP/1.1\r\nHost: h\r\n\r\n");
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, req, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 333);
    assert_int_equal(cap_count(&c, "request_line_too_long"), 1);
    assert_int_equal(c.record_count, 1);
    assert_true(c.sum[0].is_truncated);
    assert_int_equal(strlen(rec_str(&c, 0, "http.url")), HTTP_LINE_MAX - 4);
    assert_string_equal(rec_str(&c, 0, "http.protocol"), "HTTP/1.1");
    assert_int_equal(rec_int(&c, 0, "http.status"), 200);
    cap_fini(&c);
    free(req);
}

/* 10,000 pipelined requests with no response: at most HTTP_PENDING_MAX are
 * kept, the oldest are pushed out as records (one anomaly), and memory stays
 * bounded. The responses that come later still match their own requests. */
static void test_pipeline_10000(void **state)
{
    (void)state;
    static const char req[] = "GET /p HTTP/1.1\r\nHost: pipeline.example\r\nUser-Agent: x\r\n\r\n";
    static const char res[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz";
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    size_t peak = 0;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(flow_feed(&f, FLOW_TOSERVER, req, -1, 0), APP_OK);
        size_t mem = flow_mem(&f);
        peak = mem > peak ? mem : peak;
    }
    assert_int_equal(cap_count(&c, "too_many_transactions"), 1);
    assert_int_equal(c.record_count, 10000 - HTTP_PENDING_MAX);
    assert_int_equal(c.evicted_count, 10000 - HTTP_PENDING_MAX);
    assert_true(peak <= HTTP_STATE_MEM_MAX);
    /* The first response belongs to request 0, pushed out long ago. */
    assert_int_equal(flow_feed(&f, FLOW_TOCLIENT, res, -1, 0), APP_OK);
    assert_int_equal(c.record_count, 10000 - HTTP_PENDING_MAX + 1);
    flow_close(&f);
    /* At the end the kept requests are reported, unanswered. */
    assert_int_equal(c.record_count, 10000 + 1);
    assert_int_equal(c.sum[0].tx_id, 0);
    assert_true(c.sum[0].is_evicted);
    assert_false(c.sum[0].has_response);
    assert_int_equal(c.file_count, 1);
    assert_int_equal(file_int(&c, 0, "fileinfo.tx_id"), 0);
    cap_fini(&c);
}

/* Same, answered as it goes: no eviction, memory back to idle. */
static void test_pipeline_answered(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    size_t idle = flow_mem(&f);
    for (int i = 0; i < 1000; i++) {
        flow_feed(&f, FLOW_TOSERVER, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", -1, 0);
        flow_feed(&f, FLOW_TOCLIENT, "HTTP/1.1 204 No Content\r\n\r\n", -1, 0);
    }
    assert_int_equal(c.record_count, 1000);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(flow_mem(&f), idle);
    flow_close(&f);
    cap_fini(&c);
}

/* A hostile exchange: the request, then the response, and the anomaly
 * expected (in either). */
static void expect_anomaly(const char *req, const char *res, const char *event, size_t records)
{
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, req, res, 0);
    if (cap_count(&c, event) != 1)
        fail_msg("want one \"%s\", got %zu anomalies (first \"%s\")", event, c.anomaly_count,
                 c.anomaly_count ? c.anomalies[0] : "");
    assert_int_equal(c.record_count, records);
    cap_fini(&c);
}

static void test_chunk_size_overflow(void **state)
{
    (void)state;
    expect_anomaly("GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
                   "chunk_size_overflow", 1);
    /* Just above the cap, in a request body. */
    expect_anomaly("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000001\r\nx", NULL,
                   "chunk_size_overflow", 1);
    /* Leading zeros are not an overflow. */
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c,
                 "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "000000000000000000000003\r\nabc\r\n0\r\n\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(rec_int(&c, 0, "http.request_body_len"), 3);
    cap_fini(&c);
}

static void test_chunk_invalid(void **state)
{
    (void)state;
    expect_anomaly(NULL, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
                   "chunk_size_invalid", 1);
    expect_anomaly(NULL,
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
                   "chunk_data_overrun", 1);
}

static void test_content_length_overflow(void **state)
{
    (void)state;
    expect_anomaly("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", NULL,
                   "content_length_overflow", 1);
    expect_anomaly("GET / HTTP/1.1\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\nabc",
                   "content_length_overflow", 1);
}

static void test_content_length_negative(void **state)
{
    (void)state;
    expect_anomaly("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", NULL, "content_length_invalid",
                   1);
    expect_anomaly("POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", NULL, "content_length_invalid",
                   1);
}

/* Two differing lengths (a smuggling attempt): the request cannot be framed;
 * the parser resyncs on the next request line. Equal duplicates are fine. */
static void test_content_length_conflict(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c,
                 "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"
                 "GET /b HTTP/1.1\r\n\r\n",
                 NULL, 0);
    assert_int_equal(cap_count(&c, "content_length_conflict"), 1);
    assert_int_equal(c.anomaly_count, 1);
    assert_int_equal(c.record_count, 2);
    assert_string_equal(rec_str(&c, 1, "http.url"), "/b");
    cap_fini(&c);

    cap_init(&c);
    run_exchange(&c, "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc",
                 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
    assert_int_equal(c.anomaly_count, 0);
    assert_int_equal(rec_int(&c, 0, "http.request_body_len"), 3);
    cap_fini(&c);
}

/* Transfer-Encoding and Content-Length together: chunked wins (RFC 9112
 * §6.3), reported as the smuggling signal it is. */
static void test_te_and_cl(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c,
                 "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "1\r\nx\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n",
                 NULL, 0);
    assert_int_equal(cap_count(&c, "transfer_encoding_and_content_length"), 1);
    assert_int_equal(c.record_count, 2);
    assert_int_equal(rec_int(&c, 0, "http.request_body_len"), 1);
    assert_string_equal(rec_str(&c, 1, "http.url"), "/next");
    cap_fini(&c);
    expect_anomaly("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", NULL,
                   "transfer_encoding_invalid", 1);
}

/* Garbage where a request line is due: one anomaly, lines skipped, and the
 * parser gives up after HTTP's resync budget. */
static void test_garbage_request(void **state)
{
    (void)state;
    expect_anomaly("GET / HTTP/1.1\r\n\r\n\x01\x02garbage \xff\xfe\r\nmore\r\n", NULL,
                   "request_line_invalid", 1);
    expect_anomaly(NULL, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/9 abc\r\n",
                   "status_line_invalid", 1);
    /* A resync finds the next request. */
    expect_anomaly("GET /1 HTTP/1.1\r\n\r\nnot a request\r\nGET /2 HTTP/1.1\r\n\r\n", NULL,
                   "request_line_invalid", 2);
    /* 100 KB of binary: stops with APP_ERROR. */
    size_t n = 100000;
    char *junk = malloc(n);
    assert_non_null(junk);
    for (size_t i = 0; i < n; i++)
        junk[i] = (char)(i % 7 == 0 ? '\n' : 0x80 + i % 100);
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET / HTTP/1.1\r\n\r\n", -1, 0);
    assert_int_equal(flow_feed(&f, FLOW_TOSERVER, junk, (long)n, 0), APP_ERROR);
    flow_close(&f);
    assert_int_equal(cap_count(&c, "request_line_invalid"), 1);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
    free(junk);
}

static void test_too_many_headers(void **state)
{
    (void)state;
    char req[8192];
    size_t n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n");
    for (int i = 0; i < HTTP_HEADERS_MAX + 10; i++)
        n += (size_t)snprintf(req + n, sizeof(req) - n, "X-%d: v\r\n", i);
    snprintf(req + n, sizeof(req) - n, "Host: late\r\n\r\n");
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, req, NULL, 0);
    assert_int_equal(cap_count(&c, "too_many_headers"), 1);
    assert_int_equal(c.record_count, 1);
    assert_string_equal(rec_str(&c, 0, "http.hostname"), "late");
    cap_fini(&c);
}

static void test_bad_field_line(void **state)
{
    (void)state;
    expect_anomaly("GET / HTTP/1.1\r\nHost : h\r\nno colon here\r\n\r\n", NULL,
                   "header_line_invalid", 1);
}

/* Many kept strings per transaction: the store is capped and the record
 * says it was cut. */
static void test_store_cap(void **state)
{
    (void)state;
    size_t n = 7000;
    char *req = malloc(4 * n + 200);
    assert_non_null(req);
    size_t k = (size_t)sprintf(req, "GET / HTTP/1.1\r\n");
    static const char *const names[] = {"User-Agent", "Referer", "X-Forwarded-For", "Host"};
    for (size_t i = 0; i < 4; i++) {
        k += (size_t)sprintf(req + k, "%s: ", names[i]);
        memset(req + k, 'a' + (int)i, n);
        k += n;
        k += (size_t)sprintf(req + k, "\r\n");
    }
    sprintf(req + k, "\r\n");
    struct http_capture c;
    cap_init(&c);
    run_exchange(&c, req, NULL, 0);
    assert_int_equal(c.record_count, 1);
    assert_true(c.sum[0].is_truncated);
    assert_int_equal(strlen(rec_str(&c, 0, "http.http_user_agent")), n);
    cap_fini(&c);
    free(req);
}

/* Anomalies are capped per flow. */
static void test_anomaly_cap(void **state)
{
    (void)state;
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    for (int i = 0; i < 1000; i++)
        flow_feed(&f, FLOW_TOSERVER, "GET / HTTP/1.1\r\nbad line\r\n\r\n", -1, 0);
    flow_close(&f);
    assert_int_equal(c.record_count, 1000);
    assert_true(c.anomaly_count <= 32);
    cap_fini(&c);
}

/* An unterminated line of a megabyte in a head: the cap ends it. */
static void test_unterminated_line(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'q', n);
    struct http_capture c;
    cap_init(&c);
    struct http_flow f;
    flow_open(&f, &c);
    flow_feed(&f, FLOW_TOSERVER, "GET / HTTP/1.1\r\nX: ", -1, 0);
    assert_int_equal(flow_feed(&f, FLOW_TOSERVER, big, (long)n, 4096), APP_ERROR);
    flow_close(&f);
    assert_int_equal(cap_count(&c, "header_section_too_long"), 1);
    assert_int_equal(c.record_count, 1);
    cap_fini(&c);
    free(big);
}

int http_run_hostile_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_line_64k),
        cmocka_unit_test(test_header_line_long_survives),
        cmocka_unit_test(test_request_line_long),
        cmocka_unit_test(test_pipeline_10000),
        cmocka_unit_test(test_pipeline_answered),
        cmocka_unit_test(test_chunk_size_overflow),
        cmocka_unit_test(test_chunk_invalid),
        cmocka_unit_test(test_content_length_overflow),
        cmocka_unit_test(test_content_length_negative),
        cmocka_unit_test(test_content_length_conflict),
        cmocka_unit_test(test_te_and_cl),
        cmocka_unit_test(test_garbage_request),
        cmocka_unit_test(test_too_many_headers),
        cmocka_unit_test(test_bad_field_line),
        cmocka_unit_test(test_store_cap),
        cmocka_unit_test(test_anomaly_cap),
        cmocka_unit_test(test_unterminated_line),
    };
    return cmocka_run_group_tests_name("http_hostile", tests, NULL, NULL);
}
