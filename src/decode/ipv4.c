/* ipv4.c — the IPv4 header (RFC 791 §3.1).
 *
 * Checks version, IHL >= 5, total length against IHL and the capture, and
 * that options are well formed by length (they are then skipped: none
 * changes how the payload is read). The total length trims Ethernet padding.
 * The header checksum is not verified: capture on the sending host sees
 * checksum offload's blank fields. Fragments go to defrag via fragment.c.
 */
#include "decode/decode_internal.h"

enum {
    IPV4_MIN_HLEN = 20,
    IPV4_MF = 0x2000,
    IPV4_OFFSET_MASK = 0x1fff,
    IPV4_MAX_LEN = 65535,
    IPOPT_EOL = 0,
    IPOPT_NOP = 1,
};

/* RFC 791 §3.1 options: EOL and NOP are one byte; every other option is
 * type, length (counting both), data. The walk moves forward every step and
 * the area is at most 40 bytes. Linux drops a datagram whose options do not
 * parse, so accepting it would let bytes the host never saw into a flow. */
static bool ipv4_options_ok(struct cursor opts)
{
    while (cursor_left(&opts) > 0) {
        uint8_t type = cursor_u8(&opts);
        if (type == IPOPT_EOL)
            return true;
        if (type == IPOPT_NOP)
            continue;
        uint8_t len = cursor_u8(&opts);
        if (len < 2 || !cursor_skip(&opts, (size_t)len - 2))
            return false;
    }
    return cursor_ok(&opts);
}

static enum decode_result ipv4_fragment(struct decoder *d, struct packet *p, struct cursor c,
                                        uint16_t frag, uint16_t id, size_t hlen, bool is_snapped)
{
    decode_count(d, DC_IPV4_FRAGMENT);
    p->flags |= PACKET_IS_FRAGMENT;
    if (is_snapped)
        return decode_invalid(d, DC_DEFRAG_SNAPPED);

    struct defrag_key key;
    memset(&key, 0, sizeof(key));
    memcpy(key.src, p->src_ip, 4);
    memcpy(key.dst, p->dst_ip, 4);
    key.id = id;
    memcpy(key.vlan_id, p->vlan_id, sizeof(key.vlan_id));
    key.ip_version = 4;
    key.proto = p->ip_proto;
    key.vlan_count = p->vlan_count;
    key.tunnel_depth = p->tunnel_depth;
    struct defrag_frag f = {
        .data = cursor_ptr(&c),
        .len = (uint32_t)cursor_left(&c),
        .offset = (uint32_t)(frag & IPV4_OFFSET_MASK) * 8,
        .max_end = (uint32_t)(IPV4_MAX_LEN - hlen),
        .has_more = (frag & IPV4_MF) != 0,
        .next_header = p->ip_proto,
        .frames = p->frame_count,
        .frame_bytes = p->frame_bytes,
        .ts_us = p->ts_us,
    };
    uint8_t proto = p->ip_proto;
    enum decode_result r = fragment_decode(d, p, &key, &f, &c, &proto);
    if (r != DECODE_OK)
        return r;
    p->ip_len = (uint32_t)(hlen + cursor_left(&c));
    return transport_decode(d, p, proto, c);
}

enum decode_result ipv4_decode(struct decoder *d, struct packet *p, struct cursor c)
{
    uint8_t vhl = cursor_u8(&c);
    cursor_skip(&c, 1); /* DSCP/ECN */
    uint16_t total_len = cursor_be16(&c);
    uint16_t id = cursor_be16(&c);
    uint16_t frag = cursor_be16(&c);
    uint8_t ttl = cursor_u8(&c);
    uint8_t proto = cursor_u8(&c);
    cursor_skip(&c, 2); /* checksum: see the file comment */
    const uint8_t *src = cursor_bytes(&c, 4);
    const uint8_t *dst = cursor_bytes(&c, 4);
    if (!cursor_ok(&c))
        return decode_invalid(d, DC_IPV4_TRUNC);
    if (vhl >> 4 != 4)
        return decode_invalid(d, DC_IPV4_BAD_VERSION);
    size_t hlen = (size_t)(vhl & 0x0f) * 4;
    if (hlen < IPV4_MIN_HLEN)
        return decode_invalid(d, DC_IPV4_HLEN_TOO_SMALL);
    if (total_len < hlen)
        return decode_invalid(d, DC_IPV4_BAD_TOTAL_LEN);

    bool is_snapped = false;
    switch (decode_trim(d, &c, total_len - IPV4_MIN_HLEN)) {
    case DECODE_TRIM_OK:
        break;
    case DECODE_TRIM_SNAPPED:
        is_snapped = true;
        decode_count(d, DC_IPV4_SNAPPED);
        break;
    case DECODE_TRIM_SHORT:
        return decode_invalid(d, DC_IPV4_TRUNC);
    }
    struct cursor opts = cursor_split(&c, hlen - IPV4_MIN_HLEN);
    if (!cursor_ok(&opts))
        return decode_invalid(d, DC_IPV4_TRUNC);
    if (!ipv4_options_ok(opts))
        return decode_invalid(d, DC_IPV4_OPT_INVALID);

    decode_reset_l3(p);
    p->ip_version = 4;
    p->ip_proto = proto;
    p->ttl = ttl;
    memcpy(p->src_ip, src, 4);
    memcpy(p->dst_ip, dst, 4);
    p->ip_len = total_len;
    decode_count(d, DC_IPV4);

    if (frag & (IPV4_MF | IPV4_OFFSET_MASK))
        return ipv4_fragment(d, p, c, frag, id, hlen, is_snapped);
    return transport_decode(d, p, proto, c);
}
