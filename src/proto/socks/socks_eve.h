/* socks_eve.h — the EVE "socks" object for one SOCKS handshake
 * (docs/protocols/socks.md documents every field). */
#ifndef HRADBA_PROTO_SOCKS_EVE_H
#define HRADBA_PROTO_SOCKS_EVE_H

#include "output/json_buf.h"
#include "proto/socks/socks_record.h"

/* Writes "socks":{...} into the open top-level object b. */
void socks_eve_format(struct json_buf *b, const struct socks_record *r);

/* EVE names of a SOCKS 5 method, a command and a reply code of `version`;
 * NULL for a number without a name. */
const char *socks_eve_method_name(uint8_t method);
const char *socks_eve_command_name(enum socks_command cmd);
const char *socks_eve_reply_name(uint8_t version, uint8_t code);

#endif
