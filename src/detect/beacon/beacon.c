/* beacon.c — beaconing detector: bounded per-pair state, RITA v5 scoring.
 *
 * A pair (source, target) is first a candidate (8-byte keyed hash, its one
 * connection), so that a scan of a million destinations churns the cheap
 * candidate table and never the pair table. Its second connection makes
 * it a pair: the last SAMPLES connection times and sizes in a ring, and
 * connection counts in BUCKETS time buckets whose width doubles as the
 * pair ages, up to a width that spans the scoring window. On a tick, pairs
 * with new connections are scored (beacon_score.c): intervals and sizes
 * from the ring, the 24-bin histogram from the ring when it holds every
 * connection in the window, else from the buckets; beacon_alert.c writes
 * what an alert says. What and why: docs/detectors.md, "Beacon".
 */
#include "detect/beacon/beacon.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/siphash.h"
#include "detect/beacon/beacon_internal.h"
#include "detect/beacon/beacon_score.h"
#include "detect/bhv_table.h"

static const char *const counter_names[] = {BEACON_COUNTERS(COUNTER_NAME)};

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "beacon." name, type, offsetof(struct beacon_config, field), help                          \
    }
const struct bhv_option beacon_options[] = {
    OPT("threshold", BHV_OPT_DOUBLE, threshold, "alert at a score >= this (0..1)"),
    OPT("window_s", BHV_OPT_U64, window_s, "scoring window, seconds"),
    OPT("min_connections", BHV_OPT_U64, min_connections,
        "distinct connection seconds before a pair is scored"),
    OPT("realert_s", BHV_OPT_U64, realert_s, "at most one alert per pair per this many seconds"),
    OPT("rescore_s", BHV_OPT_U64, rescore_s,
        "a pair with new connections is scored again after this many seconds"),
    OPT("reorder_s", BHV_OPT_U64, reorder_s,
        "an observation older than the newest by more counts as time.backwards, seconds"),
    OPT("internal_only", BHV_OPT_BOOL, internal_only, "only pairs with a home-network source"),
    OPT("include_internal_dest", BHV_OPT_BOOL, include_internal_dest,
        "also score IP pairs between two home-network hosts"),
    OPT("track_ip", BHV_OPT_BOOL, track_ip, "score (source, destination IP) pairs"),
    OPT("track_names", BHV_OPT_BOOL, track_names, "score (source, SNI / HTTP Host) pairs"),
    OPT("track_dns", BHV_OPT_BOOL, track_dns, "score (source, DNS query name) pairs"),
    OPT("max_pairs", BHV_OPT_U64, max_pairs, "pair records kept (about 1.5 KiB each)"),
    OPT("max_candidates", BHV_OPT_U64, max_candidates,
        "pairs seen once kept waiting for a second connection (40 bytes each)"),
    OPT("common_share", BHV_OPT_DOUBLE, common_share,
        "no alert for a target this share of active hosts reach (0: off)"),
    OPT("common_min_hosts", BHV_OPT_U64, common_min_hosts,
        "common_share applies only with at least this many active hosts"),
    OPT("ts_weight", BHV_OPT_DOUBLE, ts_weight, "weight of the interval score"),
    OPT("ds_weight", BHV_OPT_DOUBLE, ds_weight, "weight of the size score"),
    OPT("hist_weight", BHV_OPT_DOUBLE, hist_weight, "weight of the histogram score"),
    OPT("dur_weight", BHV_OPT_DOUBLE, dur_weight, "weight of the duration score"),
    OPT("hist_mode_sensitivity", BHV_OPT_DOUBLE, hist_mode_sensitivity,
        "bin heights within this share of the tallest are one mode"),
    OPT("hist_bimodal_outlier_removal", BHV_OPT_U64, hist_bimodal_outlier_removal,
        "bins forgiven by the bimodal fit"),
    OPT("hist_bimodal_min_hours", BHV_OPT_U64, hist_bimodal_min_hours,
        "non-empty bins (of 24) before the bimodal fit counts"),
    OPT("dur_min_hours", BHV_OPT_U64, dur_min_hours,
        "non-empty bins (of 24) before the duration score counts"),
    OPT("dur_ideal_hours", BHV_OPT_U64, dur_ideal_hours,
        "consecutive non-empty bins that make a full consistency score"),
};
const size_t beacon_option_count = sizeof(beacon_options) / sizeof(beacon_options[0]);

void beacon_config_default(struct beacon_config *cfg)
{
    *cfg = (struct beacon_config){
        .threshold = 0.9,
        .window_s = 86400,
        .min_connections = 4,
        .realert_s = 86400,
        .rescore_s = 300,
        .reorder_s = 900,
        .internal_only = true,
        .include_internal_dest = false,
        .track_ip = true,
        .track_names = true,
        .track_dns = true,
        .max_pairs = 32768,
        .max_candidates = 262144,
        .common_share = 0.5,
        .common_min_hosts = 10,
        .ts_weight = 0.25,
        .ds_weight = 0.25,
        .hist_weight = 0.25,
        .dur_weight = 0.25,
        .hist_mode_sensitivity = 0.05,
        .hist_bimodal_outlier_removal = 1,
        .hist_bimodal_min_hours = 11,
        .dur_min_hours = 6,
        .dur_ideal_hours = 12,
    };
}

static bool config_ok(const struct beacon_config *c)
{
    double w = c->ts_weight + c->ds_weight + c->hist_weight + c->dur_weight;
    /* Times up to ten thousand years keep every product in microseconds
     * inside 64 bits. */
    const uint64_t long_s = 315360000000ull;
    return c->threshold >= 0 && c->threshold <= 1 && c->window_s > 0 && c->window_s <= long_s &&
           c->realert_s <= long_s && c->rescore_s <= long_s && c->reorder_s <= long_s &&
           c->max_pairs > 0 && c->max_pairs <= UINT32_MAX / 4 && c->max_candidates > 0 &&
           c->max_candidates <= UINT32_MAX / 4 && c->ts_weight >= 0 && c->ds_weight >= 0 &&
           c->hist_weight >= 0 && c->dur_weight >= 0 && fabs(w - 1.0) <= 1e-9 &&
           c->hist_mode_sensitivity > 0 && c->hist_mode_sensitivity <= 1 &&
           c->hist_bimodal_outlier_removal <= HIST_BINS && c->hist_bimodal_min_hours <= 1000 &&
           c->dur_min_hours >= 1 && c->dur_min_hours <= 1000 && c->dur_ideal_hours >= 1 &&
           c->dur_ideal_hours <= 1000 && c->common_share >= 0 && c->common_share <= 1;
}

static struct bhv_table *table(const char *name, size_t key, size_t value, uint64_t max)
{
    struct bhv_table_config tc = {name, key, value, (size_t)max};
    return bhv_table_new(&tc);
}

struct beacon *beacon_new(const struct beacon_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || !config_ok(cfg))
        return NULL;
    struct beacon *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (sink)
        d->sink = *sink;
    d->pairs = table("beacon.pairs", sizeof(struct pair_key), sizeof(struct pair), cfg->max_pairs);
    d->candidates =
        table("beacon.candidates", sizeof(uint64_t), sizeof(struct candidate), cfg->max_candidates);
    /* A pair has one source and one target, so these never overflow. */
    d->hosts =
        table("beacon.hosts", sizeof(struct bhv_ip), sizeof(struct host_agg), cfg->max_pairs);
    d->targets = table("beacon.targets", sizeof(struct target), sizeof(uint32_t), cfg->max_pairs);
    if (!d->pairs || !d->candidates || !d->hosts || !d->targets)
        goto fail;
    if (getrandom(d->cand_key, sizeof(d->cand_key), 0) != (ssize_t)sizeof(d->cand_key)) {
        d->cand_key[0] = (uint64_t)(uintptr_t)d ^ 0x6a09e667f3bcc908ull;
        d->cand_key[1] = (uint64_t)(uintptr_t)d->pairs ^ 0xbb67ae8584caa73bull;
    }
    d->params = (struct beacon_score_params){
        .weights = {cfg->ts_weight, cfg->ds_weight, cfg->hist_weight, cfg->dur_weight},
        .hist = {cfg->hist_mode_sensitivity, (unsigned)cfg->hist_bimodal_outlier_removal,
                 (unsigned)cfg->hist_bimodal_min_hours},
        .nbins = HIST_BINS,
        .dur_min_bars = (unsigned)cfg->dur_min_hours,
        .dur_ideal_run = (unsigned)cfg->dur_ideal_hours,
        .min_unique = (unsigned)(cfg->min_connections > SAMPLES ? SAMPLES : cfg->min_connections),
    };
    /* Widest bucket needed: BUCKETS - 2 of them cover the window, so a
     * connection inside the window always finds its bucket (one bucket of
     * slack at each end for the window's unaligned edges). */
    while (d->shift_max < 31 && ((uint64_t)(BUCKETS - 2) << d->shift_max) < cfg->window_s)
        d->shift_max++;
    return d;
fail:
    beacon_free(d);
    return NULL;
}

void beacon_free(struct beacon *d)
{
    if (!d)
        return;
    bhv_table_free(d->pairs);
    bhv_table_free(d->candidates);
    bhv_table_free(d->hosts);
    bhv_table_free(d->targets);
    free(d);
}

static void add_sat32(uint32_t *x, uint32_t n)
{
    *x = *x > UINT32_MAX - n ? UINT32_MAX : *x + n;
}

/* Halves the bucket resolution: bucket i joins bucket i / 2. */
static void buckets_coarsen(struct pair *p)
{
    uint32_t old[BUCKETS];
    memcpy(old, p->buckets, sizeof(old));
    memset(p->buckets, 0, sizeof(p->buckets));
    uint32_t span = p->bucket_head - p->bucket_low; /* < BUCKETS */
    for (uint32_t k = 0; k <= span; k++) {
        uint32_t i = p->bucket_low + k;
        add_sat32(&p->buckets[(i >> 1) % BUCKETS], old[i % BUCKETS]);
    }
    p->bucket_low >>= 1;
    p->bucket_head >>= 1;
    p->bucket_shift++;
}

static void buckets_add(struct pair *p, uint32_t t, bool is_first, unsigned shift_max)
{
    if (is_first) {
        memset(p->buckets, 0, sizeof(p->buckets));
        p->bucket_shift = 0;
        p->bucket_head = p->bucket_low = t;
    }
    uint32_t i = t >> p->bucket_shift;
    while (p->bucket_shift < shift_max) {
        uint32_t lo = i < p->bucket_low ? i : p->bucket_low;
        uint32_t hi = i > p->bucket_head ? i : p->bucket_head;
        if (hi - lo < BUCKETS)
            break;
        buckets_coarsen(p);
        i = t >> p->bucket_shift;
    }
    if (i > p->bucket_head) {
        /* Slide: the buckets the head passes over are reused. */
        uint32_t steps = i - p->bucket_head;
        if (steps >= BUCKETS)
            memset(p->buckets, 0, sizeof(p->buckets));
        else
            for (uint32_t k = 1; k <= steps; k++)
                p->buckets[(p->bucket_head + k) % BUCKETS] = 0;
        p->bucket_head = i;
        if (p->bucket_head - p->bucket_low >= BUCKETS)
            p->bucket_low = p->bucket_head - (BUCKETS - 1);
    } else if (p->bucket_head - i >= BUCKETS) {
        return; /* before the window: only a time gone backwards gets here */
    }
    if (i < p->bucket_low)
        p->bucket_low = i;
    add_sat32(&p->buckets[i % BUCKETS], 1);
}

static void pair_record(struct beacon *d, struct pair *p, uint32_t start_s, uint32_t size)
{
    bool is_first = p->total == 0;
    /* Connections in the same second share a sample: intervals of zero are
     * not scored anyway, and a pair making a hundred a second still keeps
     * SAMPLES seconds of history. */
    unsigned newest = (p->ring_next + SAMPLES - 1) % SAMPLES;
    if (p->ring_count && p->times[newest] == start_s) {
        if (p->counts[newest] < UINT16_MAX)
            p->counts[newest]++;
    } else {
        if (p->ring_count == SAMPLES && p->times[p->ring_next] > p->lost_max_s)
            p->lost_max_s = p->times[p->ring_next];
        p->times[p->ring_next] = start_s;
        p->sizes[p->ring_next] = size;
        p->counts[p->ring_next] = 1;
        p->ring_next = (uint16_t)((p->ring_next + 1) % SAMPLES);
        if (p->ring_count < SAMPLES)
            p->ring_count++;
    }
    if (is_first || start_s < p->first_s)
        p->first_s = start_s;
    if (is_first || start_s > p->last_s)
        p->last_s = start_s;
    buckets_add(p, start_s, is_first, d->shift_max);
    if (p->total < UINT64_MAX)
        p->total++;
    add_sat32(&p->since_scored, 1);
}

/* One connection of a pair at start_s. obs_us is when it was observed
 * (a flow's end), which drives the clock. */
struct obs {
    uint64_t obs_us, flow_id;
    uint32_t start_s, size;
    const struct bhv_ip *server;
    uint16_t server_port;
};

static struct pair *pair_admit(struct beacon *d, const struct pair_key *k, const struct obs *o)
{
    uint64_t h = siphash24(d->cand_key, k, sizeof(*k));
    struct candidate *c = bhv_table_find(d->candidates, &h);
    if (!c) {
        c = bhv_table_get(d->candidates, &h, d->clock_us, NULL);
        *c = (struct candidate){o->start_s, o->size};
        d->counters[C_CANDIDATES]++;
        d->counters[C_CAND_EVICTED] = bhv_table_evictions(d->candidates);
        return NULL;
    }
    struct candidate first = *c;
    bhv_table_remove(d->candidates, &h);
    struct pair *p = bhv_table_get(d->pairs, k, d->clock_us, NULL);
    d->counters[C_PAIRS_EVICTED] = bhv_table_evictions(d->pairs);
    d->counters[C_PROMOTED]++;
    pair_record(d, p, first.start_s, first.size);
    return p;
}

/* Moves the clock on and says whether the observation is recent enough
 * to count: one that started before the window is dropped. */
static bool accept(struct beacon *d, const struct obs *o)
{
    uint64_t reorder_us = d->cfg.reorder_s * 1000000u;
    if (d->clock_us > reorder_us && o->obs_us < d->clock_us - reorder_us)
        d->counters[C_TIME_BACKWARDS]++;
    if (o->obs_us > d->clock_us)
        d->clock_us = o->obs_us;
    if ((uint64_t)o->start_s + d->cfg.window_s < d->clock_us / 1000000u) {
        d->counters[C_TOO_OLD]++;
        return false;
    }
    if (!d->has_min || o->start_s < d->min_s) {
        d->min_s = o->start_s;
        d->has_min = true;
    }
    return true;
}

static void observe(struct beacon *d, const struct pair_key *k, const struct obs *o)
{
    /* A known pair is found and touched in one lookup while the table has
     * room (no insertion can evict then); a new one is taken back out and
     * goes through the candidates. */
    struct pair *p = NULL;
    if (bhv_table_count(d->pairs) < bhv_table_capacity(d->pairs)) {
        bool is_new;
        p = bhv_table_get(d->pairs, k, d->clock_us, &is_new);
        if (is_new) {
            bhv_table_remove(d->pairs, k);
            p = NULL;
        }
    } else if (bhv_table_find(d->pairs, k)) {
        p = bhv_table_get(d->pairs, k, d->clock_us, NULL);
    }
    if (!p && !(p = pair_admit(d, k, o)))
        return;
    pair_record(d, p, o->start_s, o->size);
    p->last_flow_id = o->flow_id;
    p->server = *o->server;
    p->server_port = o->server_port;
}

static uint32_t secs(uint64_t us)
{
    uint64_t s = us / 1000000u;
    return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* RITA's never-included destinations (config/filter.go): loopback,
 * link-local, multicast, broadcast, unspecified. */
static bool is_special_dest(const struct bhv_ip *ip)
{
    const uint8_t *b = ip->b;
    if (ip->family == 4)
        return b[0] == 127 || b[0] == 0 || (b[0] == 169 && b[1] == 254) || b[0] >= 224;
    static const uint8_t zero[16], loop[16] = {[15] = 1};
    return b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || memcmp(b, zero, 16) == 0 ||
           memcmp(b, loop, 16) == 0;
}

static void name_key(struct pair_key *k, enum pair_kind kind, const struct bhv_ip *src,
                     const char *name)
{
    memset(k, 0, sizeof(*k));
    k->target.kind = (uint8_t)kind;
    bhv_name_key(k->target.u.name, sizeof(k->target.u.name), name);
    k->src = *src;
}

void beacon_conn(struct beacon *d, const struct bhv_conn *c)
{
    d->counters[C_CONNS]++;
    if (d->cfg.internal_only && !c->is_client_internal) {
        d->counters[C_SKIP_EXTERNAL]++;
        return;
    }
    uint64_t bytes = c->bytes_toserver + c->bytes_toclient;
    if (bytes < c->bytes_toserver)
        bytes = UINT64_MAX;
    struct obs o = {
        .obs_us = c->end_us > c->start_us ? c->end_us : c->start_us,
        .flow_id = c->flow_id,
        .start_s = secs(c->start_us),
        .size = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes,
        .server = &c->server,
        .server_port = c->server_port,
    };
    if (!accept(d, &o))
        return;
    struct pair_key k;
    if (d->cfg.track_ip) {
        /* DNS to a resolver is periodic whenever the host's software is,
         * whatever it asks: with track_dns the names asked are judged
         * instead, so the resolver's address is not a beacon target. */
        bool is_dns = d->cfg.track_dns && (c->server_port == 53 || c->server_port == 853) &&
                      (c->proto == 6 || c->proto == 17);
        if (is_dns || is_special_dest(&c->server) ||
            (c->is_server_internal && !d->cfg.include_internal_dest)) {
            d->counters[C_SKIP_DEST]++;
        } else {
            memset(&k, 0, sizeof(k));
            k.target.kind = KIND_IP;
            k.target.u.ip = c->server;
            k.src = c->client;
            observe(d, &k, &o);
        }
    }
    if (!d->cfg.track_names)
        return;
    bool has_sni = c->sni && c->sni[0];
    if (has_sni) {
        name_key(&k, KIND_SNI, &c->client, c->sni);
        observe(d, &k, &o);
    }
    /* A Host equal to the SNI is the same finding; a different one is not. */
    if (c->host && c->host[0] && !(has_sni && strcasecmp(c->host, c->sni) == 0)) {
        name_key(&k, KIND_HOST, &c->client, c->host);
        observe(d, &k, &o);
    }
}

void beacon_dns(struct beacon *d, const struct bhv_dns *q)
{
    d->counters[C_DNS]++;
    if (!d->cfg.track_dns || !q->qname || !q->qname[0])
        return;
    if (d->cfg.internal_only && !q->is_client_internal) {
        d->counters[C_SKIP_EXTERNAL]++;
        return;
    }
    struct pair_key k;
    name_key(&k, KIND_DNS, &q->client, q->qname);
    struct obs o = {
        .obs_us = q->ts_us,
        .flow_id = q->flow_id,
        .start_s = secs(q->ts_us),
        .size = q->response_len,
        .server = &q->server,
    };
    if (accept(d, &o))
        observe(d, &k, &o);
}

/* ---- scoring ---- */

/* Scores p over the current window; false when it does not qualify. */
bool beacon_pair_score(const struct beacon *d, const struct pair *p, struct result *r)
{
    memset(r, 0, sizeof(*r));
    uint64_t clock_s = d->clock_us / 1000000u;
    if (!d->has_min)
        return false;
    r->we = (double)clock_s;
    r->ws = clock_s > d->cfg.window_s ? (double)(clock_s - d->cfg.window_s) : 0;
    if (d->min_s > r->ws)
        r->ws = d->min_s; /* a capture shorter than the window: its own span, as RITA */
    struct beacon_score_input in = {
        .times = p->times,
        .sizes = p->sizes,
        .counts = p->counts,
        .n = p->ring_count,
        .data_first = p->first_s,
        .data_last = p->last_s,
        .ws = r->ws,
        .we = r->we,
    };
    /* The ring holds every connection of the window unless it overwrote
     * one inside it; then the histogram comes from the buckets. */
    uint32_t buckets[BUCKETS];
    r->is_coarse = p->lost_max_s != 0 && p->lost_max_s >= r->ws;
    if (r->is_coarse) {
        uint32_t span = p->bucket_head - p->bucket_low;
        for (uint32_t k = 0; k <= span && k < BUCKETS; k++)
            buckets[in.nbuckets++] = p->buckets[(p->bucket_low + k) % BUCKETS];
        in.buckets = buckets;
        in.bucket_width = ldexp(1.0, p->bucket_shift);
        in.bucket_lo = p->bucket_low * in.bucket_width;
    }
    double scratch[6 * SAMPLES];
    return beacon_score_pair(&in, &d->params, scratch, &r->s) == 0;
}

static void score_pairs(struct beacon *d, bool only_new)
{
    size_t cursor = 0, pending = 0;
    void *value;
    uint64_t realert_us = d->cfg.realert_s * 1000000u, clock_s = d->clock_us / 1000000u;
    while (bhv_table_next(d->pairs, &cursor, NULL, &value, NULL)) {
        struct pair *p = value;
        if (only_new && (!p->since_scored || (p->scored_s && clock_s >= p->scored_s &&
                                              clock_s - p->scored_s < d->cfg.rescore_s)))
            continue;
        p->since_scored = 0;
        p->scored_s = (uint32_t)(clock_s > UINT32_MAX ? UINT32_MAX : clock_s);
        struct result r;
        p->has_score = beacon_pair_score(d, p, &r);
        if (!p->has_score)
            continue;
        p->score = (float)r.s.score;
        d->counters[C_SCORED]++;
        d->counters[C_SCORED_COARSE] += r.is_coarse;
        if (r.s.score < d->cfg.threshold)
            continue;
        if (p->last_alert_us && d->clock_us >= p->last_alert_us &&
            d->clock_us - p->last_alert_us < realert_us) {
            d->counters[C_SUPP_REALERT]++;
            continue;
        }
        p->is_pending = 1;
        pending++;
    }
    if (pending)
        beacon_emit_pending(d);
    d->counters[C_PAIRS_CURRENT] = bhv_table_count(d->pairs);
    d->counters[C_CAND_CURRENT] = bhv_table_count(d->candidates);
}

static void advance(struct beacon *d, uint64_t now_us)
{
    if (now_us > d->clock_us)
        d->clock_us = now_us;
    uint64_t window_us = d->cfg.window_s * 1000000u;
    if (d->clock_us > window_us) {
        d->counters[C_PAIRS_EXPIRED] += bhv_table_expire(d->pairs, d->clock_us - window_us);
        bhv_table_expire(d->candidates, d->clock_us - window_us);
    }
}

void beacon_tick(struct beacon *d, uint64_t now_us)
{
    advance(d, now_us);
    score_pairs(d, true);
}

void beacon_finish(struct beacon *d, uint64_t now_us)
{
    advance(d, now_us);
    score_pairs(d, false);
}

struct counter_view beacon_counters(const struct beacon *d)
{
    return (struct counter_view){"detect.beacon", counter_names, d->counters, C_COUNT};
}

size_t beacon_memory(const struct beacon *d)
{
    return sizeof(*d) + bhv_table_memory(d->pairs) + bhv_table_memory(d->candidates) +
           bhv_table_memory(d->hosts) + bhv_table_memory(d->targets);
}

/* ---- saved state ---- */

#define SAVE_MAGIC "HRBEACN1"

struct save_header {
    char magic[8];
    uint32_t samples, buckets, name_key, pair_size; /* the layout */
    uint64_t clock_us;
    uint64_t cand_key[2]; /* candidates are stored under hashes made with it */
    uint32_t min_s, has_min;
};

int beacon_save(const struct beacon *d, FILE *fp)
{
    struct save_header h = {
        .samples = SAMPLES,
        .buckets = BUCKETS,
        .name_key = NAME_KEY,
        .pair_size = sizeof(struct pair),
        .clock_us = d->clock_us,
        .cand_key = {d->cand_key[0], d->cand_key[1]},
        .min_s = d->min_s,
        .has_min = d->has_min,
    };
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    if (fwrite(&h, sizeof(h), 1, fp) != 1)
        return -EIO;
    struct bhv_table *const tables[] = {d->pairs, d->candidates};
    return bhv_tables_save(tables, 2, fp);
}

static void reset(struct beacon *d)
{
    bhv_table_clear(d->pairs);
    bhv_table_clear(d->candidates);
    d->clock_us = 0;
    d->min_s = 0;
    d->has_min = false;
    d->counters[C_PAIRS_CURRENT] = 0;
    d->counters[C_CAND_CURRENT] = 0;
}

static int load_fail(struct beacon *d, int rc, char *err, size_t err_size, const char *what)
{
    reset(d);
    if (what && err && err_size)
        snprintf(err, err_size, "beacon: %s", what);
    return rc;
}

int beacon_load(struct beacon *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    reset(d);
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0)
        return load_fail(d, -EINVAL, err, err_size, "not saved beacon state");
    if (h.samples != SAMPLES || h.buckets != BUCKETS || h.name_key != NAME_KEY ||
        h.pair_size != sizeof(struct pair))
        return load_fail(d, -EINVAL, err, err_size,
                         "state of an older layout (dropped; pairs start afresh)");
    struct bhv_table *const tables[] = {d->pairs, d->candidates};
    int rc = bhv_tables_load(tables, 2, fp, err, err_size);
    if (rc != 0)
        return load_fail(d, rc == -EINVAL ? -EINVAL : -EIO, NULL, 0, NULL);
    d->clock_us = h.clock_us;
    d->cand_key[0] = h.cand_key[0];
    d->cand_key[1] = h.cand_key[1];
    d->min_s = h.min_s;
    d->has_min = h.has_min != 0;
    /* Values from a file are not trusted to index arrays. */
    size_t cursor = 0;
    void *value;
    while (bhv_table_next(d->pairs, &cursor, NULL, &value, NULL)) {
        struct pair *p = value;
        if (p->ring_count > SAMPLES || p->ring_next >= SAMPLES || p->bucket_shift > 31 ||
            p->bucket_head - p->bucket_low >= BUCKETS)
            return load_fail(d, -EIO, err, err_size, "damaged pair record (state dropped)");
        p->is_pending = 0;
    }
    d->counters[C_PAIRS_CURRENT] = bhv_table_count(d->pairs);
    d->counters[C_CAND_CURRENT] = bhv_table_count(d->candidates);
    return 0;
}
