/* stix_pattern.h — STIX 2.1 patterns (STIX 2.1 §9): parse, inspect, evaluate.
 *
 * A pattern is parsed once into an immutable tree (one arena per pattern) and
 * can then be evaluated against one observation (stix_observation.h) from any
 * thread. Patterns that need several observations (FOLLOWEDBY, WITHIN, REPEATS,
 * START/STOP, AND between observation expressions) are kept and evaluate to
 * STIX_EVAL_NOT_EVALUATED, never silently dropped. This is not the line-rate
 * matcher: "simple" patterns hand their atoms to src/intel/match/ instead.
 */
#ifndef HRADBA_INTEL_STIX_PATTERN_H
#define HRADBA_INTEL_STIX_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"

struct stix_pattern;     /* opaque, from stix_pattern_parse() */
struct stix_observation; /* stix_observation.h */

/* Limits. A pattern longer than STIX_PATTERN_MAX_LEN bytes or nested deeper
 * than STIX_PATTERN_MAX_DEPTH (brackets, parentheses, operators) is rejected
 * with an error, before any large allocation. */
#define STIX_PATTERN_MAX_LEN (1024u * 1024u)
#define STIX_PATTERN_MAX_DEPTH 64u
/* PCRE2 limits for MATCHES: a regex that exceeds them is "no match" plus the
 * eval.regex_limit counter. */
#define STIX_PATTERN_REGEX_MATCH_LIMIT 100000u
#define STIX_PATTERN_REGEX_DEPTH_LIMIT 1000u

struct stix_pattern_error {
    size_t offset;     /* byte offset in the pattern text where the error is */
    char message[160]; /* what was wrong, NUL-terminated */
};

/* Counters: parse outcomes, producer mistakes that were normalised (norm.*) or
 * rejected, and evaluation outcomes. Caller-owned; one per worker. */
#define STIX_PATTERN_COUNTERS(X)                                                                   \
    X(STIX_PC_PARSE_OK, "parse.ok")                                                                \
    X(STIX_PC_PARSE_SYNTAX, "parse.syntax_error")                                                  \
    X(STIX_PC_PARSE_SEMANTIC, "parse.semantic_error")                                              \
    X(STIX_PC_PARSE_TOO_DEEP, "parse.too_deep")                                                    \
    X(STIX_PC_PARSE_TOO_LONG, "parse.too_long")                                                    \
    X(STIX_PC_PARSE_NOMEM, "parse.nomem")                                                          \
    X(STIX_PC_NORM_CIDR_EQ, "norm.cidr_with_eq")                                                   \
    X(STIX_PC_NORM_QUOTED_NUMBER, "norm.quoted_number")                                            \
    X(STIX_PC_NORM_HASH_KEY, "norm.hash_key_spelling")                                             \
    X(STIX_PC_CROSS_TYPE_AND, "norm.cross_type_and")                                               \
    X(STIX_PC_BAD_REGEX, "parse.bad_regex")                                                        \
    X(STIX_PC_EVAL_MATCH, "eval.match")                                                            \
    X(STIX_PC_EVAL_NO_MATCH, "eval.no_match")                                                      \
    X(STIX_PC_EVAL_NOT_EVALUATED, "eval.not_evaluated")                                            \
    X(STIX_PC_EVAL_ERROR, "eval.error")                                                            \
    X(STIX_PC_EVAL_REGEX_LIMIT, "eval.regex_limit")

enum stix_pattern_counter { STIX_PATTERN_COUNTERS(COUNTER_ENUM) STIX_PATTERN_COUNTER_COUNT };

struct stix_pattern_counters {
    uint64_t values[STIX_PATTERN_COUNTER_COUNT];
};

/* A read-only view of c for the statistics writer (section "stix_pattern"). */
struct counter_view stix_pattern_counters_view(const struct stix_pattern_counters *c);

/* Parses text[0..len) (need not be NUL-terminated). Returns the pattern, or
 * NULL with *err filled (err may be NULL). Semantic checks (hash lengths,
 * duplicate qualifiers, timestamp ranges) are part of parsing. Counters may be
 * NULL; otherwise the parse outcome and every normalisation applied is counted. */
struct stix_pattern *stix_pattern_parse_counted(const char *text, size_t len,
                                                struct stix_pattern_counters *counters,
                                                struct stix_pattern_error *err);
/* Same, without counters. */
struct stix_pattern *stix_pattern_parse(const char *text, size_t len,
                                        struct stix_pattern_error *err);
/* Frees p and everything it owns; NULL is a no-op. */
void stix_pattern_free(struct stix_pattern *p);

/* Normalisations applied to p (bit (1 << STIX_PC_NORM_*) / STIX_PC_CROSS_TYPE_AND). */
uint32_t stix_pattern_normalisations(const struct stix_pattern *p);

/* --- Scope ------------------------------------------------------------- */

/* True when p can be decided from one observation: no FOLLOWEDBY, no
 * qualifier, no AND between observation expressions. OR between observation
 * expressions is allowed. AND across object types inside one [ ... ] is
 * evaluated (one object of each type in the same observation) and counted as
 * norm.cross_type_and (docs/intel.md). */
bool stix_pattern_is_single_observation(const struct stix_pattern *p);

/* --- Extraction API for the line-rate matcher (src/intel/match/) -------- */

/* What an atom's value is, so the matcher can index it without re-parsing. */
enum stix_atom_kind {
    STIX_ATOM_IPV4 = 1,    /* value is an address (op EQ) or CIDR (op ISSUBSET) */
    STIX_ATOM_IPV6,        /* same, IPv6 */
    STIX_ATOM_DOMAIN,      /* domain-name:value, lower-cased, no trailing dot */
    STIX_ATOM_URL,         /* url:value, as given */
    STIX_ATOM_EMAIL,       /* email-addr:value, as given */
    STIX_ATOM_HASH_MD5,    /* file: or x509-certificate:hashes.MD5, lower-case hex */
    STIX_ATOM_HASH_SHA1,   /* hashes.'SHA-1' */
    STIX_ATOM_HASH_SHA256, /* hashes.'SHA-256' */
    STIX_ATOM_X509_SERIAL, /* x509-certificate:serial_number */
    STIX_ATOM_X509_SUBJECT,
    STIX_ATOM_X509_ISSUER,
    STIX_ATOM_PORT, /* network-traffic:src_port / dst_port; value in .port */
    /* TLS client/server fingerprints on the custom observable x-tls-fingerprint
     * (no standard STIX object exists; docs/intel.md, "JA3 and JA4"). */
    STIX_ATOM_JA3,  /* x-tls-fingerprint:ja3, 32 hex digits, lower-cased */
    STIX_ATOM_JA3S, /* x-tls-fingerprint:ja3s, 32 hex digits, lower-cased */
    STIX_ATOM_JA4,  /* x-tls-fingerprint:ja4, as given */
};

/* Which end of a network-traffic object an address/port atom names. */
enum stix_atom_side {
    STIX_SIDE_NONE = 0, /* a plain object (ipv4-addr:value, domain-name:value, ...) */
    STIX_SIDE_SRC,      /* network-traffic:src_ref.value / src_port */
    STIX_SIDE_DST,      /* network-traffic:dst_ref.value / dst_port */
};

enum stix_atom_op {
    STIX_ATOM_EQ = 1,   /* exact value */
    STIX_ATOM_ISSUBSET, /* address within the CIDR in addr/prefix_len */
};

struct stix_pattern_atom {
    const char *object_type; /* "ipv4-addr", "network-traffic", ... (NUL-terminated) */
    const char *path;        /* canonical path: "value", "hashes.SHA-256", "dst_ref.value" */
    enum stix_atom_op op;
    enum stix_atom_kind kind;
    enum stix_atom_side side;
    const char *value; /* normalised value text, NUL-terminated (CIDR as "a/n") */
    size_t value_len;
    uint8_t addr[16];    /* IPV4/IPV6: network byte order (IPv4 in addr[0..3]) */
    unsigned prefix_len; /* IPV4/IPV6: 32/128 for a host, else the CIDR length */
    uint16_t port;       /* PORT */
};

/* True when p is "simple": one observation expression, no qualifier, its
 * comparisons joined only by OR, each `type:path = value` or
 * `type:path ISSUBSET 'cidr'` with a path the sensor sees (the kinds above).
 * Only simple patterns have atoms; everything else goes to stix_pattern_eval. */
bool stix_pattern_is_simple(const struct stix_pattern *p);

/* The atoms of a simple pattern (any one matching means the pattern matches),
 * valid until stix_pattern_free(p). *count is 0 and NULL is returned for a
 * pattern that is not simple. */
const struct stix_pattern_atom *stix_pattern_atoms(const struct stix_pattern *p, size_t *count);

/* --- Evaluation -------------------------------------------------------- */

enum stix_eval_result {
    STIX_EVAL_NO_MATCH = 0,
    STIX_EVAL_MATCH = 1,
    STIX_EVAL_NOT_EVALUATED = 2, /* needs several observations (see scope above) */
    STIX_EVAL_ERROR = 3, /* evaluation failed (regex limit, out of memory): treat as no match */
};

/* Evaluates p against one observation. p is not modified (thread-safe for a
 * shared p); counters may be NULL. Memory used is bounded by the pattern and
 * the observation sizes plus one PCRE2 match block per MATCHES. */
enum stix_eval_result stix_pattern_eval(const struct stix_pattern *p,
                                        const struct stix_observation *obs,
                                        struct stix_pattern_counters *counters);

/* Printable name of a result ("match", "no_match", "not_evaluated", "error"). */
const char *stix_eval_result_name(enum stix_eval_result r);

#endif
