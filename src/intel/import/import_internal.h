/* import_internal.h — what the importers of src/intel/import/ share: the
 * import object, its counters, error reporting, delivery and the reading of
 * a file (or buffer) in chunks. Not part of the API (intel_import.h).
 */
#ifndef HRADBA_INTEL_IMPORT_INTERNAL_H
#define HRADBA_INTEL_IMPORT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/import/import_mem.h"
#include "intel/import/intel_import.h"
#include "intel/import/json_doc.h"
#include "intel/import/json_split.h"
#include "intel/pattern/stix_pattern.h"

/* Counters, section "intel_import" (docs/intel.md, "Import"). The error.*
 * block is contiguous: intel_import_error_count() sums it. */
#define INTEL_IMPORT_COUNTERS(X)                                                                   \
    X(IC_FILES, "files")                                                                           \
    X(IC_OBJECTS, "objects")                                                                       \
    X(IC_INDICATORS, "indicators")                                                                 \
    X(IC_INDICATORS_NOT_STIX, "indicators.not_stix_pattern")                                       \
    X(IC_INDICATORS_REVOKED, "indicators.revoked")                                                 \
    X(IC_SKIPPED_NON_INDICATOR, "skipped.non_indicator")                                           \
    X(IC_STIX20, "stix.v20_compat")                                                                \
    X(IC_ERR_IO, "error.io")                                                                       \
    X(IC_ERR_STRUCTURE, "error.structure")                                                         \
    X(IC_ERR_JSON, "error.json")                                                                   \
    X(IC_ERR_TOO_LARGE, "error.too_large")                                                         \
    X(IC_ERR_NOT_OBJECT, "error.not_object")                                                       \
    X(IC_ERR_MISSING, "error.missing_property")                                                    \
    X(IC_ERR_BAD_PROPERTY, "error.bad_property")                                                   \
    X(IC_ERR_BAD_TIMESTAMP, "error.bad_timestamp")                                                 \
    X(IC_ERR_BAD_PATTERN, "error.bad_pattern")                                                     \
    X(IC_ERR_BAD_VALUE, "error.bad_value")                                                         \
    X(IC_ERR_CSV_BAD_ROW, "error.csv_bad_row")                                                     \
    X(IC_ERR_RESOLVE_CAP, "error.resolve_over_cap")                                                \
    X(IC_ERR_NOMEM, "error.nomem")                                                                 \
    X(IC_TLP_MARKING, "tlp.from_marking")                                                          \
    X(IC_TLP_TAG, "tlp.from_tag")                                                                  \
    X(IC_TLP_UNKNOWN_ID, "tlp.unknown_id")                                                         \
    X(IC_TLP_UNKNOWN_TAG, "tlp.unknown_tag")                                                       \
    X(IC_TLP_DEFAULT, "tlp.default")                                                               \
    X(IC_TLP_FAIL_CLOSED, "tlp.fail_closed_red")                                                   \
    X(IC_RELATED, "related.entries")                                                               \
    X(IC_RELATED_TRUNCATED, "related.truncated")                                                   \
    X(IC_RELATED_DANGLING, "related.dangling")                                                     \
    X(IC_MISP_EVENTS, "misp.events")                                                               \
    X(IC_MISP_ATTRIBUTES, "misp.attributes")                                                       \
    X(IC_MISP_NOT_TO_IDS, "misp.skipped.not_to_ids")                                               \
    X(IC_MISP_SKIP_WEAK, "misp.skipped.weak")                                                      \
    X(IC_MISP_SKIP_HOST, "misp.skipped.host")                                                      \
    X(IC_MISP_SKIP_HASH, "misp.skipped.hash")                                                      \
    X(IC_MISP_SKIP_RULE, "misp.skipped.rule")                                                      \
    X(IC_MISP_SKIP_CONTENT, "misp.skipped.content")                                                \
    X(IC_MISP_SKIP_TEXT, "misp.skipped.text")                                                      \
    X(IC_MISP_SKIP_UNKNOWN, "misp.skipped.unknown_type")                                           \
    X(IC_MISP_UUID_DERIVED, "misp.uuid_derived")                                                   \
    X(IC_FEED_EVENTS, "misp.feed.events")                                                          \
    X(IC_FEED_HASH_CHECKED, "misp.feed.hash_checked")                                              \
    X(IC_FEED_HASH_MISSING, "misp.feed.hash_missing")                                              \
    X(IC_CSV_ROWS, "csv.rows")                                                                     \
    X(IC_CSV_GUESSED, "csv.type_guessed")                                                          \
    X(IC_CSV_REFANGED, "csv.refanged")                                                             \
    X(IC_PATTERN_PARSED, "pattern.parsed")                                                         \
    X(IC_NORM_CIDR_EQ, "pattern.norm.cidr_with_eq")                                                \
    X(IC_NORM_QUOTED_NUMBER, "pattern.norm.quoted_number")                                         \
    X(IC_NORM_HASH_KEY, "pattern.norm.hash_key_spelling")                                          \
    X(IC_NORM_CROSS_TYPE_AND, "pattern.norm.cross_type_and")                                       \
    X(IC_MEM_MAX_OBJECT, "memory.max_object_bytes")                                                \
    X(IC_MEM_PEAK_BUFFER, "memory.peak_buffer_bytes")                                              \
    X(IC_MEM_PEAK_RESOLVE, "memory.peak_resolve_bytes")

enum import_counter { INTEL_IMPORT_COUNTERS(COUNTER_ENUM) IC_COUNT };

#define IC_ERR_FIRST IC_ERR_IO
#define IC_ERR_LAST IC_ERR_NOMEM

/* Bytes read from a file at a time. */
#define IMPORT_CHUNK (64u * 1024u)

/* Where a file's bytes come from: a descriptor (read again for a second
 * pass) or memory. */
struct import_source {
    const char *path; /* as named in errors */
    int fd;           /* >= 0: read with pread from offset 0 */
    const uint8_t *data;
    size_t len;
};

struct misp_feed_check; /* misp_feed.c: the hashes.csv cross-check */

struct intel_import {
    struct intel_import_options opt;
    struct intel_import_callbacks cb;
    uint64_t counters[IC_COUNT];
    struct stix_pattern_counters pattern_counters;
    uint8_t *chunk;              /* IMPORT_CHUNK bytes */
    struct import_arena scratch; /* one record's strings: reset after delivery */
    struct strbuf text;          /* scratch text (patterns, joined lists) */
    struct intel_related related[INTEL_IMPORT_RELATED_MAX];
    const char *path;             /* the file being read */
    char base_name[256];          /* its base name: the default source */
    uint64_t file_objects;        /* counters[IC_OBJECTS] when the file began */
    int stop_rc;                  /* the callback's negative code once it stopped */
    struct misp_feed_check *feed; /* set while a MISP feed's events are read */
    const json_t *feed_meta;      /* the manifest entry of that event, or NULL */
    struct json_doc doc;          /* the STIX object being read (import_doc_parse) */
    const char *doc_json;         /* its compact text */
    char *doc_dump;               /* that text when jansson wrote it */
};

/* Reports one error: counts `reason`, calls on_error. object_id may be NULL. */
void import_error(struct intel_import *im, enum import_counter reason, uint64_t offset,
                  uint64_t line, const char *object_id, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Hands ind over (counting it) and resets the record scratch. Returns the
 * callback's code (negative: stop the import). */
int import_deliver(struct intel_import *im, const struct intel_indicator *ind);

/* The source name when the data names none: options.source or the base name. */
const char *import_default_source(const struct intel_import *im);

/* Parses a STIX pattern to validate it, counting parse outcomes and
 * normalisations. 0, or -EINVAL with err filled. */
int import_pattern_check(struct intel_import *im, const char *pattern,
                         struct stix_pattern_error *err);

/* Calls fn on every chunk of src in order. Returns 0 at the end, fn's nonzero
 * code, or -errno when reading failed (reported as error.io). */
int import_source_read(struct intel_import *im, const struct import_source *src,
                       int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx);

/* Runs a JSON splitter over the whole of src. A structural error (text that
 * is not JSON where the splitter reads, a truncated file) is reported when
 * report is true. Returns 0 when the input was read (even when its structure
 * broke), a negative callback code or -errno. */
int import_split_source(struct intel_import *im, const struct import_source *src,
                        const struct json_split_callbacks *cb, void *ctx, bool report);

/* Parses one collected value (jansson, duplicate keys rejected). On failure
 * reports it as error.json, with jansson's message, line and byte made
 * absolute, and returns NULL. */
json_t *import_json_parse(struct intel_import *im, const struct json_split_value *v);

/* Reads one collected value into im->doc: the fast reading (json_doc.h),
 * else jansson's, which reports what is wrong as import_json_parse does and
 * otherwise gives the compact text the fast reading could not promise.
 * im->doc_json is then the value's compact text (json_dumps JSON_COMPACT).
 * 0, or -EINVAL / -ENOMEM after the error was reported. */
int import_doc_parse(struct intel_import *im, const struct json_split_value *v);

/* Raises counter c to v when v is larger. */
static inline void import_counter_max(struct intel_import *im, enum import_counter c, uint64_t v)
{
    if (v > im->counters[c])
        im->counters[c] = v;
}

/* Member helpers: a string member or NULL. */
static inline const char *import_json_str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* MISP feeds (misp_feed.c): checks one attribute's value against the feed's
 * hashes.csv (md5(value),event_uuid; each half of a composite type), counting
 * misp.feed.hash_checked / misp.feed.hash_missing. No-op outside a feed. */
void misp_feed_check_attribute(struct intel_import *im, const char *type, const char *value,
                               const char *event_uuid);

/* Imports one file in format f (intel_import.c): what a directory or a feed
 * does per file. Returns as intel_import_path. */
int import_file_as(struct intel_import *im, const char *path, enum intel_import_format f);

/* Format entry points (one file each). */
int stix_bundle_import(struct intel_import *im, const struct import_source *src);
int misp_event_import(struct intel_import *im, const struct import_source *src);
int misp_feed_import(struct intel_import *im, const char *dir);
int csv_list_import(struct intel_import *im, const struct import_source *src);

#endif
