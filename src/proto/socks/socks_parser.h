/* socks_parser.h — SOCKS 4, 4a and 5 (RFC 1928, RFC 1929) as an app_parser.
 *
 * Follows the handshake in both directions: greeting and method selection,
 * username/password sub-negotiation, request and reply. When the proxy grants
 * a CONNECT (or the second reply of a BIND) it emits one struct socks_record
 * and returns APP_REDETECT with out->handover_at at the end of the reply, so
 * the tunnelled protocol is detected afresh. Passwords are skipped, never kept.
 * It does not follow GSSAPI (RFC 1961) or other methods, nor UDP relaying.
 */
#ifndef HRADBA_PROTO_SOCKS_PARSER_H
#define HRADBA_PROTO_SOCKS_PARSER_H

#include "proto/app.h"

extern const struct app_parser socks_parser;

#endif
