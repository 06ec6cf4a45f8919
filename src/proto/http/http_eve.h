/* http_eve.h — the "http" object of EVE http and fileinfo events, with
 * Suricata 7's field names and order (the caller writes the common header
 * around it). Every field is documented in docs/protocols/http.md. */
#ifndef HRADBA_PROTO_HTTP_HTTP_EVE_H
#define HRADBA_PROTO_HTTP_HTTP_EVE_H

#include "output/json_buf.h"
#include "proto/http/http_record.h"

/* Writes "http": {...} into the open object b. Absent fields are omitted;
 * "length" is always written (0 without a response), as Suricata does. */
void http_eve_format(struct json_buf *b, const struct http_record *r);

#endif
