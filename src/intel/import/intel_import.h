/* intel_import.h — read indicator files: STIX 2.1 bundles, MISP event JSON,
 * MISP feeds (a directory with manifest.json) and CSV / plain lists.
 *
 * An import reads files and hands each indicator, as a struct intel_indicator,
 * to a callback; it knows no store. Bad input never stops it: a malformed
 * object (bad JSON inside a bundle, a missing pattern, a pattern that does not
 * parse) is reported through the error callback with its file and position,
 * and the good objects around it are still delivered. Memory is bounded by
 * the largest single object (INTEL_IMPORT_OBJECT_MAX), not by the file: a
 * bundle is split into its objects by a streaming scanner before any object
 * is parsed, so a 100 MB bundle costs one object at a time plus the small
 * per-bundle tables needed to resolve relationships (intrusion sets, malware,
 * attack patterns, identities, relationships).
 */
#ifndef HRADBA_INTEL_IMPORT_H
#define HRADBA_INTEL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counter.h"
#include "intel/indicator.h"

/* Limits (docs/intel.md, "Import"). An object larger than this is skipped
 * with an error; a file is never loaded whole. */
#define INTEL_IMPORT_OBJECT_MAX (16u * 1024u * 1024u)
/* Related objects handed over per indicator (intrusion sets, malware, ATT&CK
 * techniques...); more are dropped and counted (related.truncated). */
#define INTEL_IMPORT_RELATED_MAX 32u
/* Per-file memory for what resolves relationships (STIX: the small objects
 * and relationships of a bundle, about 50 bytes an indicator with one
 * relationship, so 48 MiB for a million; MISP: event metadata and feed
 * hashes). Past it, resolution is incomplete and reported once
 * (error.resolve_over_cap). */
#define INTEL_IMPORT_RESOLVE_MAX (64u * 1024u * 1024u)

enum intel_import_format {
    INTEL_IMPORT_AUTO = 0, /* by content: JSON ('{' or '[') with STIX member names ("type",
                              "objects", "id"…) → STIX, with MISP ones ("Event", "response",
                              "Attribute", "info"…) → MISP; a directory with manifest.json →
                              MISP feed; anything else → CSV/list */
    INTEL_IMPORT_STIX,
    INTEL_IMPORT_MISP, /* one MISP event (wrapped in {"Event":…} or bare), or a list of
                          them ({"response": […]} or a JSON array) */
    INTEL_IMPORT_MISP_FEED,
    INTEL_IMPORT_CSV,
};

/* CSV / plain-list column mapping. A plain list is one value a line with
 * value_column 0 and a fixed type. */
struct intel_import_csv {
    int value_column;   /* 0-based; default 0 */
    int type_column;    /* column naming each row's type, or -1 (use `type`) */
    const char *type;   /* fixed type for every row when type_column < 0: "ip", "cidr",
                           "domain", "url", "md5", "sha1", "sha256", "ja3", "ja3s",
                           "ja4", "email" (and the MISP type names); NULL = guess per value */
    int comment_column; /* becomes the description, or -1 */
    char delimiter;     /* ',' default; '\t' for TSV; '\0' for a plain list
                           (the whole line is the value, commas included) */
    bool has_header;    /* skip the first line; also lets columns be named
                           (see intel_import_csv_columns) */
    /* Header names from intel_import_csv_columns ("value=ioc"), resolved to
     * columns when the header line is read; "" when a number was given. */
    char value_name[64];
    char type_name[64];
    char comment_name[64];
};

struct intel_import_options {
    enum intel_import_format format;
    const char *source;         /* the source name of every indicator whose data names
                                   none (a STIX created_by_ref identity in the bundle or a
                                   MISP Orgc name wins); NULL: the file's base name */
    enum intel_tlp default_tlp; /* for objects with no TLP marking (default AMBER) */
    int default_confidence;     /* for MISP/CSV rows (default -1: none) */
    bool misp_to_ids_only;      /* MISP: only attributes with to_ids true (default true) */
    struct intel_import_csv csv;
    int64_t now_us; /* import time: created/modified of CSV rows (0: the time of
                       intel_import_new) */
};

void intel_import_options_default(struct intel_import_options *o);
/* Parses a column mapping "value=2,type=1,comment=4": 0-based column numbers
 * as in struct intel_import_csv, or header names when has_header
 * ("value=indicator,type=kind"); "type=-1" / "comment=-1" unset a column.
 * 0 or -EINVAL (csv unchanged). */
int intel_import_csv_columns(struct intel_import_csv *csv, const char *spec);

struct intel_import_error {
    const char *path;      /* file */
    uint64_t offset;       /* byte offset of the object or line in the file */
    uint64_t line;         /* 1-based line of that offset, or 0 when unknown */
    const char *object_id; /* STIX id / MISP uuid when known, else NULL */
    const char *message;   /* what was wrong, e.g. "pattern: offset 13: expected a literal" */
};

struct intel_import_callbacks {
    /* One indicator; return 0 to go on, negative to stop the import (the
     * code is returned by intel_import_path). */
    int (*on_indicator)(void *ctx, const struct intel_indicator *ind);
    /* One bad object or line (may be NULL: errors are only counted). */
    void (*on_error)(void *ctx, const struct intel_import_error *e);
    void *ctx;
};

/* Per-import counters (section "intel_import"): files, objects, indicators
 * delivered, objects by kind skipped (not an indicator), errors by reason,
 * normalisations applied (stix_pattern's norm.* counters summed). */
struct intel_import;

struct intel_import *intel_import_new(const struct intel_import_options *o,
                                      const struct intel_import_callbacks *cb);
void intel_import_free(struct intel_import *im);

/* Imports one file or directory (a directory is a MISP feed when it holds
 * manifest.json, else every regular file in it, sorted by name). "-" reads
 * standard input. Returns 0 when the file could be read (even if some objects
 * were bad: see the counters), -errno when it could not be opened or read, or
 * the callback's negative code. */
int intel_import_path(struct intel_import *im, const char *path);
/* The same from memory (name is used in errors). */
int intel_import_buffer(struct intel_import *im, const char *name, const uint8_t *data, size_t len);

struct counter_view intel_import_counters(const struct intel_import *im);
uint64_t intel_import_indicator_count(const struct intel_import *im);
uint64_t intel_import_error_count(const struct intel_import *im);

#endif
