/* imap_parser.h — IMAP4rev1/rev2 (RFC 3501, RFC 9051) as an app_parser.
 *
 * Follows both directions line by line, skipping literals ({n}, {n+},
 * ~{n}) by count without buffering them, and keeps one session summary
 * (struct imap_record, imap_record.h): capabilities, STARTTLS, the user of
 * LOGIN/AUTHENTICATE and its outcome, mailboxes selected, messages fetched.
 * Passwords are skipped, never kept. Not a mail store: message bytes are
 * counted, not read.
 */
#ifndef HRADBA_PROTO_IMAP_PARSER_H
#define HRADBA_PROTO_IMAP_PARSER_H

#include "proto/app.h"

extern const struct app_parser imap_parser;

#endif
