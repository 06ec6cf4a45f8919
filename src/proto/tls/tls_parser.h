/* tls_parser.h — TLS (SSL 3.0 to TLS 1.3) over TCP as an app_parser
 * (proto/app.h).
 *
 * Reads both directions' handshakes up to the point where they turn
 * encrypted, and hands one APP_RECORD_TLS (struct tls_record) per flow to
 * app_out: when the server's hello and certificates are complete, when
 * either side starts encrypting, or at a gap or the flow's end with what
 * was seen. Then it asks not to be fed any more. Broken input becomes a
 * named anomaly (docs/protocols/tls.md lists them). Not DTLS, not QUIC
 * (proto/quic reuses tls_hello.h), and no decryption.
 */
#ifndef HRADBA_PROTO_TLS_TLS_PARSER_H
#define HRADBA_PROTO_TLS_TLS_PARSER_H

#include "proto/app.h"

extern const struct app_parser tls_parser;

#endif
