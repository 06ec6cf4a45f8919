/* dns_tunnel.h — DNS tunnelling and DGA detector (behaviour detector 2).
 *
 * Tunnelling: per (client, registered domain) — the domain by the Public
 * Suffix List (detect/psl/psl.h) — over a window, how many distinct names
 * the client asked for (HyperLogLog), how long and how random their
 * subdomains are, the share of TXT/NULL/CNAME/MX queries and the bytes per
 * query: the features of Farnham & Atlasis (SANS 2013, "Detecting DNS
 * tunneling") and Born & Gustafson (2010), scored as docs/detectors.md
 * ("DNS tunnelling and DGA") explains. Data carried in names needs many
 * distinct, long, random names under one domain; that is what scores.
 * DGA: per client, NXDOMAIN answers for distinct registered domains and how
 * random the failed names are (T1568.002): a bot trying its generated
 * rendezvous names fails on most of them.
 * Streaming, one pass, state bounded by two bhv_table tables. Not a judge of
 * slow tunnels (a few dozen names an hour) nor of DGAs that join dictionary
 * words; reverse lookups, mDNS/DNS-SD and DNSBL/reputation lookups are left
 * out by default because they look like tunnels and are not.
 */
#ifndef HRADBA_DETECT_DNS_TUNNEL_DNS_TUNNEL_H
#define HRADBA_DETECT_DNS_TUNNEL_DNS_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct psl;

struct dns_tunnel_config {
    double threshold;             /* tunnel alert at a score >= this, 0..1 */
    uint64_t min_unique;          /* distinct names under one domain before a pair is scored */
    double dga_threshold;         /* DGA alert at a score >= this, 0..1 */
    uint64_t dga_min_nx_domains;  /* distinct NXDOMAIN registered domains before a host is scored */
    uint64_t window_s;            /* counting window per pair and per host */
    uint64_t realert_s;           /* at most one alert per pair (per host for DGA) in this time */
    uint64_t max_pairs;           /* (client, domain) records, ~330 bytes each */
    uint64_t max_hosts;           /* client records, ~250 bytes each */
    uint64_t host_idle_s;         /* a host's baseline is dropped after this long without DNS */
    bool internal_only;           /* only clients inside the home networks */
    bool exclude_lookup_services; /* skip DNSBL and AV reputation zones (built-in list) */
    bool dga_enabled;
};

/* The defaults docs/detectors.md explains. */
void dns_tunnel_config_default(struct dns_tunnel_config *cfg);

/* Keys "dns_tunnel.<name>" over struct dns_tunnel_config. */
extern const struct bhv_option dns_tunnel_options[];
extern const size_t dns_tunnel_option_count;

/* NULL when the config is out of range (a threshold outside 0..1, a zero
 * window or table size) or memory is short. psl is borrowed and must outlive
 * the detector; NULL uses a built-in list of its own (psl_load_default).
 * All memory is allocated here (dns_tunnel_memory() says how much); the
 * sink is copied. */
struct dns_tunnel *dns_tunnel_new(const struct dns_tunnel_config *cfg, const struct psl *psl,
                                  const struct bhv_sink *sink);
void dns_tunnel_free(struct dns_tunnel *d); /* NULL is a no-op */

/* One DNS transaction. Scores the pair and the host it touches and alerts
 * at once when a score crosses its threshold (and the re-alert time has
 * passed): decisions need no tick. */
void dns_tunnel_dns(struct dns_tunnel *d, const struct bhv_dns *q);

/* About every 60 s of capture time: drops pairs idle for a window (after
 * adding their count to the site baseline) and hosts idle for host_idle_s. */
void dns_tunnel_tick(struct dns_tunnel *d, uint64_t now_us);

/* End of input. Every decision is made as observations arrive, so nothing
 * is pending; the state is kept for dns_tunnel_save. */
void dns_tunnel_finish(struct dns_tunnel *d, uint64_t now_us);

/* Never alert on this registered domain (or invalid-TLD group): up to 64
 * entries, for the analyst's known-good lookup services. 0, -EINVAL for an
 * empty name, -ENOSPC when full. */
int dns_tunnel_allow(struct dns_tunnel *d, const char *registered_domain);

/* Section "detect.dns_tunnel"; the values live as long as d. */
struct counter_view dns_tunnel_counters(const struct dns_tunnel *d);

/* Bytes allocated; fixed at dns_tunnel_new. */
size_t dns_tunnel_memory(const struct dns_tunnel *d);

/* Saves the pairs, the hosts with their baselines and the site baseline.
 * 0 or -EIO. */
int dns_tunnel_save(const struct dns_tunnel *d, FILE *fp);

/* Replaces the state with what dns_tunnel_save wrote. 0; -EINVAL when the
 * file holds no dns_tunnel state or an older layout (state dropped, the
 * detector starts afresh); -EIO when reading fails or the data is damaged
 * (err says which). */
int dns_tunnel_load(struct dns_tunnel *d, FILE *fp, char *err, size_t err_size);

#endif
