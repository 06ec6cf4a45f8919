/* http_test_util.h — helpers for the HTTP unit tests: an app_out that keeps
 * every record as its EVE JSON (http events, fileinfo events with their
 * "http" object) and every anomaly, and a flow driver that feeds a parser
 * state exact-size copies of its input (ASan sees a read one past them). */
#ifndef HRADBA_TESTS_HTTP_TEST_UTIL_H
#define HRADBA_TESTS_HTTP_TEST_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/http/http_record.h"

enum { CAP_MAX = 64 };

struct http_capture {
    struct app_out out;
    size_t record_count;
    size_t file_count;
    size_t anomaly_count;
    const char *anomalies[CAP_MAX]; /* static strings */
    enum flow_dir anomaly_dir[CAP_MAX];
    json_t *records[CAP_MAX]; /* {"http": {...}} */
    json_t *files[CAP_MAX];   /* {"http": {...}, "fileinfo": {...}} */
    enum flow_dir file_dir[CAP_MAX];
    /* Record fields EVE does not show, copied from the live record. */
    struct http_record_summary {
        uint64_t tx_id;
        bool has_request, is_request_complete, has_response, is_response_complete;
        bool is_evicted, is_truncated;
    } sum[CAP_MAX];
    size_t evicted_count; /* over all records, also past CAP_MAX */
};

void cap_init(struct http_capture *c);
void cap_fini(struct http_capture *c);
/* The value at "http.hostname"-style path of record i / file i, or NULL. */
json_t *cap_rec(const struct http_capture *c, size_t i, const char *path);
json_t *cap_file(const struct http_capture *c, size_t i, const char *path);
const char *rec_str(const struct http_capture *c, size_t i, const char *path);
long long rec_int(const struct http_capture *c, size_t i, const char *path);
const char *file_str(const struct http_capture *c, size_t i, const char *path);
long long file_int(const struct http_capture *c, size_t i, const char *path);
/* The number of anomalies named event. */
size_t cap_count(const struct http_capture *c, const char *event);

/* One flow through http_parser. */
struct http_flow {
    void *st;
    struct http_capture *c;
    enum app_result last; /* the last parse/gap result */
};

void flow_open(struct http_flow *f, struct http_capture *c);
/* Feeds s (len bytes; -1: strlen) in pieces of step bytes (0: whole). Stops
 * feeding once the parser is done. Returns the last result. */
enum app_result flow_feed(struct http_flow *f, enum flow_dir dir, const char *s, long len,
                          size_t step);
enum app_result flow_gap(struct http_flow *f, enum flow_dir dir, uint64_t len);
/* flow_end (when the parser is still running) and state_free. */
void flow_close(struct http_flow *f);
size_t flow_mem(const struct http_flow *f);

/* A whole exchange: request bytes then response bytes, each in pieces of
 * step, then the end of the flow. */
void run_exchange(struct http_capture *c, const char *req, const char *res, size_t step);

#endif
