/* beacon_internal.h — the beacon detector's state, shared by its files:
 * beacon.c (admission, scoring, ticks, saved state) and beacon_alert.c (what
 * an alert says). Not for other modules: beacon.h is the interface. */
#ifndef HRADBA_DETECT_BEACON_INTERNAL_H
#define HRADBA_DETECT_BEACON_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counter.h"
#include "detect/beacon/beacon.h"
#include "detect/beacon/beacon_score.h"
#include "detect/bhv_table.h"

enum {
    SAMPLES = 64,   /* connection times and sizes per pair: the interval and size statistics */
    BUCKETS = 96,   /* coarse counts per pair: at least ~3.5 per histogram bin */
    HIST_BINS = 24, /* RITA's histogram: an hour a bin over a day */
    NAME_KEY = 96,  /* longer names keep 79 bytes and a hash (bhv_name_key) */
    HOST_SCORE_BINS = 20, /* a host's pair scores, 0.05 wide, for its median */
    DETECTOR_NO = 1,
};

enum pair_kind { KIND_IP = 1, KIND_SNI, KIND_HOST, KIND_DNS, KIND_END };

/* What a pair is about. Plain bytes, zero-filled before use (table key). */
struct target {
    uint8_t kind;
    union {
        struct bhv_ip ip;
        char name[NAME_KEY];
    } u;
};

struct pair_key {
    struct target target;
    struct bhv_ip src;
};

struct pair {
    uint64_t total; /* connections recorded, ever (saturating) */
    uint64_t last_flow_id;
    uint64_t last_alert_us;   /* 0: never alerted */
    uint32_t first_s, last_s; /* earliest and latest connection start recorded */
    uint32_t lost_max_s;      /* latest start the ring overwrote (0: none) */
    uint32_t since_scored;    /* connections since the pair was last scored */
    uint32_t scored_s;        /* when it was last scored (0: never) */
    uint32_t bucket_head;     /* absolute bucket index (time >> shift) of the newest */
    uint32_t bucket_low;      /* no count below this index */
    float score;              /* the last score, when has_score */
    uint16_t server_port;
    uint16_t ring_next, ring_count;
    uint8_t bucket_shift; /* bucket width 2^shift seconds */
    uint8_t has_score, is_pending;
    struct bhv_ip server; /* the last server address (for name pairs, the resolver for DNS) */
    uint32_t times[SAMPLES], sizes[SAMPLES]; /* a sample: a second with connections ... */
    uint16_t counts[SAMPLES];                /* ... this many (saturating), the first's size */
    uint32_t buckets[BUCKETS];
};

struct candidate {
    uint32_t start_s, size;
};

struct host_agg { /* rebuilt when alerts are due: what is normal for a host */
    uint32_t pairs, scored, above;
    uint32_t bins[HOST_SCORE_BINS];
};

#define BEACON_COUNTERS(X)                                                                         \
    X(C_CONNS, "conns")                                                                            \
    X(C_DNS, "dns")                                                                                \
    X(C_SKIP_EXTERNAL, "skipped.external_client")                                                  \
    X(C_SKIP_DEST, "skipped.dest")                                                                 \
    X(C_TIME_BACKWARDS, "time.backwards")                                                          \
    X(C_TOO_OLD, "time.too_old")                                                                   \
    X(C_CANDIDATES, "candidates.added")                                                            \
    X(C_CAND_EVICTED, "candidates.evicted")                                                        \
    X(C_CAND_CURRENT, "candidates.current")                                                        \
    X(C_PROMOTED, "pairs.promoted")                                                                \
    X(C_PAIRS_EVICTED, "pairs.evicted")                                                            \
    X(C_PAIRS_EXPIRED, "pairs.expired")                                                            \
    X(C_PAIRS_CURRENT, "pairs.current")                                                            \
    X(C_SCORED, "pairs.scored")                                                                    \
    X(C_SCORED_COARSE, "pairs.scored_coarse")                                                      \
    X(C_ALERTS, "alerts")                                                                          \
    X(C_SUPP_REALERT, "alerts.suppressed_realert")                                                 \
    X(C_SUPP_COMMON, "alerts.suppressed_common")
enum beacon_counter { BEACON_COUNTERS(COUNTER_ENUM) C_COUNT };

struct beacon {
    struct beacon_config cfg;
    struct bhv_sink sink;
    struct bhv_table *pairs, *candidates;
    struct bhv_table *hosts, *targets; /* scratch for alert baselines */
    uint64_t cand_key[2];              /* hashes candidate keys */
    uint64_t clock_us;                 /* newest capture time seen */
    uint32_t min_s;                    /* earliest connection accepted (has_min) */
    bool has_min;
    unsigned shift_max; /* bucket width at which BUCKETS span the window */
    struct beacon_score_params params;
    uint64_t counters[C_COUNT];
};

struct result {
    struct beacon_score_result s;
    double ws, we;  /* the scoring window, seconds */
    bool is_coarse; /* histogram from the buckets */
};

/* beacon.c: scores p over the current window; false when it does not
 * qualify. */
bool beacon_pair_score(const struct beacon *d, const struct pair *p, struct result *r);

/* beacon_alert.c: writes the alert of every pair marked pending, with what
 * is normal around it, and clears the marks. */
void beacon_emit_pending(struct beacon *d);

#endif
