/* stix_observation_json.h — STIX 2.1 observed-data (JSON, via jansson) to one
 * struct stix_observation. Used by the conformance tests and by the intel
 * import layer; not on the packet path.
 */
#ifndef HRADBA_INTEL_STIX_OBSERVATION_JSON_H
#define HRADBA_INTEL_STIX_OBSERVATION_JSON_H

#include <jansson.h>

#include "intel/pattern/stix_observation.h"

/* Fills obs (initialised and empty, else -EINVAL) from one observed-data
 * object. STIX 2.1: its SCOs are the objects of `objects` (a JSON array, e.g.
 * the merged bundle objects) whose id is listed in observed_data.object_refs,
 * in that order; objects no ref names are not part of the observation. STIX
 * 2.0: the embedded "objects" dictionary, keyed by local ids. `*_ref` and
 * `*_refs` strings naming an object of the observation become references;
 * `*_bin` (base64) and `*_hex` properties become binary; hash keys take their
 * STIX names and hex digests lower case. Nesting deeper than 32 is cut off.
 * Returns 0, -EINVAL when observed_data is not an observed-data object, or
 * -ENOMEM / -E2BIG when the observation's cap is reached. */
int stix_observation_from_json(struct stix_observation *obs, const json_t *observed_data,
                               const json_t *objects);

#endif
