/* flow.h — a bidirectional flow as the rest of the pipeline sees it.
 *
 * The client is the initiator: the sender of the first packet, or for TCP the
 * sender of the SYN when the first packet seen is a SYN-ACK. Index 0 of every
 * per-direction array is client-to-server ("toserver"), index 1 the reverse.
 */
#ifndef HRADBA_FLOW_FLOW_H
#define HRADBA_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/packet.h"

enum flow_dir { FLOW_TOSERVER = 0, FLOW_TOCLIENT = 1 };

struct flow_key {
    uint8_t addr[2][16]; /* [0] client, [1] server; IPv4 in the first 4 bytes */
    uint16_t port[2];    /* TCP/UDP ports; 0 for other protocols */
    uint16_t vlan_id[PACKET_MAX_VLAN];
    uint8_t vlan_count;
    uint8_t ip_version; /* 4 or 6 */
    uint8_t proto;      /* IP protocol number */
};

enum flow_state {
    FLOW_STATE_NEW = 0,         /* packets seen one way only */
    FLOW_STATE_ESTABLISHED = 1, /* both ways (TCP: handshake completed or midstream) */
    FLOW_STATE_CLOSED = 2,      /* TCP: FIN both ways or RST */
};

/* TCP connection state, RFC 793 names, as seen by a passive observer: the
 * server endpoint's state, as Suricata reports it (docs/flows.md). */
enum flow_tcp_state {
    FLOW_TCP_NONE = 0,
    FLOW_TCP_SYN_SENT,
    FLOW_TCP_SYN_RECV,
    FLOW_TCP_ESTABLISHED,
    FLOW_TCP_FIN_WAIT1,  /* the server sent FIN first */
    FLOW_TCP_FIN_WAIT2,  /* that FIN was acknowledged */
    FLOW_TCP_TIME_WAIT,  /* FIN both ways, the server's acknowledged */
    FLOW_TCP_CLOSE_WAIT, /* the client sent FIN first */
    FLOW_TCP_LAST_ACK,   /* then the server's FIN */
    FLOW_TCP_CLOSING,    /* FIN both ways, crossing */
    FLOW_TCP_CLOSED,     /* RST, or FIN both ways and acknowledged */
};

enum flow_end_reason {
    FLOW_END_TIMEOUT = 0,  /* idle past its protocol/state timeout */
    FLOW_END_FORCED = 1,   /* evicted to make room under the memory cap, or TCP port reuse */
    FLOW_END_SHUTDOWN = 2, /* end of input */
};

struct flow {
    struct flow_key key;
    uint64_t flow_id;     /* unique within a run, < 2^53 so JSON readers keep it exact */
    uint64_t start_us;    /* first packet */
    uint64_t last_us;     /* last packet */
    uint64_t pkts[2];     /* per enum flow_dir */
    uint64_t bytes[2];    /* wire bytes of whole frames, per enum flow_dir */
    uint8_t state;        /* enum flow_state */
    uint8_t tcp_state;    /* enum flow_tcp_state */
    uint8_t tcp_flags[2]; /* OR of every TCP flag byte seen, per direction */
    uint8_t end_reason;   /* enum flow_end_reason; valid when the flow ends */
    uint8_t icmp_type[2]; /* first ICMP type/code seen per direction */
    uint8_t icmp_code[2];
    bool has_icmp[2];
    bool is_midstream;      /* TCP flow picked up without its SYN */
    bool is_client_guessed; /* direction was inferred, not observed from a SYN */

    /* Table-private, placed in what would be padding so that every field a
     * packet updates shares the flow's first two cache lines (64-byte lines,
     * LP64): the timeout list the flow is on, and (flow_tcp.c) whether
     * tcp_fin_seq below is known. */
    uint8_t list_id;
    bool tcp_has_fin_seq;
    uint8_t app_proto; /* enum app_proto (flow/app_proto.h), set by the app layer */

    /* Application-layer state hung on the flow by later stages; the flow
     * table never touches it beyond handing it to the end callback. */
    void *app;

    /* Table-private: hash chain and timeout-list links. */
    struct flow *hnext;
    struct flow *lprev, *lnext;

    /* TCP-private (flow_tcp.c): the sequence number just past the FIN the
     * connection's state waits to see acknowledged (a simultaneous close
     * loses one of the two; tcp_has_fin_seq says). With the fields above it
     * fills padding: struct flow stays 160 bytes on LP64. */
    uint32_t tcp_fin_seq;
    /* An alert was written about this flow (EVE flow.alerted); set by the
     * worker, in what was tail padding. */
    bool is_alerted;
};

/* Lower-case names as Suricata's EVE writes them: flow.state "new",
 * "established", "closed"; tcp.state "syn_sent", "fin_wait1", ...;
 * flow.reason "timeout", "forced", "shutdown". Out-of-range values give
 * "unknown". Static strings. */
const char *flow_state_name(enum flow_state s);
const char *flow_tcp_state_name(enum flow_tcp_state s);
const char *flow_end_reason_name(enum flow_end_reason r);

#endif
