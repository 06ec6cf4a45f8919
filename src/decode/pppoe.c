/* pppoe.c — PPPoE session stage (RFC 2516 §4) and the PPP frame inside.
 *
 * PPPoE: VER 1, TYPE 1, CODE 0 for session data, session id, payload length
 * (which also strips Ethernet padding). PPP (RFC 1661 §2): an optional
 * address/control pair 0xff 0x03 (HDLC framing, seen in PPTP), then a
 * protocol field that may be compressed to one byte (RFC 1661 §6.5: a
 * protocol's low byte is odd, its high byte even). Only IPv4 (0x0021) and
 * IPv6 (0x0057) are decoded; LCP, IPCP, CCP... are counted as not IP.
 */
#include "decode/decode_internal.h"

enum { PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057, PPPOE_VER_TYPE = 0x11 };

enum decode_result pppoe_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint8_t ver_type = cursor_u8(&c);
    uint8_t code = cursor_u8(&c);
    cursor_skip(&c, 2); /* session id */
    uint16_t len = cursor_be16(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_PPPOE_TRUNC);
    if (ver_type != PPPOE_VER_TYPE || code != 0)
        return decode_invalid(d, DC_PPPOE_BAD_HEADER);
    if (decode_trim(d, &c, len) == DECODE_TRIM_SHORT)
        return decode_invalid(d, DC_PPPOE_TRUNC);
    decode_count(d, DC_PPPOE);
    return ppp_decode(d, p, c);
}

enum decode_result ppp_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t addr_ctl;
    if (cursor_peek_be16(&c, 0, &addr_ctl) && addr_ctl == 0xff03)
        cursor_skip(&c, 2);
    uint16_t proto = cursor_u8(&c);
    if ((proto & 1) == 0)
        proto = (uint16_t)(proto << 8 | cursor_u8(&c));
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_PPP_TRUNC);
    switch (proto) {
    case PPP_IPV4:
        return ipv4_decode(d, p, c);
    case PPP_IPV6:
        return ipv6_decode(d, p, c);
    default:
        decode_count(d, DC_PPP_NOT_IP);
        return DECODE_NOT_IP;
    }
}
