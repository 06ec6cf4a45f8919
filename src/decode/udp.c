/* udp.c — the UDP header (RFC 768) and the tunnels that ride on it.
 *
 * The length field must cover the header and fit the IP payload; a shorter
 * one trims (the IP payload may carry padding). Checksums are not checked.
 * VXLAN (RFC 7348, port 4789) and VXLAN-GPE (port 4790) are tried by
 * destination port: the source port of a tunnel packet is a flow hash.
 * GTP-U (port 2152, 3GPP TS 29.281) likewise.
 */
#include "decode/decode_internal.h"

enum { UDP_HLEN = 8, UDP_PORT_GTP_U = 2152, UDP_PORT_VXLAN = 4789, UDP_PORT_VXLAN_GPE = 4790 };

enum decode_result udp_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t sport = cursor_be16(&c);
    uint16_t dport = cursor_be16(&c);
    uint16_t len = cursor_be16(&c);
    cursor_skip(&c, 2); /* checksum */
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_UDP_TRUNC);
    if (len < UDP_HLEN || decode_trim(d, &c, len - UDP_HLEN) == DECODE_TRIM_SHORT)
        return decode_invalid(d, DC_UDP_BAD_LEN);

    p->src_port = sport;
    p->dst_port = dport;
    p->flags |= PACKET_HAS_UDP;
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    decode_count(d, DC_UDP);
    if (dport == UDP_PORT_VXLAN || dport == UDP_PORT_VXLAN_GPE)
        return vxlan_decode(d, p, c, dport);
    if (dport == UDP_PORT_GTP_U)
        return gtp_decode(d, p, c);
    return DECODE_OK;
}
