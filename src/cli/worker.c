/* worker.c — decode → flow → EVE for one core's share of the traffic. */
#include "cli/worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/app_events.h"
#include "core/qsbr.h"
#include "detect/behaviour.h"
#include "detect/bhv_alert_eve.h"
#include "detect/intel_detect.h"
#include "detect/intel_observe.h"
#include "output/eve_flow.h"
#include "output/eve_sink.h"
#include "output/json_buf.h"

#define WORKER_COUNTERS(X)                                                                         \
    X(WORKER_PACKETS, "packets")                                                                   \
    X(WORKER_BYTES, "bytes")                                                                       \
    X(WORKER_DECODED_IP, "packets.ip")                                                             \
    X(WORKER_NOT_IP, "packets.not_ip")                                                             \
    X(WORKER_INVALID, "packets.invalid")                                                           \
    X(WORKER_FRAGMENT_HELD, "packets.fragment_held")                                               \
    X(WORKER_TIME_BACKWARDS, "packets.time_backwards")                                             \
    X(WORKER_TIME_REWINDS, "packets.time_rewinds")                                                 \
    X(WORKER_EVENTS, "events")                                                                     \
    X(WORKER_EVENTS_FAILED, "events.failed")                                                       \
    X(WORKER_ALERTS, "alerts")                                                                     \
    X(WORKER_ALERTS_BEHAVIOUR, "alerts.behaviour")

enum worker_counter { WORKER_COUNTERS(COUNTER_ENUM) WORKER_COUNTER_COUNT };
static const char *const worker_counter_names[] = {WORKER_COUNTERS(COUNTER_NAME)};

/* Fragment trackers are expired on this much capture time, not per packet. */
#define DEFRAG_SWEEP_US 1000000u
/* A step back in capture time longer than this (and than every flow
 * timeout) starts the clock over instead of being ignored. */
#define REWIND_MIN_US (3600ull * 1000000u)

struct worker {
    struct decoder *decoder;
    struct flow_table *flows;
    struct app_layer *app;
    struct eve_sink *sink;
    struct intel_detect *detect; /* NULL without intel */
    struct qsbr *intel;          /* where the current intel set comes from */
    unsigned intel_reader;
    struct intel_observed observed;
    struct intel_hit hits[INTEL_DETECT_MAX_HITS];
    struct behaviour *bhv; /* NULL without detectors */
    const char *bhv_state; /* where their state is saved, or NULL */
    bool is_finished;      /* the detectors have scored the end of input */
    struct json_buf line;
    struct json_buf alert_line; /* behaviour alerts may come while line is in use */
    uint64_t now_us;            /* highest capture time seen: time never runs backwards here */
    uint64_t next_sweep_us;
    uint64_t rewind_us; /* backward step that restarts the clock */
    uint64_t counters[WORKER_COUNTER_COUNT];
};

void worker_config_default(struct worker_config *cfg)
{
    decode_config_default(&cfg->decode);
    flow_config_default(&cfg->flow);
    app_layer_config_default(&cfg->app);
    app_events_configure(&cfg->app);
}

static void worker_alerts(struct worker *w, const struct flow *f, enum app_record type,
                          const void *record, enum flow_dir dir, uint64_t ts_us, size_t hits)
{
    if (!hits)
        return;
    int n = app_events_write_alerts(&w->line, w->sink, f, type, record, dir, ts_us, w->hits, hits);
    if (n < 0) {
        w->counters[WORKER_EVENTS_FAILED]++;
        return;
    }
    w->counters[WORKER_EVENTS] += (uint64_t)n;
    w->counters[WORKER_ALERTS] += (uint64_t)n;
    /* The worker owns the flow table; the app layer hands flows out const
     * only so that parsers cannot change them. */
    ((struct flow *)f)->is_alerted = true;
}

static void worker_on_record(void *ctx, const struct flow *f, enum app_record type,
                             const void *record, enum flow_dir dir, uint64_t ts_us)
{
    struct worker *w = ctx;
    int n = app_events_write(&w->line, w->sink, f, type, record, dir, ts_us);
    if (n < 0)
        w->counters[WORKER_EVENTS_FAILED]++;
    else
        w->counters[WORKER_EVENTS] += (uint64_t)n;
    if (w->bhv)
        behaviour_record(w->bhv, f, type, record, ts_us);
    if (!w->detect)
        return;
    intel_observe_record(&w->observed, type, record);
    size_t hits = intel_detect_event(w->detect, f, &w->observed, w->hits, INTEL_DETECT_MAX_HITS);
    worker_alerts(w, f, type, record, dir, ts_us, hits);
}

static void worker_on_flow_end(void *ctx, struct flow *f)
{
    struct worker *w = ctx;
    /* Application events first, as they complete before the flow does, and
     * so the flow event knows the flow's application protocol. */
    if (w->app)
        app_layer_flow_end(w->app, f);
    json_buf_reset(&w->line);
    eve_flow_format(&w->line, f);
    if (!json_buf_ok(&w->line) || eve_sink_write(w->sink, w->line.data, w->line.len) != 0)
        w->counters[WORKER_EVENTS_FAILED]++;
    else
        w->counters[WORKER_EVENTS]++;
    if (w->bhv)
        behaviour_flow_end(w->bhv, f);
}

static void worker_on_bhv_alert(void *ctx, const struct bhv_alert *a)
{
    struct worker *w = ctx;
    json_buf_reset(&w->alert_line);
    bhv_alert_eve_format(&w->alert_line, a);
    if (!json_buf_ok(&w->alert_line) ||
        eve_sink_write(w->sink, w->alert_line.data, w->alert_line.len) != 0) {
        w->counters[WORKER_EVENTS_FAILED]++;
        return;
    }
    w->counters[WORKER_EVENTS]++;
    w->counters[WORKER_ALERTS]++;
    w->counters[WORKER_ALERTS_BEHAVIOUR]++;
}

static int worker_behaviour_new(struct worker *w, const struct worker_config *cfg, char *err,
                                size_t err_size)
{
    struct bhv_sink sink = {worker_on_bhv_alert, w};
    w->bhv = behaviour_new(cfg->behaviour, &sink, cfg->warn, err, err_size);
    if (!w->bhv)
        return -ENOMEM;
    w->bhv_state = cfg->behaviour_state;
    if (w->bhv_state && access(w->bhv_state, F_OK) == 0) {
        char why[512];
        if (behaviour_load(w->bhv, w->bhv_state, cfg->warn, why, sizeof(why)) != 0 && cfg->warn)
            cfg->warn(why); /* what loaded is kept; the rest starts afresh */
    }
    return 0;
}

struct worker *worker_new(const struct worker_config *cfg, struct eve_sink *sink, char *err,
                          size_t err_size)
{
    struct worker *w = calloc(1, sizeof(*w));
    snprintf(err, err_size, "out of memory setting up the flow table (lower --flow-memcap?)");
    if (!w)
        return NULL;
    json_buf_init(&w->line);
    json_buf_init(&w->alert_line);
    w->sink = sink;
    w->rewind_us = REWIND_MIN_US;
    const struct flow_config *fc = &cfg->flow;
    uint32_t timeouts[] = {fc->tcp_new_timeout_s,  fc->tcp_est_timeout_s, fc->tcp_closed_timeout_s,
                           fc->udp_new_timeout_s,  fc->udp_est_timeout_s, fc->other_new_timeout_s,
                           fc->other_est_timeout_s};
    for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++)
        if (2ull * timeouts[i] * 1000000u > w->rewind_us)
            w->rewind_us = 2ull * timeouts[i] * 1000000u;
    w->decoder = decoder_new(&cfg->decode);
    if (!w->decoder)
        goto fail;
    if (!cfg->is_flows_only) {
        w->app = app_layer_new(&cfg->app, worker_on_record, w);
        if (!w->app)
            goto fail;
    }
    w->flows = flow_table_new(&cfg->flow, worker_on_flow_end, w);
    if (!w->flows)
        goto fail;
    if (cfg->intel) {
        w->detect = intel_detect_new(NULL);
        if (!w->detect)
            goto fail;
        w->intel = cfg->intel;
        w->intel_reader = cfg->intel_reader;
        qsbr_online(w->intel, w->intel_reader);
    }
    if (cfg->behaviour && worker_behaviour_new(w, cfg, err, err_size) != 0)
        goto fail;
    return w;
fail:
    flow_table_free(w->flows);
    app_layer_free(w->app);
    decoder_free(w->decoder);
    intel_detect_free(w->detect);
    json_buf_fini(&w->line);
    json_buf_fini(&w->alert_line);
    free(w);
    return NULL;
}

int worker_flush(struct worker *w, char *err, size_t err_size)
{
    flow_table_flush(w->flows);
    if (!w->bhv)
        return 0;
    behaviour_finish(w->bhv, w->now_us);
    w->is_finished = true;
    return w->bhv_state ? behaviour_save(w->bhv, w->bhv_state, err, err_size) : 0;
}

void worker_free(struct worker *w)
{
    if (!w)
        return;
    flow_table_free(w->flows); /* ends every flow, app sessions included */
    if (w->bhv && !w->is_finished)
        behaviour_finish(w->bhv, w->now_us);
    behaviour_free(w->bhv);
    app_layer_free(w->app);
    decoder_free(w->decoder);
    if (w->intel)
        qsbr_offline(w->intel, w->intel_reader);
    intel_detect_free(w->detect);
    json_buf_fini(&w->line);
    json_buf_fini(&w->alert_line);
    free(w);
}

void worker_frame(struct worker *w, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
                  uint32_t wirelen, int linktype, uint64_t frame_no)
{
    w->counters[WORKER_PACKETS]++;
    w->counters[WORKER_BYTES] += wirelen;
    if (w->intel) {
        /* Between packets no intel pointer is held: a quiescent point. */
        qsbr_quiescent(w->intel, w->intel_reader);
        intel_detect_use(w->detect, qsbr_get(w->intel));
    }
    if (ts_us > w->now_us) {
        w->now_us = ts_us;
    } else if (ts_us + w->rewind_us < w->now_us) {
        w->counters[WORKER_TIME_REWINDS]++;
        flow_table_rewind(w->flows, ts_us);
        w->now_us = ts_us;
        w->next_sweep_us = 0;
    } else if (ts_us < w->now_us) {
        w->counters[WORKER_TIME_BACKWARDS]++;
    }
    /* Timeouts run on the capture clock, which only moves forward. */
    flow_table_advance(w->flows, w->now_us);
    if (w->bhv)
        behaviour_advance(w->bhv, w->now_us);
    if (w->now_us >= w->next_sweep_us) {
        decoder_advance(w->decoder, w->now_us);
        w->next_sweep_us = w->now_us + DEFRAG_SWEEP_US;
    }

    struct packet p = {
        .ts_us = ts_us,
        .data = data,
        .caplen = caplen,
        .wirelen = wirelen < caplen ? caplen : wirelen,
        .linktype = linktype,
        .frame_no = frame_no,
    };
    enum flow_dir dir;
    switch (decoder_run(w->decoder, &p)) {
    case DECODE_OK:
        w->counters[WORKER_DECODED_IP]++;
        struct flow *f = flow_table_packet(w->flows, &p, &dir);
        if (!f)
            break;
        /* A flow's addresses are checked once, at its first packet, so
         * the alert comes when the connection starts, not when it ends. */
        if (w->detect && f->pkts[0] + f->pkts[1] == 1) {
            size_t hits = intel_detect_flow(w->detect, f, w->hits, INTEL_DETECT_MAX_HITS);
            worker_alerts(w, f, APP_RECORD_DNS /* unused without a record */, NULL, FLOW_TOSERVER,
                          ts_us, hits);
        }
        if (w->app)
            app_layer_packet(w->app, f, dir, &p);
        break;
    case DECODE_NOT_IP:
        w->counters[WORKER_NOT_IP]++;
        break;
    case DECODE_HELD:
        w->counters[WORKER_FRAGMENT_HELD]++;
        break;
    case DECODE_INVALID:
        w->counters[WORKER_INVALID]++;
        break;
    }
}

size_t worker_counter_views(const struct worker *w, struct counter_view *out, size_t max)
{
    struct counter_view views[6 + 2 + BHV_DETECTOR_COUNT] = {
        {"packets", worker_counter_names, w->counters, WORKER_COUNTER_COUNT},
        decoder_counters(w->decoder),
        flow_table_counters(w->flows),
    };
    size_t n = 3;
    if (w->app) {
        views[n++] = app_layer_counters(w->app);
        views[n++] = app_layer_stream_counters(w->app);
    }
    if (w->detect)
        views[n++] = intel_detect_counters(w->detect);
    if (w->bhv)
        n += behaviour_counter_views(w->bhv, views + n, sizeof(views) / sizeof(views[0]) - n);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = views[i];
    return n;
}

uint64_t worker_packets(const struct worker *w)
{
    return w->counters[WORKER_PACKETS];
}

uint64_t worker_flows_active(const struct worker *w)
{
    struct counter_view v = flow_table_counters(w->flows);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], "flows.active") == 0)
            return v.values[i];
    return 0;
}
