/* beacon_alert.c — what a beaconing alert says: the pair's observations,
 * its score and parts, and what is normal for its host and target
 * (docs/detectors.md, "Beacon", "Alert"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect/beacon/beacon_internal.h"

static const char *const kind_text[KIND_END] = {"?", "ip", "sni", "host", "dns"};

/* What is normal around a pending alert: every pair's source and target
 * counted afresh, since the tables drop pairs without telling. */
static void aggregate(struct beacon *d)
{
    bhv_table_clear(d->hosts);
    bhv_table_clear(d->targets);
    size_t cursor = 0;
    const void *key;
    void *value;
    while (bhv_table_next(d->pairs, &cursor, &key, &value, NULL)) {
        const struct pair_key *k = key;
        const struct pair *p = value;
        struct host_agg *h = bhv_table_get(d->hosts, &k->src, 0, NULL);
        h->pairs++;
        if (p->has_score) {
            h->scored++;
            h->above += p->score >= d->cfg.threshold;
            double sc = p->score; /* from a state file it may be anything, NaN too */
            int bin = sc >= 1 ? HOST_SCORE_BINS - 1 : sc > 0 ? (int)(sc * HOST_SCORE_BINS) : 0;
            h->bins[bin]++;
        }
        uint32_t *sources = bhv_table_get(d->targets, &k->target, 0, NULL);
        (*sources)++;
    }
}

static double host_median(const struct host_agg *h)
{
    uint32_t seen = 0;
    for (int i = 0; i < HOST_SCORE_BINS; i++) {
        seen += h->bins[i];
        if (seen * 2 >= h->scored && seen)
            return (i + 0.5) / HOST_SCORE_BINS;
    }
    return 0;
}

static void target_text(const struct target *t, char *buf, size_t size)
{
    if (t->kind == KIND_IP) {
        char ip[46];
        snprintf(buf, size, "%s", bhv_ip_text(&t->u.ip, ip));
    } else {
        snprintf(buf, size, "%.*s", (int)sizeof(t->u.name), t->u.name);
    }
}

static void add_facts(struct bhv_alert *a, const struct pair *p, const struct result *r,
                      const char *kind)
{
    bhv_alert_text(a, false, "pair_kind", kind);
    bhv_alert_num(a, false, "connections", floor(r->s.conns + 0.5));
    bhv_alert_num(a, false, "connections_total", (double)p->total);
    bhv_alert_num(a, false, "period_s", r->s.ts.median);
    bhv_alert_num(a, false, "jitter_s", r->s.ts.mad);
    bhv_alert_num(a, false, "interval_skew", r->s.ts.skew);
    bhv_alert_num(a, false, "bytes_mean", r->s.bytes_mean);
    bhv_alert_num(a, false, "bytes_median", r->s.ds.median);
    bhv_alert_num(a, false, "bytes_mad", r->s.ds.mad);
    bhv_alert_time(a, false, "first_seen", (uint64_t)r->s.first * 1000000u);
    bhv_alert_time(a, false, "last_seen", (uint64_t)r->s.last * 1000000u);
    bhv_alert_num(a, false, "active_bins", r->s.hist.bars);
    bhv_alert_num(a, false, "longest_run_bins", r->s.hist.longest_run);
    bhv_alert_num(a, false, "window_s", r->we - r->ws);
    bhv_alert_num(a, false, "samples", (double)r->s.samples);
    if (p->server_port)
        bhv_alert_num(a, false, "dest_port", p->server_port);
    bhv_alert_part(a, "timestamp", r->s.ts.score);
    bhv_alert_part(a, "data_size", r->s.ds.score);
    bhv_alert_part(a, "histogram", r->s.hist.score);
    bhv_alert_part(a, "duration", r->s.dur.score);
    bhv_alert_part(a, "histogram_cv", r->s.hist.cv_score);
    bhv_alert_part(a, "histogram_bimodal", r->s.hist.bimodal_score);
    bhv_alert_part(a, "duration_coverage", r->s.dur.coverage);
    bhv_alert_part(a, "duration_consistency", r->s.dur.consistency);
}

struct around { /* the baseline of one alert */
    const struct host_agg *host;
    uint32_t sources;
    size_t hosts;
};

static void emit(struct beacon *d, const struct pair_key *k, const struct pair *p,
                 const struct result *r, const struct around *ar)
{
    unsigned kind = k->target.kind < KIND_END ? k->target.kind : 0;
    char src[46], target[NAME_KEY + 1], signature[192], explanation[512];
    bhv_ip_text(&k->src, src);
    target_text(&k->target, target, sizeof(target));
    snprintf(signature, sizeof(signature), "HRADBA BEHAVIOUR beaconing %s -> %s", src, target);
    double host_med = ar->host ? host_median(ar->host) : 0;
    snprintf(explanation, sizeof(explanation),
             "%s reached %s %.0f times in %.1f h, every %.0f s (median; jitter %.0f s) with "
             "%.0f bytes (median): a machine-like schedule scoring %.3f (alert at %.2f). "
             "%u of %zu active hosts reach it; this host's pairs score %.2f at the median.",
             src, target, floor(r->s.conns + 0.5), (r->we - r->ws) / 3600.0, r->s.ts.median,
             r->s.ts.mad, r->s.ds.median, r->s.score, d->cfg.threshold, ar->sources, ar->hosts,
             host_med);
    struct bhv_alert a = {
        .detector = "beacon",
        .signature = signature,
        .signature_id = bhv_alert_sid(DETECTOR_NO, kind),
        .severity = 2,
        .category = "A Network Trojan was detected",
        .ts_us = d->clock_us,
        .flow_id = p->last_flow_id,
        .src = k->src,
        .dest = kind == KIND_IP ? k->target.u.ip : p->server,
        .has_dest = true,
        .target = target,
        .score = r->s.score,
        .threshold = d->cfg.threshold,
        .explanation = explanation,
    };
    add_facts(&a, p, r, kind_text[kind]);
    if (ar->host) {
        bhv_alert_num(&a, true, "host_pairs", ar->host->pairs);
        bhv_alert_num(&a, true, "host_pairs_scored", ar->host->scored);
        bhv_alert_num(&a, true, "host_pairs_above_threshold", ar->host->above);
        bhv_alert_num(&a, true, "host_median_score", host_med);
    }
    bhv_alert_num(&a, true, "target_hosts", ar->sources);
    bhv_alert_num(&a, true, "active_hosts", (double)ar->hosts);
    bhv_alert_technique(&a, "T1071");
    if (kind == KIND_SNI)
        bhv_alert_technique(&a, "T1573");
    if (kind == KIND_HOST)
        bhv_alert_technique(&a, "T1071.001");
    if (kind == KIND_DNS)
        bhv_alert_technique(&a, "T1071.004");
    bhv_emit(&d->sink, &a);
}

/* Emits the pending alerts, unless the target is common to the network. */
void beacon_emit_pending(struct beacon *d)
{
    aggregate(d);
    size_t hosts = bhv_table_count(d->hosts);
    size_t cursor = 0;
    const void *key;
    void *value;
    while (bhv_table_next(d->pairs, &cursor, &key, &value, NULL)) {
        const struct pair_key *k = key;
        struct pair *p = value;
        if (!p->is_pending)
            continue;
        p->is_pending = 0;
        const uint32_t *sources = bhv_table_find(d->targets, &k->target);
        struct around ar = {bhv_table_find(d->hosts, &k->src), sources ? *sources : 1, hosts};
        if (d->cfg.common_share > 0 && hosts >= d->cfg.common_min_hosts &&
            ar.sources >= d->cfg.common_share * (double)hosts) {
            d->counters[C_SUPP_COMMON]++;
            continue;
        }
        struct result r;
        if (!beacon_pair_score(d, p, &r))
            continue;
        emit(d, k, p, &r, &ar);
        p->last_alert_us = d->clock_us ? d->clock_us : 1;
        d->counters[C_ALERTS]++;
    }
}
