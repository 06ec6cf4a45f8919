/* bhv_observe.c — records and flows → bhv_conn / bhv_dns / bhv_name. */
#include "detect/bhv_observe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/bhv_table.h"
#include "proto/dns/dns_record.h"
#include "proto/http/http_record.h"
#include "proto/quic/quic_record.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_record.h"

#define BHV_OBSERVE_COUNTERS(X)                                                                    \
    X(OBS_CONNS, "conns")                                                                          \
    X(OBS_DNS, "dns")                                                                              \
    X(OBS_DNS_UNANSWERED, "dns.unanswered")                                                        \
    X(OBS_DNS_UNMATCHED, "dns.response_without_query")                                             \
    X(OBS_NAMES, "names")                                                                          \
    X(OBS_FLOW_NAMES_EVICTED, "flow_names.evicted")                                                \
    X(OBS_DNS_PENDING_EVICTED, "dns_pending.evicted")

enum obs_counter { BHV_OBSERVE_COUNTERS(COUNTER_ENUM) OBS_COUNTER_COUNT };
static const char *const obs_counter_names[] = {BHV_OBSERVE_COUNTERS(COUNTER_NAME)};

/* Names kept per open flow: enough for real SNIs and hosts (longer ones are
 * cut, as the detectors key on names of this size anyway). */
enum { NAME_MAX_LEN = 96, FP_MAX_LEN = 40 };

struct flow_names {
    char sni[NAME_MAX_LEN];
    char host[NAME_MAX_LEN];
    char ja3[FP_MAX_LEN];
    char ja4[FP_MAX_LEN];
};

struct pending_key {
    uint64_t flow_id;
    uint64_t tx_id;
};

struct pending_query {
    uint64_t ts_us;
    struct bhv_ip client, server;
    uint32_t query_len;
    uint16_t qtype;
    char qname[1024]; /* escaped text: long tunnel names must keep their domain */
};

struct bhv_observe {
    struct bhv_observe_config cfg;
    struct bhv_observer out;
    struct bhv_table *names;   /* flow_id → struct flow_names */
    struct bhv_table *pending; /* struct pending_key → struct pending_query */
    uint64_t counters[OBS_COUNTER_COUNT];
};

static int net_add(struct bhv_observe_config *cfg, const char *text, int family, uint8_t prefix)
{
    if (cfg->home_net_count == BHV_HOME_NET_MAX)
        return -ENOSPC;
    struct bhv_net *n = &cfg->home_net[cfg->home_net_count];
    memset(n, 0, sizeof(*n));
    if (inet_pton(family == 6 ? AF_INET6 : AF_INET, text, n->addr.b) != 1)
        return -EINVAL;
    unsigned bits = family == 6 ? 128 : 32;
    if (prefix > bits)
        return -EINVAL;
    for (unsigned i = prefix; i < bits; i++)
        n->addr.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
    n->addr.family = (uint8_t)family;
    n->prefix = prefix;
    cfg->home_net_count++;
    return 0;
}

void bhv_observe_config_default(struct bhv_observe_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    bhv_observe_parse_nets(cfg, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7,fe80::/10", NULL,
                           0);
    cfg->flow_names_max = 65536;
    cfg->dns_pending_max = 16384;
    cfg->dns_timeout_us = 5000000;
}

int bhv_observe_parse_nets(struct bhv_observe_config *cfg, const char *text, char *err,
                           size_t err_size)
{
    struct bhv_observe_config next = *cfg;
    next.home_net_count = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '[' || *p == ']' || *p == '\t')
            p++;
        size_t len = strcspn(p, " ,[]\t");
        if (len == 0)
            break;
        char item[64];
        if (len >= sizeof(item))
            goto bad;
        memcpy(item, p, len);
        item[len] = '\0';
        char *slash = strchr(item, '/');
        int family = strchr(item, ':') ? 6 : 4;
        long prefix = family == 6 ? 128 : 32;
        if (slash) {
            char *end;
            *slash = '\0';
            prefix = strtol(slash + 1, &end, 10);
            if (end == slash + 1 || *end || prefix < 0)
                goto bad;
        }
        if (net_add(&next, item, family, (uint8_t)(prefix > 255 ? 255 : prefix)) != 0)
            goto bad;
        p += len;
        continue;
    bad:
        if (err && err_size)
            snprintf(err, err_size, "not a network: '%.*s'", (int)(len > 60 ? 60 : len), p);
        return -EINVAL;
    }
    *cfg = next;
    return 0;
}

struct bhv_observe *bhv_observe_new(const struct bhv_observe_config *cfg,
                                    const struct bhv_observer *out)
{
    struct bhv_observe *o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    o->cfg = *cfg;
    o->out = *out;
    struct bhv_table_config nc = {"observe.flow_names", sizeof(uint64_t), sizeof(struct flow_names),
                                  cfg->flow_names_max ? cfg->flow_names_max : 1};
    struct bhv_table_config pc = {"observe.dns_pending", sizeof(struct pending_key),
                                  sizeof(struct pending_query),
                                  cfg->dns_pending_max ? cfg->dns_pending_max : 1};
    o->names = bhv_table_new(&nc);
    o->pending = bhv_table_new(&pc);
    if (!o->names || !o->pending) {
        bhv_observe_free(o);
        return NULL;
    }
    return o;
}

void bhv_observe_free(struct bhv_observe *o)
{
    if (!o)
        return;
    bhv_table_free(o->names);
    bhv_table_free(o->pending);
    free(o);
}

bool bhv_observe_is_internal(const struct bhv_observe *o, const struct bhv_ip *ip)
{
    for (size_t i = 0; i < o->cfg.home_net_count; i++) {
        const struct bhv_net *n = &o->cfg.home_net[i];
        if (n->addr.family != ip->family)
            continue;
        unsigned full = n->prefix / 8, rest = n->prefix % 8;
        if (memcmp(n->addr.b, ip->b, full) != 0)
            continue;
        if (rest && ((ip->b[full] ^ n->addr.b[full]) & (uint8_t)(0xff00u >> rest)))
            continue;
        return true;
    }
    return false;
}

static struct bhv_ip flow_ip(const struct flow *f, int side)
{
    struct bhv_ip ip;
    memset(&ip, 0, sizeof(ip));
    ip.family = f->key.ip_version == 6 ? 6 : 4;
    memcpy(ip.b, f->key.addr[side], ip.family == 6 ? 16 : 4);
    return ip;
}

/* Copies a possibly unterminated name into a fixed field, cut to fit. */
static void keep(char *dst, size_t size, const void *src, size_t len)
{
    if (!src)
        return;
    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static struct flow_names *names_of(struct bhv_observe *o, const struct flow *f, uint64_t ts_us)
{
    uint64_t before = bhv_table_evictions(o->names);
    struct flow_names *n = bhv_table_get(o->names, &f->flow_id, ts_us, NULL);
    o->counters[OBS_FLOW_NAMES_EVICTED] += bhv_table_evictions(o->names) - before;
    return n;
}

static void name_observed(struct bhv_observe *o, const struct flow *f, const struct flow_names *n,
                          uint64_t ts_us)
{
    struct bhv_name obs = {
        .ts_us = ts_us,
        .flow_id = f->flow_id,
        .client = flow_ip(f, 0),
        .server = flow_ip(f, 1),
        .server_port = f->key.port[1],
        .sni = n->sni[0] ? n->sni : NULL,
        .host = n->host[0] ? n->host : NULL,
        .ja3 = n->ja3[0] ? n->ja3 : NULL,
        .ja4 = n->ja4[0] ? n->ja4 : NULL,
    };
    obs.is_client_internal = bhv_observe_is_internal(o, &obs.client);
    obs.is_server_internal = bhv_observe_is_internal(o, &obs.server);
    o->counters[OBS_NAMES]++;
    if (o->out.name)
        o->out.name(o->out.ctx, &obs);
}

static void dns_pass(struct bhv_observe *o, const struct pending_key *k,
                     const struct pending_query *q, const struct dns_record *resp)
{
    struct bhv_dns obs = {
        .ts_us = q->ts_us,
        .flow_id = k->flow_id,
        .client = q->client,
        .server = q->server,
        .qname = q->qname,
        .qtype = q->qtype,
        .query_len = q->query_len,
    };
    obs.is_client_internal = bhv_observe_is_internal(o, &obs.client);
    if (resp) {
        obs.has_response = true;
        obs.rcode = resp->rcode;
        obs.answer_count = resp->ancount;
        obs.response_len = resp->msg_len;
    } else {
        o->counters[OBS_DNS_UNANSWERED]++;
    }
    o->counters[OBS_DNS]++;
    if (o->out.dns)
        o->out.dns(o->out.ctx, &obs);
}

static void dns_record_seen(struct bhv_observe *o, const struct flow *f, const struct dns_record *r,
                            uint64_t ts_us)
{
    struct pending_key k;
    memset(&k, 0, sizeof(k));
    k.flow_id = f->flow_id;
    k.tx_id = r->tx_id;
    if (r->is_response) {
        struct pending_query *q = bhv_table_find(o->pending, &k);
        if (!q) {
            /* The query was not seen (capture started late, or evicted):
             * the response's own question stands in for it. */
            o->counters[OBS_DNS_UNMATCHED]++;
            if (r->question_count == 0)
                return;
            struct pending_query alone = {.ts_us = ts_us,
                                          .client = flow_ip(f, r->dir == FLOW_TOCLIENT ? 0 : 1),
                                          .server = flow_ip(f, r->dir == FLOW_TOCLIENT ? 1 : 0),
                                          .qtype = r->questions[0].rrtype};
            keep(alone.qname, sizeof(alone.qname), r->questions[0].rrname,
                 strlen(r->questions[0].rrname));
            dns_pass(o, &k, &alone, r);
            return;
        }
        struct pending_query copy = *q;
        bhv_table_remove(o->pending, &k);
        dns_pass(o, &k, &copy, r);
        return;
    }
    if (r->question_count == 0)
        return;
    uint64_t before = bhv_table_evictions(o->pending);
    struct pending_query *q = bhv_table_get(o->pending, &k, ts_us, NULL);
    o->counters[OBS_DNS_PENDING_EVICTED] += bhv_table_evictions(o->pending) - before;
    q->ts_us = ts_us;
    q->client = flow_ip(f, r->dir == FLOW_TOSERVER ? 0 : 1);
    q->server = flow_ip(f, r->dir == FLOW_TOSERVER ? 1 : 0);
    q->query_len = r->msg_len;
    q->qtype = r->questions[0].rrtype;
    keep(q->qname, sizeof(q->qname), r->questions[0].rrname, strlen(r->questions[0].rrname));
}

void bhv_observe_record(struct bhv_observe *o, const struct flow *f, enum app_record type,
                        const void *record, uint64_t ts_us)
{
    struct flow_names *n;
    switch (type) {
    case APP_RECORD_DNS:
        dns_record_seen(o, f, record, ts_us);
        return;
    case APP_RECORD_TLS: {
        const struct tls_record *r = record;
        if (!r->has_client_hello)
            return;
        n = names_of(o, f, ts_us);
        keep(n->sni, sizeof(n->sni), r->sni, r->sni_len);
        if (r->has_ja3)
            keep(n->ja3, sizeof(n->ja3), r->ja3_hash, strlen(r->ja3_hash));
        if (r->has_ja4)
            keep(n->ja4, sizeof(n->ja4), r->ja4, strlen(r->ja4));
        break;
    }
    case APP_RECORD_QUIC: {
        const struct quic_record *r = record;
        if (!r->client_hello)
            return;
        n = names_of(o, f, ts_us);
        keep(n->sni, sizeof(n->sni), r->client_hello->sni.p, r->client_hello->sni.len);
        if (r->has_ja3)
            keep(n->ja3, sizeof(n->ja3), r->ja3_hash, strlen(r->ja3_hash));
        if (r->has_ja4)
            keep(n->ja4, sizeof(n->ja4), r->ja4, strlen(r->ja4));
        break;
    }
    case APP_RECORD_HTTP: {
        const struct http_record *r = record;
        if (!r->hostname.ptr || r->hostname.len == 0)
            return;
        n = names_of(o, f, ts_us);
        if (n->host[0]) /* a keep-alive connection's later requests: seen once */
            return;
        keep(n->host, sizeof(n->host), r->hostname.ptr, r->hostname.len);
        break;
    }
    default:
        return;
    }
    name_observed(o, f, n, ts_us);
}

void bhv_observe_flow_end(struct bhv_observe *o, const struct flow *f)
{
    struct bhv_conn c = {
        .flow_id = f->flow_id,
        .start_us = f->start_us,
        .end_us = f->last_us,
        .client = flow_ip(f, 0),
        .server = flow_ip(f, 1),
        .client_port = f->key.port[0],
        .server_port = f->key.port[1],
        .proto = f->key.proto,
        .app_proto = f->app_proto,
        .pkts_toserver = f->pkts[FLOW_TOSERVER],
        .pkts_toclient = f->pkts[FLOW_TOCLIENT],
        .bytes_toserver = f->bytes[FLOW_TOSERVER],
        .bytes_toclient = f->bytes[FLOW_TOCLIENT],
    };
    c.is_client_internal = bhv_observe_is_internal(o, &c.client);
    c.is_server_internal = bhv_observe_is_internal(o, &c.server);
    struct flow_names *n = bhv_table_find(o->names, &f->flow_id);
    struct flow_names copy;
    if (n) {
        copy = *n;
        bhv_table_remove(o->names, &f->flow_id);
        c.sni = copy.sni[0] ? copy.sni : NULL;
        c.host = copy.host[0] ? copy.host : NULL;
        c.ja3 = copy.ja3[0] ? copy.ja3 : NULL;
        c.ja4 = copy.ja4[0] ? copy.ja4 : NULL;
    }
    o->counters[OBS_CONNS]++;
    if (o->out.conn)
        o->out.conn(o->out.ctx, &c);
}

void bhv_observe_advance(struct bhv_observe *o, uint64_t now_us, bool is_final)
{
    size_t cursor = 0;
    const void *key;
    void *value;
    while (bhv_table_next(o->pending, &cursor, &key, &value, NULL)) {
        const struct pending_query *q = value;
        if (!is_final && q->ts_us + o->cfg.dns_timeout_us > now_us)
            continue;
        struct pending_key k;
        struct pending_query copy = *q;
        memcpy(&k, key, sizeof(k));
        bhv_table_remove(o->pending, &k);
        dns_pass(o, &k, &copy, NULL);
    }
}

struct counter_view bhv_observe_counters(const struct bhv_observe *o)
{
    return (struct counter_view){"detect.observe", obs_counter_names, o->counters,
                                 OBS_COUNTER_COUNT};
}

size_t bhv_observe_memory(const struct bhv_observe *o)
{
    return sizeof(*o) + bhv_table_memory(o->names) + bhv_table_memory(o->pending);
}
