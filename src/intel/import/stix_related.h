/* stix_related.h — what an indicator is related to within its bundle.
 *
 * The first pass over a bundle offers the small objects that give an alert
 * its context — intrusion sets, malware, tools, threat actors, campaigns,
 * attack patterns, identities — and the relationships between them; the
 * second pass asks, per indicator, for the list (STIX 2.1 sections 4, 5):
 *   1. direct: relationship "indicates" or "related-to" from the indicator;
 *   2. one hop from those: "attributed-to" to an intrusion set or threat
 *      actor, then "uses" to attack patterns (ATT&CK techniques).
 * Everything is held under one byte cap. An id is kept as its type (one
 * byte) and its UUID (16 bytes, with a 32-bit mask of the hex digits written
 * in upper case, so that two ids are the same exactly when their texts are):
 * 32 bytes a node, 8 an edge, 4 to 8 a hash slot, so one indicator with one
 * relationship costs about 50 bytes and 64 MiB hold well over a million.
 * Only the objects that are defined (not merely named by a relationship)
 * keep their id text, name, ATT&CK id and aliases.
 */
#ifndef HRADBA_INTEL_IMPORT_STIX_RELATED_H
#define HRADBA_INTEL_IMPORT_STIX_RELATED_H

#include <stdbool.h>
#include <stddef.h>

#include "intel/import/import_mem.h"
#include "intel/import/json_doc.h"
#include "intel/indicator.h"

struct stix_related;

/* NULL on allocation failure. cap_bytes bounds every table together. */
struct stix_related *stix_related_new(size_t cap_bytes);
void stix_related_free(struct stix_related *r);

/* True for the object types the first pass keeps (by the "type" string). */
bool stix_related_wants(const char *type);

/* Offers one parsed object of a wanted type. 0; -ENOSPC once the cap is
 * reached (nothing more is kept); -EINVAL when it lacks what is needed
 * (an id, a relationship's refs). A newer version of an object (by
 * "modified") replaces an older one; revoked objects and relationships are
 * never reported. */
int stix_related_add(struct stix_related *r, const struct json_doc *d,
                     const struct json_doc_node *obj);

/* The name of identity `id` when it was offered, else NULL. */
const char *stix_related_identity_name(const struct stix_related *r, const char *id);

struct stix_related_result {
    size_t count;      /* entries written */
    size_t dangling;   /* refs to objects not in the bundle (skipped) */
    bool is_truncated; /* more than max */
};

/* The objects indicator_id is related to, into out[0 .. max): direct ones
 * first, then intrusion sets and threat actors one hop away, then attack
 * patterns. Strings live in r, except relationship texts of hops, which are
 * made in scratch ("attributed-to (via malware)", "uses (via intrusion-set)"). */
struct stix_related_result stix_related_resolve(const struct stix_related *r,
                                                const char *indicator_id, struct intel_related *out,
                                                size_t max, struct import_arena *scratch);

/* Nodes (ids) and edges kept. */
size_t stix_related_node_count(const struct stix_related *r);
size_t stix_related_edge_count(const struct stix_related *r);

/* Memory held now and at most (bytes). */
size_t stix_related_bytes(const struct stix_related *r);
size_t stix_related_peak_bytes(const struct stix_related *r);

#endif
