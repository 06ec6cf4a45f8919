/* fuzz_smtp.c — libFuzzer target for the SMTP parser (src/proto/smtp/),
 * the MIME reader under it (src/proto/mime/) and their EVE formatters.
 *
 * Input shape as fuzz/fuzz_mail.h: one selector byte, then chunks of
 * [flags][length, 2 octets big endian][bytes]; flags bit 0 is the direction
 * (1 = to client), bit 1 asks for a gap of (flags >> 2) + 1 octets first.
 * Selector bit 7 re-splits chunks into (selector & 0x3f) + 1 octet pieces.
 * Unlike IMAP and POP3, SMTP gives one record per transaction plus one
 * fileinfo record per attachment, so this driver checks each of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "output/json_buf.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/smtp/smtp_eve.h"
#include "proto/smtp/smtp_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_smtp {
    struct json_buf b;
    const void *last_parent; /* the last smtp record, for its fileinfo records */
};

static void fuzz_smtp_check(struct json_buf *b)
{
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static void fuzz_smtp_emit(void *ctx, enum app_record type, const void *record)
{
    struct fuzz_smtp *f = ctx;
    json_buf_reset(&f->b);
    json_buf_open_object(&f->b, NULL);
    switch (type) {
    case APP_RECORD_ANOMALY: {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_SMTP)
            abort();
        return;
    }
    case APP_RECORD_SMTP:
        smtp_eve_format(&f->b, record);
        f->last_parent = record;
        break;
    case APP_RECORD_FILEINFO: {
        const struct fileinfo_record *r = record;
        if (r->parent_type != APP_RECORD_SMTP || !r->parent || r->parent != f->last_parent)
            abort();
        smtp_eve_format_objects(&f->b, r->parent);
        fileinfo_eve_format(&f->b, r);
        break;
    }
    default:
        abort();
    }
    fuzz_smtp_check(&f->b);
}

static enum app_result fuzz_smtp_piece(void *st, enum flow_dir dir, const uint8_t *p, size_t n,
                                       struct app_out *out)
{
    uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees a read past it */
    if (!copy)
        return APP_ERROR;
    if (n)
        memcpy(copy, p, n);
    out->dir = dir;
    enum app_result r = smtp_parser.parse(st, dir, copy, n, out);
    free(copy);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_smtp f = {.last_parent = NULL};
    json_buf_init(&f.b);
    struct app_out out = {fuzz_smtp_emit, &f, 1, FLOW_TOSERVER, 0};
    struct cursor c = cursor_make(data, size);
    uint8_t sel = cursor_u8(&c);
    void *st = smtp_parser.state_new();
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
            smtp_parser.probe(dir, chunk, n);
            is_probed[dir] = true;
        }
        if (flags & 2)
            r = smtp_parser.gap(st, dir, (uint64_t)(flags >> 2) + 1, &out);
        size_t step = (sel & 0x80) ? (size_t)(sel & 0x3f) + 1 : (n ? n : 1);
        for (size_t off = 0; r == APP_OK && off < n; off += step)
            r = fuzz_smtp_piece(st, dir, chunk + off, n - off < step ? n - off : step, &out);
        /* Bounded whatever the input: two lines, the state, one message. */
        if (smtp_parser.state_mem(st) > 512 * 1024)
            abort();
    }
    smtp_parser.flow_end(st, &out);
done:
    smtp_parser.state_free(st);
    json_buf_fini(&f.b);
    return 0;
}
