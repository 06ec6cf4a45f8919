/* defrag.h — IPv4 and IPv6 fragment reassembly under a memory cap (internal).
 *
 * RFC 791 §3.2 (IPv4) and RFC 8200 §4.5 (IPv6). Overlaps follow the policy in
 * defrag.c: IPv4 keeps the bytes that arrived first ("First" in Novak,
 * "Target-Based Fragmentation Reassembly", 2005); IPv6 discards the whole
 * datagram (RFC 5722). Not a general IP stack: no ICMP time-exceeded, no
 * jumbograms, at most DEFRAG_MAX_FRAGS pieces per datagram.
 */
#ifndef HRADBA_DECODE_DEFRAG_H
#define HRADBA_DECODE_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "decode/packet.h"

/* Pieces (after overlap trimming) one datagram may hold: 65535 / 8 would be
 * the legal worst case, but only evasion tools fragment that finely. */
enum { DEFRAG_MAX_FRAGS = 1024 };

/* Largest reassembled payload: 65535 minus the smallest IPv4 header, or the
 * IPv6 payload length limit. Reassembly buffers are this big. */
enum { DEFRAG_MAX_PAYLOAD = 65535 };

/* Which datagram a fragment belongs to. Build it zeroed (it is compared and
 * hashed as bytes). IPv4: RFC 791 (src, dst, protocol, id); IPv6: RFC 8200
 * (src, dst, id), proto left 0. VLANs and tunnel depth keep datagrams on
 * different segments apart. */
struct defrag_key {
    uint8_t src[16];
    uint8_t dst[16];
    uint32_t id;
    uint16_t vlan_id[PACKET_MAX_VLAN];
    uint8_t ip_version;
    uint8_t proto;
    uint8_t vlan_count;
    uint8_t tunnel_depth;
};

/* One arriving fragment. */
struct defrag_frag {
    const uint8_t *data; /* fragment payload, borrowed for the call */
    uint32_t len;
    uint32_t offset;     /* bytes, not 8-byte units */
    uint32_t max_end;    /* offset + len may not exceed this (datagram size limit) */
    bool has_more;       /* MF / M flag */
    uint8_t next_header; /* IPv6: Next Header of the Fragment header; IPv4: protocol */
    uint32_t frames;     /* frames that carried this fragment (usually 1) */
    uint64_t frame_bytes;
    uint64_t ts_us;
};

/* A completed datagram: its fragmentable part, in the caller's buffer. */
struct defrag_out {
    uint8_t *buf; /* caller's, DEFRAG_MAX_PAYLOAD bytes */
    uint32_t len;
    uint8_t next_header; /* from the fragment at offset 0 */
    uint32_t frames;
    uint64_t frame_bytes;
};

enum defrag_result {
    DEFRAG_HELD = 0,    /* stored; datagram incomplete */
    DEFRAG_DONE = 1,    /* *out holds the whole datagram; tracker freed */
    DEFRAG_DROPPED = -1 /* refused (a counter says why) */
};

struct defrag;

/* counters is the decoder's array (decode_counters.h), updated in place.
 * Returns NULL on allocation failure. */
struct defrag *defrag_new(const struct decode_config *cfg, uint64_t *counters);
void defrag_free(struct defrag *df);

/* Adds fragment f of datagram key. */
enum defrag_result defrag_add(struct defrag *df, const struct defrag_key *key,
                              const struct defrag_frag *f, struct defrag_out *out);

/* Drops every datagram whose first fragment is older than the timeout. */
void defrag_expire(struct defrag *df, uint64_t now_us);

#endif
