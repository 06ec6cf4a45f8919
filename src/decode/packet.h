/* packet.h — one captured frame and what the decoder learned from it.
 *
 * The capture layer fills the frame fields; decoder_run() fills the rest.
 * Byte pointers are borrowed: valid until the next decoder_run() on the same
 * decoder (a reassembled IP datagram lives in the decoder's scratch buffer).
 * Addresses are the innermost IP header's, after any tunnel.
 */
#ifndef HRADBA_DECODE_PACKET_H
#define HRADBA_DECODE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

enum { PACKET_MAX_VLAN = 3 };

/* Link types we decode, as libpcap DLT/LINKTYPE values. */
enum packet_link {
    PACKET_LINK_NULL = 0, /* BSD loopback, host-order AF_ value */
    PACKET_LINK_ETHERNET = 1,
    PACKET_LINK_RAW = 101,      /* LINKTYPE_RAW: IPv4 or IPv6 by version nibble */
    PACKET_LINK_DLT_RAW12 = 12, /* DLT_RAW on some BSDs */
    PACKET_LINK_DLT_RAW14 = 14, /* DLT_RAW on OpenBSD */
    PACKET_LINK_LOOP = 108,     /* OpenBSD loopback, network-order AF_ value */
    PACKET_LINK_SLL = 113,      /* Linux cooked v1 */
    PACKET_LINK_IPV4 = 228,
    PACKET_LINK_IPV6 = 229,
    PACKET_LINK_SLL2 = 276, /* Linux cooked v2 */
};

enum packet_flag {
    PACKET_IS_FRAGMENT = 1u << 0,    /* this frame carried an IP fragment */
    PACKET_IS_REASSEMBLED = 1u << 1, /* l3/l4 fields describe a reassembled datagram */
    PACKET_HAS_TCP = 1u << 2,
    PACKET_HAS_UDP = 1u << 3,
    PACKET_HAS_ICMP = 1u << 4,     /* ICMPv4 or ICMPv6 */
    PACKET_IS_TUNNELLED = 1u << 5, /* at least one tunnel header was removed */
    PACKET_HAS_TCP_MSS = 1u << 6,
    PACKET_HAS_TCP_WSCALE = 1u << 7,
    PACKET_HAS_TCP_SACK_OK = 1u << 8,
    PACKET_HAS_TCP_TS = 1u << 9,
    PACKET_HAS_TCP_FASTOPEN = 1u << 10,
};

/* TCP flag bits as on the wire (byte 13 of the header). */
enum tcp_flag {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
    TCP_ECE = 0x40,
    TCP_CWR = 0x80,
};

struct packet {
    /* --- set by the caller before decoder_run() --- */
    uint64_t ts_us;      /* capture time, microseconds since the epoch */
    const uint8_t *data; /* captured bytes */
    uint32_t caplen;     /* bytes captured */
    uint32_t wirelen;    /* bytes on the wire (>= caplen) */
    int linktype;        /* enum packet_link / LINKTYPE_ value */
    uint64_t frame_no;   /* 1-based, within its source; for messages */

    /* --- set by decoder_run() --- */
    uint32_t flags;                    /* enum packet_flag */
    uint16_t vlan_id[PACKET_MAX_VLAN]; /* outermost first */
    uint8_t vlan_count;
    uint8_t tunnel_depth; /* tunnels removed to reach the innermost IP header */

    uint8_t ip_version; /* 4, 6, or 0 when the frame holds no IP */
    uint8_t ip_proto;   /* transport protocol after IPv6 extension headers */
    uint8_t ttl;        /* IPv4 TTL or IPv6 hop limit */
    uint8_t src_ip[16]; /* IPv4 in the first 4 bytes, rest zero */
    uint8_t dst_ip[16];
    uint32_t ip_len; /* innermost IP datagram length (header + payload) */

    uint16_t src_port; /* TCP/UDP; 0 otherwise */
    uint16_t dst_port;

    uint8_t tcp_flags; /* enum tcp_flag */
    uint8_t tcp_wscale;
    uint16_t tcp_window;
    uint16_t tcp_mss;
    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint32_t tcp_tsval;
    uint32_t tcp_tsecr;

    uint8_t icmp_type;
    uint8_t icmp_code;

    const uint8_t *payload; /* transport payload (after TCP/UDP/ICMP header) */
    uint32_t payload_len;

    /* A reassembled IP datagram (PACKET_IS_REASSEMBLED) arrived in this many
     * frames with this many wire bytes in all, this frame included, so a flow
     * can count every frame that carried it. 1 / wirelen otherwise. */
    uint32_t frame_count;
    uint64_t frame_bytes;
};

#endif
