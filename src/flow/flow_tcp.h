/* flow_tcp.h — the TCP connection state a passive observer can follow.
 *
 * Internal to src/flow/. States are named the way Suricata names them: the
 * server endpoint's RFC 793 state, so a client FIN moves an established
 * connection to CLOSE_WAIT and a server FIN to FIN_WAIT1. The machine
 * checks FIN acknowledgement numbers but not windows or sequence validity;
 * it is not a stream reassembler.
 */
#ifndef HRADBA_FLOW_FLOW_TCP_H
#define HRADBA_FLOW_FLOW_TCP_H

#include <stdbool.h>

#include "decode/packet.h"
#include "flow/flow.h"

/* Whether the first packet of a new TCP flow came from the server (a
 * SYN-ACK), so that the flow's client is the packet's receiver. */
bool flow_tcp_first_from_server(const struct packet *p);

/* Sets the TCP and flow state of a new flow from its first packet, already
 * counted in direction dir. Marks midstream pickups. */
void flow_tcp_begin(struct flow *f, enum flow_dir dir, const struct packet *p);

/* Advances the TCP and flow state on a later packet, already counted. */
void flow_tcp_update(struct flow *f, enum flow_dir dir, const struct packet *p);

/* A SYN without ACK on a connection that already finished (CLOSED or
 * TIME_WAIT): the ports are being reused and a new flow begins. */
bool flow_tcp_is_reuse(const struct flow *f, const struct packet *p);

#endif
