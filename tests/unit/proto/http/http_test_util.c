/* http_test_util.c — see http_test_util.h. */
#include "http_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/file/fileinfo.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/http/http_eve.h"
#include "proto/http/http_parser.h"

#include <cmocka.h>

static json_t *cap_json(struct json_buf *b)
{
    assert_true(json_buf_ok(b));
    json_error_t err;
    json_t *doc = json_loads(b->data, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s in %s", err.text, b->data);
    return doc;
}

static void cap_check_str(struct http_str s)
{
    if (s.ptr)
        assert_int_equal(s.ptr[s.len], '\0');
}

static void cap_emit(void *ctx, enum app_record type, const void *record)
{
    struct http_capture *c = ctx;
    struct json_buf b;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        assert_int_equal(a->proto, APP_PROTO_HTTP);
        if (c->anomaly_count < CAP_MAX) {
            c->anomalies[c->anomaly_count] = a->event;
            c->anomaly_dir[c->anomaly_count] = a->dir;
        }
        c->anomaly_count++;
        return;
    }
    if (type == APP_RECORD_FILEINFO) {
        const struct fileinfo_record *r = record;
        assert_int_equal(r->proto, APP_PROTO_HTTP);
        if (c->file_count < CAP_MAX) {
            json_buf_init(&b);
            json_buf_open_object(&b, NULL);
            if (r->parent) {
                assert_int_equal(r->parent_type, APP_RECORD_HTTP);
                http_eve_format(&b, r->parent);
            }
            fileinfo_eve_format(&b, r);
            json_buf_close_object(&b);
            c->files[c->file_count] = cap_json(&b);
            c->file_dir[c->file_count] = r->dir;
            json_buf_fini(&b);
        }
        c->file_count++;
        return;
    }
    assert_int_equal(type, APP_RECORD_HTTP);
    const struct http_record *r = record;
    cap_check_str(r->http_method);
    cap_check_str(r->url);
    cap_check_str(r->hostname);
    cap_check_str(r->protocol);
    cap_check_str(r->http_user_agent);
    cap_check_str(r->http_content_type);
    c->evicted_count += r->is_evicted;
    if (c->record_count < CAP_MAX) {
        json_buf_init(&b);
        json_buf_open_object(&b, NULL);
        http_eve_format(&b, r);
        json_buf_close_object(&b);
        c->records[c->record_count] = cap_json(&b);
        json_buf_fini(&b);
        struct http_record_summary *s = &c->sum[c->record_count];
        s->tx_id = r->tx_id;
        s->has_request = r->has_request;
        s->is_request_complete = r->is_request_complete;
        s->has_response = r->has_response;
        s->is_response_complete = r->is_response_complete;
        s->is_evicted = r->is_evicted;
        s->is_truncated = r->is_truncated;
    }
    c->record_count++;
}

void cap_init(struct http_capture *c)
{
    memset(c, 0, sizeof(*c));
    c->out.emit = cap_emit;
    c->out.ctx = c;
    c->out.ts_us = 1;
}

void cap_fini(struct http_capture *c)
{
    for (size_t i = 0; i < c->record_count && i < CAP_MAX; i++)
        json_decref(c->records[i]);
    for (size_t i = 0; i < c->file_count && i < CAP_MAX; i++)
        json_decref(c->files[i]);
    memset(c, 0, sizeof(*c));
}

static json_t *cap_path(json_t *v, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && v;
         tok = strtok_r(NULL, ".", &save))
        v = json_object_get(v, tok);
    return v;
}

json_t *cap_rec(const struct http_capture *c, size_t i, const char *path)
{
    if (i >= c->record_count || i >= CAP_MAX)
        return NULL;
    return cap_path(c->records[i], path);
}

json_t *cap_file(const struct http_capture *c, size_t i, const char *path)
{
    if (i >= c->file_count || i >= CAP_MAX)
        return NULL;
    return cap_path(c->files[i], path);
}

static const char *cap_str_of(json_t *v, const char *path)
{
    if (!json_is_string(v))
        fail_msg("%s: not a string", path);
    return json_string_value(v);
}

static long long cap_int_of(json_t *v, const char *path)
{
    if (!json_is_integer(v))
        fail_msg("%s: not an integer", path);
    return json_integer_value(v);
}

const char *rec_str(const struct http_capture *c, size_t i, const char *path)
{
    return cap_str_of(cap_rec(c, i, path), path);
}

long long rec_int(const struct http_capture *c, size_t i, const char *path)
{
    return cap_int_of(cap_rec(c, i, path), path);
}

const char *file_str(const struct http_capture *c, size_t i, const char *path)
{
    return cap_str_of(cap_file(c, i, path), path);
}

long long file_int(const struct http_capture *c, size_t i, const char *path)
{
    return cap_int_of(cap_file(c, i, path), path);
}

size_t cap_count(const struct http_capture *c, const char *event)
{
    size_t n = 0;
    for (size_t i = 0; i < c->anomaly_count && i < CAP_MAX; i++)
        n += strcmp(c->anomalies[i], event) == 0;
    return n;
}

void flow_open(struct http_flow *f, struct http_capture *c)
{
    f->st = http_parser.state_new();
    assert_non_null(f->st);
    f->c = c;
    f->last = APP_OK;
}

enum app_result flow_feed(struct http_flow *f, enum flow_dir dir, const char *s, long len,
                          size_t step)
{
    size_t n = len < 0 ? strlen(s) : (size_t)len;
    if (step == 0)
        step = n ? n : 1;
    for (size_t off = 0; f->last == APP_OK && off < n; off += step) {
        size_t k = n - off < step ? n - off : step;
        uint8_t *copy = malloc(k);
        assert_non_null(copy);
        memcpy(copy, s + off, k);
        f->c->out.dir = dir;
        f->last = http_parser.parse(f->st, dir, copy, k, &f->c->out);
        free(copy);
        assert_true(http_parser.state_mem(f->st) <= HTTP_STATE_MEM_MAX);
    }
    return f->last;
}

enum app_result flow_gap(struct http_flow *f, enum flow_dir dir, uint64_t len)
{
    if (f->last != APP_OK)
        return f->last;
    f->c->out.dir = dir;
    f->last = http_parser.gap(f->st, dir, len, &f->c->out);
    return f->last;
}

void flow_close(struct http_flow *f)
{
    if (f->last == APP_OK) {
        f->c->out.dir = FLOW_TOSERVER;
        http_parser.flow_end(f->st, &f->c->out);
    }
    http_parser.state_free(f->st);
    f->st = NULL;
}

size_t flow_mem(const struct http_flow *f)
{
    return http_parser.state_mem(f->st);
}

void run_exchange(struct http_capture *c, const char *req, const char *res, size_t step)
{
    struct http_flow f;
    flow_open(&f, c);
    if (req)
        flow_feed(&f, FLOW_TOSERVER, req, -1, step);
    if (res)
        flow_feed(&f, FLOW_TOCLIENT, res, -1, step);
    flow_close(&f);
}
