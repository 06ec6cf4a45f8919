/* mysql_parser.h — the MySQL/MariaDB connection phase as an app_parser,
 * far enough to follow the SSL request into TLS.
 *
 * Spec: the MySQL client/server protocol's connection phase
 * (Protocol::HandshakeV10, Protocol::SSLRequest, Protocol::HandshakeResponse
 * in the MySQL source documentation; MariaDB's "Connecting" page). Reads the
 * server's greeting and the client's first packet; when that is an SSL
 * request, the bytes after it are TLS and go to the TLS parser. Otherwise
 * inspection ends there: no queries, no user names, no event of its own
 * (the flow is named "mysql").
 */
#ifndef HRADBA_PROTO_MYSQL_PARSER_H
#define HRADBA_PROTO_MYSQL_PARSER_H

#include "proto/app.h"

extern const struct app_parser mysql_parser;

#endif
