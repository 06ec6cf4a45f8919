/* intel_match_bench.c — import time, memory and lookups per second of the
 * indicator matcher (src/intel/match/) with N synthetic mixed indicators.
 *
 * Usage: intel_match_bench [N...]   (default: 1000000 10000000)
 * Mix: 40% IPv4 /32, 5% IPv4 CIDR, 5% IPv6 (3% /128, 2% /32../64), 30%
 * domains, 10% hashes (MD5, SHA-1, SHA-256), 5% URLs, 5% JA3/JA4/e-mail.
 * Values are generated from their index, so queries regenerate hits
 * without keeping the values. Lookups run on the calling thread (pin it with
 * taskset) and half of each query set misses. Prints one Markdown table.
 * A benchmark, not a test: it asserts nothing.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "intel/match/intel_match.h"

#define QUERIES (1u << 20)

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* CPU time of this thread: the machine may be shared, and a lookup rate
 * per core is what is asked for. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rss_mib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * 4096.0 / (1024.0 * 1024.0);
}

static size_t word(uint64_t r, char *out, size_t min, size_t span)
{
    size_t n = min + r % span;
    r = mix(r);
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)('a' + r % 26);
        r = r / 26 ? r / 26 : mix(r + i);
    }
    return n;
}

static size_t gen_domain(uint64_t r, char *out)
{
    static const char *const tlds[] = {"com", "net", "org", "ru", "info", "xyz", "top", "io"};
    size_t n = 0;
    if (r % 10 < 3) {
        n = word(mix(r ^ 1), out, 3, 8);
        out[n++] = '.';
    }
    n += word(mix(r ^ 2), out + n, 5, 10);
    out[n++] = '.';
    const char *t = tlds[(r >> 20) % 8];
    memcpy(out + n, t, strlen(t));
    return n + strlen(t);
}

static size_t gen_hex(uint64_t r, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i % 16 == 0)
            r = mix(r + i);
        out[i] = "0123456789abcdef"[(r >> (4 * (i % 16))) & 15];
    }
    return n;
}

/* Value i of the synthetic set: its kind, text in out, length in *len. */
static enum intel_kind gen(uint64_t i, char *out, size_t *len)
{
    uint64_t r = mix(i * 0x2545f4914f6cdd1dull + 17);
    unsigned pick = (unsigned)(r % 100);
    uint64_t s = mix(r);
    if (pick < 40) {
        *len = (size_t)sprintf(out, "%u.%u.%u.%u", (unsigned)(s & 255), (unsigned)(s >> 8 & 255),
                               (unsigned)(s >> 16 & 255), (unsigned)(s >> 24 & 255));
        return INTEL_KIND_IPV4;
    }
    if (pick < 45) {
        /* 70% /24, 20% /20-/23, 8% /16-/19, 2% /25-/31 */
        unsigned p = (unsigned)(s >> 40) % 100;
        unsigned plen = p < 70 ? 24 : p < 90 ? 20 + p % 4 : p < 98 ? 16 + p % 4 : 25 + p % 7;
        *len = (size_t)sprintf(out, "%u.%u.%u.%u/%u", (unsigned)(s & 255), (unsigned)(s >> 8 & 255),
                               (unsigned)(s >> 16 & 255), (unsigned)(s >> 24 & 255), plen);
        return INTEL_KIND_IPV4;
    }
    if (pick < 50) {
        *len = (size_t)sprintf(out, "2001:%x:%x:%x::%x", (unsigned)(s & 0xffff),
                               (unsigned)(s >> 16 & 0xffff), (unsigned)(s >> 32 & 0xffff),
                               (unsigned)(s >> 48));
        if (pick >= 48)
            *len += (size_t)sprintf(out + *len, "/%u", 32 + (unsigned)(s >> 8) % 33);
        return INTEL_KIND_IPV6;
    }
    if (pick < 80) {
        *len = gen_domain(s, out);
        return INTEL_KIND_DOMAIN;
    }
    if (pick < 90) {
        enum intel_kind k = pick < 84   ? INTEL_KIND_MD5
                            : pick < 86 ? INTEL_KIND_SHA1
                                        : INTEL_KIND_SHA256;
        *len = gen_hex(s, out, k == INTEL_KIND_MD5 ? 32 : k == INTEL_KIND_SHA1 ? 40 : 64);
        return k;
    }
    if (pick < 95) {
        size_t n = (size_t)sprintf(out, "http://");
        n += gen_domain(s, out + n);
        out[n++] = '/';
        n += word(mix(s ^ 3), out + n, 6, 30);
        *len = n;
        return INTEL_KIND_URL;
    }
    if (pick < 97) {
        *len = gen_hex(s, out, 32);
        return INTEL_KIND_JA3;
    }
    if (pick < 98) {
        size_t n =
            (size_t)sprintf(out, "t13d%02u%02uh2_", (unsigned)(s % 99), (unsigned)(s >> 8) % 99);
        n += gen_hex(mix(s), out + n, 12);
        out[n++] = '_';
        n += gen_hex(mix(s + 1), out + n, 12);
        *len = n;
        return INTEL_KIND_JA4;
    }
    size_t n = word(mix(s ^ 4), out, 4, 10);
    out[n++] = '@';
    n += gen_domain(mix(s ^ 5), out + n);
    *len = n;
    return INTEL_KIND_EMAIL;
}

/* An index of a value of kind k (or the first found near a random start). */
static uint64_t find_kind(uint64_t n, uint64_t r, enum intel_kind k, bool want_prefix, char *out,
                          size_t *len)
{
    for (uint64_t i = r % n;; i = (i + 1) % n) {
        if (gen(i, out, len) == k && (memchr(out, '/', *len) != NULL) == want_prefix)
            return i;
    }
}

struct queries {
    uint8_t (*ip)[16];
    uint8_t (*cidr)[16];
    char *names;  /* fixed 64-byte slots */
    char *hashes; /* MD5 hex, 32-byte slots */
};

static void make_queries(struct queries *q, uint64_t n)
{
    char v[300];
    size_t len;
    q->ip = calloc(QUERIES, 16);
    q->cidr = calloc(QUERIES, 16);
    q->names = calloc(QUERIES, 64);
    q->hashes = calloc(QUERIES, 32);
    if (!q->ip || !q->cidr || !q->names || !q->hashes)
        abort();
    for (uint32_t i = 0; i < QUERIES; i++) {
        uint64_t r = mix(i + 0x51ed270b27ull);
        bool hit = r & 1;
        /* exact IP: half known /32s, half random addresses */
        if (hit) {
            find_kind(n, r >> 1, INTEL_KIND_IPV4, false, v, &len);
            v[len] = '\0';
            inet_pton(AF_INET, v, q->ip[i]);
        } else {
            uint32_t a = (uint32_t)(r >> 16);
            memcpy(q->ip[i], &a, 4);
        }
        /* CIDR: an address inside a known prefix (half) or random */
        if (hit) {
            find_kind(n, r >> 3, INTEL_KIND_IPV4, true, v, &len);
            *strchr(v, '/') = '\0';
            inet_pton(AF_INET, v, q->cidr[i]);
            q->cidr[i][3] ^= (uint8_t)(r >> 40); /* stays inside a /24 or shorter */
        } else {
            uint32_t a = (uint32_t)(r >> 24);
            memcpy(q->cidr[i], &a, 4);
        }
        /* domain: four labels, two under a known domain (half) or random */
        char *name = q->names + (size_t)i * 64;
        size_t o = word(mix(r ^ 7), name, 2, 5);
        name[o++] = '.';
        o += word(mix(r ^ 8), name + o, 2, 5);
        name[o++] = '.';
        char d[128];
        size_t dl;
        if (hit) {
            find_kind(n, r >> 5, INTEL_KIND_DOMAIN, false, d, &dl);
        } else {
            dl = word(mix(r ^ 9), d, 5, 10);
            memcpy(d + dl, ".com", 4);
            dl += 4;
        }
        if (o + dl >= 64)
            dl = 63 - o;
        memcpy(name + o, d, dl);
        name[o + dl] = '\0';
        /* MD5 hex: a known one (half) or random */
        char *h = q->hashes + (size_t)i * 32;
        if (hit) {
            find_kind(n, r >> 7, INTEL_KIND_MD5, false, v, &len);
            memcpy(h, v, 32);
        } else {
            gen_hex(r ^ 0xabc, h, 32);
        }
    }
}

static void free_queries(struct queries *q)
{
    free(q->ip);
    free(q->cidr);
    free(q->names);
    free(q->hashes);
}

enum { Q_IP, Q_CIDR, Q_DOMAIN, Q_HASH, Q_COUNT };

/* Lookups per second for query set `which`, over at least 0.5 s. */
static double run_queries(const struct intel_match *m, const struct queries *q, int which,
                          uint64_t *hits_out)
{
    struct intel_match_hit hits[8];
    uint64_t hits_total = 0, done = 0;
    double t0 = now_s(), t;
    do {
        for (uint32_t i = 0; i < QUERIES; i++) {
            switch (which) {
            case Q_IP:
                hits_total += intel_match_ip(m, q->ip[i], 4, hits, 8);
                break;
            case Q_CIDR:
                hits_total += intel_match_ip(m, q->cidr[i], 4, hits, 8);
                break;
            case Q_DOMAIN: {
                const char *name = q->names + (size_t)i * 64;
                hits_total += intel_match_domain(m, name, strlen(name), hits, 8);
                break;
            }
            default:
                hits_total +=
                    intel_match_hash(m, INTEL_KIND_MD5, q->hashes + (size_t)i * 32, 32, hits);
                break;
            }
        }
        done += QUERIES;
        t = now_s();
    } while (t - t0 < 0.5);
    *hits_out = hits_total * QUERIES / done; /* per pass */
    return (double)done / (t - t0);
}

static void bench(uint64_t n, int first)
{
    char v[600];
    size_t len;
    double rss0 = rss_mib();
    double t0 = now_s();
    struct intel_match_builder *b = intel_match_builder_new();
    if (!b)
        abort();
    uint64_t refused = 0;
    for (uint64_t i = 0; i < n; i++) {
        enum intel_kind k = gen(i, v, &len);
        if (intel_match_builder_add(b, k, v, len, (uint32_t)i) != 0)
            refused++;
    }
    double t1 = now_s();
    struct intel_match *m = intel_match_build(b);
    double t2 = now_s();
    if (!m)
        abort();
    intel_match_builder_free(b);
    double rss1 = rss_mib();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    struct queries q;
    make_queries(&q, n);
    double rate[Q_COUNT];
    uint64_t hit_count[Q_COUNT];
    for (int w = 0; w < Q_COUNT; w++)
        rate[w] = run_queries(m, &q, w, &hit_count[w]);
    if (first) {
        printf("| indicators | add s | build s | matcher MiB | bytes/indicator | RSS after "
               "build MiB | peak RSS MiB | exact IP M/s | CIDR M/s | domain (4 labels) M/s | "
               "MD5 hex M/s |\n");
        printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    }
    printf("| %llu | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
           (unsigned long long)n, t1 - t0, t2 - t1, (double)st.bytes_total / (1024.0 * 1024.0),
           (double)st.bytes_total / (double)(n - refused), rss1 - rss0,
           (double)ru.ru_maxrss / 1024.0, rate[Q_IP] / 1e6, rate[Q_CIDR] / 1e6,
           rate[Q_DOMAIN] / 1e6, rate[Q_HASH] / 1e6);
    fprintf(stderr,
            "n=%llu refused=%llu refs=%llu values: ipv4 %llu (prefixes %llu) ipv6 %llu "
            "(prefixes %llu) domain %llu url %llu md5 %llu sha1 %llu sha256 %llu ja3 %llu "
            "ja4 %llu email %llu\n"
            "  bytes: ipv4_exact %llu ipv4_prefix %llu ipv6_prefix %llu keyed_slots %llu "
            "keyed_arena %llu ref_lists %llu; max probe %u\n"
            "  hits per pass of %u: ip %llu cidr %llu domain %llu hash %llu\n",
            (unsigned long long)n, (unsigned long long)refused, (unsigned long long)st.refs,
            (unsigned long long)st.values[INTEL_KIND_IPV4], (unsigned long long)st.ipv4_prefixes,
            (unsigned long long)st.values[INTEL_KIND_IPV6], (unsigned long long)st.ipv6_prefixes,
            (unsigned long long)st.values[INTEL_KIND_DOMAIN],
            (unsigned long long)st.values[INTEL_KIND_URL],
            (unsigned long long)st.values[INTEL_KIND_MD5],
            (unsigned long long)st.values[INTEL_KIND_SHA1],
            (unsigned long long)st.values[INTEL_KIND_SHA256],
            (unsigned long long)st.values[INTEL_KIND_JA3],
            (unsigned long long)st.values[INTEL_KIND_JA4],
            (unsigned long long)st.values[INTEL_KIND_EMAIL],
            (unsigned long long)st.bytes_ipv4_exact, (unsigned long long)st.bytes_ipv4_prefix,
            (unsigned long long)st.bytes_ipv6_prefix, (unsigned long long)st.bytes_keyed_slots,
            (unsigned long long)st.bytes_keyed_arena, (unsigned long long)st.bytes_ref_lists,
            st.max_probe, QUERIES, (unsigned long long)hit_count[Q_IP],
            (unsigned long long)hit_count[Q_CIDR], (unsigned long long)hit_count[Q_DOMAIN],
            (unsigned long long)hit_count[Q_HASH]);
    free_queries(&q);
    intel_match_free(m);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        bench(1000000, 1);
        bench(10000000, 0);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        char *end;
        unsigned long long n = strtoull(argv[i], &end, 10);
        if (*end || n == 0 || n > 100000000ull) {
            fprintf(stderr, "intel_match_bench: bad count '%s' (1..100000000)\n", argv[i]);
            return 2;
        }
        bench(n, i == 1);
    }
    return 0;
}
