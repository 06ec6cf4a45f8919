/* dns_eve.h — the "dns" object of an EVE dns event, in Suricata 7's
 * "version 2" format (the caller writes the common header around it).
 * Every field is documented in docs/protocols/dns.md. */
#ifndef HRADBA_PROTO_DNS_EVE_H
#define HRADBA_PROTO_DNS_EVE_H

#include <stddef.h>

#include "output/json_buf.h"
#include "proto/dns/dns_record.h"

/* Writes "dns": {...} into the open top-level object of b. A query is
 * written as Suricata writes a request event for its first question
 * ({"type":"query",...}); a response as one "answer" event with answers and
 * authorities. */
void dns_eve_format(struct json_buf *b, const struct dns_record *r);

/* Suricata writes one request event per question: this writes the one for
 * questions[index] (index < r->question_count; a query with no question is
 * written without rrname/rrtype by dns_eve_format). */
void dns_eve_format_query(struct json_buf *b, const struct dns_record *r, size_t index);

#endif
