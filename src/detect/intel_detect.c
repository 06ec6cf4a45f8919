/* intel_detect.c — matcher lookups, pattern confirmation, per-event patterns. */
#include "detect/intel_detect.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_observation.h"
#include "intel/pattern/stix_pattern.h"

static const char *const intel_detect_counter_names[] = {INTEL_DETECT_COUNTERS(COUNTER_NAME)};

/* Matcher hits taken per looked-up value (longest prefix or suffix first). */
#define LOOKUP_HITS 8

struct intel_detect {
    const struct intel_set *set;
    struct intel_observed flow_obs; /* the two addresses of a flow check */
    char addr_text[2][INET6_ADDRSTRLEN];
    struct stix_observation observation; /* built lazily, once per check */
    bool is_observation_built;
    uint64_t counters[INTEL_DETECT_COUNTER_COUNT];
};

/* One check in progress. */
struct check {
    struct intel_detect *d;
    const struct flow *f;
    const struct intel_observed *o;       /* the event's observables, for the observation */
    const struct intel_observed *lookups; /* what the matcher is asked */
    struct intel_hit *hits;
    size_t count, max;
};

struct intel_detect *intel_detect_new(const struct intel_set *set)
{
    struct intel_detect *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->set = set;
    stix_observation_init(&d->observation, 256u * 1024u);
    return d;
}

void intel_detect_use(struct intel_detect *d, const struct intel_set *set)
{
    d->set = set;
}

void intel_detect_free(struct intel_detect *d)
{
    if (!d)
        return;
    stix_observation_fini(&d->observation);
    free(d);
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 1:
        return "icmp";
    case 58:
        return "ipv6-icmp";
    case 132:
        return "sctp";
    default:
        return NULL;
    }
}

/* A network-traffic object from client to server, dst_ref given. */
static void add_traffic(struct stix_observation *obs, const struct flow *f, int src, int dst)
{
    const char *protocols[3] = {f->key.ip_version == 4 ? "ipv4" : "ipv6", proto_name(f->key.proto),
                                NULL};
    stix_observation_add_network_traffic(obs, src, dst, f->key.port[0], f->key.port[1], protocols);
}

/* Hashes and fingerprints of one event share one object per STIX type. */
static int shared_object(struct stix_observation *obs, const char *type, int *idx)
{
    if (*idx < 0)
        *idx = stix_observation_add_object(obs, type);
    return *idx;
}

static const char *hash_algo(enum intel_kind k)
{
    return k == INTEL_KIND_MD5 ? "MD5" : k == INTEL_KIND_SHA1 ? "SHA-1" : "SHA-256";
}

static const char *fingerprint_key(enum intel_kind k)
{
    return k == INTEL_KIND_JA3 ? "ja3" : k == INTEL_KIND_JA3S ? "ja3s" : "ja4";
}

static bool is_server_name(const char *field)
{
    return strcmp(field, "tls.sni") == 0 || strcmp(field, "http.hostname") == 0 ||
           strcmp(field, "quic.sni") == 0 || strcmp(field, "socks.dest_host") == 0;
}

static void add_observable(struct stix_observation *obs, const struct flow *f,
                           const struct intel_observable *it, int *file, int *x509, int *tlsfp)
{
    char value[INTEL_MATCH_VALUE_MAX + 1];
    size_t n = it->len < INTEL_MATCH_VALUE_MAX ? it->len : INTEL_MATCH_VALUE_MAX;
    memcpy(value, it->value, n);
    value[n] = '\0';
    if (strcmp(it->stix_type, "file") == 0 || strcmp(it->stix_type, "x509-certificate") == 0) {
        int *slot = it->stix_type[0] == 'f' ? file : x509;
        int idx = shared_object(obs, it->stix_type, slot);
        if (idx >= 0)
            stix_observation_add_hash(obs, (size_t)idx, hash_algo(it->kind), value);
    } else if (strcmp(it->stix_type, "x-tls-fingerprint") == 0) {
        int idx = shared_object(obs, it->stix_type, tlsfp);
        if (idx >= 0)
            stix_observation_add_string(obs, (size_t)idx, fingerprint_key(it->kind), value);
    } else {
        int idx = stix_observation_add_value_object(obs, it->stix_type, value);
        /* The name a client asked for is where its traffic went: a
         * network-traffic object whose dst_ref is that name. */
        if (idx >= 0 && it->kind == INTEL_KIND_DOMAIN && is_server_name(it->field))
            add_traffic(obs, f, -1, idx);
    }
}

/* The STIX observation of the check in c, for patterns to evaluate. A flow
 * check sees the flow's addresses and network-traffic; an event check sees
 * the event's observables only (and the names a client connected to, as
 * network-traffic dst_ref), so a pattern about addresses or ports is
 * decided once per flow, not again on each of its events. */
static struct stix_observation *build_observation(struct check *c)
{
    struct intel_detect *d = c->d;
    struct stix_observation *obs = &d->observation;
    if (d->is_observation_built)
        return obs->is_failed ? NULL : obs;
    d->is_observation_built = true;
    stix_observation_reset(obs);
    if (!c->o) {
        /* A flow check's lookups are its two addresses, client first. */
        const struct intel_observable *a = c->lookups->items;
        int src = -1, dst = -1;
        if (c->lookups->count == 2) {
            src = stix_observation_add_value_object(obs, a[0].stix_type, a[0].value);
            dst = stix_observation_add_value_object(obs, a[1].stix_type, a[1].value);
        }
        add_traffic(obs, c->f, src, dst);
    }
    int file = -1, x509 = -1, tlsfp = -1;
    for (size_t i = 0; c->o && i < c->o->count; i++)
        add_observable(obs, c->f, &c->o->items[i], &file, &x509, &tlsfp);
    if (c->o && (c->o->x509_serial || c->o->x509_subject)) {
        int idx = shared_object(obs, "x509-certificate", &x509);
        if (idx >= 0 && c->o->x509_serial)
            stix_observation_add_string(obs, (size_t)idx, "serial_number", c->o->x509_serial);
        if (idx >= 0 && c->o->x509_subject)
            stix_observation_add_string(obs, (size_t)idx, "subject", c->o->x509_subject);
        if (idx >= 0 && c->o->x509_issuer)
            stix_observation_add_string(obs, (size_t)idx, "issuer", c->o->x509_issuer);
    }
    if (obs->is_failed) {
        d->counters[INTEL_DETECT_OBS_FAILED]++;
        return NULL;
    }
    return obs;
}

static bool evaluate(struct check *c, const struct intel_entry *e)
{
    struct stix_observation *obs = build_observation(c);
    if (!obs)
        return false;
    c->d->counters[INTEL_DETECT_EVALUATED]++;
    enum stix_eval_result r = stix_pattern_eval(e->parsed, obs, NULL);
    if (r == STIX_EVAL_ERROR)
        c->d->counters[INTEL_DETECT_EVAL_ERRORS]++;
    return r == STIX_EVAL_MATCH;
}

static bool is_digest(enum intel_kind k)
{
    return k == INTEL_KIND_MD5 || k == INTEL_KIND_SHA1 || k == INTEL_KIND_SHA256;
}

static bool already_hit(const struct check *c, const struct intel_entry *e)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->hits[i].entry == e)
            return true;
    return false;
}

static void add_hit(struct check *c, const struct intel_entry *e,
                    const struct intel_observable *obs, uint8_t prefix_len)
{
    uint64_t *k = c->d->counters;
    if (!e || already_hit(c, e))
        return;
    /* The matcher keys digests by algorithm only; an indexed entry's digests
     * are files' (certificate digests are confirmed by their pattern). */
    if (e->mode == INTEL_ENTRY_INDEXED && obs && is_digest(obs->kind) &&
        strcmp(obs->stix_type, "file") != 0)
        return;
    if (e->mode == INTEL_ENTRY_CONFIRM) {
        k[INTEL_DETECT_CANDIDATES]++;
        if (!evaluate(c, e)) {
            k[INTEL_DETECT_NOT_CONFIRMED]++;
            return;
        }
        k[INTEL_DETECT_CONFIRMED]++;
    }
    k[INTEL_DETECT_HITS]++;
    if (c->count == c->max) {
        k[INTEL_DETECT_HITS_DROPPED]++;
        return;
    }
    c->hits[c->count++] = (struct intel_hit){.entry = e, .obs = obs, .prefix_len = prefix_len};
}

static void add_match_hits(struct check *c, const struct intel_observable *it,
                           const struct intel_match_hit *mh, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < mh[i].count; j++)
            add_hit(c, intel_set_entry(c->d->set, mh[i].refs[j]), it, mh[i].prefix_len);
}

static void lookup(struct check *c, const struct intel_match *m, const struct intel_observable *it)
{
    struct intel_match_hit mh[LOOKUP_HITS];
    size_t n = 0;
    c->d->counters[INTEL_DETECT_LOOKUPS]++;
    switch (it->kind) {
    case INTEL_KIND_IPV4:
    case INTEL_KIND_IPV6:
        n = intel_match_ip(m, it->addr, it->kind == INTEL_KIND_IPV4 ? 4 : 6, mh, LOOKUP_HITS);
        break;
    case INTEL_KIND_DOMAIN:
        n = intel_match_domain(m, it->value, it->len, mh, LOOKUP_HITS);
        break;
    case INTEL_KIND_URL:
        n = intel_match_url(m, it->value, it->len, mh) ? 1 : 0;
        break;
    case INTEL_KIND_MD5:
    case INTEL_KIND_SHA1:
    case INTEL_KIND_SHA256:
    case INTEL_KIND_JA3:
    case INTEL_KIND_JA3S:
        n = intel_match_hash(m, it->kind, it->value, it->len, mh) ? 1 : 0;
        break;
    default:
        n = intel_match_string(m, it->kind, it->value, it->len, mh) ? 1 : 0;
        break;
    }
    add_match_hits(c, it, mh, n);
}

static size_t run_check(struct check *c)
{
    const struct intel_set *set = c->d->set;
    if (!set)
        return 0;
    c->d->is_observation_built = false;
    const struct intel_match *m = intel_set_matcher(set);
    for (size_t i = 0; i < c->lookups->count; i++)
        lookup(c, m, &c->lookups->items[i]);
    size_t n = 0;
    const struct intel_entry *const *ev = intel_set_evaluated(set, &n);
    for (size_t i = 0; i < n; i++)
        if (!already_hit(c, ev[i]) && evaluate(c, ev[i]))
            add_hit(c, ev[i], NULL, 0);
    return c->count;
}

size_t intel_detect_flow(struct intel_detect *d, const struct flow *f, struct intel_hit *hits,
                         size_t max)
{
    struct intel_observed *o = &d->flow_obs;
    int af = f->key.ip_version == 4 ? AF_INET : AF_INET6;
    static const char *const fields[2] = {"src_ip", "dest_ip"};
    o->count = 0;
    o->dropped = 0;
    for (unsigned i = 0; i < 2; i++)
        if (inet_ntop(af, f->key.addr[i], d->addr_text[i], sizeof(d->addr_text[i])))
            intel_observe_add_ip(o, fields[i], d->addr_text[i], f->key.addr[i],
                                 af == AF_INET ? 4 : 6);
    d->counters[INTEL_DETECT_FLOWS]++;
    /* The observation of a flow check is made from these two lookups (its
     * addresses) and the flow's network-traffic, in build_observation. */
    struct check c = {.d = d, .f = f, .o = NULL, .lookups = o, .hits = hits, .max = max};
    return run_check(&c);
}

size_t intel_detect_event(struct intel_detect *d, const struct flow *f,
                          const struct intel_observed *o, struct intel_hit *hits, size_t max)
{
    d->counters[INTEL_DETECT_EVENTS]++;
    d->counters[INTEL_DETECT_OBS_DROPPED] += o->dropped;
    struct check c = {.d = d, .f = f, .o = o, .lookups = o, .hits = hits, .max = max};
    return run_check(&c);
}

struct counter_view intel_detect_counters(const struct intel_detect *d)
{
    return (struct counter_view){"intel_detect", intel_detect_counter_names, d->counters,
                                 INTEL_DETECT_COUNTER_COUNT};
}
