/* tls_eve.h — the "tls" object of an EVE tls event, with Suricata 7's field
 * names (the caller writes the common header around it). Every field is
 * documented in docs/protocols/tls.md. */
#ifndef HRADBA_PROTO_TLS_TLS_EVE_H
#define HRADBA_PROTO_TLS_TLS_EVE_H

#include <stdint.h>

#include "output/json_buf.h"
#include "proto/tls/tls_record.h"

/* Writes "tls": {...} into the open top-level object of b. */
void tls_eve_format(struct json_buf *b, const struct tls_record *r);

/* Suricata's name for a protocol version: "SSLv2", "SSLv3", "TLSv1",
 * "TLS 1.1", "TLS 1.2", "TLS 1.3", "TLS 1.3 draft-NN", else
 * "UNDETERMINED". buf holds a draft's name. */
const char *tls_eve_version_name(uint16_t version, char buf[24]);

#endif
