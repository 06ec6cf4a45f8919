/* dns_test_util.c — see dns_test_util.h. */
#include "dns_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/dns/dns_eve.h"
#include "proto/dns/dns_parser.h"

#include <cmocka.h>

static void cap_emit(void *ctx, enum app_record type, const void *record)
{
    struct dns_capture *c = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        assert_int_equal(a->proto, APP_PROTO_DNS);
        if (c->anomaly_count < CAP_MAX) {
            c->anomaly_dir[c->anomaly_count] = a->dir;
            c->anomalies[c->anomaly_count] = a->event;
        }
        c->anomaly_count++;
        return;
    }
    assert_int_equal(type, APP_RECORD_DNS);
    const struct dns_record *r = record;
    if (c->on_record)
        c->on_record(r, c->arg);
    if (c->record_count < CAP_MAX) {
        struct json_buf b;
        json_buf_init(&b);
        json_buf_open_object(&b, NULL);
        dns_eve_format(&b, r);
        json_buf_close_object(&b);
        assert_true(json_buf_ok(&b));
        json_error_t err;
        json_t *doc = json_loads(b.data, 0, &err);
        if (!doc)
            fail_msg("not JSON: %s in %s", err.text, b.data);
        json_buf_fini(&b);
        c->records[c->record_count] = doc;
        struct dns_record_summary *s = &c->sum[c->record_count];
        s->is_response = r->is_response;
        s->is_malformed = r->is_malformed;
        s->is_capped = r->is_capped;
        s->is_tcp = r->is_tcp;
        s->tx_id = r->tx_id;
        s->question_count = r->question_count;
        s->answer_count = r->answer_count;
        s->authority_count = r->authority_count;
        s->additional_count = r->additional_count;
        s->ancount = r->ancount;
        for (size_t i = 0; i < r->answer_count; i++)
            s->kinds[i] = r->answers[i].kind;
    }
    c->record_count++;
}

void cap_init(struct dns_capture *c)
{
    memset(c, 0, sizeof(*c));
    c->out.emit = cap_emit;
    c->out.ctx = c;
    c->out.ts_us = 1;
}

void cap_fini(struct dns_capture *c)
{
    for (size_t i = 0; i < c->record_count && i < CAP_MAX; i++)
        json_decref(c->records[i]);
    memset(c, 0, sizeof(*c));
}

json_t *cap_get(const struct dns_capture *c, size_t i, const char *path)
{
    if (i >= c->record_count || i >= CAP_MAX)
        return NULL;
    json_t *v = c->records[i];
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && v;
         tok = strtok_r(NULL, ".", &save)) {
        char *br = strchr(tok, '[');
        if (br)
            *br = '\0';
        v = json_object_get(v, tok);
        if (br && v)
            v = json_array_get(v, (size_t)atoi(br + 1));
    }
    return v;
}

const char *cap_str(const struct dns_capture *c, size_t i, const char *path)
{
    json_t *v = cap_get(c, i, path);
    if (!json_is_string(v))
        fail_msg("%s: not a string", path);
    return json_string_value(v);
}

long long cap_int(const struct dns_capture *c, size_t i, const char *path)
{
    json_t *v = cap_get(c, i, path);
    if (!json_is_integer(v))
        fail_msg("%s: not an integer", path);
    return json_integer_value(v);
}

size_t cap_count(const struct dns_capture *c, const char *event)
{
    size_t n = 0;
    for (size_t i = 0; i < c->anomaly_count && i < CAP_MAX; i++)
        n += strcmp(c->anomalies[i], event) == 0;
    return n;
}

void run_udp(struct dns_capture *c, enum flow_dir dir, const uint8_t *msg, size_t len)
{
    void *st = dns_udp_parser.state_new();
    assert_non_null(st);
    /* An exact-size copy: ASan sees any read one past the end. */
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, msg, len);
    assert_int_equal(dns_udp_parser.parse(st, dir, copy, len, &c->out), APP_OK);
    free(copy);
    dns_udp_parser.state_free(st);
}

void mb_init(struct mb *m)
{
    m->len = 0;
}

void mb_u8(struct mb *m, unsigned v)
{
    assert_true(m->len < sizeof(m->b));
    m->b[m->len++] = (uint8_t)v;
}

void mb_u16(struct mb *m, unsigned v)
{
    mb_u8(m, v >> 8);
    mb_u8(m, v & 0xff);
}

void mb_u32(struct mb *m, uint32_t v)
{
    mb_u16(m, v >> 16);
    mb_u16(m, v & 0xffff);
}

void mb_bytes(struct mb *m, const void *p, size_t n)
{
    assert_true(n <= sizeof(m->b) - m->len);
    memcpy(m->b + m->len, p, n);
    m->len += n;
}

void mb_name(struct mb *m, const char *dotted)
{
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
        mb_u8(m, (unsigned)n);
        mb_bytes(m, dotted, n);
        dotted += n + (dot != NULL);
    }
    mb_u8(m, 0);
}

void mb_header(struct mb *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
               unsigned ar)
{
    mb_u16(m, id);
    mb_u16(m, flags);
    mb_u16(m, qd);
    mb_u16(m, an);
    mb_u16(m, ns);
    mb_u16(m, ar);
}

void mb_question(struct mb *m, const char *name, unsigned type)
{
    mb_name(m, name);
    mb_u16(m, type);
    mb_u16(m, 1);
}

void mb_rr(struct mb *m, const char *name, unsigned type, uint32_t ttl, unsigned rdlength)
{
    mb_name(m, name);
    mb_u16(m, type);
    mb_u16(m, 1);
    mb_u32(m, ttl);
    mb_u16(m, rdlength);
}

void mb_put16_at(struct mb *m, size_t off, unsigned v)
{
    assert_true(off + 2 <= m->len);
    m->b[off] = (uint8_t)(v >> 8);
    m->b[off + 1] = (uint8_t)v;
}
