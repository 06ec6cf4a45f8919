/* ipv6.c — the IPv6 header and its extension-header chain (RFC 8200 §3-4).
 *
 * The chain is walked to the upper-layer header, at most IPV6_MAX_EXTHDRS
 * headers (ipv6.exthdr_loop beyond). Hop-by-Hop must come first (§4.3).
 * ESP (50) and No Next Header (59) end the walk: what follows is opaque.
 * A Fragment header hands the rest to defrag (fragment.c); an atomic
 * fragment (offset 0, M 0) is read in place (RFC 6946). Jumbograms (RFC 2675)
 * are not supported.
 */
#include "decode/decode_internal.h"

enum {
    IPV6_HLEN = 40,
    IPV6_MAX_EXTHDRS = 8,
    IPV6_MAX_PAYLOAD = 65535,
    IPPROTO_HOPOPTS_ = 0,
    IPPROTO_ROUTING_ = 43,
    IPPROTO_FRAGMENT_ = 44,
    IPPROTO_AH_ = 51,
    IPPROTO_DSTOPTS_ = 60,
    IPPROTO_MOBILITY_ = 135,
    IPPROTO_HIP_ = 139,
    IPPROTO_SHIM6_ = 140,
    IPPROTO_EXP1_ = 253, /* RFC 3692 experiments, extension-header format */
    IPPROTO_EXP2_ = 254,
};

/* Fragment header (§4.5): next header, reserved, offset (13 bits, 8-byte
 * units) + 2 reserved + M, identification. unfrag_len: extension-header bytes
 * before it, which the reassembled payload length must also fit. */
static enum decode_result ipv6_fragment(struct decoder *d, struct packet *p, struct cursor *c,
                                        uint8_t *nxt, size_t unfrag_len, bool is_snapped)
{
    uint8_t next = cursor_u8(c);
    cursor_skip(c, 1);
    uint16_t off_m = cursor_be16(c);
    uint32_t id = cursor_be32(c);
    if (!cursor_ok(c))
        return decode_invalid(d, DC_IPV6_EXTHDR_TRUNC);
    if ((off_m & 0xfff8) == 0 && (off_m & 1) == 0) {
        decode_count(d, DC_IPV6_ATOMIC_FRAG);
        *nxt = next;
        return DECODE_OK;
    }
    decode_count(d, DC_IPV6_FRAGMENT);
    p->flags |= PACKET_IS_FRAGMENT;
    p->ip_proto = next;
    if (is_snapped)
        return decode_invalid(d, DC_DEFRAG_SNAPPED);

    struct defrag_key key;
    memset(&key, 0, sizeof(key));
    memcpy(key.src, p->src_ip, 16);
    memcpy(key.dst, p->dst_ip, 16);
    key.id = id;
    memcpy(key.vlan_id, p->vlan_id, sizeof(key.vlan_id));
    key.ip_version = 6;
    key.vlan_count = p->vlan_count;
    key.tunnel_depth = p->tunnel_depth;
    struct defrag_frag f = {
        .data = cursor_ptr(c),
        .len = (uint32_t)cursor_left(c),
        .offset = off_m & 0xfff8u,
        .max_end = (uint32_t)(IPV6_MAX_PAYLOAD - unfrag_len),
        .has_more = (off_m & 1) != 0,
        .next_header = next,
        .frames = p->frame_count,
        .frame_bytes = p->frame_bytes,
        .ts_us = p->ts_us,
    };
    enum decode_result r = fragment_decode(d, p, &key, &f, c, nxt);
    if (r == DECODE_OK)
        p->ip_len = (uint32_t)(IPV6_HLEN + unfrag_len + cursor_left(c));
    return r;
}

/* Walks the chain from nxt; every step consumes at least 8 bytes or ends. */
static enum decode_result ipv6_chain(struct decoder *d, struct packet *p, struct cursor c,
                                     uint8_t nxt, bool is_snapped)
{
    size_t payload_left = cursor_left(&c);
    bool has_frag_hdr = false;
    for (int i = 0; i < IPV6_MAX_EXTHDRS; i++) {
        switch (nxt) {
        case IPPROTO_HOPOPTS_:
            if (i != 0)
                return decode_invalid(d, DC_IPV6_HBH_NOT_FIRST);
            /* fall through */
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_MOBILITY_:
        case IPPROTO_HIP_:
        case IPPROTO_SHIM6_:
        case IPPROTO_EXP1_:
        case IPPROTO_EXP2_: {
            /* Hdr Ext Len: 8-byte units, not counting the first 8 (§4.3). */
            nxt = cursor_u8(&c);
            uint8_t len = cursor_u8(&c);
            if (!cursor_skip(&c, (size_t)len * 8 + 6))
                return decode_invalid(d, DC_IPV6_EXTHDR_TRUNC);
            break;
        }
        case IPPROTO_AH_: {
            /* RFC 4302 §2.2: Payload Len in 4-byte units, minus 2. */
            nxt = cursor_u8(&c);
            uint8_t len = cursor_u8(&c);
            if (!cursor_skip(&c, ((size_t)len + 2) * 4 - 2))
                return decode_invalid(d, DC_IPV6_EXTHDR_TRUNC);
            break;
        }
        case IPPROTO_FRAGMENT_: {
            if (has_frag_hdr)
                return decode_invalid(d, DC_IPV6_FRAG_HDR_DUP);
            has_frag_hdr = true;
            enum decode_result r =
                ipv6_fragment(d, p, &c, &nxt, payload_left - cursor_left(&c), is_snapped);
            if (r != DECODE_OK)
                return r;
            break;
        }
        default:
            /* Upper layer, ESP (50) or No Next Header (59). */
            return transport_decode(d, p, nxt, c);
        }
    }
    return decode_invalid(d, DC_IPV6_EXTHDR_LOOP);
}

enum decode_result ipv6_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint32_t ver_class_flow = cursor_be32(&c);
    uint16_t plen = cursor_be16(&c);
    uint8_t nxt = cursor_u8(&c);
    uint8_t hop_limit = cursor_u8(&c);
    const uint8_t *src = cursor_bytes(&c, 16);
    const uint8_t *dst = cursor_bytes(&c, 16);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_IPV6_TRUNC);
    if (ver_class_flow >> 28 != 6)
        return decode_invalid(d, DC_IPV6_BAD_VERSION);
    if (plen == 0 && nxt == IPPROTO_HOPOPTS_)
        return decode_invalid(d, DC_IPV6_JUMBOGRAM);

    bool is_snapped = false;
    switch (decode_trim(d, &c, plen)) {
    case DECODE_TRIM_OK:
        break;
    case DECODE_TRIM_SNAPPED:
        is_snapped = true;
        decode_count(d, DC_IPV6_SNAPPED);
        break;
    case DECODE_TRIM_SHORT:
        return decode_invalid(d, DC_IPV6_TRUNC);
    }

    decode_reset_l3(p);
    p->ip_version = 6;
    p->ip_proto = nxt;
    p->ttl = hop_limit;
    memcpy(p->src_ip, src, 16);
    memcpy(p->dst_ip, dst, 16);
    p->ip_len = IPV6_HLEN + (uint32_t)plen;
    decode_count(d, DC_IPV6);
    return ipv6_chain(d, p, c, nxt, is_snapped);
}
