/* decode_counters.h — the decoder's named counters, one X-macro list.
 *
 * Names are "<layer>.<what>"; "decoded.*" count layers seen, the rest count a
 * reason a frame was refused or a notable oddity. docs/decode.md has a table
 * with the meaning of each. The enum and the printed names come from this one
 * list (core/counter.h), so they cannot drift apart.
 */
#ifndef HRADBA_DECODE_DECODE_COUNTERS_H
#define HRADBA_DECODE_DECODE_COUNTERS_H

#include "core/counter.h"

#define DECODE_COUNTERS(X)                                                                         \
    X(DC_FRAMES, "decoded.frames")                                                                 \
    X(DC_NOT_IP, "decoded.not_ip")                                                                 \
    X(DC_INVALID, "decoded.invalid")                                                               \
    X(DC_HELD, "decoded.held")                                                                     \
    X(DC_ETHERNET, "decoded.ethernet")                                                             \
    X(DC_SLL, "decoded.sll")                                                                       \
    X(DC_VLAN, "decoded.vlan")                                                                     \
    X(DC_MPLS, "decoded.mpls")                                                                     \
    X(DC_PPPOE, "decoded.pppoe")                                                                   \
    X(DC_IPV4, "decoded.ipv4")                                                                     \
    X(DC_IPV6, "decoded.ipv6")                                                                     \
    X(DC_TCP, "decoded.tcp")                                                                       \
    X(DC_UDP, "decoded.udp")                                                                       \
    X(DC_ICMPV4, "decoded.icmpv4")                                                                 \
    X(DC_ICMPV6, "decoded.icmpv6")                                                                 \
    X(DC_GRE, "decoded.gre")                                                                       \
    X(DC_ERSPAN, "decoded.erspan")                                                                 \
    X(DC_VXLAN, "decoded.vxlan")                                                                   \
    X(DC_GTP, "decoded.gtp")                                                                       \
    X(DC_IP_IN_IP, "decoded.ip_in_ip")                                                             \
    X(DC_LINK_UNSUPPORTED, "link.unsupported")                                                     \
    X(DC_LINK_TOO_SHORT, "link.too_short")                                                         \
    X(DC_LINK_UNKNOWN_FAMILY, "link.unknown_family")                                               \
    X(DC_LINK_RAW_BAD_VERSION, "link.raw_bad_version")                                             \
    X(DC_ETHERNET_TOO_SHORT, "ethernet.too_short")                                                 \
    X(DC_ETHERNET_LLC, "ethernet.llc")                                                             \
    X(DC_ETHERNET_ARP, "ethernet.arp")                                                             \
    X(DC_ETHERNET_OTHER, "ethernet.other_type")                                                    \
    X(DC_VLAN_TRUNC, "vlan.trunc")                                                                 \
    X(DC_VLAN_TOO_MANY, "vlan.too_many")                                                           \
    X(DC_MPLS_TRUNC, "mpls.trunc")                                                                 \
    X(DC_MPLS_TOO_MANY_LABELS, "mpls.too_many_labels")                                             \
    X(DC_MPLS_UNKNOWN_PAYLOAD, "mpls.unknown_payload")                                             \
    X(DC_PPPOE_TRUNC, "pppoe.trunc")                                                               \
    X(DC_PPPOE_BAD_HEADER, "pppoe.bad_header")                                                     \
    X(DC_PPP_TRUNC, "ppp.trunc")                                                                   \
    X(DC_PPP_NOT_IP, "ppp.not_ip")                                                                 \
    X(DC_IPV4_TRUNC, "ipv4.trunc")                                                                 \
    X(DC_IPV4_BAD_VERSION, "ipv4.bad_version")                                                     \
    X(DC_IPV4_HLEN_TOO_SMALL, "ipv4.hlen_too_small")                                               \
    X(DC_IPV4_BAD_TOTAL_LEN, "ipv4.bad_total_len")                                                 \
    X(DC_IPV4_OPT_INVALID, "ipv4.opt_invalid")                                                     \
    X(DC_IPV4_SNAPPED, "ipv4.snapped")                                                             \
    X(DC_IPV4_FRAGMENT, "ipv4.fragment")                                                           \
    X(DC_IPV6_TRUNC, "ipv6.trunc")                                                                 \
    X(DC_IPV6_BAD_VERSION, "ipv6.bad_version")                                                     \
    X(DC_IPV6_JUMBOGRAM, "ipv6.jumbogram")                                                         \
    X(DC_IPV6_SNAPPED, "ipv6.snapped")                                                             \
    X(DC_IPV6_EXTHDR_TRUNC, "ipv6.exthdr_trunc")                                                   \
    X(DC_IPV6_EXTHDR_LOOP, "ipv6.exthdr_loop")                                                     \
    X(DC_IPV6_HBH_NOT_FIRST, "ipv6.hbh_not_first")                                                 \
    X(DC_IPV6_FRAG_HDR_DUP, "ipv6.frag_hdr_dup")                                                   \
    X(DC_IPV6_ATOMIC_FRAG, "ipv6.atomic_fragment")                                                 \
    X(DC_IPV6_FRAGMENT, "ipv6.fragment")                                                           \
    X(DC_TCP_TRUNC, "tcp.trunc")                                                                   \
    X(DC_TCP_HLEN_TOO_SMALL, "tcp.hlen_too_small")                                                 \
    X(DC_TCP_HLEN_TOO_LARGE, "tcp.hlen_too_large")                                                 \
    X(DC_TCP_OPT_INVALID_LEN, "tcp.opt_invalid_len")                                               \
    X(DC_UDP_TRUNC, "udp.trunc")                                                                   \
    X(DC_UDP_BAD_LEN, "udp.bad_len")                                                               \
    X(DC_ICMPV4_TRUNC, "icmpv4.trunc")                                                             \
    X(DC_ICMPV6_TRUNC, "icmpv6.trunc")                                                             \
    X(DC_GRE_TRUNC, "gre.trunc")                                                                   \
    X(DC_GRE_BAD_VERSION, "gre.bad_version")                                                       \
    X(DC_GRE_BAD_FLAGS, "gre.bad_flags")                                                           \
    X(DC_GRE_PPTP_BAD_HEADER, "gre.pptp_bad_header")                                               \
    X(DC_GRE_UNKNOWN_PROTO, "gre.unknown_proto")                                                   \
    X(DC_ERSPAN_TRUNC, "erspan.trunc")                                                             \
    X(DC_ERSPAN_BAD_VERSION, "erspan.bad_version")                                                 \
    X(DC_ERSPAN_BAD_FRAME_TYPE, "erspan.bad_frame_type")                                           \
    X(DC_VXLAN_TRUNC, "vxlan.trunc")                                                               \
    X(DC_VXLAN_BAD_FLAGS, "vxlan.bad_flags")                                                       \
    X(DC_VXLAN_UNKNOWN_NEXT, "vxlan.unknown_next")                                                 \
    X(DC_GTP_TRUNC, "gtp.trunc")                                                                   \
    X(DC_GTP_BAD_PAYLOAD, "gtp.bad_payload")                                                       \
    X(DC_TUNNEL_TOO_DEEP, "tunnel.too_deep")                                                       \
    X(DC_DEFRAG_REASSEMBLED, "defrag.reassembled")                                                 \
    X(DC_DEFRAG_OVERLAP, "defrag.overlap")                                                         \
    X(DC_DEFRAG_DUPLICATE, "defrag.duplicate")                                                     \
    X(DC_DEFRAG_OVERSIZE, "defrag.oversize")                                                       \
    X(DC_DEFRAG_BAD_FRAG_LEN, "defrag.bad_frag_len")                                               \
    X(DC_DEFRAG_BAD_END, "defrag.bad_end")                                                         \
    X(DC_DEFRAG_EMPTY, "defrag.empty")                                                             \
    X(DC_DEFRAG_SNAPPED, "defrag.snapped")                                                         \
    X(DC_DEFRAG_TOO_MANY_FRAGS, "defrag.too_many_frags")                                           \
    X(DC_DEFRAG_NESTED, "defrag.nested")                                                           \
    X(DC_DEFRAG_MEMCAP_FULL, "defrag.memcap_full")                                                 \
    X(DC_DEFRAG_TRACKERS_FULL, "defrag.trackers_full")                                             \
    X(DC_DEFRAG_EVICTED, "defrag.evicted")                                                         \
    X(DC_DEFRAG_TIMEOUT, "defrag.timeout")                                                         \
    X(DC_DEFRAG_TRACKERS, "defrag.trackers")                                                       \
    X(DC_DEFRAG_MEMORY_USED, "defrag.memory.used")                                                 \
    X(DC_DEFRAG_MEMORY_MAX, "defrag.memory.max")

enum decode_counter { DECODE_COUNTERS(COUNTER_ENUM) DECODE_COUNTER_COUNT };

#endif
