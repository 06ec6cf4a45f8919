/* quic_frame.h — the frames of a decrypted Initial packet payload.
 *
 * RFC 9000 §12.4 (Table 3): an Initial may carry PADDING, PING, ACK,
 * CRYPTO and CONNECTION_CLOSE (0x1c) only; §19.1–19.6, §19.19 for their
 * layouts. CRYPTO data goes into a quic_crypto_stream; everything else is
 * skipped after being checked for length. Reading stops at the first
 * frame that is broken or not allowed in an Initial. Exposed on its own so
 * tests and the fuzzer can feed it plaintext directly.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_FRAME_H
#define HRADBA_PROTO_QUIC_QUIC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/quic/quic_crypto.h"
#include "proto/quic/quic_version.h"

enum {
    QUIC_FRAME_PADDING = 0x00,
    QUIC_FRAME_PING = 0x01,
    QUIC_FRAME_ACK = 0x02,
    QUIC_FRAME_ACK_ECN = 0x03,
    QUIC_FRAME_CRYPTO = 0x06,
    QUIC_FRAME_CONNECTION_CLOSE = 0x1c,
    QUIC_FRAME_CONNECTION_CLOSE_APP = 0x1d, /* not allowed in Initial; read anyway */
};

struct quic_frame_stats {
    size_t frame_count; /* frames read, PADDING runs counted once */
    size_t crypto_count;
    bool has_connection_close;
    uint64_t close_error; /* the CONNECTION_CLOSE error code */
};

/* Reads the frames of payload (len bytes) of a packet of version v (NULL:
 * v1 frame types) and adds CRYPTO data to crypto
 * (which may be NULL to only walk the frames). stats may be NULL. Returns
 * 0 when every frame was read; otherwise -EINVAL (or -ENOMEM from the
 * stream) with *anomaly set: "frame_truncated", "frame_unexpected",
 * "crypto_offset_too_large" (past QUIC_CRYPTO_MAX), "crypto_frame_invalid"
 * (offset + length over 2^62 - 1). Data of earlier frames stays stored. */
int quic_frame_parse(const struct quic_version_info *v, const uint8_t *payload, size_t len,
                     struct quic_crypto_stream *crypto, struct quic_frame_stats *stats,
                     const char **anomaly);

#endif
