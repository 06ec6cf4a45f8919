/* match_layout.h — the compiled matcher's memory layout (internal).
 *
 * Three structures and one ref pool (docs/intel.md, "Matcher"):
 *   - IPv4 /32: open addressing, linear probing, 8-byte slots {addr, refw};
 *   - CIDR (v4, v6): sorted elementary intervals, each naming the longest
 *     covering prefix; prefixes chain to their parent (next shorter one);
 *   - every other value (domain, URL, hashes, JA3/JA4, e-mail, IPv6 /128):
 *     one open-addressing table of 8-byte slots {32-bit tag, arena offset}
 *     over a 4-byte aligned arena of records {refw, len, kind, key bytes}.
 * A "refw" is a value's refs in one word: bit 31 clear, the single ref
 * itself; bit 31 set, an offset into the pool where {count, refs...} start.
 */
#ifndef HRADBA_INTEL_MATCH_LAYOUT_H
#define HRADBA_INTEL_MATCH_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intel/match/intel_match.h"

#define MATCH_REFW_POOL 0x80000000u
#define MATCH_EMPTY UINT32_MAX     /* empty slot (refw or arena offset) */
#define MATCH_POOL_MAX 0x7ffffff0u /* pool words */
#define MATCH_NONE UINT32_MAX      /* no prefix node */

/* A builder record: a hash, a payload (address or arena offset), a ref. */
struct match_rec {
    uint64_t h;
    uint32_t a;
    uint32_t ref;
};

/* The tag of IPv6 /128 values in the keyed table (after the intel kinds). */
#define MATCH_TAG_IPV6_EXACT ((unsigned)INTEL_KIND_COUNT)

struct match_v4_slot {
    uint32_t addr;
    uint32_t refw; /* MATCH_EMPTY: free slot */
};

struct match_v4_table {
    struct match_v4_slot *slots;
    uint32_t shift; /* home slot = hash >> shift */
    uint64_t mask;
    uint64_t count;
};

struct match_key_slot {
    uint32_t tag; /* low 32 bits of the hash */
    uint32_t off; /* arena offset in 4-byte words; MATCH_EMPTY: free */
};

/* Arena record header, followed by len key bytes, padded to 4 bytes. */
struct match_key_rec {
    uint32_t refw;
    uint16_t len;
    uint8_t kind; /* an intel_kind or MATCH_TAG_IPV6_EXACT */
    uint8_t spare;
};

struct match_keyed {
    struct match_key_slot *slots;
    uint32_t *arena;
    uint64_t arena_words;
    uint32_t shift;
    uint64_t mask;
    uint64_t count;
};

struct match_node {
    uint32_t parent; /* the next shorter covering prefix, or MATCH_NONE */
    uint32_t refw;
    uint32_t len;
};

struct match_u128 {
    uint64_t hi, lo;
};

/* Elementary intervals: bound i starts at b4[i].lo (v4) or lo6[i] (v6) and
 * runs to the next bound; its owner is its longest covering prefix.
 * index[t] describes bucket t (the addresses whose top index_bits are t):
 * its first bound, and the owner at its first address, so a bucket no bound
 * starts inside is answered from the index alone. */
struct match_bound4 {
    uint32_t lo;
    uint32_t owner;
};

struct match_bucket {
    uint32_t first;
    uint32_t owner;
};

struct match_prefix {
    struct match_bound4 *b4;
    struct match_u128 *lo6;
    uint32_t *owner6;
    struct match_bucket *index;
    struct match_node *nodes;
    uint64_t bound_count;
    uint64_t node_count;
    uint32_t index_bits;
};

struct match_pool {
    uint32_t *words;
    uint64_t len, cap;
};

struct intel_match {
    uint64_t seed;
    /* Bit i set: some domain value has i + 1 labels (bit 63: 64 or more).
     * The subdomain walk skips suffixes no value could equal. */
    uint64_t domain_labels;
    struct match_v4_table v4;
    struct match_prefix p4, p6;
    struct match_keyed keyed;
    struct match_pool pool;
    struct intel_match_stats stats;
};

static inline void match_refs_of(const struct intel_match *m, const uint32_t *refw,
                                 struct intel_match_hit *hit)
{
    if (*refw & MATCH_REFW_POOL) {
        const uint32_t *p = m->pool.words + (*refw & ~MATCH_REFW_POOL);
        hit->count = p[0];
        hit->refs = p + 1;
    } else {
        hit->count = 1;
        hit->refs = refw;
    }
    hit->prefix_len = 0;
    hit->suffix_off = 0;
}

/* ---- match_mem.c ---- */
/* malloc, with huge-page alignment and advice for large arrays; free() it. */
void *match_mem_alloc(size_t bytes);

/* ---- match_sort.c ---- */
/* Sorts n records by h (LSD radix). Returns 0 or -ENOMEM. */
int match_sort_recs(struct match_rec *recs, size_t n);
/* Sorts and de-duplicates refs[0..n) in place; returns the new count. */
size_t match_sort_refs(uint32_t *refs, size_t n);

/* ---- match_refs.c ---- */
/* Stores a value's sorted unique refs; returns its refw, or MATCH_EMPTY when
 * the pool is full or memory runs out. */
uint32_t match_pool_add(struct match_pool *p, const uint32_t *refs, size_t n);
void match_pool_fini(struct match_pool *p);

/* ---- match_keyed.c ---- */
/* Builds from recs (sorted by h; a: offset of {u16 len, u8 kind, key} in
 * src; runs of one hash get re-sorted). 0 or -ENOMEM / -E2BIG. */
int match_keyed_build(struct match_keyed *t, struct match_pool *pool, struct match_rec *recs,
                      size_t n, const uint8_t *src, uint32_t *max_probe);
int match_v4_build(struct match_v4_table *t, struct match_pool *pool, const struct match_rec *recs,
                   size_t n, uint32_t *max_probe);
void match_keyed_fini(struct match_keyed *t);
void match_v4_fini(struct match_v4_table *t);

static inline const struct match_key_rec *match_keyed_find(const struct match_keyed *t, uint64_t h,
                                                           unsigned kind, const void *key,
                                                           size_t len)
{
    if (t->count == 0)
        return NULL;
    uint64_t i = h >> t->shift;
    uint32_t tag = (uint32_t)h;
    for (;;) {
        const struct match_key_slot *s = &t->slots[i];
        if (s->off == MATCH_EMPTY)
            return NULL;
        if (s->tag == tag) {
            const struct match_key_rec *r = (const struct match_key_rec *)(t->arena + s->off);
            if (r->len == len && r->kind == kind && memcmp(r + 1, key, len) == 0)
                return r;
        }
        i = (i + 1) & t->mask;
    }
}

static inline void match_keyed_prefetch(const struct match_keyed *t, uint64_t h)
{
    if (t->count)
        __builtin_prefetch(&t->slots[h >> t->shift]);
}

static inline void match_v4_prefetch(const struct match_v4_table *t, uint64_t h)
{
    if (t->count)
        __builtin_prefetch(&t->slots[h >> t->shift]);
}

static inline const uint32_t *match_v4_find(const struct match_v4_table *t, uint64_t h,
                                            uint32_t addr)
{
    if (t->count == 0)
        return NULL;
    uint64_t i = h >> t->shift;
    for (;;) {
        const struct match_v4_slot *s = &t->slots[i];
        if (s->refw == MATCH_EMPTY)
            return NULL;
        if (s->addr == addr)
            return &s->refw;
        i = (i + 1) & t->mask;
    }
}

/* ---- match_prefix.c ---- */
/* A prefix given to the builder: v4 addresses sit in the top 32 bits of hi. */
struct match_prefix_rec {
    struct match_u128 net;
    uint32_t ref;
    uint32_t len;
};
/* bits: 32 or 128. Sorts recs. 0 or -ENOMEM / -E2BIG. */
int match_prefix_build(struct match_prefix *p, struct match_pool *pool,
                       struct match_prefix_rec *recs, size_t n, unsigned bits);
void match_prefix_fini(struct match_prefix *p);
/* Starts loading what match_prefix_find4 reads first. */
void match_prefix_prefetch4(const struct intel_match *m, uint32_t addr);
/* Appends the prefixes covering addr, longest first; returns hits written. */
size_t match_prefix_find4(const struct intel_match *m, uint32_t addr, struct intel_match_hit *hits,
                          size_t max_hits);
size_t match_prefix_find6(const struct intel_match *m, struct match_u128 addr,
                          struct intel_match_hit *hits, size_t max_hits);
uint64_t match_prefix_bytes(const struct match_prefix *p);

#endif
