/* flow_table.h — bidirectional flow tracking under a memory cap.
 *
 * One table per worker, no locks: multi-core capture gives each worker its own
 * table and hashes packets to workers by flow (both directions to one worker).
 * Flows come from a pool sized by the memory cap; when it is empty the least
 * recently active flow is ended early (reason "forced") and counted.
 * Idle timeouts follow the protocol and state (see docs/flows.md).
 */
#ifndef HRADBA_FLOW_FLOW_TABLE_H
#define HRADBA_FLOW_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "decode/packet.h"
#include "flow/flow.h"

struct flow_config {
    size_t memcap;                 /* bytes for flows and buckets; default 128 MiB */
    uint32_t tcp_new_timeout_s;    /* handshake not complete; default 60 */
    uint32_t tcp_est_timeout_s;    /* default 600 */
    uint32_t tcp_closed_timeout_s; /* after RST or both FINs; default 60 */
    uint32_t udp_new_timeout_s;    /* one direction only; default 30 */
    uint32_t udp_est_timeout_s;    /* default 300 */
    uint32_t other_new_timeout_s;  /* ICMP and other IP protocols; default 30 */
    uint32_t other_est_timeout_s;  /* default 300 */
    /* Distinguishes this table's flow ids from other workers' tables in the
     * same run (ids stay unique and deterministic); default 0, < 4096. */
    uint16_t worker_id;
};

/* Called once for every flow that ends, just before its memory is reused.
 * The flow is valid only during the call. */
typedef void (*flow_end_fn)(void *ctx, struct flow *f);

void flow_config_default(struct flow_config *cfg);

/* Returns NULL on allocation failure or a memcap too small for one flow. */
struct flow_table *flow_table_new(const struct flow_config *cfg, flow_end_fn on_end, void *ctx);

/* Ends (on_end, reason shutdown) and frees every flow, then the table. */
void flow_table_free(struct flow_table *t);

/* Accounts a decoded packet (decoder_run() == DECODE_OK) to its flow,
 * creating it if needed. Sets *dir to the packet's direction. Returns the
 * flow, valid until the next call into the table; NULL if the packet has no
 * flow (not IP). */
struct flow *flow_table_packet(struct flow_table *t, const struct packet *p, enum flow_dir *dir);

/* Ends every flow idle past its timeout at time now_us. Cheap when nothing
 * is due: call it for every packet. */
void flow_table_advance(struct flow_table *t, uint64_t now_us);

/* The capture clock went back further than any timeout (captures of
 * different days concatenated): no open flow can continue across such a
 * jump, so each ends as timed out (counted in flows.clock_rewound) and the
 * clock restarts at now_us. Without this every later flow would look idle
 * for days and end after its first packet. */
void flow_table_rewind(struct flow_table *t, uint64_t now_us);

/* Ends every flow with reason "shutdown" (end of input). */
void flow_table_flush(struct flow_table *t);

/* flows.created, flows.ended, flows.evicted, flows.timeout, flows.active,
 * flows.active_max, memory.used, memory.max, ... */
struct counter_view flow_table_counters(const struct flow_table *t);

#endif
