/* mime_eve.h — a parsed message (struct mime_message) as EVE's "email"
 * object, in Suricata's names plus hradba's additions
 * (docs/protocols/smtp.md lists every field). */
#ifndef HRADBA_PROTO_MIME_MIME_EVE_H
#define HRADBA_PROTO_MIME_MIME_EVE_H

#include "output/json_buf.h"
#include "proto/mime/mime_parser.h"

/* Writes "email":{...} into the open object b. */
void mime_eve_format(struct json_buf *b, const struct mime_message *msg);

#endif
