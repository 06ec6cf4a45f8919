/* eve_flow.h — the EVE "flow" event, with Suricata's field names.
 * Every field is documented in docs/events.md. */
#ifndef HRADBA_OUTPUT_EVE_FLOW_H
#define HRADBA_OUTPUT_EVE_FLOW_H

#include "flow/flow.h"
#include "output/json_buf.h"

/* Output choices for the fields every event shares. */
struct eve_flow_opts {
    bool has_community_id;      /* write "community_id" */
    uint16_t community_id_seed; /* Suricata's community-id-seed */
};

/* Community ID on, seed 0. */
void eve_flow_opts_default(struct eve_flow_opts *o);

/* Appends one complete flow event line (with its newline) to b, with the
 * default options. Field order follows Suricata's flow events. */
void eve_flow_format(struct json_buf *b, const struct flow *f);
void eve_flow_format_opts(struct json_buf *b, const struct flow *f, const struct eve_flow_opts *o);

/* Writes the common header every EVE event shares (timestamp, flow_id,
 * in_iface-free 5-tuple, vlan, proto, community_id) into an open object,
 * with the default options. src is the flow's client, dest its server. */
void eve_flow_common(struct json_buf *b, const struct flow *f, uint64_t ts_us);

/* The same header with "event_type" in Suricata's place, right after
 * "flow_id" (omitted when event_type is NULL), and explicit options (NULL:
 * defaults). Opens nothing: call inside the event's top-level object. */
void eve_flow_header(struct json_buf *b, const struct flow *f, uint64_t ts_us,
                     const char *event_type, const struct eve_flow_opts *o);

/* The same, for an event about a packet travelling in dir: for FLOW_TOCLIENT
 * the server is written as src (Suricata does so for DNS answers). */
void eve_flow_header_dir(struct json_buf *b, const struct flow *f, uint64_t ts_us,
                         const char *event_type, const struct eve_flow_opts *o, enum flow_dir dir);

/* "proto": Suricata's name of an IP protocol ("TCP", "UDP", "ICMP",
 * "IPv6-ICMP"), else its number as text. */
void eve_flow_proto(struct json_buf *b, uint8_t proto);

#endif
