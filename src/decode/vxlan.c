/* vxlan.c — VXLAN (RFC 7348) and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12).
 *
 * VXLAN: flags (I = 0x08 says the VNI is valid), 24 reserved bits, VNI,
 * 8 reserved bits; an Ethernet frame follows. GPE, on port 4790, reuses the
 * layout: flags R R Ver(2) I P B O, and when P is set the last byte of the
 * first word names the payload (1 IPv4, 2 IPv6, 3 Ethernet). A header that
 * does not fit leaves the packet as the UDP datagram it is.
 */
#include "decode/decode_internal.h"

enum {
    VXLAN_HLEN = 8,
    VXLAN_PORT_GPE = 4790,
    VXLAN_FLAG_I = 0x08,
    VXLAN_GPE_FLAG_P = 0x04,
    VXLAN_GPE_VER = 0x30,
    VXLAN_GPE_IPV4 = 1,
    VXLAN_GPE_IPV6 = 2,
    VXLAN_GPE_ETHERNET = 3,
};

enum decode_result vxlan_decode(struct decoder *d, struct packet *p, struct cursor c, uint16_t port)
{
    uint8_t flags = cursor_u8(&c);
    cursor_skip(&c, 2);
    uint8_t next = cursor_u8(&c);
    cursor_skip(&c, 4); /* VNI, reserved */
    if (!cursor_ok(&c)) {
        decode_count(d, DC_VXLAN_TRUNC);
        return DECODE_OK;
    }
    bool is_gpe = port == VXLAN_PORT_GPE;
    if (!(flags & VXLAN_FLAG_I) || (is_gpe && (flags & VXLAN_GPE_VER))) {
        decode_count(d, DC_VXLAN_BAD_FLAGS);
        return DECODE_OK;
    }
    if (!is_gpe || !(flags & VXLAN_GPE_FLAG_P))
        next = VXLAN_GPE_ETHERNET;
    if (next != VXLAN_GPE_ETHERNET && next != VXLAN_GPE_IPV4 && next != VXLAN_GPE_IPV6) {
        decode_count(d, DC_VXLAN_UNKNOWN_NEXT);
        return DECODE_OK;
    }
    if (!tunnel_enter(d, p))
        return DECODE_OK;
    decode_count(d, DC_VXLAN);
    switch (next) {
    case VXLAN_GPE_IPV4:
        return ipv4_decode(d, p, c);
    case VXLAN_GPE_IPV6:
        return ipv6_decode(d, p, c);
    default:
        return tunnel_ethernet_decode(d, p, c);
    }
}
