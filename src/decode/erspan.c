/* erspan.c — Cisco ERSPAN type II and III headers, carried in GRE.
 *
 * Per draft-foschiano-erspan-03: type II is 8 bytes (Ver 1, VLAN, COS, En, T,
 * session id, reserved, index); type III is 12 bytes (Ver 2, VLAN, COS, BSO,
 * T, session id, timestamp, SGT, P, FT, hw id, D, Gra, O) plus an 8-byte
 * platform-specific subheader when O is set. The mirrored frame follows:
 * Ethernet, or for type III frame type 2 a bare IP packet. Type I has no
 * header at all and is handled in gre.c.
 */
#include "decode/decode_internal.h"

enum {
    ERSPAN_II_VER = 1,
    ERSPAN_III_VER = 2,
    ERSPAN_III_O = 0x0001,
    ERSPAN_FT_ETHERNET = 0,
    ERSPAN_FT_IP = 2,
};

enum decode_result erspan_decode(struct decoder *d, struct packet *p, struct cursor c,
                                 bool is_type3)
{
    uint16_t ver_vlan = cursor_be16(&c);
    cursor_skip(&c, is_type3 ? 8 : 6);
    uint16_t last = is_type3 ? cursor_be16(&c) : 0;
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_ERSPAN_TRUNC);
    if (ver_vlan >> 12 != (is_type3 ? ERSPAN_III_VER : ERSPAN_II_VER))
        return decode_invalid(d, DC_ERSPAN_BAD_VERSION);
    if ((last & ERSPAN_III_O) && !cursor_skip(&c, 8))
        return decode_invalid(d, DC_ERSPAN_TRUNC);
    decode_count(d, DC_ERSPAN);
    switch ((last >> 10) & 0x1f) {
    case ERSPAN_FT_ETHERNET:
        return tunnel_ethernet_decode(d, p, c);
    case ERSPAN_FT_IP:
        return ip_decode(d, p, c, DC_ERSPAN_BAD_FRAME_TYPE);
    default:
        return decode_invalid(d, DC_ERSPAN_BAD_FRAME_TYPE);
    }
}
