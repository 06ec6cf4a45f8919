/* intel_match.c — the matcher's builder, build and lookups.
 *
 * The builder normalises each value (match_norm.c) and keeps it as a hashed
 * record; the build sorts the records and lays out the tables of
 * match_layout.h. Lookups normalise the key into a stack buffer and probe;
 * they allocate nothing and write nothing shared. Not thread-safe to build
 * concurrently with one builder; a built matcher is read-only.
 */
#include "intel/match/intel_match.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "intel/match/match_hash.h"
#include "intel/match/match_layout.h"
#include "intel/match/match_norm.h"

/* At most this many values in one builder (refs must fit the pool). */
#define BUILDER_MAX_VALUES ((size_t)1 << 30)
/* A name of at most INTEL_MATCH_DOMAIN_MAX bytes has at most this many labels. */
#define DOMAIN_CANDIDATES ((INTEL_MATCH_DOMAIN_MAX + 1) / 2)
/* The key arena of the builder is addressed with 32-bit offsets. */
#define BUILDER_MAX_SRC ((size_t)UINT32_MAX - INTEL_MATCH_VALUE_MAX - 8)

#define REJECT_COUNTER_NAME(id, name) "reject." name,
static const char *const counter_names[] = {
    INTEL_MATCH_REJECTS(REJECT_COUNTER_NAME) "added.ipv4",
    "added.ipv6",
    "added.domain",
    "added.url",
    "added.md5",
    "added.sha1",
    "added.sha256",
    "added.ja3",
    "added.ja3s",
    "added.ja4",
    "added.email",
    "cidr_host_bits_cleared",
};
enum {
    COUNTER_ADDED = INTEL_REJECT_COUNT,
    COUNTER_HOST_BITS = COUNTER_ADDED + INTEL_KIND_COUNT,
    COUNTER_COUNT
};
_Static_assert(sizeof(counter_names) / sizeof(counter_names[0]) == COUNTER_COUNT,
               "one name per counter");

struct intel_match_builder {
    uint64_t seed;
    struct match_rec *v4, *keyed;
    size_t v4_n, v4_cap, keyed_n, keyed_cap;
    struct match_prefix_rec *p4, *p6;
    size_t p4_n, p4_cap, p6_n, p6_cap;
    uint8_t *src; /* keyed values: {u16 len, u8 kind, bytes} */
    size_t src_len, src_cap;
    size_t values;
    enum intel_match_reject last;
    uint64_t counters[COUNTER_COUNT];
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

struct intel_match_builder *intel_match_builder_new(void)
{
    struct intel_match_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    if (getrandom(&b->seed, sizeof(b->seed), GRND_NONBLOCK) != (ssize_t)sizeof(b->seed)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        b->seed = match_hash_fmix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                                  (uint64_t)(uintptr_t)b);
    }
    return b;
}

void intel_match_builder_free(struct intel_match_builder *b)
{
    if (!b)
        return;
    free(b->v4);
    free(b->keyed);
    free(b->p4);
    free(b->p6);
    free(b->src);
    free(b);
}

static int refuse(struct intel_match_builder *b, enum intel_match_reject why)
{
    b->last = why;
    b->counters[why]++;
    if (why == INTEL_REJECT_NOMEM)
        return -ENOMEM;
    if (why == INTEL_REJECT_FULL)
        return -E2BIG;
    return -EINVAL;
}

static int add_keyed(struct intel_match_builder *b, unsigned tag, const void *key, size_t len,
                     uint32_t ref)
{
    if (b->src_len + 3 + len > BUILDER_MAX_SRC)
        return refuse(b, INTEL_REJECT_FULL);
    if (grow((void **)&b->src, &b->src_cap, b->src_len + 3 + len, 1) ||
        grow((void **)&b->keyed, &b->keyed_cap, b->keyed_n + 1, sizeof(*b->keyed)))
        return refuse(b, INTEL_REJECT_NOMEM);
    uint16_t l16 = (uint16_t)len;
    memcpy(b->src + b->src_len, &l16, 2);
    b->src[b->src_len + 2] = (uint8_t)tag;
    memcpy(b->src + b->src_len + 3, key, len);
    struct match_rec *r = &b->keyed[b->keyed_n++];
    r->h = match_hash_bytes(b->seed, tag, key, len);
    r->a = (uint32_t)b->src_len;
    r->ref = ref;
    b->src_len += 3 + len;
    return 0;
}

static int add_prefix(struct intel_match_builder *b, const struct match_ip *ip, uint32_t ref)
{
    struct match_prefix_rec **arr = ip->family == 4 ? &b->p4 : &b->p6;
    size_t *n = ip->family == 4 ? &b->p4_n : &b->p6_n;
    size_t *cap = ip->family == 4 ? &b->p4_cap : &b->p6_cap;
    if (grow((void **)arr, cap, *n + 1, sizeof(**arr)))
        return refuse(b, INTEL_REJECT_NOMEM);
    struct match_prefix_rec *r = &(*arr)[(*n)++];
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | ip->addr[i];
        lo = lo << 8 | ip->addr[8 + i];
    }
    r->net.hi = hi;
    r->net.lo = lo;
    r->ref = ref;
    r->len = ip->prefix_len;
    return 0;
}

int intel_match_builder_add(struct intel_match_builder *b, enum intel_kind kind, const char *value,
                            size_t len, uint32_t indicator_ref)
{
    if ((unsigned)kind >= INTEL_KIND_COUNT)
        return refuse(b, INTEL_REJECT_KIND);
    if (!value || len == 0)
        return refuse(b, INTEL_REJECT_EMPTY);
    if (b->values >= BUILDER_MAX_VALUES)
        return refuse(b, INTEL_REJECT_FULL);
    enum intel_match_reject why = INTEL_REJECT_KIND;
    char text[INTEL_MATCH_VALUE_MAX + 2];
    uint8_t bin[32];
    int n, rc = 0;
    switch (kind) {
    case INTEL_KIND_IPV4:
    case INTEL_KIND_IPV6: {
        struct match_ip ip;
        if (match_norm_ip(kind, value, len, &ip, &why) < 0)
            return refuse(b, why);
        if (ip.had_host_bits)
            b->counters[COUNTER_HOST_BITS]++;
        if (ip.family == 4 && ip.prefix_len == 32) {
            if (grow((void **)&b->v4, &b->v4_cap, b->v4_n + 1, sizeof(*b->v4)))
                return refuse(b, INTEL_REJECT_NOMEM);
            uint32_t a = match_be32(ip.addr);
            b->v4[b->v4_n++] = (struct match_rec){match_hash_u32(b->seed, a), a, indicator_ref};
        } else if (ip.family == 6 && ip.prefix_len == 128) {
            rc = add_keyed(b, MATCH_TAG_IPV6_EXACT, ip.addr, 16, indicator_ref);
        } else {
            rc = add_prefix(b, &ip, indicator_ref);
        }
        break;
    }
    case INTEL_KIND_DOMAIN:
        if ((n = match_norm_domain(value, len, text, &why)) < 0)
            return refuse(b, why);
        rc = add_keyed(b, kind, text, (size_t)n, indicator_ref);
        break;
    case INTEL_KIND_URL:
        if ((n = match_norm_url(value, len, text, &why)) < 0)
            return refuse(b, why);
        rc = add_keyed(b, kind, text, (size_t)n, indicator_ref);
        break;
    case INTEL_KIND_EMAIL:
        if ((n = match_norm_email(value, len, text, &why)) < 0)
            return refuse(b, why);
        rc = add_keyed(b, kind, text, (size_t)n, indicator_ref);
        break;
    case INTEL_KIND_JA4:
        if ((n = match_norm_ja4(value, len, text, &why)) < 0)
            return refuse(b, why);
        rc = add_keyed(b, kind, text, (size_t)n, indicator_ref);
        break;
    default: /* the hash kinds */
        if ((n = match_norm_hex(kind, value, len, bin, &why)) < 0)
            return refuse(b, why);
        rc = add_keyed(b, kind, bin, (size_t)n, indicator_ref);
        break;
    }
    if (rc == 0) {
        b->values++;
        b->counters[COUNTER_ADDED + kind]++;
    }
    return rc;
}

enum intel_match_reject intel_match_builder_last_reject(const struct intel_match_builder *b)
{
    return b->last;
}

const char *intel_match_reject_name(enum intel_match_reject r)
{
    if ((unsigned)r >= INTEL_REJECT_COUNT)
        return "unknown";
    return counter_names[r] + strlen("reject.");
}

struct counter_view intel_match_builder_counters(const struct intel_match_builder *b)
{
    struct counter_view v = {"intel_match", counter_names, b->counters, COUNTER_COUNT};
    return v;
}

static void count_values(struct intel_match *m)
{
    struct intel_match_stats *s = &m->stats;
    struct intel_match_hit hit;
    for (uint64_t i = 0; i <= m->v4.mask && m->v4.count; i++) {
        if (m->v4.slots[i].refw == MATCH_EMPTY)
            continue;
        match_refs_of(m, &m->v4.slots[i].refw, &hit);
        s->refs += hit.count;
    }
    for (unsigned k = 0; k < INTEL_KIND_COUNT; k++) {
        const struct match_digest *d = &m->digest[k];
        for (uint64_t i = 0; d->count && i <= d->mask; i++) {
            if (d->slots[i].refw == MATCH_EMPTY)
                continue;
            s->values[k]++;
            match_refs_of(m, &d->slots[i].refw, &hit);
            s->refs += hit.count;
        }
        if (d->count) {
            s->bytes_digests += (d->mask + 1) * (sizeof(*d->slots) + d->len);
            s->bytes_filters += match_filter_bytes(&d->filter);
        }
    }
    for (uint64_t at = 0; at < m->keyed.arena_words;) {
        const struct match_key_rec *r = (const struct match_key_rec *)(m->keyed.arena + at);
        s->values[r->kind == MATCH_TAG_IPV6_EXACT ? INTEL_KIND_IPV6 : r->kind]++;
        if (r->kind == INTEL_KIND_DOMAIN) {
            const char *key = (const char *)(r + 1);
            unsigned labels = 1;
            for (size_t i = 0; i < r->len; i++)
                labels += key[i] == '.';
            m->domain_labels |= (uint64_t)1 << (labels > 64 ? 63 : labels - 1);
            if (labels > m->domain_max_labels)
                m->domain_max_labels = labels >= 64 ? DOMAIN_CANDIDATES : labels;
        }
        match_refs_of(m, &r->refw, &hit);
        s->refs += hit.count;
        at += (sizeof(*r) + r->len + 3) / 4;
    }
    const struct match_prefix *ps[2] = {&m->p4, &m->p6};
    for (int f = 0; f < 2; f++) {
        for (uint64_t i = 0; i < ps[f]->node_count; i++) {
            match_refs_of(m, &ps[f]->nodes[i].refw, &hit);
            s->refs += hit.count;
        }
    }
    s->values[INTEL_KIND_IPV4] += m->v4.count + m->p4.node_count;
    s->values[INTEL_KIND_IPV6] += m->p6.node_count;
    s->ipv4_prefixes = m->p4.node_count;
    s->ipv6_prefixes = m->p6.node_count;
    s->bytes_ipv4_exact = m->v4.count ? (m->v4.mask + 1) * sizeof(*m->v4.slots) : 0;
    s->bytes_ipv4_prefix = match_prefix_bytes(&m->p4);
    s->bytes_ipv6_prefix = match_prefix_bytes(&m->p6);
    s->bytes_keyed_slots = m->keyed.count ? (m->keyed.mask + 1) * sizeof(*m->keyed.slots) : 0;
    s->bytes_keyed_arena = m->keyed.arena_words * sizeof(*m->keyed.arena);
    s->bytes_ref_lists = m->pool.len * sizeof(*m->pool.words);
    s->bytes_filters += match_filter_bytes(&m->v4.filter) + match_prefix_cover_bytes(&m->p4) +
                        match_prefix_cover_bytes(&m->p6);
    for (unsigned k = 0; k < MATCH_TAG_COUNT; k++)
        s->bytes_filters += match_filter_bytes(&m->keyed.filter[k]);
    s->bytes_total = sizeof(*m) + s->bytes_ipv4_exact + s->bytes_ipv4_prefix +
                     s->bytes_ipv6_prefix + s->bytes_keyed_slots + s->bytes_keyed_arena +
                     s->bytes_ref_lists + s->bytes_digests + s->bytes_filters;
}

struct intel_match *intel_match_build(struct intel_match_builder *b)
{
    struct intel_match *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->seed = b->seed;
    uint32_t probe = 0;
    if (match_sort_recs(b->v4, b->v4_n) || match_sort_recs(b->keyed, b->keyed_n))
        goto fail;
    if (match_v4_build(&m->v4, &m->pool, b->v4, b->v4_n, &probe))
        goto fail;
    /* Digests to the back (each part stays sorted by hash): the builder
     * keeps every record, reordered. */
    size_t nd = 0;
    for (size_t i = 0; i < b->keyed_n; i++)
        nd += match_is_digest(b->src[b->keyed[i].a + 2]);
    if (nd) {
        struct match_rec *tmp = malloc(nd * sizeof(*tmp));
        if (!tmp)
            goto fail;
        size_t kk = 0, dd = 0;
        for (size_t i = 0; i < b->keyed_n; i++) {
            if (match_is_digest(b->src[b->keyed[i].a + 2]))
                tmp[dd++] = b->keyed[i];
            else
                b->keyed[kk++] = b->keyed[i];
        }
        memcpy(b->keyed + kk, tmp, nd * sizeof(*tmp));
        free(tmp);
    }
    size_t nk = b->keyed_n - nd;
    if (match_keyed_build(&m->keyed, &m->pool, b->keyed, nk, b->src, &probe))
        goto fail;
    for (unsigned k = 0; k < INTEL_KIND_COUNT; k++)
        if (match_is_digest(k) &&
            match_digest_build(&m->digest[k], &m->pool, b->keyed + nk, nd, b->src, k, &probe))
            goto fail;
    if (match_prefix_build(&m->p4, &m->pool, b->p4, b->p4_n, 32))
        goto fail;
    if (match_prefix_build(&m->p6, &m->pool, b->p6, b->p6_n, 128))
        goto fail;
    if (m->pool.len && m->pool.len < m->pool.cap) {
        uint32_t *w = realloc(m->pool.words, m->pool.len * sizeof(*w));
        if (w) {
            m->pool.words = w;
            m->pool.cap = m->pool.len;
        }
    }
    m->stats.max_probe = probe;
    count_values(m);
    return m;
fail:
    intel_match_free(m);
    return NULL;
}

void intel_match_free(struct intel_match *m)
{
    if (!m)
        return;
    match_v4_fini(&m->v4);
    match_keyed_fini(&m->keyed);
    for (unsigned k = 0; k < INTEL_KIND_COUNT; k++)
        match_digest_fini(&m->digest[k]);
    match_prefix_fini(&m->p4);
    match_prefix_fini(&m->p6);
    match_pool_fini(&m->pool);
    free(m);
}

void intel_match_stats(const struct intel_match *m, struct intel_match_stats *out)
{
    *out = m->stats;
}

static int hex_out(const uint8_t *bin, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    if (2 * n + 1 > cap)
        return -ENOSPC;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 15];
    }
    out[2 * n] = '\0';
    return (int)(2 * n);
}

int intel_match_normalize(enum intel_kind kind, const char *value, size_t len, char *out,
                          size_t out_cap, enum intel_match_reject *reject)
{
    char text[INTEL_MATCH_VALUE_MAX + 2];
    uint8_t bin[32];
    int n = -1;
    enum intel_match_reject dummy;
    if (!reject)
        reject = &dummy;
    if ((unsigned)kind >= INTEL_KIND_COUNT) {
        *reject = INTEL_REJECT_KIND;
        return -EINVAL;
    }
    if (!value || len == 0) {
        *reject = INTEL_REJECT_EMPTY;
        return -EINVAL;
    }
    switch (kind) {
    case INTEL_KIND_IPV4:
    case INTEL_KIND_IPV6: {
        struct match_ip ip;
        if (match_norm_ip(kind, value, len, &ip, reject) < 0)
            return -EINVAL;
        char a[INET6_ADDRSTRLEN];
        inet_ntop(ip.family == 4 ? AF_INET : AF_INET6, ip.addr, a, sizeof(a));
        unsigned full = ip.family == 4 ? 32 : 128;
        int w = ip.prefix_len == full ? snprintf(text, sizeof(text), "%s", a)
                                      : snprintf(text, sizeof(text), "%s/%u", a, ip.prefix_len);
        n = w;
        break;
    }
    case INTEL_KIND_DOMAIN:
        n = match_norm_domain(value, len, text, reject);
        break;
    case INTEL_KIND_URL:
        n = match_norm_url(value, len, text, reject);
        break;
    case INTEL_KIND_EMAIL:
        n = match_norm_email(value, len, text, reject);
        break;
    case INTEL_KIND_JA4:
        n = match_norm_ja4(value, len, text, reject);
        break;
    default:
        if ((n = match_norm_hex(kind, value, len, bin, reject)) < 0)
            return -EINVAL;
        return hex_out(bin, (size_t)n, out, out_cap);
    }
    if (n < 0)
        return -EINVAL;
    if ((size_t)n + 1 > out_cap)
        return -ENOSPC;
    memcpy(out, text, (size_t)n);
    out[n] = '\0';
    return n;
}

/* ---- lookups ---- */

static bool found(const struct intel_match *m, const struct match_key_rec *r,
                  struct intel_match_hit *hit)
{
    if (!r)
        return false;
    match_refs_of(m, &r->refw, hit);
    return true;
}

static const struct match_key_rec *find_key(const struct intel_match *m, unsigned tag,
                                            const void *key, size_t len)
{
    uint64_t h = match_hash_bytes(m->seed, tag, key, len);
    if (!match_filter_maybe(&m->keyed.filter[tag], h))
        return NULL;
    return match_keyed_find(&m->keyed, h, tag, key, len);
}

size_t intel_match_ip(const struct intel_match *m, const uint8_t addr[16], int family,
                      struct intel_match_hit *hits, size_t max_hits)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!m || !addr || !hits || max_hits == 0)
        return 0;
    size_t k = 0;
    if (family == 4 || (family == 6 && memcmp(addr, mapped, sizeof(mapped)) == 0)) {
        uint32_t a = match_be32(family == 4 ? addr : addr + 12);
        uint64_t h = match_hash_u32(m->seed, a);
        /* Both pre-filters' lines load at once; most addresses stop there. */
        match_filter_prefetch(&m->v4.filter, h);
        match_prefix_cover4_prefetch(&m->p4, a);
        const uint32_t *refw =
            match_filter_maybe(&m->v4.filter, h) ? match_v4_find(&m->v4, h, a) : NULL;
        if (refw) {
            match_refs_of(m, refw, &hits[0]);
            hits[0].prefix_len = 32;
            k = 1;
        }
        return k + match_prefix_find4(m, a, hits + k, max_hits - k);
    }
    if (family != 6)
        return 0;
    if (m->stats.values[INTEL_KIND_IPV6] > m->stats.ipv6_prefixes &&
        found(m, find_key(m, MATCH_TAG_IPV6_EXACT, addr, 16), &hits[0])) {
        hits[0].prefix_len = 128;
        k = 1;
    }
    struct match_u128 a = {0, 0};
    for (int i = 0; i < 8; i++) {
        a.hi = a.hi << 8 | addr[i];
        a.lo = a.lo << 8 | addr[8 + i];
    }
    return k + match_prefix_find6(m, a, hits + k, max_hits - k);
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

size_t intel_match_domain(const struct intel_match *m, const char *name, size_t len,
                          struct intel_match_hit *hits, size_t max_hits)
{
    if (!m || !name || !hits || max_hits == 0 || m->stats.values[INTEL_KIND_DOMAIN] == 0)
        return 0;
    if (len > 0 && name[len - 1] == '.')
        len--;
    /* Only a suffix of at most INTEL_MATCH_DOMAIN_MAX bytes can match, so a
     * longer name starts at its first label boundary that leaves one. */
    size_t start = 0;
    while (len - start > INTEL_MATCH_DOMAIN_MAX) {
        const char *dot = memchr(name + start, '.', len - start);
        if (!dot)
            return 0;
        start = (size_t)(dot - name) + 1;
    }
    /* Candidate suffixes start at the name's start and after each dot (not
     * after a final one); the j-th from the right has j labels. Only as many
     * are taken as the longest domain value has labels, so the scan stops
     * early on long names, and only that tail is lower-cased. */
    size_t n = len - start, labels = 0, lim = n - 1; /* a final dot starts nothing */
    if (n == 0)
        return 0;
    uint8_t label_at[DOMAIN_CANDIDATES + 1];
    while (labels < m->domain_max_labels) {
        const char *dot = lim ? memrchr(name + start, '.', lim) : NULL;
        if (!dot) {
            label_at[labels++] = 0;
            break;
        }
        label_at[labels++] = (uint8_t)(dot - (name + start) + 1);
        lim = (size_t)(dot - (name + start));
    }
    char buf[INTEL_MATCH_DOMAIN_MAX];
    for (size_t i = label_at[labels - 1]; i < n; i++)
        buf[i] = lower(name[start + i]);
    /* Hash every candidate suffix and load its filter line; then load the
     * slots of those the filter passes; then probe. The cache misses of one
     * stage overlap instead of following one another. */
    uint64_t hash[DOMAIN_CANDIDATES];
    uint8_t at[DOMAIN_CANDIDATES];
    size_t k = 0, cand = 0, pass = 0;
    for (size_t left = labels; left > 0; left--) { /* left: labels in the suffix */
        if (!(m->domain_labels & (uint64_t)1 << (left > 64 ? 63 : left - 1)))
            continue;
        size_t pos = label_at[left - 1];
        hash[cand] = match_hash_bytes(m->seed, INTEL_KIND_DOMAIN, buf + pos, n - pos);
        at[cand] = (uint8_t)pos;
        match_filter_prefetch(&m->keyed.filter[INTEL_KIND_DOMAIN], hash[cand]);
        cand++;
    }
    for (size_t c = 0; c < cand; c++) {
        if (match_filter_maybe(&m->keyed.filter[INTEL_KIND_DOMAIN], hash[c])) {
            match_keyed_prefetch(&m->keyed, hash[c]);
            hash[pass] = hash[c];
            at[pass++] = at[c];
        }
    }
    for (size_t c = 0; c < pass; c++) {
        size_t pos = at[c];
        const struct match_key_rec *r =
            match_keyed_find(&m->keyed, hash[c], INTEL_KIND_DOMAIN, buf + pos, n - pos);
        if (found(m, r, &hits[k])) {
            hits[k].suffix_off = (uint16_t)(start + pos);
            if (++k == max_hits)
                break;
        }
    }
    return k;
}

bool intel_match_url(const struct intel_match *m, const char *url, size_t len,
                     struct intel_match_hit *hit)
{
    if (!m || !url || !hit || m->stats.values[INTEL_KIND_URL] == 0)
        return false;
    char buf[INTEL_MATCH_URL_MAX + 2];
    enum intel_match_reject why;
    int n = match_norm_url(url, len, buf, &why);
    if (n < 0)
        return false;
    return found(m, find_key(m, INTEL_KIND_URL, buf, (size_t)n), hit);
}

bool intel_match_hash_bin(const struct intel_match *m, enum intel_kind kind, const uint8_t *bytes,
                          size_t len, struct intel_match_hit *hit)
{
    if (!m || !bytes || !hit || (unsigned)kind >= INTEL_KIND_COUNT)
        return false;
    size_t want = match_norm_hash_len(kind);
    if (want == 0 || len != want || m->stats.values[kind] == 0)
        return false;
    const struct match_digest *d = &m->digest[kind];
    uint64_t h = match_hash_bytes(m->seed, kind, bytes, len);
    if (!match_filter_maybe(&d->filter, h))
        return false;
    const uint32_t *refw = match_digest_find(d, h, bytes);
    if (!refw)
        return false;
    match_refs_of(m, refw, hit);
    return true;
}

bool intel_match_hash(const struct intel_match *m, enum intel_kind kind, const char *hex,
                      size_t len, struct intel_match_hit *hit)
{
    uint8_t bin[32];
    enum intel_match_reject why;
    if (!m || !hex || !hit || (unsigned)kind >= INTEL_KIND_COUNT)
        return false;
    int n = match_norm_hex(kind, hex, len, bin, &why);
    if (n < 0)
        return false;
    return intel_match_hash_bin(m, kind, bin, (size_t)n, hit);
}

bool intel_match_string(const struct intel_match *m, enum intel_kind kind, const char *s,
                        size_t len, struct intel_match_hit *hit)
{
    char buf[INTEL_MATCH_EMAIL_MAX + INTEL_MATCH_JA4_MAX + 2];
    enum intel_match_reject why;
    int n;
    if (!m || !s || !hit || (unsigned)kind >= INTEL_KIND_COUNT || m->stats.values[kind] == 0)
        return false;
    switch (kind) {
    case INTEL_KIND_JA3:
    case INTEL_KIND_JA3S:
        return intel_match_hash(m, kind, s, len, hit);
    case INTEL_KIND_JA4:
        n = match_norm_ja4(s, len, buf, &why);
        break;
    case INTEL_KIND_EMAIL:
        n = match_norm_email(s, len, buf, &why);
        break;
    default:
        return false;
    }
    if (n < 0)
        return false;
    return found(m, find_key(m, kind, buf, (size_t)n), hit);
}
