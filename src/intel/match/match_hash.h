/* match_hash.h — the seeded 64-bit hash of the matcher's tables (internal).
 *
 * A multiply-rotate loop over 8-byte words (host order) (in the style of
 * xxh64's round) closed by the 64-bit finaliser of MurmurHash3, seeded per
 * build from getrandom(). Not a cryptographic hash: see docs/intel.md for why
 * a random seed and read-only probing are enough against chosen names.
 */
#ifndef HRADBA_INTEL_MATCH_HASH_H
#define HRADBA_INTEL_MATCH_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MATCH_HASH_K1 0x9e3779b97f4a7c15ull
#define MATCH_HASH_K2 0xc2b2ae3d27d4eb4full
#define MATCH_HASH_K3 0x165667b19e3779f9ull

static inline uint64_t match_hash_fmix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static inline uint64_t match_hash_round(uint64_t h, uint64_t w)
{
    h ^= w * MATCH_HASH_K2;
    h = (h << 31) | (h >> 33);
    return h * MATCH_HASH_K1;
}

/* Hash of (tag, p[0..len)); tag separates kinds sharing one table. */
static inline uint64_t match_hash_bytes(uint64_t seed, unsigned tag, const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ ((uint64_t)tag * MATCH_HASH_K3) ^ ((uint64_t)len * MATCH_HASH_K1);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = match_hash_round(h, w);
        s += 8;
        len -= 8;
    }
    if (len) {
        /* The last 1..7 bytes as one word, from at most two overlapping
         * loads (not a byte-wise copy, which stalls the load after it). */
        uint64_t w;
        if (len >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, s, 4);
            memcpy(&hi, s + len - 4, 4);
            w = (uint64_t)hi << 32 | lo;
        } else {
            w = (uint64_t)s[0] | (uint64_t)s[len / 2] << 8 | (uint64_t)s[len - 1] << 16;
        }
        h = match_hash_round(h, w ^ ((uint64_t)len << 56));
    }
    return match_hash_fmix(h);
}

/* Hash of one IPv4 address: a bijection of (seed, addr). */
static inline uint64_t match_hash_u32(uint64_t seed, uint32_t v)
{
    return match_hash_fmix(seed ^ ((uint64_t)v * MATCH_HASH_K1));
}

#endif
