/* lateral.c — fan-out of new internal peers over remote-service protocols.
 *
 * A pair is new the first time it uses a service (or after forget_s of
 * disuse). New destinations are counted per (source, service) in fixed
 * windows, read as a sliding window by weighting the previous window by the
 * part of it still inside (the approximation Cloudflare describes for rate
 * limits). The source's usual count per window is an EWMA; the chance of
 * the count under a Poisson law of that mean scores it.
 */
#include "detect/rare/lateral.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/siphash.h"
#include "detect/bhv_table.h"

#define DETECTOR_NO 6
#define US 1000000.0
#define SAVE_MAGIC "HRLATR1"
#define SAVE_BOM 0x01020304u
#define LISTED 8 /* destinations named in an alert */
/* Score: -log10 of the chance, over this many digits (1e-6 reads as 1). */
#define SURPRISE_DIGITS 6.0

#define LATERAL_COUNTERS(X)                                                                        \
    X(LT_CONNS, "conns")                                                                           \
    X(LT_NOT_INTERNAL, "skipped_not_internal")                                                     \
    X(LT_NOT_SERVICE, "skipped_other_port")                                                        \
    X(LT_SERVICE_CONNS, "service_conns")                                                           \
    X(LT_NEW_PAIRS, "new_pairs")                                                                   \
    X(LT_LEARNING, "new_pairs_while_learning")                                                     \
    X(LT_BACKWARDS, "time_backwards")                                                              \
    X(LT_BELOW, "fanout_below_threshold")                                                          \
    X(LT_SUPPRESSED, "alerts_suppressed_realert")                                                  \
    X(LT_ALERTS, "alerts")                                                                         \
    X(LT_PAIRS_EVICTED, "pairs_evicted")                                                           \
    X(LT_SOURCES_EVICTED, "sources_evicted")                                                       \
    X(LT_EXPIRED, "pairs_expired")

enum lateral_counter { LATERAL_COUNTERS(COUNTER_ENUM) LT_COUNTER_COUNT };
static const char *const counter_names[] = {LATERAL_COUNTERS(COUNTER_NAME)};

struct service {
    const char *name, *technique;
    uint16_t ports[2]; /* 0: unused */
};

/* ATT&CK T1021 sub-techniques and their usual ports. The alert's sid is
 * 9001600 + index + 1, so a site can tune one protocol. */
static const struct service services[] = {
    {"RDP", "T1021.001", {3389, 0}},      {"SMB", "T1021.002", {445, 139}},
    {"SSH", "T1021.004", {22, 0}},        {"VNC", "T1021.005", {5900, 0}},
    {"WinRM", "T1021.006", {5985, 5986}},
};
#define SERVICE_COUNT (sizeof(services) / sizeof(services[0]))

struct source_key {
    struct bhv_ip src;
    uint8_t service;
};

struct source_state {
    uint64_t first_us;
    uint64_t win_start_us;
    uint64_t last_alert_us;
    uint64_t windows;      /* whole windows folded into the baseline */
    uint64_t peers_total;  /* new pairs ever (distinct peers, until forgotten) */
    double usual;          /* EWMA of new peers per window */
    uint32_t cur, prev;    /* new peers in this and the previous window */
    uint32_t cur_sessions; /* of cur: answered with data (pkts_toclient >= 3) */
    uint32_t dest_count;
    bool has_alerted;
    struct bhv_ip dests[LISTED]; /* the first new destinations of the last two windows */
    uint32_t dest_s[LISTED];     /* when each was new, in seconds after first_us */
};

struct lateral {
    struct lateral_config cfg;
    struct bhv_sink sink;
    struct bhv_table *pairs, *sources;
    uint64_t hash_key[2]; /* of pair keys; saved with the pairs */
    uint64_t clock_us;    /* latest capture time seen */
    uint64_t start_us;    /* first connection: the learning period runs from here */
    bool has_start;
    uint64_t counters[LT_COUNTER_COUNT];
};

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "lateral." name, type, offsetof(struct lateral_config, field), help                        \
    }
const struct bhv_option lateral_options[] = {
    OPT("window_s", BHV_OPT_DOUBLE, window_s, "seconds over which new destinations are counted"),
    OPT("min_new_peers", BHV_OPT_U64, min_new_peers,
        "new internal destinations of one service in a window below which nothing alerts"),
    OPT("threshold", BHV_OPT_DOUBLE, threshold,
        "score at which to alert: -log10(chance of the count) / 6, 0.5 = one in a thousand"),
    OPT("baseline_floor", BHV_OPT_DOUBLE, baseline_floor,
        "new peers per window assumed usual for a host that has none"),
    OPT("baseline_windows", BHV_OPT_DOUBLE, baseline_windows,
        "windows the usual rate remembers (EWMA span; 168 one-hour windows = a week)"),
    OPT("learn_s", BHV_OPT_DOUBLE, learn_s,
        "seconds after the first connection during which pairs are learned without alerts"),
    OPT("realert_s", BHV_OPT_DOUBLE, realert_s,
        "seconds before the same source and service alert again"),
    OPT("forget_s", BHV_OPT_DOUBLE, forget_s, "seconds of disuse after which a pair is new again"),
    OPT("pairs_max", BHV_OPT_U64, pairs_max,
        "remembered (source, destination, service) (40 bytes each)"),
    OPT("sources_max", BHV_OPT_U64, sources_max, "(source, service) counters (288 bytes each)"),
};
const size_t lateral_option_count = sizeof(lateral_options) / sizeof(lateral_options[0]);

void lateral_config_default(struct lateral_config *cfg)
{
    *cfg = (struct lateral_config){
        .window_s = 3600,
        .min_new_peers = 5,
        .threshold = 0.5,
        .baseline_floor = 0.5,
        .baseline_windows = 168,
        .learn_s = 0,
        .realert_s = 86400,
        .forget_s = 90 * 86400.0,
        .pairs_max = 131072,
        .sources_max = 16384,
    };
}

static uint64_t secs_us(double s)
{
    if (!(s > 0))
        return 0;
    if (s >= 1.8e13)
        return UINT64_MAX;
    return (uint64_t)(s * US);
}

struct lateral *lateral_new(const struct lateral_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || cfg->pairs_max == 0 || cfg->sources_max == 0)
        return NULL;
    struct lateral *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (d->cfg.window_s < 1) /* a zero window would divide by zero */
        d->cfg.window_s = 1;
    if (sink)
        d->sink = *sink;
    d->pairs = bhv_table_new(&(struct bhv_table_config){"lateral.pairs", sizeof(uint64_t),
                                                        sizeof(uint64_t), cfg->pairs_max});
    d->sources =
        bhv_table_new(&(struct bhv_table_config){"lateral.sources", sizeof(struct source_key),
                                                 sizeof(struct source_state), cfg->sources_max});
    if (!d->pairs || !d->sources)
        goto fail;
    if (getrandom(d->hash_key, sizeof(d->hash_key), 0) != (ssize_t)sizeof(d->hash_key)) {
        d->hash_key[0] = (uint64_t)(uintptr_t)d ^ 0x9e3779b97f4a7c15ull;
        d->hash_key[1] = (uint64_t)(uintptr_t)d->pairs;
    }
    return d;
fail:
    lateral_free(d);
    return NULL;
}

void lateral_free(struct lateral *d)
{
    if (!d)
        return;
    bhv_table_free(d->pairs);
    bhv_table_free(d->sources);
    free(d);
}

static int service_of(uint16_t port)
{
    for (size_t i = 0; i < SERVICE_COUNT; i++)
        if (port && (services[i].ports[0] == port || services[i].ports[1] == port))
            return (int)i;
    return -1;
}

/* The pair as a 64-bit key under the detector's secret key: 8 bytes instead
 * of 35 per pair, and nobody who picks addresses can make a new pair pass
 * for an old one. */
static uint64_t pair_key(const struct lateral *d, const struct bhv_ip *src,
                         const struct bhv_ip *dst, uint8_t service)
{
    uint8_t buf[2 * sizeof(struct bhv_ip) + 1];
    memcpy(buf, src, sizeof(*src));
    memcpy(buf + sizeof(*src), dst, sizeof(*dst));
    buf[sizeof(buf) - 1] = service;
    return siphash24(d->hash_key, buf, sizeof(buf));
}

static void sync_evictions(struct lateral *d)
{
    d->counters[LT_PAIRS_EVICTED] = bhv_table_evictions(d->pairs);
    d->counters[LT_SOURCES_EVICTED] = bhv_table_evictions(d->sources);
}

/* Moves the source's window forward to hold t: the finished window goes
 * into the usual rate, empty windows after it decay the rate. */
static void window_roll(const struct lateral *d, struct source_state *s, uint64_t t)
{
    uint64_t window = secs_us(d->cfg.window_s);
    if (t - s->win_start_us < window) /* t >= win_start_us: the caller saw to it */
        return;
    uint64_t k = (t - s->win_start_us) / window;
    double alpha = d->cfg.baseline_windows >= 1 ? 1.0 / d->cfg.baseline_windows : 1.0;
    /* From zero, as if the windows before the first had no new peers: one
     * burst, even the first, moves the usual rate only by alpha of itself. */
    s->usual += alpha * (s->cur - s->usual);
    if (k > 1)
        s->usual *= pow(1 - alpha, (double)(k - 1 < 100000 ? k - 1 : 100000));
    s->windows += k;
    s->prev = k == 1 ? s->cur : 0;
    s->cur = 0;
    s->cur_sessions = 0;
    s->win_start_us += k * window;
    /* Keep the destinations of the previous window on: older ones make room. */
    uint64_t age_us = s->win_start_us - s->first_us;
    uint64_t from_s = age_us > window ? (age_us - window) / 1000000 : 0;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < s->dest_count; i++) {
        if (s->dest_s[i] >= from_s) {
            s->dests[kept] = s->dests[i];
            s->dest_s[kept++] = s->dest_s[i];
        }
    }
    s->dest_count = kept;
}

/* ln n!: summed while small, else Stirling's series to its 1/(12n) term
 * (error under 1e-9 from n = 20). Not lgamma(), which sets the global
 * signgam: workers run detectors on threads of their own. */
static double log_factorial(double n)
{
    if (n < 20) {
        double sum = 0;
        for (int i = 2; i <= (int)n; i++)
            sum += log(i);
        return sum;
    }
    return n * log(n) - n + 0.5 * log(6.283185307179586 * n) + 1 / (12 * n);
}

/* log P(X >= n) for X ~ Poisson(lambda), n > lambda: the first term of the
 * tail times the geometric bound on the rest, which overstates the chance
 * a little (so the score errs low) and costs O(1) however large n is. */
static double poisson_log_tail(double n, double lambda)
{
    double first = -lambda + n * log(lambda) - log_factorial(n);
    double ratio = lambda / (n + 1);
    return first - log1p(-ratio);
}

struct judgement {
    double n, usual, surprise, score;
};

static struct judgement judge(const struct lateral *d, const struct source_state *s, uint64_t t)
{
    struct judgement j;
    double window = (double)secs_us(d->cfg.window_s);
    double into = (double)(t - s->win_start_us) / window;
    j.n = floor(s->cur + s->prev * (1 - (into > 1 ? 1 : into)));
    j.usual = s->usual > d->cfg.baseline_floor ? s->usual : d->cfg.baseline_floor;
    if (j.usual <= 0)
        j.usual = 1e-3;
    j.surprise = j.n > j.usual ? -poisson_log_tail(j.n, j.usual) / log(10) : 0;
    if (j.surprise < 0)
        j.surprise = 0;
    j.score = j.surprise / SURPRISE_DIGITS > 1 ? 1 : j.surprise / SURPRISE_DIGITS;
    return j;
}

static void emit(struct lateral *d, const struct source_key *k, const struct source_state *s,
                 const struct judgement *j, const struct bhv_conn *c)
{
    const struct service *svc = &services[k->service];
    char src[46], sig[200], why[400], list[LISTED * 47 + 1] = "";
    bhv_ip_text(&k->src, src);
    for (uint32_t i = 0; i < s->dest_count; i++) {
        char ip[46];
        size_t at = strlen(list);
        snprintf(list + at, sizeof(list) - at, "%s%s", i ? "," : "", bhv_ip_text(&s->dests[i], ip));
    }
    unsigned n = (unsigned)j->n;
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR lateral spread from %s over %s to %u new hosts",
             src, svc->name, n);
    bool is_scan = s->cur_sessions * 2 < s->cur;
    snprintf(why, sizeof(why),
             "%s reached %u internal hosts over %s within %.0f min that it had not used %s with "
             "before (%u answered with data); it usually reaches %.2f new ones per window, so "
             "this count has a chance of 1 in 10^%.1f.",
             src, n, svc->name, d->cfg.window_s / 60, svc->name, s->cur_sessions, s->usual,
             j->surprise);
    bool is_wide = s->cur_sessions >= 2 * d->cfg.min_new_peers;
    struct bhv_alert a = {
        .detector = "lateral",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, (unsigned)k->service + 1),
        .severity = is_wide ? 1 : 2,
        .category = is_scan ? "Detection of a Network Scan" : "Potentially Bad Traffic",
        .ts_us = d->clock_us,
        .flow_id = c->flow_id,
        .src = k->src,
        .dest = c->server,
        .has_dest = true,
        .src_port = c->client_port,
        .dest_port = c->server_port,
        .proto = c->proto,
        .target = svc->name,
        .score = j->score,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "surprise_digits", j->surprise);
    bhv_alert_part(&a, "new_peers", j->n);
    bhv_alert_part(&a, "usual_new_peers", j->usual);
    bhv_alert_num(&a, false, "new_peers", j->n);
    bhv_alert_num(&a, false, "new_peers_this_window", s->cur);
    bhv_alert_num(&a, false, "new_peers_previous_window", s->prev);
    bhv_alert_num(&a, false, "answered_with_data", s->cur_sessions);
    bhv_alert_text(&a, false, "destinations", list);
    bhv_alert_text(&a, false, "service", svc->name);
    bhv_alert_time(&a, false, "window_start", s->win_start_us);
    bhv_alert_num(&a, true, "usual_new_peers_per_window", s->usual);
    bhv_alert_num(&a, true, "windows_observed", (double)s->windows);
    bhv_alert_num(&a, true, "peers_known", (double)s->peers_total);
    bhv_alert_time(&a, true, "source_first_seen", s->first_us);
    bhv_alert_technique(&a, "T1021");
    bhv_alert_technique(&a, svc->technique);
    if (is_scan)
        bhv_alert_technique(&a, "T1046");
    bhv_emit(&d->sink, &a);
}

static void new_pair(struct lateral *d, const struct bhv_conn *c, uint8_t service, uint64_t t)
{
    struct source_key k;
    memset(&k, 0, sizeof(k));
    k.src = c->client;
    k.service = service;
    bool is_new = false;
    struct source_state *s = bhv_table_get(d->sources, &k, d->clock_us, &is_new);
    sync_evictions(d);
    if (is_new) {
        s->first_us = t;
        s->win_start_us = t;
    }
    if (t < s->win_start_us) { /* older than the window: count it in the current one */
        d->counters[LT_BACKWARDS]++;
        t = s->win_start_us;
    }
    window_roll(d, s, t);
    s->cur++;
    s->peers_total++;
    if (c->pkts_toclient >= 3) /* SYN-ACK and data, not a bare reset */
        s->cur_sessions++;
    if (s->dest_count < LISTED) {
        uint64_t after_s = (t - s->first_us) / 1000000;
        s->dests[s->dest_count] = c->server;
        s->dest_s[s->dest_count++] = after_s > UINT32_MAX ? UINT32_MAX : (uint32_t)after_s;
    }
    struct judgement j = judge(d, s, t);
    if (j.n < (double)d->cfg.min_new_peers || j.score < d->cfg.threshold) {
        if (j.n >= (double)d->cfg.min_new_peers)
            d->counters[LT_BELOW]++;
        return;
    }
    uint64_t since = d->clock_us > s->last_alert_us ? d->clock_us - s->last_alert_us : 0;
    if (s->has_alerted && since < secs_us(d->cfg.realert_s)) {
        d->counters[LT_SUPPRESSED]++;
        return;
    }
    s->has_alerted = true;
    s->last_alert_us = d->clock_us;
    d->counters[LT_ALERTS]++;
    emit(d, &k, s, &j, c);
}

void lateral_conn(struct lateral *d, const struct bhv_conn *c)
{
    d->counters[LT_CONNS]++;
    if (!c->is_client_internal || !c->is_server_internal) {
        d->counters[LT_NOT_INTERNAL]++;
        return;
    }
    int service = service_of(c->server_port);
    if (service < 0) {
        d->counters[LT_NOT_SERVICE]++;
        return;
    }
    d->counters[LT_SERVICE_CONNS]++;
    uint64_t t = c->start_us; /* when the attempt was made */
    if (c->end_us > d->clock_us)
        d->clock_us = c->end_us;
    if (!d->has_start) {
        d->has_start = true;
        d->start_us = t;
    }
    uint64_t key = pair_key(d, &c->client, &c->server, (uint8_t)service);
    bool is_new = false;
    uint64_t *uses = bhv_table_get(d->pairs, &key, d->clock_us, &is_new);
    sync_evictions(d);
    (*uses)++;
    if (!is_new)
        return;
    d->counters[LT_NEW_PAIRS]++;
    uint64_t running = d->clock_us > d->start_us ? d->clock_us - d->start_us : 0;
    if (running < secs_us(d->cfg.learn_s)) {
        d->counters[LT_LEARNING]++;
        return;
    }
    new_pair(d, c, (uint8_t)service, t);
}

static void age(struct lateral *d, uint64_t now_us)
{
    if (now_us > d->clock_us)
        d->clock_us = now_us;
    uint64_t forget = secs_us(d->cfg.forget_s);
    if (d->clock_us > forget) {
        d->counters[LT_EXPIRED] += bhv_table_expire(d->pairs, d->clock_us - forget);
        bhv_table_expire(d->sources, d->clock_us - forget);
    }
}

void lateral_tick(struct lateral *d, uint64_t now_us)
{
    age(d, now_us);
}

void lateral_finish(struct lateral *d, uint64_t now_us)
{
    age(d, now_us);
}

struct counter_view lateral_counters(const struct lateral *d)
{
    return (struct counter_view){"detect.lateral", counter_names, d->counters, LT_COUNTER_COUNT};
}

size_t lateral_memory(const struct lateral *d)
{
    return sizeof(*d) + bhv_table_memory(d->pairs) + bhv_table_memory(d->sources);
}

struct save_header {
    char magic[8];
    uint32_t bom;
    uint32_t has_start;
    uint64_t hash_key[2];
    uint64_t clock_us, start_us;
};

int lateral_save(const struct lateral *d, FILE *fp)
{
    struct save_header h = {
        .bom = SAVE_BOM,
        .has_start = d->has_start,
        .hash_key = {d->hash_key[0], d->hash_key[1]},
        .clock_us = d->clock_us,
        .start_us = d->start_us,
    };
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    if (fwrite(&h, sizeof(h), 1, fp) != 1)
        return -EIO;
    struct bhv_table *const tables[] = {d->pairs, d->sources};
    return bhv_tables_save(tables, 2, fp);
}

static void clear(struct lateral *d)
{
    bhv_table_clear(d->pairs);
    bhv_table_clear(d->sources);
    d->clock_us = 0;
    d->start_us = 0;
    d->has_start = false;
}

int lateral_load(struct lateral *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    clear(d);
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0 ||
        h.bom != SAVE_BOM) {
        if (err && err_size)
            snprintf(err, err_size, "lateral: not lateral state of this layout");
        return -EINVAL;
    }
    struct bhv_table *const tables[] = {d->pairs, d->sources};
    int rc = bhv_tables_load(tables, 2, fp, err, err_size);
    if (rc != 0) {
        clear(d);
        return rc;
    }
    /* The pairs were keyed under the saved key: keep using it. */
    d->hash_key[0] = h.hash_key[0];
    d->hash_key[1] = h.hash_key[1];
    d->clock_us = h.clock_us;
    d->start_us = h.start_us;
    d->has_start = h.has_start != 0;
    return 0;
}
