/* decode_internal.h — what the decoder's layer files share, and nothing else.
 *
 * Each layer is a function (decoder, packet, cursor over that layer's bytes)
 * returning enum decode_result; it reads through the cursor only, counts
 * every refusal, and calls the next layer. Recursion is bounded: VLAN tags by
 * PACKET_MAX_VLAN, tunnels by max_tunnel_depth, reassembly by
 * DECODE_REASM_DEPTH. Not a public API: include decode/decode.h instead.
 */
#ifndef HRADBA_DECODE_DECODE_INTERNAL_H
#define HRADBA_DECODE_DECODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/cursor.h"
#include "decode/decode.h"
#include "decode/decode_counters.h"
#include "decode/defrag.h"
#include "decode/packet.h"

/* Reassembled datagrams nested in one frame (fragments of an IP-in-IP tunnel
 * carried in fragments): one buffer each. */
enum { DECODE_REASM_DEPTH = 2 };

struct decoder {
    struct decode_config cfg;
    struct defrag *defrag;
    uint8_t *reasm_buf[DECODE_REASM_DEPTH]; /* DEFRAG_MAX_PAYLOAD bytes each */
    uint8_t reasm_used;                     /* buffers in use by the current frame */
    /* Bytes the capture cut off the end of the bytes being decoded
     * (wirelen - caplen), so a length field pointing past the capture can be
     * told apart from one pointing past the packet. 0 inside a reassembled
     * datagram or once a layer has trimmed padding. */
    uint32_t snap_missing;
    uint64_t counters[DECODE_COUNTER_COUNT];
};

static inline void decode_count(struct decoder *d, enum decode_counter id)
{
    d->counters[id]++;
}

/* Counts why a frame is refused; returns DECODE_INVALID for a tail call. */
static inline enum decode_result decode_invalid(struct decoder *d, enum decode_counter id)
{
    d->counters[id]++;
    return DECODE_INVALID;
}

enum decode_trim { DECODE_TRIM_OK, DECODE_TRIM_SNAPPED, DECODE_TRIM_SHORT };

/* Limits *c to the len bytes a length field claims. SNAPPED: the bytes are
 * missing only because the capture's snap length cut them (c left as is);
 * SHORT: the field claims more than the packet has. */
static inline enum decode_trim decode_trim(struct decoder *d, struct cursor *c, size_t len)
{
    size_t left = cursor_left(c);
    if (len <= left) {
        if (len < left) {
            /* Trailing padding: whatever follows is no longer the frame end. */
            d->snap_missing = 0;
        }
        cursor_truncate(c, len);
        return DECODE_TRIM_OK;
    }
    return len - left <= d->snap_missing ? DECODE_TRIM_SNAPPED : DECODE_TRIM_SHORT;
}

enum {
    DECODE_L4_FLAGS = PACKET_HAS_TCP | PACKET_HAS_UDP | PACKET_HAS_ICMP | PACKET_HAS_TCP_MSS |
                      PACKET_HAS_TCP_WSCALE | PACKET_HAS_TCP_SACK_OK | PACKET_HAS_TCP_TS |
                      PACKET_HAS_TCP_FASTOPEN,
};

/* Forgets the IP and transport fields (every struct packet member from
 * ip_version up to frame_count), before a new (inner) IP header fills
 * them, so nothing of an outer header leaks into an inner packet. */
static inline void decode_reset_l3(struct packet *p)
{
    p->flags &= ~(uint32_t)DECODE_L4_FLAGS;
    memset(&p->ip_version, 0,
           offsetof(struct packet, frame_count) - offsetof(struct packet, ip_version));
}

/* link.c: by p->linktype. */
enum decode_result link_decode(struct decoder *d, struct packet *p, struct cursor c);
/* ethernet.c: an Ethernet II / 802.3 frame; and an EtherType's payload. */
enum decode_result ethernet_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result ethernet_type_decode(struct decoder *d, struct packet *p, uint16_t type,
                                        struct cursor c);
/* vlan.c, mpls.c, pppoe.c: c starts after the EtherType. */
enum decode_result vlan_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result mpls_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result pppoe_decode(struct decoder *d, struct packet *p, struct cursor c);
/* pppoe.c: a PPP frame (optional address/control, 1- or 2-byte protocol). */
enum decode_result ppp_decode(struct decoder *d, struct packet *p, struct cursor c);
/* ipv4.c, ipv6.c: c starts at the IP header. */
enum decode_result ipv4_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result ipv6_decode(struct decoder *d, struct packet *p, struct cursor c);
/* ip.c: IPv4 or IPv6 by the version nibble (raw links, ERSPAN, VXLAN-GPE);
 * bad_version names the counter for anything else. */
enum decode_result ip_decode(struct decoder *d, struct packet *p, struct cursor c,
                             enum decode_counter bad_version);
/* transport.c: the payload of IP protocol proto (TCP, UDP, ICMP, tunnels). */
enum decode_result transport_decode(struct decoder *d, struct packet *p, uint8_t proto,
                                    struct cursor c);
/* fragment.c: a fragment's trip through defrag, for ipv4.c and ipv6.c.
 * DECODE_OK means *c now holds the reassembled payload (fragmentable part)
 * and *proto its first protocol; DECODE_HELD / DECODE_INVALID end the frame. */
enum decode_result fragment_decode(struct decoder *d, struct packet *p, struct defrag_key *key,
                                   struct defrag_frag *f, struct cursor *c, uint8_t *proto);
enum decode_result tcp_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result udp_decode(struct decoder *d, struct packet *p, struct cursor c);
enum decode_result icmp_decode(struct decoder *d, struct packet *p, struct cursor c, bool is_v6);
enum decode_result gre_decode(struct decoder *d, struct packet *p, struct cursor c);
/* erspan.c: c starts at the ERSPAN header (type II or III). */
enum decode_result erspan_decode(struct decoder *d, struct packet *p, struct cursor c,
                                 bool is_type3);
/* vxlan.c: a UDP payload to port 4789 (VXLAN) or 4790 (VXLAN-GPE). Leaves the
 * packet as plain UDP (DECODE_OK) when the header does not fit. */
enum decode_result vxlan_decode(struct decoder *d, struct packet *p, struct cursor c,
                                uint16_t port);
/* gtp.c: a UDP payload to port 2152 (GTP-U); plain UDP unless a G-PDU. */
enum decode_result gtp_decode(struct decoder *d, struct packet *p, struct cursor c);
/* tunnel.c: true if one more tunnel may be peeled (and records it); false
 * (counted) when max_tunnel_depth is reached: the caller then keeps the outer
 * packet as decoded so far. */
bool tunnel_enter(struct decoder *d, struct packet *p);
/* tunnel.c: an Ethernet frame carried in a tunnel; its VLAN tags replace the
 * outer ones (flows are keyed on the innermost frame). */
enum decode_result tunnel_ethernet_decode(struct decoder *d, struct packet *p, struct cursor c);

#endif
