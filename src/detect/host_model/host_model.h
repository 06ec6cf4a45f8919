/* host_model.h — a learned model of each internal host's hourly behaviour:
 * an hour unlike the host's own past is worth a look (ATT&CK T1071 as the
 * generic technique; the alert names the features that made the hour odd).
 *
 * Each internal host's hour becomes thirteen features (bytes and packets
 * each way, connections, distinct peers, new destinations, distinct server
 * ports, DNS queries and NXDOMAIN share, TLS fingerprints and new ones, how
 * rare activity at this hour of day is for the host), log-transformed where
 * they are counts, and is scored by a robust Mahalanobis distance from the
 * host's own exponentially weighted model (robust_mahal.h), which a
 * site-wide model seeds for new hosts. Everything per host is one fixed-size
 * record in a bhv_table. Hours are capture time; a host's hour closes on the
 * first tick or observation after it ends. docs/detectors.md, "Host model".
 */
#ifndef HRADBA_DETECT_HOST_MODEL_HOST_MODEL_H
#define HRADBA_DETECT_HOST_MODEL_HOST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct host_model_config {
    double threshold;       /* score 0..1 at which to alert; score = equivalent z / 10 */
    uint64_t min_hours;     /* active hours a host must have before it is judged */
    double half_life_hours; /* of the model's memory, in active hours */
    double shrinkage;       /* least weight of "no correlation" in the model, (0, 1] */
    uint64_t realert_s;     /* least time between alerts for one host */
    uint64_t relearn_hours; /* anomalous active hours in a row after which the host starts over */
    uint64_t forget_hours;  /* a host not seen this long is dropped */
    uint64_t max_hosts;
    bool suppress_recurring; /* no alert for what was odd at this time of day on a recent day */
};

void host_model_config_default(struct host_model_config *cfg);
extern const struct bhv_option host_model_options[]; /* keys "host_model.<name>" */
extern const size_t host_model_option_count;

struct host_model;

/* NULL when cfg is out of range (threshold or shrinkage not in (0,1],
 * half_life_hours not > 0, max_hosts 0, min_hours under 7, the vectors
 * the model needs to start) or memory is short.
 * The sink is copied. */
struct host_model *host_model_new(const struct host_model_config *cfg, const struct bhv_sink *sink);
void host_model_free(struct host_model *d);

/* Observations add to the hour of their capture time of each internal host
 * they involve (flows in the hour they end). */
void host_model_conn(struct host_model *d, const struct bhv_conn *c);
void host_model_dns(struct host_model *d, const struct bhv_dns *q);
void host_model_name(struct host_model *d, const struct bhv_name *n);

/* Closes, scores and learns every host hour that ended by now_us; forgets
 * hosts (at most once per capture hour). */
void host_model_tick(struct host_model *d, uint64_t now_us);

/* End of input: ended hours as on a tick; an hour still open is scored
 * as far as it got (counts can only grow, so only its excesses count) and
 * is not learnt, so it can go on after a restart. */
void host_model_finish(struct host_model *d, uint64_t now_us);

struct counter_view host_model_counters(const struct host_model *d); /* "detect.host_model" */
size_t host_model_memory(const struct host_model *d);                /* fixed at creation */

/* Saved state: the site-wide model and every host's record. Load returns
 * 0, -EINVAL (not host_model state, or an older layout: dropped), -EIO
 * (read failed or damaged; err says which). */
int host_model_save(const struct host_model *d, FILE *fp);
int host_model_load(struct host_model *d, FILE *fp, char *err, size_t err_size);

#endif
