/* dns_rdata.h — decoding one resource record's RDATA into a dns_answer.
 *
 * Types: A, AAAA (RFC 3596), CNAME, NS, PTR, MX, SOA, TXT, NULL (RFC 1035
 * §3.3), SRV (RFC 2782), SVCB and HTTPS (RFC 9460: priority, target, and the
 * mandatory/alpn/no-default-alpn/port/ipv4hint/ech/ipv6hint parameters).
 * Anything else is kept as hex. Not a DNSSEC or EDNS option decoder.
 */
#ifndef HRADBA_PROTO_DNS_RDATA_H
#define HRADBA_PROTO_DNS_RDATA_H

#include "core/cursor.h"
#include "proto/dns/dns_arena.h"
#include "proto/dns/dns_record.h"

enum dns_rdata_status {
    DNS_RDATA_STATUS_OK = 0,
    DNS_RDATA_STATUS_BAD,  /* rdata does not fit its type: a->kind is BAD, *event set */
    DNS_RDATA_STATUS_FULL, /* the arena is full: drop the answer */
};

/* Decodes `rd` (exactly the RDLENGTH octets, inside `msg`, which views the
 * whole message for compression pointers) as type a->rrtype into a->kind,
 * a->rdata and a->u, with strings in `ar`. On BAD, *event names the problem:
 * a name anomaly ("compression_loop", ...) or "rdata_malformed". */
enum dns_rdata_status dns_rdata_decode(struct dns_arena *ar, const struct cursor *msg,
                                       struct cursor rd, struct dns_answer *a, const char **event);

#endif
