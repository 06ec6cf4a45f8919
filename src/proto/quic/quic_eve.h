/* quic_eve.h — the "quic" object of an EVE quic event, as Suricata 7 writes
 * it (the caller writes the common header around it). Every field is
 * documented in docs/protocols/quic.md. */
#ifndef HRADBA_PROTO_QUIC_QUIC_EVE_H
#define HRADBA_PROTO_QUIC_QUIC_EVE_H

#include "output/json_buf.h"
#include "proto/quic/quic_record.h"

enum { QUIC_EVE_EXTENSIONS_MAX = 64 }; /* extensions listed; the rest are dropped */

/* Writes "quic": {...} into the open top-level object of b. */
void quic_eve_format(struct json_buf *b, const struct quic_record *r);

/* Suricata's version text: "Q046" for gQUIC Q0xx, otherwise lower-case hex
 * without leading zeros ("1", "6b3343cf", "ff00001d"). buf holds 9 bytes. */
const char *quic_eve_version(uint32_t version, char buf[9]);

#endif
