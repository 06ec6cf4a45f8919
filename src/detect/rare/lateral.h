/* lateral.h — one internal host reaching many new internal hosts over
 * remote-service protocols (detector 6; ATT&CK T1021: RDP, SMB, SSH, VNC,
 * WinRM).
 *
 * Remembers which internal pairs have used each service before, counts per
 * source and service the new destinations in a sliding window, and alerts
 * when that count is improbable for the source's usual rate of new peers
 * (Poisson tail; docs/detectors.md, "lateral"). It is not a port-scan
 * detector for the Internet side: both ends must be internal.
 */
#ifndef HRADBA_DETECT_RARE_LATERAL_H
#define HRADBA_DETECT_RARE_LATERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct lateral_config {
    double window_s;         /* sliding window over which new destinations are counted */
    uint64_t min_new_peers;  /* never alert on fewer new destinations in a window */
    double threshold;        /* score (-log10 of the chance / 6, 0..1) at which to alert */
    double baseline_floor;   /* usual new peers per window assumed for a quiet source */
    double baseline_windows; /* memory of the usual rate, in windows (EWMA span) */
    double learn_s;          /* after the first connection: record pairs, do not alert */
    double realert_s;        /* the same source and service alert at most once per this */
    double forget_s;         /* a pair unused this long is new again */
    uint64_t pairs_max;      /* remembered (source, destination, service) pairs */
    uint64_t sources_max;    /* (source, service) counters */
};

void lateral_config_default(struct lateral_config *cfg);

extern const struct bhv_option lateral_options[];
extern const size_t lateral_option_count;

struct lateral;

/* NULL when cfg's table sizes are zero or memory is short; the sink is
 * copied. */
struct lateral *lateral_new(const struct lateral_config *cfg, const struct bhv_sink *sink);
void lateral_free(struct lateral *d);

/* A finished flow; only internal-to-internal flows to a remote-service port
 * (22, 139, 445, 3389, 5900, 5985, 5986) are looked at. */
void lateral_conn(struct lateral *d, const struct bhv_conn *c);

/* Ages out pairs and sources unused for forget_s. */
void lateral_tick(struct lateral *d, uint64_t now_us);

/* End of input: alerts are raised as connections arrive, so nothing is
 * pending; ages state like a tick. */
void lateral_finish(struct lateral *d, uint64_t now_us);

struct counter_view lateral_counters(const struct lateral *d);
size_t lateral_memory(const struct lateral *d);

/* 0 or -EIO. */
int lateral_save(const struct lateral *d, FILE *fp);

/* 0; -EINVAL when fp holds no lateral state of this layout, -EIO when it
 * is damaged: either way err says why and the detector starts afresh. */
int lateral_load(struct lateral *d, FILE *fp, char *err, size_t err_size);

#endif
