/* quic_parser.h — QUIC over UDP as an app_parser (proto/app.h).
 *
 * Reads the long headers of each datagram (coalesced packets included),
 * opens the client's and the server's Initial packets with keys derived
 * from the client's Destination Connection ID (RFC 9001 §5.2), reassembles
 * their CRYPTO frames and decodes the ClientHello and ServerHello. One
 * APP_RECORD_QUIC record (proto/quic/quic_record.h) per connection, then
 * the flow is no longer fed. Caps and anomalies: docs/protocols/quic.md.
 * Not gQUIC (Q0xx) and not 1-RTT traffic.
 */
#ifndef HRADBA_PROTO_QUIC_QUIC_PARSER_H
#define HRADBA_PROTO_QUIC_QUIC_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"

enum {
    QUIC_PLAIN_MAX = 16384,  /* largest Initial packet opened (its plaintext is on the stack) */
    QUIC_COALESCED_MAX = 8,  /* packets read from one datagram */
    QUIC_SERVER_WAIT = 8,    /* server datagrams awaited for a ServerHello */
    QUIC_DATAGRAMS_MAX = 64, /* datagrams read before the record is written regardless */
};

extern const struct app_parser quic_parser;

/* Feeds payload as the plaintext of one Initial packet of dir (version:
 * the connection's, if none was seen yet), then proceeds as quic_parser's
 * parse() does after a datagram. st comes from quic_parser.state_new. For
 * tests and the fuzzer: encrypted packets resist mutation, their frames
 * and the hellos behind them should not. */
enum app_result quic_parser_plaintext(void *st, enum flow_dir dir, uint32_t version,
                                      const uint8_t *payload, size_t len, struct app_out *out);

#endif
