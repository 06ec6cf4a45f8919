/* app_layer.h — finds each flow's protocol and feeds its parser.
 *
 * Per flow it keeps a small session (TCP reassembly state, the parser and
 * its state) hung on flow->app. Detection looks at content: every parser's
 * probe sees the first bytes of each direction; ports only order the probes
 * (so TLS on 8443 and HTTP on any port are found). A parser can hand the
 * flow over to TLS (STARTTLS) or say it is done, which ends reassembly and
 * frees its state. One app layer per worker, no locks.
 */
#ifndef HRADBA_PROTO_APP_LAYER_H
#define HRADBA_PROTO_APP_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "decode/packet.h"
#include "flow/flow.h"
#include "proto/app.h"
#include "stream/tcp_stream.h"

enum { APP_LAYER_MAX_PORTS = 4 };

/* A parser and the ports where it is probed first. */
struct app_layer_entry {
    const struct app_parser *parser;
    uint16_t ports[APP_LAYER_MAX_PORTS]; /* 0 = unused */
};

struct app_layer_config {
    const struct app_layer_entry *entries; /* borrowed for the app layer's life */
    size_t n_entries;
    const struct app_parser *tls; /* the parser STARTTLS hands over to; may be NULL */
    struct tcp_stream_config stream;
    size_t session_memcap; /* bytes of per-flow sessions; default 64 MiB */
    size_t parser_memcap;  /* parsers' per-flow state (their state_mem); default 64 MiB */
};

/* Called for every record a parser finishes. dir is the direction of the
 * bytes that completed it. */
typedef void (*app_layer_emit_fn)(void *ctx, const struct flow *f, enum app_record type,
                                  const void *record, enum flow_dir dir, uint64_t ts_us);

void app_layer_config_default(struct app_layer_config *cfg);

struct app_layer *app_layer_new(const struct app_layer_config *cfg, app_layer_emit_fn emit,
                                void *ctx);
/* Every flow must have been ended first (app_layer_flow_end). */
void app_layer_free(struct app_layer *al);

/* A decoded TCP or UDP packet of flow f travelling in dir. */
void app_layer_packet(struct app_layer *al, struct flow *f, enum flow_dir dir,
                      const struct packet *p);

/* The flow ends: delivers what reassembly holds, lets the parser emit what
 * is pending, frees the session. Safe on flows that never had one. */
void app_layer_flow_end(struct app_layer *al, struct flow *f);

/* sessions, detected.<proto>, detection_failed, parser_errors, tls_upgrades,
 * sessions.refused (cap), ... and the stream's counters in a second view. */
struct counter_view app_layer_counters(const struct app_layer *al);
struct counter_view app_layer_stream_counters(const struct app_layer *al);

#endif
