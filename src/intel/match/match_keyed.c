/* match_keyed.c — builds the hash tables of the matcher: IPv4 /32
 * addresses, one table per digest kind (MD5, SHA-1, SHA-256, JA3, JA3S), and
 * every other value compared as bytes (domain, URL, JA4, e-mail, IPv6 /128).
 * Open addressing with linear probing, capacity a power of two at most 70%
 * full; records arrive sorted by hash, so equal values are adjacent and home
 * slots are filled in order. Each table gets blocked Bloom filters of its
 * keys' hashes, one per kind (match_filter.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_layout.h"

static uint32_t table_bits(uint64_t count)
{
    uint32_t bits = 3;
    while (((uint64_t)1 << bits) * 7 < count * 10)
        bits++;
    return bits;
}

/* A key in the builder's source arena: {u16 len, u8 kind, bytes}. */
static const uint8_t *src_key(const uint8_t *src, uint32_t off, uint16_t *len, uint8_t *kind)
{
    memcpy(len, src + off, sizeof(*len));
    *kind = src[off + 2];
    return src + off + 3;
}

static int cmp_src(const void *a, const void *b, void *ctx)
{
    const struct match_rec *x = a, *y = b;
    const uint8_t *src = ctx;
    uint16_t xl, yl;
    uint8_t xk, yk;
    const uint8_t *xb = src_key(src, x->a, &xl, &xk);
    const uint8_t *yb = src_key(src, y->a, &yl, &yk);
    if (xk != yk)
        return xk < yk ? -1 : 1;
    if (xl != yl)
        return xl < yl ? -1 : 1;
    int c = memcmp(xb, yb, xl);
    if (c)
        return c;
    return (x->ref > y->ref) - (x->ref < y->ref);
}

static bool same_key(const uint8_t *src, uint32_t a, uint32_t b)
{
    uint16_t al, bl;
    uint8_t ak, bk;
    const uint8_t *ab = src_key(src, a, &al, &ak);
    const uint8_t *bb = src_key(src, b, &bl, &bk);
    return al == bl && ak == bk && memcmp(ab, bb, al) == 0;
}

static uint64_t rec_words(uint16_t len)
{
    return (sizeof(struct match_key_rec) + len + 3) / 4;
}

int match_keyed_build(struct match_keyed *t, struct match_pool *pool, struct match_rec *recs,
                      size_t n, const uint8_t *src, uint32_t *max_probe)
{
    memset(t, 0, sizeof(*t));
    if (n == 0)
        return 0;
    /* Runs of one hash are re-sorted by key and ref (nearly always a run is
     * one value). */
    uint64_t groups = 0, words = 0, per_tag[MATCH_TAG_COUNT] = {0};
    size_t max_group = 1;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && recs[j].h == recs[i].h)
            j++;
        if (j - i > 1)
            qsort_r(recs + i, j - i, sizeof(*recs), cmp_src, (void *)src);
        for (size_t k = i; k < j;) {
            size_t e = k + 1;
            while (e < j && same_key(src, recs[k].a, recs[e].a))
                e++;
            uint16_t len;
            uint8_t kind;
            src_key(src, recs[k].a, &len, &kind);
            groups++;
            per_tag[kind < MATCH_TAG_COUNT ? kind : 0]++;
            words += rec_words(len);
            if (e - k > max_group)
                max_group = e - k;
            k = e;
        }
        i = j;
    }
    if (words >= MATCH_EMPTY)
        return -E2BIG;
    uint32_t bits = table_bits(groups);
    uint32_t *refs = malloc(max_group * sizeof(*refs));
    t->slots = match_mem_alloc(((size_t)1 << bits) * sizeof(*t->slots));
    t->arena = match_mem_alloc(words * sizeof(*t->arena));
    if (!refs || !t->slots || !t->arena)
        goto nomem;
    for (unsigned k = 0; k < MATCH_TAG_COUNT; k++)
        if (match_filter_init(&t->filter[k], per_tag[k]))
            goto nomem;
    memset(t->slots, 0xff, ((size_t)1 << bits) * sizeof(*t->slots));
    t->shift = 64 - bits;
    t->mask = ((uint64_t)1 << bits) - 1;
    t->arena_words = words;
    uint64_t at = 0;
    uint32_t worst = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k + 1;
        while (e < n && recs[e].h == recs[k].h && same_key(src, recs[k].a, recs[e].a))
            e++;
        for (size_t r = k; r < e; r++)
            refs[r - k] = recs[r].ref;
        size_t nrefs = match_sort_refs(refs, e - k);
        uint32_t refw = match_pool_add(pool, refs, nrefs);
        if (refw == MATCH_EMPTY)
            goto nomem;
        uint16_t len;
        uint8_t kind;
        const uint8_t *key = src_key(src, recs[k].a, &len, &kind);
        uint64_t w = rec_words(len);
        t->arena[at + w - 1] = 0; /* the padding */
        struct match_key_rec *rec = (struct match_key_rec *)(t->arena + at);
        rec->refw = refw;
        rec->len = len;
        rec->kind = kind;
        rec->spare = 0;
        memcpy(rec + 1, key, len);
        uint64_t i = recs[k].h >> t->shift;
        uint32_t dist = 1;
        while (t->slots[i].off != MATCH_EMPTY) {
            i = (i + 1) & t->mask;
            dist++;
        }
        if (dist > worst)
            worst = dist;
        t->slots[i].tag = (uint32_t)recs[k].h;
        t->slots[i].off = (uint32_t)at;
        match_filter_add(&t->filter[kind], recs[k].h);
        at += w;
        t->count++;
        k = e;
    }
    free(refs);
    if (worst > *max_probe)
        *max_probe = worst;
    return 0;
nomem:
    free(refs);
    match_keyed_fini(t);
    return -ENOMEM;
}

int match_v4_build(struct match_v4_table *t, struct match_pool *pool, const struct match_rec *recs,
                   size_t n, uint32_t *max_probe)
{
    memset(t, 0, sizeof(*t));
    if (n == 0)
        return 0;
    /* The hash is a bijection of the address: equal hashes are equal addresses. */
    uint64_t groups = 0;
    size_t max_group = 1;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && recs[j].h == recs[i].h)
            j++;
        groups++;
        if (j - i > max_group)
            max_group = j - i;
        i = j;
    }
    uint32_t bits = table_bits(groups);
    uint32_t *refs = malloc(max_group * sizeof(*refs));
    t->slots = match_mem_alloc(((size_t)1 << bits) * sizeof(*t->slots));
    if (!refs || !t->slots || match_filter_init(&t->filter, groups))
        goto nomem;
    memset(t->slots, 0xff, ((size_t)1 << bits) * sizeof(*t->slots));
    t->shift = 64 - bits;
    t->mask = ((uint64_t)1 << bits) - 1;
    uint32_t worst = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k + 1;
        while (e < n && recs[e].h == recs[k].h)
            e++;
        for (size_t r = k; r < e; r++)
            refs[r - k] = recs[r].ref;
        uint32_t refw = match_pool_add(pool, refs, match_sort_refs(refs, e - k));
        if (refw == MATCH_EMPTY)
            goto nomem;
        uint64_t i = recs[k].h >> t->shift;
        uint32_t dist = 1;
        while (t->slots[i].refw != MATCH_EMPTY) {
            i = (i + 1) & t->mask;
            dist++;
        }
        if (dist > worst)
            worst = dist;
        t->slots[i].addr = recs[k].a;
        t->slots[i].refw = refw;
        match_filter_add(&t->filter, recs[k].h);
        t->count++;
        k = e;
    }
    free(refs);
    if (worst > *max_probe)
        *max_probe = worst;
    return 0;
nomem:
    free(refs);
    match_v4_fini(t);
    return -ENOMEM;
}

int match_digest_build(struct match_digest *d, struct match_pool *pool, struct match_rec *recs,
                       size_t n, const uint8_t *src, unsigned kind, uint32_t *max_probe)
{
    memset(d, 0, sizeof(*d));
    /* Runs of one hash are sorted by key and ref, as in match_keyed_build;
     * a run holds one kind (the kind is hashed in). */
    uint64_t groups = 0;
    size_t max_group = 1, len = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && recs[j].h == recs[i].h)
            j++;
        if (src[recs[i].a + 2] == kind) {
            if (j - i > 1)
                qsort_r(recs + i, j - i, sizeof(*recs), cmp_src, (void *)src);
            for (size_t k = i; k < j;) {
                size_t e = k + 1;
                while (e < j && same_key(src, recs[k].a, recs[e].a))
                    e++;
                uint16_t l16;
                uint8_t kd;
                src_key(src, recs[k].a, &l16, &kd);
                len = l16;
                groups++;
                if (e - k > max_group)
                    max_group = e - k;
                k = e;
            }
        }
        i = j;
    }
    if (groups == 0)
        return 0;
    uint32_t bits = table_bits(groups);
    size_t slots = (size_t)1 << bits;
    uint32_t *refs = malloc(max_group * sizeof(*refs));
    d->slots = match_mem_alloc(slots * sizeof(*d->slots));
    d->keys = match_mem_alloc(slots * len);
    if (!refs || !d->slots || !d->keys || match_filter_init(&d->filter, groups))
        goto nomem;
    memset(d->slots, 0xff, slots * sizeof(*d->slots));
    memset(d->keys, 0, slots * len);
    d->shift = 64 - bits;
    d->mask = slots - 1;
    d->len = (uint32_t)len;
    uint32_t worst = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k + 1;
        if (src[recs[k].a + 2] != kind) {
            k = e;
            continue;
        }
        while (e < n && recs[e].h == recs[k].h && same_key(src, recs[k].a, recs[e].a))
            e++;
        for (size_t r = k; r < e; r++)
            refs[r - k] = recs[r].ref;
        uint32_t refw = match_pool_add(pool, refs, match_sort_refs(refs, e - k));
        if (refw == MATCH_EMPTY)
            goto nomem;
        uint16_t l16;
        uint8_t kd;
        const uint8_t *key = src_key(src, recs[k].a, &l16, &kd);
        uint64_t i = recs[k].h >> d->shift;
        uint32_t dist = 1;
        while (d->slots[i].refw != MATCH_EMPTY) {
            i = (i + 1) & d->mask;
            dist++;
        }
        if (dist > worst)
            worst = dist;
        d->slots[i].tag = (uint32_t)recs[k].h;
        d->slots[i].refw = refw;
        memcpy(d->keys + i * len, key, len);
        match_filter_add(&d->filter, recs[k].h);
        d->count++;
        k = e;
    }
    free(refs);
    if (worst > *max_probe)
        *max_probe = worst;
    return 0;
nomem:
    free(refs);
    match_digest_fini(d);
    return -ENOMEM;
}

void match_digest_fini(struct match_digest *d)
{
    free(d->slots);
    free(d->keys);
    match_filter_fini(&d->filter);
    memset(d, 0, sizeof(*d));
}

void match_keyed_fini(struct match_keyed *t)
{
    free(t->slots);
    free(t->arena);
    for (unsigned k = 0; k < MATCH_TAG_COUNT; k++)
        match_filter_fini(&t->filter[k]);
    memset(t, 0, sizeof(*t));
}

void match_v4_fini(struct match_v4_table *t)
{
    free(t->slots);
    match_filter_fini(&t->filter);
    memset(t, 0, sizeof(*t));
}
