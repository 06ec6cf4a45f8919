/* fuzz_intel_match.c — libFuzzer target for the indicator matcher
 * (src/intel/match/): builds a matcher from fuzzer-chosen values and looks up
 * fuzzer-chosen keys, comparing every answer with the naive reference of the
 * unit tests; a disagreement aborts.
 *
 * Input: one byte, the number of values (at most 64); per value: kind, ref,
 * length, bytes; then lookups to the end: op, length, bytes. op % 4: 0 an IP
 * (16 bytes, family 4 when the length is odd), 1 a domain, 2 an exact kind
 * (op / 4), 3 a value added earlier (first byte picks it), with a prefix
 * label for domains. Every IP address and digest looked up is then looked up
 * again through the batch functions, whose answers must be the single ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/intel/match/match_naive.h"
#include "intel/match/intel_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_value {
    enum intel_kind kind;
    const char *p;
    size_t len;
};

/* Keys kept for the batch comparison at the end of an input. */
#define FUZZ_BATCH_MAX 128
struct fuzz_batch {
    uint8_t addr[FUZZ_BATCH_MAX][16];
    int family[FUZZ_BATCH_MAX];
    size_t n_addr;
    uint8_t digest[FUZZ_BATCH_MAX][32];
    enum intel_kind kind[FUZZ_BATCH_MAX];
    size_t n_digest;
};

static void keep_addr(struct fuzz_batch *fb, const uint8_t a[16], int family)
{
    if (fb->n_addr < FUZZ_BATCH_MAX) {
        memcpy(fb->addr[fb->n_addr], a, 16);
        fb->family[fb->n_addr++] = family;
    }
}

static void keep_digest(struct fuzz_batch *fb, enum intel_kind kind, const char *hex, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (fb->n_digest == FUZZ_BATCH_MAX || (len != 32 && len != 40 && len != 64))
        return;
    uint8_t *d = fb->digest[fb->n_digest];
    for (size_t i = 0; i < len; i++) {
        char c = hex[i] >= 'A' && hex[i] <= 'F' ? (char)(hex[i] + 32) : hex[i];
        const char *at = c ? strchr(digits, c) : NULL;
        if (!at)
            return;
        uint8_t v = (uint8_t)(at - digits);
        d[i / 2] = i % 2 ? (uint8_t)(d[i / 2] | v) : (uint8_t)(v << 4);
    }
    fb->kind[fb->n_digest++] = kind;
}

static bool same_hit(const struct intel_match_hit *a, const struct intel_match_hit *b)
{
    return a->refs == b->refs && a->count == b->count && a->prefix_len == b->prefix_len &&
           a->suffix_off == b->suffix_off;
}

/* The batch answers against the single ones, for the kept keys. */
static void check_batches(const struct intel_match *m, const struct fuzz_batch *fb)
{
    static struct intel_match_hit hits[FUZZ_BATCH_MAX * 130], one[130];
    static size_t counts[FUZZ_BATCH_MAX];
    const uint8_t *ptr[FUZZ_BATCH_MAX];
    static const size_t max_hits[] = {1, 3, 130};
    for (size_t i = 0; i < fb->n_addr; i++)
        ptr[i] = fb->addr[i];
    for (size_t h = 0; h < 3; h++) {
        size_t mh = max_hits[h];
        intel_match_ip_batch(m, ptr, fb->family, fb->n_addr, hits, mh, counts);
        for (size_t i = 0; i < fb->n_addr; i++) {
            size_t c = intel_match_ip(m, fb->addr[i], fb->family[i], one, mh);
            if (counts[i] != c)
                abort();
            for (size_t k = 0; k < c; k++)
                if (!same_hit(&hits[i * mh + k], &one[k]))
                    abort();
        }
    }
    for (size_t i = 0; i < fb->n_digest; i++) {
        /* a batch of the digests of this kind from i on */
        size_t n = 0, len = fb->kind[i] == INTEL_KIND_SHA1     ? 20
                            : fb->kind[i] == INTEL_KIND_SHA256 ? 32
                                                               : 16;
        for (size_t j = i; j < fb->n_digest; j++)
            if (fb->kind[j] == fb->kind[i])
                ptr[n++] = fb->digest[j];
        intel_match_hash_bin_batch(m, fb->kind[i], ptr, len, n, hits);
        for (size_t j = 0; j < n; j++) {
            bool got = intel_match_hash_bin(m, fb->kind[i], ptr[j], len, one);
            if (got != (hits[j].count > 0) || (got && !same_hit(&hits[j], one)))
                abort();
        }
    }
}

static void fuzz_lookup_value(struct naive *nv, const struct intel_match *m,
                              const struct fuzz_value *v, struct fuzz_batch *fb)
{
    if (v->kind == INTEL_KIND_IPV4 || v->kind == INTEL_KIND_IPV6) {
        char text[64];
        size_t n = v->len < sizeof(text) - 1 ? v->len : sizeof(text) - 1;
        memcpy(text, v->p, n);
        text[n] = '\0';
        char *slash = strchr(text, '/');
        if (slash)
            *slash = '\0';
        uint8_t a[16] = {0};
        if (inet_pton(AF_INET, text, a) == 1) {
            keep_addr(fb, a, 4);
            if (!naive_check_ip(nv, m, a, 4))
                abort();
        }
        if (inet_pton(AF_INET6, text, a) == 1) {
            keep_addr(fb, a, 6);
            if (!naive_check_ip(nv, m, a, 6))
                abort();
        }
    } else if (v->kind == INTEL_KIND_DOMAIN) {
        char name[300];
        size_t n = v->len < 290 ? v->len : 290;
        memcpy(name, "Ab.", 3);
        memcpy(name + 3, v->p, n);
        if (!naive_check_domain(nv, m, name, n + 3) || !naive_check_domain(nv, m, v->p, v->len))
            abort();
    } else {
        if (v->kind != INTEL_KIND_URL && v->kind != INTEL_KIND_JA4 && v->kind != INTEL_KIND_EMAIL)
            keep_digest(fb, v->kind, v->p, v->len);
        if (!naive_check_exact(nv, m, v->kind, v->p, v->len))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_value values[64];
    static struct fuzz_batch fb;
    size_t nvalues = 0;
    fb.n_addr = fb.n_digest = 0;
    if (size < 1)
        return 0;
    size_t want = data[0] % 65, at = 1;
    struct intel_match_builder *b = intel_match_builder_new();
    struct naive nv = {0};
    if (!b)
        return 0;
    while (nvalues < want && size - at >= 3) {
        enum intel_kind kind = (enum intel_kind)(data[at] % INTEL_KIND_COUNT);
        uint32_t ref = data[at + 1] & 0x80 ? 0x80000000u | data[at + 1] : data[at + 1];
        size_t len = data[at + 2];
        at += 3;
        if (len > size - at)
            len = size - at;
        /* An exact-size copy, so ASan sees a read one past the value. */
        char *copy = malloc(len ? len : 1);
        if (!copy)
            abort();
        memcpy(copy, data + at, len);
        at += len;
        int rc = intel_match_builder_add(b, kind, copy, len, ref);
        int want_rc = naive_add(&nv, kind, copy, len, ref);
        free(copy);
        if ((rc == 0) != (want_rc == 0))
            abort();
        values[nvalues++] = (struct fuzz_value){kind, (const char *)data + at - len, len};
    }
    struct intel_match *m = intel_match_build(b);
    if (!m)
        abort();
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    while (size - at >= 2) {
        uint8_t op = data[at];
        size_t len = data[at + 1];
        at += 2;
        if (len > size - at)
            len = size - at;
        char *key = malloc(len ? len : 1);
        if (!key)
            abort();
        memcpy(key, data + at, len);
        at += len;
        switch (op % 4) {
        case 0: {
            uint8_t a[16] = {0};
            memcpy(a, key, len < 16 ? len : 16);
            if (len > 6 && len < 16)
                memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12); /* IPv4-mapped */
            keep_addr(&fb, a, len & 1 ? 4 : 6);
            if (!naive_check_ip(&nv, m, a, len & 1 ? 4 : 6))
                abort();
            break;
        }
        case 1:
            if (!naive_check_domain(&nv, m, key, len))
                abort();
            break;
        case 2: {
            enum intel_kind kind = (enum intel_kind)((op / 4) % INTEL_KIND_COUNT);
            if (kind > INTEL_KIND_URL && kind < INTEL_KIND_JA4)
                keep_digest(&fb, kind, key, len);
            if (kind >= INTEL_KIND_URL && !naive_check_exact(&nv, m, kind, key, len))
                abort();
            break;
        }
        default:
            if (nvalues && len)
                fuzz_lookup_value(&nv, m, &values[(uint8_t)key[0] % nvalues], &fb);
            break;
        }
        free(key);
    }
    for (size_t i = 0; i < nvalues; i++)
        fuzz_lookup_value(&nv, m, &values[i], &fb);
    check_batches(m, &fb);
    intel_match_free(m);
    intel_match_builder_free(b);
    naive_free(&nv);
    return 0;
}
