/* rare.h — rare and first-seen TLS clients and external servers (detector 4).
 *
 * Keeps bounded "seen" sets: site-wide, each client fingerprint (JA4, or
 * JA3 when there is no JA4) with the servers and hosts it was used with,
 * and each external server (SNI, HTTP host or address) with its clients;
 * per internal host, the servers it has contacted. Two findings: the
 * classic implant sign, a fingerprint few hosts use that only ever talks to
 * one server, again and again; and first-seen, new client software reaching
 * a server nobody on the site has contacted, after a learning period
 * (docs/detectors.md, "rare"). Fingerprints are JA3 (Salesforce) and JA4
 * (FoxIO) as the TLS/QUIC parsers compute them.
 */
#ifndef HRADBA_DETECT_RARE_RARE_H
#define HRADBA_DETECT_RARE_RARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct rare_config {
    double learn_s;                   /* first-seen alerts start this long after the first input */
    uint64_t learn_min_fingerprints;  /* ... and once the site knows this many JA4s */
    uint64_t min_connections;         /* implant sign: fewest connections of the fingerprint */
    uint64_t max_hosts;               /* rare: used by at most this many hosts (1..8) */
    uint64_t max_server_fingerprints; /* ... to a server reached by at most this many (1..4) */
    double threshold;                 /* implant sign: score at which to alert */
    double first_seen_threshold;      /* first-seen: score at which to alert */
    double realert_s;        /* the same fingerprint or server alerts at most once per this */
    double host_alert_gap_s; /* one host raises at most one first-seen alert per this */
    double forget_s;         /* unused this long, a fingerprint/server/host is forgotten */
    uint64_t fingerprints_max;
    uint64_t servers_max;
    uint64_t hosts_max;
    uint64_t host_servers_max;
};

void rare_config_default(struct rare_config *cfg);

extern const struct bhv_option rare_options[];
extern const size_t rare_option_count;

struct rare;

/* NULL when a table size is zero or memory is short; the sink is copied. */
struct rare *rare_new(const struct rare_config *cfg, const struct bhv_sink *sink);
void rare_free(struct rare *d);

/* A ClientHello (TLS or QUIC) or HTTP request of a flow to an external
 * server: updates the seen sets and may raise a first-seen alert. A second
 * hello of the same flow counts once. */
void rare_name(struct rare *d, const struct bhv_name *n);

/* A finished flow: only flows without any name (no SNI, host or
 * fingerprint) are used, as contacts with an external address; named flows
 * were counted when their name was seen. */
void rare_conn(struct rare *d, const struct bhv_conn *c);

/* Judges every fingerprint for the implant sign and ages out what was not
 * used for forget_s. */
void rare_tick(struct rare *d, uint64_t now_us);

/* End of input: judges every fingerprint as a tick does, so a capture of a
 * few minutes gets its implant alerts. */
void rare_finish(struct rare *d, uint64_t now_us);

struct counter_view rare_counters(const struct rare *d);
size_t rare_memory(const struct rare *d);

/* 0 or -EIO. */
int rare_save(const struct rare *d, FILE *fp);

/* 0; -EINVAL when fp holds no rare state of this layout, -EIO when it is
 * damaged: either way err says why and the detector starts afresh. */
int rare_load(struct rare *d, FILE *fp, char *err, size_t err_size);

/* Judges server exclusivity by registered domain too (psl borrowed, may be
 * NULL): mtalk.google.com is not exclusive when www.google.com hears many
 * clients. Without it, by server name or address alone. */
struct psl;
void rare_use_psl(struct rare *d, const struct psl *psl);

#endif
