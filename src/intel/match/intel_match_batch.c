/* intel_match_batch.c — batch lookups: IP addresses and raw digests, many
 * keys per call.
 *
 * A lookup that misses the cache waits for memory; n lookups in a row wait n
 * times. Here the keys go in groups of INTEL_MATCH_BURST, and each step of a
 * lookup (hash, pre-filter line, table slot, interval...) runs over the whole
 * group before the next, after requesting (prefetching) the cache lines the
 * next step reads for every key: the misses of a group are in flight
 * together, and the group waits about once per step instead of once per key
 * and step ("group prefetching": Chen, Ailamaki, Gibbons, Mowry, "Improving
 * Hash Join Performance through Prefetching", ICDE 2004). A ring of
 * independent lookups advanced one step at a time (asynchronous memory
 * access chaining) was measured too and was slower here: its branches cost
 * more than the stalls it saves. Answers are those of the single lookups in
 * intel_match.c, which the unit tests check key by key.
 */
#include <string.h>

#include "intel/match/intel_match.h"
#include "intel/match/match_hash.h"
#include "intel/match/match_layout.h"
#include "intel/match/match_norm.h"

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* One IPv4 key of a group. */
struct v4_key {
    uint64_t h;
    uint32_t addr;
    uint32_t owner;   /* longest covering prefix, once known */
    bool exact_maybe; /* the /32 filter passed */
    bool covered;     /* the cover map has its bucket */
};

static size_t ip_burst(const struct intel_match *m, const uint8_t *const *addrs,
                       const int *families, size_t n, struct intel_match_hit *hits, size_t max_hits,
                       size_t *counts)
{
    struct v4_key k4[INTEL_MATCH_BURST];
    uint8_t at[INTEL_MATCH_BURST]; /* key index of each IPv4 key */
    size_t n4 = 0, matched = 0;
    const struct match_prefix *p = &m->p4;
    /* 1. hash; request both pre-filter lines. Other keys take the single
     * path at the end. */
    for (size_t i = 0; i < n; i++) {
        counts[i] = 0;
        const uint8_t *a = addrs[i];
        if (!a)
            continue;
        if (families[i] == 6 && memcmp(a, mapped_prefix, sizeof(mapped_prefix)) == 0)
            a += 12;
        else if (families[i] != 4)
            continue;
        struct v4_key *k = &k4[n4];
        k->addr = match_be32(a);
        k->h = match_hash_u32(m->seed, k->addr);
        k->owner = MATCH_NONE;
        match_filter_prefetch(&m->v4.filter, k->h);
        match_prefix_cover4_prefetch(p, k->addr);
        at[n4++] = (uint8_t)i;
    }
    /* 2. test the pre-filters; request the /32 slots and the CIDR buckets of
     * the keys that passed. */
    for (size_t j = 0; j < n4; j++) {
        struct v4_key *k = &k4[j];
        k->exact_maybe = match_filter_maybe(&m->v4.filter, k->h);
        if (k->exact_maybe)
            match_v4_prefetch(&m->v4, k->h);
        k->covered = match_prefix_cover4(p, k->addr);
        if (k->covered)
            match_prefix_prefetch_bucket4(p, k->addr);
    }
    /* 3. the /32 answers; the owners of the intervals, and request their
     * nodes. */
    for (size_t j = 0; j < n4; j++) {
        struct v4_key *k = &k4[j];
        struct intel_match_hit *out = hits + (size_t)at[j] * max_hits;
        if (k->exact_maybe) {
            const uint32_t *refw = match_v4_find(&m->v4, k->h, k->addr);
            if (refw) {
                match_refs_of(m, refw, &out[0]);
                out[0].prefix_len = 32;
                counts[at[j]] = 1;
            }
        }
        if (k->covered && counts[at[j]] < max_hits) {
            k->owner = match_prefix_owner4(p, k->addr);
            match_prefix_prefetch_node(p, k->owner);
        }
    }
    /* 4. walk the covering prefixes. */
    for (size_t j = 0; j < n4; j++) {
        size_t i = at[j], c = counts[i];
        if (k4[j].owner != MATCH_NONE)
            c += match_prefix_walk(m, p, k4[j].owner, hits + i * max_hits + c, max_hits - c);
        counts[i] = c;
        matched += c > 0;
    }
    /* IPv6 (and anything else) one by one. */
    for (size_t i = 0, j = 0; i < n; i++) {
        if (j < n4 && at[j] == i) {
            j++;
            continue;
        }
        counts[i] =
            addrs[i] ? intel_match_ip(m, addrs[i], families[i], hits + i * max_hits, max_hits) : 0;
        matched += counts[i] > 0;
    }
    return matched;
}

size_t intel_match_ip_batch(const struct intel_match *m, const uint8_t *const *addrs,
                            const int *families, size_t n, struct intel_match_hit *hits,
                            size_t max_hits, size_t *counts)
{
    if (!counts)
        return 0;
    if (!m || !addrs || !families || !hits || max_hits == 0) {
        for (size_t i = 0; i < n; i++)
            counts[i] = 0;
        return 0;
    }
    size_t matched = 0;
    for (size_t i = 0; i < n; i += INTEL_MATCH_BURST) {
        size_t b = n - i < INTEL_MATCH_BURST ? n - i : INTEL_MATCH_BURST;
        matched +=
            ip_burst(m, addrs + i, families + i, b, hits + i * max_hits, max_hits, counts + i);
    }
    return matched;
}

static size_t hash_burst(const struct intel_match *m, unsigned kind, const uint8_t *const *digests,
                         size_t len, size_t n, struct intel_match_hit *hits)
{
    const struct match_digest *d = &m->digest[kind];
    uint64_t h[INTEL_MATCH_BURST];
    bool maybe[INTEL_MATCH_BURST];
    size_t matched = 0;
    /* hash and request the filter lines; test them and request the slots
     * with their digests; compare. */
    for (size_t i = 0; i < n; i++) {
        h[i] = digests[i] ? match_hash_bytes(m->seed, kind, digests[i], len) : 0;
        if (digests[i])
            match_filter_prefetch(&d->filter, h[i]);
    }
    for (size_t i = 0; i < n; i++) {
        maybe[i] = digests[i] && match_filter_maybe(&d->filter, h[i]);
        if (maybe[i])
            match_digest_prefetch(d, h[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!maybe[i])
            continue;
        const uint32_t *refw = match_digest_find(d, h[i], digests[i]);
        if (refw) {
            match_refs_of(m, refw, &hits[i]);
            matched++;
        }
    }
    return matched;
}

size_t intel_match_hash_bin_batch(const struct intel_match *m, enum intel_kind kind,
                                  const uint8_t *const *digests, size_t len, size_t n,
                                  struct intel_match_hit *hits)
{
    if (!hits)
        return 0;
    for (size_t i = 0; i < n; i++)
        hits[i] = (struct intel_match_hit){NULL, 0, 0, 0};
    if (!m || !digests || (unsigned)kind >= INTEL_KIND_COUNT)
        return 0;
    size_t want = match_norm_hash_len(kind);
    if (want == 0 || len != want || m->stats.values[kind] == 0)
        return 0;
    size_t matched = 0;
    for (size_t i = 0; i < n; i += INTEL_MATCH_BURST) {
        size_t b = n - i < INTEL_MATCH_BURST ? n - i : INTEL_MATCH_BURST;
        matched += hash_burst(m, kind, digests + i, len, b, hits + i);
    }
    return matched;
}
