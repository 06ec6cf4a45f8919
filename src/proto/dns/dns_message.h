/* dns_message.h — one DNS message (RFC 1035 §4.1) into a struct dns_record.
 *
 * Transport-free: the caller hands over exactly one message (a UDP payload,
 * or one length-framed TCP message without its 2-octet prefix). Questions,
 * answers and authorities are decoded and stored up to the caps in
 * dns_record.h; additionals are checked and counted only. Not an EDNS or
 * DNSSEC decoder.
 */
#ifndef HRADBA_PROTO_DNS_MESSAGE_H
#define HRADBA_PROTO_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app.h"
#include "proto/dns/dns_arena.h"
#include "proto/dns/dns_record.h"

enum { DNS_HEADER_LEN = 12 };

/* Scratch for parsing one message: the record and the strings it points to.
 * About 30 KB; lives on the parser's stack, so the per-flow state stays
 * small (a UDP DNS flow is often a single query). Fields are private. */
struct dns_message {
    struct dns_record rec;
    struct dns_arena arena;
};

enum dns_message_result {
    DNS_MESSAGE_OK = 0,  /* m->rec is complete */
    DNS_MESSAGE_PARTIAL, /* header and questions are good, a later section is
                          * not: m->rec holds what came before (is_malformed) */
    DNS_MESSAGE_INVALID, /* the header or a question is broken: no record */
};

/* Parses the len octets at data as one message into m->rec (dir, is_tcp and
 * tx_id are left for the caller). *event is set to at most one anomaly name
 * to report — always on PARTIAL and INVALID, and on OK when one rdata did not
 * fit its type (that answer then holds hex, kind DNS_RDATA_BAD). Work is
 * bounded by len: every loop consumes octets or ends. */
enum dns_message_result dns_message_parse(struct dns_message *m, const uint8_t *data, size_t len,
                                          const char **event);

/* Does this look like the start of a DNS message? Checks header sanity
 * (opcode, counts against the length, rcode of a query) and the first
 * question, not ports. is_whole: data is the complete message (UDP) rather
 * than a prefix of it (TCP), so missing octets mean NO rather than MAYBE. */
enum app_probe dns_message_probe(const uint8_t *data, size_t len, bool is_whole);

#endif
