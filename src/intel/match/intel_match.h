/* intel_match.h — the compiled indicator matcher on the packet path.
 *
 * A builder takes already-extracted indicator values (IP/CIDR, domain, URL,
 * file hashes, JA3/JA3S/JA4, e-mail address), each with an opaque 32-bit
 * reference into the caller's indicator table, and compiles them into an
 * immutable matcher. Lookups allocate nothing and take no lock. A new
 * matcher (inside a new intel set, intel/set/) replaces the old one while
 * workers keep matching through core/qsbr.h.
 * Not a STIX pattern engine (intel/pattern/) and not a store. docs/intel.md
 * ("Matcher") documents the normalisations, structures and limits.
 */
#ifndef HRADBA_INTEL_MATCH_H
#define HRADBA_INTEL_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"

enum intel_kind {
    INTEL_KIND_IPV4,   /* "a.b.c.d" or "a.b.c.d/n" */
    INTEL_KIND_IPV6,   /* RFC 4291 text, optionally "/n" */
    INTEL_KIND_DOMAIN, /* matches itself and every subdomain */
    INTEL_KIND_URL,    /* absolute URL, normalised (docs/intel.md) */
    INTEL_KIND_MD5,    /* hex, case-insensitive, stored as 16 bytes */
    INTEL_KIND_SHA1,   /* 20 bytes */
    INTEL_KIND_SHA256, /* 32 bytes */
    INTEL_KIND_JA3,    /* MD5 hex of the JA3 string */
    INTEL_KIND_JA3S,   /* MD5 hex of the JA3S string */
    INTEL_KIND_JA4,    /* JA4 fingerprint text, case-sensitive */
    INTEL_KIND_EMAIL,  /* local@domain, lower-cased */
    INTEL_KIND_COUNT
};

/* Why a value was refused by intel_match_builder_add (one counter each). */
#define INTEL_MATCH_REJECTS(X)                                                                     \
    X(INTEL_REJECT_KIND, "bad_kind")                                                               \
    X(INTEL_REJECT_EMPTY, "empty")                                                                 \
    X(INTEL_REJECT_TOO_LONG, "too_long")                                                           \
    X(INTEL_REJECT_CHAR, "bad_char")                                                               \
    X(INTEL_REJECT_IP, "bad_ip")                                                                   \
    X(INTEL_REJECT_PREFIX, "bad_prefix_len")                                                       \
    X(INTEL_REJECT_HEX, "bad_hex")                                                                 \
    X(INTEL_REJECT_HEX_LEN, "bad_hash_length")                                                     \
    X(INTEL_REJECT_DOMAIN, "bad_domain")                                                           \
    X(INTEL_REJECT_URL, "bad_url")                                                                 \
    X(INTEL_REJECT_EMAIL, "bad_email")                                                             \
    X(INTEL_REJECT_FULL, "builder_full")                                                           \
    X(INTEL_REJECT_NOMEM, "no_memory")
enum intel_match_reject { INTEL_MATCH_REJECTS(COUNTER_ENUM) INTEL_REJECT_COUNT };

/* Limits (docs/intel.md). Values longer than these are refused. */
enum {
    INTEL_MATCH_DOMAIN_MAX = 253, /* RFC 1035 text form, no trailing dot */
    INTEL_MATCH_URL_MAX = 4096,
    INTEL_MATCH_EMAIL_MAX = 254, /* RFC 5321 path limit less the brackets */
    INTEL_MATCH_JA4_MAX = 128,
    INTEL_MATCH_VALUE_MAX = INTEL_MATCH_URL_MAX, /* largest normalised value */
};

/* One matching indicator value. refs stay valid as long as the matcher. */
struct intel_match_hit {
    const uint32_t *refs; /* indicator_refs given for this value, ascending */
    uint32_t count;       /* >= 1 */
    uint8_t prefix_len;   /* IP: prefix length of the matching value (0..32 or
                             0..128 in its own family); 0 for other kinds */
    uint16_t suffix_off;  /* domain: offset in the looked-up name where the
                             matching suffix starts; 0 for other kinds */
};

struct intel_match_builder;
struct intel_match;

/* ---- building (control thread) ---- */

/* An empty builder with a fresh random hash seed; NULL on allocation failure. */
struct intel_match_builder *intel_match_builder_new(void);
void intel_match_builder_free(struct intel_match_builder *b);

/* Adds one value of `kind` (len bytes, need not be NUL-terminated) that
 * stands for indicator_ref. The same value may be added with several refs;
 * the same (value, ref) twice is kept once. Returns 0, -EINVAL when the value
 * is refused (its reason is counted and returned by
 * intel_match_builder_last_reject) or -ENOMEM / -E2BIG (counted too). */
int intel_match_builder_add(struct intel_match_builder *b, enum intel_kind kind, const char *value,
                            size_t len, uint32_t indicator_ref);
enum intel_match_reject intel_match_builder_last_reject(const struct intel_match_builder *b);
const char *intel_match_reject_name(enum intel_match_reject r);
/* Counters "reject.<reason>" and "added.<kind>"; valid while b lives. */
struct counter_view intel_match_builder_counters(const struct intel_match_builder *b);

/* Compiles everything added so far into a new immutable matcher. The builder
 * keeps its values (reordered): free it at once, or add more and build
 * again. NULL on allocation failure. */
struct intel_match *intel_match_build(struct intel_match_builder *b);
void intel_match_free(struct intel_match *m);

/* The normalised form of a value, as it is stored and compared: out gets
 * the text (IP kinds: canonical "addr/len" text; hash kinds: lower-case hex),
 * NUL-terminated, at most out_cap bytes. Returns its length, or -EINVAL with
 * *reject set, or -ENOSPC. Lets the store keep the same form. */
int intel_match_normalize(enum intel_kind kind, const char *value, size_t len, char *out,
                          size_t out_cap, enum intel_match_reject *reject);

/* ---- lookups (any thread; no allocation, no lock, no write) ---- */

/* family 4 (addr[0..3]) or 6 (addr[0..15], network order). Fills up to
 * max_hits hits, longest prefix first: every indicator value covering addr
 * (the exact address, then each shorter covering CIDR), because a /8 and a
 * /32 indicator are different intelligence. max_hits 1 gives the longest
 * prefix only. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as
 * the IPv4 address. Returns the number of hits written. */
size_t intel_match_ip(const struct intel_match *m, const uint8_t addr[16], int family,
                      struct intel_match_hit *hits, size_t max_hits);

/* name: a DNS name in text form (case-insensitive, trailing dot ignored;
 * IDNA names as their xn-- A-labels). Walks from the full name up to its last
 * label, so an indicator "evil.com" matches "a.b.evil.com". Fills up to
 * max_hits hits, longest suffix first; returns their number. */
size_t intel_match_domain(const struct intel_match *m, const char *name, size_t len,
                          struct intel_match_hit *hits, size_t max_hits);

/* url: an absolute URL; normalised the same way as the indicators. */
bool intel_match_url(const struct intel_match *m, const char *url, size_t len,
                     struct intel_match_hit *hit);

/* kind MD5, SHA1, SHA256, JA3 or JA3S; hex of the exact length, any case. */
bool intel_match_hash(const struct intel_match *m, enum intel_kind kind, const char *hex,
                      size_t len, struct intel_match_hit *hit);
/* The same with the raw digest bytes (16, 20 or 32). */
bool intel_match_hash_bin(const struct intel_match *m, enum intel_kind kind, const uint8_t *bytes,
                          size_t len, struct intel_match_hit *hit);

/* kind JA4 or EMAIL (JA3/JA3S hex accepted too). */
bool intel_match_string(const struct intel_match *m, enum intel_kind kind, const char *s,
                        size_t len, struct intel_match_hit *hit);

/* ---- batch lookups (any thread; no allocation, no lock, no write) ----
 *
 * The same answers as the single lookups above, for n keys at once. Each
 * step (hash, pre-filter line, table slot, interval, node) is taken for
 * every key of a group before the next step, with the cache lines of the
 * next step requested ahead, so the memory latencies of the keys overlap
 * instead of adding up. Worth it from a few keys: a worker checks the
 * addresses of a burst of packets, flows or events in one call (pointers
 * into them, no copy). Keys go in groups of INTEL_MATCH_BURST internally; n
 * is not limited. docs/intel.md ("Batch lookups") has the measurements. */
enum { INTEL_MATCH_BURST = 32 };

/* addrs[i] and families[i] as in intel_match_ip (a NULL addrs[i] matches
 * nothing; IPv6 keys are looked up one by one). The hits of key i go to
 * hits[i * max_hits ...] (n * max_hits entries; longest prefix first, as
 * intel_match_ip), their number to counts[i] (n entries). Returns the
 * number of keys with at least one hit. */
size_t intel_match_ip_batch(const struct intel_match *m, const uint8_t *const *addrs,
                            const int *families, size_t n, struct intel_match_hit *hits,
                            size_t max_hits, size_t *counts);

/* digests[i]: len raw digest bytes of `kind` (MD5, SHA1, SHA256, JA3 or
 * JA3S, as intel_match_hash_bin; NULL matches nothing). hits[i] (n entries)
 * gets the match of key i, or count 0 and refs NULL when it has none.
 * Returns the number of keys with a match. */
size_t intel_match_hash_bin_batch(const struct intel_match *m, enum intel_kind kind,
                                  const uint8_t *const *digests, size_t len, size_t n,
                                  struct intel_match_hit *hits);

struct intel_match_stats {
    uint64_t values[INTEL_KIND_COUNT]; /* distinct values per kind */
    uint64_t ipv4_prefixes;            /* of values[IPV4]: shorter than /32 */
    uint64_t ipv6_prefixes;            /* of values[IPV6]: shorter than /128 */
    uint64_t refs;                     /* distinct (value, ref) pairs */
    uint64_t bytes_ipv4_exact;         /* /32 hash table */
    uint64_t bytes_ipv4_prefix;        /* interval index, bounds, prefix nodes */
    uint64_t bytes_ipv6_prefix;
    uint64_t bytes_keyed_slots; /* hash table of every other value but digests */
    uint64_t bytes_keyed_arena; /* their keys and inline refs */
    uint64_t bytes_ref_lists;   /* values with several refs */
    uint64_t bytes_total;       /* all of the above and the header */
    uint32_t max_probe;         /* longest probe sequence, in slots */
    uint64_t bytes_filters;     /* pre-filters (Bloom filters, cover maps); in bytes_total */
    uint64_t bytes_digests;     /* MD5/SHA-1/SHA-256/JA3/JA3S tables; in bytes_total */
};
void intel_match_stats(const struct intel_match *m, struct intel_match_stats *out);

#endif
