/* bhv.h — what the behaviour detectors see and what they say.
 *
 * The detectors (beacon.c, dns_tunnel.c, exfil.c, rare.c, long_conn.c,
 * lateral.c, host_model.c) never look at packets or parser records: the
 * worker turns finished flows, DNS transactions and TLS/HTTP/QUIC names into
 * the small observations below, so every detector can be tested on a
 * constructed series. A detector answers with struct bhv_alert, which
 * explains itself: the observations, the score and its parts, what is normal
 * for the host, and the ATT&CK techniques (docs/detectors.md).
 */
#ifndef HRADBA_DETECT_BHV_H
#define HRADBA_DETECT_BHV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IP address: IPv4 in b[0..3] with the rest zero, family 4 or 6. Plain
 * bytes so that it can be a hash key and be saved to disk as it is. */
struct bhv_ip {
    uint8_t b[16];
    uint8_t family;
};

/* A finished flow. Names are those the flow's application records carried
 * (NULL when none); they are borrowed for the call. */
struct bhv_conn {
    uint64_t flow_id;
    uint64_t start_us, end_us;
    struct bhv_ip client, server; /* client: the initiator */
    uint16_t client_port, server_port;
    uint8_t proto;                               /* IP protocol number */
    uint8_t app_proto;                           /* enum app_proto */
    bool is_client_internal, is_server_internal; /* by the configured home networks */
    uint64_t pkts_toserver, pkts_toclient;
    uint64_t bytes_toserver, bytes_toclient; /* wire bytes */
    const char *sni;                         /* TLS or QUIC server name */
    const char *host;                        /* HTTP host */
    const char *ja3;                         /* client fingerprint hashes, NULL when unseen */
    const char *ja4;
};

/* One DNS transaction as the client saw it: the query, and the response
 * when one came (has_response). */
struct bhv_dns {
    uint64_t ts_us;
    uint64_t flow_id;
    struct bhv_ip client, server;
    bool is_client_internal;
    const char *qname; /* escaped presentation text, no trailing dot */
    uint16_t qtype;
    bool has_response;
    uint8_t rcode;
    uint16_t answer_count;
    uint32_t query_len;    /* DNS message bytes (UDP payload or TCP message) */
    uint32_t response_len; /* 0 without a response */
};

/* A TLS/QUIC ClientHello or an HTTP request, when it is seen (its flow may
 * run for hours yet). */
struct bhv_name {
    uint64_t ts_us;
    uint64_t flow_id;
    struct bhv_ip client, server;
    uint16_t server_port;
    bool is_client_internal, is_server_internal;
    const char *sni, *host; /* either may be NULL */
    const char *ja3, *ja4;
};

/* Alert contents. Detectors fill one on their stack and hand it to the sink,
 * which copies what it keeps; every string is borrowed for the call. */
enum {
    BHV_ALERT_MAX_PARTS = 8,
    BHV_ALERT_MAX_FACTS = 16,
    BHV_ALERT_MAX_TECHNIQUES = 4,
};

struct bhv_part { /* one component of the score, 0..1 unless the detector says */
    const char *name;
    double value;
};

/* An observation behind the alert or a baseline value: a number, a time
 * (microseconds since the epoch, written as an EVE timestamp) or text. */
enum bhv_fact_kind { BHV_FACT_NUM, BHV_FACT_TIME, BHV_FACT_TEXT };

struct bhv_fact {
    const char *name;
    enum bhv_fact_kind kind;
    double num;
    uint64_t time_us;
    const char *text;
};

struct bhv_alert {
    const char *detector; /* "beacon", "dns_tunnel", ... (static) */
    const char
        *signature; /* one line, e.g. "HRADBA BEHAVIOUR beaconing 10.0.0.5 -> evil.example" */
    uint32_t signature_id; /* stable per detector and kind of finding: bhv_alert_sid() */
    uint8_t severity;      /* 1 high .. 3 low, as Suricata's */
    const char *category;  /* "A Network Trojan was detected", ... Suricata's classtypes */
    uint64_t ts_us;        /* capture time when the detector decided */
    uint64_t flow_id;      /* the flow that tipped it, 0 when none */
    struct bhv_ip src, dest;
    bool has_dest;
    uint16_t src_port, dest_port;
    uint8_t proto;      /* 0 when the alert is not about one flow */
    const char *target; /* what the finding is about beyond addresses: a name, a domain */
    double score;       /* 0..1 */
    double threshold;   /* the score at which this detector alerts */
    struct bhv_part parts[BHV_ALERT_MAX_PARTS];
    size_t part_count;
    struct bhv_fact observed[BHV_ALERT_MAX_FACTS]; /* what was seen */
    size_t observed_count;
    struct bhv_fact baseline[BHV_ALERT_MAX_FACTS]; /* what is normal for this host */
    size_t baseline_count;
    const char *explanation; /* one or two sentences an analyst reads first */
    const char *techniques[BHV_ALERT_MAX_TECHNIQUES]; /* ATT&CK ids, "T1071.004" */
    size_t technique_count;
};

struct bhv_sink {
    void (*emit)(void *ctx, const struct bhv_alert *a);
    void *ctx;
};

static inline void bhv_emit(const struct bhv_sink *s, const struct bhv_alert *a)
{
    if (s && s->emit)
        s->emit(s->ctx, a);
}

/* Helpers to fill an alert without counting by hand; each ignores what does
 * not fit. */
void bhv_alert_part(struct bhv_alert *a, const char *name, double value);
void bhv_alert_num(struct bhv_alert *a, bool is_baseline, const char *name, double value);
void bhv_alert_time(struct bhv_alert *a, bool is_baseline, const char *name, uint64_t time_us);
void bhv_alert_text(struct bhv_alert *a, bool is_baseline, const char *name, const char *text);
void bhv_alert_technique(struct bhv_alert *a, const char *id);

/* Signature ids of behaviour alerts: gid 9001, sid = 9001000 + detector
 * number * 100 + finding, so that rules of thumb keyed on sids survive. */
enum { BHV_ALERT_GID = 9001 };
uint32_t bhv_alert_sid(unsigned detector_no, unsigned finding);

/* A detector's tunable, for the config file (docs/detectors.md): each
 * detector exports a table of these over its config struct, so one loader
 * reads every threshold and `hradba read --help-detectors` lists them. */
enum bhv_option_type { BHV_OPT_DOUBLE, BHV_OPT_U64, BHV_OPT_BOOL };

struct bhv_option {
    const char *key; /* "beacon.min_connections" */
    enum bhv_option_type type;
    size_t offset;    /* of a double, uint64_t or bool in the config struct */
    const char *help; /* one line, with the unit */
};

/* Text of an address (RFC 5952 for IPv6) into buf[46]; returns buf. */
const char *bhv_ip_text(const struct bhv_ip *ip, char buf[46]);

/* A name as a fixed-size table key: lower-cased into out (zero-filled, so
 * equal names give equal bytes); a name that does not fit keeps its first
 * bytes and ends in 16 hex digits of a hash of the whole, so two long names
 * differ as keys unless they hash alike. */
void bhv_name_key(char *out, size_t out_size, const char *name);

#endif
