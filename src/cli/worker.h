/* worker.h — one packet-processing pipeline: decode → flow → events.
 *
 * A worker owns its decoder, flow table and event buffer and takes no locks;
 * multi-core capture runs one worker per core with flows hashed to workers.
 * This is the one place (with main) that wires the layers together.
 */
#ifndef HRADBA_CLI_WORKER_H
#define HRADBA_CLI_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "decode/decode.h"
#include "flow/flow_table.h"
#include "proto/app_layer.h"

struct eve_sink;
struct qsbr;
struct behaviour_config;

struct worker_config {
    struct decode_config decode;
    struct flow_config flow;
    struct app_layer_config app; /* parser table filled by worker_config_default */
    bool is_flows_only;          /* no reassembly, no protocol parsers: flow events only */
    /* The intel set, swapped by its holder while the worker runs (borrowed,
     * outlives the worker; NULL: no intel checks); intel_reader is this
     * worker's reader index in it. */
    struct qsbr *intel;
    unsigned intel_reader;
    /* Behaviour detectors (borrowed; NULL: none). Their state is read from
     * behaviour_state when that file exists and written back by
     * worker_flush (NULL: state lives only for the run). */
    const struct behaviour_config *behaviour;
    const char *behaviour_state;
    void (*warn)(const char *msg); /* non-fatal setup messages; NULL: silent */
};

void worker_config_default(struct worker_config *cfg);

/* Events go to sink (borrowed; may be shared only if the caller serialises).
 * Returns NULL on failure, with the reason in err. */
struct worker *worker_new(const struct worker_config *cfg, struct eve_sink *sink, char *err,
                          size_t err_size);
/* Ends every open flow (reason shutdown), writing its event, and frees. */
void worker_free(struct worker *w);

/* One captured frame; data is borrowed for the call. */
void worker_frame(struct worker *w, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
                  uint32_t wirelen, int linktype, uint64_t frame_no);

/* Ends every open flow now, as at end of input; the detectors score what is
 * pending and save their state (behaviour_state). Returns 0, or -errno when
 * the state could not be saved (err says why; the events are all written). */
int worker_flush(struct worker *w, char *err, size_t err_size);

/* Per-layer counters: index 0 "packets" (worker totals), then decoder,
 * flow, app layer, TCP reassembly and the intel check. */
size_t worker_counter_views(const struct worker *w, struct counter_view *out, size_t max);
uint64_t worker_packets(const struct worker *w);
uint64_t worker_flows_active(const struct worker *w);

#endif
