/* name_filter.h — which DNS names the tunnel and DGA detector reads, and
 * under which domain it counts them.
 *
 * Lower-cases the query name, leaves out names that look like tunnels and
 * are not — reverse lookups (.arpa), mDNS (.local, RFC 6762), service
 * discovery and mail authentication labels (_tcp, _udp, _domainkey, ...),
 * DNS blocklist and anti-virus reputation zones (a built-in list) — and
 * finds the registered domain by the Public Suffix List. A name under a TLD
 * no registry could issue (digits or symbols in it: dnscat2 talking to its
 * server directly) is grouped under the resolver's address instead, since
 * each such name would otherwise be a "domain" of its own. Not a validator.
 */
#ifndef HRADBA_DETECT_DNS_TUNNEL_NAME_FILTER_H
#define HRADBA_DETECT_DNS_TUNNEL_NAME_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/bhv.h"

struct psl;

enum {
    NAME_FILTER_TEXT_MAX = 1024, /* the DNS decoder's longest name text, NUL included */
    NAME_FILTER_GROUP_SIZE = 63,
};

struct name_filter_name {
    char low[NAME_FILTER_TEXT_MAX]; /* lower-cased, no trailing dot */
    size_t len;
    bool was_truncated; /* longer than the buffer: the tail (with the domain) kept */
    const char *domain; /* registered domain in low; NULL when grouped without one */
    size_t domain_len;
    const char *reg_label; /* the domain's leftmost label (what a DGA makes up) */
    size_t reg_label_len;
    size_t sub_len;  /* text before the domain (its dot left out); all of it when grouped */
    bool is_grouped; /* invalid TLD: counted under group, "[resolver address]" */
    char group[NAME_FILTER_GROUP_SIZE];
};

enum name_filter_verdict {
    NAME_FILTER_OK,
    NAME_FILTER_REVERSE,        /* *.arpa */
    NAME_FILTER_LOCAL,          /* *.local, *.localhost */
    NAME_FILTER_SERVICE,        /* a service-discovery or mail-authentication label */
    NAME_FILTER_LOOKUP_SERVICE, /* a DNSBL or reputation zone (when asked to skip them) */
    NAME_FILTER_NO_DOMAIN,      /* single label, bare suffix, IP literal, empty */
};

/* Reads qname (escaped presentation text) into n. server is the resolver
 * asked, for grouping. n is filled as far as the verdict allows. */
enum name_filter_verdict name_filter_read(const struct psl *psl, const char *qname,
                                          const struct bhv_ip *server, bool exclude_lookup_services,
                                          struct name_filter_name *n);

#endif
