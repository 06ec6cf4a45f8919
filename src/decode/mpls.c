/* mpls.c — an MPLS label stack (RFC 3032) and what it carries.
 *
 * Labels are 4 bytes each (label 20, TC 3, S 1, TTL 8) until the S
 * (bottom-of-stack) bit. The payload type is not signalled; like every
 * passive decoder we look at the first nibble: 4 or 6 is IP, 0 is the
 * pseudowire control word of RFC 4385 followed by an Ethernet frame
 * (RFC 4448). The label walk is capped at MPLS_MAX_LABELS.
 */
#include "decode/decode_internal.h"

enum { MPLS_MAX_LABELS = 16, MPLS_BOS = 0x100 };

enum decode_result mpls_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    bool is_bottom = false;
    for (int i = 0; i < MPLS_MAX_LABELS && !is_bottom; i++) {
        uint32_t entry = cursor_be32(&c);
        if (!cursor_ok(&c))
            return decode_invalid(d, DC_MPLS_TRUNC);
        is_bottom = (entry & MPLS_BOS) != 0;
    }
    if (!is_bottom)
        return decode_invalid(d, DC_MPLS_TOO_MANY_LABELS);
    decode_count(d, DC_MPLS);

    uint8_t first;
    if (!cursor_peek_u8(&c, 0, &first))
        return decode_invalid(d, DC_MPLS_TRUNC);
    switch (first >> 4) {
    case 4:
        return ipv4_decode(d, p, c);
    case 6:
        return ipv6_decode(d, p, c);
    case 0:
        /* RFC 4385 control word: first nibble 0000, then flags, length, seq. */
        if (!cursor_skip(&c, 4))
            return decode_invalid(d, DC_MPLS_TRUNC);
        if (!tunnel_enter(d, p))
            return DECODE_NOT_IP;
        return tunnel_ethernet_decode(d, p, c);
    default:
        decode_count(d, DC_MPLS_UNKNOWN_PAYLOAD);
        return DECODE_NOT_IP;
    }
}
