/* tcp_stream.h — TCP reassembly: in-order bytes per direction, within bounds.
 *
 * In-order data is handed straight from the packet to the sink (no copy);
 * only out-of-order segments are copied, into a per-worker pool under a
 * memory cap and a per-direction depth. Retransmissions and overlaps: the
 * first copy of a byte wins (the bytes already delivered or held stay).
 * Missing bytes are reported as gaps — when the peer acknowledges data we
 * never saw (capture loss), when the held data hits its cap, or at flow end —
 * so parsers can resynchronise or stop. Midstream pickup starts at the first
 * data segment seen. One pool per worker, no locks.
 *
 * Policies (docs/stream.md has the detail): sequence numbers compare modulo
 * 2^32 (RFC 9293 §3.4); SYN data (TCP Fast Open) starts at ISN+1; a FIN
 * fixes the end and later bytes are dropped; a RST not behind the delivered
 * bytes flushes what is held, with gaps, and ends both directions; segments,
 * ACKs and RSTs more than 1 GiB ahead are garbage. Each byte is delivered at
 * most once and in order, or covered by exactly one gap.
 */
#ifndef HRADBA_STREAM_TCP_STREAM_H
#define HRADBA_STREAM_TCP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "decode/packet.h"
#include "flow/flow.h"

struct tcp_stream_config {
    size_t memcap;       /* out-of-order bytes held by all flows of a worker; default 64 MiB */
    uint32_t depth_held; /* out-of-order bytes held per direction; default 1 MiB */
};

struct tcp_seg; /* private: one held out-of-order segment */

/* Per-direction state, embedded in the caller's per-flow session. Fields are
 * private to tcp_stream.c; the struct is public only so it can be embedded
 * (24 bytes on LP64, keeping an idle TCP flow under its budget). */
struct tcp_stream_dir {
    struct tcp_seg *segs; /* held segments, sorted by sequence, disjoint */
    uint32_t next_seq;    /* next byte to deliver */
    uint32_t held;        /* bytes held in segs */
    uint32_t fin_seq;     /* sequence number of the FIN, when FIN seen */
    uint16_t flags;
    uint16_t nsegs;
};

struct tcp_stream {
    struct tcp_stream_dir dir[2]; /* per enum flow_dir */
};

/* Callbacks run inside tcp_stream_segment/flush. data is borrowed for the
 * call. A callback may call tcp_stream_stop (a parser giving up) but no other
 * tcp_stream function. Either function pointer may be NULL. */
struct tcp_stream_sink {
    /* len > 0 in-order bytes of dir. */
    void (*data)(void *ctx, enum flow_dir dir, const uint8_t *data, size_t len);
    /* len bytes of dir will never be delivered. */
    void (*gap)(void *ctx, enum flow_dir dir, uint64_t len);
    void *ctx;
};

struct tcp_stream_pool;

void tcp_stream_config_default(struct tcp_stream_config *cfg);
/* cfg NULL: defaults. Allocates no chunk until one is needed; NULL on ENOMEM. */
struct tcp_stream_pool *tcp_stream_pool_new(const struct tcp_stream_config *cfg);
/* Every stream using the pool must have been released first. */
void tcp_stream_pool_free(struct tcp_stream_pool *pool);

void tcp_stream_init(struct tcp_stream *s);

/* Feeds one decoded TCP segment travelling in dir (SYN, FIN, RST, ACK and
 * payload all matter) and delivers whatever became in-order to sink. */
void tcp_stream_segment(struct tcp_stream_pool *pool, struct tcp_stream *s, enum flow_dir dir,
                        const struct packet *p, const struct tcp_stream_sink *sink);

/* End of flow: delivers what is held, with gaps where bytes are missing, and
 * frees it. */
void tcp_stream_flush(struct tcp_stream_pool *pool, struct tcp_stream *s,
                      const struct tcp_stream_sink *sink);

/* Stops reassembling dir (its parser wants no more): frees what is held and
 * ignores further data of that direction. */
void tcp_stream_stop(struct tcp_stream_pool *pool, struct tcp_stream *s, enum flow_dir dir);

/* Frees what is held without delivering it. */
void tcp_stream_release(struct tcp_stream_pool *pool, struct tcp_stream *s);

/* Section "stream": segments, segments.in_order, segments.out_of_order,
 * retransmissions, overlaps, overlaps.different (same bytes, other content),
 * gaps, gap_bytes, depth_reached, memcap_reached, after_fin, after_rst,
 * rst_ignored, out_of_window, midstream, memory.used, memory.max,
 * memory.reserved (docs/stream.md defines each). */
struct counter_view tcp_stream_counters(const struct tcp_stream_pool *pool);

#endif
