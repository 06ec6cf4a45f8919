/* icmp.c — ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) type and code.
 *
 * Both start with type, code, checksum; the payload handed on starts after
 * the 4-byte rest-of-header (echo id/seq, unused, MTU...) when present. The
 * IP packet quoted in an error message is not decoded: it would describe
 * another flow.
 */
#include "decode/decode_internal.h"

enum decode_result icmp_decode(struct decoder *d, struct packet *p, struct cursor c, bool is_v6)
{
    uint8_t type = cursor_u8(&c);
    uint8_t code = cursor_u8(&c);
    cursor_skip(&c, 2); /* checksum */
    if (!cursor_ok(&c))
        return decode_invalid(d, is_v6 ? DC_ICMPV6_TRUNC : DC_ICMPV4_TRUNC);
    cursor_skip(&c, cursor_left(&c) < 4 ? cursor_left(&c) : 4);
    p->icmp_type = type;
    p->icmp_code = code;
    p->flags |= PACKET_HAS_ICMP;
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    decode_count(d, is_v6 ? DC_ICMPV6 : DC_ICMPV4);
    return DECODE_OK;
}
