/* imap_eve.h — the EVE "imap" object for a session summary
 * (docs/protocols/imap.md documents every field). */
#ifndef HRADBA_PROTO_IMAP_EVE_H
#define HRADBA_PROTO_IMAP_EVE_H

#include "output/json_buf.h"
#include "proto/imap/imap_record.h"

/* Writes "imap":{...} into the open top-level object b. */
void imap_eve_format(struct json_buf *b, const struct imap_record *r);

#endif
