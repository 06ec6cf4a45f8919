/* long_conn.c — long connections from consecutive finished flows.
 *
 * The flow table ends a flow after 600 s of silence and the dispatcher only
 * sees ended flows, so one hours-long session can arrive as several flows:
 * each pair keeps a session whose connected time is the union of its flows'
 * intervals, gaps of under bridge_gap_s counted as connected (a reconnect).
 * Scoring follows RITA's thresholds (1 h base, 12 h high) and its prevalence
 * modifier (docs/detectors.md, "long_conn").
 */
#include "detect/rare/long_conn.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/siphash.h"
#include "detect/bhv_table.h"

#define DETECTOR_NO 5
#define US 1000000.0
#define SAVE_MAGIC "HRLCON1"
#define SAVE_BOM 0x01020304u
/* Clients remembered per server: prevalence beyond this reads as "8 or more". */
#define SERVER_CLIENTS 8
/* Server state outlives a quiet spell of a month, as RITA keeps first-seen data. */
#define SERVER_KEEP_US (30ull * 86400 * 1000000)

#define LONG_CONN_COUNTERS(X)                                                                      \
    X(LC_CONNS, "conns")                                                                           \
    X(LC_SKIP_INTERNAL, "skipped_internal_server")                                                 \
    X(LC_SKIP_PORT, "skipped_long_lived_port")                                                     \
    X(LC_SHORT, "short_untracked")                                                                 \
    X(LC_BAD_TIMES, "end_before_start")                                                            \
    X(LC_BACKWARDS, "time_backwards")                                                              \
    X(LC_SESSIONS, "sessions_started")                                                             \
    X(LC_LONG, "long_sessions")                                                                    \
    X(LC_BELOW, "long_below_threshold")                                                            \
    X(LC_SUPPRESSED, "alerts_suppressed_realert")                                                  \
    X(LC_ALERTS, "alerts")                                                                         \
    X(LC_PAIRS_EVICTED, "pairs_evicted")                                                           \
    X(LC_SERVERS_EVICTED, "servers_evicted")                                                       \
    X(LC_EXPIRED, "pairs_expired")

enum long_conn_counter { LONG_CONN_COUNTERS(COUNTER_ENUM) LC_COUNTER_COUNT };
static const char *const counter_names[] = {LONG_CONN_COUNTERS(COUNTER_NAME)};

struct pair_key {
    struct bhv_ip client, server;
    uint16_t port;
    uint8_t proto;
};

/* One session of a pair: flows joined while gaps stay under chain_gap_s. */
struct pair_state {
    uint64_t start_us, end_us; /* earliest start, latest end */
    uint64_t covered_us;       /* connected time: the union of the flows, bridged gaps */
    uint64_t bytes;            /* both directions, all flows of the session */
    uint64_t last_alert_us;
    uint64_t flow_id; /* latest flow */
    uint64_t server_h;
    uint32_t flows;
    uint32_t long_sessions; /* earlier sessions of this pair that were long */
    uint16_t client_port;
    bool has_alerted, is_long;
    char name[60]; /* SNI or HTTP host of the session, "" when none */
};

struct server_key {
    uint64_t h;
    uint16_t port;
};

struct server_state {
    uint64_t client_h[SERVER_CLIENTS];
    uint8_t client_count; /* SERVER_CLIENTS + 1: more than we remember */
};

struct long_conn {
    struct long_conn_config cfg;
    struct bhv_sink sink;
    struct bhv_table *pairs, *servers;
    uint64_t clock_us; /* latest capture time seen: never goes back */
    uint64_t counters[LC_COUNTER_COUNT];
};

#define OPT(name, type, field, help)                                                               \
    {                                                                                              \
        "long_conn." name, type, offsetof(struct long_conn_config, field), help                    \
    }
const struct bhv_option long_conn_options[] = {
    OPT("min_duration_s", BHV_OPT_DOUBLE, min_duration_s,
        "seconds of connected time at which a pair's session is long (RITA: 3600)"),
    OPT("full_duration_s", BHV_OPT_DOUBLE, full_duration_s,
        "seconds of connected time at which the duration part reaches 1 (RITA high: 43200)"),
    OPT("quiet_bytes_s", BHV_OPT_DOUBLE, quiet_bytes_s,
        "average bytes per second at or below which a session is fully quiet"),
    OPT("threshold", BHV_OPT_DOUBLE, threshold, "score (0..1) at which to alert"),
    OPT("bridge_gap_s", BHV_OPT_DOUBLE, bridge_gap_s,
        "seconds between two flows of a pair still counted as connected (a reconnect)"),
    OPT("chain_gap_s", BHV_OPT_DOUBLE, chain_gap_s,
        "seconds of silence after which a pair's next flow starts a new session"),
    OPT("track_min_s", BHV_OPT_DOUBLE, track_min_s,
        "seconds a flow must last to start a session (shorter ones extend one)"),
    OPT("realert_s", BHV_OPT_DOUBLE, realert_s, "seconds before the same pair alerts again"),
    OPT("include_internal", BHV_OPT_BOOL, include_internal,
        "also judge connections to internal servers (default: outbound only)"),
    OPT("skip_long_lived", BHV_OPT_BOOL, skip_long_lived,
        "skip push (5223, 5228), XMPP, IMAP IDLE, VPN and MQTT ports"),
    OPT("pairs_max", BHV_OPT_U64, pairs_max, "sessions tracked (192 bytes each)"),
    OPT("servers_max", BHV_OPT_U64, servers_max,
        "servers whose long-connection clients are counted (112 bytes each)"),
};
const size_t long_conn_option_count = sizeof(long_conn_options) / sizeof(long_conn_options[0]);

void long_conn_config_default(struct long_conn_config *cfg)
{
    *cfg = (struct long_conn_config){
        .min_duration_s = 3600,
        .full_duration_s = 43200,
        .quiet_bytes_s = 1000,
        .threshold = 0.65,
        .bridge_gap_s = 60,
        .chain_gap_s = 1800,
        .track_min_s = 10,
        .realert_s = 86400,
        .include_internal = false,
        .skip_long_lived = true,
        .pairs_max = 65536,
        .servers_max = 16384,
    };
}

static uint64_t secs_us(double s)
{
    if (!(s > 0))
        return 0;
    if (s >= 1.8e13) /* beyond 2^64 µs: as good as forever */
        return UINT64_MAX;
    return (uint64_t)(s * US);
}

struct long_conn *long_conn_new(const struct long_conn_config *cfg, const struct bhv_sink *sink)
{
    if (!cfg || cfg->pairs_max == 0 || cfg->servers_max == 0)
        return NULL;
    struct long_conn *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->cfg = *cfg;
    if (sink)
        d->sink = *sink;
    d->pairs = bhv_table_new(&(struct bhv_table_config){"long_conn.pairs", sizeof(struct pair_key),
                                                        sizeof(struct pair_state), cfg->pairs_max});
    d->servers =
        bhv_table_new(&(struct bhv_table_config){"long_conn.servers", sizeof(struct server_key),
                                                 sizeof(struct server_state), cfg->servers_max});
    if (!d->pairs || !d->servers)
        goto fail;
    return d;
fail:
    long_conn_free(d);
    return NULL;
}

void long_conn_free(struct long_conn *d)
{
    if (!d)
        return;
    bhv_table_free(d->pairs);
    bhv_table_free(d->servers);
    free(d);
}

/* Ports whose services hold connections open for hours by design: Apple
 * and Google push, XMPP, IMAP IDLE, OpenVPN, IKE/NAT-T, WireGuard, MQTT. */
static bool is_long_lived_port(uint16_t port)
{
    static const uint16_t ports[] = {5223, 5228, 5222,  143,  993, 1194,
                                     500,  4500, 51820, 1883, 8883};
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (ports[i] == port)
            return true;
    return false;
}

/* Hashes that only tell servers and clients apart: a fixed public key is
 * enough (finding two names with one hash costs 2^32 tries and gains an
 * attacker nothing but one missed prevalence count). */
static const uint64_t hash_key[2] = {0x6c6f6e675f636f6eull, 0x6e2d736572766572ull};

static uint64_t ip_hash(const struct bhv_ip *ip)
{
    return siphash24(hash_key, ip, sizeof(*ip));
}

static uint64_t name_hash(const char *name)
{
    char key[256];
    bhv_name_key(key, sizeof(key), name);
    return siphash24(hash_key, key, strlen(key)) ^ 1; /* never equal to an address's by design */
}

static const char *conn_name(const struct bhv_conn *c)
{
    if (c->sni && c->sni[0])
        return c->sni;
    if (c->host && c->host[0])
        return c->host;
    return NULL;
}

static void sync_evictions(struct long_conn *d)
{
    d->counters[LC_PAIRS_EVICTED] = bhv_table_evictions(d->pairs);
    d->counters[LC_SERVERS_EVICTED] = bhv_table_evictions(d->servers);
}

/* Adds client to the server's set; returns how many clients have held a
 * long connection to it (SERVER_CLIENTS + 1 reads "more"). */
static unsigned server_clients(struct long_conn *d, uint64_t server_h, uint16_t port,
                               uint64_t client_h)
{
    struct server_key k;
    memset(&k, 0, sizeof(k));
    k.h = server_h;
    k.port = port;
    struct server_state *s = bhv_table_get(d->servers, &k, d->clock_us, NULL);
    sync_evictions(d);
    size_t known = s->client_count > SERVER_CLIENTS ? SERVER_CLIENTS : s->client_count;
    for (size_t i = 0; i < known; i++)
        if (s->client_h[i] == client_h)
            return s->client_count;
    if (s->client_count < SERVER_CLIENTS)
        s->client_h[s->client_count] = client_h;
    if (s->client_count <= SERVER_CLIENTS)
        s->client_count++;
    return s->client_count;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

struct judgement {
    double duration, quiet, rarity, score;
    double rate_bytes_s;
    unsigned clients;
};

static struct judgement judge(const struct long_conn *d, const struct pair_state *st,
                              unsigned clients)
{
    const struct long_conn_config *cfg = &d->cfg;
    struct judgement j = {.clients = clients};
    double covered_s = (double)st->covered_us / US;
    /* Logarithmic: an hour more counts for less as the hours pile up, and
     * RITA's 1/4/8/12 h steps fall at 0.5, 0.78, 0.92, 1. */
    double x = 1;
    if (cfg->min_duration_s > 0 && cfg->full_duration_s > cfg->min_duration_s)
        x = log(covered_s / cfg->min_duration_s) / log(cfg->full_duration_s / cfg->min_duration_s);
    j.duration = 0.5 + 0.5 * clamp01(x);
    j.rate_bytes_s = covered_s > 0 ? (double)st->bytes / covered_s : 0;
    /* Quiet over three decades: a C2 session idles at tens of bytes per
     * second, a stream moves megabytes. */
    if (j.rate_bytes_s <= cfg->quiet_bytes_s || cfg->quiet_bytes_s <= 0)
        j.quiet = cfg->quiet_bytes_s <= 0 ? 0 : 1;
    else
        j.quiet = clamp01(1 - log10(j.rate_bytes_s / cfg->quiet_bytes_s) / 3);
    j.rarity = 1.0 / (clients ? clients : 1);
    j.score = (j.duration + j.quiet + j.rarity) / 3;
    return j;
}

static void emit(struct long_conn *d, const struct pair_key *k, const struct pair_state *st,
                 const struct judgement *j)
{
    char cbuf[46], sbuf[46], sig[200], why[320];
    double hours = (double)st->covered_us / 3600e6;
    bhv_ip_text(&k->client, cbuf);
    bhv_ip_text(&k->server, sbuf);
    const char *server_text = st->name[0] ? st->name : sbuf;
    snprintf(sig, sizeof(sig), "HRADBA BEHAVIOUR long connection %s -> %s:%u for %.1f h", cbuf,
             server_text, k->port, hours);
    snprintf(why, sizeof(why),
             "%s was connected to %s:%u for %.1f h over %u flow(s) at %.0f bytes/s; %u host(s) "
             "held long connections to this server.",
             cbuf, server_text, k->port, hours, st->flows, j->rate_bytes_s, j->clients);
    bool is_full = st->covered_us >= secs_us(d->cfg.full_duration_s);
    struct bhv_alert a = {
        .detector = "long_conn",
        .signature = sig,
        .signature_id = bhv_alert_sid(DETECTOR_NO, 1),
        .severity = is_full ? 2 : 3,
        .category = is_full ? "Potentially Bad Traffic" : "Misc activity",
        .ts_us = d->clock_us,
        .flow_id = st->flow_id,
        .src = k->client,
        .dest = k->server,
        .has_dest = true,
        .src_port = st->client_port,
        .dest_port = k->port,
        .proto = k->proto,
        .target = st->name[0] ? st->name : NULL,
        .score = j->score,
        .threshold = d->cfg.threshold,
        .explanation = why,
    };
    bhv_alert_part(&a, "duration", j->duration);
    bhv_alert_part(&a, "quiet", j->quiet);
    bhv_alert_part(&a, "rarity", j->rarity);
    bhv_alert_num(&a, false, "connected_hours", hours);
    bhv_alert_num(&a, false, "session_span_hours", (double)(st->end_us - st->start_us) / 3600e6);
    bhv_alert_num(&a, false, "flows", st->flows);
    bhv_alert_num(&a, false, "bytes", (double)st->bytes);
    bhv_alert_num(&a, false, "bytes_per_s", j->rate_bytes_s);
    bhv_alert_time(&a, false, "session_start", st->start_us);
    bhv_alert_time(&a, false, "session_last_end", st->end_us);
    bhv_alert_text(&a, false, "server_name", st->name[0] ? st->name : NULL);
    bhv_alert_num(&a, true, "hosts_with_long_connections_to_server", j->clients);
    bhv_alert_num(&a, true, "earlier_long_sessions_of_pair", st->long_sessions);
    bhv_alert_num(&a, true, "min_duration_hours", d->cfg.min_duration_s / 3600);
    bhv_alert_num(&a, true, "quiet_bytes_per_s", d->cfg.quiet_bytes_s);
    bhv_alert_technique(&a, "T1071");
    if (k->port >= 1024) /* not a well-known service port */
        bhv_alert_technique(&a, "T1571");
    bhv_emit(&d->sink, &a);
}

static void consider(struct long_conn *d, const struct pair_key *k, struct pair_state *st)
{
    if (st->covered_us < secs_us(d->cfg.min_duration_s))
        return;
    if (!st->is_long) {
        st->is_long = true;
        d->counters[LC_LONG]++;
    }
    uint64_t server_h = st->server_h;
    unsigned clients = server_clients(d, server_h, k->port, ip_hash(&k->client));
    struct judgement j = judge(d, st, clients);
    if (j.score < d->cfg.threshold) {
        d->counters[LC_BELOW]++;
        return;
    }
    uint64_t since = d->clock_us > st->last_alert_us ? d->clock_us - st->last_alert_us : 0;
    if (st->has_alerted && since < secs_us(d->cfg.realert_s)) {
        d->counters[LC_SUPPRESSED]++;
        return;
    }
    st->has_alerted = true;
    st->last_alert_us = d->clock_us;
    d->counters[LC_ALERTS]++;
    emit(d, k, st, &j);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void session_start(struct pair_state *st, const struct bhv_conn *c, uint64_t end_us)
{
    if (st->is_long)
        st->long_sessions++;
    st->is_long = false;
    st->start_us = c->start_us;
    st->end_us = end_us;
    st->covered_us = end_us - c->start_us;
    st->bytes = 0;
    st->flows = 0;
    st->name[0] = '\0';
    st->server_h = ip_hash(&c->server);
}

/* Joins a flow to the pair's session; false when the flow is far older
 * than the session (a merged capture stepping back) and was left out. */
static bool session_join(struct long_conn *d, struct pair_state *st, const struct bhv_conn *c,
                         uint64_t end_us)
{
    uint64_t chain = secs_us(d->cfg.chain_gap_s), bridge = secs_us(d->cfg.bridge_gap_s);
    uint64_t start = c->start_us;
    if (start > st->end_us && start - st->end_us > chain) {
        session_start(st, c, end_us);
        d->counters[LC_SESSIONS]++;
        return true;
    }
    if (end_us < st->start_us && st->start_us - end_us > chain)
        return false;
    if (start > st->end_us) { /* after the session: the flow, and the gap if short */
        uint64_t gap = start - st->end_us;
        st->covered_us = sat_add(st->covered_us, sat_add(end_us - start, gap <= bridge ? gap : 0));
    } else if (end_us > st->end_us) { /* overlaps the end */
        st->covered_us = sat_add(st->covered_us, end_us - st->end_us);
    }
    if (start < st->start_us) { /* reaches before the session's start */
        uint64_t upto = end_us < st->start_us ? end_us : st->start_us;
        st->covered_us = sat_add(st->covered_us, upto - start);
        st->start_us = start;
    }
    if (end_us > st->end_us)
        st->end_us = end_us;
    return true;
}

void long_conn_conn(struct long_conn *d, const struct bhv_conn *c)
{
    d->counters[LC_CONNS]++;
    if (c->is_server_internal && !d->cfg.include_internal) {
        d->counters[LC_SKIP_INTERNAL]++;
        return;
    }
    if (d->cfg.skip_long_lived && is_long_lived_port(c->server_port)) {
        d->counters[LC_SKIP_PORT]++;
        return;
    }
    uint64_t end_us = c->end_us;
    if (end_us < c->start_us) {
        d->counters[LC_BAD_TIMES]++;
        end_us = c->start_us;
    }
    if (end_us > d->clock_us)
        d->clock_us = end_us;
    else if (d->clock_us - end_us > secs_us(d->cfg.chain_gap_s))
        d->counters[LC_BACKWARDS]++;
    struct pair_key k;
    memset(&k, 0, sizeof(k));
    k.client = c->client;
    k.server = c->server;
    k.port = c->server_port;
    k.proto = c->proto;
    struct pair_state *st = bhv_table_find(d->pairs, &k);
    if (!st && end_us - c->start_us < secs_us(d->cfg.track_min_s)) {
        d->counters[LC_SHORT]++;
        return;
    }
    bool is_new = false;
    st = bhv_table_get(d->pairs, &k, d->clock_us, &is_new);
    sync_evictions(d);
    if (is_new) {
        session_start(st, c, end_us);
        d->counters[LC_SESSIONS]++;
    } else if (!session_join(d, st, c, end_us)) {
        d->counters[LC_BACKWARDS]++;
        return;
    }
    st->bytes = sat_add(st->bytes, sat_add(c->bytes_toserver, c->bytes_toclient));
    st->flows++;
    st->flow_id = c->flow_id;
    st->client_port = c->client_port;
    const char *name = conn_name(c);
    if (name && !st->name[0]) {
        bhv_name_key(st->name, sizeof(st->name), name);
        st->server_h = name_hash(name);
    }
    consider(d, &k, st);
}

static void age(struct long_conn *d, uint64_t now_us)
{
    if (now_us > d->clock_us)
        d->clock_us = now_us;
    uint64_t keep = secs_us(d->cfg.realert_s);
    uint64_t chain = secs_us(d->cfg.chain_gap_s);
    if (chain > keep)
        keep = chain;
    if (d->clock_us > keep)
        d->counters[LC_EXPIRED] += bhv_table_expire(d->pairs, d->clock_us - keep);
    if (d->clock_us > SERVER_KEEP_US)
        bhv_table_expire(d->servers, d->clock_us - SERVER_KEEP_US);
}

void long_conn_tick(struct long_conn *d, uint64_t now_us)
{
    age(d, now_us);
}

void long_conn_finish(struct long_conn *d, uint64_t now_us)
{
    age(d, now_us);
}

struct counter_view long_conn_counters(const struct long_conn *d)
{
    return (struct counter_view){"detect.long_conn", counter_names, d->counters, LC_COUNTER_COUNT};
}

size_t long_conn_memory(const struct long_conn *d)
{
    return sizeof(*d) + bhv_table_memory(d->pairs) + bhv_table_memory(d->servers);
}

struct save_header {
    char magic[8];
    uint32_t bom;
    uint32_t reserved;
    uint64_t clock_us;
};

int long_conn_save(const struct long_conn *d, FILE *fp)
{
    struct save_header h = {.bom = SAVE_BOM, .clock_us = d->clock_us};
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    if (fwrite(&h, sizeof(h), 1, fp) != 1)
        return -EIO;
    struct bhv_table *const tables[] = {d->pairs, d->servers};
    return bhv_tables_save(tables, 2, fp);
}

static void clear(struct long_conn *d)
{
    bhv_table_clear(d->pairs);
    bhv_table_clear(d->servers);
    d->clock_us = 0;
}

int long_conn_load(struct long_conn *d, FILE *fp, char *err, size_t err_size)
{
    struct save_header h;
    int rc;
    clear(d);
    if (fread(&h, sizeof(h), 1, fp) != 1 || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0 ||
        h.bom != SAVE_BOM) {
        if (err && err_size)
            snprintf(err, err_size, "long_conn: not long_conn state of this layout");
        return -EINVAL;
    }
    struct bhv_table *const tables[] = {d->pairs, d->servers};
    rc = bhv_tables_load(tables, 2, fp, err, err_size);
    if (rc != 0) {
        clear(d);
        return rc;
    }
    d->clock_us = h.clock_us;
    return 0;
}
