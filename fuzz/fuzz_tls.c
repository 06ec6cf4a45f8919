/* fuzz_tls.c — libFuzzer target for the TLS parser (src/proto/tls/), the
 * hello decoder and fingerprints, and the EVE tls formatter.
 *
 * Input: one selector byte, a 2-byte big-endian client length, then the
 * payload: that many client bytes, the rest the server's (the length is
 * cut to the payload). Each part is fed to its direction in chunks of 1 to
 * 64 bytes (sizes from the selector), alternating client and server, each
 * chunk copied to an
 * exact-size buffer so ASan sees a read one past its end. With the
 * selector's top bit set, a gap is reported in the server direction
 * halfway. The payload is also decoded directly as a ClientHello and a
 * ServerHello body (so the QUIC entry points get fuzzed too). Every record
 * is formatted and the JSON checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/tls/tls_eve.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_tls_emit(void *ctx, enum app_record type, const void *record)
{
    struct json_buf *b = ctx;
    if (type == APP_RECORD_ANOMALY) {
        const struct app_anomaly *a = record;
        if (!a->event || a->proto != APP_PROTO_TLS)
            abort();
        return;
    }
    if (type != APP_RECORD_TLS)
        abort();
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    tls_eve_format(b, record);
    json_buf_close_object(b);
    if (!json_buf_ok(b) || b->depth != 0)
        abort();
}

static enum app_result fuzz_tls_feed(void *st, enum flow_dir dir, const uint8_t *data, size_t len,
                                     struct app_out *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return APP_ERROR;
    if (len)
        memcpy(copy, data, len);
    out->dir = dir;
    enum app_result r = tls_parser.parse(st, dir, copy, len, out);
    free(copy);
    return r;
}

static void fuzz_tls_hellos(const uint8_t *p, size_t len)
{
    struct tls_hello h;
    char ja3[TLS_JA3_STR_MAX], hash[TLS_JA3_HASH_LEN + 1], ja4[TLS_JA4_LEN + 1];
    if (tls_client_hello_parse(p, len, &h) == 0) {
        tls_ja3(&h, ja3, sizeof(ja3), hash);
        tls_ja4(&h, 'q', ja4);
        tls_hello_version(&h);
    }
    if (tls_server_hello_parse(p, len, &h) == 0) {
        tls_ja3s(&h, ja3, sizeof(ja3), hash);
        tls_hello_version(&h);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint8_t sel = data[0];
    size_t split = (size_t)data[1] << 8 | data[2];
    const uint8_t *p = data + 3;
    const size_t len = size - 3;
    if (split > len)
        split = len;
    fuzz_tls_hellos(p, len);

    struct json_buf b;
    json_buf_init(&b);
    struct app_out out = {fuzz_tls_emit, &b, 1, FLOW_TOSERVER, 0};
    void *st = tls_parser.state_new();
    if (!st)
        goto done;
    tls_parser.probe(FLOW_TOSERVER, p, len);
    size_t chunk = (size_t)(sel & 0x7) * 9 + 1;
    const uint8_t *part[2] = {p, p + split};
    size_t left[2] = {split, len - split};
    size_t server_total = left[1];
    bool has_gap = false;
    enum app_result r = APP_OK;
    while (r == APP_OK && (left[0] > 0 || left[1] > 0)) {
        for (int d = 0; d < 2 && r == APP_OK; d++) {
            size_t n = left[d] < chunk ? left[d] : chunk;
            if (n == 0)
                continue;
            if (d == 1 && (sel & 0x80) && !has_gap && left[1] <= server_total / 2) {
                has_gap = true;
                r = tls_parser.gap(st, FLOW_TOCLIENT, 7, &out);
                if (r != APP_OK)
                    break;
            }
            r = fuzz_tls_feed(st, (enum flow_dir)d, part[d], n, &out);
            part[d] += n;
            left[d] -= n;
        }
    }
    tls_parser.state_mem(st);
    if (r == APP_OK)
        tls_parser.flow_end(st, &out);
    tls_parser.state_free(st);
done:
    json_buf_fini(&b);
    return 0;
}
