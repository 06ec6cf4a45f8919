/* beacon.h — the beaconing detector (behaviour detector number 1).
 *
 * Finds hosts that call out on a machine's schedule: for each (source,
 * destination IP), (source, TLS/QUIC SNI or HTTP Host) and (source, DNS
 * name) pair it keeps a bounded sample of recent connection times and sizes
 * plus a coarse count of connections over the scoring window, and scores the
 * pair as RITA v5 does (beacon_score.h): regular intervals, regular sizes,
 * steady hour-by-hour activity, and activity across the whole window.
 * Streaming, one pass; docs/detectors.md ("Beacon") has the formula, the
 * memory bound and the reasons for every default. Not a judge of intent:
 * software updaters beacon too, which is why an alert carries what is
 * normal for the host and how many hosts talk to the same target.
 */
#ifndef HRADBA_DETECT_BEACON_BEACON_H
#define HRADBA_DETECT_BEACON_BEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct beacon_config {
    double threshold;           /* alert at a score >= this, 0..1 */
    uint64_t window_s;          /* scoring window: the last this many seconds */
    uint64_t min_connections;   /* distinct connection seconds before a pair is scored */
    uint64_t realert_s;         /* at most one alert per pair per this many seconds */
    uint64_t rescore_s;         /* a pair with new connections is scored again after this long */
    uint64_t reorder_s;         /* observations older than the newest by more: time.backwards */
    bool internal_only;         /* only pairs whose source is a home-network host */
    bool include_internal_dest; /* also IP pairs whose destination is internal */
    bool track_ip, track_names, track_dns; /* which pair kinds to keep */
    uint64_t max_pairs;                    /* pair records (about 1.5 KiB each) */
    uint64_t max_candidates;               /* pairs seen once, waiting for a second connection */
    double common_share;                   /* no alert when at least this share of hosts ... */
    uint64_t common_min_hosts;             /* ... of at least this many talk to the same target */
    double ts_weight, ds_weight, hist_weight, dur_weight; /* sum to 1 */
    double hist_mode_sensitivity;
    uint64_t hist_bimodal_outlier_removal;
    uint64_t hist_bimodal_min_hours; /* histogram bins, an hour each at the default window */
    uint64_t dur_min_hours;
    uint64_t dur_ideal_hours;
};

/* RITA v5's scoring parameters and the defaults docs/detectors.md explains. */
void beacon_config_default(struct beacon_config *cfg);

/* Keys "beacon.<name>" over struct beacon_config. */
extern const struct bhv_option beacon_options[];
extern const size_t beacon_option_count;

/* NULL when the config is out of range (weights not summing to 1, a zero
 * window or table size, a threshold outside 0..1) or memory is short. All
 * memory is allocated here (beacon_memory() says how much); the sink is
 * copied. */
struct beacon *beacon_new(const struct beacon_config *cfg, const struct bhv_sink *sink);
void beacon_free(struct beacon *d); /* NULL is a no-op */

/* A finished flow: one connection of its (source, server IP) pair and, when
 * the flow carried an SNI or HTTP Host, of that name's pair. */
void beacon_conn(struct beacon *d, const struct bhv_conn *c);

/* A DNS transaction: one connection of its (client, qname) pair, sized by
 * the response. */
void beacon_dns(struct beacon *d, const struct bhv_dns *q);

/* About every 60 s of capture time: scores the pairs that had new
 * connections, alerts, and ages out pairs idle for a whole window. */
void beacon_tick(struct beacon *d, uint64_t now_us);

/* End of input: scores every pair with enough connections and alerts. */
void beacon_finish(struct beacon *d, uint64_t now_us);

/* Section "detect.beacon"; the values live as long as d. */
struct counter_view beacon_counters(const struct beacon *d);

/* Bytes allocated; fixed at beacon_new. */
size_t beacon_memory(const struct beacon *d);

/* Saves the pair state (not the counters); 0 or -EIO. */
int beacon_save(const struct beacon *d, FILE *fp);

/* Replaces d's state with saved state: 0; -EINVAL (not beacon state, or an
 * older layout: dropped, d starts empty); -EIO (read failed or damaged: d
 * starts empty). err says which. */
int beacon_load(struct beacon *d, FILE *fp, char *err, size_t err_size);

#endif
