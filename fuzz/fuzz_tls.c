/* fuzz_tls.c — libFuzzer target for the TLS parser (src/proto/tls/), the
 * hello decoder and fingerprints, and the EVE tls formatter.
 *
 * Input (a shape of its own): one selector byte, a 2-byte big-endian
 * client length, then the payload: that many client bytes, the rest the
 * server's (the length is cut to the payload). Each part is fed to its
 * direction in chunks of 1 to 64 bytes (sizes from the selector),
 * alternating client and server, each from an exact-size copy
 * (fuzz_app.h). With the selector's top bit set, a gap is reported in the
 * server direction halfway. The payload is also decoded directly as a
 * ClientHello and a ServerHello body (so the QUIC entry points get fuzzed
 * too). Every record is formatted and the JSON checked.
 */
#include "fuzz_app.h"
#include "proto/tls/tls_eve.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_tls_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    tls_eve_format(&f->b, record);
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

/* Client octets p[0..split), server octets p[split..len), alternating. */
static enum app_result fuzz_tls_flow(struct fuzz_app *f, void *st, uint8_t sel, const uint8_t *p,
                                     size_t len, size_t split)
{
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
                r = fuzz_app_gap(f, st, FLOW_TOCLIENT, 7);
                if (r != APP_OK)
                    break;
            }
            r = fuzz_app_feed(f, st, (enum flow_dir)d, part[d], n);
            part[d] += n;
            left[d] -= n;
        }
    }
    return r;
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

    struct fuzz_app f = {.parser = &tls_parser, .type = APP_RECORD_TLS, .format = fuzz_tls_format};
    void *st = fuzz_app_begin(&f);
    if (st && fuzz_tls_flow(&f, st, sel, p, len, split) == APP_OK)
        tls_parser.flow_end(st, &f.out);
    fuzz_app_end(&f, st);
    return 0;
}
