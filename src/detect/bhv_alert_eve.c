/* bhv_alert_eve.c — behaviour alerts in Suricata's alert layout. */
#include "detect/bhv_alert_eve.h"

#include <math.h>

#include "output/eve_flow.h"
#include "output/eve_time.h"

/* Scores are shown to three decimals, as RITA and the detectors round. */
static double round3(double v)
{
    return isfinite(v) ? round(v * 1000.0) / 1000.0 : 0.0;
}

static void facts(struct json_buf *b, const char *key, const struct bhv_fact *f, size_t n)
{
    json_buf_open_object(b, key);
    for (size_t i = 0; i < n; i++) {
        switch (f[i].kind) {
        case BHV_FACT_NUM:
            json_buf_double(b, f[i].name, isfinite(f[i].num) ? f[i].num : 0.0);
            break;
        case BHV_FACT_TIME: {
            char ts[EVE_TIME_LEN];
            eve_time_format(f[i].time_us, ts);
            json_buf_string(b, f[i].name, ts);
            break;
        }
        case BHV_FACT_TEXT:
            json_buf_string(b, f[i].name, f[i].text ? f[i].text : "");
            break;
        }
    }
    json_buf_close_object(b);
}

static void alert_object(struct json_buf *b, const struct bhv_alert *a)
{
    json_buf_open_object(b, "alert");
    json_buf_string(b, "action", "allowed");
    json_buf_u64(b, "gid", BHV_ALERT_GID);
    json_buf_u64(b, "signature_id", a->signature_id);
    json_buf_u64(b, "rev", 1);
    json_buf_string(b, "signature", a->signature);
    json_buf_string(b, "category", a->category ? a->category : "Misc activity");
    json_buf_u64(b, "severity", a->severity ? a->severity : 2);
    json_buf_open_object(b, "metadata");
    json_buf_open_array(b, "detector");
    json_buf_string(b, NULL, a->detector);
    json_buf_close_array(b);
    json_buf_open_array(b, "mitre_technique_id");
    for (size_t i = 0; i < a->technique_count; i++)
        json_buf_string(b, NULL, a->techniques[i]);
    json_buf_close_array(b);
    json_buf_close_object(b);
    json_buf_close_object(b);
}

void bhv_alert_eve_format(struct json_buf *b, const struct bhv_alert *a)
{
    char ts[EVE_TIME_LEN], ip[46];
    eve_time_format(a->ts_us, ts);
    json_buf_open_object(b, NULL);
    json_buf_string(b, "timestamp", ts);
    if (a->flow_id)
        json_buf_u64(b, "flow_id", a->flow_id);
    json_buf_string(b, "event_type", "alert");
    json_buf_string(b, "src_ip", bhv_ip_text(&a->src, ip));
    if (a->src_port)
        json_buf_u64(b, "src_port", a->src_port);
    if (a->has_dest) {
        json_buf_string(b, "dest_ip", bhv_ip_text(&a->dest, ip));
        if (a->dest_port)
            json_buf_u64(b, "dest_port", a->dest_port);
    }
    if (a->proto)
        eve_flow_proto(b, a->proto);
    alert_object(b, a);
    json_buf_open_object(b, "behaviour");
    json_buf_string(b, "detector", a->detector);
    if (a->target)
        json_buf_string(b, "target", a->target);
    json_buf_double(b, "score", round3(a->score));
    json_buf_double(b, "threshold", round3(a->threshold));
    json_buf_open_object(b, "score_parts");
    for (size_t i = 0; i < a->part_count; i++)
        json_buf_double(b, a->parts[i].name, round3(a->parts[i].value));
    json_buf_close_object(b);
    facts(b, "observed", a->observed, a->observed_count);
    facts(b, "baseline", a->baseline, a->baseline_count);
    if (a->explanation)
        json_buf_string(b, "explanation", a->explanation);
    json_buf_close_object(b);
    json_buf_close_object(b);
    json_buf_newline(b);
}
