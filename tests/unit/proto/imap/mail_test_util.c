/* mail_test_util.c — see mail_test_util.h. */
#include "mail_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void mail_run_emit(void *ctx, enum app_record type, const void *record)
{
    struct mail_run *r = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        assert_int_equal(a->proto, r->parser->proto);
        assert_non_null(a->event);
        if (r->anomaly_count < MAIL_RUN_ANOMALY_MAX)
            r->anomalies[r->anomaly_count] = a->event;
        r->anomaly_count++;
        return;
    }
    assert_int_equal(type, r->type);
    r->record_count++;
    assert_int_equal(r->record_count, 1); /* one summary per flow */
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    r->format(&b, record);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    json_error_t err;
    json_t *doc = json_loads(b.data, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s in %s", err.text, b.data);
    r->json = json_incref(json_object_get(doc, r->key));
    assert_non_null(r->json);
    json_decref(doc);
    r->text = strdup(b.data);
    json_buf_fini(&b);
}

static struct app_out mail_run_out(struct mail_run *r, enum flow_dir dir)
{
    struct app_out o = {mail_run_emit, r, 1, dir, 0};
    return o;
}

void mail_run_start(struct mail_run *r)
{
    r->st = r->parser->state_new();
    assert_non_null(r->st);
    r->result = APP_OK;
}

static void mail_run_mem(struct mail_run *r)
{
    size_t m = r->parser->state_mem(r->st);
    if (m > r->max_mem)
        r->max_mem = m;
}

void mail_run_feed(struct mail_run *r, enum flow_dir dir, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t step = r->split ? r->split : (len ? len : 1);
    struct app_out o = mail_run_out(r, dir);
    for (size_t off = 0; r->result == APP_OK && off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        uint8_t *copy = malloc(n); /* exact size: ASan sees a read past the end */
        assert_non_null(copy);
        memcpy(copy, p + off, n);
        r->result = r->parser->parse(r->st, dir, copy, n, &o);
        free(copy);
    }
    mail_run_mem(r);
}

void mail_run_gap(struct mail_run *r, enum flow_dir dir, uint64_t len)
{
    struct app_out o = mail_run_out(r, dir);
    if (r->result == APP_OK)
        r->result = r->parser->gap(r->st, dir, len, &o);
}

void mail_run_end(struct mail_run *r)
{
    struct app_out o = mail_run_out(r, FLOW_TOSERVER);
    r->parser->flow_end(r->st, &o);
    r->parser->state_free(r->st);
    r->st = NULL;
}

void mail_run_fini(struct mail_run *r)
{
    json_decref(r->json);
    free(r->text);
    r->json = NULL;
    r->text = NULL;
}

void mail_run_steps(struct mail_run *r, const struct mail_step *steps, size_t n)
{
    mail_run_start(r);
    for (size_t i = 0; i < n; i++) {
        if (steps[i].gap)
            mail_run_gap(r, steps[i].dir, steps[i].gap);
        else
            mail_run_feed(r, steps[i].dir, steps[i].text,
                          steps[i].len ? steps[i].len : strlen(steps[i].text));
    }
    mail_run_end(r);
}

void mail_run_file(struct mail_run *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_true(len >= 1 && len < sizeof(buf));
    mail_run_start(r);
    size_t off = 1; /* the selector byte */
    while (off + 3 <= len) {
        enum flow_dir dir = (buf[off] & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = (size_t)buf[off + 1] << 8 | buf[off + 2];
        assert_true(off + 3 + n <= len);
        mail_run_feed(r, dir, buf + off + 3, n);
        off += 3 + n;
    }
    mail_run_end(r);
}

bool mail_run_has_anomaly(const struct mail_run *r, const char *event)
{
    for (size_t i = 0; i < r->anomaly_count && i < MAIL_RUN_ANOMALY_MAX; i++)
        if (strcmp(r->anomalies[i], event) == 0)
            return true;
    return false;
}

json_t *mail_run_get(const struct mail_run *r, const char *field)
{
    return r->json ? json_object_get(r->json, field) : NULL;
}

uint64_t mail_run_u64(const struct mail_run *r, const char *field)
{
    json_t *v = mail_run_get(r, field);
    if (!json_is_integer(v))
        fail_msg("%s: not an integer in %s", field, r->text ? r->text : "(no record)");
    return (uint64_t)json_integer_value(v);
}

const char *mail_run_str(const struct mail_run *r, const char *field)
{
    json_t *v = mail_run_get(r, field);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *mail_run_list(const struct mail_run *r, const char *field, char *buf, size_t size)
{
    json_t *a = mail_run_get(r, field);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                         json_string_value(json_array_get(a, i)));
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}
