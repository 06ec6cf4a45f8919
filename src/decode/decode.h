/* decode.h — turns a captured frame into a struct packet (L2 to L4).
 *
 * Link layers: Ethernet II, Linux cooked v1/v2, raw IP, BSD NULL/LOOP.
 * Inside: 802.1Q/802.1ad VLANs, MPLS, PPPoE session, IPv4 (options, fragments
 * reassembled), IPv6 (extension-header chain, fragments), TCP (options), UDP,
 * ICMPv4/v6, and the tunnels of mirrored links: GRE (incl. ERSPAN II/III),
 * VXLAN, IP-in-IP, 6in4/4in6. Flows are keyed on the innermost IP header;
 * outer tunnel headers are peeled off, not tracked.
 *
 * Every malformation is a named counter; decoding never trusts a length.
 * A decoder is owned by one worker and is not thread-safe.
 */
#ifndef HRADBA_DECODE_DECODE_H
#define HRADBA_DECODE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "decode/packet.h"

struct decode_config {
    size_t defrag_memcap;          /* bytes held by all fragment trackers; default 32 MiB */
    uint32_t defrag_timeout_ms;    /* a datagram incomplete this long is dropped; default 60 s */
    uint32_t defrag_max_datagrams; /* trackers alive at once; default 65536 */
    uint8_t max_tunnel_depth;      /* tunnels peeled before giving up; default 4 */
};

enum decode_result {
    DECODE_OK = 0,      /* IP packet decoded; flow fields valid */
    DECODE_NOT_IP = 1,  /* well-formed but carries no IP (ARP, LLDP, STP...): counted */
    DECODE_HELD = 2,    /* an IP fragment was stored; no transport fields yet */
    DECODE_INVALID = -1 /* malformed or unsupported: a counter says why */
};

/* Fills *cfg with the documented defaults. */
void decode_config_default(struct decode_config *cfg);

/* Returns NULL on allocation failure. cfg may be NULL for defaults. */
struct decoder *decoder_new(const struct decode_config *cfg);
void decoder_free(struct decoder *d);

/* Decodes p->data[0..p->caplen) of link type p->linktype; fills the rest of
 * *p. Pointers in *p stay valid until the next decoder_run() or
 * decoder_advance() on d. */
enum decode_result decoder_run(struct decoder *d, struct packet *p);

/* Expires fragment trackers older than the timeout at time now_us. */
void decoder_advance(struct decoder *d, uint64_t now_us);

/* Named counters (malformations per layer, defrag memory and high-water mark). */
struct counter_view decoder_counters(const struct decoder *d);

#endif
