/* import_id.h — identifiers of imported indicators: STIX ids ("type--uuid",
 * STIX 2.1 section 2.9) and the name-based UUIDv5 (RFC 9562 section 5.5)
 * given to MISP and CSV values that carry no UUID of their own, so that a
 * re-import of the same value from the same source keeps its id.
 */
#ifndef HRADBA_INTEL_IMPORT_ID_H
#define HRADBA_INTEL_IMPORT_ID_H

#include <stdbool.h>
#include <stddef.h>

/* hradba's UUIDv5 namespace (docs/intel.md, "Import"). Never change it: every
 * id derived from it would change. */
#define IMPORT_ID_NAMESPACE "c91b9f41-fd04-4b54-aab4-deef3eb7a7a4"

enum { IMPORT_ID_UUID_LEN = 36, IMPORT_ID_STIX_MAX = 128 };

/* 8-4-4-4-12 hex digits (either case), exactly len bytes. */
bool import_id_is_uuid(const char *s, size_t len);
/* "<type>--<uuid>" for the given type (any type when type is NULL). */
bool import_id_is_stix(const char *id, const char *type);
/* UUIDv5 of name in hradba's namespace, lower case, into out (37 bytes).
 * 0 or -errno (libcrypto failure). */
int import_id_uuid5(const char *name, size_t len, char out[IMPORT_ID_UUID_LEN + 1]);

#endif
