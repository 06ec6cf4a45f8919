/* rare.c — bounded seen-sets of fingerprints, servers and hosts, and the two
 * findings judged on them.
 *
 * A fingerprint is keyed by JA4 when the hello has one: JA3 hashes the
 * extensions in wire order, which Chrome shuffles on every connection since
 * version 110, so a JA3 key would be "new" every time. Servers and (host,
 * server) pairs are keyed by 64-bit hashes; names are kept only where an
 * alert shows them.
 */
#include "detect/rare/rare.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/siphash.h"
#include "detect/bhv_table.h"
#include "detect/psl/psl.h"

#define DETECTOR_NO 4
#define US 1000000.0
#define SAVE_MAGIC "HRRARE1"
#define SAVE_BOM 0x01020304u
#define FP_SERVERS 4  /* distinct servers remembered per fingerprint */
#define FP_CLIENTS 8  /* distinct hosts remembered per fingerprint: max_hosts' ceiling */
#define SRV_CLIENTS 4 /* distinct hosts remembered per server */
#define SRV_FPS 4     /* distinct fingerprints remembered per server */
#define HOST_FPS 4    /* distinct fingerprints remembered per host */
#define DAY_US (86400ull * 1000000)
/* Steps back in time tolerated before counting: hellos come in packet
 * order (1 s of jitter between merged interfaces); flows come when they end,
 * and the flow table's timeouts differ by up to 600 s between classes. */
#define NAME_SLACK_US 1000000ull
#define FLOW_SLACK_US 900000000ull
/* Repetition reaches 1 at 32 connections; persistence at an hour of use. */
#define FULL_CONNECTIONS 32.0
#define FULL_PERSISTENCE_S 3600.0

#define RARE_COUNTERS(X)                                                                           \
    X(RC_NAMES, "names")                                                                           \
    X(RC_CONNS, "conns")                                                                           \
    X(RC_CONNS_NAMED, "conns_named_skipped")                                                       \
    X(RC_INTERNAL, "skipped_internal_server")                                                      \
    X(RC_NO_FP, "names_without_fingerprint")                                                       \
    X(RC_DUP, "duplicate_hellos")                                                                  \
    X(RC_BACKWARDS, "time_backwards")                                                              \
    X(RC_NEW_FP, "new_fingerprints")                                                               \
    X(RC_NEW_SERVER, "new_servers")                                                                \
    X(RC_LEARNING, "first_seen_while_learning")                                                    \
    X(RC_FS_BELOW, "first_seen_below_threshold")                                                   \
    X(RC_SUPPRESSED, "alerts_suppressed_realert")                                                  \
    X(RC_SHARED_SERVER, "single_server_fingerprint_shared_server")                                 \
    X(RC_ALERT_IMPLANT, "alerts_single_server_fingerprint")                                        \
    X(RC_ALERT_FIRST, "alerts_first_seen")                                                         \
    X(RC_FP_EVICTED, "fingerprints_evicted")                                                       \
    X(RC_SERVERS_EVICTED, "servers_evicted")                                                       \
    X(RC_HOSTS_EVICTED, "hosts_evicted")                                                           \
    X(RC_HS_EVICTED, "host_servers_evicted")                                                       \
    X(RC_EXPIRED, "expired")

enum rare_counter { RARE_COUNTERS(COUNTER_ENUM) RC_COUNTER_COUNT };
static const char *const counter_names[] = {RARE_COUNTERS(COUNTER_NAME)};

enum fp_kind { FP_JA3 = 3, FP_JA4 = 4 };

struct fp_key {
    uint8_t kind;
    char name[39]; /* lower-cased JA4 (36) or JA3 (32) */
};

struct fp_state {
    uint64_t first_us, last_us, conns, flow_id, last_alert_us;
    uint64_t server_h[FP_SERVERS];
    uint64_t client_h[FP_CLIENTS];
    uint64_t domain_h;            /* of the first server's registered domain; 0 when none */
    struct bhv_ip client, server; /* of the first connection */
    uint16_t server_port;
    uint8_t server_count; /* FP_SERVERS + 1: more than remembered */
    uint8_t client_count; /* FP_CLIENTS + 1: more */
    bool has_alerted, ja3_varies;
    char server_name[64]; /* of the first connection: SNI, host or address text */
    char ja3[33];         /* with a JA4 key, the JA3 last seen with it */
};

struct server_state {
    uint64_t first_us, last_alert_us;
    uint64_t client_h[SRV_CLIENTS];
    uint64_t fp_h[SRV_FPS];
    uint32_t conns;
    uint8_t client_count; /* SRV_CLIENTS + 1: more */
    uint8_t fp_count;     /* SRV_FPS + 1: more */
    bool has_alerted;
};

struct host_state {
    uint64_t first_us, day_start_us, last_alert_us;
    uint64_t servers_known; /* (host, server) pairs ever recorded */
    uint64_t fp_h[HOST_FPS];
    double usual_new_per_day; /* EWMA over days, a week's memory */
    uint32_t new_today, days;
    uint8_t fp_count; /* HOST_FPS + 1: more */
    bool has_alerted;
};

struct rare {
    struct rare_config cfg;
    struct bhv_sink sink;
    const struct psl *psl;
    struct bhv_table *fps, *servers, *hosts, *host_servers;
    uint64_t hash_key[2]; /* of server and (host, server) keys; saved with them */
    uint64_t clock_us;
    uint64_t start_us;
    bool has_start;
    uint64_t counters[RC_COUNTER_COUNT];
};

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "rare." name, type, offsetof(struct rare_config, field), help                              \
    }
const struct bhv_option rare_options[] = {
    OPT("learn_s", BHV_OPT_DOUBLE, learn_s,
        "seconds after the first input before first-seen alerts (0: at once; the "
        "single-server fingerprint alert never waits)"),
    OPT("learn_min_fingerprints", BHV_OPT_U64, learn_min_fingerprints,
        "distinct client fingerprints the site must have shown before first-seen alerts "
        "(a capture of a few hosts has too little to call anything new)"),
    OPT("min_connections", BHV_OPT_U64, min_connections,
        "connections a fingerprint needs before it can be a single-server implant sign"),
    OPT("max_server_fingerprints", BHV_OPT_U64, max_server_fingerprints,
        "client fingerprints (at most 4) that may reach the fingerprint's one server: a C2 "
        "server hears only its implant, a public site hears many clients"),
    OPT("max_hosts", BHV_OPT_U64, max_hosts,
        "hosts (at most 8) that may use a fingerprint or server for it to count as rare"),
    OPT("threshold", BHV_OPT_DOUBLE, threshold, "single-server fingerprint: score (0..1) to alert"),
    OPT("first_seen_threshold", BHV_OPT_DOUBLE, first_seen_threshold,
        "first-seen: score (0..1) to alert; 1 = new fingerprint and new server together"),
    OPT("realert_s", BHV_OPT_DOUBLE, realert_s,
        "seconds before the same fingerprint or server alerts again"),
    OPT("host_alert_gap_s", BHV_OPT_DOUBLE, host_alert_gap_s,
        "seconds between two first-seen alerts of one host"),
    OPT("forget_s", BHV_OPT_DOUBLE, forget_s,
        "seconds of disuse after which a fingerprint, server or host is forgotten"),
    OPT("fingerprints_max", BHV_OPT_U64, fingerprints_max,
        "fingerprints remembered (344 bytes each)"),
    OPT("servers_max", BHV_OPT_U64, servers_max, "external servers remembered (88 bytes each)"),
    OPT("hosts_max", BHV_OPT_U64, hosts_max, "internal hosts remembered (136 bytes each)"),
    OPT("host_servers_max", BHV_OPT_U64, host_servers_max,
        "(host, server) pairs remembered (40 bytes each)"),
};
const size_t rare_option_count = sizeof(rare_options) / sizeof(rare_options[0]);

void rare_config_default(struct rare_config *cfg)
{
    *cfg = (struct rare_config){
        .learn_s = 86400,
        .learn_min_fingerprints = 20,
        .min_connections = 5,
        .max_hosts = 3,
        .max_server_fingerprints = 2,
        .threshold = 0.6,
        .first_seen_threshold = 1.0,
        .realert_s = 7 * 86400.0,
        .host_alert_gap_s = 3600,
        .forget_s = 90 * 86400.0,
        .fingerprints_max = 16384,
        .servers_max = 65536,
        .hosts_max = 16384,
        .host_servers_max = 131072,
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

static struct bhv_table *table(const char *name, size_t key_size, size_t value_size, uint64_t max)
{
    return bhv_table_new(&(struct bhv_table_config){name, key_size, value_size, max});
}

struct rare *rare_new(const struct rare_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || !cfg->fingerprints_max || !cfg->servers_max || !cfg->hosts_max ||
        !cfg->host_servers_max)
        return NULL;
    struct rare *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (d->cfg.max_hosts < 1)
        d->cfg.max_hosts = 1;
    if (d->cfg.max_hosts > FP_CLIENTS)
        d->cfg.max_hosts = FP_CLIENTS;
    if (d->cfg.max_server_fingerprints < 1)
        d->cfg.max_server_fingerprints = 1;
    if (d->cfg.max_server_fingerprints > SRV_FPS)
        d->cfg.max_server_fingerprints = SRV_FPS;
    if (sink)
        d->sink = *sink;
    d->fps = table("rare.fingerprints", sizeof(struct fp_key), sizeof(struct fp_state),
                   cfg->fingerprints_max);
    d->servers =
        table("rare.servers", sizeof(uint64_t), sizeof(struct server_state), cfg->servers_max);
    d->hosts =
        table("rare.hosts", sizeof(struct bhv_ip), sizeof(struct host_state), cfg->hosts_max);
    d->host_servers =
        table("rare.host_servers", sizeof(uint64_t), sizeof(uint64_t), cfg->host_servers_max);
    if (!d->fps || !d->servers || !d->hosts || !d->host_servers)
        goto fail;
    if (getrandom(d->hash_key, sizeof(d->hash_key), 0) != (ssize_t)sizeof(d->hash_key)) {
        d->hash_key[0] = (uint64_t)(uintptr_t)d ^ 0x9e3779b97f4a7c15ull;
        d->hash_key[1] = (uint64_t)(uintptr_t)d->fps;
    }
    return d;
fail:
    rare_free(d);
    return NULL;
}

void rare_free(struct rare *d)
{
    if (!d)
        return;
    bhv_table_free(d->fps);
    bhv_table_free(d->servers);
    bhv_table_free(d->hosts);
    bhv_table_free(d->host_servers);
    free(d);
}

static void sync_evictions(struct rare *d)
{
    d->counters[RC_FP_EVICTED] = bhv_table_evictions(d->fps);
    d->counters[RC_SERVERS_EVICTED] = bhv_table_evictions(d->servers);
    d->counters[RC_HOSTS_EVICTED] = bhv_table_evictions(d->hosts);
    d->counters[RC_HS_EVICTED] = bhv_table_evictions(d->host_servers);
}

/* Hashes under the detector's secret key, so nobody who picks names or
 * addresses can make a new server pass for a known one. Names and addresses
 * hash in separate domains (the tag byte). */
static uint64_t keyed_hash(const struct rare *d, uint8_t tag, const void *p, size_t len)
{
    uint8_t buf[264];
    if (len > sizeof(buf) - 1)
        len = sizeof(buf) - 1;
    buf[0] = tag;
    memcpy(buf + 1, p, len);
    return siphash24(d->hash_key, buf, len + 1);
}

static uint64_t ip_hash(const struct rare *d, const struct bhv_ip *ip)
{
    return keyed_hash(d, 'a', ip, sizeof(*ip));
}

static uint64_t server_hash(const struct rare *d, const char *name, const struct bhv_ip *ip)
{
    if (!name)
        return ip_hash(d, ip);
    char key[256];
    bhv_name_key(key, sizeof(key), name);
    return keyed_hash(d, 'n', key, strlen(key));
}

/* Adds h to a small set; returns the set's count (cap + 1 reads "more"). */
static uint8_t set_add(uint64_t *set, uint8_t *count, size_t cap, uint64_t h)
{
    size_t known = *count > cap ? cap : *count;
    for (size_t i = 0; i < known; i++)
        if (set[i] == h)
            return *count;
    if (*count < cap)
        set[*count] = h;
    if (*count <= cap)
        (*count)++;
    return *count;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* 1 for one host, falling linearly to 0 past max_hosts. */
static double rarity(const struct rare *d, unsigned hosts)
{
    if (hosts <= 1)
        return 1;
    return clamp01(1 - (double)(hosts - 1) / (double)d->cfg.max_hosts);
}

static bool is_suppressed(const struct rare *d, bool has_alerted, uint64_t last_us, double gap_s)
{
    uint64_t since = d->clock_us > last_us ? d->clock_us - last_us : 0;
    return has_alerted && since < secs_us(gap_s);
}

/* Moves the clock to t; a t more than slack_us behind it is a step back in
 * time (a merged capture), counted and otherwise handled like any other. */
static void advance_clock(struct rare *d, uint64_t t, uint64_t slack_us)
{
    if (!d->has_start) {
        d->has_start = true;
        d->start_us = t;
    }
    if (t >= d->clock_us)
        d->clock_us = t;
    else if (d->clock_us - t > slack_us)
        d->counters[RC_BACKWARDS]++;
}

/* Records that host contacted server; returns the host's state. */
static struct host_state *host_contact(struct rare *d, const struct bhv_ip *host, uint64_t server_h,
                                       uint64_t t)
{
    struct bhv_ip k;
    memset(&k, 0, sizeof(k));
    memcpy(k.b, host->b, sizeof(k.b));
    k.family = host->family;
    bool is_new = false;
    struct host_state *h = bhv_table_get(d->hosts, &k, d->clock_us, &is_new);
    if (is_new)
        h->first_us = h->day_start_us = t;
    if (t > h->day_start_us && t - h->day_start_us >= DAY_US) { /* fold finished days */
        uint64_t days = (t - h->day_start_us) / DAY_US;
        double alpha = 1.0 / 7;
        h->usual_new_per_day += alpha * (h->new_today - h->usual_new_per_day);
        if (days > 1)
            h->usual_new_per_day *= pow(1 - alpha, (double)(days - 1 < 10000 ? days - 1 : 10000));
        h->days += days > UINT32_MAX - h->days ? 0 : (uint32_t)days;
        h->day_start_us += days * DAY_US;
        h->new_today = 0;
    }
    uint64_t pair[2] = {ip_hash(d, &k), server_h};
    uint64_t hs = keyed_hash(d, 'p', pair, sizeof(pair));
    bool is_new_pair = false;
    uint64_t *first = bhv_table_get(d->host_servers, &hs, d->clock_us, &is_new_pair);
    if (is_new_pair) {
        *first = t;
        h->new_today++;
        h->servers_known++;
    }
    sync_evictions(d);
    return h;
}

void rare_use_psl(struct rare *d, const struct psl *psl)
{
    d->psl = psl;
}

/* The registered domain of a server name, as a servers-table key (its own
 * hash domain, 'r'), when it differs from the name; 0 otherwise. */
static uint64_t domain_hash(const struct rare *d, const char *name)
{
    size_t len = 0;
    const char *dom = d->psl && name ? psl_registered_domain(d->psl, name, &len) : NULL;
    if (!dom || len == strlen(name))
        return 0;
    char key[256];
    if (len >= sizeof(key))
        len = sizeof(key) - 1;
    memcpy(key, dom, len);
    key[len] = '\0';
    bhv_name_key(key, sizeof(key), key);
    return keyed_hash(d, 'r', key, strlen(key));
}

/* Records the server's use; sets *is_new when nobody had contacted it. */
static struct server_state *server_contact(struct rare *d, uint64_t server_h,
                                           const struct bhv_ip *client, uint64_t t, bool *is_new)
{
    struct server_state *s = bhv_table_get(d->servers, &server_h, d->clock_us, is_new);
    if (*is_new) {
        s->first_us = t;
        d->counters[RC_NEW_SERVER]++;
    }
    s->conns++;
    set_add(s->client_h, &s->client_count, SRV_CLIENTS, ip_hash(d, client));
    sync_evictions(d);
    return s;
}

void rare_conn(struct rare *d, const struct bhv_conn *c)
{
    d->counters[RC_CONNS]++;
    if (c->sni || c->host || c->ja3 || c->ja4) {
        d->counters[RC_CONNS_NAMED]++;
        return;
    }
    if (c->is_server_internal) {
        d->counters[RC_INTERNAL]++;
        return;
    }
    /* Flows arrive when they end, out of order by up to a flow timeout. */
    advance_clock(d, c->end_us > c->start_us ? c->end_us : c->start_us, FLOW_SLACK_US);
    uint64_t server_h = ip_hash(d, &c->server);
    bool is_new = false;
    server_contact(d, server_h, &c->client, c->start_us, &is_new);
    host_contact(d, &c->client, server_h, c->start_us);
}

static const char *fp_text(const struct fp_key *k, const struct fp_state *f)
{
    /* JA3 when it is stable: it is what block lists (abuse.ch SSLBL) carry. */
    if (k->kind == FP_JA4 && f->ja3[0] && !f->ja3_varies)
        return f->ja3;
    return k->name;
}

static void host_baseline(struct rare *d, struct bhv_alert *a, const struct bhv_ip *host)
{
    struct bhv_ip k;
    memset(&k, 0, sizeof(k));
    memcpy(k.b, host->b, sizeof(k.b));
    k.family = host->family;
    const struct host_state *h = bhv_table_find(d->hosts, &k);
    if (!h)
        return;
    bhv_alert_time(a, true, "host_first_seen", h->first_us);
    bhv_alert_num(a, true, "host_servers_known", (double)h->servers_known);
    bhv_alert_num(a, true, "host_usual_new_servers_per_day", h->usual_new_per_day);
    bhv_alert_num(a, true, "host_new_servers_today", h->new_today);
    bhv_alert_num(a, true, "host_fingerprints_used", h->fp_count);
}

struct implant {
    double rarity, repetition, persistence, score;
};

static struct implant implant_judge(const struct fp_state *f)
{
    struct implant j;
    j.rarity = 1.0 / (f->client_count ? f->client_count : 1);
    j.repetition = clamp01(log2((double)f->conns) / log2(FULL_CONNECTIONS));
    double span_s = f->last_us > f->first_us ? (double)(f->last_us - f->first_us) / US : 0;
    j.persistence = clamp01(span_s / FULL_PERSISTENCE_S);
    j.score = (j.rarity + j.repetition + j.persistence) / 3;
    return j;
}

static void implant_emit(struct rare *d, const struct fp_key *k, const struct fp_state *f,
                         const struct implant *j)
{
    char sig[240], why[400];
    const char *fp = fp_text(k, f);
    double span_min = (double)(f->last_us - f->first_us) / 60e6;
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR rare TLS client fingerprint %s talks only to %s",
             fp, f->server_name);
    snprintf(why, sizeof(why),
             "The TLS client fingerprint %s was used for %llu connections over %.1f min by %u "
             "host(s), always to %s and to no other server on the site: a client written for "
             "one server, as implants are.",
             fp, (unsigned long long)f->conns, span_min, f->client_count, f->server_name);
    struct bhv_alert a = {
        .detector = "rare",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, 1),
        .severity = 2,
        .category = "A Network Trojan was detected",
        .ts_us = d->clock_us,
        .flow_id = f->flow_id,
        .src = f->client,
        .dest = f->server,
        .has_dest = true,
        .dest_port = f->server_port,
        .target = f->server_name,
        .score = j->score,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "rarity", j->rarity);
    bhv_alert_part(&a, "repetition", j->repetition);
    bhv_alert_part(&a, "persistence", j->persistence);
    bhv_alert_text(&a, false, k->kind == FP_JA4 ? "ja4" : "ja3", k->name);
    if (k->kind == FP_JA4)
        bhv_alert_text(&a, false, f->ja3_varies ? "ja3_last" : "ja3", f->ja3[0] ? f->ja3 : NULL);
    bhv_alert_num(&a, false, "connections", (double)f->conns);
    bhv_alert_num(&a, false, "hosts_using_fingerprint", f->client_count);
    bhv_alert_num(&a, false, "servers_of_fingerprint", f->server_count);
    bhv_alert_text(&a, false, "server", f->server_name);
    bhv_alert_time(&a, false, "fingerprint_first_seen", f->first_us);
    bhv_alert_time(&a, false, "fingerprint_last_seen", f->last_us);
    bhv_alert_num(&a, false, "span_minutes", span_min);
    bhv_alert_num(&a, true, "site_fingerprints_known", (double)bhv_table_count(d->fps));
    bhv_alert_num(&a, true, "rare_max_hosts", (double)d->cfg.max_hosts);
    host_baseline(d, &a, &f->client);
    bhv_alert_technique(&a, "T1071.001");
    bhv_alert_technique(&a, "T1573");
    bhv_emit(&d->sink, &a);
}

/* The implant sign over every fingerprint: one server, few hosts, used
 * again and again. */
static void implant_scan(struct rare *d)
{
    size_t cursor = 0;
    const void *key;
    void *value;
    while (bhv_table_next(d->fps, &cursor, &key, &value, NULL)) {
        struct fp_state *f = value;
        if (f->server_count != 1 || f->client_count > d->cfg.max_hosts ||
            f->conns < d->cfg.min_connections)
            continue;
        /* A fingerprint seen only with one server is also what a rare
         * client of a popular site looks like (a test tool cycling through
         * a hundred TLS stacks to www.google.com): the implant sign needs the
         * server to be as exclusive as the client. */
        const struct server_state *s = bhv_table_find(d->servers, &f->server_h[0]);
        const struct server_state *dom =
            f->domain_h ? bhv_table_find(d->servers, &f->domain_h) : NULL;
        if ((s && s->fp_count > d->cfg.max_server_fingerprints) ||
            (dom && dom->fp_count > d->cfg.max_server_fingerprints)) {
            d->counters[RC_SHARED_SERVER]++;
            continue;
        }
        struct implant j = implant_judge(f);
        if (j.score < d->cfg.threshold)
            continue;
        if (is_suppressed(d, f->has_alerted, f->last_alert_us, d->cfg.realert_s)) {
            continue; /* counted once per realert period, not once a tick */
        }
        f->has_alerted = true;
        f->last_alert_us = d->clock_us;
        d->counters[RC_ALERT_IMPLANT]++;
        implant_emit(d, key, f, &j);
    }
}

struct first_seen {
    double new_fp, new_server, fp_rarity, server_rarity, score;
};

static void first_seen_emit(struct rare *d, const struct bhv_name *n, const struct fp_key *k,
                            const struct fp_state *f, const struct server_state *s,
                            const struct first_seen *j, const char *server_text)
{
    char host[46], sig[240], why[400];
    bhv_ip_text(&n->client, host);
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR first-seen TLS client %s to new server %s from %s",
             k->name, server_text, host);
    snprintf(why, sizeof(why),
             "%s used a TLS client fingerprint never seen on the site before (%s) to reach %s, "
             "a server no host had contacted before: new software talking to a new place.",
             host, k->name, server_text);
    struct bhv_alert a = {
        .detector = "rare",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, 2),
        .severity = 3,
        .category = "Potentially Bad Traffic",
        .ts_us = n->ts_us,
        .flow_id = n->flow_id,
        .src = n->client,
        .dest = n->server,
        .has_dest = true,
        .dest_port = n->server_port,
        .target = server_text,
        .score = j->score,
        .threshold = d->cfg.first_seen_threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "new_fingerprint", j->new_fp);
    bhv_alert_part(&a, "new_server", j->new_server);
    bhv_alert_part(&a, "fingerprint_rarity", j->fp_rarity);
    bhv_alert_part(&a, "server_rarity", j->server_rarity);
    bhv_alert_text(&a, false, "ja4", k->name);
    bhv_alert_text(&a, false, "ja3", n->ja3);
    bhv_alert_text(&a, false, "server", server_text);
    bhv_alert_num(&a, false, "hosts_using_fingerprint", f->client_count);
    bhv_alert_num(&a, false, "hosts_using_server", s->client_count);
    bhv_alert_time(&a, false, "fingerprint_first_seen", f->first_us);
    bhv_alert_time(&a, false, "server_first_seen", s->first_us);
    bhv_alert_num(&a, true, "site_fingerprints_known", (double)bhv_table_count(d->fps));
    bhv_alert_num(&a, true, "site_servers_known", (double)bhv_table_count(d->servers));
    host_baseline(d, &a, &n->client);
    bhv_alert_technique(&a, "T1071.001");
    bhv_alert_technique(&a, "T1573");
    bhv_alert_technique(&a, "T1102");
    bhv_emit(&d->sink, &a);
}

/* First-seen needs two new things at once: a new server alone is browsing,
 * a new fingerprint alone is a software update. Only JA4 keys count (a JA3
 * may be new on every connection, see above). */
static void first_seen_judge(struct rare *d, const struct bhv_name *n, const struct fp_key *k,
                             struct fp_state *f, bool is_new_fp, struct server_state *s,
                             bool is_new_server, struct host_state *h, const char *server_text)
{
    if (k->kind != FP_JA4 || (!is_new_fp && !is_new_server))
        return;
    if (d->clock_us - d->start_us < secs_us(d->cfg.learn_s) ||
        bhv_table_count(d->fps) < d->cfg.learn_min_fingerprints) {
        d->counters[RC_LEARNING]++;
        return;
    }
    struct first_seen j = {
        .new_fp = is_new_fp,
        .new_server = is_new_server,
        .fp_rarity = rarity(d, f->client_count),
        .server_rarity = rarity(d, s->client_count),
    };
    j.score = (j.new_fp + j.new_server + j.fp_rarity + j.server_rarity) / 4;
    if (j.score < d->cfg.first_seen_threshold - 1e-9) {
        d->counters[RC_FS_BELOW]++;
        return;
    }
    if (is_suppressed(d, s->has_alerted, s->last_alert_us, d->cfg.realert_s) ||
        is_suppressed(d, h->has_alerted, h->last_alert_us, d->cfg.host_alert_gap_s)) {
        d->counters[RC_SUPPRESSED]++;
        return;
    }
    s->has_alerted = h->has_alerted = true;
    s->last_alert_us = h->last_alert_us = d->clock_us;
    d->counters[RC_ALERT_FIRST]++;
    first_seen_emit(d, n, k, f, s, &j, server_text);
}

static void fp_update(struct rare *d, struct fp_state *f, bool is_new, const struct bhv_name *n,
                      uint64_t server_h, const char *server_text)
{
    if (is_new) {
        f->first_us = f->last_us = n->ts_us;
        f->client = n->client;
        f->server = n->server;
        f->server_port = n->server_port;
        snprintf(f->server_name, sizeof(f->server_name), "%s", server_text);
        d->counters[RC_NEW_FP]++;
    }
    if (n->ts_us > f->last_us)
        f->last_us = n->ts_us;
    if (n->ts_us < f->first_us)
        f->first_us = n->ts_us;
    f->conns++;
    f->flow_id = n->flow_id;
    set_add(f->server_h, &f->server_count, FP_SERVERS, server_h);
    set_add(f->client_h, &f->client_count, FP_CLIENTS, ip_hash(d, &n->client));
    if (n->ja4 && n->ja3 && n->ja3[0]) {
        char ja3[33];
        bhv_name_key(ja3, sizeof(ja3), n->ja3);
        if (!f->ja3[0])
            memcpy(f->ja3, ja3, sizeof(ja3));
        else if (strcmp(f->ja3, ja3) != 0) {
            f->ja3_varies = true;
            memcpy(f->ja3, ja3, sizeof(ja3));
        }
    }
}

void rare_name(struct rare *d, const struct bhv_name *n)
{
    d->counters[RC_NAMES]++;
    if (n->is_server_internal) {
        d->counters[RC_INTERNAL]++;
        return;
    }
    const char *fp_name = n->ja4 && n->ja4[0] ? n->ja4 : n->ja3 && n->ja3[0] ? n->ja3 : NULL;
    struct fp_key k;
    memset(&k, 0, sizeof(k));
    if (fp_name) {
        k.kind = fp_name == n->ja4 ? FP_JA4 : FP_JA3;
        bhv_name_key(k.name, sizeof(k.name), fp_name);
        const struct fp_state *old = bhv_table_find(d->fps, &k);
        if (old && old->flow_id == n->flow_id && old->conns) {
            d->counters[RC_DUP]++;
            return;
        }
    }
    advance_clock(d, n->ts_us, NAME_SLACK_US);
    const char *name = n->sni && n->sni[0] ? n->sni : n->host && n->host[0] ? n->host : NULL;
    char server_text[64], ip[46];
    if (name)
        bhv_name_key(server_text, sizeof(server_text), name);
    else
        snprintf(server_text, sizeof(server_text), "%s", bhv_ip_text(&n->server, ip));
    uint64_t server_h = server_hash(d, name, &n->server);
    /* The registered domain is a servers-table entry of its own (only its
     * fingerprint set is used), entered first: an insertion may move the
     * server's entry. */
    uint64_t domain_h = domain_hash(d, name);
    if (domain_h && fp_name) {
        bool is_new_domain;
        struct server_state *ds = bhv_table_get(d->servers, &domain_h, d->clock_us, &is_new_domain);
        set_add(ds->fp_h, &ds->fp_count, SRV_FPS, keyed_hash(d, 'f', &k, sizeof(k)));
    }
    bool is_new_server = false;
    struct server_state *s = server_contact(d, server_h, &n->client, n->ts_us, &is_new_server);
    struct host_state *h = host_contact(d, &n->client, server_h, n->ts_us);
    if (!fp_name) {
        d->counters[RC_NO_FP]++;
        return;
    }
    uint64_t fp_h = keyed_hash(d, 'f', &k, sizeof(k));
    set_add(h->fp_h, &h->fp_count, HOST_FPS, fp_h);
    set_add(s->fp_h, &s->fp_count, SRV_FPS, fp_h);
    bool is_new_fp = false;
    struct fp_state *f = bhv_table_get(d->fps, &k, d->clock_us, &is_new_fp);
    sync_evictions(d);
    fp_update(d, f, is_new_fp, n, server_h, server_text);
    if (is_new_fp)
        f->domain_h = domain_h;
    first_seen_judge(d, n, &k, f, is_new_fp, s, is_new_server, h, server_text);
}

static void age(struct rare *d, uint64_t now_us)
{
    if (now_us > d->clock_us)
        d->clock_us = now_us;
    uint64_t forget = secs_us(d->cfg.forget_s);
    if (d->clock_us <= forget)
        return;
    uint64_t cutoff = d->clock_us - forget;
    d->counters[RC_EXPIRED] +=
        bhv_table_expire(d->fps, cutoff) + bhv_table_expire(d->servers, cutoff) +
        bhv_table_expire(d->hosts, cutoff) + bhv_table_expire(d->host_servers, cutoff);
}

void rare_tick(struct rare *d, uint64_t now_us)
{
    age(d, now_us);
    implant_scan(d);
}

void rare_finish(struct rare *d, uint64_t now_us)
{
    age(d, now_us);
    implant_scan(d);
}

struct counter_view rare_counters(const struct rare *d)
{
    return (struct counter_view){"detect.rare", counter_names, d->counters, RC_COUNTER_COUNT};
}

size_t rare_memory(const struct rare *d)
{
    return sizeof(*d) + bhv_table_memory(d->fps) + bhv_table_memory(d->servers) +
           bhv_table_memory(d->hosts) + bhv_table_memory(d->host_servers);
}

struct save_header {
    char magic[8];
    uint32_t bom;
    uint32_t has_start;
    uint64_t hash_key[2];
    uint64_t clock_us, start_us;
};

int rare_save(const struct rare *d, FILE *fp)
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
    struct bhv_table *const tables[] = {d->fps, d->servers, d->hosts, d->host_servers};
    return bhv_tables_save(tables, 4, fp);
}

static void clear(struct rare *d)
{
    bhv_table_clear(d->fps);
    bhv_table_clear(d->servers);
    bhv_table_clear(d->hosts);
    bhv_table_clear(d->host_servers);
    d->clock_us = d->start_us = 0;
    d->has_start = false;
}

int rare_load(struct rare *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    clear(d);
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0 ||
        h.bom != SAVE_BOM) {
        if (err && err_size)
            snprintf(err, err_size, "rare: not rare state of this layout");
        return -EINVAL;
    }
    struct bhv_table *const tables[] = {d->fps, d->servers, d->hosts, d->host_servers};
    int rc = bhv_tables_load(tables, 4, fp, err, err_size);
    if (rc != 0) {
        clear(d);
        return rc;
    }
    d->hash_key[0] = h.hash_key[0]; /* the saved keys were hashed under it */
    d->hash_key[1] = h.hash_key[1];
    d->clock_us = h.clock_us;
    d->start_us = h.start_us;
    d->has_start = h.has_start != 0;
    return 0;
}
