/* siphash.h — SipHash-2-4, a keyed hash for keys an adversary may choose. */
#ifndef HRADBA_CORE_SIPHASH_H
#define HRADBA_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The 64-bit SipHash-2-4 of len bytes under a 128-bit key (key[0] holds the
 * key's first 8 bytes read little-endian), as the reference implementation
 * computes it whatever the host byte order. */
uint64_t siphash24(const uint64_t key[2], const void *data, size_t len);

#endif
