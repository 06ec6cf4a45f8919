/* smtp_parser.h — SMTP (RFC 5321, 3030 BDAT, 2920 pipelining, 3207
 * STARTTLS, 4954 AUTH) as an app_parser.
 *
 * Pairs client commands with the server's replies in order, follows DATA
 * (dot-unstuffed) and BDAT chunks into the MIME reader (proto/mime), and
 * hands one struct smtp_record per mail transaction to app_out, followed by
 * one struct fileinfo_record per attachment (parent_type APP_RECORD_SMTP,
 * parent the transaction's record).
 */
#ifndef HRADBA_PROTO_SMTP_PARSER_H
#define HRADBA_PROTO_SMTP_PARSER_H

#include "proto/app.h"

extern const struct app_parser smtp_parser;

#endif
