/* distinct_sketch.c — linear counting and a two-generation Bloom filter
 * (distinct_sketch.h). */
#include "detect/host_model/distinct_sketch.h"

#include <math.h>
#include <string.h>

#include "core/siphash.h"

uint64_t distinct_sketch_hash(const void *data, size_t len)
{
    static const uint64_t key[2] = {0x686f73742d6d6f64ull, 0x656c2d736b657463ull};
    return siphash24(key, data, len);
}

static void set_bit(uint8_t *bits, size_t bit)
{
    bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static bool has_bit(const uint8_t *bits, size_t bit)
{
    return bits[bit / 8] & (1u << (bit % 8));
}

void distinct_sketch_add(uint8_t *bits, size_t nbytes, uint64_t hash)
{
    set_bit(bits, (size_t)(hash % (nbytes * 8)));
}

double distinct_sketch_count(const uint8_t *bits, size_t nbytes)
{
    size_t m = nbytes * 8, zeros = 0;
    for (size_t i = 0; i < nbytes; i++)
        zeros += 8 - (size_t)__builtin_popcount(bits[i]);
    if (zeros == 0) /* saturated: the most the bitmap can tell */
        return (double)m * log((double)m);
    return -(double)m * log((double)zeros / (double)m);
}

enum { PROBES = 3 };

static bool bloom_has(const uint8_t *bits, size_t m, uint64_t hash)
{
    uint32_t h1 = (uint32_t)hash, h2 = (uint32_t)(hash >> 32) | 1u;
    for (uint32_t i = 0; i < PROBES; i++)
        if (!has_bit(bits, (h1 + i * h2) % m))
            return false;
    return true;
}

static void bloom_add(uint8_t *bits, size_t m, uint64_t hash)
{
    uint32_t h1 = (uint32_t)hash, h2 = (uint32_t)(hash >> 32) | 1u;
    for (uint32_t i = 0; i < PROBES; i++)
        set_bit(bits, (h1 + i * h2) % m);
}

bool distinct_sketch_remember(uint8_t *cur, uint8_t *old, size_t nbytes, uint16_t *count,
                              uint16_t rotate_at, uint64_t hash)
{
    size_t m = nbytes * 8;
    bool in_cur = bloom_has(cur, m, hash);
    bool seen = in_cur || bloom_has(old, m, hash);
    if (in_cur)
        return true;
    /* Seen only in the old generation: copied forward, so what is used
     * keeps being remembered across rotations. */
    if (*count >= rotate_at) {
        memcpy(old, cur, nbytes);
        memset(cur, 0, nbytes);
        *count = 0;
    }
    bloom_add(cur, m, hash);
    (*count)++;
    return seen;
}
