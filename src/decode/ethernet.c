/* ethernet.c — Ethernet II / IEEE 802.3 frames and EtherType dispatch.
 *
 * IEEE 802.3 §3.2.6: a type/length field below 0x0600 is an 802.3 length
 * (LLC/SNAP follows), counted as not IP. The EtherType dispatch is shared by
 * every layer that names its payload with one (SLL, VLAN, GRE). No FCS: the
 * capture layer hands frames without it.
 */
#include "decode/decode_internal.h"

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_ARP = 0x0806,
    ETHERTYPE_VLAN = 0x8100,     /* IEEE 802.1Q */
    ETHERTYPE_QINQ = 0x88a8,     /* IEEE 802.1ad service tag */
    ETHERTYPE_QINQ_OLD = 0x9100, /* pre-standard QinQ, still seen */
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_MPLS = 0x8847,
    ETHERTYPE_MPLS_MC = 0x8848,
    ETHERTYPE_PPPOE_SESSION = 0x8864,
    ETHERTYPE_MIN = 0x0600,
};

enum decode_result ethernet_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    cursor_skip(&c, 12); /* destination and source MAC */
    uint16_t type = cursor_be16(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_ETHERNET_TOO_SHORT);
    decode_count(d, DC_ETHERNET);
    if (type < ETHERTYPE_MIN) {
        decode_count(d, DC_ETHERNET_LLC);
        return DECODE_NOT_IP;
    }
    return ethernet_type_decode(d, p, type, c);
}

enum decode_result ethernet_type_decode(struct decoder *d, struct packet *p, uint16_t type,
                                        struct cursor c)
{
    switch (type) {
    case ETHERTYPE_IPV4:
        return ipv4_decode(d, p, c);
    case ETHERTYPE_IPV6:
        return ipv6_decode(d, p, c);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
        return vlan_decode(d, p, c);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
        return mpls_decode(d, p, c);
    case ETHERTYPE_PPPOE_SESSION:
        return pppoe_decode(d, p, c);
    case ETHERTYPE_ARP:
        decode_count(d, DC_ETHERNET_ARP);
        return DECODE_NOT_IP;
    default:
        /* LLDP, STP, PPPoE discovery, 802.1X, ...: well-formed, not ours. */
        decode_count(d, DC_ETHERNET_OTHER);
        return DECODE_NOT_IP;
    }
}
