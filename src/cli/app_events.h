/* app_events.h — the parsers a worker runs and the EVE events of their records. */
#ifndef HRADBA_CLI_APP_EVENTS_H
#define HRADBA_CLI_APP_EVENTS_H

#include "detect/intel_detect.h"
#include "flow/flow.h"
#include "output/eve_sink.h"
#include "output/json_buf.h"
#include "proto/app.h"
#include "proto/app_layer.h"

/* Fills cfg's parser table (entries, port hints, the STARTTLS target). */
void app_events_configure(struct app_layer_config *cfg);

/* Writes the event(s) for one record to sink, using b as scratch. Returns
 * the number of events written, or -1 when formatting or writing failed. */
int app_events_write(struct json_buf *b, struct eve_sink *sink, const struct flow *f,
                     enum app_record type, const void *record, enum flow_dir dir, uint64_t ts_us);

/* Writes one EVE "alert" event per hit about a record's event (record NULL:
 * about the flow itself, at its first packet), with the record's protocol
 * object, as Suricata nests "tls" or "dns" into an alert. Returns the number
 * of events written, or -1. */
int app_events_write_alerts(struct json_buf *b, struct eve_sink *sink, const struct flow *f,
                            enum app_record type, const void *record, enum flow_dir dir,
                            uint64_t ts_us, const struct intel_hit *hits, size_t n);

#endif
