/* ftp_parser.h — the FTP control connection (RFC 959) as an app_parser,
 * far enough to follow AUTH TLS (RFC 4217, RFC 2228) into TLS.
 *
 * Pairs client commands with the server's replies (multi-line replies and
 * 1yz preliminary replies included) and, when an AUTH TLS (or SSL, TLS-C,
 * TLS-P) is answered 234, hands the flow to the TLS parser. It writes no
 * event of its own (the flow is named "ftp"), keeps no file names or
 * passwords, and does not follow data connections.
 */
#ifndef HRADBA_PROTO_FTP_PARSER_H
#define HRADBA_PROTO_FTP_PARSER_H

#include "proto/app.h"

extern const struct app_parser ftp_parser;

#endif
