/* link.c — the capture's link layer, chosen by LINKTYPE value.
 *
 * Per https://www.tcpdump.org/linktypes.html: Ethernet (1), BSD NULL (0, host
 * byte order AF_ value) and OpenBSD LOOP (108, network order), raw IP (101,
 * and DLT_RAW 12/14), IPv4 (228), IPv6 (229), Linux cooked v1 (113, "SLL")
 * and v2 (276, "SLL2"). Anything else is counted as link.unsupported.
 */
#include "decode/decode_internal.h"

/* AF_INET is 2 everywhere; AF_INET6 differs per BSD (OpenBSD/NetBSD 24,
 * FreeBSD 28, Darwin 30), and the capture may come from any of them. */
static enum decode_result link_family_decode(struct decoder *d, struct packet *p, uint32_t af,
                                             struct cursor c)
{
    switch (af) {
    case 2:
        return ipv4_decode(d, p, c);
    case 24:
    case 28:
    case 30:
        return ipv6_decode(d, p, c);
    default:
        decode_count(d, DC_LINK_UNKNOWN_FAMILY);
        return DECODE_NOT_IP;
    }
}

/* DLT_NULL stores the family in the capturing host's byte order, which the
 * file does not tell: a family fits in 16 bits, so a value that does not
 * was written big-endian. */
static enum decode_result link_null_decode(struct decoder *d, struct packet *p, struct cursor c,
                                           bool is_network_order)
{
    uint32_t af = is_network_order ? cursor_be32(&c) : cursor_le32(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_LINK_TOO_SHORT);
    if (!is_network_order && af > 0xffff)
        af = (af >> 24) | ((af >> 8) & 0xff00);
    return link_family_decode(d, p, af, c);
}

/* Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes,
 * then the protocol (an EtherType, or a small value for 802.2/802.3 frames). */
static enum decode_result link_sll_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    cursor_skip(&c, 14);
    uint16_t proto = cursor_be16(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_LINK_TOO_SHORT);
    decode_count(d, DC_SLL);
    if (proto < 0x0600) {
        decode_count(d, DC_ETHERNET_LLC);
        return DECODE_NOT_IP;
    }
    return ethernet_type_decode(d, p, proto, c);
}

/* Linux cooked v2: protocol first, then reserved, ifindex, ARPHRD type,
 * packet type, address length and 8 address bytes (20 bytes in all). */
static enum decode_result link_sll2_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t proto = cursor_be16(&c);
    cursor_skip(&c, 18);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_LINK_TOO_SHORT);
    decode_count(d, DC_SLL);
    if (proto < 0x0600) {
        decode_count(d, DC_ETHERNET_LLC);
        return DECODE_NOT_IP;
    }
    return ethernet_type_decode(d, p, proto, c);
}

enum decode_result link_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    switch (p->linktype) {
    case PACKET_LINK_ETHERNET:
        return ethernet_decode(d, p, c);
    case PACKET_LINK_NULL:
        return link_null_decode(d, p, c, false);
    case PACKET_LINK_LOOP:
        return link_null_decode(d, p, c, true);
    case PACKET_LINK_RAW:
    case PACKET_LINK_DLT_RAW12:
    case PACKET_LINK_DLT_RAW14:
        return ip_decode(d, p, c, DC_LINK_RAW_BAD_VERSION);
    case PACKET_LINK_IPV4:
        return ipv4_decode(d, p, c);
    case PACKET_LINK_IPV6:
        return ipv6_decode(d, p, c);
    case PACKET_LINK_SLL:
        return link_sll_decode(d, p, c);
    case PACKET_LINK_SLL2:
        return link_sll2_decode(d, p, c);
    default:
        return decode_invalid(d, DC_LINK_UNSUPPORTED);
    }
}
