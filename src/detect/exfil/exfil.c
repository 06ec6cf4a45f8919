/* exfil.c — large uploads judged against the host's own hourly history
 * (exfil.h). Each counted flow adds to its host's hour and to its (host,
 * destination) hour; when the latter reaches min_bytes it is scored at once,
 * so an alert comes with the flow that tipped it, not an hour later. Idle
 * hours are no samples: the baseline is "an hour in which this host uploads",
 * which keeps a laptop's nights from making every working hour look huge.
 */
#include "detect/exfil/exfil.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/bhv_table.h"
#include "detect/exfil/cloud_storage.h"
#include "detect/exfil/upload_baseline.h"

#define HOUR_US 3600000000ull
#define SEC_US 1000000ull
/* Going back further than this is a new capture of an earlier time (a
 * replayed file), not a merge: the window restarts there instead of
 * swallowing the old traffic. */
#define RESTART_BACK_US (24 * HOUR_US)
#define DETECTOR_NO 3
#define SAVE_MAGIC "HRXFIL1"
#define SAVE_LAYOUT 1u

/* 1.4826 * MAD estimates a standard deviation for normal data (Hampel 1974). */
#define MAD_TO_SIGMA 1.4826

enum { FINDING_UPLOAD = 1, FINDING_CLOUD = 2 };

#define EXFIL_COUNTERS(X)                                                                          \
    X(EXFIL_CONNS, "conns")                                                                        \
    X(EXFIL_UPLOADS, "uploads")                                                                    \
    X(EXFIL_SERVED, "served")                                                                      \
    X(EXFIL_NOT_OUTBOUND, "not_outbound")                                                          \
    X(EXFIL_TIME_BACKWARDS, "time_backwards")                                                      \
    X(EXFIL_SCORED, "scored")                                                                      \
    X(EXFIL_PRIOR, "insufficient_history")                                                         \
    X(EXFIL_ALERTS, "alerts")                                                                      \
    X(EXFIL_REALERT, "suppressed_realert")                                                         \
    X(EXFIL_HOST_EVICTIONS, "host_evictions")                                                      \
    X(EXFIL_PAIR_EVICTIONS, "pair_evictions")                                                      \
    X(EXFIL_HOSTS_EXPIRED, "hosts_expired")                                                        \
    X(EXFIL_PAIRS_EXPIRED, "pairs_expired")

enum exfil_counter { EXFIL_COUNTERS(COUNTER_ENUM) EXFIL_COUNTER_COUNT };
static const char *const exfil_counter_names[] = {EXFIL_COUNTERS(COUNTER_NAME)};

struct exfil_host {
    uint64_t hour_us; /* start of the open hour */
    uint64_t hour_up; /* bytes uploaded to outside destinations in it */
    struct upload_baseline base;
};

/* A destination: a lower-cased name (is_name) or the server's struct bhv_ip
 * bytes. 64 bytes in all; longer names end in a hash (bhv_name_key). */
struct exfil_pair_key {
    struct bhv_ip host;
    uint8_t is_name;
    char dest[46];
};

struct exfil_pair {
    uint64_t hour_us; /* start of the window the counts belong to */
    uint64_t bytes_up, bytes_down;
    uint64_t first_seen_us;
    uint64_t last_alert_us; /* 0: never */
    uint32_t conns;
    uint32_t reserved;
};

struct exfil {
    struct exfil_config cfg;
    struct bhv_sink sink;
    struct bhv_table *hosts, *pairs;
    uint64_t clock_us; /* latest capture time seen: touch times never go back */
    uint64_t last_tick_us;
    uint64_t last_expiry_us; /* capture hour of the last ageing walk */
    uint64_t counters[EXFIL_COUNTER_COUNT];
};

void exfil_config_default(struct exfil_config *cfg)
{
    *cfg = (struct exfil_config){
        .threshold = 0.6,
        .min_bytes = 10000000,
        .min_hours = 24,
        .prior_hourly_bytes = 10e6,
        .prior_sigma = 1.5,
        .min_sigma = 0.5,
        .z_full = 5.0,
        .ratio_full = 10.0,
        .weight_volume = 0.45,
        .weight_ratio = 0.3,
        .weight_cloud = 0.15,
        .weight_new = 0.1,
        .realert_s = 86400,
        .dest_memory_hours = 720,
        .max_hosts = 16384,
        .max_pairs = 131072,
        .count_served = false,
    };
}

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "exfil." name, type, offsetof(struct exfil_config, field), help                            \
    }

const struct bhv_option exfil_options[] = {
    OPT("threshold", BHV_OPT_DOUBLE, threshold, "score (0..1) at which to alert"),
    OPT("min_bytes", BHV_OPT_U64, min_bytes, "bytes up to one destination in an hour, at least"),
    OPT("min_hours", BHV_OPT_U64, min_hours, "active hours before a host's own baseline counts"),
    OPT("prior_hourly_bytes", BHV_OPT_DOUBLE, prior_hourly_bytes,
        "bytes per hour assumed usual for hosts with less history"),
    OPT("prior_sigma", BHV_OPT_DOUBLE, prior_sigma,
        "spread assumed for them, natural-log units (1.5: a factor of 4.5)"),
    OPT("min_sigma", BHV_OPT_DOUBLE, min_sigma,
        "least spread of a host's baseline, natural-log units"),
    OPT("z_full", BHV_OPT_DOUBLE, z_full, "volume z-score at which the volume part is 1"),
    OPT("ratio_full", BHV_OPT_DOUBLE, ratio_full, "upload/download ratio at which its part is 1"),
    OPT("weight_volume", BHV_OPT_DOUBLE, weight_volume, "weight of the volume part"),
    OPT("weight_ratio", BHV_OPT_DOUBLE, weight_ratio, "weight of the upload/download ratio part"),
    OPT("weight_cloud", BHV_OPT_DOUBLE, weight_cloud, "weight of a storage or paste service"),
    OPT("weight_new", BHV_OPT_DOUBLE, weight_new, "weight of a destination new to the host"),
    OPT("realert_s", BHV_OPT_U64, realert_s, "seconds between alerts for one host and destination"),
    OPT("dest_memory_hours", BHV_OPT_U64, dest_memory_hours,
        "hours a destination (and an idle host) is remembered"),
    OPT("max_hosts", BHV_OPT_U64, max_hosts, "internal hosts with a baseline, at most"),
    OPT("max_pairs", BHV_OPT_U64, max_pairs, "(host, destination) pairs remembered, at most"),
    OPT("count_served", BHV_OPT_BOOL, count_served,
        "count what internal servers send to outside clients as their upload"),
};
const size_t exfil_option_count = sizeof(exfil_options) / sizeof(exfil_options[0]);

static bool config_ok(const struct exfil_config *c)
{
    double w = c->weight_volume + c->weight_ratio + c->weight_cloud + c->weight_new;
    return c->threshold > 0 && c->threshold <= 1 && c->max_hosts > 0 && c->max_pairs > 0 &&
           c->weight_volume >= 0 && c->weight_ratio >= 0 && c->weight_cloud >= 0 &&
           c->weight_new >= 0 && w > 0 && c->z_full > 0 && c->min_sigma > 0 && c->prior_sigma > 0 &&
           c->ratio_full > 1 && c->prior_hourly_bytes >= 0;
}

struct exfil *exfil_new(const struct exfil_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || !config_ok(cfg))
        return NULL;
    struct exfil *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (sink)
        d->sink = *sink;
    struct bhv_table_config hosts = {"exfil.hosts", sizeof(struct bhv_ip),
                                     sizeof(struct exfil_host), cfg->max_hosts};
    struct bhv_table_config pairs = {"exfil.pairs", sizeof(struct exfil_pair_key),
                                     sizeof(struct exfil_pair), cfg->max_pairs};
    d->hosts = bhv_table_new(&hosts);
    d->pairs = bhv_table_new(&pairs);
    if (!d->hosts || !d->pairs)
        goto fail;
    return d;
fail:
    exfil_free(d);
    return NULL;
}

void exfil_free(struct exfil *d)
{
    if (!d)
        return;
    bhv_table_free(d->hosts);
    bhv_table_free(d->pairs);
    free(d);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t seconds_us(uint64_t s)
{
    return s > UINT64_MAX / SEC_US ? UINT64_MAX : s * SEC_US;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* One counted transfer, seen from the internal host. */
struct upload {
    const struct bhv_conn *c;
    struct bhv_ip host, peer;
    uint16_t host_port, peer_port;
    uint64_t up, down;
    uint64_t ts_us, hour_us;
    const char *name; /* SNI or HTTP host, NULL when none */
    bool is_backwards;
};

/* The host's record with its hour rolled forward to u's: a closed hour
 * becomes a baseline sample. */
static struct exfil_host *host_update(struct exfil *d, struct upload *u)
{
    bool is_new;
    struct exfil_host *h = bhv_table_get(d->hosts, &u->host, d->clock_us, &is_new);
    d->counters[EXFIL_HOST_EVICTIONS] = bhv_table_evictions(d->hosts);
    if (u->hour_us < h->hour_us)
        u->is_backwards = true; /* a merged capture: the late flow joins the open hour */
    if (is_new) {
        h->hour_us = u->hour_us;
    } else if (u->hour_us > h->hour_us || h->hour_us - u->hour_us > RESTART_BACK_US) {
        upload_baseline_add(&h->base, h->hour_up);
        h->hour_us = u->hour_us;
        h->hour_up = 0;
    }
    h->hour_up = sat_add(h->hour_up, u->up);
    return h;
}

static struct exfil_pair *pair_update(struct exfil *d, struct upload *u)
{
    struct exfil_pair_key key;
    memset(&key, 0, sizeof(key));
    key.host = u->host;
    if (u->name) {
        key.is_name = 1;
        bhv_name_key(key.dest, sizeof(key.dest), u->name);
    } else {
        memcpy(key.dest, &u->peer, sizeof(u->peer));
    }
    bool is_new;
    struct exfil_pair *p = bhv_table_get(d->pairs, &key, d->clock_us, &is_new);
    d->counters[EXFIL_PAIR_EVICTIONS] = bhv_table_evictions(d->pairs);
    if (u->hour_us < p->hour_us)
        u->is_backwards = true;
    if (is_new) {
        p->hour_us = u->hour_us;
        p->first_seen_us = u->ts_us;
    } else if (u->hour_us > p->hour_us || p->hour_us - u->hour_us > RESTART_BACK_US) {
        p->hour_us = u->hour_us;
        p->bytes_up = p->bytes_down = 0;
        p->conns = 0;
    }
    p->bytes_up = sat_add(p->bytes_up, u->up);
    p->bytes_down = sat_add(p->bytes_down, u->down);
    if (p->conns < UINT32_MAX)
        p->conns++;
    return p;
}

/* The score and what it is made of. */
struct judgement {
    bool has_history;
    double centre_ln, sigma_ln, z;
    double ratio;
    double volume, ratio_part, cloud, is_new; /* parts, 0..1 */
    double score;
    const struct cloud_storage_service *service;
};

static void judge(const struct exfil *d, const struct exfil_host *h, const struct exfil_pair *p,
                  const char *name, struct judgement *j)
{
    const struct exfil_config *cfg = &d->cfg;
    j->has_history = h->base.len >= cfg->min_hours;
    if (j->has_history) {
        j->centre_ln = h->base.median_ln;
        j->sigma_ln = fmax(MAD_TO_SIGMA * h->base.mad_ln, cfg->min_sigma);
    } else {
        j->centre_ln = log1p(cfg->prior_hourly_bytes);
        j->sigma_ln = cfg->prior_sigma;
    }
    j->z = (log1p((double)p->bytes_up) - j->centre_ln) / j->sigma_ln;
    j->volume = clamp01(j->z / cfg->z_full);
    j->ratio = (double)p->bytes_up / ((double)p->bytes_down + 1.0);
    j->ratio_part = j->ratio > 1 ? clamp01(log(j->ratio) / log(cfg->ratio_full)) : 0;
    j->service = cloud_storage_match(name);
    j->cloud = j->service ? 1 : 0;
    /* Without history every destination is new: the part means nothing yet. */
    j->is_new = j->has_history && p->first_seen_us >= p->hour_us ? 1 : 0;
    double w = cfg->weight_volume + cfg->weight_ratio + cfg->weight_cloud + cfg->weight_new;
    j->score = (cfg->weight_volume * j->volume + cfg->weight_ratio * j->ratio_part +
                cfg->weight_cloud * j->cloud + cfg->weight_new * j->is_new) /
               w;
}

static const char *size_text(double bytes, char *buf, size_t size)
{
    if (bytes >= 1e9)
        snprintf(buf, size, "%.1f GB", bytes / 1e9);
    else if (bytes >= 1e6)
        snprintf(buf, size, "%.0f MB", bytes / 1e6);
    else
        snprintf(buf, size, "%.0f kB", bytes / 1e3);
    return buf;
}

static void alert_facts(struct bhv_alert *a, const struct exfil_host *h, const struct exfil_pair *p,
                        const struct judgement *j, const char *dest)
{
    bhv_alert_num(a, false, "bytes_up", (double)p->bytes_up);
    bhv_alert_num(a, false, "bytes_down", (double)p->bytes_down);
    bhv_alert_num(a, false, "ratio", j->ratio);
    bhv_alert_num(a, false, "connections", p->conns);
    bhv_alert_text(a, false, "destination", dest);
    bhv_alert_time(a, false, "window_start", p->hour_us);
    bhv_alert_time(a, false, "first_seen", p->first_seen_us);
    bhv_alert_num(a, false, "volume_z", j->z);
    if (j->service)
        bhv_alert_text(a, false, "service", j->service->suffix);

    bhv_alert_text(a, true, "source",
                   j->has_history ? "host's own active hours"
                                  : "configured prior (too little history)");
    bhv_alert_num(a, true, "median_hourly_upload_bytes", expm1(j->centre_ln));
    bhv_alert_num(a, true, "mad_ln", j->has_history ? h->base.mad_ln : j->sigma_ln / MAD_TO_SIGMA);
    bhv_alert_num(a, true, "sigma_ln", j->sigma_ln);
    bhv_alert_num(a, true, "hours_of_history", h->base.len);
    bhv_alert_num(a, true, "hours_ever", h->base.hours_total);
}

static void alert(struct exfil *d, const struct upload *u, const struct exfil_host *h,
                  const struct exfil_pair *p, const struct judgement *j)
{
    char host[46], dest_ip[46], up[32], median[32], sig[200], why[512];
    bhv_ip_text(&u->host, host);
    bhv_ip_text(&u->peer, dest_ip);
    const char *dest = u->name ? u->name : dest_ip;
    size_text((double)p->bytes_up, up, sizeof(up));
    size_text(expm1(j->centre_ln), median, sizeof(median));
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR possible exfiltration %s -> %.80s: %s up", host,
             dest, up);
    snprintf(why, sizeof(why),
             "%s sent %s to %.80s%s%s within one hour (%u connections, ratio %.0f:1 up to "
             "down): %.1f robust standard deviations above %s of %s per active hour%s.",
             host, up, dest, j->service ? ", a file or paste service," : "",
             j->is_new ? " never contacted before" : "", p->conns, j->ratio, j->z,
             j->has_history ? "its median" : "the assumed median", median,
             j->has_history ? "" : " (too little history of its own)");
    struct bhv_alert a = {
        .detector = "exfil",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, j->service ? FINDING_CLOUD : FINDING_UPLOAD),
        .severity = j->score >= 0.85 ? 1 : 2,
        .category = "Potential Corporate Privacy Violation",
        .ts_us = u->ts_us,
        .flow_id = u->c->flow_id,
        .src = u->host,
        .dest = u->peer,
        .has_dest = true,
        .src_port = u->host_port,
        .dest_port = u->peer_port,
        .proto = u->c->proto,
        .target = dest,
        .score = j->score,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "volume", j->volume);
    bhv_alert_part(&a, "ratio", j->ratio_part);
    bhv_alert_part(&a, "cloud_storage", j->cloud);
    bhv_alert_part(&a, "new_destination", j->is_new);
    alert_facts(&a, h, p, j, dest);
    if (j->service) {
        bhv_alert_technique(&a, "T1567");
        bhv_alert_technique(&a, j->service->kind == CLOUD_STORAGE_TEXT ? "T1567.003" : "T1567.002");
    } else {
        bhv_alert_technique(&a, "T1041");
    }
    d->counters[EXFIL_ALERTS]++;
    bhv_emit(&d->sink, &a);
}

static void score(struct exfil *d, const struct upload *u, const struct exfil_host *h,
                  struct exfil_pair *p)
{
    struct judgement j;
    judge(d, h, p, u->name, &j);
    d->counters[EXFIL_SCORED]++;
    if (!j.has_history)
        d->counters[EXFIL_PRIOR]++;
    if (j.score < d->cfg.threshold)
        return;
    /* Within the interval either way: a merged capture going back in time
     * must not repeat the alert either. */
    uint64_t since =
        u->ts_us > p->last_alert_us ? u->ts_us - p->last_alert_us : p->last_alert_us - u->ts_us;
    if (p->last_alert_us && since < seconds_us(d->cfg.realert_s)) {
        d->counters[EXFIL_REALERT]++;
        return;
    }
    p->last_alert_us = u->ts_us ? u->ts_us : 1;
    alert(d, u, h, p, &j);
}

/* Which side is ours: an internal client's upload, or (count_served) what
 * an internal server sent to an outside client. Internal-to-internal and
 * outside-to-outside flows are someone else's business (lateral movement,
 * transit). */
static bool as_upload(const struct exfil *d, const struct bhv_conn *c, struct upload *u)
{
    if (c->is_client_internal && !c->is_server_internal) {
        u->host = c->client;
        u->peer = c->server;
        u->host_port = c->client_port;
        u->peer_port = c->server_port;
        u->up = c->bytes_toserver;
        u->down = c->bytes_toclient;
        return true;
    }
    if (d->cfg.count_served && !c->is_client_internal && c->is_server_internal) {
        u->host = c->server;
        u->peer = c->client;
        u->host_port = c->server_port;
        u->peer_port = c->client_port;
        u->up = c->bytes_toclient;
        u->down = c->bytes_toserver;
        return true;
    }
    return false;
}

void exfil_conn(struct exfil *d, const struct bhv_conn *c)
{
    d->counters[EXFIL_CONNS]++;
    struct upload u;
    memset(&u, 0, sizeof(u));
    if (!as_upload(d, c, &u)) {
        d->counters[EXFIL_NOT_OUTBOUND]++;
        return;
    }
    d->counters[c->is_client_internal ? EXFIL_UPLOADS : EXFIL_SERVED]++;
    u.c = c;
    u.ts_us = c->end_us ? c->end_us : c->start_us; /* a flow counts in the hour it ended */
    u.hour_us = u.ts_us - u.ts_us % HOUR_US;
    if (c->is_client_internal) /* the names describe the server */
        u.name = c->sni && *c->sni ? c->sni : c->host && *c->host ? c->host : NULL;
    if (u.ts_us > d->clock_us)
        d->clock_us = u.ts_us;

    struct exfil_host *h = host_update(d, &u);
    struct exfil_pair *p = pair_update(d, &u);
    if (u.is_backwards)
        d->counters[EXFIL_TIME_BACKWARDS]++;
    if (p->bytes_up >= d->cfg.min_bytes && p->bytes_up > 0)
        score(d, &u, h, p);
}

void exfil_tick(struct exfil *d, uint64_t now_us)
{
    uint64_t hour = now_us - now_us % HOUR_US;
    if (now_us < d->last_tick_us)
        d->counters[EXFIL_TIME_BACKWARDS]++;
    else
        d->last_tick_us = now_us;
    if (hour <= d->last_expiry_us)
        return;
    d->last_expiry_us = hour;
    uint64_t memory = d->cfg.dest_memory_hours > UINT64_MAX / HOUR_US
                          ? UINT64_MAX
                          : d->cfg.dest_memory_hours * HOUR_US;
    if (now_us <= memory)
        return;
    d->counters[EXFIL_PAIRS_EXPIRED] += bhv_table_expire(d->pairs, now_us - memory);
    d->counters[EXFIL_HOSTS_EXPIRED] += bhv_table_expire(d->hosts, now_us - memory);
}

void exfil_finish(struct exfil *d, uint64_t now_us)
{
    (void)d;
    (void)now_us;
}

struct counter_view exfil_counters(const struct exfil *d)
{
    return (struct counter_view){"detect.exfil", exfil_counter_names, d->counters,
                                 EXFIL_COUNTER_COUNT};
}

size_t exfil_memory(const struct exfil *d)
{
    return sizeof(*d) + bhv_table_memory(d->hosts) + bhv_table_memory(d->pairs);
}

struct save_header {
    char magic[8];
    uint32_t layout;
    uint32_t baseline_hours;
};

int exfil_save(const struct exfil *d, FILE *fp)
{
    struct save_header h = {.layout = SAVE_LAYOUT, .baseline_hours = UPLOAD_BASELINE_HOURS};
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    if (fwrite(&h, sizeof(h), 1, fp) != 1)
        return -EIO;
    struct bhv_table *const tables[] = {d->hosts, d->pairs};
    return bhv_tables_save(tables, 2, fp);
}

int exfil_load(struct exfil *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0) {
        if (err && err_size)
            snprintf(err, err_size, "exfil: not saved exfil state");
        return -EINVAL;
    }
    if (h.layout != SAVE_LAYOUT || h.baseline_hours != UPLOAD_BASELINE_HOURS) {
        if (err && err_size)
            snprintf(err, err_size,
                     "exfil: state of an older layout (dropped; baselines "
                     "start afresh)");
        return -EINVAL;
    }
    struct bhv_table *const tables[] = {d->hosts, d->pairs};
    int rc = bhv_tables_load(tables, 2, fp, err, err_size);
    /* Touch times come back as saved; the clock must not run behind them. */
    size_t cursor = 0;
    uint64_t touched;
    while (bhv_table_next(d->hosts, &cursor, NULL, NULL, &touched))
        d->clock_us = touched > d->clock_us ? touched : d->clock_us;
    d->counters[EXFIL_HOST_EVICTIONS] = bhv_table_evictions(d->hosts);
    d->counters[EXFIL_PAIR_EVICTIONS] = bhv_table_evictions(d->pairs);
    return rc;
}
