/* quic_frame.c — Initial payload frames (RFC 9000 §19).
 *
 * Each turn of the loop reads one frame and moves the cursor forward by at
 * least one byte; an ACK's range count is bounded by the bytes left (each
 * range takes at least two), so no count from the wire sizes any work.
 */
#include "proto/quic/quic_frame.h"

#include <errno.h>
#include <stdint.h>

#include "core/cursor.h"
#include "proto/quic/quic_header.h"

#define QUIC_VARINT_LIMIT (UINT64_C(1) << 62) /* RFC 9000 §16 */

static int quic_frame_fail(const char **anomaly, const char *name, int rc)
{
    *anomaly = name;
    return rc;
}

/* ACK (RFC 9000 §19.3): largest, delay, range count, first range, then
 * count x (gap, length), then three ECN counts for type 0x03. */
static bool quic_frame_ack(struct cursor *c, uint64_t type)
{
    quic_varint(c); /* largest acknowledged */
    quic_varint(c); /* ack delay */
    uint64_t ranges = quic_varint(c);
    quic_varint(c); /* first range */
    if (!cursor_ok(c) || ranges > cursor_left(c) / 2)
        return false;
    for (uint64_t i = 0; i < ranges && cursor_ok(c); i++) {
        quic_varint(c); /* gap */
        quic_varint(c); /* range length */
    }
    if (type == QUIC_FRAME_ACK_ECN) {
        quic_varint(c); /* ECT(0) */
        quic_varint(c); /* ECT(1) */
        quic_varint(c); /* ECN-CE */
    }
    return cursor_ok(c);
}

int quic_frame_parse(const struct quic_version_info *v, const uint8_t *payload, size_t len,
                     struct quic_crypto_stream *crypto, struct quic_frame_stats *stats,
                     const char **anomaly)
{
    const uint64_t crypto_type = v ? v->crypto_frame : QUIC_FRAME_CRYPTO;
    struct quic_frame_stats local = {0};
    if (!stats)
        stats = &local;
    *anomaly = NULL;
    struct cursor c = cursor_make(payload, len);
    while (cursor_left(&c) > 0) {
        uint64_t type = quic_varint(&c);
        if (!cursor_ok(&c))
            return quic_frame_fail(anomaly, "frame_truncated", -EINVAL);
        stats->frame_count++;
        if (type == crypto_type)
            type = QUIC_FRAME_CRYPTO;
        else if (type == QUIC_FRAME_CRYPTO)
            type = UINT64_MAX; /* 0x06 means something else where CRYPTO moved */
        switch (type) {
        case QUIC_FRAME_PADDING: {
            uint8_t b;
            while (cursor_peek_u8(&c, 0, &b) && b == 0) /* a run counts as one frame */
                cursor_skip(&c, 1);
            break;
        }
        case QUIC_FRAME_PING:
            break;
        case QUIC_FRAME_ACK:
        case QUIC_FRAME_ACK_ECN:
            if (!quic_frame_ack(&c, type))
                return quic_frame_fail(anomaly, "frame_truncated", -EINVAL);
            break;
        case QUIC_FRAME_CRYPTO: {
            uint64_t offset = quic_varint(&c);
            uint64_t flen = quic_varint(&c);
            if (!cursor_ok(&c) || flen > cursor_left(&c))
                return quic_frame_fail(anomaly, "frame_truncated", -EINVAL);
            const uint8_t *data = cursor_bytes(&c, (size_t)flen);
            if (offset + flen >= QUIC_VARINT_LIMIT) /* both < 2^62: no overflow */
                return quic_frame_fail(anomaly, "crypto_frame_invalid", -EINVAL);
            stats->crypto_count++;
            if (!crypto)
                break;
            int rc = quic_crypto_add(crypto, offset, data, (size_t)flen);
            if (rc == -E2BIG)
                return quic_frame_fail(anomaly, "crypto_offset_too_large", -EINVAL);
            if (rc != 0)
                return quic_frame_fail(anomaly, "crypto_out_of_memory", rc);
            break;
        }
        case QUIC_FRAME_CONNECTION_CLOSE:
        case QUIC_FRAME_CONNECTION_CLOSE_APP: {
            stats->has_connection_close = true;
            stats->close_error = quic_varint(&c);
            if (type == QUIC_FRAME_CONNECTION_CLOSE)
                quic_varint(&c); /* the frame type that caused it */
            uint64_t reason_len = quic_varint(&c);
            if (!cursor_ok(&c) || reason_len > cursor_left(&c))
                return quic_frame_fail(anomaly, "frame_truncated", -EINVAL);
            cursor_skip(&c, (size_t)reason_len);
            break;
        }
        default:
            return quic_frame_fail(anomaly, "frame_unexpected", -EINVAL);
        }
    }
    return 0;
}
