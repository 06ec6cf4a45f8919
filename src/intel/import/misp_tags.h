/* misp_tags.h — what MISP tags and galaxy clusters say about an indicator:
 * its TLP ("tlp:amber" tags) and the threat actors, intrusion sets, malware,
 * tools and ATT&CK techniques it is related to (galaxy clusters, or the
 * "misp-galaxy:<galaxy>=\"<value>\"" tags that stand for them in feeds).
 * MISP core format (draft-dulaunoy-misp-core-format), Tag and Galaxy.
 */
#ifndef HRADBA_INTEL_IMPORT_MISP_TAGS_H
#define HRADBA_INTEL_IMPORT_MISP_TAGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "intel/import/import_mem.h"
#include "intel/indicator.h"

struct intel_import;

/* TLP from a tag list ([{"name": …}], or [{"Tag": {"name": …}}]). False when
 * it holds no "tlp:" tag. Several: the most restrictive; a "tlp:" tag of no
 * known level makes it RED with origin INTEL_TLP_UNKNOWN_ID (counted as
 * tlp.unknown_tag). */
bool misp_tags_tlp(struct intel_import *im, const json_t *tags, enum intel_tlp *tlp,
                   enum intel_tlp_origin *origin);

/* A list of related entries under construction. Strings are copied into the
 * arena given to misp_tags_related_*. */
struct misp_related {
    struct intel_related *items;
    size_t count, max;
    bool is_truncated;
};

/* Appends the clusters of a Galaxy list ([{"type", "GalaxyCluster": […]}]) of
 * the kinds an alert names; relationship says where they hang
 * ("event galaxy", "attribute galaxy"). Entries already listed (same type and
 * name) are not repeated. */
void misp_tags_related_galaxies(struct misp_related *r, struct import_arena *a,
                                const json_t *galaxies, const char *relationship);
/* Appends the "misp-galaxy:" tags of a tag list the same way (name and ATT&CK
 * id from the value; no aliases, no STIX id). */
void misp_tags_related_tags(struct misp_related *r, struct import_arena *a, const json_t *tags,
                            const char *relationship);

#endif
