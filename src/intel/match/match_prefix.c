/* match_prefix.c — CIDR prefixes as sorted elementary intervals.
 *
 * The prefixes of one family cut the address space into intervals; each
 * interval records its longest covering prefix, and each prefix its parent
 * (the next shorter prefix that covers it). A lookup finds its interval with
 * a bucket index on the top address bits (v4: one cache line per bucket,
 * holding its few bounds; v6: the bucket's range of bounds and a short
 * binary search), then walks the parent chain: longest prefix first, every
 * covering prefix after.
 * Memory: at most 2n+1 intervals for n prefixes. A cover map (one bit per
 * bucket of the top address bits) answers most addresses no prefix covers
 * without touching the intervals. Not a routing table: no updates after the
 * build.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_layout.h"

static int u128_cmp(struct match_u128 a, struct match_u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

/* The top n bits set (n 0..128). */
static struct match_u128 top_ones(unsigned n)
{
    struct match_u128 r;
    r.hi = n >= 64 ? UINT64_MAX : n == 0 ? 0 : UINT64_MAX << (64 - n);
    r.lo = n <= 64 ? 0 : n == 128 ? UINT64_MAX : UINT64_MAX << (128 - n);
    return r;
}

static struct match_u128 last_addr(struct match_u128 net, unsigned len, unsigned bits)
{
    struct match_u128 all = top_ones(bits), pre = top_ones(len);
    net.hi |= all.hi & ~pre.hi;
    net.lo |= all.lo & ~pre.lo;
    return net;
}

/* x + 1 in a bits-wide space; false when x is its last address. */
static bool next_addr(struct match_u128 x, unsigned bits, struct match_u128 *out)
{
    struct match_u128 all = top_ones(bits);
    if (x.hi == all.hi && x.lo == all.lo)
        return false;
    if (bits == 32) {
        out->hi = x.hi + ((uint64_t)1 << 32);
        out->lo = 0;
    } else {
        out->lo = x.lo + 1;
        out->hi = x.hi + (out->lo == 0);
    }
    return true;
}

static int cmp_rec(const void *a, const void *b)
{
    const struct match_prefix_rec *x = a, *y = b;
    int c = u128_cmp(x->net, y->net);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->ref > y->ref) - (x->ref < y->ref);
}

struct bounds {
    struct match_u128 *lo;
    uint32_t *owner;
    size_t n;
};

static void emit(struct bounds *b, struct match_u128 at, uint32_t owner)
{
    if (b->n > 0 && u128_cmp(b->lo[b->n - 1], at) == 0) {
        b->owner[b->n - 1] = owner;
        if (b->n > 1 && b->owner[b->n - 2] == owner)
            b->n--;
        return;
    }
    if (b->n > 0 && b->owner[b->n - 1] == owner)
        return;
    b->lo[b->n] = at;
    b->owner[b->n] = owner;
    b->n++;
}

static uint32_t top_bits(struct match_u128 a, unsigned k)
{
    return k == 0 ? 0 : (uint32_t)(a.hi >> (64 - k));
}

static void set_bits(uint64_t *map, uint64_t from, uint64_t count)
{
    while (count > 0 && (from & 63)) {
        map[from >> 6] |= (uint64_t)1 << (from & 63);
        from++;
        count--;
    }
    for (; count >= 64; from += 64, count -= 64)
        map[from >> 6] = UINT64_MAX;
    for (; count > 0; from++, count--)
        map[from >> 6] |= (uint64_t)1 << (from & 63);
}

/* The cover map: about 2^8 buckets per prefix (so scattered prefixes leave
 * most buckets clear), 2^12 at least and 2^24 at most (2 MiB). */
static int build_cover(struct match_prefix *p, const struct match_prefix_rec *recs, size_t n)
{
    unsigned g = 12;
    while (g < 24 && ((uint64_t)1 << g) < (uint64_t)n << 8)
        g++;
    p->cover_bits = g;
    p->cover = match_mem_alloc(((size_t)1 << g) / 8);
    if (!p->cover)
        return -ENOMEM;
    memset(p->cover, 0, ((size_t)1 << g) / 8);
    for (size_t i = 0; i < n; i++) {
        uint64_t t = top_bits(recs[i].net, g);
        uint64_t span = recs[i].len >= g ? 1 : (uint64_t)1 << (g - recs[i].len);
        set_bits(p->cover, t, span);
    }
    return 0;
}

/* The owner at the first address of bucket t (k bits), whose first bound is
 * i: that of the bound starting there, or else of the last bound before. */
static uint32_t owner_at_start(const struct bounds *b, size_t i, size_t t, unsigned k)
{
    bool at_start = i < b->n && top_bits(b->lo[i], k) == t &&
                    (k == 0 ? b->lo[i].hi == 0 && b->lo[i].lo == 0
                            : (b->lo[i].hi << k) == 0 && b->lo[i].lo == 0);
    return at_start ? b->owner[i] : i > 0 ? b->owner[i - 1] : MATCH_NONE;
}

/* v4: one cache line per bucket of the top k address bits, about two bounds
 * per bucket, holding the owner at its start and the bounds after it; a
 * bucket with more than MATCH_BUCKET_INLINE bounds keeps them in p->b4. */
static int build_buckets4(struct match_prefix *p, const struct bounds *b)
{
    unsigned k = 0;
    while (k < 24 && ((size_t)2 << k) <= b->n)
        k++;
    size_t count = (size_t)1 << k, over = 0;
    p->index_bits = k;
    p->buckets4 = match_mem_alloc(count * sizeof(*p->buckets4));
    if (!p->buckets4)
        return -ENOMEM;
    memset(p->buckets4, 0, count * sizeof(*p->buckets4));
    /* two passes: count the overflow, then fill */
    for (int pass = 0; pass < 2; pass++) {
        size_t i = 0;
        over = 0;
        for (size_t t = 0; t < count; t++) {
            while (i < b->n && top_bits(b->lo[i], k) < t)
                i++;
            struct match_bucket4 *bk = &p->buckets4[t];
            bk->owner = owner_at_start(b, i, t, k);
            size_t j = i;
            if (j < b->n && top_bits(b->lo[j], k) == t &&
                (k == 0 ? b->lo[j].hi == 0 : (b->lo[j].hi << k) == 0))
                j++; /* the bound at the bucket's start is its owner */
            size_t e = j;
            while (e < b->n && top_bits(b->lo[e], k) == t)
                e++;
            bk->count = (uint32_t)(e - j);
            for (size_t x = j; x < e; x++) {
                struct match_bound4 bd = {(uint32_t)(b->lo[x].hi >> 32), b->owner[x]};
                if (e - j <= MATCH_BUCKET_INLINE)
                    bk->b[x - j] = bd;
                else if (pass == 1)
                    p->b4[over + (x - j)] = bd;
            }
            if (e - j > MATCH_BUCKET_INLINE) {
                bk->b[0].lo = (uint32_t)over;
                over += e - j;
            }
            i = e;
        }
        if (pass == 0) {
            p->b4 = match_mem_alloc(over * sizeof(*p->b4));
            if (!p->b4)
                return -ENOMEM;
        }
    }
    p->b4_count = over;
    return 0;
}

int match_prefix_build(struct match_prefix *p, struct match_pool *pool,
                       struct match_prefix_rec *recs, size_t n, unsigned bits)
{
    memset(p, 0, sizeof(*p));
    if (n == 0)
        return 0;
    if (n >= MATCH_NONE / 2)
        return -E2BIG;
    qsort(recs, n, sizeof(*recs), cmp_rec);
    size_t nodes = 0, max_group = 1;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && u128_cmp(recs[j].net, recs[i].net) == 0 && recs[j].len == recs[i].len)
            j++;
        if (j - i > max_group)
            max_group = j - i;
        nodes++;
        i = j;
    }
    struct bounds b = {malloc((2 * nodes + 1) * sizeof(*b.lo)),
                       malloc((2 * nodes + 1) * sizeof(*b.owner)), 0};
    uint32_t *refs = malloc(max_group * sizeof(*refs));
    p->nodes = malloc(nodes * sizeof(*p->nodes));
    if (!b.lo || !b.owner || !refs || !p->nodes)
        goto nomem;
    /* Sorted by address then length, a prefix comes after every prefix
     * covering it; the stack holds the chain covering the current one
     * (strictly longer each step, so at most bits + 1 deep). */
    uint32_t stack[130];
    struct match_u128 stack_end[130];
    size_t sp = 0;
    emit(&b, (struct match_u128){0, 0}, MATCH_NONE);
    uint32_t x = 0;
    for (size_t i = 0; i < n; x++) {
        size_t j = i + 1;
        while (j < n && u128_cmp(recs[j].net, recs[i].net) == 0 && recs[j].len == recs[i].len)
            j++;
        for (size_t k = i; k < j; k++)
            refs[k - i] = recs[k].ref;
        uint32_t refw = match_pool_add(pool, refs, match_sort_refs(refs, j - i));
        if (refw == MATCH_EMPTY)
            goto nomem;
        struct match_u128 net = recs[i].net;
        while (sp > 0 && u128_cmp(stack_end[sp - 1], net) < 0) {
            struct match_u128 after;
            sp--;
            if (next_addr(stack_end[sp], bits, &after))
                emit(&b, after, sp ? stack[sp - 1] : MATCH_NONE);
        }
        p->nodes[x].parent = sp ? stack[sp - 1] : MATCH_NONE;
        p->nodes[x].refw = refw;
        p->nodes[x].len = recs[i].len;
        stack[sp] = x;
        stack_end[sp] = last_addr(net, recs[i].len, bits);
        sp++;
        emit(&b, net, x);
        i = j;
    }
    while (sp > 0) {
        struct match_u128 after;
        sp--;
        if (next_addr(stack_end[sp], bits, &after))
            emit(&b, after, sp ? stack[sp - 1] : MATCH_NONE);
    }
    free(refs);
    refs = NULL;
    p->node_count = nodes;
    p->bound_count = b.n;
    if (build_cover(p, recs, n))
        goto nomem;
    if (bits == 32) {
        if (build_buckets4(p, &b))
            goto nomem;
    } else {
        p->lo6 = malloc(b.n * sizeof(*p->lo6));
        p->owner6 = malloc(b.n * sizeof(*p->owner6));
        if (!p->lo6 || !p->owner6)
            goto nomem;
        memcpy(p->lo6, b.lo, b.n * sizeof(*p->lo6));
        memcpy(p->owner6, b.owner, b.n * sizeof(*p->owner6));
        /* About one bound per bucket, at most 2^20 buckets (8 MiB, for a
         * million prefixes): most lookups then skip the binary search. */
        unsigned k = 0;
        while (k < 20 && ((size_t)2 << k) <= b.n)
            k++;
        p->index_bits = k;
        p->index = match_mem_alloc((((size_t)1 << k) + 1) * sizeof(*p->index));
        if (!p->index)
            goto nomem;
        size_t i = 0;
        for (size_t t = 0; t <= ((size_t)1 << k); t++) {
            while (i < b.n && top_bits(b.lo[i], k) < t)
                i++;
            if (t == ((size_t)1 << k))
                i = b.n;
            p->index[t].first = (uint32_t)i;
            p->index[t].owner = owner_at_start(&b, i, t, k);
        }
    }
    free(b.lo);
    free(b.owner);
    return 0;
nomem:
    free(b.lo);
    free(b.owner);
    free(refs);
    match_prefix_fini(p);
    return -ENOMEM;
}

void match_prefix_fini(struct match_prefix *p)
{
    free(p->cover);
    free(p->buckets4);
    free(p->b4);
    free(p->lo6);
    free(p->owner6);
    free(p->index);
    free(p->nodes);
    memset(p, 0, sizeof(*p));
}

uint64_t match_prefix_bytes(const struct match_prefix *p)
{
    if (!p->bound_count)
        return 0;
    uint64_t nodes = p->node_count * sizeof(*p->nodes);
    if (p->buckets4)
        return nodes + ((uint64_t)1 << p->index_bits) * sizeof(*p->buckets4) +
               p->b4_count * sizeof(*p->b4);
    return nodes + p->bound_count * (sizeof(*p->lo6) + sizeof(*p->owner6)) +
           (((uint64_t)1 << p->index_bits) + 1) * sizeof(*p->index);
}

uint64_t match_prefix_cover_bytes(const struct match_prefix *p)
{
    return p->cover ? ((uint64_t)1 << p->cover_bits) / 8 : 0;
}

size_t match_prefix_walk(const struct intel_match *m, const struct match_prefix *p, uint32_t node,
                         struct intel_match_hit *hits, size_t max_hits)
{
    size_t k = 0;
    while (node != MATCH_NONE && k < max_hits) {
        const struct match_node *nd = &p->nodes[node];
        match_refs_of(m, &nd->refw, &hits[k]);
        hits[k].prefix_len = (uint8_t)nd->len;
        k++;
        node = nd->parent;
    }
    return k;
}

size_t match_prefix_find4(const struct intel_match *m, uint32_t addr, struct intel_match_hit *hits,
                          size_t max_hits)
{
    const struct match_prefix *p = &m->p4;
    if (max_hits == 0 || !match_prefix_cover4(p, addr))
        return 0;
    return match_prefix_walk(m, p, match_prefix_owner4(p, addr), hits, max_hits);
}

size_t match_prefix_find6(const struct intel_match *m, struct match_u128 addr,
                          struct intel_match_hit *hits, size_t max_hits)
{
    const struct match_prefix *p = &m->p6;
    if (max_hits == 0 || !match_prefix_cover6(p, addr.hi))
        return 0;
    uint32_t t = top_bits(addr, p->index_bits);
    size_t lo = p->index[t].first, a = lo, b = p->index[t + 1].first;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (u128_cmp(p->lo6[mid], addr) <= 0)
            a = mid + 1;
        else
            b = mid;
    }
    uint32_t owner = a == lo ? p->index[t].owner : p->owner6[a - 1];
    return match_prefix_walk(m, p, owner, hits, max_hits);
}
