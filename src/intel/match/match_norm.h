/* match_norm.h — the normalised forms of indicator values (internal).
 *
 * One function per kind turns a value into the bytes the matcher stores and
 * compares; the builder and the lookups call the same functions, so an
 * indicator and a value seen on the wire meet in one form. The rules are in
 * docs/intel.md ("Matcher"). Not a URL or address parser for anything else.
 */
#ifndef HRADBA_INTEL_MATCH_NORM_H
#define HRADBA_INTEL_MATCH_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/match/intel_match.h"

struct match_ip {
    int family;         /* 4 or 6; IPv4-mapped IPv6 comes back as 4 */
    uint8_t addr[16];   /* network order; host bits below prefix_len cleared */
    uint8_t prefix_len; /* 0..32 or 0..128 */
    bool had_host_bits; /* "10.0.0.1/8": bits below the prefix were set */
};

/* Each returns the normalised length (>= 0), or -1 with *rej set. */

/* kind IPV4 or IPV6 text, optionally "/n". */
int match_norm_ip(enum intel_kind kind, const char *v, size_t len, struct match_ip *out,
                  enum intel_match_reject *rej);
/* An indicator domain: strict (letters, digits, '-', '_'; labels 1..63; a
 * leading "*." is dropped). out: INTEL_MATCH_DOMAIN_MAX + 1 bytes. */
int match_norm_domain(const char *v, size_t len, char *out, enum intel_match_reject *rej);
/* out: INTEL_MATCH_URL_MAX + 2 bytes. */
int match_norm_url(const char *v, size_t len, char *out, enum intel_match_reject *rej);
/* out: INTEL_MATCH_EMAIL_MAX + 1 bytes. */
int match_norm_email(const char *v, size_t len, char *out, enum intel_match_reject *rej);
/* out: INTEL_MATCH_JA4_MAX bytes. */
int match_norm_ja4(const char *v, size_t len, char *out, enum intel_match_reject *rej);
/* kind MD5/SHA1/SHA256/JA3/JA3S hex into out (32 bytes). */
int match_norm_hex(enum intel_kind kind, const char *v, size_t len, uint8_t *out,
                   enum intel_match_reject *rej);
/* Digest length of a hash kind (16, 20, 32), or 0 for other kinds. */
size_t match_norm_hash_len(enum intel_kind kind);

#endif
