/* community_id.h — Community ID flow hashing, version 1.
 *
 * Spec: https://github.com/corelight/community-id-spec (seed 0 by default).
 * SHA-1 over seed, ordered addresses, protocol, padding and ordered ports
 * (ICMP type/code mapped as the spec's table says), base64, "1:" prefix.
 */
#ifndef HRADBA_FLOW_COMMUNITY_ID_H
#define HRADBA_FLOW_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "flow/flow.h"

enum { COMMUNITY_ID_LEN = 31 }; /* "1:" + 28 base64 chars + NUL */

/* Writes the NUL-terminated id of f into out. Returns 0, or -EINVAL. */
int community_id_v1(const struct flow *f, uint16_t seed, char out[COMMUNITY_ID_LEN]);

#endif
