/* indicator.h — one indicator as imported: the record that passes from the
 * importers (intel/import/) to the store (intel/store/) and to the runtime
 * intel set (intel/set/).
 *
 * Every format is brought to this one shape: a STIX 2.1 indicator with its
 * provenance. MISP attributes and CSV rows become STIX patterns (docs/intel.md,
 * "Import"), so the matcher has one input. Strings are borrowed: valid for the
 * callback that hands the record over; a consumer that keeps one copies it.
 */
#ifndef HRADBA_INTEL_INDICATOR_H
#define HRADBA_INTEL_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TLP levels in rank order (../shared/intel/tlp.json): a policy compares
 * ranks. TLP 1.0 WHITE is CLEAR. */
enum intel_tlp {
    INTEL_TLP_CLEAR = 0,
    INTEL_TLP_GREEN = 1,
    INTEL_TLP_AMBER = 2,
    INTEL_TLP_AMBER_STRICT = 3,
    INTEL_TLP_RED = 4,
};

/* Where the indicator's TLP came from. An unknown marking id counts as RED
 * (fail closed); an object with no TLP marking at all is NONE and its level
 * is the import's default (docs/intel.md, "TLP"). */
enum intel_tlp_origin {
    INTEL_TLP_FROM_MARKING = 0, /* a known marking-definition id */
    INTEL_TLP_FROM_TAG = 1,     /* a MISP tag "tlp:…" */
    INTEL_TLP_UNKNOWN_ID = 2,   /* object_marking_refs held an unknown id (or a MISP
                                   "tlp:" tag of no known level): RED */
    INTEL_TLP_NONE = 3,         /* no marking: the import default */
};

/* An object the indicator is related to in the same bundle (or MISP event):
 * what lets an alert say "APT31 / ZIRCONIUM (G0128)". */
struct intel_related {
    const char *type;         /* "intrusion-set", "malware", "tool", "threat-actor",
                                 "campaign", "attack-pattern" */
    const char *stix_id;      /* may be NULL for MISP galaxies without one */
    const char *name;         /* "ZIRCONIUM" */
    const char *external_id;  /* ATT&CK id ("G0128", "T1071.001") or NULL */
    const char *aliases;      /* comma-separated aliases ("APT31, Violet Typhoon") or NULL */
    const char *relationship; /* "indicates", "attributed-to (via malware)", "uses (via
                                 intrusion-set)" ... */
};

/* Times are microseconds since the Unix epoch (STIX timestamps have at most
 * microsecond precision in practice; finer digits are truncated). */
#define INTEL_TIME_NONE INT64_MIN

struct intel_indicator {
    const char *stix_id;      /* "indicator--<uuid>": STIX as given; MISP the
                                 attribute's uuid; CSV (and MISP without a uuid) a
                                 UUIDv5 of source, type and value, so re-imports
                                 are stable (docs/intel.md, "Import") */
    const char *source;       /* feed name: created_by_ref identity name, MISP Orgc,
                                 or the file name / --source */
    const char *name;         /* may be NULL */
    const char *description;  /* may be NULL */
    const char *pattern;      /* pattern text (NUL-terminated) */
    const char *pattern_type; /* "stix" is matched; others are stored, never matched */
    int64_t created_us;
    int64_t modified_us; /* the version: (stix_id, modified_us) is unique */
    int64_t valid_from_us;
    int64_t valid_until_us; /* INTEL_TIME_NONE when open-ended */
    bool is_revoked;
    int confidence;                /* 0..100, or -1 when absent */
    const char *indicator_types;   /* comma-separated ("malicious-activity,attribution") or NULL */
    const char *kill_chain_phases; /* comma-separated "kill_chain_name:phase_name" or NULL */
    enum intel_tlp tlp;
    enum intel_tlp_origin tlp_origin;
    const struct intel_related *related;
    size_t related_count;
    const char *object_json; /* the STIX indicator object as imported (MISP/CSV: as
                                converted), compact JSON, NUL-terminated */
};

/* TLP helpers (intel/tlp.c). */
const char *intel_tlp_name(enum intel_tlp t); /* "clear", "green", "amber", "amber+strict", "red" */
/* A marking-definition id: 0 and *out set when it is one of the known TLP ids
 * (TLP 1.0, TLP 2.0, OpenCTI AMBER+STRICT), -ENOENT otherwise (not a TLP id). */
int intel_tlp_from_marking_id(const char *id, enum intel_tlp *out);
/* The STIX id of the canonical marking for t (TLP 2.0 ids; used on export). */
const char *intel_tlp_marking_id(enum intel_tlp t);
/* A MISP tag ("tlp:amber", "tlp:amber+strict", "TLP:CLEAR", "tlp:white"):
 * 0 and *out set, -ENOENT when it is not a TLP tag, -EINVAL when it is a
 * "tlp:" tag of no known level ("tlp:ex:chr"): the importers treat it as RED
 * with origin INTEL_TLP_UNKNOWN_ID (fail closed). */
int intel_tlp_from_tag(const char *tag, enum intel_tlp *out);
/* "clear", "white", "amber+strict", "TLP:RED" (case-insensitive): as above. */
int intel_tlp_parse(const char *text, enum intel_tlp *out);

#endif
