/* behaviour.h — the behaviour detectors of one worker, fed from the pipeline.
 *
 * Owns the observation adapter (bhv_observe.h) and every detector (beacon,
 * dns_tunnel, exfil, rare, long_conn, lateral, host_model), hands each the
 * observations it uses, ticks them on capture time, and saves and restores
 * their state as one file. Thresholds come from a config file of
 * "key = value" lines (docs/detectors.md lists every key).
 */
#ifndef HRADBA_DETECT_BEHAVIOUR_H
#define HRADBA_DETECT_BEHAVIOUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/counter.h"
#include "detect/beacon/beacon.h"
#include "detect/bhv.h"
#include "detect/bhv_observe.h"
#include "detect/dns_tunnel/dns_tunnel.h"
#include "detect/exfil/exfil.h"
#include "detect/host_model/host_model.h"
#include "detect/rare/lateral.h"
#include "detect/rare/long_conn.h"
#include "detect/rare/rare.h"
#include "flow/flow.h"
#include "proto/app.h"

enum behaviour_detector {
    BHV_BEACON,
    BHV_DNS_TUNNEL,
    BHV_EXFIL,
    BHV_RARE,
    BHV_LONG_CONN,
    BHV_LATERAL,
    BHV_HOST_MODEL,
    BHV_DETECTOR_COUNT
};

struct behaviour_config {
    bool is_enabled[BHV_DETECTOR_COUNT];
    struct bhv_observe_config observe;
    char psl_path[256]; /* empty: Debian's publicsuffix file, else a built-in list */
    struct beacon_config beacon;
    struct dns_tunnel_config dns_tunnel;
    struct exfil_config exfil;
    struct rare_config rare;
    struct long_conn_config long_conn;
    struct lateral_config lateral;
    struct host_model_config host_model;
};

void behaviour_config_default(struct behaviour_config *cfg);

/* Sets one key ("beacon.threshold", "detect.home_net", "rare.enabled") from
 * its text. Returns 0, or -EINVAL / -ENOENT with a message in err. */
int behaviour_config_set(struct behaviour_config *cfg, const char *key, const char *value,
                         char *err, size_t err_size);

/* Reads "key = value" lines ('#' starts a comment, blank lines ignored).
 * Stops at the first bad line: err names the file and line. */
int behaviour_config_load(struct behaviour_config *cfg, const char *path, char *err,
                          size_t err_size);

/* Every key with its current value and help, as a commented config file. */
void behaviour_config_write(const struct behaviour_config *cfg, FILE *fp);

struct behaviour;

/* Alerts go to sink. warn (may be NULL) receives one-line warnings that do
 * not stop the run (the public suffix list missing). NULL on failure with
 * err set. */
struct behaviour *behaviour_new(const struct behaviour_config *cfg, const struct bhv_sink *sink,
                                void (*warn)(const char *msg), char *err, size_t err_size);
void behaviour_free(struct behaviour *b);

void behaviour_record(struct behaviour *b, const struct flow *f, enum app_record type,
                      const void *record, uint64_t ts_us);
void behaviour_flow_end(struct behaviour *b, const struct flow *f);
/* The capture clock (never backwards here): ticks the detectors every
 * 60 s of it. Cheap when no tick is due. */
void behaviour_advance(struct behaviour *b, uint64_t now_us);
/* End of input: pending DNS queries and every detector's pending scores. */
void behaviour_finish(struct behaviour *b, uint64_t now_us);

/* Counter views of the adapter and each enabled detector into out; returns
 * how many. */
size_t behaviour_counter_views(const struct behaviour *b, struct counter_view *out, size_t max);
size_t behaviour_memory(const struct behaviour *b);

/* The detectors' state in one file, written to a temporary name and renamed
 * (a crash leaves the old file). Loading restores each detector whose part
 * is intact and of the current layout; a part that is not starts afresh and
 * is named in the warning. 0 or -errno with err set. */
int behaviour_save(const struct behaviour *b, const char *path, char *err, size_t err_size);
int behaviour_load(struct behaviour *b, const char *path, void (*warn)(const char *msg), char *err,
                   size_t err_size);
/* The same from an open stream; name is what messages call it. */
int behaviour_load_stream(struct behaviour *b, FILE *fp, const char *name,
                          void (*warn)(const char *msg), char *err, size_t err_size);

#endif
