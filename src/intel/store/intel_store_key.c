/* intel_store_key.c — the 64-bit row key of an indicator: SipHash-2-4 of its
 * STIX id under a random key made when the store was created.
 *
 * The store finds rows by this integer instead of by the id's text: an index
 * of 8-byte keys is a quarter the size of one of 47-byte strings, and with
 * random UUIDs every batch rewrites most of the index, so its size sets the
 * cost of an import. The hash is keyed so that nobody who writes a feed can
 * make two ids share a key; the id text is still compared on every look-up.
 */
#include <string.h>

#include "core/siphash.h"
#include "intel/store/intel_store_internal.h"

int64_t intel_store_key_of(const struct intel_store *st, const char *stix_id)
{
    return (int64_t)siphash24(st->id_key, stix_id, strlen(stix_id));
}
