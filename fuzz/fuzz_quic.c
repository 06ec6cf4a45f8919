/* fuzz_quic.c — libFuzzer target for the QUIC parser (src/proto/quic/), the
 * TLS hello decoder behind it, and the EVE quic formatter.
 *
 * Input: one selector byte, then the payload.
 * - Selector top bit clear: the payload is a list of datagrams, each as a
 *   2-byte header (top bit: direction, 1 = to client; low 15 bits: length)
 *   then its bytes; a short last one takes what is left. The first is
 *   probed; each is fed from an exact-size copy (fuzz_app.h) to the parser,
 *   which opens real Initial packets from the seed corpus. Encrypted bytes
 *   resist mutation, so:
 * - Selector top bit set: the payload is plaintext, split at a point
 *   chosen by the selector into a client and a server part, each fed in up
 *   to 4 pieces through quic_parser_plaintext, so the frame layer, the
 *   CRYPTO reassembly and the hellos get fuzzed directly.
 * Every record is formatted with quic_eve_format and the JSON checked.
 */
#include "fuzz_app.h"
#include "proto/quic/quic_eve.h"
#include "proto/quic/quic_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_quic_format(struct fuzz_app *f, enum app_record type, const void *record)
{
    (void)type;
    quic_eve_format(&f->b, record);
}

static enum app_result fuzz_quic_plain_dir(struct fuzz_app *f, void *st, enum flow_dir dir,
                                           const uint8_t *data, size_t len, unsigned pieces)
{
    enum app_result r = APP_OK;
    size_t done = 0;
    for (unsigned i = 1; i <= pieces && r == APP_OK; i++) {
        size_t end = len * i / pieces;
        uint8_t *copy = fuzz_app_copy(data + done, end - done);
        if (!copy)
            return APP_ERROR;
        f->out.dir = dir;
        r = quic_parser_plaintext(st, dir, 1, copy, end - done, &f->out);
        free(copy);
        done = end;
    }
    return r;
}

/* Plaintext: client octets up to a cut the selector picks, then the
 * server's, each direction in 1 to 4 pieces. */
static void fuzz_quic_plain(struct fuzz_app *f, void *st, uint8_t sel, const uint8_t *p, size_t len)
{
    size_t cut = len * (sel & 0x0f) / 16;
    unsigned pieces = 1 + ((sel >> 4) & 0x3);
    if (fuzz_quic_plain_dir(f, st, FLOW_TOSERVER, p, cut, pieces) == APP_OK)
        fuzz_quic_plain_dir(f, st, FLOW_TOCLIENT, p + cut, len - cut, pieces);
}

/* Datagrams, each a 2-byte header (direction, length) and its octets. */
static void fuzz_quic_datagrams(struct fuzz_app *f, void *st, const uint8_t *p, size_t len)
{
    enum app_result r = APP_OK;
    size_t off = 0;
    for (unsigned n = 0; off + 2 <= len && r == APP_OK; n++) {
        enum flow_dir dir = (p[off] & 0x80) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        size_t dlen = (size_t)(p[off] & 0x7f) << 8 | p[off + 1];
        off += 2;
        if (dlen > len - off)
            dlen = len - off;
        if (n == 0)
            quic_parser.probe(dir, p + off, dlen);
        r = fuzz_app_feed(f, st, dir, p + off, dlen);
        off += dlen;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct fuzz_app f = {
        .parser = &quic_parser, .type = APP_RECORD_QUIC, .format = fuzz_quic_format};
    void *st = fuzz_app_begin(&f);
    if (st) {
        if (data[0] & 0x80)
            fuzz_quic_plain(&f, st, data[0], data + 1, size - 1);
        else
            fuzz_quic_datagrams(&f, st, data + 1, size - 1);
        quic_parser.state_mem(st);
        quic_parser.flow_end(st, &f.out);
    }
    fuzz_app_end(&f, st);
    return 0;
}
