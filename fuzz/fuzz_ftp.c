/* fuzz_ftp.c — libFuzzer target for the FTP control-connection parser
 * (src/proto/ftp/).
 *
 * Input: one selector octet, then chunks of [flags][length, 2 octets big
 * endian][octets]; flags bit 0 is the direction (1 = to client), bit 1 asks
 * for a gap of (flags >> 2) + 1 octets before the chunk. A short last chunk
 * takes what is left. Selector bit 7 re-splits every chunk into pieces of
 * (selector & 0x3f) + 1 octets, so line boundaries fall everywhere. Each
 * piece is copied to an exact-size buffer (ASan sees a read one past it).
 * The parser writes no records, only anomalies; the hand-over to TLS may
 * come only with a server reply, and the state stays within its bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/app.h"
#include "proto/ftp/ftp_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_FTP_STATE_MAX = 4096 }; /* the state and two 64-octet line buffers, generously */

static void fuzz_ftp_emit(void *ctx, enum app_record type, const void *record)
{
    (void)ctx;
    const struct app_anomaly *a = record;
    if (type != APP_RECORD_ANOMALY || !a->event || a->proto != APP_PROTO_FTP)
        abort();
}

static enum app_result fuzz_ftp_piece(void *st, enum flow_dir dir, const uint8_t *p, size_t n,
                                      struct app_out *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return APP_ERROR;
    if (n)
        memcpy(copy, p, n);
    out->dir = dir;
    out->handover_at = n;
    enum app_result r = ftp_parser.parse(st, dir, copy, n, out);
    free(copy);
    if (r == APP_SWITCH_TLS && dir != FLOW_TOCLIENT)
        abort();
    if (r == APP_REDETECT || r == APP_ERROR)
        abort(); /* not answers this parser gives */
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct app_out out = {fuzz_ftp_emit, NULL, 1, FLOW_TOSERVER, 0};
    struct cursor c = cursor_make(data, size);
    uint8_t sel = cursor_u8(&c);
    if (!cursor_ok(&c))
        return 0;
    ftp_parser.probe(FLOW_TOSERVER, cursor_ptr(&c), cursor_left(&c));
    ftp_parser.probe(FLOW_TOCLIENT, cursor_ptr(&c), cursor_left(&c));
    void *st = ftp_parser.state_new();
    if (!st)
        return 0;
    enum app_result r = APP_OK;
    while (r == APP_OK && cursor_left(&c) > 0) {
        uint8_t flags = cursor_u8(&c);
        size_t want = cursor_be16(&c);
        size_t n = want < cursor_left(&c) ? want : cursor_left(&c);
        const uint8_t *chunk = cursor_bytes(&c, n);
        enum flow_dir dir = (flags & 1) ? FLOW_TOCLIENT : FLOW_TOSERVER;
        if (!chunk)
            break;
        if (flags & 2)
            r = ftp_parser.gap(st, dir, (uint64_t)(flags >> 2) + 1, &out);
        size_t step = (sel & 0x80) ? (size_t)(sel & 0x3f) + 1 : (n ? n : 1);
        for (size_t off = 0; r == APP_OK && off < n; off += step)
            r = fuzz_ftp_piece(st, dir, chunk + off, n - off < step ? n - off : step, &out);
        if (ftp_parser.state_mem(st) > FUZZ_FTP_STATE_MAX)
            abort();
    }
    ftp_parser.state_free(st);
    return 0;
}
