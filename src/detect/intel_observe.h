/* intel_observe.h — what one application record offers to the intel check.
 *
 * Turns a parser's record (DNS, TLS, QUIC, HTTP, fileinfo, SMTP, SOCKS) into
 * a short list of observables — names, URLs, addresses, hashes, fingerprints
 * — each tagged with the EVE field it came from, so an alert can say where
 * the indicator was seen. Values point into the record or into the
 * observation's own scratch; they are valid while both are.
 */
#ifndef HRADBA_DETECT_INTEL_OBSERVE_H
#define HRADBA_DETECT_INTEL_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "intel/match/intel_match.h"
#include "proto/app.h"

#define INTEL_OBSERVE_MAX 96
#define INTEL_OBSERVE_SCRATCH 8192

struct intel_observable {
    enum intel_kind kind;
    const char *field;     /* EVE path, e.g. "tls.sni" (static) */
    const char *stix_type; /* the STIX object it is a property of: "domain-name", "file", ... */
    const char *value;     /* text form (IP kinds too), not necessarily NUL-terminated */
    size_t len;
    uint8_t addr[16]; /* IP kinds: network order, IPv4 in addr[0..3] */
};

/* One event's observables, plus the certificate fields that only a pattern
 * (never the matcher) looks at. */
struct intel_observed {
    struct intel_observable items[INTEL_OBSERVE_MAX];
    size_t count;
    size_t dropped; /* observables past INTEL_OBSERVE_MAX or the scratch */
    const char *x509_serial;
    const char *x509_subject;
    const char *x509_issuer;
    char scratch[INTEL_OBSERVE_SCRATCH];
    size_t scratch_used;
};

/* Adds an address (family 4 or 6; text NUL-terminated and kept by the
 * caller) as the observable of field. */
void intel_observe_add_ip(struct intel_observed *o, const char *field, const char *text,
                          const uint8_t *addr, int family);

/* Fills o (reset first) from one record. Record types without observables
 * (IMAP, POP3, anomalies) give an empty list. */
void intel_observe_record(struct intel_observed *o, enum app_record type, const void *record);

#endif
