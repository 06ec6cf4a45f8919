/* long_conn.h — connections that stay up for hours (detector 5).
 *
 * Sums the time a (client, server, port) pair was connected over
 * consecutive finished flows, as RITA does with open and closed conns, and
 * alerts when it passes an hour (RITA's long_connection_minimum_duration)
 * and the connection is quiet and rare on the site: a C2 session or tunnel,
 * not a video stream or a push channel every host keeps (docs/detectors.md).
 * It is not an exfiltration detector (exfil.c weighs bytes).
 */
#ifndef HRADBA_DETECT_RARE_LONG_CONN_H
#define HRADBA_DETECT_RARE_LONG_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/bhv.h"

struct long_conn_config {
    double min_duration_s;  /* connected time at which a pair counts as long */
    double full_duration_s; /* connected time at which the duration part is 1 */
    double quiet_bytes_s;   /* average bytes/s at or below which a connection is quiet */
    double threshold;       /* score at which to alert */
    double bridge_gap_s;    /* a gap this short between flows counts as connected */
    double chain_gap_s;     /* a longer gap than this starts a new session */
    double track_min_s;     /* shorter flows only extend a session already tracked */
    double realert_s;       /* the same pair alerts at most once per this */
    bool include_internal;  /* also internal servers (default: outbound only) */
    bool skip_long_lived;   /* skip ports of push, mail IDLE, VPN and MQTT services */
    uint64_t pairs_max;     /* tracked (client, server, port) sessions */
    uint64_t servers_max;   /* servers whose long-connection clients are counted */
};

void long_conn_config_default(struct long_conn_config *cfg);

extern const struct bhv_option long_conn_options[];
extern const size_t long_conn_option_count;

struct long_conn;

/* NULL when cfg's table sizes are zero or memory is short; the sink is
 * copied. */
struct long_conn *long_conn_new(const struct long_conn_config *cfg, const struct bhv_sink *sink);
void long_conn_free(struct long_conn *d);

/* A finished flow: extends its pair's session and alerts when the session
 * has become long. */
void long_conn_conn(struct long_conn *d, const struct bhv_conn *c);

/* Ages out sessions that can no longer grow and whose re-alert interval is
 * over. */
void long_conn_tick(struct long_conn *d, uint64_t now_us);

/* End of input: nothing is pending (every flow was judged as it ended), so
 * this only ages state like a tick. */
void long_conn_finish(struct long_conn *d, uint64_t now_us);

struct counter_view long_conn_counters(const struct long_conn *d);
size_t long_conn_memory(const struct long_conn *d);

/* 0 or -EIO. */
int long_conn_save(const struct long_conn *d, FILE *fp);

/* 0; -EINVAL when fp holds no long_conn state of this layout, -EIO when it
 * is damaged: either way err says why and the detector starts afresh. */
int long_conn_load(struct long_conn *d, FILE *fp, char *err, size_t err_size);

#endif
