/* intel_detect.h — check a flow's addresses and each event's observables
 * against the current intel set.
 *
 * One per worker, no locks. A flow is checked once, on its first packet, by
 * its two addresses; each application event by what intel_observe finds in
 * it. A matcher hit on an indicator whose pattern says more than a value (a
 * network-traffic side, a certificate hash) is confirmed by evaluating the
 * pattern on the event; patterns the matcher cannot index are evaluated on
 * every event. Hits are unique per indicator within one check.
 */
#ifndef HRADBA_DETECT_INTEL_DETECT_H
#define HRADBA_DETECT_INTEL_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "detect/intel_observe.h"
#include "flow/flow.h"
#include "intel/set/intel_set.h"

struct intel_hit {
    const struct intel_entry *entry;
    const struct intel_observable *obs; /* what matched; NULL when the whole event matched an
                                           evaluated pattern */
    uint8_t prefix_len;                 /* IP hits: the indicator's prefix length */
};

/* Hits kept per check; more are counted as hits.dropped. */
#define INTEL_DETECT_MAX_HITS 16

#define INTEL_DETECT_COUNTERS(X)                                                                   \
    X(INTEL_DETECT_FLOWS, "flows.checked")                                                         \
    X(INTEL_DETECT_EVENTS, "events.checked")                                                       \
    X(INTEL_DETECT_LOOKUPS, "lookups")                                                             \
    X(INTEL_DETECT_CANDIDATES, "candidates")                                                       \
    X(INTEL_DETECT_CONFIRMED, "candidates.confirmed")                                              \
    X(INTEL_DETECT_NOT_CONFIRMED, "candidates.not_confirmed")                                      \
    X(INTEL_DETECT_EVALUATED, "patterns.evaluated")                                                \
    X(INTEL_DETECT_EVAL_ERRORS, "patterns.errors")                                                 \
    X(INTEL_DETECT_HITS, "hits")                                                                   \
    X(INTEL_DETECT_HITS_DROPPED, "hits.dropped")                                                   \
    X(INTEL_DETECT_OBS_DROPPED, "observables.dropped")                                             \
    X(INTEL_DETECT_OBS_FAILED, "observation.failed")
enum intel_detect_counter { INTEL_DETECT_COUNTERS(COUNTER_ENUM) INTEL_DETECT_COUNTER_COUNT };

struct intel_detect;

/* set is borrowed (NULL: nothing matches). NULL on allocation failure. */
struct intel_detect *intel_detect_new(const struct intel_set *set);
void intel_detect_free(struct intel_detect *d);

/* Checks from now on use set (borrowed; NULL: nothing matches). The worker
 * calls this with the set its swap holder (core/qsbr.h) hands out at each
 * quiescent point, so a new intel version takes effect between packets. */
void intel_detect_use(struct intel_detect *d, const struct intel_set *set);

/* The flow's client and server addresses (call on its first packet). hits
 * (and their obs) are valid until the next call on d. Returns their number. */
size_t intel_detect_flow(struct intel_detect *d, const struct flow *f, struct intel_hit *hits,
                         size_t max);

/* One event's observables; hits point into o, valid while o is. */
size_t intel_detect_event(struct intel_detect *d, const struct flow *f,
                          const struct intel_observed *o, struct intel_hit *hits, size_t max);

struct counter_view intel_detect_counters(const struct intel_detect *d);

#endif
