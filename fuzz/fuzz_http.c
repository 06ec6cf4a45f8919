/* fuzz_http.c — libFuzzer target for the HTTP parser (src/proto/http/), its
 * EVE formatter and the fileinfo formatter.
 *
 * Input: one selector byte, then chunks of [flags][length, 2 octets big
 * endian][bytes]; flags bit 0 is the direction (1 = to client), bit 1 asks
 * for a gap of 2^((flags >> 2) & 15) octets before the chunk. A short last
 * chunk takes what is left. Selector bit 7 re-splits every chunk into pieces
 * of (selector & 0x3f) + 1 octets, so line, chunk and body boundaries fall
 * everywhere; bit 6 skips flow_end. Each piece is copied to an exact-size
 * buffer (ASan sees a read one past it). Every record is formatted and the
 * JSON checked; the state's memory must stay under HTTP_STATE_MEM_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/file/fileinfo.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/http/http_eve.h"
#include "proto/http/http_parser.h"
#include "proto/http/http_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_http_check_str(struct http_str s)
{
    /* Strings are NUL-terminated at len: touch both ends. */
    if (s.ptr && s.ptr[s.len] != '\0')
        abort();
}

static void fuzz_http_emit(void *ctx, enum app_record type, const void *record)
{
    struct json_buf *b = ctx;
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_HTTP)
            abort();
    } else if (type == APP_RECORD_HTTP) {
        const struct http_record *r = record;
        fuzz_http_check_str(r->url);
        fuzz_http_check_str(r->hostname);
        fuzz_http_check_str(r->http_user_agent);
        fuzz_http_check_str(r->http_content_type);
        http_eve_format(b, r);
    } else if (type == APP_RECORD_FILEINFO) {
        const struct fileinfo_record *f = record;
        if (f->proto != APP_PROTO_HTTP || (f->parent && f->parent_type != APP_RECORD_HTTP))
            abort();
        if (f->parent)
            http_eve_format(b, f->parent);
        fileinfo_eve_format(b, f);
    } else {
        abort();
    }
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static enum app_result fuzz_http_piece(void *st, enum flow_dir dir, const uint8_t *p, size_t n,
                                       struct app_out *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return APP_ERROR;
    if (n)
        memcpy(copy, p, n);
    out->dir = dir;
    enum app_result r = http_parser.parse(st, dir, copy, n, out);
    free(copy);
    if (http_parser.state_mem(st) > HTTP_STATE_MEM_MAX)
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_buf b;
    json_buf_init(&b);
    struct app_out out = {fuzz_http_emit, &b, 1, FLOW_TOSERVER, 0};
    struct cursor c = cursor_make(data, size);
    uint8_t sel = cursor_u8(&c);
    void *st = http_parser.state_new();
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
            http_parser.probe(dir, chunk, n);
            is_probed[dir] = true;
        }
        if (flags & 2) {
            out.dir = dir;
            r = http_parser.gap(st, dir, (uint64_t)1 << ((flags >> 2) & 15), &out);
        }
        size_t step = (sel & 0x80) ? (size_t)(sel & 0x3f) + 1 : (n ? n : 1);
        for (size_t off = 0; r == APP_OK && off < n; off += step)
            r = fuzz_http_piece(st, dir, chunk + off, n - off < step ? n - off : step, &out);
    }
    if (r == APP_OK && !(sel & 0x40))
        http_parser.flow_end(st, &out);
done:
    http_parser.state_free(st);
    json_buf_fini(&b);
    return 0;
}
