/* pop3_parser.h — POP3 (RFC 1939, 2449, 2595, 5034) as an app_parser.
 *
 * Pairs client commands with the server's +OK/-ERR in order (pipelining,
 * RFC 2449 §6.6, included), follows multi-line responses to their CRLF.CRLF
 * without buffering them, and keeps one session summary (struct
 * pop3_record). Passwords are passed over, never kept.
 */
#ifndef HRADBA_PROTO_POP3_PARSER_H
#define HRADBA_PROTO_POP3_PARSER_H

#include "proto/app.h"

extern const struct app_parser pop3_parser;

#endif
