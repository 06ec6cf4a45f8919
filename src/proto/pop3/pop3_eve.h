/* pop3_eve.h — the EVE "pop3" object for a session summary
 * (docs/protocols/pop3.md documents every field). */
#ifndef HRADBA_PROTO_POP3_EVE_H
#define HRADBA_PROTO_POP3_EVE_H

#include "output/json_buf.h"
#include "proto/pop3/pop3_record.h"

/* Writes "pop3":{...} into the open top-level object b. */
void pop3_eve_format(struct json_buf *b, const struct pop3_record *r);

#endif
