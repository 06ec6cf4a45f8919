/* fuzz_mail.h — the libFuzzer driver shared by fuzz_imap.c and fuzz_pop3.c
 * (both text mail protocols take the same input shape).
 *
 * Input: one selector byte, then chunks of [flags][length, 2 octets big
 * endian][bytes]; flags bit 0 is the direction (1 = to client), bit 1 asks
 * for a gap of (flags >> 2) + 1 octets before the chunk. A short last chunk
 * takes what is left. Selector bit 7 re-splits every chunk into pieces of
 * (selector & 0x3f) + 1 octets, so line and literal boundaries fall
 * everywhere. Each piece is copied to an exact-size buffer (ASan sees a read
 * one past it). Each record is formatted and the JSON checked; exactly one
 * record per flow.
 */
#ifndef HRADBA_FUZZ_MAIL_H
#define HRADBA_FUZZ_MAIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "output/json_buf.h"
#include "proto/app.h"

struct fuzz_mail {
    const struct app_parser *parser;
    enum app_record type;
    void (*format)(struct json_buf *b, const void *record);
    struct json_buf b;
    size_t records;
};

static void fuzz_mail_emit(void *ctx, enum app_record type, const void *record)
{
    struct fuzz_mail *f = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != f->parser->proto)
            abort();
        return;
    }
    if (type != f->type || ++f->records > 1) /* one summary per flow */
        abort();
    json_buf_reset(&f->b);
    json_buf_open_object(&f->b, NULL);
    f->format(&f->b, record);
    json_buf_close_object(&f->b);
    if (!json_buf_ok(&f->b) || f->b.depth != 0)
        abort();
}

static enum app_result fuzz_mail_piece(struct fuzz_mail *f, void *st, enum flow_dir dir,
                                       const uint8_t *p, size_t n, struct app_out *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return APP_ERROR;
    if (n)
        memcpy(copy, p, n);
    out->dir = dir;
    enum app_result r = f->parser->parse(st, dir, copy, n, out);
    free(copy);
    return r;
}

static void fuzz_mail_run(struct fuzz_mail *f, const uint8_t *data, size_t size)
{
    json_buf_init(&f->b);
    struct app_out out = {fuzz_mail_emit, f, 1, FLOW_TOSERVER, 0};
    struct cursor c = cursor_make(data, size);
    uint8_t sel = cursor_u8(&c);
    void *st = f->parser->state_new();
    if (!st || !cursor_ok(&c))
        goto done;
    enum app_result r = APP_OK;
    bool is_probed[2] = {false, false};
    while (r == APP_OK && cursor_left(&c) > 0) {
        uint8_t flags = cursor_u8(&c);
        size_t want = cursor_be16(&c);
        size_t n = want < cursor_left(&c) ? want : cursor_left(&c);
        const uint8_t *chunk = cursor_bytes(&c, n);
        enum flow_dir dir = (flags & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        if (!chunk)
            break;
        if (!is_probed[dir]) {
            f->parser->probe(dir, chunk, n);
            is_probed[dir] = true;
        }
        if ((flags & 2) && f->parser->gap)
            r = f->parser->gap(st, dir, (uint64_t)(flags >> 2) + 1, &out);
        size_t step = (sel & 0x80) ? (size_t)(sel & 0x3f) + 1 : (n ? n : 1);
        for (size_t off = 0; r == APP_OK && off < n; off += step)
            r = fuzz_mail_piece(f, st, dir, chunk + off, n - off < step ? n - off : step, &out);
        f->parser->state_mem(st);
    }
    f->parser->flow_end(st, &out);
done:
    f->parser->state_free(st);
    json_buf_fini(&f->b);
}

#endif
