/* host_model.c — each internal host's hours against its own learned model
 * (host_model.h). Observations only add to the open hour of the hosts they
 * involve; all the work happens when an hour closes: thirteen features are
 * read off the hour, the host's model (robust_mahal.h) says how far they
 * are from its past, and the model then learns them. Hours with no
 * observation are not samples: "a typical hour in which this host does
 * something", so a laptop's nights do not make its days look wild.
 */
#include "detect/host_model/host_model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/bhv_table.h"
#include "detect/host_model/distinct_sketch.h"
#include "detect/host_model/robust_mahal.h"

#define HOUR_US 3600000000ull
#define SEC_US 1000000ull
/* Going back further than this is a new capture of an earlier time (a
 * replayed file), not a merge: the open hour closes and one opens there. */
#define RESTART_BACK_US (24 * HOUR_US)
#define DETECTOR_NO 7
#define SAVE_MAGIC "HRHMDL1"
#define SAVE_LAYOUT 1u
/* score = equivalent z / Z_FULL: z 6 (the default threshold 0.6) is a
 * chi-square tail of about 1e-9, rare enough for thousands of hosts a day
 * even though real hours have heavier tails than the normal. */
#define Z_FULL 10.0

enum feature {
    F_BYTES_OUT,
    F_BYTES_IN,
    F_PKTS_OUT,
    F_PKTS_IN,
    F_CONNS,
    F_PEERS,
    F_NEW_DESTS,
    F_PORTS,
    F_DNS,
    F_NXDOMAIN,
    F_FPS,
    F_NEW_FPS,
    F_HOUR_RARITY,
    F_COUNT
};
_Static_assert((int)F_COUNT == (int)ROBUST_MAHAL_DIM, "the model's dimension is the feature count");

/* Counts are modelled as ln(1 + n): volumes spread over orders of
 * magnitude and vary by factors, not by amounts. The floor is the least
 * scale of a feature (in those units): 0.3 means a change by a factor
 * e^0.3 = 1.35 is one standard deviation even for a host as regular as a
 * clock, so clockwork hosts do not alert on a 2x hour. Small counts (new
 * destinations, fingerprints) get 0.5, shares 0.1, the hour-of-day rarity
 * 0.2. */
static const struct {
    const char *name;
    bool is_count;
    double floor;
} features[F_COUNT] = {
    {"bytes_out", true, 0.3},           {"bytes_in", true, 0.3},
    {"packets_out", true, 0.3},         {"packets_in", true, 0.3},
    {"connections", true, 0.3},         {"distinct_peers", true, 0.3},
    {"new_destinations", true, 0.5},    {"distinct_ports", true, 0.3},
    {"dns_queries", true, 0.3},         {"nxdomain_share", false, 0.1},
    {"tls_fingerprints", true, 0.5},    {"new_fingerprints", true, 0.5},
    {"hour_of_day_rarity", false, 0.2},
};

/* Sketch sizes: linear counting is good to a few percent up to about
 * the number of bits (512 peers, 256 ports, 64 fingerprints in an hour)
 * and saturates a few times higher; the Bloom generations of 1024 and 256
 * bits hold 100 and 24 items each at about 1.7 % false "seen". */
enum {
    PEER_BYTES = 64,
    PORT_BYTES = 32,
    FP_BYTES = 8,
    DEST_BLOOM_BYTES = 128,
    DEST_ROTATE = 100,
    FP_BLOOM_BYTES = 32,
    FP_ROTATE = 24,
    RECENT = 8, /* anomalous hours remembered to spot daily recurrences */
};

#define HOST_MODEL_COUNTERS(X)                                                                     \
    X(HM_CONNS, "conns")                                                                           \
    X(HM_DNS, "dns")                                                                               \
    X(HM_NAMES, "names")                                                                           \
    X(HM_NOT_INTERNAL, "not_internal")                                                             \
    X(HM_TIME_BACKWARDS, "time_backwards")                                                         \
    X(HM_HOURS_CLOSED, "hours_closed")                                                             \
    X(HM_PARTIAL, "partial_hours_scored")                                                          \
    X(HM_INSUFFICIENT, "insufficient_history")                                                     \
    X(HM_SCORED, "scored")                                                                         \
    X(HM_ANOMALOUS, "anomalous")                                                                   \
    X(HM_ALERTS, "alerts")                                                                         \
    X(HM_REALERT, "suppressed_realert")                                                            \
    X(HM_RECURRING, "suppressed_recurring")                                                        \
    X(HM_RELEARNED, "relearned")                                                                   \
    X(HM_HOST_EVICTIONS, "host_evictions")                                                         \
    X(HM_HOSTS_EXPIRED, "hosts_expired")

enum host_model_counter { HOST_MODEL_COUNTERS(COUNTER_ENUM) HM_COUNTER_COUNT };
static const char *const host_model_counter_names[] = {HOST_MODEL_COUNTERS(COUNTER_NAME)};

/* What the open hour has gathered. */
struct hm_hour {
    uint64_t start_us;
    uint64_t bytes_out, bytes_in, pkts_out, pkts_in;
    uint32_t conns, dns_queries, dns_responses, nxdomain, new_dests, new_fps;
    uint8_t peers[PEER_BYTES], ports[PORT_BYTES], fps[FP_BYTES];
};

/* One internal host: about 1.1 kB, plain data (saved as it is). */
struct hm_host {
    struct hm_hour hour;
    struct robust_mahal model;
    uint64_t last_alert_us;
    float hod[24]; /* EW count of active hours at each hour of day (UTC) */
    uint32_t streak;
    uint32_t recent_hour[RECENT];   /* capture hour numbers of recent anomalous hours */
    uint8_t recent_feature[RECENT]; /* their top feature + 1, 0 when empty */
    uint8_t dest_cur[DEST_BLOOM_BYTES], dest_old[DEST_BLOOM_BYTES];
    uint8_t fp_cur[FP_BLOOM_BYTES], fp_old[FP_BLOOM_BYTES];
    uint16_t dest_count, fp_count;
    uint8_t is_open, recent_next;
};

struct host_model {
    struct host_model_config cfg;
    struct bhv_sink sink;
    struct bhv_table *hosts;
    struct robust_mahal site; /* every host's hours: the prior for new hosts */
    struct robust_mahal_params params;
    double hod_decay;
    uint64_t clock_us;     /* latest capture time seen: touch times never go back */
    uint64_t last_tick_us; /* latest tick */
    uint64_t last_expiry_hour;
    uint64_t counters[HM_COUNTER_COUNT];
};

void host_model_config_default(struct host_model_config *cfg)
{
    *cfg = (struct host_model_config){
        .threshold = 0.6,
        .min_hours = 24,
        .half_life_hours = 168,
        .shrinkage = 0.2,
        .realert_s = 43200,
        .relearn_hours = 24,
        .forget_hours = 720,
        .max_hosts = 16384,
        .suppress_recurring = true,
    };
}

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "host_model." name, type, offsetof(struct host_model_config, field), help                  \
    }

const struct bhv_option host_model_options[] = {
    OPT("threshold", BHV_OPT_DOUBLE, threshold,
        "score (0..1, equivalent z / 10) at which to alert"),
    OPT("min_hours", BHV_OPT_U64, min_hours, "active hours of history before a host is judged"),
    OPT("half_life_hours", BHV_OPT_DOUBLE, half_life_hours,
        "active hours after which a past hour weighs half"),
    OPT("shrinkage", BHV_OPT_DOUBLE, shrinkage,
        "least weight (0..1] of uncorrelated features in the model"),
    OPT("realert_s", BHV_OPT_U64, realert_s, "seconds between alerts for one host"),
    OPT("relearn_hours", BHV_OPT_U64, relearn_hours,
        "anomalous active hours in a row after which the host's model starts over (0: never)"),
    OPT("forget_hours", BHV_OPT_U64, forget_hours, "hours after which an unseen host is dropped"),
    OPT("max_hosts", BHV_OPT_U64, max_hosts, "internal hosts modelled, at most"),
    OPT("suppress_recurring", BHV_OPT_BOOL, suppress_recurring,
        "no alert when the same feature was odd at this time of day in the last week"),
};
const size_t host_model_option_count = sizeof(host_model_options) / sizeof(host_model_options[0]);

struct host_model *host_model_new(const struct host_model_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || !(cfg->threshold > 0 && cfg->threshold <= 1) ||
        !(cfg->shrinkage > 0 && cfg->shrinkage <= 1) || !(cfg->half_life_hours > 0) ||
        cfg->max_hosts == 0 || cfg->min_hours < ROBUST_MAHAL_WARM)
        return NULL;
    struct host_model *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (sink)
        d->sink = *sink;
    d->params.eta_min = 1 - exp2(-1.0 / cfg->half_life_hours);
    d->params.shrinkage = cfg->shrinkage;
    for (size_t j = 0; j < F_COUNT; j++)
        d->params.floor[j] = features[j].floor;
    d->hod_decay = exp2(-1.0 / cfg->half_life_hours);
    struct bhv_table_config hosts = {"host_model.hosts", sizeof(struct bhv_ip),
                                     sizeof(struct hm_host), cfg->max_hosts};
    d->hosts = bhv_table_new(&hosts);
    if (!d->hosts)
        goto fail;
    return d;
fail:
    host_model_free(d);
    return NULL;
}

void host_model_free(struct host_model *d)
{
    if (!d)
        return;
    bhv_table_free(d->hosts);
    free(d);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void sat_inc(uint32_t *n)
{
    if (*n < UINT32_MAX)
        (*n)++;
}

static uint64_t seconds_us(uint64_t s)
{
    return s > UINT64_MAX / SEC_US ? UINT64_MAX : s * SEC_US;
}

/* ---- features ---------------------------------------------------------- */

static double hour_rarity(const struct hm_host *h, unsigned hod)
{
    float most = 0;
    for (size_t i = 0; i < 24; i++)
        most = h->hod[i] > most ? h->hod[i] : most;
    return most > 0 ? 1.0 - h->hod[hod] / most : 0.0;
}

static unsigned hour_of_day(uint64_t ts_us)
{
    return (unsigned)(ts_us / HOUR_US % 24);
}

/* The hour's features, raw (for the alert) and as modelled. */
static void features_of(const struct hm_host *h, double raw[F_COUNT], double x[F_COUNT])
{
    const struct hm_hour *w = &h->hour;
    raw[F_BYTES_OUT] = (double)w->bytes_out;
    raw[F_BYTES_IN] = (double)w->bytes_in;
    raw[F_PKTS_OUT] = (double)w->pkts_out;
    raw[F_PKTS_IN] = (double)w->pkts_in;
    raw[F_CONNS] = w->conns;
    raw[F_PEERS] = distinct_sketch_count(w->peers, sizeof(w->peers));
    raw[F_NEW_DESTS] = w->new_dests;
    raw[F_PORTS] = distinct_sketch_count(w->ports, sizeof(w->ports));
    raw[F_DNS] = w->dns_queries;
    /* Smoothed toward 1 in 20 (Laplace's rule with a prior of 20 answers),
     * so that one failed lookup in a quiet hour is not a share of 100 %. */
    raw[F_NXDOMAIN] = (w->nxdomain + 1.0) / (w->dns_responses + 20.0);
    raw[F_FPS] = distinct_sketch_count(w->fps, sizeof(w->fps));
    raw[F_NEW_FPS] = w->new_fps;
    raw[F_HOUR_RARITY] = hour_rarity(h, hour_of_day(w->start_us));
    for (size_t j = 0; j < F_COUNT; j++)
        x[j] = features[j].is_count ? log1p(raw[j]) : raw[j];
}

/* ---- judging an hour --------------------------------------------------- */

struct verdict {
    double d2, z_eq, score;
    double raw[F_COUNT], z[F_COUNT], contrib[F_COUNT];
    size_t order[F_COUNT]; /* features by contribution, largest first */
    bool is_partial;
};

static void rank(struct verdict *v)
{
    for (size_t i = 0; i < F_COUNT; i++) {
        size_t j = i;
        for (; j > 0 && v->contrib[v->order[j - 1]] < v->contrib[i]; j--)
            v->order[j] = v->order[j - 1];
        v->order[j] = i;
    }
}

/* Whether the same feature was the odd one at about this time of day
 * (within an hour) on one of the last seven days: a nightly backup alerts
 * on its first night, not every night. Remembers this hour either way. */
static bool recurs(struct hm_host *h, uint32_t hour_no, size_t top)
{
    bool found = false;
    for (size_t i = 0; i < RECENT; i++) {
        if (h->recent_feature[i] != top + 1 || h->recent_hour[i] >= hour_no)
            continue;
        uint32_t ago = hour_no - h->recent_hour[i];
        uint32_t off = ago % 24;
        if (ago >= 23 && ago <= 7 * 24 + 1 && (off <= 1 || off == 23))
            found = true;
    }
    h->recent_hour[h->recent_next] = hour_no;
    h->recent_feature[h->recent_next] = (uint8_t)(top + 1);
    h->recent_next = (uint8_t)((h->recent_next + 1) % RECENT);
    return found;
}

static double typical(const struct hm_host *h, size_t j)
{
    return features[j].is_count ? expm1(h->model.centre[j]) : h->model.centre[j];
}

static void alert_facts(struct bhv_alert *a, const struct hm_host *h, const struct verdict *v,
                        const char *top_text)
{
    bhv_alert_text(a, false, "top_features", top_text);
    bhv_alert_num(a, false, "distance", v->d2);
    bhv_alert_num(a, false, "equivalent_z", v->z_eq);
    bhv_alert_time(a, false, "window_start", h->hour.start_us);
    bhv_alert_num(a, false, "window_complete", v->is_partial ? 0 : 1);
    bhv_alert_num(a, true, "hours_of_history", h->model.n);
    for (size_t i = 0; i < F_COUNT && a->part_count < BHV_ALERT_MAX_PARTS; i++) {
        size_t j = v->order[i];
        if (v->contrib[j] <= 0)
            break;
        bhv_alert_part(a, features[j].name, v->contrib[j] / v->d2);
        bhv_alert_num(a, false, features[j].name, v->raw[j]);
        bhv_alert_num(a, true, features[j].name, typical(h, j));
    }
}

static void alert(struct host_model *d, const struct bhv_ip *ip, const struct hm_host *h,
                  const struct verdict *v, uint64_t ts_us)
{
    char host[46], top[200] = "", sig[200], why[512];
    bhv_ip_text(ip, host);
    size_t at = 0;
    for (size_t i = 0; i < 4 && v->contrib[v->order[i]] > 0; i++) {
        size_t j = v->order[i];
        int n = snprintf(top + at, sizeof(top) - at, "%s%s z=%.1f", i ? ", " : "", features[j].name,
                         v->z[j]);
        if (n < 0 || (size_t)n >= sizeof(top) - at)
            break;
        at += (size_t)n;
    }
    size_t first = v->order[0];
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR unusual host behaviour %s: %s z=%.1f", host,
             features[first].name, v->z[first]);
    snprintf(why, sizeof(why),
             "%s's %shour was unlike its last %u active hours (distance %.0f, as rare as a "
             "normal z of %.1f); most unusual: %s %.4g against a usual %.4g. Also: %s.",
             host, v->is_partial ? "unfinished " : "", h->model.n, v->d2, v->z_eq,
             features[first].name, v->raw[first], typical(h, first), top);
    struct bhv_alert a = {
        .detector = "host_model",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, 1),
        .severity = v->score >= 0.9 ? 2 : 3,
        .category = "Potentially Bad Traffic",
        .ts_us = ts_us,
        .src = *ip,
        .score = v->score,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    alert_facts(&a, h, v, top);
    bhv_alert_technique(&a, "T1071");
    d->counters[HM_ALERTS]++;
    bhv_emit(&d->sink, &a);
}

/* Scores the open hour; true when the host's model must start over. */
static bool judge(struct host_model *d, const struct bhv_ip *ip, struct hm_host *h,
                  const double x_in[F_COUNT], const double raw[F_COUNT], bool is_partial,
                  uint64_t now_us)
{
    struct verdict v = {.is_partial = is_partial};
    double x[F_COUNT];
    memcpy(v.raw, raw, sizeof(v.raw));
    /* Only excess counts: a quiet hour (a laptop shut after five minutes,
     * an unfinished last hour) is no threat, and hours with little in them
     * are common; less of a share or of hour-of-day rarity is no news. */
    for (size_t j = 0; j < F_COUNT; j++)
        x[j] = fmax(x_in[j], h->model.centre[j]);
    v.d2 = robust_mahal_distance(&h->model, x, &d->params, v.z, v.contrib);
    v.z_eq = robust_mahal_equivalent_z(v.d2, F_COUNT);
    v.score = fmin(1.0, fmax(0.0, v.z_eq / Z_FULL));
    d->counters[HM_SCORED]++;
    if (v.score < d->cfg.threshold) {
        if (!is_partial)
            h->streak = 0;
        return false;
    }
    d->counters[HM_ANOMALOUS]++;
    rank(&v);
    bool relearn = false;
    if (!is_partial && h->streak < UINT32_MAX && ++h->streak >= d->cfg.relearn_hours &&
        d->cfg.relearn_hours > 0) {
        /* A lasting change is the new normal, not a day of alerts. */
        relearn = true;
        h->streak = 0;
        d->counters[HM_RELEARNED]++;
    }
    uint64_t ts = is_partial ? now_us : h->hour.start_us + HOUR_US;
    if (recurs(h, (uint32_t)(h->hour.start_us / HOUR_US), v.order[0]) &&
        d->cfg.suppress_recurring) {
        d->counters[HM_RECURRING]++;
    } else if (h->last_alert_us &&
               (ts > h->last_alert_us ? ts - h->last_alert_us : h->last_alert_us - ts) <
                   seconds_us(d->cfg.realert_s)) {
        /* within the interval either way: a merged capture must not repeat it */
        d->counters[HM_REALERT]++;
    } else {
        h->last_alert_us = ts ? ts : 1;
        alert(d, ip, h, &v, ts);
    }
    return relearn;
}

/* Closes the host's open hour: judged when the model has enough history,
 * then learnt (an unfinished hour at the end of input is only judged). */
static void close_hour(struct host_model *d, const struct bhv_ip *ip, struct hm_host *h,
                       bool is_partial, uint64_t now_us)
{
    double raw[F_COUNT], x[F_COUNT];
    features_of(h, raw, x);
    bool relearn = false;
    if (h->model.n >= d->cfg.min_hours)
        relearn = judge(d, ip, h, x, raw, is_partial, now_us);
    else
        d->counters[HM_INSUFFICIENT]++;
    if (is_partial) {
        d->counters[HM_PARTIAL]++;
        return;
    }
    d->counters[HM_HOURS_CLOSED]++;
    if (relearn)
        h->model.n = 0;
    bool has_site = d->site.n >= d->cfg.min_hours;
    robust_mahal_learn(&h->model, x, has_site ? &d->site : NULL, &d->params);
    robust_mahal_learn(&d->site, x, NULL, &d->params);
    for (size_t i = 0; i < 24; i++)
        h->hod[i] = (float)(h->hod[i] * d->hod_decay);
    h->hod[hour_of_day(h->hour.start_us)] += 1.0f;
    h->is_open = 0;
}

/* ---- observations ------------------------------------------------------ */

/* The host's record with an hour open at ts_us (closing an ended one). */
static struct hm_host *host_at(struct host_model *d, const struct bhv_ip *ip, uint64_t ts_us,
                               bool *is_backwards)
{
    struct bhv_ip key;
    memset(&key, 0, sizeof(key));
    memcpy(key.b, ip->b, ip->family == 6 ? 16 : 4);
    key.family = ip->family;
    bool is_new;
    struct hm_host *h = bhv_table_get(d->hosts, &key, d->clock_us, &is_new);
    d->counters[HM_HOST_EVICTIONS] = bhv_table_evictions(d->hosts);
    uint64_t hour = ts_us - ts_us % HOUR_US;
    if (h->is_open && hour < h->hour.start_us)
        *is_backwards = true; /* a merged capture: the late one joins the open hour */
    if (h->is_open && (hour > h->hour.start_us || h->hour.start_us - hour > RESTART_BACK_US))
        close_hour(d, &key, h, false, ts_us);
    if (!h->is_open) {
        memset(&h->hour, 0, sizeof(h->hour));
        h->hour.start_us = hour;
        h->is_open = 1;
    }
    return h;
}

static void clock_at(struct host_model *d, uint64_t ts_us)
{
    if (ts_us > d->clock_us)
        d->clock_us = ts_us;
}

static void add_fingerprint(struct hm_host *h, const char *ja3, const char *ja4)
{
    const char *fp = ja4 && *ja4 ? ja4 : ja3 && *ja3 ? ja3 : NULL;
    if (!fp)
        return;
    uint64_t hash = distinct_sketch_hash(fp, strlen(fp));
    distinct_sketch_add(h->hour.fps, sizeof(h->hour.fps), hash);
    if (!distinct_sketch_remember(h->fp_cur, h->fp_old, sizeof(h->fp_cur), &h->fp_count, FP_ROTATE,
                                  hash))
        sat_inc(&h->hour.new_fps);
}

static void add_conn(struct hm_host *h, const struct bhv_conn *c, bool is_client)
{
    struct hm_hour *w = &h->hour;
    w->bytes_out = sat_add(w->bytes_out, is_client ? c->bytes_toserver : c->bytes_toclient);
    w->bytes_in = sat_add(w->bytes_in, is_client ? c->bytes_toclient : c->bytes_toserver);
    w->pkts_out = sat_add(w->pkts_out, is_client ? c->pkts_toserver : c->pkts_toclient);
    w->pkts_in = sat_add(w->pkts_in, is_client ? c->pkts_toclient : c->pkts_toserver);
    sat_inc(&w->conns);
    uint64_t peer = distinct_sketch_hash(is_client ? &c->server : &c->client, sizeof(c->server));
    distinct_sketch_add(w->peers, sizeof(w->peers), peer);
    if (!is_client)
        return;
    uint8_t port[3] = {(uint8_t)(c->server_port >> 8), (uint8_t)c->server_port, c->proto};
    distinct_sketch_add(w->ports, sizeof(w->ports), distinct_sketch_hash(port, sizeof(port)));
    if (!distinct_sketch_remember(h->dest_cur, h->dest_old, sizeof(h->dest_cur), &h->dest_count,
                                  DEST_ROTATE, peer))
        sat_inc(&w->new_dests);
    add_fingerprint(h, c->ja3, c->ja4);
}

void host_model_conn(struct host_model *d, const struct bhv_conn *c)
{
    d->counters[HM_CONNS]++;
    if (!c->is_client_internal && !c->is_server_internal) {
        d->counters[HM_NOT_INTERNAL]++;
        return;
    }
    uint64_t ts = c->end_us ? c->end_us : c->start_us; /* a flow counts in the hour it ended */
    clock_at(d, ts);
    bool is_backwards = false;
    if (c->is_client_internal)
        add_conn(host_at(d, &c->client, ts, &is_backwards), c, true);
    if (c->is_server_internal) /* the pointer above may move: fetched again */
        add_conn(host_at(d, &c->server, ts, &is_backwards), c, false);
    if (is_backwards)
        d->counters[HM_TIME_BACKWARDS]++;
}

void host_model_dns(struct host_model *d, const struct bhv_dns *q)
{
    d->counters[HM_DNS]++;
    if (!q->is_client_internal) {
        d->counters[HM_NOT_INTERNAL]++;
        return;
    }
    clock_at(d, q->ts_us);
    bool is_backwards = false;
    struct hm_hour *w = &host_at(d, &q->client, q->ts_us, &is_backwards)->hour;
    sat_inc(&w->dns_queries);
    if (q->has_response) {
        sat_inc(&w->dns_responses);
        if (q->rcode == 3) /* NXDOMAIN, RFC 1035 4.1.1 */
            sat_inc(&w->nxdomain);
    }
    if (is_backwards)
        d->counters[HM_TIME_BACKWARDS]++;
}

void host_model_name(struct host_model *d, const struct bhv_name *n)
{
    d->counters[HM_NAMES]++;
    if (!n->is_client_internal) {
        d->counters[HM_NOT_INTERNAL]++;
        return;
    }
    clock_at(d, n->ts_us);
    bool is_backwards = false;
    add_fingerprint(host_at(d, &n->client, n->ts_us, &is_backwards), n->ja3, n->ja4);
    if (is_backwards)
        d->counters[HM_TIME_BACKWARDS]++;
}

/* ---- time -------------------------------------------------------------- */

static void close_ended(struct host_model *d, uint64_t now_us, bool is_final)
{
    size_t cursor = 0;
    const void *key;
    void *value;
    while (bhv_table_next(d->hosts, &cursor, &key, &value, NULL)) {
        struct hm_host *h = value;
        if (!h->is_open)
            continue;
        if (h->hour.start_us <= now_us && now_us - h->hour.start_us >= HOUR_US)
            close_hour(d, key, h, false, now_us);
        else if (is_final)
            close_hour(d, key, h, true, now_us);
    }
}

void host_model_tick(struct host_model *d, uint64_t now_us)
{
    if (now_us < d->last_tick_us)
        d->counters[HM_TIME_BACKWARDS]++;
    else
        d->last_tick_us = now_us;
    close_ended(d, now_us, false);
    uint64_t hour = now_us / HOUR_US;
    if (hour <= d->last_expiry_hour || hour <= d->cfg.forget_hours)
        return;
    d->last_expiry_hour = hour;
    d->counters[HM_HOSTS_EXPIRED] +=
        bhv_table_expire(d->hosts, (hour - d->cfg.forget_hours) * HOUR_US);
}

void host_model_finish(struct host_model *d, uint64_t now_us)
{
    close_ended(d, now_us, true);
}

struct counter_view host_model_counters(const struct host_model *d)
{
    return (struct counter_view){"detect.host_model", host_model_counter_names, d->counters,
                                 HM_COUNTER_COUNT};
}

size_t host_model_memory(const struct host_model *d)
{
    return sizeof(*d) + bhv_table_memory(d->hosts);
}

/* ---- saved state ------------------------------------------------------- */

struct save_header {
    char magic[8];
    uint32_t layout, dim;
    uint32_t host_size, site_size;
    struct robust_mahal site;
    uint64_t sum; /* FNV-1a of the above */
};

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

int host_model_save(const struct host_model *d, FILE *fp)
{
    struct save_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    h.layout = SAVE_LAYOUT;
    h.dim = F_COUNT;
    h.host_size = sizeof(struct hm_host);
    h.site_size = sizeof(struct robust_mahal);
    h.site = d->site;
    h.sum = fnv1a(&h, offsetof(struct save_header, sum));
    if (fwrite(&h, sizeof(h), 1, fp) != 1 || bhv_table_save(d->hosts, fp) != 0)
        return -EIO;
    return 0;
}

static int load_fail(char *err, size_t err_size, int rc, const char *what)
{
    if (err && err_size)
        snprintf(err, err_size, "host_model: %s", what);
    return rc;
}

int host_model_load(struct host_model *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0)
        return load_fail(err, err_size, -EINVAL, "not saved host_model state");
    if (h.layout != SAVE_LAYOUT || h.dim != F_COUNT || h.host_size != sizeof(struct hm_host) ||
        h.site_size != sizeof(struct robust_mahal))
        return load_fail(err, err_size, -EINVAL,
                         "state of an older layout (dropped; models start afresh)");
    if (h.sum != fnv1a(&h, offsetof(struct save_header, sum)))
        return load_fail(err, err_size, -EIO, "checksum mismatch in the site model (dropped)");
    d->site = h.site;
    int rc = bhv_table_load(d->hosts, fp, err, err_size);
    size_t cursor = 0;
    uint64_t touched;
    while (bhv_table_next(d->hosts, &cursor, NULL, NULL, &touched))
        d->clock_us = touched > d->clock_us ? touched : d->clock_us;
    d->counters[HM_HOST_EVICTIONS] = bhv_table_evictions(d->hosts);
    return rc;
}
