/* exfil.h — possible exfiltration: an internal host uploading far more to one
 * destination in an hour than it usually uploads at all (ATT&CK T1041,
 * T1567, T1567.002, T1567.003).
 *
 * Per internal host, the median and MAD of its hourly upload to outside
 * destinations (upload_baseline.h); per (host, destination) the bytes each
 * way within the current hour and whether the host had sent to it before.
 * A destination is the TLS/QUIC server name or HTTP host when the flow
 * carried one, else the server address. Score, parts and defaults:
 * docs/detectors.md, "Exfiltration". Not a data-loss-prevention tool: it
 * never sees content, and small or slow uploads stay under its floor.
 */
#ifndef HRADBA_DETECT_EXFIL_EXFIL_H
#define HRADBA_DETECT_EXFIL_EXFIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct exfil_config {
    double threshold;          /* score 0..1 at which to alert */
    uint64_t min_bytes;        /* bytes up to one destination in one hour before any alert */
    uint64_t min_hours;        /* active hours before the host's own baseline is used */
    double prior_hourly_bytes; /* baseline median for hosts with less history */
    double prior_sigma;        /* their baseline spread, natural-log units */
    double min_sigma;          /* least spread of a host's own baseline, natural-log units */
    double z_full;             /* volume z at which the volume part is 1 */
    double ratio_full;         /* upload/download ratio at which the ratio part is 1 */
    double weight_volume, weight_ratio, weight_cloud, weight_new;
    uint64_t realert_s;         /* least time between alerts for one (host, destination) */
    uint64_t dest_memory_hours; /* a (host, destination) untouched this long is forgotten */
    uint64_t max_hosts, max_pairs;
    bool count_served; /* also count what internal servers send to outside clients */
};

void exfil_config_default(struct exfil_config *cfg);
extern const struct bhv_option exfil_options[]; /* keys "exfil.<name>" */
extern const size_t exfil_option_count;

struct exfil;

/* NULL when cfg is out of range (threshold not in (0,1], a zero maximum,
 * weights not positive in sum, z_full or min_sigma not > 0, ratio_full not
 * > 1) or memory is short. The sink is copied. */
struct exfil *exfil_new(const struct exfil_config *cfg, const struct bhv_sink *sink);
void exfil_free(struct exfil *d);

/* A finished flow: counted when an internal client talked to an outside
 * server (or, with count_served, an outside client to an internal server),
 * scored at once when its destination's hour reaches min_bytes. */
void exfil_conn(struct exfil *d, const struct bhv_conn *c);

/* About every 60 s of capture time: forgets destinations and hosts not seen
 * for dest_memory_hours (at most once per capture hour). */
void exfil_tick(struct exfil *d, uint64_t now_us);

/* End of input. Uploads are scored as they arrive, so nothing is pending. */
void exfil_finish(struct exfil *d, uint64_t now_us);

struct counter_view exfil_counters(const struct exfil *d); /* section "detect.exfil" */
size_t exfil_memory(const struct exfil *d);                /* fixed at creation */

/* Saved state: both tables (baselines, destinations seen, hour windows).
 * Load returns 0, -EINVAL (not exfil state, or an older layout: dropped),
 * -EIO (read failed or damaged; err says which). */
int exfil_save(const struct exfil *d, FILE *fp);
int exfil_load(struct exfil *d, FILE *fp, char *err, size_t err_size);

#endif
