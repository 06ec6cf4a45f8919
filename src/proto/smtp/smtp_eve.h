/* smtp_eve.h — the EVE "smtp" and "email" objects for one transaction
 * (docs/protocols/smtp.md documents every field). */
#ifndef HRADBA_PROTO_SMTP_EVE_H
#define HRADBA_PROTO_SMTP_EVE_H

#include "output/json_buf.h"
#include "proto/smtp/smtp_record.h"

/* Writes "tx_id", "smtp":{...} and, when the transaction carried a
 * message, "email":{...} into the open top-level object b. */
void smtp_eve_format(struct json_buf *b, const struct smtp_record *r);

/* Only "smtp":{...} and "email":{...}: the parent objects a fileinfo event
 * of an attachment carries (as Suricata's fileinfo events carry them). */
void smtp_eve_format_objects(struct json_buf *b, const struct smtp_record *r);

#endif
