/* misp_types.h — MISP attribute types (and the CSV type names) to STIX 2.1
 * patterns, after the misp-stix mapping (../shared/intel/misp/
 * misp_attributes_to_stix21.json), with the deviations docs/intel.md lists
 * ("MISP types"): types a network sensor can see are imported, each as one
 * pattern; host artefacts, rules, free text, hashes the sensor never
 * computes and values too weak to match alone are skipped, by class.
 * Values are checked and normalised here (addresses parsed, hex lowered,
 * domains lowered); this is also where CSV guesses a value's type.
 */
#ifndef HRADBA_INTEL_IMPORT_MISP_TYPES_H
#define HRADBA_INTEL_IMPORT_MISP_TYPES_H

#include <stdbool.h>

#include "intel/import/import_mem.h"

/* Why a type is not imported (each has a counter "misp.skipped.<class>"). */
enum misp_type_class {
    MISP_CLASS_IMPORTED = 0,
    MISP_CLASS_WEAK,    /* filename, port, size-in-bytes: would match far too much alone */
    MISP_CLASS_HOST,    /* registry keys, mutexes, PDB paths: never on the wire */
    MISP_CLASS_HASH,    /* hashes the sensor does not compute (SHA-512, ssdeep, imphash...) */
    MISP_CLASS_RULE,    /* YARA, Snort, Suricata, Sigma: rules for other engines */
    MISP_CLASS_CONTENT, /* e-mail subjects and bodies, attachments, samples */
    MISP_CLASS_TEXT,    /* text, comments, vulnerabilities, names, accounts */
    MISP_CLASS_UNKNOWN, /* a type this table does not know */
};

struct misp_type; /* an entry of the table */

/* The entry for a type name (MISP's or CSV's, case-sensitive as MISP's are),
 * or NULL for an unknown name. */
const struct misp_type *misp_type_find(const char *name);
/* The class of a type (MISP_CLASS_UNKNOWN for NULL). */
enum misp_type_class misp_type_class(const struct misp_type *t);
/* Its name as written in the table ("ip-dst", "ipv4", "hostname"...). */
const char *misp_type_name(const struct misp_type *t);
/* The first name of the types that make the same pattern ("ipv4", "cidr" →
 * "ip"; "hostname" → "domain"): what a stable id is made of. */
const char *misp_type_canonical(const struct misp_type *t);
/* True for "a|b" types (filename|md5, ip-dst|port...): MISP feeds hash each
 * half separately in hashes.csv. */
bool misp_type_is_composite(const struct misp_type *t);

/* The STIX pattern for value (NUL-terminated) of imported type t into
 * pattern, and the normalised value into norm (what a stable id is made of).
 * 0, or -EINVAL with *why naming what is wrong with the value. */
int misp_type_pattern(const struct misp_type *t, const char *value, struct strbuf *pattern,
                      struct strbuf *norm, const char **why);

/* The type a bare value looks like (CSV without a type): an IPv4/IPv6
 * address or CIDR, a 32/40/64-digit hex hash (MD5/SHA-1/SHA-256), a URL with
 * a scheme, an e-mail address, a domain name. NULL when none. */
const struct misp_type *misp_type_guess(const char *value);

#endif
