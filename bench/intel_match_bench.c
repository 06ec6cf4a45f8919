/* intel_match_bench.c — build time, memory and lookups per second of the
 * indicator matcher (src/intel/match/) with N synthetic mixed indicators.
 *
 * Usage: intel_match_bench [-r REPS] [-q] [-k KIND] [-m MIX] [N...]
 *   default: -r 3, N 1000000 10000000; -k ip|cidr|domain|hash|hex runs one
 *   lookup kind only, -m hit|miss one key mix only (for profiling).
 * Mix: 40% IPv4 /32, 5% IPv4 CIDR, 5% IPv6 (3% /128, 2% /32../64), 30%
 * domains, 10% hashes (MD5, SHA-1, SHA-256), 5% URLs, 5% JA3/JA4/e-mail.
 * Values are generated from their index, so queries regenerate hits
 * without keeping the values. Each lookup kind runs two key sets of 2^20
 * keys: hit-heavy (every key is, or lies inside, an indicator value) and
 * miss-heavy (1 key in 100 does; the others match nothing, as in real
 * traffic), each one key at a time and in bursts of INTEL_MATCH_BURST
 * through the batch functions. Times are CPU time of the calling thread
 * (pin it with taskset); every figure is the best of REPS builds or runs.
 * Prints two Markdown tables (-q: without their headers). A benchmark, not a
 * test: it asserts nothing.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "intel/match/intel_match.h"

#define QUERIES (1u << 20)
#define MIN_SECONDS 0.3
#define BATCH_MAX 4096

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

enum { Q_IP, Q_CIDR, Q_DOMAIN, Q_HASH, Q_HEX, Q_COUNT };
enum { MIX_HIT, MIX_MISS, MIX_COUNT };

static const char *const q_names[Q_COUNT] = {
    "exact IPv4 (`intel_match_ip`)",
    "CIDR IPv4 (`intel_match_ip`)",
    "domain + subdomain walk (`intel_match_domain`)",
    "MD5 digest (`intel_match_hash_bin`)",
    "MD5 hex (`intel_match_hash`)",
};
static const char *const mix_names[MIX_COUNT] = {"hit-heavy", "miss-heavy"};

/* One key set: QUERIES keys of one lookup kind. */
struct queries {
    uint8_t (*addr)[16];
    const uint8_t **addr_p;
    int *family;
    char *names; /* 64-byte slots, NUL-terminated */
    uint8_t (*md5)[16];
    const uint8_t **md5_p;
    char (*hex)[32];
};

static bool is_hit(const struct intel_match *m, int q, const struct queries *s, uint32_t i)
{
    struct intel_match_hit hits[8];
    switch (q) {
    case Q_IP:
    case Q_CIDR:
        return intel_match_ip(m, s->addr[i], 4, hits, 8) > 0;
    case Q_DOMAIN: {
        const char *name = s->names + (size_t)i * 64;
        return intel_match_domain(m, name, strlen(name), hits, 8) > 0;
    }
    default:
        return intel_match_hash_bin(m, INTEL_KIND_MD5, s->md5[i], 16, hits);
    }
}

/* Key i of kind q: a hit by construction, or a random key (maybe a hit). */
static void make_key(struct queries *s, int q, uint32_t i, uint64_t n, uint64_t r, bool hit)
{
    char v[300];
    size_t len;
    switch (q) {
    case Q_IP:
        if (hit) {
            find_kind(n, r, INTEL_KIND_IPV4, false, v, &len);
            v[len] = '\0';
            inet_pton(AF_INET, v, s->addr[i]);
        } else {
            uint32_t a = (uint32_t)(r >> 16);
            memcpy(s->addr[i], &a, 4);
        }
        break;
    case Q_CIDR:
        if (hit) {
            /* an address inside a known prefix: a random host part */
            find_kind(n, r, INTEL_KIND_IPV4, true, v, &len);
            char *slash = strchr(v, '/');
            unsigned plen = (unsigned)atoi(slash + 1);
            *slash = '\0';
            uint8_t a[4];
            inet_pton(AF_INET, v, a);
            uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
            uint32_t host = (uint32_t)(mix(r) >> 32) & (uint32_t)(UINT32_MAX >> plen);
            x |= host;
            uint8_t *o = s->addr[i];
            o[0] = (uint8_t)(x >> 24);
            o[1] = (uint8_t)(x >> 16);
            o[2] = (uint8_t)(x >> 8);
            o[3] = (uint8_t)x;
        } else {
            uint32_t a = (uint32_t)(r >> 24);
            memcpy(s->addr[i], &a, 4);
        }
        break;
    case Q_DOMAIN: {
        /* two random labels under a known domain, or under a random one */
        char *name = s->names + (size_t)i * 64;
        size_t o = word(mix(r ^ 7), name, 2, 5);
        name[o++] = '.';
        o += word(mix(r ^ 8), name + o, 2, 5);
        name[o++] = '.';
        char d[128];
        size_t dl;
        if (hit) {
            find_kind(n, r, INTEL_KIND_DOMAIN, false, d, &dl);
        } else {
            dl = word(mix(r ^ 9), d, 5, 10);
            memcpy(d + dl, ".com", 4);
            dl += 4;
        }
        if (o + dl >= 64)
            dl = 63 - o;
        memcpy(name + o, d, dl);
        name[o + dl] = '\0';
        break;
    }
    default: {
        char *h = s->hex[i];
        if (hit) {
            find_kind(n, r, INTEL_KIND_MD5, false, v, &len);
            memcpy(h, v, 32);
        } else {
            gen_hex(r ^ 0xabc, h, 32);
        }
        for (unsigned b = 0; b < 16; b++) {
            unsigned hi = (unsigned)(h[2 * b] <= '9' ? h[2 * b] - '0' : h[2 * b] - 'a' + 10);
            unsigned lo =
                (unsigned)(h[2 * b + 1] <= '9' ? h[2 * b + 1] - '0' : h[2 * b + 1] - 'a' + 10);
            s->md5[i][b] = (uint8_t)(hi << 4 | lo);
        }
        break;
    }
    }
}

/* Hit-heavy: every key is built from an indicator. Miss-heavy: key i is
 * built from one when i % 100 == 0; the others are random and redrawn
 * until they match nothing. */
static void make_queries(struct queries *s, const struct intel_match *m, int q, int mixk,
                         uint64_t n)
{
    memset(s, 0, sizeof(*s));
    s->addr = calloc(QUERIES, sizeof(*s->addr));
    s->addr_p = calloc(QUERIES, sizeof(*s->addr_p));
    s->family = calloc(QUERIES, sizeof(*s->family));
    s->names = calloc(QUERIES, 64);
    s->md5 = calloc(QUERIES, sizeof(*s->md5));
    s->md5_p = calloc(QUERIES, sizeof(*s->md5_p));
    s->hex = calloc(QUERIES, sizeof(*s->hex));
    if (!s->addr || !s->addr_p || !s->family || !s->names || !s->md5 || !s->md5_p || !s->hex)
        abort();
    for (uint32_t i = 0; i < QUERIES; i++) {
        uint64_t r = mix(i + 0x51ed270b27ull * (uint64_t)(q + 1) + (uint64_t)mixk);
        bool hit = mixk == MIX_HIT || i % 100 == 0;
        make_key(s, q, i, n, r, hit);
        for (unsigned tries = 0; !hit && tries < 1000 && is_hit(m, q, s, i); tries++) {
            r = mix(r + tries + 1);
            make_key(s, q, i, n, r, false);
        }
        s->addr_p[i] = s->addr[i];
        s->family[i] = 4;
        s->md5_p[i] = s->md5[i];
    }
}

static void free_queries(struct queries *s)
{
    free(s->addr);
    free(s->addr_p);
    free(s->family);
    free(s->names);
    free(s->md5);
    free(s->md5_p);
    free(s->hex);
}

static uint32_t batch_keys = 64; /* -b: keys per batch call */

/* One pass over the key set; returns the keys with a hit. */
static uint64_t pass(const struct intel_match *m, const struct queries *s, int q, bool burst)
{
    static struct intel_match_hit hits[BATCH_MAX * 8];
    static size_t counts[BATCH_MAX];
    uint64_t hit = 0;
    if (burst) {
        for (uint32_t i = 0; i < QUERIES; i += batch_keys) {
            if (q == Q_IP || q == Q_CIDR)
                hit += intel_match_ip_batch(m, s->addr_p + i, s->family + i, batch_keys, hits, 8,
                                            counts);
            else
                hit += intel_match_hash_bin_batch(m, INTEL_KIND_MD5, s->md5_p + i, 16, batch_keys,
                                                  hits);
        }
        return hit;
    }
    for (uint32_t i = 0; i < QUERIES; i++) {
        switch (q) {
        case Q_IP:
        case Q_CIDR:
            hit += intel_match_ip(m, s->addr[i], 4, hits, 8) > 0;
            break;
        case Q_DOMAIN: {
            const char *name = s->names + (size_t)i * 64;
            hit += intel_match_domain(m, name, strlen(name), hits, 8) > 0;
            break;
        }
        case Q_HASH:
            hit += intel_match_hash_bin(m, INTEL_KIND_MD5, s->md5[i], 16, hits);
            break;
        default:
            hit += intel_match_hash(m, INTEL_KIND_MD5, s->hex[i], 32, hits);
            break;
        }
    }
    return hit;
}

/* Lookups per second (best of reps runs of at least MIN_SECONDS each). */
static double rate(const struct intel_match *m, const struct queries *s, int q, bool burst,
                   int reps, uint64_t *hit)
{
    double best = 0;
    for (int r = 0; r < reps; r++) {
        uint64_t done = 0;
        double t0 = now_s(), t;
        do {
            *hit = pass(m, s, q, burst);
            done += QUERIES;
            t = now_s();
        } while (t - t0 < MIN_SECONDS);
        double x = (double)done / (t - t0);
        if (x > best)
            best = x;
    }
    return best;
}

struct build_result {
    struct intel_match *m;
    uint64_t refused;
    double add_s, build_s, rss_mib;
};

static void build(uint64_t n, int reps, struct build_result *out)
{
    char v[600];
    size_t len;
    memset(out, 0, sizeof(*out));
    for (int rep = 0; rep < reps; rep++) {
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
        if (rep == 0) {
            out->rss_mib = rss_mib() - rss0; /* the first build's growth */
            out->add_s = t1 - t0;
            out->build_s = t2 - t1;
        }
        if (t1 - t0 < out->add_s)
            out->add_s = t1 - t0;
        if (t2 - t1 < out->build_s)
            out->build_s = t2 - t1;
        intel_match_free(out->m);
        out->m = m;
        out->refused = refused;
    }
}

static char table_build[8192], table_lookup[16384];
static size_t build_len, lookup_len;

#define APPEND(buf, len, ...) (len += (size_t)snprintf(buf + len, sizeof(buf) - len, __VA_ARGS__))

static int only = -1, only_mix = -1; /* -k, -m: one lookup kind, one key mix */

static void bench(uint64_t n, int reps)
{
    struct build_result br;
    build(n, reps, &br);
    struct intel_match *m = br.m;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct intel_match_stats st;
    intel_match_stats(m, &st);
    uint64_t values = n - br.refused;
    APPEND(table_build, build_len, "| %llu | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
           (unsigned long long)n, br.add_s, br.build_s, (double)st.bytes_total / 1048576.0,
           (double)st.bytes_total / (double)values, (double)st.bytes_filters / 1048576.0,
           br.rss_mib, (double)ru.ru_maxrss / 1024.0);
    fprintf(stderr,
            "n=%llu refused=%llu refs=%llu values: ipv4 %llu (prefixes %llu) ipv6 %llu "
            "(prefixes %llu) domain %llu url %llu md5 %llu sha1 %llu sha256 %llu ja3 %llu "
            "ja4 %llu email %llu\n"
            "  bytes: ipv4_exact %llu ipv4_prefix %llu ipv6_prefix %llu keyed_slots %llu "
            "keyed_arena %llu digests %llu ref_lists %llu filters %llu; max probe %u\n",
            (unsigned long long)n, (unsigned long long)br.refused, (unsigned long long)st.refs,
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
            (unsigned long long)st.bytes_keyed_arena, (unsigned long long)st.bytes_digests,
            (unsigned long long)st.bytes_ref_lists, (unsigned long long)st.bytes_filters,
            st.max_probe);
    for (int q = 0; q < Q_COUNT; q++) {
        if (only >= 0 && q != only)
            continue;
        for (int mk = 0; mk < MIX_COUNT; mk++) {
            if (only_mix >= 0 && mk != only_mix)
                continue;
            struct queries s;
            make_queries(&s, m, q, mk, n);
            uint64_t hit1 = 0, hitb = 0;
            double single = rate(m, &s, q, false, reps, &hit1);
            bool has_burst = q == Q_IP || q == Q_CIDR || q == Q_HASH;
            double burst = has_burst ? rate(m, &s, q, true, reps, &hitb) : 0;
            if (has_burst && hitb != hit1)
                fprintf(stderr, "intel_match_bench: burst and single disagree (%llu, %llu)\n",
                        (unsigned long long)hitb, (unsigned long long)hit1);
            char bcol[32] = "—";
            if (has_burst)
                snprintf(bcol, sizeof(bcol), "%.1f", burst / 1e6);
            APPEND(table_lookup, lookup_len, "| %llu | %s | %s | %.1f%% | %.1f | %s |\n",
                   (unsigned long long)n, q_names[q], mix_names[mk], 100.0 * (double)hit1 / QUERIES,
                   single / 1e6, bcol);
            free_queries(&s);
        }
    }
    intel_match_free(m);
}

int main(int argc, char **argv)
{
    int reps = 3;
    bool headers = true;
    uint64_t counts[16];
    size_t ncounts = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0) {
            headers = false;
            continue;
        }
        if (strcmp(argv[i], "-k") == 0 && i + 1 < argc) {
            static const char *const kinds[Q_COUNT] = {"ip", "cidr", "domain", "hash", "hex"};
            i++;
            for (int q = 0; q < Q_COUNT; q++)
                if (strcmp(argv[i], kinds[q]) == 0)
                    only = q;
            if (only < 0) {
                fprintf(stderr, "intel_match_bench: bad -k '%s' (ip cidr domain hash hex)\n",
                        argv[i]);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            i++;
            only_mix = strcmp(argv[i], "hit") == 0    ? MIX_HIT
                       : strcmp(argv[i], "miss") == 0 ? MIX_MISS
                                                      : -1;
            if (only_mix < 0) {
                fprintf(stderr, "intel_match_bench: bad -m '%s' (hit miss)\n", argv[i]);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            unsigned long b = strtoul(argv[++i], NULL, 10);
            if (b == 0 || b > BATCH_MAX || QUERIES % b != 0) {
                fprintf(stderr, "intel_match_bench: bad -b '%s' (a power of two, 1..%d)\n", argv[i],
                        BATCH_MAX);
                return 2;
            }
            batch_keys = (uint32_t)b;
            continue;
        }
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
            if (reps < 1 || reps > 100) {
                fprintf(stderr, "intel_match_bench: bad -r '%s' (1..100)\n", argv[i]);
                return 2;
            }
            continue;
        }
        char *end;
        unsigned long long n = strtoull(argv[i], &end, 10);
        if (*end || n == 0 || n > 100000000ull || ncounts == 16) {
            fprintf(stderr,
                    "usage: intel_match_bench [-r REPS] [-q] [N...]: bad argument '%s' "
                    "(N 1..100000000, at most 16)\n",
                    argv[i]);
            return 2;
        }
        counts[ncounts++] = n;
    }
    if (ncounts == 0) {
        counts[ncounts++] = 1000000;
        counts[ncounts++] = 10000000;
    }
    for (size_t i = 0; i < ncounts; i++)
        bench(counts[i], reps);
    if (headers)
        printf("| indicators | add s | build s | matcher MiB | bytes/indicator | of which "
               "pre-filters MiB | RSS growth MiB | peak RSS MiB |\n"
               "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    fputs(table_build, stdout);
    printf("\n");
    if (headers)
        printf("| indicators | lookup | keys | keys matched | one at a time M/s | batches of %u "
               "M/s |\n|---:|---|---|---:|---:|---:|\n",
               batch_keys);
    fputs(table_lookup, stdout);
    return 0;
}
