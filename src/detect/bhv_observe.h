/* bhv_observe.h — flows and parser records turned into behaviour observations.
 *
 * The one place that knows both the pipeline's structs (struct flow, the
 * DNS/TLS/QUIC/HTTP records) and the detectors' (bhv.h): it decides which
 * addresses are internal (the home networks, as Suricata's HOME_NET), pairs
 * DNS queries with their responses, and remembers each open flow's names
 * and client fingerprint so that the flow's end can carry them. Both
 * memories are bounded tables; what falls out is counted, never fatal.
 */
#ifndef HRADBA_DETECT_BHV_OBSERVE_H
#define HRADBA_DETECT_BHV_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "detect/bhv.h"
#include "flow/flow.h"
#include "proto/app.h"

enum { BHV_HOME_NET_MAX = 64 };

struct bhv_net {
    struct bhv_ip addr; /* host bits zero */
    uint8_t prefix;
};

struct bhv_observe_config {
    struct bhv_net home_net[BHV_HOME_NET_MAX];
    size_t home_net_count;
    uint64_t flow_names_max;  /* open flows whose names are remembered */
    uint64_t dns_pending_max; /* DNS queries waiting for their response */
    uint64_t dns_timeout_us;  /* a query unanswered this long is passed on alone */
};

/* Home networks 10/8, 172.16/12, 192.168/16 (Suricata's default HOME_NET),
 * fc00::/7 and fe80::/10; 65536 flow names (~15 MiB), 16384 pending
 * queries (~17 MiB), 5 s. */
void bhv_observe_config_default(struct bhv_observe_config *cfg);

/* Parses "10.0.0.0/8,192.168.1.0/24,fd00::/8" (brackets and spaces allowed,
 * a bare address is a /32 or /128) into cfg's home networks, replacing
 * them. Returns 0 or -EINVAL with the offending item in err. */
int bhv_observe_parse_nets(struct bhv_observe_config *cfg, const char *text, char *err,
                           size_t err_size);

/* Where observations go. */
struct bhv_observer {
    void (*conn)(void *ctx, const struct bhv_conn *c);
    void (*dns)(void *ctx, const struct bhv_dns *q);
    void (*name)(void *ctx, const struct bhv_name *n);
    void *ctx;
};

struct bhv_observe;

struct bhv_observe *bhv_observe_new(const struct bhv_observe_config *cfg,
                                    const struct bhv_observer *out);
void bhv_observe_free(struct bhv_observe *o);

bool bhv_observe_is_internal(const struct bhv_observe *o, const struct bhv_ip *ip);

/* A parser record of flow f: a TLS/QUIC ClientHello or HTTP request gives a
 * name observation at once; a DNS query waits for its response (or for
 * dns_timeout_us). Other records are ignored. */
void bhv_observe_record(struct bhv_observe *o, const struct flow *f, enum app_record type,
                        const void *record, uint64_t ts_us);

/* The flow has ended: its connection observation, with the names its
 * records carried. */
void bhv_observe_flow_end(struct bhv_observe *o, const struct flow *f);

/* Passes on the DNS queries unanswered since before now_us - timeout (all
 * of them when is_final). */
void bhv_observe_advance(struct bhv_observe *o, uint64_t now_us, bool is_final);

struct counter_view bhv_observe_counters(const struct bhv_observe *o);
size_t bhv_observe_memory(const struct bhv_observe *o);

#endif
