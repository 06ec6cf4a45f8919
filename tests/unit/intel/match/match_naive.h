/* match_naive.h — a naive reference for the indicator matcher, shared by the
 * unit tests and fuzz/fuzz_intel_match.c (test code only, never linked into
 * hradba).
 *
 * It keeps every accepted value as its normalised text (from
 * intel_match_normalize) in one sorted array and answers each lookup with
 * binary searches: IP lookups try every prefix length of the address, domain
 * lookups every suffix. It shares the normalisation with the matcher and
 * nothing else, so a disagreement points at the compiled structures.
 */
#ifndef HRADBA_TEST_MATCH_NAIVE_H
#define HRADBA_TEST_MATCH_NAIVE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/intel_match.h"

struct naive_entry {
    int kind;
    char *key;
    uint32_t ref;
};

struct naive {
    struct naive_entry *e;
    size_t n, cap;
    bool sorted;
    uint64_t hits; /* lookups the reference answered with a match */
};

static inline void naive_free(struct naive *nv)
{
    for (size_t i = 0; i < nv->n; i++)
        free(nv->e[i].key);
    free(nv->e);
    memset(nv, 0, sizeof(*nv));
}

/* Returns 0 when the value is accepted (as the matcher must accept it). */
static inline int naive_add(struct naive *nv, enum intel_kind kind, const char *v, size_t len,
                            uint32_t ref)
{
    char out[INTEL_MATCH_VALUE_MAX + 2];
    int n = intel_match_normalize(kind, v, len, out, sizeof(out), NULL);
    if (n < 0)
        return n;
    if (kind == INTEL_KIND_IPV6 && !strchr(out, ':'))
        kind = INTEL_KIND_IPV4; /* IPv4-mapped */
    if (nv->n == nv->cap) {
        size_t cap = nv->cap ? nv->cap * 2 : 64;
        struct naive_entry *e = realloc(nv->e, cap * sizeof(*e));
        if (!e)
            abort();
        nv->e = e;
        nv->cap = cap;
    }
    char *k = malloc((size_t)n + 1);
    if (!k)
        abort();
    memcpy(k, out, (size_t)n + 1);
    nv->e[nv->n++] = (struct naive_entry){(int)kind, k, ref};
    nv->sorted = false;
    return 0;
}

static inline int naive_cmp(const void *a, const void *b)
{
    const struct naive_entry *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return (x->ref > y->ref) - (x->ref < y->ref);
}

static inline void naive_sort(struct naive *nv)
{
    if (!nv->sorted && nv->n)
        qsort(nv->e, nv->n, sizeof(*nv->e), naive_cmp);
    nv->sorted = true;
}

/* Sorted unique refs of (kind, key) into refs (cap 4096); returns count. */
static inline size_t naive_find(struct naive *nv, int kind, const char *key, uint32_t *refs)
{
    naive_sort(nv);
    size_t lo = 0, hi = nv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct naive_entry *e = &nv->e[mid];
        int c = e->kind != kind ? (e->kind < kind ? -1 : 1) : strcmp(e->key, key);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = 0;
    for (size_t i = lo; i < nv->n && nv->e[i].kind == kind && strcmp(nv->e[i].key, key) == 0; i++)
        if (k < 4096 && (k == 0 || refs[k - 1] != nv->e[i].ref))
            refs[k++] = nv->e[i].ref;
    return k;
}

/* Compares one hit with the naive refs; false on any difference. */
static inline bool naive_same(const struct intel_match_hit *h, const uint32_t *refs, size_t n)
{
    if (h->count != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (h->refs[i] != refs[i])
            return false;
    return true;
}

static inline bool naive_check_ip(struct naive *nv, const struct intel_match *m,
                                  const uint8_t addr[16], int family)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    struct intel_match_hit hits[130];
    size_t got = intel_match_ip(m, addr, family, hits, 130);
    uint8_t a[16] = {0};
    int kind = INTEL_KIND_IPV6, af = AF_INET6;
    unsigned bits = 128;
    if (family == 4 || memcmp(addr, mapped, 12) == 0) {
        memcpy(a, family == 4 ? addr : addr + 12, 4);
        kind = INTEL_KIND_IPV4;
        af = AF_INET;
        bits = 32;
    } else {
        memcpy(a, addr, 16);
    }
    size_t want = 0;
    uint32_t refs[4096];
    for (int len = (int)bits; len >= 0; len--) {
        uint8_t net[16] = {0};
        for (int i = 0; i < len; i++)
            net[i / 8] |= a[i / 8] & (uint8_t)(0x80 >> (i % 8));
        char text[64], key[80];
        inet_ntop(af, net, text, sizeof(text));
        if ((unsigned)len == bits)
            snprintf(key, sizeof(key), "%s", text);
        else
            snprintf(key, sizeof(key), "%s/%d", text, len);
        size_t n = naive_find(nv, kind, key, refs);
        if (n == 0)
            continue;
        if (want >= got || hits[want].prefix_len != len || !naive_same(&hits[want], refs, n))
            return false;
        want++;
        nv->hits++;
    }
    return want == got;
}

static inline bool naive_check_domain(struct naive *nv, const struct intel_match *m,
                                      const char *name, size_t len)
{
    struct intel_match_hit hits[130];
    size_t got = intel_match_domain(m, name, len, hits, 130);
    if (len > 0 && name[len - 1] == '.')
        len--;
    char low[1024];
    if (len >= sizeof(low))
        return true; /* not checked */
    for (size_t i = 0; i < len; i++)
        low[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    low[len] = '\0';
    size_t want = 0;
    uint32_t refs[4096];
    for (size_t pos = 0; pos < len; pos++) {
        if (pos > 0 && low[pos - 1] != '.')
            continue;
        if (len - pos > INTEL_MATCH_DOMAIN_MAX || memchr(low + pos, '\0', len - pos))
            continue;
        size_t n = naive_find(nv, INTEL_KIND_DOMAIN, low + pos, refs);
        if (n == 0)
            continue;
        if (want >= got || hits[want].suffix_off != pos || !naive_same(&hits[want], refs, n))
            return false;
        want++;
        nv->hits++;
    }
    return want == got;
}

/* URL, hash and string kinds: one exact value. */
static inline bool naive_check_exact(struct naive *nv, const struct intel_match *m,
                                     enum intel_kind kind, const char *v, size_t len)
{
    struct intel_match_hit hit;
    bool got;
    if (kind == INTEL_KIND_URL)
        got = intel_match_url(m, v, len, &hit);
    else if (kind == INTEL_KIND_JA4 || kind == INTEL_KIND_EMAIL)
        got = intel_match_string(m, kind, v, len, &hit);
    else
        got = intel_match_hash(m, kind, v, len, &hit);
    char out[INTEL_MATCH_VALUE_MAX + 2];
    uint32_t refs[4096];
    int n = intel_match_normalize(kind, v, len, out, sizeof(out), NULL);
    size_t want = n < 0 || memchr(out, '\0', (size_t)n) ? 0 : naive_find(nv, kind, out, refs);
    if (want == 0)
        return !got;
    nv->hits++;
    return got && naive_same(&hit, refs, want);
}

#endif
