/* smtp_test_util.c — see smtp_test_util.h. */
#include "smtp_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/smtp/smtp_eve.h"
#include "proto/smtp/smtp_parser.h"

#include <cmocka.h>

static json_t *smtp_run_parse(struct json_buf *b)
{
    json_buf_close_object(b);
    assert_true(json_buf_ok(b));
    json_error_t err;
    json_t *doc = json_loads(b->data, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s in %s", err.text, b->data);
    return doc;
}

static void smtp_run_emit(void *ctx, enum app_record type, const void *record)
{
    struct smtp_run *r = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        assert_int_equal(a->proto, APP_PROTO_SMTP);
        assert_non_null(a->event);
        if (r->anomaly_count < SMTP_RUN_MAX)
            r->anomalies[r->anomaly_count] = a->event;
        r->anomaly_count++;
        return;
    }
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    if (type == APP_RECORD_SMTP) {
        smtp_eve_format(&b, record);
        json_t *doc = smtp_run_parse(&b);
        if (r->tx_count < SMTP_RUN_MAX)
            r->tx[r->tx_count] = doc;
        else
            json_decref(doc);
        r->tx_count++;
    } else {
        assert_int_equal(type, APP_RECORD_FILEINFO);
        const struct fileinfo_record *f = record;
        assert_int_equal(f->proto, APP_PROTO_SMTP);
        assert_int_equal(f->parent_type, APP_RECORD_SMTP);
        assert_non_null(f->parent);
        assert_int_equal(((const struct smtp_record *)f->parent)->tx_id, f->tx_id);
        smtp_eve_format_objects(&b, f->parent);
        fileinfo_eve_format(&b, f);
        json_t *doc = smtp_run_parse(&b);
        if (r->file_count < SMTP_RUN_MAX)
            r->file[r->file_count] = doc;
        else
            json_decref(doc);
        r->file_count++;
    }
    json_buf_fini(&b);
}

static struct app_out smtp_run_out(struct smtp_run *r, enum flow_dir dir)
{
    struct app_out o = {smtp_run_emit, r, 1, dir, 0};
    return o;
}

static void smtp_run_mem(struct smtp_run *r)
{
    size_t m = smtp_parser.state_mem(r->st);
    if (m > r->max_mem)
        r->max_mem = m;
}

void smtp_run_start(struct smtp_run *r, size_t split)
{
    memset(r, 0, sizeof(*r));
    r->split = split;
    r->st = smtp_parser.state_new();
    assert_non_null(r->st);
    r->result = APP_OK;
}

void smtp_run_feed(struct smtp_run *r, enum flow_dir dir, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t step = r->split ? r->split : (len ? len : 1);
    struct app_out o = smtp_run_out(r, dir);
    for (size_t off = 0; r->result == APP_OK && off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        uint8_t *copy = malloc(n); /* exact size: ASan sees a read past the end */
        assert_non_null(copy);
        memcpy(copy, p + off, n);
        r->result = smtp_parser.parse(r->st, dir, copy, n, &o);
        free(copy);
        smtp_run_mem(r);
    }
}

void smtp_run_gap(struct smtp_run *r, enum flow_dir dir, uint64_t len)
{
    struct app_out o = smtp_run_out(r, dir);
    if (r->result == APP_OK)
        r->result = smtp_parser.gap(r->st, dir, len, &o);
}

void smtp_run_end(struct smtp_run *r)
{
    struct app_out o = smtp_run_out(r, FLOW_TOSERVER);
    if (r->result == APP_OK)
        smtp_parser.flow_end(r->st, &o);
    smtp_parser.state_free(r->st);
    r->st = NULL;
}

void smtp_run_fini(struct smtp_run *r)
{
    for (size_t i = 0; i < r->tx_count && i < SMTP_RUN_MAX; i++)
        json_decref(r->tx[i]);
    for (size_t i = 0; i < r->file_count && i < SMTP_RUN_MAX; i++)
        json_decref(r->file[i]);
    r->tx_count = r->file_count = 0;
}

void smtp_run_steps(struct smtp_run *r, size_t split, const struct smtp_step *steps, size_t n)
{
    smtp_run_start(r, split);
    for (size_t i = 0; i < n; i++) {
        if (steps[i].gap)
            smtp_run_gap(r, steps[i].dir, steps[i].gap);
        else
            smtp_run_feed(r, steps[i].dir, steps[i].text,
                          steps[i].len ? steps[i].len : strlen(steps[i].text));
    }
    smtp_run_end(r);
}

void smtp_run_file(struct smtp_run *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_true(len >= 1 && len < sizeof(buf));
    smtp_run_start(r, 0);
    size_t off = 1; /* the selector byte */
    while (off + 3 <= len) {
        enum flow_dir dir = (buf[off] & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = (size_t)buf[off + 1] << 8 | buf[off + 2];
        assert_true(off + 3 + n <= len);
        smtp_run_feed(r, dir, buf + off + 3, n);
        off += 3 + n;
    }
    smtp_run_end(r);
}

bool smtp_run_has_anomaly(const struct smtp_run *r, const char *event)
{
    for (size_t i = 0; i < r->anomaly_count && i < SMTP_RUN_MAX; i++)
        if (strcmp(r->anomalies[i], event) == 0)
            return true;
    return false;
}

json_t *smtp_run_get(const struct smtp_run *r, size_t i, const char *path)
{
    if (i >= r->tx_count || i >= SMTP_RUN_MAX)
        return NULL;
    json_t *v = r->tx[i];
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); v && part;
         part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(v))
            v = json_array_get(v, (size_t)strtoul(part, NULL, 10));
        else
            v = json_object_get(v, part);
    }
    return v;
}

const char *smtp_run_str(const struct smtp_run *r, size_t i, const char *path)
{
    json_t *v = smtp_run_get(r, i, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *smtp_run_dump(const struct smtp_run *r)
{
    json_t *all = json_array();
    for (size_t i = 0; i < r->tx_count && i < SMTP_RUN_MAX; i++)
        json_array_append(all, r->tx[i]);
    for (size_t i = 0; i < r->file_count && i < SMTP_RUN_MAX; i++)
        json_array_append(all, r->file[i]);
    char *s = json_dumps(all, JSON_SORT_KEYS);
    json_decref(all);
    return s;
}
