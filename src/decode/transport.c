/* transport.c — what an IP header's protocol field points to.
 *
 * TCP, UDP, ICMPv4 (in IPv4) and ICMPv6 (in IPv6) are decoded; GRE (47),
 * IP-in-IP (4, RFC 2003) and IPv6-in-IP (41, RFC 4213; also 4in6 and 6in6)
 * are tunnels peeled off here. Any other protocol is a valid IP packet whose
 * payload we leave opaque (ports stay 0).
 */
#include "decode/decode_internal.h"

enum {
    PROTO_ICMP = 1,
    PROTO_IPIP = 4,
    PROTO_TCP = 6,
    PROTO_UDP = 17,
    PROTO_IPV6 = 41,
    PROTO_GRE = 47,
    PROTO_ICMPV6 = 58,
};

static enum decode_result transport_ip_in_ip(struct decoder *d, struct packet *p, uint8_t proto,
                                             struct cursor c)
{
    if (!tunnel_enter(d, p))
        return DECODE_OK;
    decode_count(d, DC_IP_IN_IP);
    return proto == PROTO_IPIP ? ipv4_decode(d, p, c) : ipv6_decode(d, p, c);
}

enum decode_result transport_decode(struct decoder *d, struct packet *p, uint8_t proto,
                                    struct cursor c)
{
    p->ip_proto = proto;
    switch (proto) {
    case PROTO_TCP:
        return tcp_decode(d, p, c);
    case PROTO_UDP:
        return udp_decode(d, p, c);
    case PROTO_ICMP:
        if (p->ip_version == 4)
            return icmp_decode(d, p, c, false);
        break;
    case PROTO_ICMPV6:
        if (p->ip_version == 6)
            return icmp_decode(d, p, c, true);
        break;
    case PROTO_GRE:
        return gre_decode(d, p, c);
    case PROTO_IPIP:
    case PROTO_IPV6:
        /* The outer fields (and payload) stay if the tunnel is too deep. */
        p->payload = cursor_ptr(&c);
        p->payload_len = (uint32_t)cursor_left(&c);
        return transport_ip_in_ip(d, p, proto, c);
    default:
        break;
    }
    p->payload = cursor_ptr(&c);
    p->payload_len = (uint32_t)cursor_left(&c);
    return DECODE_OK;
}
