/* dns_parser.h — DNS over UDP and over TCP as app_parsers (proto/app.h).
 *
 * UDP: each datagram is one message (RFC 1035 §4.2.1). TCP: messages framed
 * by a 2-octet length (RFC 1035 §4.2.2, RFC 7766), reassembled across
 * segments in a per-direction buffer of at most 65535 octets. Each message
 * becomes one APP_RECORD_DNS record; broken input becomes a named anomaly.
 * Not DNS over TLS/HTTPS/QUIC: those arrive encrypted.
 */
#ifndef HRADBA_PROTO_DNS_PARSER_H
#define HRADBA_PROTO_DNS_PARSER_H

#include "proto/app.h"

extern const struct app_parser dns_udp_parser;
extern const struct app_parser dns_tcp_parser;

#endif
