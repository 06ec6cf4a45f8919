/* eve_flow.h — the EVE "flow" event, with Suricata's field names.
 * Every field is documented in docs/events.md. */
#ifndef HRADBA_OUTPUT_EVE_FLOW_H
#define HRADBA_OUTPUT_EVE_FLOW_H

#include "flow/flow.h"
#include "output/json_buf.h"

/* Appends one complete flow event line (with its newline) to b. */
void eve_flow_format(struct json_buf *b, const struct flow *f);

/* Writes the common header every EVE event shares (timestamp, flow_id,
 * in_iface-free 5-tuple, vlan, proto, community_id) into an open object. */
void eve_flow_common(struct json_buf *b, const struct flow *f, uint64_t ts_us);

#endif
