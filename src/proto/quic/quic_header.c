/* quic_header.c — long header parsing (RFC 9000 §17.2, RFC 8999 §5.1).
 *
 * One pass through a cursor over the rest of the datagram: the invariant
 * part (form, version, CIDs), then, for a version whose layout is known,
 * the Initial token and the Length that bounds the packet. A Length that
 * runs past the datagram is an anomaly, not a truncation to accept: the
 * AEAD would fail on it anyway and the next coalesced packet would be lost.
 */
#include "proto/quic/quic_header.h"

#include <errno.h>
#include <string.h>

static int quic_header_fail(const char **anomaly, const char *name)
{
    *anomaly = name;
    return -EINVAL;
}

int quic_header_parse(const uint8_t *pkt, size_t len, struct quic_header *h, const char **anomaly)
{
    memset(h, 0, sizeof(*h));
    *anomaly = NULL;
    struct cursor c = cursor_make(pkt, len);
    h->first = cursor_u8(&c);
    if (!cursor_ok(&c))
        return quic_header_fail(anomaly, "header_truncated");
    h->is_long = (h->first & 0x80) != 0;
    if (!h->is_long) {
        h->type = QUIC_PACKET_SHORT;
        h->packet_len = len;
        return 0;
    }
    h->version = cursor_be32(&c);
    h->dcid_len = cursor_u8(&c);
    h->dcid = cursor_bytes(&c, h->dcid_len);
    h->scid_len = cursor_u8(&c);
    h->scid = cursor_bytes(&c, h->scid_len);
    if (!cursor_ok(&c))
        return quic_header_fail(anomaly, "header_truncated");
    h->packet_len = len;
    if (h->version == QUIC_VERSION_NEGOTIATION) {
        h->type = QUIC_PACKET_VERSION_NEGOTIATION;
        /* RFC 9000 §17.2.1: a list of 32-bit versions follows. */
        if (cursor_left(&c) == 0 || cursor_left(&c) % 4 != 0)
            return quic_header_fail(anomaly, "version_negotiation_invalid");
        return 0;
    }
    h->info = quic_version_find(h->version);
    if (!h->info)
        return -ENOTSUP;
    if (h->dcid_len > QUIC_CID_MAX || h->scid_len > QUIC_CID_MAX)
        return quic_header_fail(anomaly, "cid_too_long");
    h->type = quic_version_packet_type(h->info, h->first);
    if (h->type == QUIC_PACKET_RETRY)
        return 0; /* token and integrity tag: the rest of the datagram */
    if (h->type == QUIC_PACKET_INITIAL) {
        uint64_t token_len = quic_varint(&c);
        if (!cursor_ok(&c))
            return quic_header_fail(anomaly, "header_truncated");
        if (token_len > cursor_left(&c))
            return quic_header_fail(anomaly, "token_length_invalid");
        h->token_len = (size_t)token_len;
        h->token = token_len ? cursor_bytes(&c, h->token_len) : NULL;
    }
    uint64_t length = quic_varint(&c);
    if (!cursor_ok(&c))
        return quic_header_fail(anomaly, "header_truncated");
    if (length > cursor_left(&c))
        return quic_header_fail(anomaly, "length_invalid");
    h->pn_offset = len - cursor_left(&c);
    h->packet_len = h->pn_offset + (size_t)length;
    return 0;
}
