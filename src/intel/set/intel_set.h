/* intel_set.h — one intel version as the packet path uses it.
 *
 * An intel set joins what the importers and the store deliver (struct
 * intel_indicator) to what the workers need: the compiled matcher over every
 * value a "simple" STIX pattern names, one entry per indicator with what an
 * alert says about it, and the patterns the matcher cannot index, which are
 * evaluated against each event's observation. A set is immutable once built;
 * a new intel version is a new set, published through intel_set_ref (the
 * matcher's quiescent-state swap, so workers never pause).
 *
 * Which indicators take part: pattern_type "stix", not revoked, and valid at
 * the build time (valid_from <= now < valid_until). The capture time of the
 * traffic is not compared with the validity window: reading an old capture
 * against today's intelligence is the point of a hunt (docs/intel.md).
 */
#ifndef HRADBA_INTEL_SET_H
#define HRADBA_INTEL_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "intel/indicator.h"
#include "intel/match/intel_match.h"

struct stix_pattern;

/* How an entry's hits are decided. */
enum intel_entry_mode {
    INTEL_ENTRY_INDEXED = 0,  /* any matcher hit on its values is a match */
    INTEL_ENTRY_CONFIRM = 1,  /* a matcher hit is confirmed by evaluating the pattern (it names a
                                 network-traffic side, or an x509-certificate hash) */
    INTEL_ENTRY_EVALUATE = 2, /* no indexable value: the pattern is evaluated on every event */
};

/* What an alert says about an indicator. Strings live as long as the set;
 * optional ones are NULL when absent. */
struct intel_entry {
    const char *stix_id;
    const char *name;
    const char *pattern;
    const char *source;
    const char *indicator_types;   /* comma-separated */
    const char *kill_chain_phases; /* comma-separated "chain:phase" */
    const struct intel_related *related;
    size_t related_count;
    const struct stix_pattern *parsed; /* CONFIRM and EVALUATE entries; else NULL */
    int64_t valid_until_us;            /* INTEL_TIME_NONE when open-ended */
    int confidence;                    /* 0..100 or -1 */
    enum intel_tlp tlp;
    enum intel_entry_mode mode;
    uint32_t signature_id; /* stable across runs: derived from stix_id (docs/events.md) */
};

#define INTEL_SET_COUNTERS(X)                                                                      \
    X(INTEL_SET_OFFERED, "indicators.offered")                                                     \
    X(INTEL_SET_LOADED, "indicators.loaded")                                                       \
    X(INTEL_SET_INDEXED, "indicators.indexed")                                                     \
    X(INTEL_SET_CONFIRM, "indicators.confirmed_by_pattern")                                        \
    X(INTEL_SET_EVALUATE, "indicators.evaluated_per_event")                                        \
    X(INTEL_SET_NOT_EVALUATED, "indicators.not_evaluated")                                         \
    X(INTEL_SET_NOT_STIX, "indicators.not_stix")                                                   \
    X(INTEL_SET_INACTIVE, "indicators.inactive")                                                   \
    X(INTEL_SET_BAD_PATTERN, "indicators.bad_pattern")                                             \
    X(INTEL_SET_DUPLICATE, "indicators.duplicate")                                                 \
    X(INTEL_SET_VALUES, "values.indexed")                                                          \
    X(INTEL_SET_VALUES_REJECTED, "values.rejected")                                                \
    X(INTEL_SET_NOMEM, "nomem")
enum intel_set_counter { INTEL_SET_COUNTERS(COUNTER_ENUM) INTEL_SET_COUNTER_COUNT };

struct intel_set_builder;
struct intel_set;

/* A builder for indicators active at now_us. NULL on allocation failure. */
struct intel_set_builder *intel_set_builder_new(int64_t now_us);
void intel_set_builder_free(struct intel_set_builder *b);

/* Offers one indicator (copied). Inactive, revoked, non-STIX and unparsable
 * ones are counted and left out; a pattern that needs several observations
 * (FOLLOWEDBY, WITHIN, ...) is counted as not evaluated. Returns 0, or
 * -ENOMEM. The same stix_id offered twice keeps the newer modified. */
int intel_set_builder_add(struct intel_set_builder *b, const struct intel_indicator *ind);
/* A callback form of intel_set_builder_add for the importers and the store. */
int intel_set_builder_add_cb(void *builder, const struct intel_indicator *ind);

/* Compiles the set; the builder is consumed (freed) either way. NULL on
 * allocation failure. */
struct intel_set *intel_set_build(struct intel_set_builder *b);
void intel_set_free(struct intel_set *s);

const struct intel_match *intel_set_matcher(const struct intel_set *s);
/* The entry for a matcher ref, or NULL when ref is out of range. */
const struct intel_entry *intel_set_entry(const struct intel_set *s, uint32_t ref);
size_t intel_set_entry_count(const struct intel_set *s);
/* Entries evaluated on every event (mode EVALUATE), in a fixed order. */
const struct intel_entry *const *intel_set_evaluated(const struct intel_set *s, size_t *count);
/* The set's build counters (section "intel_set"). */
struct counter_view intel_set_counters(const struct intel_set *s);

#endif
