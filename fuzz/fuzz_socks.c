/* fuzz_socks.c — libFuzzer target for the SOCKS parser (src/proto/socks/)
 * and its EVE formatter.
 *
 * Input: a sequence of chunks, each one header octet and its bytes. The
 * header's top bit picks the direction (set: server to client); its low 7
 * bits are the length, 0 meaning "a gap of one octet" and 127 "the rest of
 * the input". The probe sees the whole input from both sides first. Every
 * chunk is copied to an exact-size buffer so ASan sees a read one past its
 * end. Records are formatted and checked; a hand-over point outside the
 * call's data aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/socks/socks_eve.h"
#include "proto/socks/socks_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_socks_emit(void *ctx, enum app_record type, const void *record)
{
    struct json_buf *b = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_SOCKS)
            abort();
        return;
    }
    if (type != APP_RECORD_SOCKS)
        abort();
    const struct socks_record *r = record;
    if (r->user_len > 255 || r->dest_host_len > 255 || (r->version != 4 && r->version != 5))
        abort();
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    socks_eve_format(b, r);
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static enum app_result fuzz_socks_feed(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                       struct app_out *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return APP_ERROR;
    if (len)
        memcpy(copy, data, len);
    out->dir = dir;
    out->handover_at = len;
    enum app_result r = socks_parser.parse(st, dir, copy, len, out);
    free(copy);
    if (r == APP_REDETECT && out->handover_at > len)
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_buf b;
    json_buf_init(&b);
    struct app_out out = {fuzz_socks_emit, &b, 1, FLOW_TOSERVER, 0};

    socks_parser.probe(FLOW_TOSERVER, data, size);
    socks_parser.probe(FLOW_TOCLIENT, data, size);
    void *st = socks_parser.state_new();
    if (!st)
        goto done;
    enum app_result r = APP_OK;
    size_t off = 0;
    while (off < size && r == APP_OK) {
        uint8_t h = data[off++];
        enum flow_dir dir = (h & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t n = h & 0x7f;
        if (n == 0) {
            r = socks_parser.gap(st, dir, 1, &out);
            continue;
        }
        if (n == 0x7f || n > size - off)
            n = size - off;
        r = fuzz_socks_feed(st, dir, data + off, n, &out);
        off += n;
    }
    if (socks_parser.state_mem(st) == 0)
        abort();
    if (r == APP_OK)
        socks_parser.flow_end(st, &out);
    socks_parser.state_free(st);
done:
    json_buf_fini(&b);
    return 0;
}
