/* fuzz_quic.c — libFuzzer target for the QUIC parser (src/proto/quic/), the
 * TLS hello decoder behind it, and the EVE quic formatter.
 *
 * Input: one selector byte, then the payload.
 * - Selector top bit clear: the payload is a list of datagrams, each as a
 *   2-byte header (top bit: direction, 1 = to client; low 15 bits: length)
 *   then its bytes; a short last one takes what is left. The first is
 *   probed; each is copied to an exact-size buffer (so ASan sees a read one
 *   past its end) and fed to the parser, which opens real Initial packets
 *   from the seed corpus. Encrypted bytes resist mutation, so:
 * - Selector top bit set: the payload is plaintext, split at a point
 *   chosen by the selector into a client and a server part, each fed in up
 *   to 4 pieces through quic_parser_plaintext, so the frame layer, the
 *   CRYPTO reassembly and the hellos get fuzzed directly.
 * Every record is formatted with quic_eve_format and the JSON checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/quic/quic_eve.h"
#include "proto/quic/quic_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_quic_emit(void *ctx, enum app_record type, const void *record)
{
    struct json_buf *b = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_QUIC)
            abort();
        return;
    }
    if (type != APP_RECORD_QUIC)
        abort();
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    quic_eve_format(b, record);
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static enum app_result fuzz_quic_datagram(void *st, enum flow_dir dir, const uint8_t *data,
                                          size_t len, struct app_out *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return APP_ERROR;
    if (len)
        memcpy(copy, data, len);
    out->dir = dir;
    enum app_result r = quic_parser.parse(st, dir, copy, len, out);
    free(copy);
    return r;
}

static enum app_result fuzz_quic_plain(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                       unsigned pieces, struct app_out *out)
{
    enum app_result r = APP_OK;
    size_t done = 0;
    for (unsigned i = 1; i <= pieces && r == APP_OK; i++) {
        size_t end = len * i / pieces;
        uint8_t *copy = malloc(end - done ? end - done : 1);
        if (!copy)
            return APP_ERROR;
        memcpy(copy, data + done, end - done);
        out->dir = dir;
        r = quic_parser_plaintext(st, dir, 1, copy, end - done, out);
        free(copy);
        done = end;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_buf b;
    json_buf_init(&b);
    struct app_out out = {fuzz_quic_emit, &b, 1, FLOW_TOSERVER, 0};
    if (size < 1)
        goto done;
    const uint8_t sel = data[0];
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    void *st = quic_parser.state_new();
    if (!st)
        goto done;
    enum app_result r = APP_OK;
    if (sel & 0x80) {
        size_t cut = len * (sel & 0x0f) / 16;
        unsigned pieces = 1 + ((sel >> 4) & 0x3);
        r = fuzz_quic_plain(st, FLOW_TOSERVER, p, cut, pieces, &out);
        if (r == APP_OK)
            r = fuzz_quic_plain(st, FLOW_TOCLIENT, p + cut, len - cut, pieces, &out);
    } else {
        size_t off = 0;
        for (unsigned n = 0; off + 2 <= len && r == APP_OK; n++) {
            enum flow_dir dir = (p[off] & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
            size_t dlen = (size_t)(p[off] & 0x7f) << 8 | p[off + 1];
            off += 2;
            if (dlen > len - off)
                dlen = len - off;
            if (n == 0)
                quic_parser.probe(dir, p + off, dlen);
            r = fuzz_quic_datagram(st, dir, p + off, dlen, &out);
            off += dlen;
        }
    }
    quic_parser.state_mem(st);
    quic_parser.flow_end(st, &out);
    quic_parser.state_free(st);
done:
    json_buf_fini(&b);
    return 0;
}
