/* quic_header.h — QUIC long and short packet headers, and varints.
 *
 * RFC 9000 §16 (variable-length integers), §17.2 (long header: Initial,
 * 0-RTT, Handshake, Retry), §17.2.1 (Version Negotiation), §12.2
 * (coalesced packets: a long header's Length says where the next begins);
 * RFC 8999 for what holds across versions. Everything is read up to the
 * protected packet number; removing protection is quic_initial's job. The
 * views borrow the datagram. Not gQUIC (Q0xx headers) and not the short
 * header's contents, which need the connection's DCID length to read.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_HEADER_H
#define HRADBA_PROTO_QUIC_QUIC_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"
#include "proto/quic/quic_version.h"

enum {
    QUIC_CID_MAX = 20,            /* RFC 9000 §17.2: v1 connection IDs */
    QUIC_CID_INVARIANT_MAX = 255, /* RFC 8999 §5.1: any version */
    QUIC_VARINT_MAX_LEN = 8,
};

struct quic_header {
    bool is_long;
    uint8_t first; /* the first byte as sent (its low bits still protected) */
    uint32_t version;
    const struct quic_version_info *info; /* NULL for unknown versions */
    enum quic_packet_type type;
    uint8_t dcid_len, scid_len;
    const uint8_t *dcid, *scid; /* borrowed */
    const uint8_t *token;       /* Initial only; NULL when empty */
    size_t token_len;
    size_t pn_offset;  /* from the packet's first byte to its protected packet number */
    size_t packet_len; /* bytes of this packet; a coalesced one may follow (RFC 9000 §12.2) */
};

/* Reads a variable-length integer (RFC 9000 §16): 1, 2, 4 or 8 bytes, the
 * two top bits of the first giving the length. Fails the cursor if short. */
static inline uint64_t quic_varint(struct cursor *c)
{
    uint8_t first = cursor_u8(c);
    size_t extra = ((size_t)1 << (first >> 6)) - 1;
    uint64_t v = first & 0x3f;
    for (size_t i = 0; i < extra; i++)
        v = v << 8 | cursor_u8(c);
    return cursor_ok(c) ? v : 0;
}

/* Parses the header of the packet at the start of pkt (len: the rest of
 * the datagram). Returns
 *   0        Initial, 0-RTT or Handshake of a known version: every field
 *            set, pn_offset and packet_len within len; or Retry / Version
 *            Negotiation (packet_len = len: nothing may follow them); or a
 *            short header (is_long false, packet_len = len).
 *   -ENOTSUP a long header of an unknown version: version and CIDs set,
 *            packet_len = len (its layout past the CIDs is unknown).
 *   -EINVAL  broken; *anomaly is the static lower_snake_case name.
 * *anomaly is NULL unless -EINVAL is returned. */
int quic_header_parse(const uint8_t *pkt, size_t len, struct quic_header *h, const char **anomaly);

#endif
