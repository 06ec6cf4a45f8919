/* tls_test_util.c — see tls_test_util.h. */
#include "tls_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/tls/tls_parser.h"

#include <cmocka.h>

static void tcap_emit(void *ctx, enum app_record type, const void *record)
{
    struct tls_capture *c = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        assert_int_equal(a->proto, APP_PROTO_TLS);
        if (c->anomaly_count < TCAP_MAX)
            c->anomalies[c->anomaly_count] = a->event;
        c->anomaly_count++;
        return;
    }
    assert_int_equal(type, APP_RECORD_TLS);
    const struct tls_record *r = record;
    memcpy(c->rec, r, sizeof(*r));
    for (size_t i = 0; i < r->cert.san_count; i++)
        c->rec->cert.san[i] = c->rec->cert.san_text + (r->cert.san[i] - r->cert.san_text);
    c->record_count++;
}

void tcap_init(struct tls_capture *c)
{
    memset(c, 0, sizeof(*c));
    c->rec = calloc(1, sizeof(*c->rec));
    assert_non_null(c->rec);
    c->out.emit = tcap_emit;
    c->out.ctx = c;
    c->out.ts_us = 1;
}

void tcap_fini(struct tls_capture *c)
{
    free(c->rec);
    c->rec = NULL;
}

size_t tcap_count(const struct tls_capture *c, const char *event)
{
    size_t n = 0;
    for (size_t i = 0; i < c->anomaly_count && i < TCAP_MAX; i++)
        n += strcmp(c->anomalies[i], event) == 0;
    return n;
}

void tcap_expect(const struct tls_capture *c, const char *event)
{
    if (tcap_count(c, event) == 0)
        fail_msg("want anomaly \"%s\", got %zu (first \"%s\")", event, c->anomaly_count,
                 c->anomaly_count ? c->anomalies[0] : "");
}

static void tls_feed(struct tls_capture *c, void *st, enum flow_dir dir, const uint8_t *p, size_t n)
{
    if (c->last != APP_OK || n == 0)
        return;
    uint8_t *copy = malloc(n); /* exact size: ASan sees a read past the end */
    assert_non_null(copy);
    memcpy(copy, p, n);
    c->out.dir = dir;
    c->last = tls_parser.parse(st, dir, copy, n, &c->out);
    free(copy);
    size_t mem = tls_parser.state_mem(st);
    if (mem > c->max_mem)
        c->max_mem = mem;
}

void tls_run(struct tls_capture *c, const uint8_t *cl, size_t cl_len, const uint8_t *sv,
             size_t sv_len, size_t chunk)
{
    void *st = tls_parser.state_new();
    assert_non_null(st);
    c->last = APP_OK;
    size_t off[2] = {0, 0};
    const uint8_t *p[2] = {cl, sv};
    size_t len[2] = {cl_len, sv_len};
    /* the whole client flight first when not chunked, as a client speaks first */
    while (c->last == APP_OK && (off[0] < len[0] || off[1] < len[1])) {
        for (int d = 0; d < 2; d++) {
            size_t n = len[d] - off[d];
            if (chunk && n > chunk)
                n = chunk;
            tls_feed(c, st, d == 0 ? FLOW_TOSERVER : FLOW_TOCLIENT, p[d] + off[d], n);
            off[d] += n;
        }
    }
    if (c->last == APP_OK)
        tls_parser.flow_end(st, &c->out);
    tls_parser.state_free(st);
}

void tls_run_split(struct tls_capture *c, const uint8_t *cl, size_t cl_len, size_t cs,
                   const uint8_t *sv, size_t sv_len, size_t ss)
{
    void *st = tls_parser.state_new();
    assert_non_null(st);
    c->last = APP_OK;
    tls_feed(c, st, FLOW_TOSERVER, cl, cs);
    tls_feed(c, st, FLOW_TOSERVER, cl + cs, cl_len - cs);
    tls_feed(c, st, FLOW_TOCLIENT, sv, ss);
    tls_feed(c, st, FLOW_TOCLIENT, sv + ss, sv_len - ss);
    if (c->last == APP_OK)
        tls_parser.flow_end(st, &c->out);
    tls_parser.state_free(st);
}

void tb_init(struct tb *t)
{
    memset(t, 0, sizeof(*t));
}

void tb_fini(struct tb *t)
{
    free(t->b);
    memset(t, 0, sizeof(*t));
}

static void tb_grow(struct tb *t, size_t n)
{
    if (t->len + n <= t->cap)
        return;
    size_t cap = t->cap ? t->cap * 2 : 256;
    while (cap < t->len + n)
        cap *= 2;
    t->b = realloc(t->b, cap);
    assert_non_null(t->b);
    t->cap = cap;
}

void tb_u8(struct tb *t, unsigned v)
{
    tb_grow(t, 1);
    t->b[t->len++] = (uint8_t)v;
}

void tb_u16(struct tb *t, unsigned v)
{
    tb_u8(t, v >> 8);
    tb_u8(t, v);
}

void tb_u24(struct tb *t, uint32_t v)
{
    tb_u8(t, v >> 16);
    tb_u16(t, v & 0xffff);
}

void tb_bytes(struct tb *t, const void *p, size_t n)
{
    if (n == 0)
        return;
    tb_grow(t, n);
    memcpy(t->b + t->len, p, n);
    t->len += n;
}

void tb_fill(struct tb *t, uint8_t v, size_t n)
{
    tb_grow(t, n);
    memset(t->b + t->len, v, n);
    t->len += n;
}

size_t tb_open(struct tb *t, size_t width)
{
    size_t mark = t->len;
    tb_fill(t, 0, width);
    return mark;
}

void tb_close(struct tb *t, size_t mark, size_t width)
{
    size_t n = t->len - mark - width;
    for (size_t i = 0; i < width; i++)
        t->b[mark + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void tb_ext_begin(struct tb *t, uint16_t type, size_t *mark)
{
    tb_u16(t, type);
    *mark = tb_open(t, 2);
}

static void tb_extensions(struct tb *t, const struct hello_opts *o, bool is_server)
{
    size_t block = tb_open(t, 2), m, l;
    for (size_t i = 0; i < o->grease_ext_count; i++) {
        tb_u16(t, o->grease_ext[i]);
        tb_u16(t, 0);
    }
    if (o->sni) {
        tb_ext_begin(t, 0x0000, &m);
        if (!is_server) {
            l = tb_open(t, 2);
            tb_u8(t, 0);
            tb_u16(t, (unsigned)strlen(o->sni));
            tb_bytes(t, o->sni, strlen(o->sni));
            tb_close(t, l, 2);
        }
        tb_close(t, m, 2);
    }
    if (o->groups) {
        tb_ext_begin(t, 0x000a, &m);
        l = tb_open(t, 2);
        for (size_t i = 0; i < o->group_count; i++)
            tb_u16(t, o->groups[i]);
        tb_close(t, l, 2);
        tb_close(t, m, 2);
    }
    if (o->has_point_formats) {
        tb_ext_begin(t, 0x000b, &m);
        tb_u8(t, 1);
        tb_u8(t, 0);
        tb_close(t, m, 2);
    }
    if (o->sig_algs) {
        tb_ext_begin(t, 0x000d, &m);
        l = tb_open(t, 2);
        for (size_t i = 0; i < o->sig_alg_count; i++)
            tb_u16(t, o->sig_algs[i]);
        tb_close(t, l, 2);
        tb_close(t, m, 2);
    }
    if (o->alpn) {
        tb_ext_begin(t, 0x0010, &m);
        l = tb_open(t, 2);
        for (size_t i = 0; i < o->alpn_count; i++) {
            tb_u8(t, (unsigned)strlen(o->alpn[i]));
            tb_bytes(t, o->alpn[i], strlen(o->alpn[i]));
        }
        tb_close(t, l, 2);
        tb_close(t, m, 2);
    }
    if (o->has_ticket) {
        tb_ext_begin(t, 0x0023, &m);
        tb_bytes(t, o->ticket, o->ticket_len);
        tb_close(t, m, 2);
    }
    if (o->has_psk && is_server) {
        tb_ext_begin(t, 0x0029, &m);
        tb_u16(t, 0);
        tb_close(t, m, 2);
    }
    if (!is_server && o->versions) {
        tb_ext_begin(t, 0x002b, &m);
        tb_u8(t, (unsigned)(o->version_count * 2));
        for (size_t i = 0; i < o->version_count; i++)
            tb_u16(t, o->versions[i]);
        tb_close(t, m, 2);
    }
    if (is_server && o->selected_version) {
        tb_ext_begin(t, 0x002b, &m);
        tb_u16(t, o->selected_version);
        tb_close(t, m, 2);
    }
    if (o->has_key_share) {
        tb_ext_begin(t, 0x0033, &m);
        if (is_server) {
            tb_u16(t, 0x001d);
            tb_u16(t, 32);
            tb_fill(t, 0x42, 32);
        } else {
            l = tb_open(t, 2);
            tb_u16(t, 0x001d);
            tb_u16(t, 32);
            tb_fill(t, 0x42, 32);
            tb_close(t, l, 2);
        }
        tb_close(t, m, 2);
    }
    tb_close(t, block, 2);
}

void tb_client_hello_body(struct tb *t, const struct hello_opts *o)
{
    static const uint16_t def_ciphers[] = {0x1301, 0xc02f};
    tb_u16(t, o->version ? o->version : 0x0303);
    tb_fill(t, 0x11, 32);
    tb_u8(t, (unsigned)o->session_id_len);
    tb_bytes(t, o->session_id, o->session_id_len);
    const uint16_t *c = o->ciphers ? o->ciphers : def_ciphers;
    size_t n = o->ciphers ? o->cipher_count : 2;
    tb_u16(t, (unsigned)(n * 2));
    for (size_t i = 0; i < n; i++)
        tb_u16(t, c[i]);
    tb_u8(t, 1);
    tb_u8(t, 0);
    tb_extensions(t, o, false);
}

void tb_server_hello_body(struct tb *t, const struct hello_opts *o)
{
    tb_u16(t, o->version ? o->version : 0x0303);
    if (o->is_hrr)
        tb_bytes(t, hrr_random, sizeof(hrr_random));
    else
        tb_fill(t, 0x22, 32);
    tb_u8(t, (unsigned)o->session_id_len);
    tb_bytes(t, o->session_id, o->session_id_len);
    tb_u16(t, o->cipher ? o->cipher : 0x1301);
    tb_u8(t, 0);
    tb_extensions(t, o, true);
}

void tb_handshake(struct tb *t, uint8_t type, const uint8_t *body, size_t len)
{
    tb_u8(t, type);
    tb_u24(t, (uint32_t)len);
    tb_bytes(t, body, len);
}

void tb_records(struct tb *t, uint8_t content, const uint8_t *data, size_t len, size_t max)
{
    size_t off = 0;
    do {
        size_t n = len - off;
        if (max && n > max)
            n = max;
        tb_u8(t, content);
        tb_u16(t, 0x0303);
        tb_u16(t, (unsigned)n);
        tb_bytes(t, data + off, n);
        off += n;
    } while (off < len);
}

void tls_unrecord(const uint8_t *in, size_t len, struct tb *out)
{
    struct cursor c = cursor_make(in, len);
    while (cursor_left(&c) >= 5) {
        uint8_t type = cursor_u8(&c);
        (void)cursor_be16(&c);
        uint16_t n = cursor_be16(&c);
        const uint8_t *body = cursor_bytes(&c, n);
        if (!body || type != 22)
            break;
        tb_bytes(out, body, n);
    }
}
