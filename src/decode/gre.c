/* gre.c — GRE (RFC 2784 with RFC 2890 key and sequence) and PPTP's
 * enhanced GRE (RFC 2637 §4.1).
 *
 * Version 0 carries IPv4, IPv6, MPLS, Ethernet (0x6558, transparent
 * Ethernet bridging) or ERSPAN: 0x88be is type II when a sequence number is
 * present and type I (a bare Ethernet frame, no ERSPAN header) when not, as
 * Cisco sends it; 0x22eb is type III. Version 1 carries PPP. RFC 1701 routing
 * and the strict-route/recursion bits are refused (RFC 2784 §2.3). An unknown
 * protocol leaves the packet as a plain GRE packet (its outer flow).
 */
#include "decode/decode_internal.h"

enum {
    GRE_C = 0x8000,
    GRE_R = 0x4000,
    GRE_K = 0x2000,
    GRE_S = 0x1000,
    GRE_STRICT_RECUR = 0x0f00,
    GRE_A = 0x0080, /* PPTP acknowledgment present */
    GRE_VERSION = 0x0007,
    GRE_PROTO_IPV4 = 0x0800,
    GRE_PROTO_IPV6 = 0x86dd,
    GRE_PROTO_MPLS = 0x8847,
    GRE_PROTO_MPLS_MC = 0x8848,
    GRE_PROTO_TEB = 0x6558,
    GRE_PROTO_ERSPAN_2 = 0x88be,
    GRE_PROTO_ERSPAN_3 = 0x22eb,
    GRE_PROTO_PPP = 0x880b,
};

static bool gre_is_known(uint16_t proto)
{
    switch (proto) {
    case GRE_PROTO_IPV4:
    case GRE_PROTO_IPV6:
    case GRE_PROTO_MPLS:
    case GRE_PROTO_MPLS_MC:
    case GRE_PROTO_TEB:
    case GRE_PROTO_ERSPAN_2:
    case GRE_PROTO_ERSPAN_3:
        return true;
    default:
        return false;
    }
}

static enum decode_result gre_v0(struct decoder *d, struct packet *p, struct cursor c,
                                 uint16_t flags, uint16_t proto)
{
    if (flags & (GRE_R | GRE_STRICT_RECUR))
        return decode_invalid(d, DC_GRE_BAD_FLAGS);
    size_t opt_len = (flags & GRE_C ? 4 : 0) + (flags & GRE_K ? 4 : 0) + (flags & GRE_S ? 4 : 0);
    if (!cursor_skip(&c, opt_len))
        return decode_invalid(d, DC_GRE_TRUNC);
    decode_count(d, DC_GRE);
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    if (!gre_is_known(proto)) {
        decode_count(d, DC_GRE_UNKNOWN_PROTO);
        return DECODE_OK;
    }
    if (!tunnel_enter(d, p))
        return DECODE_OK;
    switch (proto) {
    case GRE_PROTO_TEB:
        return tunnel_ethernet_decode(d, p, c);
    case GRE_PROTO_ERSPAN_2:
        if (!(flags & GRE_S)) {
            decode_count(d, DC_ERSPAN);
            return tunnel_ethernet_decode(d, p, c);
        }
        return erspan_decode(d, p, c, false);
    case GRE_PROTO_ERSPAN_3:
        return erspan_decode(d, p, c, true);
    default:
        return ethernet_type_decode(d, p, proto, c);
    }
}

/* PPTP: K always (payload length 16 + call id 16), S and A optional, no C or
 * R, protocol PPP. An acknowledgment alone carries no payload. */
static enum decode_result gre_v1(struct decoder *d, struct packet *p, struct cursor c,
                                 uint16_t flags, uint16_t proto)
{
    if (!(flags & GRE_K) || (flags & (GRE_C | GRE_R)) || proto != GRE_PROTO_PPP)
        return decode_invalid(d, DC_GRE_PPTP_BAD_HEADER);
    size_t opt_len = 4 + (flags & GRE_S ? 4 : 0) + (flags & GRE_A ? 4 : 0);
    if (!cursor_skip(&c, opt_len))
        return decode_invalid(d, DC_GRE_TRUNC);
    decode_count(d, DC_GRE);
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    if (cursor_left(&c) == 0 || !tunnel_enter(d, p))
        return DECODE_OK;
    return ppp_decode(d, p, c);
}

enum decode_result gre_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint16_t flags = cursor_be16(&c);
    uint16_t proto = cursor_be16(&c);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_GRE_TRUNC);
    switch (flags & GRE_VERSION) {
    case 0:
        return gre_v0(d, p, c, flags, proto);
    case 1:
        return gre_v1(d, p, c, flags, proto);
    default:
        return decode_invalid(d, DC_GRE_BAD_VERSION);
    }
}
