/* dns_tunnel.c — DNS tunnelling and DGA detector (dns_tunnel.h).
 *
 * Two bounded tables: (client, registered domain) pairs with the window's
 * query counts, a HyperLogLog of distinct names and the sums behind the
 * subdomain measures; and clients with the window's answers, NXDOMAINs, a
 * HyperLogLog of the distinct domains that failed, and the host's usual
 * NXDOMAIN share. Each query updates one host and at most one pair and is
 * scored at once; tick only ages. Scores and defaults: docs/detectors.md.
 */
#include "detect/dns_tunnel/dns_tunnel.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/siphash.h"
#include "detect/bhv_table.h"
#include "detect/dns_tunnel/distinct_count.h"
#include "detect/dns_tunnel/label_stats.h"
#include "detect/dns_tunnel/name_filter.h"
#include "detect/psl/psl.h"

#define DETECTOR_NO 2
#define FINDING_TUNNEL 1
#define FINDING_DGA 2
#define US_PER_S 1000000ull
#define DOMAIN_KEY_SIZE NAME_FILTER_GROUP_SIZE
#define SAMPLE_SIZE 64
#define ALLOW_MAX 64
#define SITE_BUCKETS 32
#define RCODE_NXDOMAIN 3
#define BASELINE_MIN_ANSWERS 10 /* a window with fewer says little about a host */
#define BASELINE_ALPHA 0.3      /* EWMA weight of the newest window */
#define SAVE_MAGIC "HRDNSTN"
#define SAVE_VERSION 1u
#define SAVE_BOM 0x01020304u

#define DNS_TUNNEL_COUNTERS(X)                                                                     \
    X(C_QUERIES, "queries")                                                                        \
    X(C_NO_NAME, "no_name")                                                                        \
    X(C_EXTERNAL, "external_client_skipped")                                                       \
    X(C_REVERSE, "excluded_reverse")                                                               \
    X(C_LOCAL, "excluded_local")                                                                   \
    X(C_SERVICE, "excluded_service_label")                                                         \
    X(C_LOOKUP_SERVICE, "excluded_lookup_service")                                                 \
    X(C_ALLOWED, "excluded_allowlist")                                                             \
    X(C_NO_DOMAIN, "no_registered_domain")                                                         \
    X(C_INVALID_TLD, "invalid_tld_grouped")                                                        \
    X(C_NAME_TOO_LONG, "name_too_long")                                                            \
    X(C_NXDOMAIN, "nxdomain")                                                                      \
    X(C_TIME_BACKWARDS, "time_backwards")                                                          \
    X(C_CLOCK_RESET, "clock_reset")                                                                \
    X(C_PAIRS_EVICTED, "pairs_evicted")                                                            \
    X(C_HOSTS_EVICTED, "hosts_evicted")                                                            \
    X(C_PAIRS_EXPIRED, "pairs_expired")                                                            \
    X(C_HOSTS_EXPIRED, "hosts_expired")                                                            \
    X(C_ALERTS_TUNNEL, "alerts_tunnel")                                                            \
    X(C_ALERTS_DGA, "alerts_dga")                                                                  \
    X(C_REALERT_SUPPRESSED, "realert_suppressed")

enum dns_tunnel_counter { DNS_TUNNEL_COUNTERS(COUNTER_ENUM) C_COUNT };
static const char *const counter_names[] = {DNS_TUNNEL_COUNTERS(COUNTER_NAME)};

struct pair_key {
    struct bhv_ip client;
    char domain[DOMAIN_KEY_SIZE]; /* bhv_name_key of the domain, or "[server]" */
};

struct pair_state {
    uint64_t window_start_us, last_alert_us;
    uint64_t query_bytes, response_bytes;
    uint64_t sub_octets, sub_labels; /* sums over the window's queries */
    double entropy_sum;
    uint32_t queries, responses, nxdomain, txt_null, unusual_type;
    uint32_t max_label, sample_octets;
    struct distinct_count names;
    char sample[SAMPLE_SIZE];
};

struct host_state {
    uint64_t window_start_us, last_alert_us;
    uint32_t answers, nxdomain, nx_measured, windows;
    double random_sum, best_random;
    double usual_nx_share, usual_nx_domains; /* EWMA over closed windows */
    struct distinct_count nx_domains;
    char sample[SAMPLE_SIZE];
};

struct dns_tunnel {
    struct dns_tunnel_config cfg;
    struct bhv_sink sink;
    const struct psl *psl;
    struct psl *own_psl;
    struct bhv_table *pairs, *hosts;
    uint64_t hash_key[2];
    uint64_t clock_us;
    uint64_t site_hist[SITE_BUCKETS]; /* closed pair windows by log2 of distinct names */
    uint64_t site_windows;
    char allow[ALLOW_MAX][DOMAIN_KEY_SIZE];
    size_t allow_count;
    uint64_t counters[C_COUNT];
};

void dns_tunnel_config_default(struct dns_tunnel_config *cfg)
{
    *cfg = (struct dns_tunnel_config){
        .threshold = 0.6,
        .min_unique = 50,
        .dga_threshold = 0.6,
        .dga_min_nx_domains = 25,
        .window_s = 3600,
        .realert_s = 6 * 3600,
        .max_pairs = 32768,
        .max_hosts = 16384,
        .host_idle_s = 7 * 86400,
        .internal_only = true,
        .exclude_lookup_services = true,
        .dga_enabled = true,
    };
}

#define OPT(name, type, help)                                                                      \
    {                                                                                              \
        "dns_tunnel." #name, type, offsetof(struct dns_tunnel_config, name), help                  \
    }
const struct bhv_option dns_tunnel_options[] = {
    OPT(threshold, BHV_OPT_DOUBLE, "tunnel alert at a score >= this (0..1)"),
    OPT(min_unique, BHV_OPT_U64, "distinct names under one domain in a window before scoring"),
    OPT(dga_threshold, BHV_OPT_DOUBLE, "DGA alert at a score >= this (0..1)"),
    OPT(dga_min_nx_domains, BHV_OPT_U64,
        "distinct NXDOMAIN registered domains of a host in a window before scoring"),
    OPT(window_s, BHV_OPT_U64, "counting window per pair and per host, seconds"),
    OPT(realert_s, BHV_OPT_U64, "seconds before the same pair or host alerts again"),
    OPT(max_pairs, BHV_OPT_U64, "(client, domain) records, ~330 bytes each"),
    OPT(max_hosts, BHV_OPT_U64, "client records, ~250 bytes each"),
    OPT(host_idle_s, BHV_OPT_U64, "seconds without DNS after which a host's baseline is dropped"),
    OPT(internal_only, BHV_OPT_BOOL, "only clients inside the home networks"),
    OPT(exclude_lookup_services, BHV_OPT_BOOL, "skip DNSBL and AV reputation lookup zones"),
    OPT(dga_enabled, BHV_OPT_BOOL, "look for DGA-like NXDOMAIN bursts"),
};
#undef OPT
const size_t dns_tunnel_option_count = sizeof(dns_tunnel_options) / sizeof(*dns_tunnel_options);

static bool config_ok(const struct dns_tunnel_config *c)
{
    return c->threshold > 0.0 && c->threshold <= 1.0 && c->dga_threshold > 0.0 &&
           c->dga_threshold <= 1.0 && c->min_unique > 0 && c->dga_min_nx_domains > 0 &&
           c->window_s > 0 && c->window_s <= UINT64_MAX / US_PER_S &&
           c->realert_s <= UINT64_MAX / US_PER_S && c->host_idle_s <= UINT64_MAX / US_PER_S &&
           c->max_pairs > 0 && c->max_pairs <= UINT32_MAX / 4 && c->max_hosts > 0 &&
           c->max_hosts <= UINT32_MAX / 4;
}

struct dns_tunnel *dns_tunnel_new(const struct dns_tunnel_config *cfg, const struct psl *psl,
                                  const struct bhv_sink *sink)
{
    if (!cfg || !config_ok(cfg))
        return NULL;
    struct dns_tunnel *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (sink)
        d->sink = *sink;
    d->psl = psl;
    if (!psl) {
        d->own_psl = psl_load_default();
        d->psl = d->own_psl;
    }
    struct bhv_table_config pc = {"dns_tunnel.pairs", sizeof(struct pair_key),
                                  sizeof(struct pair_state), (size_t)cfg->max_pairs};
    struct bhv_table_config hc = {"dns_tunnel.hosts", sizeof(struct bhv_ip),
                                  sizeof(struct host_state), (size_t)cfg->max_hosts};
    d->pairs = bhv_table_new(&pc);
    d->hosts = bhv_table_new(&hc);
    if (!d->psl || !d->pairs || !d->hosts)
        goto fail;
    if (getrandom(d->hash_key, sizeof(d->hash_key), 0) != (ssize_t)sizeof(d->hash_key)) {
        /* Distinct counts need a key nobody picks names against; without
         * entropy, addresses still differ between runs. */
        d->hash_key[0] = (uint64_t)(uintptr_t)d ^ 0x243f6a8885a308d3ull;
        d->hash_key[1] = (uint64_t)(uintptr_t)d->pairs;
    }
    return d;
fail:
    dns_tunnel_free(d);
    return NULL;
}

void dns_tunnel_free(struct dns_tunnel *d)
{
    if (!d)
        return;
    bhv_table_free(d->pairs);
    bhv_table_free(d->hosts);
    psl_free(d->own_psl);
    free(d);
}

/* Capture time for an observation: never earlier than what was seen, so no
 * window runs backwards; a jump back by more than a window is a new clock
 * (a second capture merged in), not a late packet. */
static uint64_t clock_at(struct dns_tunnel *d, uint64_t ts_us)
{
    if (ts_us >= d->clock_us) {
        d->clock_us = ts_us;
        return ts_us;
    }
    if (d->clock_us - ts_us > d->cfg.window_s * US_PER_S) {
        d->counters[C_CLOCK_RESET]++;
        d->clock_us = ts_us;
        return ts_us;
    }
    d->counters[C_TIME_BACKWARDS]++;
    return d->clock_us;
}

/* A window that started after t (clock reset) or a window ago is over. */
static bool window_over(uint64_t start_us, uint64_t t, uint64_t window_us)
{
    return start_us > t || t - start_us >= window_us;
}

static bool recently_alerted(uint64_t last_us, uint64_t t, uint64_t realert_us)
{
    if (last_us == 0)
        return false;
    uint64_t gap = t >= last_us ? t - last_us : last_us - t;
    return gap < realert_us;
}

/* Window counts stop at their maximum rather than wrap: shares stay true
 * enough for a flood (4 billion queries in one window) to still score. */
static void add32(uint32_t *x, bool cond)
{
    if (cond && *x < UINT32_MAX)
        (*x)++;
}

static double ramp(double x, double lo, double hi)
{
    return x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo);
}

static struct bhv_ip ip_key(const struct bhv_ip *ip)
{
    struct bhv_ip k;
    memset(&k, 0, sizeof(k));
    k.family = ip->family == 6 ? 6 : 4;
    memcpy(k.b, ip->b, k.family == 6 ? 16 : 4);
    return k;
}

/* Reads the query's name; counts why it is left out, or how it groups. */
static bool qname_read(struct dns_tunnel *d, const struct bhv_dns *q, struct name_filter_name *n)
{
    static const enum dns_tunnel_counter why[] = {
        [NAME_FILTER_REVERSE] = C_REVERSE,     [NAME_FILTER_LOCAL] = C_LOCAL,
        [NAME_FILTER_SERVICE] = C_SERVICE,     [NAME_FILTER_LOOKUP_SERVICE] = C_LOOKUP_SERVICE,
        [NAME_FILTER_NO_DOMAIN] = C_NO_DOMAIN,
    };
    enum name_filter_verdict v =
        name_filter_read(d->psl, q->qname, &q->server, d->cfg.exclude_lookup_services, n);
    d->counters[C_NAME_TOO_LONG] += n->was_truncated;
    if (v != NAME_FILTER_OK) {
        d->counters[why[v]]++;
        return false;
    }
    d->counters[C_INVALID_TLD] += n->is_grouped;
    if (d->allow_count) {
        char key[DOMAIN_KEY_SIZE];
        bhv_name_key(key, sizeof(key), n->is_grouped ? n->group : n->domain);
        for (size_t i = 0; i < d->allow_count; i++) {
            if (memcmp(key, d->allow[i], sizeof(key)) == 0) {
                d->counters[C_ALLOWED]++;
                return false;
            }
        }
    }
    return true;
}

/* Keeps a name for the alert; a long one as its head and its tail (where
 * the domain is), joined by "...". */
static void sample_keep(char sample[SAMPLE_SIZE], const char *text, size_t len)
{
    if (len < SAMPLE_SIZE) {
        memcpy(sample, text, len);
        sample[len] = '\0';
        return;
    }
    const size_t head = 24, tail = SAMPLE_SIZE - 1 - head - 3;
    memcpy(sample, text, head);
    memcpy(sample + head, "...", 3);
    memcpy(sample + head + 3, text + len - tail, tail);
    sample[SAMPLE_SIZE - 1] = '\0';
}

static unsigned site_bucket(double unique)
{
    unsigned b = 0;
    while (b + 1 < SITE_BUCKETS && unique >= ldexp(1.0, (int)b))
        b++;
    return b; /* 0: none; b: 2^(b-1) <= unique < 2^b */
}

static void site_add(struct dns_tunnel *d, const struct pair_state *p)
{
    if (p->queries == 0)
        return;
    d->site_hist[site_bucket(distinct_count_estimate(&p->names))]++;
    d->site_windows++;
}

/* The site's q-quantile of distinct names per closed pair window, rounded
 * down to a power of two. */
static double site_quantile(const struct dns_tunnel *d, double q)
{
    uint64_t need = (uint64_t)ceil(q * (double)d->site_windows), seen = 0;
    for (unsigned b = 0; b < SITE_BUCKETS; b++) {
        seen += d->site_hist[b];
        if (seen >= need && seen > 0)
            return b == 0 ? 0.0 : ldexp(1.0, (int)b - 1);
    }
    return 0.0;
}

static bool is_txt_null(uint16_t t)
{
    return t == 16 || t == 10; /* TXT, NULL */
}

/* Types that carry more than an address back: rare from browsers and
 * apps, common in tunnels (iodine NULL/TXT/CNAME/MX, dnscat2 TXT/CNAME/MX). */
static bool is_unusual_type(uint16_t t)
{
    return is_txt_null(t) || t == 5 || t == 15 || t == 33 || t == 255 || t >= 65280;
}

struct score {
    double total;
    double unique, length, entropy, qtype, bytes;
};

static struct score tunnel_score(const struct dns_tunnel_config *cfg, const struct pair_state *p,
                                 double unique)
{
    struct score s = {0};
    double queries = p->queries ? p->queries : 1;
    s.unique = ramp(log2(unique / (double)cfg->min_unique), 0.0, 3.0);
    s.length = ramp(p->sub_octets / queries, 12.0, 40.0);
    s.entropy = ramp(p->entropy_sum / queries, 2.0, 3.5);
    s.qtype = ramp(p->unusual_type / queries, 0.05, 0.5);
    s.bytes = ramp((double)(p->query_bytes + p->response_bytes) / queries, 150.0, 400.0);
    s.total =
        0.30 * s.unique + 0.20 * s.length + 0.20 * s.entropy + 0.15 * s.qtype + 0.15 * s.bytes;
    return s;
}

static void tunnel_alert(struct dns_tunnel *d, const struct bhv_dns *q,
                         const struct name_filter_name *n, const struct pair_state *p,
                         const struct host_state *h, double unique, const struct score *s,
                         uint64_t t)
{
    char client[46], target[96], sig[192], why[512];
    double queries = p->queries, secs = (double)(t - p->window_start_us) / US_PER_S;
    if (n->is_grouped) {
        char ip[46];
        snprintf(target, sizeof(target), "invalid TLDs via %s", bhv_ip_text(&q->server, ip));
    } else {
        snprintf(target, sizeof(target), "%.*s", (int)n->domain_len, n->domain);
    }
    bhv_ip_text(&q->client, client);
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR DNS tunnelling %s -> %s", client, target);
    double median = site_quantile(d, 0.5);
    char usual[128] = "No closed window at this site to compare with yet.";
    if (d->site_windows)
        snprintf(usual, sizeof(usual),
                 "Usually a client asks for about %.0f names under one domain in a window.",
                 median);
    snprintf(why, sizeof(why),
             "%s asked for %.0f distinct names under %s in %.0f s, subdomains of %.0f octets on "
             "average with %.1f bits of entropy per octet and %.0f%% TXT/NULL/CNAME/MX queries: "
             "data carried in DNS names. %s",
             client, unique, target, secs, p->sub_octets / queries, p->entropy_sum / queries,
             100.0 * p->unusual_type / queries, usual);
    struct bhv_alert a = {
        .detector = "dns_tunnel",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, FINDING_TUNNEL),
        .severity = 2,
        .category = "Potential Corporate Privacy Violation",
        .ts_us = t,
        .flow_id = q->flow_id,
        .src = q->client,
        .dest = q->server,
        .has_dest = true,
        .dest_port = 53,
        .target = target,
        .score = s->total,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "unique_subdomains", s->unique);
    bhv_alert_part(&a, "subdomain_length", s->length);
    bhv_alert_part(&a, "entropy", s->entropy);
    bhv_alert_part(&a, "unusual_qtype_share", s->qtype);
    bhv_alert_part(&a, "bytes_per_query", s->bytes);
    bhv_alert_num(&a, false, "queries", queries);
    bhv_alert_num(&a, false, "unique_subdomains", round(unique));
    bhv_alert_num(&a, false, "mean_subdomain_length", p->sub_octets / queries);
    bhv_alert_num(&a, false, "mean_label_length",
                  p->sub_labels ? (double)p->sub_octets / p->sub_labels : 0.0);
    bhv_alert_num(&a, false, "max_label_length", p->max_label);
    bhv_alert_num(&a, false, "entropy_bits_per_char", p->entropy_sum / queries);
    bhv_alert_num(&a, false, "txt_null_share", p->txt_null / queries);
    bhv_alert_num(&a, false, "unusual_qtype_share", p->unusual_type / queries);
    bhv_alert_num(&a, false, "bytes_per_query", (p->query_bytes + p->response_bytes) / queries);
    bhv_alert_num(&a, false, "mean_query_bytes", p->query_bytes / queries);
    bhv_alert_num(&a, false, "nxdomain_share",
                  p->responses ? (double)p->nxdomain / p->responses : 0);
    bhv_alert_num(&a, false, "host_nxdomain_share",
                  h->answers ? (double)h->nxdomain / h->answers : 0.0);
    bhv_alert_time(&a, false, "window_start", p->window_start_us);
    bhv_alert_text(&a, false, "sample_qname", p->sample);
    bhv_alert_num(&a, true, "site_median_unique_subdomains", median);
    bhv_alert_num(&a, true, "site_p99_unique_subdomains", site_quantile(d, 0.99));
    bhv_alert_num(&a, true, "site_pair_windows", (double)d->site_windows);
    if (h->windows)
        bhv_alert_num(&a, true, "host_usual_nxdomain_share", h->usual_nx_share);
    bhv_alert_technique(&a, "T1071.004");
    bhv_alert_technique(&a, "T1048");
    bhv_emit(&d->sink, &a);
    d->counters[C_ALERTS_TUNNEL]++;
}

static void pair_add(struct dns_tunnel *d, struct pair_state *p, const struct bhv_dns *q,
                     const struct name_filter_name *n)
{
    add32(&p->queries, true);
    p->query_bytes += q->query_len ? q->query_len : n->len + 2 + 16; /* header, type, class */
    if (q->has_response) {
        add32(&p->responses, true);
        p->response_bytes += q->response_len;
        add32(&p->nxdomain, q->rcode == RCODE_NXDOMAIN);
    }
    add32(&p->txt_null, is_txt_null(q->qtype));
    add32(&p->unusual_type, is_unusual_type(q->qtype));
    struct label_stats ls;
    label_stats_measure(n->low, n->sub_len, &ls);
    p->sub_octets += ls.octets;
    p->sub_labels += ls.labels;
    p->entropy_sum += ls.entropy;
    if (ls.max_label > p->max_label)
        p->max_label = ls.max_label;
    if (ls.octets >= p->sample_octets) {
        p->sample_octets = ls.octets;
        sample_keep(p->sample, n->low, n->len);
    }
    distinct_count_add(&p->names, siphash24(d->hash_key, n->low, n->len));
}

static void pair_update(struct dns_tunnel *d, const struct bhv_dns *q,
                        const struct name_filter_name *n, const struct host_state *h, uint64_t t)
{
    struct pair_key key;
    memset(&key, 0, sizeof(key));
    key.client = ip_key(&q->client);
    bhv_name_key(key.domain, sizeof(key.domain), n->is_grouped ? n->group : n->domain);
    bool is_new;
    struct pair_state *p = bhv_table_get(d->pairs, &key, t, &is_new);
    d->counters[C_PAIRS_EVICTED] = bhv_table_evictions(d->pairs);
    if (is_new || window_over(p->window_start_us, t, d->cfg.window_s * US_PER_S)) {
        if (!is_new)
            site_add(d, p);
        uint64_t last_alert = p->last_alert_us;
        memset(p, 0, sizeof(*p));
        p->last_alert_us = last_alert;
        p->window_start_us = t;
    }
    pair_add(d, p, q, n);
    double unique = distinct_count_estimate(&p->names);
    if (unique < (double)d->cfg.min_unique || p->queries < d->cfg.min_unique)
        return;
    struct score s = tunnel_score(&d->cfg, p, unique);
    if (s.total < d->cfg.threshold)
        return;
    if (recently_alerted(p->last_alert_us, t, d->cfg.realert_s * US_PER_S)) {
        d->counters[C_REALERT_SUPPRESSED]++;
        return;
    }
    p->last_alert_us = t ? t : 1;
    tunnel_alert(d, q, n, p, h, unique, &s, t);
}

struct dga_score {
    double total;
    double domains, randomness, share;
};

static struct dga_score dga_score(const struct dns_tunnel_config *cfg, const struct host_state *h,
                                  double nx_domains)
{
    struct dga_score s = {0};
    s.domains = ramp(log2(nx_domains / (double)cfg->dga_min_nx_domains), 0.0, 3.0);
    s.randomness = ramp(h->nx_measured ? h->random_sum / h->nx_measured : 0.0, 0.2, 0.45);
    s.share = ramp(h->answers ? (double)h->nxdomain / h->answers : 0.0, 0.1, 0.5);
    s.total = 0.30 * s.domains + 0.45 * s.randomness + 0.25 * s.share;
    return s;
}

static void dga_alert(struct dns_tunnel *d, const struct bhv_dns *q, const struct host_state *h,
                      double nx_domains, const struct dga_score *s, uint64_t t)
{
    char client[46], sig[128], why[512];
    bhv_ip_text(&q->client, client);
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR DGA-like NXDOMAIN burst from %s", client);
    double share = h->answers ? (double)h->nxdomain / h->answers : 0.0;
    double randomness = h->nx_measured ? h->random_sum / h->nx_measured : 0.0;
    char usual[128] = "No earlier window of this host to compare with.";
    if (h->windows)
        snprintf(usual, sizeof(usual), "Its usual NXDOMAIN share is %.0f%%.",
                 100.0 * h->usual_nx_share);
    snprintf(why, sizeof(why),
             "%s got NXDOMAIN for %.0f distinct registered domains in %.0f s (%.0f%% of its "
             "answers), names of mean randomness %.2f such as %s: a domain generation algorithm "
             "looking for its server. %s",
             client, nx_domains, (double)(t - h->window_start_us) / US_PER_S, 100.0 * share,
             randomness, h->sample, usual);
    struct bhv_alert a = {
        .detector = "dns_tunnel",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, FINDING_DGA),
        .severity = 2,
        .category = "A Network Trojan was detected",
        .ts_us = t,
        .flow_id = q->flow_id,
        .src = q->client,
        .dest = q->server,
        .has_dest = true,
        .dest_port = 53,
        .target = h->sample,
        .score = s->total,
        .threshold = d->cfg.dga_threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "nxdomain_domains", s->domains);
    bhv_alert_part(&a, "randomness", s->randomness);
    bhv_alert_part(&a, "nxdomain_share", s->share);
    bhv_alert_num(&a, false, "nxdomain_responses", h->nxdomain);
    bhv_alert_num(&a, false, "nxdomain_distinct_domains", round(nx_domains));
    bhv_alert_num(&a, false, "responses", h->answers);
    bhv_alert_num(&a, false, "nxdomain_share", share);
    bhv_alert_num(&a, false, "mean_randomness", randomness);
    bhv_alert_time(&a, false, "window_start", h->window_start_us);
    bhv_alert_text(&a, false, "sample_name", h->sample);
    bhv_alert_num(&a, true, "host_windows_seen", h->windows);
    if (h->windows) {
        bhv_alert_num(&a, true, "host_usual_nxdomain_share", h->usual_nx_share);
        bhv_alert_num(&a, true, "host_usual_nxdomain_domains", h->usual_nx_domains);
    }
    bhv_alert_technique(&a, "T1568.002");
    bhv_emit(&d->sink, &a);
    d->counters[C_ALERTS_DGA]++;
}

/* Folds a closed window into the host's usual NXDOMAIN share and count. */
static void host_close_window(struct host_state *h)
{
    if (h->answers < BASELINE_MIN_ANSWERS)
        return;
    double share = (double)h->nxdomain / h->answers;
    double domains = distinct_count_estimate(&h->nx_domains);
    double a = h->windows ? BASELINE_ALPHA : 1.0;
    h->usual_nx_share += a * (share - h->usual_nx_share);
    h->usual_nx_domains += a * (domains - h->usual_nx_domains);
    add32(&h->windows, true);
}

static struct host_state *host_update(struct dns_tunnel *d, const struct bhv_dns *q, uint64_t t)
{
    struct bhv_ip key = ip_key(&q->client);
    bool is_new;
    struct host_state *h = bhv_table_get(d->hosts, &key, t, &is_new);
    d->counters[C_HOSTS_EVICTED] = bhv_table_evictions(d->hosts);
    if (is_new || window_over(h->window_start_us, t, d->cfg.window_s * US_PER_S)) {
        if (!is_new)
            host_close_window(h);
        struct host_state keep = *h;
        memset(h, 0, sizeof(*h));
        h->last_alert_us = keep.last_alert_us;
        h->windows = keep.windows;
        h->usual_nx_share = keep.usual_nx_share;
        h->usual_nx_domains = keep.usual_nx_domains;
        h->window_start_us = t;
    }
    if (q->has_response)
        add32(&h->answers, true);
    return h;
}

static void host_nxdomain(struct dns_tunnel *d, const struct bhv_dns *q,
                          const struct name_filter_name *n, struct host_state *h, uint64_t t)
{
    d->counters[C_NXDOMAIN]++;
    add32(&h->nxdomain, true);
    distinct_count_add(&h->nx_domains, siphash24(d->hash_key, n->domain, n->domain_len));
    struct label_stats ls;
    label_stats_measure(n->reg_label, n->reg_label_len, &ls);
    double r = label_stats_randomness(&ls);
    h->random_sum += r;
    add32(&h->nx_measured, true);
    if (r >= h->best_random || h->sample[0] == '\0') {
        h->best_random = r;
        sample_keep(h->sample, n->low, n->len);
    }
    if (!d->cfg.dga_enabled)
        return;
    double nx_domains = distinct_count_estimate(&h->nx_domains);
    if (nx_domains < (double)d->cfg.dga_min_nx_domains)
        return;
    struct dga_score s = dga_score(&d->cfg, h, nx_domains);
    if (s.total < d->cfg.dga_threshold)
        return;
    if (recently_alerted(h->last_alert_us, t, d->cfg.realert_s * US_PER_S)) {
        d->counters[C_REALERT_SUPPRESSED]++;
        return;
    }
    h->last_alert_us = t ? t : 1;
    dga_alert(d, q, h, nx_domains, &s, t);
}

void dns_tunnel_dns(struct dns_tunnel *d, const struct bhv_dns *q)
{
    if (!d || !q)
        return;
    d->counters[C_QUERIES]++;
    if (!q->qname) {
        d->counters[C_NO_NAME]++;
        return;
    }
    uint64_t t = clock_at(d, q->ts_us);
    if (d->cfg.internal_only && !q->is_client_internal) {
        d->counters[C_EXTERNAL]++;
        return;
    }
    struct host_state *h = host_update(d, q, t);
    struct name_filter_name n;
    if (!qname_read(d, q, &n))
        return;
    if (q->has_response && q->rcode == RCODE_NXDOMAIN && !n.is_grouped)
        host_nxdomain(d, q, &n, h, t);
    /* A bare registered domain carries no data in its name. */
    if (n.sub_len > 0)
        pair_update(d, q, &n, h, t);
}

void dns_tunnel_tick(struct dns_tunnel *d, uint64_t now_us)
{
    if (!d)
        return;
    /* The dispatcher's tick may lag the newest observation: not a time jump. */
    if (now_us > d->clock_us)
        d->clock_us = now_us;
    uint64_t t = d->clock_us;
    uint64_t window = d->cfg.window_s * US_PER_S, realert = d->cfg.realert_s * US_PER_S;
    size_t cursor = 0;
    const void *key;
    void *value;
    uint64_t touched;
    while (bhv_table_next(d->pairs, &cursor, &key, &value, &touched)) {
        struct pair_state *p = value;
        bool idle = touched <= t && t - touched >= window;
        if (idle && !recently_alerted(p->last_alert_us, t, realert)) {
            site_add(d, p);
            bhv_table_remove(d->pairs, key);
            d->counters[C_PAIRS_EXPIRED]++;
        }
    }
    uint64_t idle_host = d->cfg.host_idle_s * US_PER_S;
    if (t > idle_host)
        d->counters[C_HOSTS_EXPIRED] += bhv_table_expire(d->hosts, t - idle_host);
}

void dns_tunnel_finish(struct dns_tunnel *d, uint64_t now_us)
{
    if (d && now_us > d->clock_us)
        d->clock_us = now_us;
}

int dns_tunnel_allow(struct dns_tunnel *d, const char *registered_domain)
{
    if (!d || !registered_domain || !registered_domain[0])
        return -EINVAL;
    if (d->allow_count == ALLOW_MAX)
        return -ENOSPC;
    bhv_name_key(d->allow[d->allow_count++], DOMAIN_KEY_SIZE, registered_domain);
    return 0;
}

struct counter_view dns_tunnel_counters(const struct dns_tunnel *d)
{
    return (struct counter_view){"detect.dns_tunnel", counter_names, d->counters, C_COUNT};
}

size_t dns_tunnel_memory(const struct dns_tunnel *d)
{
    return sizeof(*d) + bhv_table_memory(d->pairs) + bhv_table_memory(d->hosts);
}

struct save_header {
    char magic[8];
    uint32_t version, bom;
    uint64_t hash_key[2];
    uint64_t clock_us;
    uint64_t site_windows;
    uint64_t site_hist[SITE_BUCKETS];
};

int dns_tunnel_save(const struct dns_tunnel *d, FILE *fp)
{
    struct save_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    h.version = SAVE_VERSION;
    h.bom = SAVE_BOM;
    memcpy(h.hash_key, d->hash_key, sizeof(h.hash_key));
    h.clock_us = d->clock_us;
    h.site_windows = d->site_windows;
    memcpy(h.site_hist, d->site_hist, sizeof(h.site_hist));
    if (fwrite(&h, sizeof(h), 1, fp) != 1)
        return -EIO;
    struct bhv_table *const tables[] = {d->pairs, d->hosts};
    return bhv_tables_save(tables, 2, fp);
}

int dns_tunnel_load(struct dns_tunnel *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0 ||
        h.bom != SAVE_BOM || h.version != SAVE_VERSION) {
        if (err && err_size)
            snprintf(err, err_size,
                     "dns_tunnel: not this detector's state, or an older layout "
                     "(dropped; counting starts afresh)");
        return -EINVAL;
    }
    /* Replace, not merge: the distinct counts only add up under one key. */
    struct bhv_table *const tables[] = {d->pairs, d->hosts};
    int rc = bhv_tables_load(tables, 2, fp, err, err_size);
    if (rc != 0)
        return rc;
    memcpy(d->hash_key, h.hash_key, sizeof(d->hash_key));
    d->clock_us = h.clock_us;
    d->site_windows = 0;
    for (unsigned b = 0; b < SITE_BUCKETS; b++) {
        d->site_hist[b] = h.site_hist[b];
        d->site_windows += h.site_hist[b]; /* recounted: a damaged total cannot skew quantiles */
    }
    return 0;
}
