/* match_layout.h — the compiled matcher's memory layout (internal).
 *
 * Four structures and one ref pool (docs/intel.md, "Matcher"):
 *   - IPv4 /32: open addressing, linear probing, 8-byte slots {addr, refw};
 *   - CIDR (v4, v6): sorted elementary intervals, each naming the longest
 *     covering prefix; prefixes chain to their parent (next shorter one);
 *   - raw digests (MD5, SHA-1, SHA-256, JA3, JA3S): one table per kind of
 *     8-byte slots {32-bit tag, refw} with the digests in a parallel array;
 *   - every other value (domain, URL, JA4, e-mail, IPv6 /128):
 *     one open-addressing table of 8-byte slots {32-bit tag, arena offset}
 *     over a 4-byte aligned arena of records {refw, len, kind, key bytes}.
 * In front of them sit small pre-filters that answer most misses from the
 * cache: a blocked Bloom filter per hash table and kind (match_filter.c) and a cover
 * map per CIDR family (one bit per top-address-bits bucket that a prefix
 * touches).
 * A "refw" is a value's refs in one word: bit 31 clear, the single ref
 * itself; bit 31 set, an offset into the pool where {count, refs...} start.
 */
#ifndef HRADBA_INTEL_MATCH_LAYOUT_H
#define HRADBA_INTEL_MATCH_LAYOUT_H

#include <stdbool.h>
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
#define MATCH_TAG_COUNT (MATCH_TAG_IPV6_EXACT + 1)

/* The kinds kept in digest tables (raw digests of one fixed length). */
static inline bool match_is_digest(unsigned kind)
{
    return kind == INTEL_KIND_MD5 || kind == INTEL_KIND_SHA1 || kind == INTEL_KIND_SHA256 ||
           kind == INTEL_KIND_JA3 || kind == INTEL_KIND_JA3S;
}

struct match_v4_slot {
    uint32_t addr;
    uint32_t refw; /* MATCH_EMPTY: free slot */
};

/* A blocked ("split block") Bloom filter: a key sets one bit in each of the
 * eight 64-bit words of one 64-byte line (Putze, Sanders, Singler, "Cache-,
 * Hash- and Space-Efficient Bloom Filters", 2007). A probe reads one line and
 * never gives a false negative; MATCH_FILTER_BITS bits per key give a
 * false-positive rate of about 0.4%. No keys: no lines, every probe says no. */
#define MATCH_FILTER_BITS 12

struct match_filter {
    uint64_t (*lines)[8];
    uint64_t line_count;
};

struct match_v4_table {
    struct match_v4_slot *slots;
    struct match_filter filter;
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
    struct match_filter filter[MATCH_TAG_COUNT]; /* one per kind: a lookup reads its own */
    uint32_t *arena;
    uint64_t arena_words;
    uint32_t shift;
    uint64_t mask;
    uint64_t count;
};

/* A digest table (one per hash kind): slots {tag, refw} and, beside them,
 * the digests in slot order, so a lookup loads both lines at once. */
struct match_digest_slot {
    uint32_t tag;  /* low 32 bits of the hash */
    uint32_t refw; /* MATCH_EMPTY: free slot */
};

struct match_digest {
    struct match_digest_slot *slots;
    uint8_t *keys; /* len bytes per slot */
    struct match_filter filter;
    uint32_t shift;
    uint32_t len;
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

/* A v4 bucket: one cache line. The owner at the bucket's first address, and
 * the bounds starting after it (count of them): inline when they fit, else
 * b[0].lo is the first of them in match_prefix.b4. */
#define MATCH_BUCKET_INLINE 7
struct match_bucket4 {
    uint32_t owner;
    uint32_t count;
    struct match_bound4 b[MATCH_BUCKET_INLINE];
};
_Static_assert(sizeof(struct match_bucket4) == 64, "one cache line");

struct match_prefix {
    /* Bit t set: some prefix covers part of bucket t, the addresses whose top
     * cover_bits bits are t. A clear bit answers "no prefix" at once. */
    uint64_t *cover;
    uint32_t cover_bits;
    struct match_bucket4 *buckets4; /* v4: 2^index_bits buckets */
    struct match_bound4 *b4;        /* v4: bounds of the buckets that overflow */
    uint64_t b4_count;
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
    unsigned domain_max_labels; /* the most labels of a domain value (127: no limit) */
    struct match_v4_table v4;
    struct match_prefix p4, p6;
    struct match_keyed keyed;
    struct match_digest digest[INTEL_KIND_COUNT]; /* hash kinds only */
    struct match_pool pool;
    struct intel_match_stats stats;
};

/* A big-endian 32-bit word: an IPv4 address as a number. */
static inline uint32_t match_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

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
/* Cache-line aligned malloc, with huge-page alignment and advice for large
 * arrays; free() it. */
void *match_mem_alloc(size_t bytes);

/* ---- match_filter.c ---- */
/* An empty filter sized for `keys` keys (none: no lines). 0 or -ENOMEM. */
int match_filter_init(struct match_filter *f, uint64_t keys);
void match_filter_fini(struct match_filter *f);
static inline uint64_t match_filter_bytes(const struct match_filter *f)
{
    return f->line_count * sizeof(*f->lines);
}

/* The line of hash h: its top 32 bits scaled to the line count. */
static inline const uint64_t *match_filter_line(const struct match_filter *f, uint64_t h)
{
    return f->lines[((h >> 32) * f->line_count) >> 32];
}

/* The bit of word i: 6 bits each from the product of the low 32 bits of h,
 * so the line and the bits come from disjoint halves of the hash. */
static inline uint64_t match_filter_bits(uint64_t h)
{
    return ((uint64_t)(uint32_t)h * 0x9e3779b97f4a7c15ull) >> 16;
}

static inline void match_filter_add(struct match_filter *f, uint64_t h)
{
    uint64_t *w = (uint64_t *)match_filter_line(f, h);
    uint64_t g = match_filter_bits(h);
    for (unsigned i = 0; i < 8; i++)
        w[i] |= (uint64_t)1 << ((g >> (6 * i)) & 63);
}

/* False: no key with hash h was added. True: maybe one was. */
static inline bool match_filter_maybe(const struct match_filter *f, uint64_t h)
{
    if (f->line_count == 0)
        return false;
    const uint64_t *w = match_filter_line(f, h);
    uint64_t g = match_filter_bits(h), absent = 0;
    for (unsigned i = 0; i < 8; i++)
        absent |= ~w[i] & ((uint64_t)1 << ((g >> (6 * i)) & 63));
    return absent == 0;
}

static inline void match_filter_prefetch(const struct match_filter *f, uint64_t h)
{
    if (f->line_count)
        __builtin_prefetch(match_filter_line(f, h));
}

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
/* Builds the table of `kind` from the records of that kind in recs (sorted
 * by h, as for match_keyed_build; other kinds are skipped). */
int match_digest_build(struct match_digest *d, struct match_pool *pool, struct match_rec *recs,
                       size_t n, const uint8_t *src, unsigned kind, uint32_t *max_probe);
void match_keyed_fini(struct match_keyed *t);
void match_v4_fini(struct match_v4_table *t);
void match_digest_fini(struct match_digest *d);

static inline const uint32_t *match_digest_find(const struct match_digest *d, uint64_t h,
                                                const uint8_t *key)
{
    if (d->count == 0)
        return NULL;
    uint64_t i = h >> d->shift;
    uint32_t tag = (uint32_t)h;
    for (;;) {
        const struct match_digest_slot *s = &d->slots[i];
        if (s->refw == MATCH_EMPTY)
            return NULL;
        if (s->tag == tag && memcmp(d->keys + i * d->len, key, d->len) == 0)
            return &s->refw;
        i = (i + 1) & d->mask;
    }
}

/* Starts loading the home slot and its digest (the digest may straddle two
 * lines). */
static inline void match_digest_prefetch(const struct match_digest *d, uint64_t h)
{
    if (d->count == 0)
        return;
    uint64_t i = h >> d->shift;
    __builtin_prefetch(&d->slots[i]);
    __builtin_prefetch(d->keys + i * d->len);
    __builtin_prefetch(d->keys + i * d->len + d->len - 1);
}

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

/* Starts loading the arena record of the first slot from h's home whose tag
 * matches (nearly always the record match_keyed_find will compare). */
static inline void match_keyed_prefetch_rec(const struct match_keyed *t, uint64_t h)
{
    uint64_t i = h >> t->shift;
    uint32_t tag = (uint32_t)h;
    for (;;) {
        const struct match_key_slot *s = &t->slots[i];
        if (s->off == MATCH_EMPTY)
            return;
        if (s->tag == tag) {
            __builtin_prefetch(t->arena + s->off);
            return;
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
/* False: no prefix of p covers the address (a v4 address, or the top 64
 * bits of a v6 one). True: maybe one does. */
static inline bool match_prefix_cover4(const struct match_prefix *p, uint32_t addr)
{
    if (!p->cover)
        return false;
    uint32_t t = addr >> (32 - p->cover_bits);
    return p->cover[t >> 6] >> (t & 63) & 1;
}

static inline bool match_prefix_cover6(const struct match_prefix *p, uint64_t hi)
{
    if (!p->cover)
        return false;
    uint64_t t = hi >> (64 - p->cover_bits);
    return p->cover[t >> 6] >> (t & 63) & 1;
}

static inline void match_prefix_cover4_prefetch(const struct match_prefix *p, uint32_t addr)
{
    if (p->cover)
        __builtin_prefetch(&p->cover[(addr >> (32 - p->cover_bits)) >> 6]);
}

/* The v4 interval steps, for lookups that overlap several addresses: the
 * bucket of addr, then the owner of addr's interval (its longest covering
 * prefix, or MATCH_NONE). Only for a non-empty p. */
static inline const struct match_bucket4 *match_prefix_bucket4(const struct match_prefix *p,
                                                               uint32_t addr)
{
    return &p->buckets4[p->index_bits ? addr >> (32 - p->index_bits) : 0];
}

static inline void match_prefix_prefetch_bucket4(const struct match_prefix *p, uint32_t addr)
{
    __builtin_prefetch(match_prefix_bucket4(p, addr));
}

static inline uint32_t match_prefix_owner4(const struct match_prefix *p, uint32_t addr)
{
    const struct match_bucket4 *bk = match_prefix_bucket4(p, addr);
    uint32_t owner = bk->owner, n = bk->count;
    if (n <= MATCH_BUCKET_INLINE) {
        for (uint32_t i = 0; i < n && bk->b[i].lo <= addr; i++)
            owner = bk->b[i].owner;
        return owner;
    }
    /* the last bound <= addr, if any */
    const struct match_bound4 *b = p->b4 + bk->b[0].lo;
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? b[lo - 1].owner : owner;
}

static inline void match_prefix_prefetch_node(const struct match_prefix *p, uint32_t node)
{
    if (node != MATCH_NONE)
        __builtin_prefetch(&p->nodes[node]);
}

/* Writes the prefixes from node up its parent chain; returns hits written. */
size_t match_prefix_walk(const struct intel_match *m, const struct match_prefix *p, uint32_t node,
                         struct intel_match_hit *hits, size_t max_hits);
/* Appends the prefixes covering addr, longest first; returns hits written. */
size_t match_prefix_find4(const struct intel_match *m, uint32_t addr, struct intel_match_hit *hits,
                          size_t max_hits);
size_t match_prefix_find6(const struct intel_match *m, struct match_u128 addr,
                          struct intel_match_hit *hits, size_t max_hits);
uint64_t match_prefix_bytes(const struct match_prefix *p);
uint64_t match_prefix_cover_bytes(const struct match_prefix *p);

#endif
